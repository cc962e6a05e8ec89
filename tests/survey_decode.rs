//! The survey build's decoder in a real browser: a definition given as
//! JSON text or as an object becomes the same validated survey, and every
//! problem is one error in the poll decoder's style, naming the field's
//! path. Run with `--features survey`.
#![cfg(all(target_arch = "wasm32", feature = "survey"))]

use readerpoll::core::question::Kind;
use readerpoll::core::survey::Layout;
use readerpoll::transport::decode_survey::{decode_results, decode_survey, is_survey};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEMO: &str = include_str!("fixtures/workload-survey.json");

/// The demo survey with `path` (dotted, list items by index) set to
/// `value` (JSON), or removed when `value` is `None`.
fn demo_with(path: &str, value: Option<&str>) -> JsValue {
    let root = js_sys::JSON::parse(DEMO).unwrap();
    let keys: Vec<&str> = path.split('.').collect();
    let mut at = root.clone();
    for key in &keys[..keys.len() - 1] {
        at = js_sys::Reflect::get(&at, &JsValue::from_str(key)).unwrap();
    }
    let last = JsValue::from_str(keys[keys.len() - 1]);
    match value {
        Some(v) => {
            js_sys::Reflect::set(&at, &last, &js_sys::JSON::parse(v).unwrap()).unwrap();
        }
        None => {
            js_sys::Reflect::delete_property(&at.into(), &last).unwrap();
        }
    }
    root
}

fn refused(config: &JsValue) -> (String, String) {
    let e = decode_survey(config).unwrap_err();
    (e.code.to_owned(), e.message)
}

#[wasm_bindgen_test]
fn the_demo_survey_decodes_from_text_and_from_an_object() {
    let text = decode_survey(&JsValue::from_str(DEMO)).unwrap();
    let object = decode_survey(&js_sys::JSON::parse(DEMO).unwrap()).unwrap();
    assert_eq!(text, object);
    assert_eq!(text.id, "workload-survey");
    assert_eq!(
        text.title.as_deref(),
        Some("Your workload, in four questions")
    );
    assert_eq!(text.layout, Layout::Steps);
    assert_eq!(text.questions.len(), 5);
    assert!(matches!(&text.questions[1].kind, Kind::Scale(s) if s.min == 1 && s.max == 5));
    assert!(
        matches!(&text.questions[3].kind, Kind::Likert(l) if l.rows.len() == 3 && l.columns.len() == 5)
    );
    assert!(!text.questions[4].required);
    assert!(text.questions[4].visible_if.is_some());
    assert!(is_survey(&js_sys::JSON::parse(DEMO).unwrap()));
    assert!(!is_survey(&JsValue::from_str(DEMO)));
}

