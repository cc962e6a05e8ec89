//! A scale or NPS question: one native radio group (one tab stop, arrow
//! keys move along it), with words at the two ends.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::{choice_input, id_for};
use crate::dom::build::{append, attr, el, text_el};
use crate::survey_view::Choice;

pub struct Els {
    pub inputs: Vec<Element>,
}

pub fn build(
    doc: &Document,
    parent: &Element,
    q: usize,
    points: &[Choice],
    min_label: Option<&str>,
    max_label: Option<&str>,
) -> Els {
    let name = id_for(q, "");
    let row = el(doc, "div", "points");
    // The number of points reaches the stylesheet through the CSSOM (a
    // strict CSP allows no style attribute): equal columns, and the end
    // words as wide, so they sit under the end points.
    crate::dom::bind::set_style(
        parent.unchecked_ref(),
        "--points",
        &crate::dom::build::index_text(points.len()),
    );
    let inputs = points
        .iter()
        .enumerate()
        .map(|(v, choice)| choice_input(doc, &row, "radio", &name, (q, v), choice, "point"))
        .collect::<Vec<_>>();
    append(parent, &row);
    if min_label.is_some() || max_label.is_some() {
        // The end words describe the ends' radios too, so "1, Not at all"
        // is what a screen reader says on the first point.
        let ends = el(doc, "div", "ends");
        for (label, at, what) in [
            (min_label, inputs.first(), "-min"),
            (max_label, inputs.last(), "-max"),
        ] {
            let span = text_el(
                doc,
                "span",
                what.trim_start_matches('-'),
                label.unwrap_or(""),
            );
            if let (Some(_), Some(input)) = (label, at) {
                let id = id_for(q, what);
                attr(&span, "id", &id);
                let mut described = id;
                described.push(' ');
                described.push_str(&id_for(q, "-notice"));
                attr(input, "aria-describedby", &described);
            }
            append(&ends, &span);
        }
        append(parent, &ends);
    }
    Els { inputs }
}
