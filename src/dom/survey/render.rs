//! The survey's nodes: built once per shown question and patched after
//! every step of the flow, so a radio the reader is on keeps its focus.
//! Text goes in as text nodes only; widths go through the CSSOM.

use wasm_bindgen::prelude::{wasm_bindgen, Closure};
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlElement, Node};

use crate::core::question::concat;
use crate::dom::bind::{append_to, remove_attr, set_style, set_text, toggle_attr};
use crate::dom::build::{append, attr, el, index_text, text_el};
use crate::dom::question::{field, id_for, Control};
use crate::survey_view::{BarView, QuestionResults, QuestionView, SurveyView};

struct Shown {
    index: usize,
    section: Element,
    notice: Element,
    control: Control,
}

pub struct SurveyDom {
    doc: Document,
    container: Element,
    title: Element,
    progress: Element,
    questions: Element,
    shown: Vec<Shown>,
    actions: Element,
    back: Element,
    forward: Element,
    status: Element,
    results: Element,
    results_built: bool,
    /// The results still to build once the first frame is painted.
    later: Option<AfterPaint>,
    /// Results were shown before (the later ones come at once then).
    results_shown: bool,
    note: Element,
    /// "Change your answers", under the results.
    change: Element,
    live: Element,
}

impl SurveyDom {
    pub fn new(root: &Node, lang: &str) -> SurveyDom {
        let doc = crate::transport::net::window()
            .unwrap_throw()
            .document()
            .unwrap_throw();
        // `poll` too: pages, themes and tests find every widget by the
        // `poll` class and part, and its `data-state` (here `answering`,
        // `sending`, `done`, `unavailable`).
        let container = el(&doc, "section", "poll survey");
        attr(&container, "part", "poll survey");
        if !lang.is_empty() {
            attr(&container, "lang", lang);
        }
        let title = el(&doc, "h2", "title");
        attr(&title, "id", "rs-title");
        attr(&title, "tabindex", "-1");
        attr(&container, "aria-labelledby", "rs-title");
        let progress = el(&doc, "p", "progress");
        let questions = el(&doc, "div", "questions");
        let actions = el(&doc, "div", "actions");
        let back = text_el(&doc, "button", "back", "");
        attr(&back, "type", "button");
        attr(&back, "data-action", "back");
        let forward = text_el(&doc, "button", "forward", "");
        attr(&forward, "type", "button");
        attr(&forward, "data-action", "forward");
        append(&actions, &back);
        append(&actions, &forward);
        let status = el(&doc, "p", "status");
        attr(&status, "tabindex", "-1");
        let results = el(&doc, "div", "results");
        let note = el(&doc, "p", "results-note");
        let change = text_el(&doc, "button", "change", "");
        attr(&change, "type", "button");
        attr(&change, "data-action", "change");
        // The live region exists before anything is said through it, or
        // screen readers would miss the first message.
        let live = el(&doc, "p", "live visually-hidden");
        attr(&live, "aria-live", "polite");
        attr(&live, "role", "status");
        for part in [
            &title, &progress, &questions, &actions, &status, &results, &note, &change, &live,
        ] {
            append(&container, part);
        }
        append_to(root, &container);
        SurveyDom {
            doc,
            container,
            title,
            progress,
            questions,
            shown: Vec::new(),
            actions,
            back,
            forward,
            status,
            results,
            results_built: false,
            later: None,
            results_shown: false,
            note,
            change,
            live,
        }
    }

    pub fn set_state(&self, state: &str) {
        attr(&self.container, "data-state", state);
    }

    pub fn container(&self) -> &Element {
        &self.container
    }

    /// A survey that cannot be shown: its reason, and nothing else.
    pub fn fail(&mut self, text: &str) {
        self.render(SurveyView {
            title: None,
            progress: None,
            questions: Vec::new(),
            actions: None,
            status: Some(text),
            busy: false,
            results: None,
            results_note: None,
            change: None,
        });
        attr(&self.status, "role", "alert");
        self.set_state("unavailable");
    }

