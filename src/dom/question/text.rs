//! A text question: one line or several, limited in characters. Its value
//! is the reader's while they type, so it is only ever set when built.

use web_sys::{Document, Element};

use super::id_for;
use crate::dom::build::{append, attr, el, index_text};

pub struct Els {
    pub input: Element,
}

pub fn build(
    doc: &Document,
    parent: &Element,
    q: usize,
    value: &str,
    max_length: usize,
    multiline: bool,
) -> Els {
    let input = el(
        doc,
        if multiline { "textarea" } else { "input" },
        "text-answer",
    );
    if multiline {
        attr(&input, "rows", "4");
        input.set_text_content(Some(value));
    } else {
        attr(&input, "type", "text");
        attr(&input, "value", value);
    }
    attr(&input, "id", &id_for(q, "-text"));
    attr(&input, "data-q", &index_text(q));
    attr(&input, "maxlength", &index_text(max_length));
    attr(&input, "aria-labelledby", &id_for(q, "-prompt"));
    attr(&input, "aria-describedby", &id_for(q, "-notice"));
    append(parent, &input);
    Els { input }
}
