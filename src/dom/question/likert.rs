//! A Likert question: per row a fieldset whose legend is the statement and
//! whose radios are each named by row and column ("I get regular
//! supervision: Agree"). Wide, the rows line up under one header of
//! column labels; narrow (CSS), each row is its own group with the column
//! words beside its radios, and nothing scrolls sideways.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

use super::{check_all, id_for};
use crate::dom::bind::set_style;
use crate::dom::build::{append, attr, el, index_text, text_el};
use crate::survey_view::Choice;

pub struct Els {
    /// Per row, its radios.
    pub rows: Vec<Vec<Element>>,
}

type Row<'a> = (&'a str, &'a str, Vec<Choice<'a>>);

pub fn build(doc: &Document, parent: &Element, q: usize, columns: &[&str], rows: &[Row]) -> Els {
    let grid: HtmlElement = el(doc, "div", "likert").unchecked_into();
    // The column count reaches the stylesheet through the CSSOM: a strict
    // CSP allows no style attribute.
    set_style(&grid, "--columns", &index_text(columns.len()));
    let head = el(doc, "div", "likert-head");
    attr(&head, "aria-hidden", "true");
    append(&head, &el(doc, "span", ""));
    for column in columns {
        append(&head, &text_el(doc, "span", "column", column));
    }
    append(&grid, &head);
    let mut els = Vec::with_capacity(rows.len());
    for (r, (_, label, cells)) in rows.iter().enumerate() {
        let set = el(doc, "fieldset", "likert-row");
        append(&set, &text_el(doc, "legend", "statement", label));
        let mut name = id_for(q, "-r");
        name.push_str(&index_text(r));
        let mut inputs = Vec::with_capacity(cells.len());
        for (c, cell) in cells.iter().enumerate() {
            let cell_label = el(doc, "label", "cell");
            let input = el(doc, "input", "");
            attr(&input, "type", "radio");
            attr(&input, "name", &name);
            attr(&input, "value", &cell.value);
            attr(&input, "data-q", &index_text(q));
            attr(&input, "data-r", &index_text(r));
            attr(&input, "data-v", &index_text(c));
            attr(&input, "aria-label", &cell.label);
            attr(&input, "aria-describedby", &id_for(q, "-notice"));
            if cell.checked {
                attr(&input, "checked", "");
            }
            append(&cell_label, &input);
            // Seen only where the header is not (narrow layouts).
            let word = text_el(
                doc,
                "span",
                "cell-word",
                columns.get(c).copied().unwrap_or(""),
            );
            attr(&word, "aria-hidden", "true");
            append(&cell_label, &word);
            append(&set, &cell_label);
            inputs.push(input);
        }
        append(&grid, &set);
        els.push(inputs);
    }
    append(parent, &grid);
    Els { rows: els }
}

pub fn patch(els: &Els, rows: &[Row]) {
    for (inputs, (_, _, cells)) in els.rows.iter().zip(rows) {
        check_all(inputs, cells);
    }
}
