//! The element's DOM events: `CustomEvent`s that bubble out of the shadow
//! root (`composed`) so a site listens once on `document`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// A plain object for `event.detail`, built field by field.
pub struct Detail(Object);

impl Detail {
    pub fn new(poll: &str) -> Self {
        let d = Detail(Object::new());
        d.set("poll", &JsValue::from_str(poll))
    }

    pub fn set(self, key: &str, value: &JsValue) -> Self {
        Reflect::set(&self.0, &JsValue::from_str(key), value).unwrap_throw();
        self
    }

    pub fn str(self, key: &str, value: &str) -> Self {
        self.set(key, &JsValue::from_str(value))
    }

    pub fn strings(self, key: &str, values: &[String]) -> Self {
        let array = Array::new();
        for v in values {
            array.push(&JsValue::from_str(v));
        }
        self.set(key, &array)
    }
}

/// Fires `name` on `host`; returns false if a listener cancelled it.
pub fn fire(host: &HtmlElement, name: &str, detail: Detail, cancelable: bool) -> bool {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(&detail.0);
    let event = CustomEvent::new_with_event_init_dict(name, &init).unwrap_throw();
    host.dispatch_event(&event).unwrap_throw()
}
