//! DOM event listeners that are removed when dropped.
//!
//! In place of gloo-events' `EventListener`: it passes an options object
//! (`capture`, `passive`, `once`), which costs three more imports with their
//! glue plus a thread-local holding the object, and nothing here needs
//! those options (`passive` only matters for scroll-blocking events).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use super::bind::{listen, unlisten};

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
