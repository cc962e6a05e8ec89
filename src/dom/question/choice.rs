//! A choice question: radios (one answer) or checkboxes (several), and the
//! write-in ("Something else") as one more of them with its text field.

use web_sys::{Document, Element};

use super::{check_all, choice_input, field, id_for};
use crate::dom::build::{append, attr, el, index_text};
use crate::survey_view::Choice;

pub struct Els {
    /// The options' inputs, then the write-in's radio or checkbox.
    pub inputs: Vec<Element>,
    /// The write-in's text field.
    pub other: Option<Element>,
}

pub fn build(
    doc: &Document,
    parent: &Element,
    q: usize,
    multiple: bool,
    options: &[Choice],
    other: Option<(&str, &str, usize)>,
) -> Els {
    let kind = if multiple { "checkbox" } else { "radio" };
    let name = id_for(q, "");
    let list = el(doc, "div", "options");
    let mut inputs: Vec<Element> = options
        .iter()
        .enumerate()
        .map(|(v, choice)| choice_input(doc, &list, kind, &name, (q, v), choice, "option"))
        .collect();
    let mut text = None;
    if let Some((label, written, max_length)) = other {
        let wrap = el(doc, "div", "other");
        let choice = Choice {
            value: "~other".into(),
            label: label.into(),
            checked: !written.is_empty(),
        };
        inputs.push(choice_input(
            doc,
            &wrap,
            kind,
            &name,
            (q, options.len()),
            &choice,
            "option",
        ));
        let input = el(doc, "input", "other-text");
        attr(&input, "type", "text");
        attr(&input, "data-q", &index_text(q));
        attr(&input, "data-other", "");
        attr(&input, "maxlength", &index_text(max_length));
        attr(&input, "aria-label", label);
        attr(&input, "value", written);
        append(&wrap, &input);
        append(&list, &wrap);
        text = Some(input);
    }
    append(parent, &list);
    Els {
        inputs,
        other: text,
    }
}

pub fn patch(els: &Els, options: &[Choice]) {
    check_all(&els.inputs, options);
    // The write-in is checked while it has text (or the reader picked it
    // and is about to write).
    if let (Some(text), Some(input)) = (&els.other, els.inputs.last()) {
        let written = !field(text).value().trim().is_empty();
        if written && !field(input).checked() {
            field(input).set_checked(true);
        }
    }
}
