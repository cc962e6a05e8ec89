//! Creating nodes. Text goes in through `textContent` only: poll text is
//! untrusted and never touches an HTML parser.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use super::bind::{append_to, create, set_attr, set_text};
use crate::view::{BallotRow, ResultRow};

/// `<tag class="class">` with no text.
pub fn el(doc: &Document, tag: &str, class: &str) -> Element {
    let e = create(doc, tag);
    if !class.is_empty() {
        // Attributes rather than the matching properties (`className`, and
        // `type`, `name`, `value` below): each property setter is one more
        // import with its glue, and for these the two are the same thing.
        attr(&e, "class", class);
    }
    e
}

/// `<tag class="class">text</tag>`, text set as a text node.
pub fn text_el(doc: &Document, tag: &str, class: &str, text: &str) -> Element {
    let e = el(doc, tag, class);
    set_text(&e, text);
    e
}

pub fn attr(e: &Element, name: &str, value: &str) {
    set_attr(e, name, value);
}

pub fn append(parent: &Element, child: &Element) {
    append_to(parent, child);
}

/// The nodes of one ballot option.
pub struct OptionEls {
    pub index: usize,
    pub label: Element,
    pub input: HtmlInputElement,
}

pub fn option(doc: &Document, row: &BallotRow, group: &str, multiple: bool) -> OptionEls {
    let label = el(doc, "label", "option");
    attr(&label, "part", "option");
    let input: HtmlInputElement = el(doc, "input", "").unchecked_into();
    attr(&input, "type", if multiple { "checkbox" } else { "radio" });
    attr(&input, "name", group);
    attr(&input, "value", row.id);
    attr(&input, "data-index", &index_text(row.index));
    attr(&input, "aria-describedby", "rp-hint rp-notice");
    append_to(&label, &input);
    append(&label, &text_el(doc, "span", "text", row.label));
    OptionEls {
        index: row.index,
        label,
        input,
    }
}

/// The nodes of one result row.
pub struct RowEls {
    pub index: usize,
    pub li: Element,
    pub label: Element,
    pub figures: Element,
    pub mine: Element,
    pub bar: HtmlElement,
}

pub fn result_row(doc: &Document, row: &ResultRow, your_choice: &str) -> RowEls {
    let li = el(doc, "li", "row");
    attr(&li, "part", "result");
    let line = el(doc, "div", "line");
    let label = text_el(doc, "span", "label", row.label);
    let sep = text_el(doc, "span", "sep", " — ");
    let figures = text_el(doc, "span", "figures", &row.figures);
    let mine = text_el(doc, "span", "mine-tag", your_choice);
    attr(&mine, "part", "mine-tag");
    append(&line, &label);
    append(&line, &sep);
    append(&line, &figures);
    append(&line, &mine);
    let track = el(doc, "div", "track");
    attr(&track, "aria-hidden", "true");
    attr(&track, "part", "track");
    let bar: HtmlElement = el(doc, "div", "bar").unchecked_into();
    attr(&bar, "part", "bar");
    append_to(&track, &bar);
    append(&li, &line);
    append(&li, &track);
    RowEls {
        index: row.index,
        li,
        label,
        figures,
        mine,
        bar,
    }
}

pub fn index_text(index: usize) -> String {
    let mut s = String::new();
    crate::core::format::push_u64(&mut s, index as u64);
    s
}
