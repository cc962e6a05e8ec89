//! DOM event listeners and timers that are removed when dropped.
//!
//! In place of gloo-events' `EventListener`: it passes an options object
//! (`capture`, `passive`, `once`), which costs three more imports with their
//! glue plus a thread-local holding the object, and nothing here needs
//! those options (`passive` only matters for scroll-blocking events).
//!
//! In place of gloo-timers' `Timeout`: its callback is a closure of a kind
//! of its own (`FnOnce()`), which costs a conversion shim in the wasm and
//! the glue; a timer's callback here is of the listeners' kind, and the
//! timer itself one call to a small JS helper (`bind::timer`).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use super::bind::{listen, timer, unlisten};

/// Calls `f` once, after `ms` milliseconds, unless dropped before.
pub struct Timer {
    id: f64,
    _callback: Closure<dyn FnMut(&Event)>,
}

impl Timer {
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Timer {
        let mut f = Some(f);
        let callback: Closure<dyn FnMut(&Event)> = Closure::wrap(Box::new(move |_: &Event| {
            if let Some(f) = f.take() {
                f();
            }
        }));
        Timer {
            id: timer(0.0, ms, Some(callback.as_ref().unchecked_ref())),
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        timer(self.id, 0, None);
    }
}

pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(&Event)>,
}

impl Listener {
    /// Listens for `kind` on `target` until the listener is dropped. The
    /// callback is boxed by the caller so that every listener shares one
    /// copy of this code.
    pub fn new(target: &EventTarget, kind: &'static str, callback: Box<dyn FnMut(&Event)>) -> Self {
        let callback = Closure::wrap(callback);
        listen(target, kind, callback.as_ref().unchecked_ref());
        Listener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        unlisten(
            &self.target,
            self.kind,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}