#[wasm_bindgen_test]
fn every_problem_is_one_error_with_its_path() {
    let cases: &[(JsValue, &str, &str)] = &[
        (
            JsValue::from_str("{\"id\": "),
            "invalid_json",
            "the survey definition is not valid JSON",
        ),
        (
            js_sys::Array::new().into(),
            "wrong_type",
            "expected the poll definition to be an object, found a list",
        ),
        (
            demo_with("colour", Some("\"red\"")),
            "unknown_field",
            "colour: unknown field; known fields are id, title, layout, results, opens_at, closes_at, closed, allow_change, questions",
        ),
        (
            demo_with("questions", None),
            "missing_field",
            "missing field \"questions\"",
        ),
        (
            demo_with("questions", Some("\"four\"")),
            "wrong_type",
            "questions: expected a list, found a string",
        ),
        (
            demo_with("layout", Some("\"grid\"")),
            "wrong_type",
            "layout: \"grid\" is not one of steps, all",
        ),
        (
            demo_with("questions.0.type", None),
            "missing_field",
            "missing field \"questions.0.type\"",
        ),
        (
            demo_with("questions.1.type", Some("\"slider\"")),
            "wrong_type",
            "questions.1.type: \"slider\" is not one of choice, scale, nps, likert, text",
        ),
        (
            demo_with("questions.2.min", Some("0")),
            "unknown_field",
            "questions.2.min: unknown field; known fields are id, type, prompt, required, visible_if",
        ),
        (
            demo_with("questions.0.options.1.label", Some("7")),
            "wrong_type",
            "questions.0.options.1.label: expected a string, found a number",
        ),
        (
            demo_with("questions.3.rows.1.colour", Some("\"red\"")),
            "unknown_field",
            "questions.3.rows.1.colour: unknown field; known fields are id, label",
        ),
        (
            demo_with("questions.0.other.max_length", Some("-1")),
            "wrong_type",
            "questions.0.other.max_length: expected a whole number from 0 to 9007199254740991",
        ),
        (
            demo_with("questions.1.min", Some("\"one\"")),
            "wrong_type",
            "questions.1.min: expected a whole number, found a string",
        ),
        (
            demo_with("questions.0.required", Some("\"yes\"")),
            "wrong_type",
            "questions.0.required: expected true or false, found a string",
        ),
        (
            demo_with("questions.4.visible_if.any_of", Some("[{}]")),
            "wrong_type",
            "questions.4.visible_if.any_of.0: expected an id or a whole number, found another kind of value",
        ),
        (
            demo_with("questions.4.visible_if.colour", Some("1")),
            "unknown_field",
            "questions.4.visible_if.colour: unknown field; known fields are question, any_of",
        ),
        // Decoded, then refused by the same validation as on the server.
        (
            demo_with("questions.1.max", Some("1")),
            "bad_scale",
            "questions.1.max: max must be larger than min",
        ),
        (
            demo_with("questions.4.visible_if.any_of", Some("[9]")),
            "bad_condition",
            "questions.4.visible_if.any_of.0: not a value the scale question \"stress\" can take",
        ),
        (
            demo_with(
                "questions.4.visible_if",
                Some(r#"{"all": [{"any": [{"all": [{"any": [{"all": [{"question": "stress", "any_of": [1]}]}]}]}]}]}"#),
            ),
            "bad_condition",
            "questions.4.visible_if.all.0.any.0.all.0.any.0.all.0: conditions nest more than 4 deep",
        ),
        (
            demo_with("questions.3.id", Some("\"hours\"")),
            "duplicate_question_id",
            "questions.3.id: the id \"hours\" is used twice",
        ),
    ];
    for (config, code, message) in cases {
        assert_eq!(
            refused(config),
            ((*code).to_owned(), (*message).to_owned()),
            "{message}"
        );
    }
}

#[wasm_bindgen_test]
fn the_servers_results_become_the_counters() {
    let survey = decode_survey(&JsValue::from_str(DEMO)).unwrap();
    let results = js_sys::JSON::parse(
        r#"{"respondents": 2, "questions": [
          {"id": "hours", "answered": 2, "counts": {"1-5": 0, "6-10": 1, "11-15": 0, "16-plus": 0}, "other": 1},
          {"id": "stress", "answered": 2, "counts": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0}},
          {"id": "recommend", "answered": 1, "counts": {"9": 1}},
          {"id": "statements", "answered": 1, "counts": {"supervision": {"sa": 1}, "nwag": {"sd": 1}}},
          {"id": "anything", "answered": 1, "written": 1}
        ]}"#,
    )
    .unwrap();
    let tally = decode_results(&survey, &results).unwrap();
    assert_eq!(tally.respondents, 2);
    assert_eq!(tally.questions[0].buckets, vec![0, 1, 0, 0, 1]);
    assert_eq!(tally.questions[1].buckets, vec![1, 0, 0, 1, 0]);
    assert_eq!(tally.questions[2].buckets[9], 1);
    // Row-major: supervision's "sa" is bucket 4, nwag's "sd" bucket 10.
    assert_eq!(tally.questions[3].buckets[4], 1);
    assert_eq!(tally.questions[3].buckets[10], 1);
    assert_eq!(tally.questions[4].answered, 1);
    // Malformed results are none at all, never wrong numbers.
    for bad in [
        r#"{"questions": []}"#,
        r#"{"respondents": -1, "questions": []}"#,
        "[]",
    ] {
        assert!(
            decode_results(&survey, &js_sys::JSON::parse(bad).unwrap()).is_none(),
            "{bad}"
        );
    }
}
