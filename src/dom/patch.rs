//! The widget's nodes and how a `ViewModel` is copied into them.
//!
//! The structure is built once per poll and then patched: replacing nodes on
//! every tick would drop keyboard focus from the option a reader is on.

use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlElement, Node};

use super::bind::{append_to, remove_attr, set_style, set_text, toggle_attr};
use super::build::{append, attr, el, option, result_row, text_el, OptionEls, RowEls};
use crate::core::locale::{Locale, Texts};
use crate::core::machine::FocusTarget;
use crate::view::{Action, LiveView, ViewModel};

pub struct Dom {
    doc: Document,
    container: Element,
    body: Element,
    live: Element,
    built: Option<Built>,
    shown_notice: Option<String>,
}

struct Built {
    ballot: Element,
    hint: Element,
    /// The results heading, which takes focus after a vote.
    title: Element,
    options: Vec<OptionEls>,
    results: Element,
    list: Element,
    rows: Vec<RowEls>,
    row_order: Vec<usize>,
    total: Element,
    note: Element,
    notice: Element,
    status: Element,
    vote: Element,
    actions: Element,
    shown_actions: Vec<Action>,
}

fn set_hidden(e: &Element, hidden: bool) {
    toggle_attr(e, "hidden", hidden);
}

/// Sets an optional line: text when present, hidden when not.
fn set_line(e: &Element, text: Option<&str>) {
    set_text(e, text.unwrap_or(""));
    set_hidden(e, text.is_none());
}

impl Dom {
    /// `lang`: the page's language tag, which the poll's own text is in;
    /// `locale` formats numbers and picks the direction.
    pub fn new(root: &Node, lang: &str, locale: &Locale) -> Dom {
        let doc = crate::transport::net::document().unwrap_throw();
        let container = el(&doc, "div", "poll");
        attr(&container, "part", "poll");
        attr(
            &container,
            "lang",
            if lang.is_empty() { locale.tag } else { lang },
        );
        if locale.rtl {
            attr(&container, "dir", "rtl");
        }
        let body = el(&doc, "div", "body");
        // The live region exists before anything is announced, or screen
        // readers would miss the first announcement.
        let live = el(&doc, "p", "live visually-hidden");
        attr(&live, "aria-live", "polite");
        attr(&live, "role", "status");
        append(&container, &body);
        append(&container, &live);
        append_to(root, &container);
        Dom {
            doc,
            container,
            body,
            live,
            built: None,
            shown_notice: None,
        }
    }

    pub fn container(&self) -> &Element {
        &self.container
    }

    pub fn render(&mut self, vm: &ViewModel, texts: &Texts) {
        match vm {
            ViewModel::Loading => {
                attr(&self.container, "aria-busy", "true");
            }
            ViewModel::Unavailable { title, reason } => {
                self.built = None;
                set_text(&self.body, "");
                let block = el(&self.doc, "div", "unavailable");
                attr(&block, "part", "unavailable");
                append(&block, &text_el(&self.doc, "p", "unavailable-title", title));
                append(&block, &text_el(&self.doc, "p", "reason", reason));
                append(&self.body, &block);
                remove_attr(&self.container, "aria-busy");
                attr(&self.container, "data-state", "unavailable");
            }
            ViewModel::Live(live) => {
                if self.built.is_none() {
                    self.built = Some(self.build(live, texts));
                }
                self.patch(live, texts);
            }
        }
    }

    fn build(&self, live: &LiveView, texts: &Texts) -> Built {
        let doc = &self.doc;
        let ballot = el(doc, "fieldset", "ballot");
        attr(&ballot, "part", "ballot");
        let legend = text_el(doc, "legend", "question", live.question);
        attr(&legend, "part", "question");
        let hint = el(doc, "p", "hint");
        attr(&hint, "id", "rp-hint");
        let box_ = el(doc, "div", "options");
        let group = {
            let mut g = String::from("rp-");
            g.push_str(&super::build::index_text(
                (js_sys::Math::random() * 1e9) as usize,
            ));
            g
        };
        let mut options = Vec::new();
        if let Some(b) = &live.ballot {
            for row in &b.rows {
                let o = option(doc, row, &group, live.multiple);
                append(&box_, &o.label);
                options.push(o);
            }
        }
        append(&ballot, &legend);
        append(&ballot, &hint);
        append(&ballot, &box_);

        let results = el(doc, "div", "results");
        attr(&results, "part", "results");
        let title = text_el(doc, "p", "results-title question", live.question);
        attr(&title, "tabindex", "-1");
        attr(&title, "part", "question");
        let list = el(doc, "ol", "rows");
        attr(&list, "role", "list");
        let total = el(doc, "p", "total");
        attr(&total, "part", "total");
        let note = el(doc, "p", "note");
        append(&results, &title);
        append(&results, &list);
        append(&results, &total);
        append(&results, &note);

        let notice = el(doc, "p", "notice");
        attr(&notice, "id", "rp-notice");
        attr(&notice, "tabindex", "-1");
        attr(&notice, "part", "notice");
        let status = el(doc, "p", "status");
        attr(&status, "part", "status");
        let actions = el(doc, "div", "actions");
        let vote = text_el(
            doc,
            "button",
            "vote",
            texts.get(crate::core::locale::Msg::Vote),
        );
        attr(&vote, "type", "button");
        attr(&vote, "part", "vote-button");
        append(&actions, &vote);

        for part in [&ballot, &results, &notice, &status, &actions] {
            append(&self.body, part);
        }
        remove_attr(&self.container, "aria-busy");
        Built {
            ballot,
            hint,
            title,
            options,
            results,
            list,
            rows: Vec::new(),
            row_order: Vec::new(),
            total,
            note,
            notice,
            status,
            vote,
            actions,
            shown_actions: Vec::new(),
        }
    }