    pub fn render(&mut self, view: SurveyView) {
        shown_text(&self.title, view.title);
        shown_text(&self.progress, view.progress.as_deref());
        self.render_questions(&view.questions);
        match &view.actions {
            Some(actions) => {
                remove_attr(&self.actions, "hidden");
                shown_text(&self.back, actions.back);
                set_text(&self.forward, actions.forward);
            }
            None => toggle_attr(&self.actions, "hidden", true),
        }
        toggle_attr(&self.forward, "aria-disabled", view.busy);
        toggle_attr(&self.container, "aria-busy", view.busy);
        shown_text(&self.status, view.status);
        shown_text(&self.note, view.results_note);
        let has_results = view.results.is_some();
        match view.results {
            Some(results) if !self.results_built => {
                self.results_built = true;
                let mut rest = results.into_iter();
                // The first time, the first question's results go in the
                // frame that answers "Send answers" (the reader's focus goes
                // to the survey's top, above them) and the others, most of
                // the nodes, in the next one, so neither frame runs long;
                // `aria-busy` tells assistive technology (and tests) that
                // more is coming. New numbers later replace them all at
                // once, so nothing shown disappears for a frame.
                let now = if self.results_shown { rest.len() } else { 1 };
                for q in rest.by_ref().take(now) {
                    build_results(&self.doc, &self.results, &q);
                }
                self.results_shown = true;
                if rest.len() > 0 {
                    attr(&self.results, "aria-busy", "true");
                    let (doc, parent) = (self.doc.clone(), self.results.clone());
                    self.later = Some(AfterPaint::new(move || {
                        for q in rest {
                            build_results(&doc, &parent, &q);
                        }
                        remove_attr(&parent, "aria-busy");
                    }));
                }
            }
            _ => {}
        }
        toggle_attr(&self.results, "hidden", !has_results);
        shown_text(&self.change, view.change);
    }

    /// Drops the results built, so the next render builds them from new
    /// numbers (a live update, or a changed response counted).
    pub fn reset_results(&mut self) {
        // What was still to come would be the old numbers.
        self.later = None;
        remove_attr(&self.results, "aria-busy");
        self.results.set_text_content(None);
        self.results_built = false;
    }

    /// Keeps the sections of questions still shown (with their focus),
    /// drops the others and builds the new ones in their place.
    fn render_questions(&mut self, views: &[QuestionView]) {
        self.shown.retain(|s| {
            let keep = views.iter().any(|v| v.index == s.index);
            if !keep {
                s.section.remove();
            }
            keep
        });
        for (at, view) in views.iter().enumerate() {
            match self.shown.iter().position(|s| s.index == view.index) {
                Some(i) => {
                    let s = &self.shown[i];
                    s.control.patch(&view.control);
                    notice(&s.section, &s.notice, view.notice.as_deref());
                }
                None => {
                    let built = self.build_question(view);
                    let before = self.shown.get(at).map(|s| s.section.clone());
                    match before {
                        Some(next) => field(&self.questions).insert_before(&built.section, &next),
                        None => append(&self.questions, &built.section),
                    }
                    self.shown.insert(at, built);
                }
            }
        }
    }

    fn build_question(&self, view: &QuestionView) -> Shown {
        let doc = &self.doc;
        let q = view.index;
        let section = el(doc, "fieldset", "question");
        attr(&section, "id", &id_for(q, ""));
        attr(&section, "part", "question");
        let legend = el(doc, "legend", "prompt");
        attr(&legend, "id", &id_for(q, "-prompt"));
        append(&legend, &text_el(doc, "span", "", view.prompt));
        if let Some(optional) = view.optional {
            append(&legend, &text_el(doc, "span", "optional", optional));
        }
        append(&section, &legend);
        let notice_el = el(doc, "p", "notice");
        attr(&notice_el, "id", &id_for(q, "-notice"));
        attr(&notice_el, "tabindex", "-1");
        append(&section, &notice_el);
        notice(&section, &notice_el, view.notice.as_deref());
        let control = Control::build(doc, &section, q, &view.control);
        Shown {
            index: q,
            section,
            notice: notice_el,
            control,
        }
    }

    pub fn announce(&self, text: &str) {
        // Clearing first makes a repeated message count as a change.
        self.live.set_text_content(None);
        self.live.set_text_content(Some(text));
    }

    /// The first control of the first question shown.
    pub fn first_control(&self) -> Option<Element> {
        self.shown.first().and_then(|s| s.control.first())
    }

    pub fn notice_of(&self, q: usize) -> Option<Element> {
        self.shown
            .iter()
            .find(|s| s.index == q)
            .map(|s| s.notice.clone())
    }

    pub fn notice_text(&self, q: usize) -> Option<String> {
        self.notice_of(q).and_then(|n| n.text_content())
    }

    /// Where the reader is taken once the answers are in: the results'
    /// first heading, or the thank-you.
    pub fn results_target(&self) -> Element {
        if self.results_built {
            self.title.clone()
        } else {
            self.status.clone()
        }
    }

    pub fn status(&self) -> &Element {
        &self.status
    }

