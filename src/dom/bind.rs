//! DOM methods bound without an exception trap. web-sys binds each of
//! these as able to throw, which costs a `try` in the glue and a check in
//! the wasm at every call, only to be turned back into a throw here: as
//! this module calls them (names it spells, nodes it made, callbacks that
//! are functions) they never throw.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, EventTarget, HtmlElement, Node};

#[wasm_bindgen]
extern "C" {
    /// Whatever object the method is called on; the typed functions below
    /// say which.
    type Raw;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create_element(this: &Raw, tag: &str) -> Element;
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Raw, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = toggleAttribute)]
    fn toggle_attribute(this: &Raw, name: &str, force: bool);
    #[wasm_bindgen(method, js_name = appendChild)]
    fn append_child(this: &Raw, child: &Node);
    #[wasm_bindgen(method)]
    fn closest(this: &Raw, selector: &str) -> Option<Element>;
    #[wasm_bindgen(method, getter, js_name = classList)]
    fn class_list(this: &Raw) -> Raw;
    #[wasm_bindgen(method)]
    fn toggle(this: &Raw, name: &str, force: bool);
    #[wasm_bindgen(method, getter)]
    fn style(this: &Raw) -> Raw;
    #[wasm_bindgen(method, js_name = setProperty)]
    fn set_property(this: &Raw, name: &str, value: &str);
    #[wasm_bindgen(method)]
    fn focus(this: &Raw);
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &Raw, kind: &str, callback: &js_sys::Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &Raw, kind: &str, callback: &js_sys::Function);
}

// setText compares in JS: reading the text into the wasm first was a copy
// and a conversion for every line on every render. timer is `setTimeout`
// and `clearTimeout` in one import (`listen::Timer`). One snippet for both:
// each snippet is a module of its own, which the page (and the test
// runner's small file server) must fetch.
#[wasm_bindgen(inline_js = "export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
export function timer(id, ms, f) {
  clearTimeout(id);
  return f ? setTimeout(f, ms) : 0;
}")]
extern "C" {
    #[wasm_bindgen(js_name = setText)]
    fn set_text_js(node: &Raw, text: &str);
    /// Clears the timer `id` (0: none) and, given `f`, sets one calling it
    /// after `ms`. Ids are numbers, not always small ones (Playwright's
    /// clock starts at 10^12): kept as `f64`, not cut to an `i32` that
    /// would not clear.
    pub fn timer(id: f64, ms: u32, f: Option<&js_sys::Function>) -> f64;
}

/// Sets `e`'s text (as a text node, never markup) unless it already is
/// that: an unchanged text node keeps a screen reader's place.
pub fn set_text(e: &Element, text: &str) {
    set_text_js(raw(e), text);
}

fn raw<T: JsCast>(value: &T) -> &Raw {
    value.unchecked_ref()
}

pub fn create(doc: &Document, tag: &str) -> Element {
    raw(doc).create_element(tag)
}

pub fn set_attr(e: &Element, name: &str, value: &str) {
    raw(e).set_attribute(name, value);
}

/// `toggleAttribute(name, false)`: one import fewer than `removeAttribute`.
pub fn remove_attr(e: &Element, name: &str) {
    raw(e).toggle_attribute(name, false);
}

pub fn toggle_attr(e: &Element, name: &str, force: bool) {
    raw(e).toggle_attribute(name, force);
}

pub fn append_to(parent: &Node, child: &Node) {
    raw(parent).append_child(child);
}

pub fn closest(e: &Element, selector: &str) -> Option<Element> {
    raw(e).closest(selector)
}

/// (The survey's: the poll sets its one toggled class as an attribute.)
#[cfg(feature = "survey")]
pub fn toggle_class(e: &Element, name: &str, force: bool) {
    raw(e).class_list().toggle(name, force);
}

pub fn set_style(e: &HtmlElement, name: &str, value: &str) {
    raw(e).style().set_property(name, value);
}

pub fn focus(e: &HtmlElement) {
    raw(e).focus();
}

pub fn listen(target: &EventTarget, kind: &str, callback: &js_sys::Function) {
    raw(target).add_event_listener(kind, callback);
}

pub fn unlisten(target: &EventTarget, kind: &str, callback: &js_sys::Function) {
    raw(target).remove_event_listener(kind, callback);
}
