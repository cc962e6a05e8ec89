//! The DOM layer in a real browser (headless Chromium through
//! wasm-bindgen-test): mount, choose, vote, results, limits, errors, and
//! that destroying a poll leaves nothing behind.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use readerpoll::api::{mount, PollHandle};
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use wasm_bindgen_test::*;
use web_sys::{
    CustomEvent, Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

wasm_bindgen_test_configure!(run_in_browser);

const OVERTIME: &str = r#"{
  "id": "overtime-hours",
  "question": "How many hours above your contracted hours are you working a week?",
  "mode": "single",
  "options": [
    {"id": "1-5", "label": "1-5"}, {"id": "6-10", "label": "6-10"},
    {"id": "11-15", "label": "11-15"}, {"id": "16-plus", "label": "16+"}
  ],
  "counts": {"1-5": 93, "6-10": 184, "11-15": 134, "16-plus": 170},
  "voters": 581
}"#;

struct Fixture {
    host: HtmlElement,
    root: ShadowRoot,
}

impl Fixture {
    /// A fresh `<div>` host with an open shadow root, and no stored votes.
    fn new() -> Fixture {
        let window = web_sys::window().unwrap();
        window.local_storage().unwrap().unwrap().clear().unwrap();
        let doc = window.document().unwrap();
        let host: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
        host.set_attribute("poll", "test").unwrap();
        doc.body().unwrap().append_child(&host).unwrap();
        let root = host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .unwrap();
        Fixture { host, root }
    }

    fn mount(&self, config: &str) -> PollHandle {
        mount(
            self.host.clone(),
            self.root.clone().into(),
            JsValue::from_str(config),
            JsValue::UNDEFINED,
        )
    }

    fn q(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector}"))
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    fn text(&self, selector: &str) -> String {
        self.q(selector).text_content().unwrap_or_default()
    }

    fn visible(&self, selector: &str) -> bool {
        !self.q(selector).has_attribute("hidden")
    }

    fn input(&self, value: &str) -> HtmlInputElement {
        self.q(&format!("input[value=\"{value}\"]"))
            .unchecked_into()
    }

    /// What a reader's click (or Space on a focused option) does.
    fn choose(&self, value: &str) {
        self.input(value).click();
    }

    fn vote(&self) {
        self.q("button.vote")
            .unchecked_into::<HtmlElement>()
            .click();
    }

    /// The accessible name of `el` as the accessible name computation
    /// (accname 1.2, HTML-AAM) gives it for the widget's controls:
    /// `aria-labelledby`, else `aria-label`, else (inputs) the text of the
    /// input's own labels or (buttons) its text, else `title`.
    fn accessible_name(&self, el: &Element) -> String {
        let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(ids) = el.get_attribute("aria-labelledby") {
            let parts: Vec<String> = ids
                .split_whitespace()
                .filter_map(|id| self.root.get_element_by_id(id))
                .map(|e| e.text_content().unwrap_or_default())
                .collect();
            return squash(parts.join(" "));
        }
        if let Some(label) = el
            .get_attribute("aria-label")
            .filter(|l| !l.trim().is_empty())
        {
            return squash(label);
        }
        let from_content = match el.dyn_ref::<HtmlInputElement>() {
            Some(input) => {
                let labels = input.labels().unwrap_throw();
                (0..labels.length())
                    .filter_map(|i| labels.item(i))
                    .map(|l| l.text_content().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            None => el.text_content().unwrap_or_default(),
        };
        let name = squash(from_content);
        if name.is_empty() {
            squash(el.get_attribute("title").unwrap_or_default())
        } else {
            name
        }
    }

    /// Collects `name` events fired by the host.
    fn record(&self, name: &'static str) -> (Rc<RefCell<Vec<CustomEvent>>>, EventListener) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let listener = EventListener::new(&self.host, name, move |e| {
            sink.borrow_mut()
                .push(e.clone().unchecked_into::<CustomEvent>());
        });
        (seen, listener)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.host.remove();
    }
}