    fn patch(&mut self, live: &LiveView, texts: &Texts) {
        let Some(b) = self.built.as_mut() else {
            return;
        };
        attr(
            &self.container,
            "data-state",
            match (&live.ballot, live.busy) {
                (Some(_), _) => "ballot",
                (None, true) => "sending",
                (None, false) => "results",
            },
        );
        set_hidden(&b.ballot, live.ballot.is_none());
        set_hidden(&b.vote, live.ballot.is_none());
        if let Some(ballot) = &live.ballot {
            set_line(&b.hint, ballot.hint.as_deref());
            for row in &ballot.rows {
                if let Some(o) = b.options.iter().find(|o| o.index == row.index) {
                    if o.input.checked() != row.checked {
                        o.input.set_checked(row.checked);
                    }
                }
            }
            set_text(&b.vote, ballot.vote_label);
            attr(
                &b.vote,
                "aria-disabled",
                if ballot.vote_enabled { "false" } else { "true" },
            );
        }

        set_hidden(&b.results, live.results.is_none());
        if let Some(results) = &live.results {
            let order: Vec<usize> = results.rows.iter().map(|r| r.index).collect();
            for row in &results.rows {
                let els = match b.rows.iter().position(|r| r.index == row.index) {
                    Some(at) => &b.rows[at],
                    None => {
                        b.rows.push(result_row(&self.doc, row, results.your_choice));
                        b.rows.last().unwrap_throw()
                    }
                };
                set_text(&els.label, row.label);
                set_text(&els.figures, &row.figures);
                set_hidden(&els.mine, !row.mine);
                // Its whole class, set as an attribute: `classList` and its
                // `toggle` would be two imports more for this one class.
                attr(&els.li, "class", if row.mine { "row mine" } else { "row" });
                // Through the CSSOM, which a strict CSP allows, unlike a
                // style attribute.
                set_style(&els.bar, "width", &row.bar_width);
            }
            if order != b.row_order {
                // (Never a no-op: every row has its label's text.)
                set_text(&b.list, "");
                for index in &order {
                    if let Some(r) = b.rows.iter().find(|r| r.index == *index) {
                        append(&b.list, &r.li);
                    }
                }
                b.row_order = order;
            }
            set_line(&b.total, results.total.as_deref());
            set_line(&b.note, results.note);
        }
        set_line(&b.status, live.status);
        set_line(&b.notice, live.notice.as_deref());

        if b.shown_actions != live.actions {
            while let Some(last) = b.actions.last_element_child() {
                // The Vote button, the one without an action, stays.
                if last.get_attribute("data-action").is_none() {
                    break;
                }
                last.remove();
            }
            for action in &live.actions {
                let button = text_el(&self.doc, "button", "link", action.label(texts));
                attr(&button, "type", "button");
                attr(&button, "data-action", action.name());
                attr(&button, "part", "action");
                append(&b.actions, &button);
            }
            b.shown_actions = live.actions.clone();
        }

        // A new inline message is also said once through the live region.
        let notice = live.notice.as_deref();
        if notice != self.shown_notice.as_deref() {
            if let Some(text) = notice {
                set_text(&self.live, text);
            }
            self.shown_notice = notice.map(str::to_owned);
        }
    }

    pub fn notice_text(&self) -> String {
        self.shown_notice.clone().unwrap_or_default()
    }

    pub fn announce(&self, text: &str) {
        // Clearing first makes a repeated message count as a change.
        set_text(&self.live, "");
        set_text(&self.live, text);
    }

    /// The element to focus for `target`, once built.
    pub fn focus_target(&self, target: FocusTarget) -> Option<HtmlElement> {
        let b = self.built.as_ref()?;
        let element: Option<Element> = match target {
            FocusTarget::Results => Some(b.title.clone()),
            FocusTarget::Notice => Some(b.notice.clone()),
            FocusTarget::Ballot => b
                .options
                .iter()
                .find(|o| o.input.checked())
                .or(b.options.first())
                .map(|o| o.input.clone().unchecked_into()),
        };
        // Every target is an HTML element this module created, so no
        // `instanceof` check (and its import) is needed.
        element.map(JsCast::unchecked_into)
    }
}