    pub fn other_text(&self, q: usize) -> Option<String> {
        self.shown
            .iter()
            .find(|s| s.index == q)
            .and_then(|s| s.control.other_text())
    }
}

/// The text, or the element hidden when there is none.
fn shown_text(e: &Element, text: Option<&str>) {
    set_text(e, text.unwrap_or(""));
    toggle_attr(e, "hidden", text.is_none());
}

/// The inline notice; the question is marked while it shows.
fn notice(section: &Element, e: &Element, text: Option<&str>) {
    shown_text(e, text);
    crate::dom::bind::toggle_class(section, "invalid", text.is_some());
}

/// A result line ("6-10 — 32% (184 answers)"), with its bar under it when
/// `with_bar`. The line is the item's own text, with no wrapper: each
/// element more in the results is one more to build and lay out when they
/// appear, all in the one frame after "Send answers".
fn bar_item(doc: &Document, bar: &BarView, with_bar: bool) -> Element {
    let li = el(doc, "li", "bar-row");
    append(&li, &text_el(doc, "span", "label", &bar.label));
    append(
        &li,
        &text_el(doc, "span", "figures", &concat(&[" — ", &bar.figures])),
    );
    if !with_bar {
        return li;
    }
    let track = el(doc, "div", "track");
    attr(&track, "aria-hidden", "true");
    let fill: HtmlElement = el(doc, "div", "bar").unchecked_into();
    set_style(&fill, "width", &bar.width);
    append(&track, &fill);
    append(&li, &track);
    li
}

/// One question's results, appended to `parent`.
fn build_results(doc: &Document, parent: &Element, q: &QuestionResults) {
    let block = el(doc, "section", "question-results");
    attr(&block, "part", "question-results");
    append(&block, &text_el(doc, "h3", "prompt", &q.prompt));
    if let Some(summary) = &q.summary {
        append(&block, &text_el(doc, "p", "summary", summary));
    }
    if !q.bars.is_empty() {
        let list = el(doc, "ul", "bars");
        for bar in &q.bars {
            append(&list, &bar_item(doc, bar, true));
        }
        append(&block, &list);
    }
    for row in &q.rows {
        // One diverging bar per statement: disagreement left of the
        // centre line, agreement right, figures listed beneath.
        let item = el(doc, "div", "likert-result");
        append(&item, &text_el(doc, "h4", "statement", &row.label));
        // The stack is half the track wide and shifted so the middle
        // of its neutral answers sits on the track's centre line, the
        // same place in every row.
        let track = el(doc, "div", "diverging");
        attr(&track, "aria-hidden", "true");
        let stack: HtmlElement = el(doc, "div", "stack").unchecked_into();
        set_style(&stack, "--centre", &row.centre);
        for (c, cell) in row.cells.iter().enumerate() {
            let seg: HtmlElement = el(doc, "span", "segment").unchecked_into();
            attr(&seg, "data-column", &index_text(c));
            set_style(&seg, "width", &cell.width);
            append(&stack, &seg);
        }
        append(&track, &stack);
        append(&item, &track);
        let list = el(doc, "ul", "cells");
        // The diverging bar above draws these; the list gives figures.
        for cell in &row.cells {
            append(&list, &bar_item(doc, cell, false));
        }
        append(&item, &list);
        append(&block, &item);
    }
    append(parent, &block);
}

/// A callback run once the browser has painted its next frame (a task
/// after the next animation frame); dropping it first cancels it.
struct AfterPaint {
    cancel: js_sys::Function,
    _run: Closure<dyn FnMut()>,
}

impl AfterPaint {
    fn new(run: impl FnOnce() + 'static) -> AfterPaint {
        let mut run = Some(run);
        let run = Closure::<dyn FnMut()>::new(move || {
            if let Some(run) = run.take() {
                run();
            }
        });
        AfterPaint {
            cancel: after_paint(&run).unwrap_throw(),
            _run: run,
        }
    }
}

impl Drop for AfterPaint {
    fn drop(&mut self) {
        let _ = self.cancel.call0(&JsValue::NULL);
    }
}

#[wasm_bindgen(inline_js = "export function afterPaint(run) {
  let timer;
  const frame = requestAnimationFrame(() => { timer = setTimeout(run); });
  return () => { cancelAnimationFrame(frame); clearTimeout(timer); };
}")]
extern "C" {
    #[wasm_bindgen(js_name = afterPaint)]
    // `Option` only so that wasm-bindgen routes the call through its glue
    // (scripts/minify-names.mjs renames the glue's imports, and a direct
    // import of the snippet would be a second import module).
    fn after_paint(run: &Closure<dyn FnMut()>) -> Option<js_sys::Function>;
}
