//! A survey question's control in the DOM, one file per kind: `build`
//! makes its nodes from the view model, `patch` brings their state in line
//! with it. Every input carries `data-q` (its question's index) and
//! `data-v` (which option, point or column), and a Likert radio `data-r`
//! (its row), so one delegated listener per event type serves them all.
//!
//! Adding a kind is a file here and a line in `Control`'s two matches.

mod choice;
mod likert;
mod points;
mod text;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

use super::build::{append, attr, el, index_text, text_el};
use crate::survey_view::{Choice, Control as View};

#[wasm_bindgen]
extern "C" {
    /// An `<input>` or `<textarea>`; the properties below never throw.
    pub type Field;
    #[wasm_bindgen(method, getter)]
    pub fn value(this: &Field) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn checked(this: &Field) -> bool;
    #[wasm_bindgen(method, setter)]
    pub fn set_checked(this: &Field, checked: bool);
    #[wasm_bindgen(method, js_name = insertBefore)]
    pub fn insert_before(this: &Field, node: &Node, before: &Node);
    #[wasm_bindgen(method, js_name = querySelector)]
    pub fn query(this: &Field, selector: &str) -> Option<Element>;
}

/// `e` as a form field (or any node, for `insertBefore`).
pub fn field(e: &Element) -> &Field {
    e.unchecked_ref()
}

/// A question's control, built.
pub enum Control {
    Choice(choice::Els),
    Points(points::Els),
    Likert(likert::Els),
    Text(text::Els),
}

/// Names the nodes of question `q`: `rs-q{q}` and what follows.
pub fn id_for(q: usize, what: &str) -> String {
    let mut id = String::from("rs-q");
    id.push_str(&index_text(q));
    id.push_str(what);
    id
}

impl Control {
    /// Builds the control into `parent`; `described` is the id list its
    /// inputs name for `aria-describedby` (the inline notice).
    pub fn build(doc: &Document, parent: &Element, q: usize, view: &View) -> Control {
        match view {
            View::Choice {
                multiple,
                options,
                other,
            } => Control::Choice(choice::build(doc, parent, q, *multiple, options, *other)),
            View::Points {
                points,
                min_label,
                max_label,
            } => Control::Points(points::build(
                doc, parent, q, points, *min_label, *max_label,
            )),
            View::Likert { columns, rows } => {
                Control::Likert(likert::build(doc, parent, q, columns, rows))
            }
            View::Text {
                value,
                max_length,
                multiline,
            } => Control::Text(text::build(doc, parent, q, value, *max_length, *multiline)),
        }
    }

    pub fn patch(&self, view: &View) {
        match (self, view) {
            (Control::Choice(els), View::Choice { options, .. }) => choice::patch(els, options),
            (Control::Points(els), View::Points { points, .. }) => check_all(&els.inputs, points),
            (Control::Likert(els), View::Likert { rows, .. }) => likert::patch(els, rows),
            // A text field is the reader's as they type: its value is set
            // once, when built, never patched (the draft holds it trimmed).
            _ => {}
        }
    }

    /// What to focus when the question is shown: the checked radio of its
    /// first group, else its first control.
    pub fn first(&self) -> Option<Element> {
        match self {
            Control::Choice(els) => first_of(&els.inputs),
            Control::Points(els) => first_of(&els.inputs),
            Control::Likert(els) => els.rows.first().and_then(|row| first_of(row)),
            Control::Text(els) => Some(els.input.clone()),
        }
    }

    /// The write-in's text, for a choice with "other".
    pub fn other_text(&self) -> Option<String> {
        match self {
            Control::Choice(els) => els.other.as_ref().map(|o| field(o).value()),
            _ => None,
        }
    }
}

fn first_of(inputs: &[Element]) -> Option<Element> {
    inputs
        .iter()
        .find(|i| field(i).checked())
        .or(inputs.first())
        .cloned()
}

/// Sets each input's `checked` from the view (the property, which is what
/// the browser shows once the reader has touched the control).
pub fn check_all(inputs: &[Element], choices: &[Choice]) {
    for (input, choice) in inputs.iter().zip(choices) {
        if field(input).checked() != choice.checked {
            field(input).set_checked(choice.checked);
        }
    }
}

/// `<label><input type=… name=… data-q data-v><span>label</span></label>`
/// for value `v` of question `q`.
pub fn choice_input(
    doc: &Document,
    parent: &Element,
    kind: &str,
    name: &str,
    (q, v): (usize, usize),
    choice: &Choice,
    class: &str,
) -> Element {
    let label = el(doc, "label", class);
    let input = el(doc, "input", "");
    attr(&input, "type", kind);
    attr(&input, "name", name);
    attr(&input, "value", &choice.value);
    attr(&input, "data-q", &index_text(q));
    attr(&input, "data-v", &index_text(v));
    attr(&input, "aria-describedby", &id_for(q, "-notice"));
    if choice.checked {
        attr(&input, "checked", "");
    }
    append(&label, &input);
    append(&label, &text_el(doc, "span", "text", &choice.label));
    append(parent, &label);
    input
}