fn detail(event: &CustomEvent, key: &str) -> JsValue {
    js_sys::Reflect::get(&event.detail(), &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn renders_a_ballot_with_native_radios_and_a_disabled_vote_button() {
    let f = Fixture::new();
    let (ready, _l) = f.record("poll-ready");
    let _h = f.mount(OVERTIME);
    assert_eq!(
        f.text("legend.question"),
        "How many hours above your contracted hours are you working a week?"
    );
    let inputs = f.all("fieldset input[type=radio]");
    assert_eq!(inputs.len(), 4);
    let labels: Vec<String> = f
        .all("label.option")
        .iter()
        .map(|l| l.text_content().unwrap())
        .collect();
    assert_eq!(labels, ["1-5", "6-10", "11-15", "16+"]);
    assert_eq!(
        f.q("button.vote").get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    assert!(!f.visible(".results"));
    assert_eq!(ready.borrow().len(), 1);
    assert_eq!(detail(&ready.borrow()[0], "poll"), "overtime-hours");
    // The polite live region exists before anything is announced.
    assert_eq!(
        f.q(".live").get_attribute("aria-live").as_deref(),
        Some("polite")
    );
}

#[wasm_bindgen_test]
fn voting_shows_bars_with_published_percentages_plus_the_new_vote() {
    let f = Fixture::new();
    let (votes, _l) = f.record("poll-vote");
    let (voted, _l2) = f.record("poll-voted");
    let _h = f.mount(OVERTIME);
    f.choose("6-10");
    assert_eq!(
        f.q("button.vote").get_attribute("aria-disabled").as_deref(),
        Some("false")
    );
    f.vote();
    assert!(f.visible(".results"));
    assert!(!f.visible("fieldset.ballot"));
    let rows: Vec<String> = f
        .all("li.row .line")
        .iter()
        .map(|r| r.text_content().unwrap())
        .collect();
    // 581 published + 1: 93, 185, 134, 170 of 582 -> 16, 32, 23, 29.
    assert_eq!(
        rows,
        [
            "1-5 — 16% (93 votes)Your choice",
            "6-10 — 32% (185 votes)Your choice",
            "11-15 — 23% (134 votes)Your choice",
            "16+ — 29% (170 votes)Your choice",
        ]
        .map(String::from)
    );
    let mine: Vec<Element> = f.all("li.row.mine");
    assert_eq!(mine.len(), 1);
    assert_eq!(
        mine[0]
            .query_selector(".label")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "6-10"
    );
    assert!(f
        .all("li.row:not(.mine) .mine-tag")
        .iter()
        .all(|t| t.has_attribute("hidden")));
    assert_eq!(f.text(".total"), "Total voters: 582");
    let bar: HtmlElement = f.q("li.row.mine .bar").unchecked_into();
    assert_eq!(bar.style().get_property_value("width").unwrap(), "31.8%");
    assert_eq!(votes.borrow().len(), 1);
    let choices: js_sys::Array = detail(&votes.borrow()[0], "choices").unchecked_into();
    assert_eq!(choices.get(0), "6-10");
    assert_eq!(voted.borrow().len(), 1);
    assert_eq!(f.text(".live"), "Vote counted.");
    // Focus moved to the results, not lost to <body>.
    let active = f.root.active_element().unwrap();
    assert!(active.class_list().contains("results-title"));
}

#[wasm_bindgen_test]
fn vote_without_a_choice_explains_inline_and_sends_nothing() {
    let f = Fixture::new();
    let (votes, _l) = f.record("poll-vote");
    let _h = f.mount(OVERTIME);
    f.vote();
    assert!(f.visible(".notice"));
    assert_eq!(f.text(".notice"), "Choose an option, then vote.");
    assert!(votes.borrow().is_empty());
    assert!(f.visible("fieldset.ballot"));
}

#[wasm_bindgen_test]
fn the_vote_is_remembered_and_cannot_be_cast_twice() {
    let f = Fixture::new();
    let h = f.mount(OVERTIME);
    f.choose("1-5");
    f.vote();
    drop(h);
    // A second mount (a reload) shows the results with the reader's choice.
    let (votes, _l) = f.record("poll-vote");
    let _h = f.mount(OVERTIME);
    assert!(f.visible(".results"));
    assert_eq!(f.text("li.row.mine .label"), "1-5");
    assert_eq!(f.text(".total"), "Total voters: 582");
    assert!(f.all("button[data-action=back-to-vote]").is_empty());
    assert!(votes.borrow().is_empty());
}

#[wasm_bindgen_test]
fn view_results_and_back_to_vote() {
    let f = Fixture::new();
    let _h = f.mount(OVERTIME);
    f.q("button[data-action=view-results]")
        .unchecked_into::<HtmlElement>()
        .click();
    assert!(f.visible(".results"));
    assert_eq!(f.text(".total"), "Total voters: 581");
    assert_eq!(f.all("li.row.mine").len(), 0);
    f.q("button[data-action=back-to-vote]")
        .unchecked_into::<HtmlElement>()
        .click();
    assert!(f.visible("fieldset.ballot"));
    let active = f.root.active_element().unwrap();
    assert_eq!(active.get_attribute("value").as_deref(), Some("1-5"));
}

#[wasm_bindgen_test]
fn every_control_is_a_native_focusable_element_in_reading_order() {
    let f = Fixture::new();
    let _h = f.mount(OVERTIME);
    let controls = f.all("input, button:not([hidden])");
    let kinds: Vec<String> = controls
        .iter()
        .map(|c| {
            let el: HtmlElement = c.clone().unchecked_into();
            assert!(el.tab_index() >= 0, "not focusable: {}", c.outer_html());
            c.tag_name()
        })
        .collect();
    assert_eq!(
        kinds,
        ["INPUT", "INPUT", "INPUT", "INPUT", "BUTTON", "BUTTON"]
    );
    // Each control's accessible name is what a reader sees on it.
    let names: Vec<String> = controls.iter().map(|c| f.accessible_name(c)).collect();
    assert_eq!(
        names,
        ["1-5", "6-10", "11-15", "16+", "Vote", "View results"]
    );
}

#[wasm_bindgen_test]
fn the_name_check_follows_aria_over_the_label() {
    // The computation above is the one a screen reader makes: aria-label
    // and aria-labelledby win over the <label>, and a label that is not
    // the input's own gives it no name.
    let f = Fixture::new();
    let _h = f.mount(OVERTIME);
    let inputs = f.all("input");
    inputs[0]
        .set_attribute("aria-label", "one to five")
        .unwrap();
    inputs[1]
        .set_attribute("aria-labelledby", "rp-hint")
        .unwrap();
    f.q("#rp-hint").set_text_content(Some("Pick one"));
    let detached = inputs[2].clone();
    f.q("fieldset").append_child(&detached).unwrap();
    let names: Vec<String> = inputs
        .iter()
        .take(3)
        .map(|i| f.accessible_name(i))
        .collect();
    assert_eq!(names, ["one to five", "Pick one", ""]);
}

#[wasm_bindgen_test]
fn multiple_choice_enforces_the_maximum() {
    let f = Fixture::new();
    let _h = f.mount(
        r#"{"id":"m","question":"Which?","mode":"multiple","max_choices":2,
            "options":[{"id":"a","label":"A"},{"id":"b","label":"B"},{"id":"c","label":"C"}]}"#,
    );
    assert_eq!(f.all("input[type=checkbox]").len(), 3);
    assert_eq!(f.text(".hint"), "Choose up to 2 options.");
    f.choose("a");
    f.choose("b");
    f.choose("c");
    assert!(
        !f.input("c").checked(),
        "a third choice must not stay ticked"
    );
    assert!(f.input("a").checked() && f.input("b").checked());
    assert_eq!(f.text(".notice"), "You can choose at most 2 options.");
    f.choose("a");
    f.choose("c");
    assert!(f.input("c").checked());
    assert!(!f.visible(".notice"));
    f.vote();
    assert_eq!(f.text(".total"), "Total voters: 1");
    assert_eq!(f.all("li.row.mine").len(), 2);
    assert_eq!(
        f.text(".note"),
        "Readers could choose more than one option, so percentages are of voters."
    );
}

#[wasm_bindgen_test]
fn malformed_config_shows_poll_unavailable_and_fires_poll_error() {
    for (config, code) in [
        ("{not json", "invalid_json"),
        (
            r#"{"id":"x","question":"Q","options":[{"id":"a","label":"A"}]}"#,
            "one_option",
        ),
        (
            r#"{"id":"x","question":"Q","options":[{"id":"a","label":5},{"id":"b","label":"B"}]}"#,
            "wrong_type",
        ),
        (
            r#"{"id":"x","question":"Q","colour":"red","options":[]}"#,
            "unknown_field",
        ),
        (r#"[1,2]"#, "wrong_type"),
        (
            r#"{"id":"x","question":"Q","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"counts":{"a":-1}}"#,
            "wrong_type",
        ),
        (
            r#"{"id":"x","question":"Q","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"counts":{"a":1.5}}"#,
            "wrong_type",
        ),
    ] {
        let f = Fixture::new();
        let (errors, _l) = f.record("poll-error");
        let _h = f.mount(config);
        assert_eq!(f.text(".unavailable-title"), "Poll unavailable", "{config}");
        assert!(!f.text(".reason").is_empty());
        assert_eq!(errors.borrow().len(), 1, "{config}");
        let event = &errors.borrow()[0];
        assert_eq!(detail(event, "code"), code, "{config}");
        assert_eq!(detail(event, "retryable"), JsValue::FALSE);
        assert!(event.bubbles() && event.composed());
        assert!(f.all("input").is_empty());
    }
}

#[wasm_bindgen_test]
fn wrong_types_name_the_field() {
    let f = Fixture::new();
    let _h = f.mount(
        r#"{"id":"x","question":"Q","options":[{"id":"a","label":"A"},{"id":"b","label":7}]}"#,
    );
    assert_eq!(
        f.text(".reason"),
        "options.1.label: expected a string, found a number"
    );
}

/// Text that is not JSON: the reason carries the parser's own words.
#[wasm_bindgen_test]
fn text_that_is_not_json_says_where_the_parser_stopped() {
    let f = Fixture::new();
    let _h = f.mount("{not json");
    assert_eq!(
        f.text(".reason"),
        "the poll definition is not valid JSON: Expected property name or '}' in JSON at position 1 (line 1 column 2)"
    );
}

/// A click a page's script fires at a text node in the poll changes nothing
/// and breaks nothing: the reader still votes.
#[wasm_bindgen_test]
fn a_click_on_a_text_node_is_ignored() {
    let f = Fixture::new();
    let _h = f.mount(OVERTIME);
    let text = f.q("legend").first_child().unwrap();
    assert_eq!(text.node_type(), web_sys::Node::TEXT_NODE);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let click = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    text.dispatch_event(&click).unwrap();
    f.choose("6-10");
    f.vote();
    assert_eq!(f.all("li.row.mine").len(), 1);
}

#[wasm_bindgen_test]
fn poll_text_is_text_never_markup() {
    let f = Fixture::new();
    let _h = f.mount(
        r#"{"id":"x","question":"<img src=x onerror=alert(1)>","options":[
            {"id":"a","label":"<script>window.__pwned=1</script>"},{"id":"b","label":"\"><b>B</b>"}]}"#,
    );
    assert!(f.all("img, script, b").is_empty());
    assert_eq!(f.text("legend"), "<img src=x onerror=alert(1)>");
    assert_eq!(f.text("label.option"), "<script>window.__pwned=1</script>");
}

#[wasm_bindgen_test]
fn two_copies_of_one_poll_work_independently() {
    let a = Fixture::new();
    let b = Fixture::new();
    let _ha = a.mount(OVERTIME);
    let _hb = b.mount(OVERTIME);
    a.choose("1-5");
    b.choose("16-plus");
    assert!(a.input("1-5").checked() && !a.input("16-plus").checked());
    assert!(b.input("16-plus").checked() && !b.input("1-5").checked());
    a.vote();
    assert!(a.visible(".results"));
    assert!(b.visible("fieldset.ballot"));
    // The second copy learns at vote time that this browser already voted.
    b.vote();
    assert!(b.visible(".results"));
    assert_eq!(b.text(".notice"), "You have already voted in this poll.");
}

#[wasm_bindgen_test]
fn destroy_removes_nodes_and_leaves_no_live_js_references() {
    let f = Fixture::new();
    // Warm up once so lazily created globals are not counted as leaks.
    let mut warm = f.mount(OVERTIME);
    warm.destroy();
    let before = wasm_bindgen::externref_heap_live_count();
    let mut h = f.mount(OVERTIME);
    f.choose("6-10");
    f.vote();
    assert!(wasm_bindgen::externref_heap_live_count() > before);
    h.destroy();
    assert_eq!(wasm_bindgen::externref_heap_live_count(), before);
    assert_eq!(f.root.child_element_count(), 0);
    // Listeners are gone too: clicking a detached copy of nothing is moot,
    // so check by mounting again and seeing exactly one poll-ready.
    let (ready, _l) = f.record("poll-ready");
    let _h2 = f.mount(OVERTIME);
    assert_eq!(ready.borrow().len(), 1);
}

/// Every file of tests/corpus/configs, built in (tests/hostile_corpus.rs
/// checks the list is the directory).
#[path = "corpus/configs.rs"]
mod corpus;

/// The hostile corpus (tests/corpus/configs, `CODE--what.json`) through the
/// widget's own decoder: each file renders as a poll with its text intact or
/// as "Poll unavailable" with the file's error code, and nothing panics.
#[wasm_bindgen_test]
fn hostile_corpus_is_shown_as_text_or_refused_with_its_code() {
    for &(file, text) in corpus::CONFIGS {
        let expected = match file {
            // JSON.parse keeps a lone surrogate; the widget's text decoding
            // replaces it, so the poll is shown (serde_json refuses it).
            "invalid_json--lone-surrogate.json" => "ok",
            // JSON.parse cannot tell 1e300 from a whole number; refused as
            // too large rather than as a fraction.
            "wrong_type--huge-float-count.json" => "count_too_large",
            _ => file.split("--").next().unwrap_throw(),
        };
        let f = Fixture::new();
        let (errors, _l) = f.record("poll-error");
        let _h = f.mount(text);
        if expected == "ok" {
            assert!(errors.borrow().is_empty(), "{file}");
            assert!(f.visible("fieldset.ballot"), "{file}");
            assert!(f.all("img, script, svg, b").is_empty(), "{file}");
            // The text is shown as written (read here by the browser's own
            // JSON.parse; a lone surrogate becomes U+FFFD on both sides).
            let raw = js_sys::JSON::parse(text).unwrap_throw();
            let field = |v: &JsValue, key: &str| {
                js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_throw()
            };
            assert_eq!(
                Some(f.text("legend.question")),
                field(&raw, "question").as_string(),
                "{file}: question"
            );
            let options: js_sys::Array = field(&raw, "options").unchecked_into();
            let wanted: Vec<Option<String>> = options
                .iter()
                .map(|o| field(&o, "label").as_string())
                .collect();
            let shown: Vec<Option<String>> = f
                .all("label.option")
                .iter()
                .map(|l| l.text_content())
                .collect();
            assert_eq!(shown, wanted, "{file}: labels");
        } else {
            assert_eq!(f.text(".unavailable-title"), "Poll unavailable", "{file}");
            assert_eq!(errors.borrow().len(), 1, "{file}");
            assert_eq!(detail(&errors.borrow()[0], "code"), expected, "{file}");
            assert!(f.all("input").is_empty(), "{file}");
        }
    }
}
