//! Surveys in the pure core, natively: definitions and their errors (with
//! field paths), `visible_if`, response checks, the counting rule, results
//! per kind, and the answers codec.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use readerpoll::core::answers;
use readerpoll::core::count::{self, Counter, Decision, Delta, Known, SurveyTally};
use readerpoll::core::poll::{Poll, RawPoll};
use readerpoll::core::question::{Answer, RawAnswer, Results};
use readerpoll::core::survey::{RawSurvey, Response, Survey, SurveyError};
use serde_json::{json, Value};

fn demo_json() -> Value {
    serde_json::from_str(include_str!("fixtures/workload-survey.json")).unwrap()
}

fn parse(v: Value) -> Result<Survey, SurveyError> {
    let raw: RawSurvey =
        serde_json::from_value(v).map_err(|e| SurveyError::from_decoder(&e.to_string()))?;
    Survey::from_raw(raw)
}

fn demo() -> Survey {
    parse(demo_json()).unwrap()
}

/// The demo survey with `question`'s field `field` set to `value`
/// (`Value::Null` removes it).
fn demo_with(question: usize, field: &str, value: Value) -> Value {
    let mut v = demo_json();
    let q = v["questions"][question].as_object_mut().unwrap();
    if value.is_null() {
        q.remove(field);
    } else {
        q.insert(field.into(), value);
    }
    v
}

fn error(v: Value) -> (String, String) {
    let e = parse(v).unwrap_err();
    (e.code.to_owned(), e.path)
}

fn answers(v: Value) -> BTreeMap<String, RawAnswer> {
    serde_json::from_value(v).unwrap()
}

fn respond(survey: &Survey, v: Value) -> Result<Response, (String, String)> {
    survey
        .response(&answers(v))
        .map_err(|e| (e.code.to_owned(), e.path))
}

fn full() -> Value {
    json!({
        "hours": ["6-10"],
        "stress": 2,
        "recommend": 9,
        "statements": {"supervision": "sa", "caseload": "d", "nwag": "sd"},
        "anything": "  Too many cases, not enough time.  "
    })
}

#[test]
fn the_demo_survey_is_valid() {
    let s = demo();
    assert_eq!(s.id, "workload-survey");
    assert_eq!(s.questions.len(), 5);
    let kinds: Vec<&str> = s.questions.iter().map(|q| q.kind_name()).collect();
    assert_eq!(kinds, ["choice", "scale", "nps", "likert", "text"]);
    // `required` defaults to true, except for text.
    let required: Vec<bool> = s.questions.iter().map(|q| q.required).collect();
    assert_eq!(required, [true, true, true, true, false]);
}

#[test]
fn unknown_fields_are_errors_with_their_path() {
    let e = parse(demo_with(3, "colour", json!("red"))).unwrap_err();
    assert_eq!(e.code, "unknown_field");
    assert_eq!(e.path, "questions.3");
    assert!(
        e.message.contains("unknown field `colour`"),
        "{}",
        e.message
    );

    let mut v = demo_json();
    v["questions"][3]["rows"][1]["lable"] = json!("x");
    let e = parse(v).unwrap_err();
    assert_eq!(
        (e.code, e.path.as_str()),
        ("unknown_field", "questions.3.rows.1")
    );

    let mut v = demo_json();
    v["layot"] = json!("all");
    assert_eq!(error(v).0, "unknown_field");
}

#[test]
fn wrong_types_and_unknown_kinds_name_the_question() {
    let (code, path) = error(demo_with(1, "min", json!("one")));
    assert_eq!(
        (code.as_str(), path.as_str()),
        ("wrong_type", "questions.1")
    );
    let (code, path) = error(demo_with(0, "type", json!("ranking")));
    assert_eq!(
        (code.as_str(), path.as_str()),
        ("wrong_type", "questions.0")
    );
}

#[test]
fn survey_level_errors() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"id": "", "questions": []}), "empty_id", "id"),
        (json!({"id": "a b", "questions": []}), "bad_id", "id"),
        (
            json!({"id": "s", "title": " ", "questions": []}),
            "empty_title",
            "title",
        ),
        (
            json!({"id": "s", "title": "x".repeat(201), "questions": []}),
            "title_too_long",
            "title",
        ),
        (
            json!({"id": "s", "questions": []}),
            "no_questions",
            "questions",
        ),
        (
            json!({"id": "s", "opens_at": "tomorrow", "questions": []}),
            "bad_date",
            "opens_at",
        ),
        (
            json!({"id": "s", "opens_at": "2026-12-02T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z", "questions": []}),
            "closes_before_opens",
            "closes_at",
        ),
    ];
    for (v, code, path) in cases {
        assert_eq!(error(v), (code.to_owned(), path.to_owned()));
    }
    let nps = json!({"id": "n", "type": "nps", "prompt": "P"});
    let many: Vec<Value> = (0..21)
        .map(|i| {
            let mut q = nps.clone();
            q["id"] = json!(format!("q{i}"));
            q
        })
        .collect();
    assert_eq!(
        error(json!({"id": "s", "questions": many})),
        ("too_many_questions".into(), "questions".into())
    );
}

#[test]
fn every_question_error_of_each_kind() {
    let cases: Vec<(usize, &str, Value, &str, &str)> = vec![
        // Shared fields.
        (0, "id", json!(""), "empty_id", "questions.0.id"),
        (0, "id", json!("h ours"), "bad_id", "questions.0.id"),
        (
            1,
            "id",
            json!("hours"),
            "duplicate_question_id",
            "questions.1.id",
        ),
        (
            0,
            "prompt",
            json!("  "),
            "empty_prompt",
            "questions.0.prompt",
        ),
        (
            0,
            "prompt",
            json!("p".repeat(501)),
            "prompt_too_long",
            "questions.0.prompt",
        ),
        // Choice.
        (
            0,
            "options",
            json!([{"id": "a", "label": "A"}]),
            "too_few_items",
            "questions.0.options",
        ),
        (
            0,
            "options",
            json!([{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]),
            "duplicate_id",
            "questions.0.options.1.id",
        ),
        (
            0,
            "options",
            json!([{"id": "a", "label": "A"}, {"id": "b", "label": ""}]),
            "empty_label",
            "questions.0.options.1.label",
        ),
        (
            0,
            "options",
            json!([{"id": "a", "label": "A"}, {"id": "b", "label": "l".repeat(201)}]),
            "label_too_long",
            "questions.0.options.1.label",
        ),
        (
            0,
            "options",
            json!([{"id": "a", "label": "A"}, {"id": "", "label": "B"}]),
            "empty_id",
            "questions.0.options.1.id",
        ),
        (
            0,
            "max_choices",
            json!(2),
            "max_choices_too_large",
            "questions.0.max_choices",
        ),
        (
            0,
            "other",
            json!({"label": ""}),
            "empty_label",
            "questions.0.other.label",
        ),
        (
            0,
            "other",
            json!({"label": "Else", "max_length": 0}),
            "bad_max_length",
            "questions.0.other.max_length",
        ),
        // Scale.
        (1, "max", json!(1), "bad_scale", "questions.1.max"),
        (1, "max", json!(12), "bad_scale", "questions.1.max"),
        (
            1,
            "labels",
            json!({"min": " "}),
            "empty_label",
            "questions.1.labels.min",
        ),
        // Likert.
        (3, "rows", json!([]), "too_few_items", "questions.3.rows"),
        (
            3,
            "columns",
            json!([{"id": "a", "label": "A"}]),
            "too_few_items",
            "questions.3.columns",
        ),
        (
            3,
            "columns",
            json!((0..8)
                .map(|i| json!({"id": format!("c{i}"), "label": "C"}))
                .collect::<Vec<_>>()),
            "too_many_items",
            "questions.3.columns",
        ),
        // Text.
        (
            4,
            "max_length",
            json!(5001),
            "bad_max_length",
            "questions.4.max_length",
        ),
        // visible_if.
        (
            4,
            "visible_if",
            json!({"question": "later", "any_of": [1]}),
            "bad_condition",
            "questions.4.visible_if.question",
        ),
        (
            4,
            "visible_if",
            json!({"question": "stress", "any_of": []}),
            "bad_condition",
            "questions.4.visible_if.any_of",
        ),
        (
            4,
            "visible_if",
            json!({"question": "stress", "any_of": [1, 9]}),
            "bad_condition",
            "questions.4.visible_if.any_of.1",
        ),
        (
            4,
            "visible_if",
            json!({"question": "hours", "any_of": ["40"]}),
            "bad_condition",
            "questions.4.visible_if.any_of.0",
        ),
        (
            4,
            "visible_if",
            json!({"all": []}),
            "bad_condition",
            "questions.4.visible_if.all",
        ),
        (
            4,
            "visible_if",
            json!({"any": [{"question": "stress", "any_of": [1]}, {"question": "nope", "any_of": [1]}]}),
            "bad_condition",
            "questions.4.visible_if.any.1.question",
        ),
    ];
    for (question, field, value, code, path) in cases {
        assert_eq!(
            error(demo_with(question, field, value.clone())),
            (code.to_owned(), path.to_owned()),
            "{field} = {value}"
        );
    }
    // A condition may not name its own question or a later one.
    let (code, path) = error(demo_with(
        1,
        "visible_if",
        json!({"question": "stress", "any_of": [1]}),
    ));
    assert_eq!(
        (code.as_str(), path.as_str()),
        ("bad_condition", "questions.1.visible_if.question")
    );
    // Multiple choice: min above max, zero minimum.
    let (code, _) = error(demo_with(0, "mode", json!("multiple")).pipe(|mut v| {
        v["questions"][0]["min_choices"] = json!(3);
        v["questions"][0]["max_choices"] = json!(2);
        v
    }));
    assert_eq!(code, "min_above_max");
    let (code, _) = error(demo_with(0, "mode", json!("multiple")).pipe(|mut v| {
        v["questions"][0]["min_choices"] = json!(0);
        v
    }));
    assert_eq!(code, "min_choices_zero");
}

trait Pipe: Sized {
    fn pipe(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }
}
impl Pipe for Value {}

#[test]
fn a_full_response_is_checked_and_trimmed() {
    let s = demo();
    let r = respond(&s, full()).unwrap();
    assert_eq!(
        r[0],
        Some(Answer::Choice {
            picked: vec![1],
            other: None
        })
    );
    assert_eq!(r[1], Some(Answer::Point(2)));
    assert_eq!(r[2], Some(Answer::Point(9)));
    assert_eq!(r[3], Some(Answer::Rows(vec![Some(4), Some(1), Some(0)])));
    assert_eq!(
        r[4],
        Some(Answer::Text("Too many cases, not enough time.".into()))
    );
}

#[test]
fn visible_if_hides_and_shows() {
    let s = demo();
    // stress 4: the text question is hidden, so an answer to it is refused…
    let mut v = full();
    v["stress"] = json!(4);
    assert_eq!(
        respond(&s, v.clone()),
        Err(("hidden_answered".into(), "anything".into()))
    );
    // …and leaving it out is fine.
    v.as_object_mut().unwrap().remove("anything");
    let r = respond(&s, v).unwrap();
    assert!(!s.is_visible(4, &r));
    assert!(s.is_visible(3, &r));
    // stress 1 shows it; it stays optional.
    let mut v = full();
    v["stress"] = json!(1);
    v.as_object_mut().unwrap().remove("anything");
    let r = respond(&s, v).unwrap();
    assert!(s.is_visible(4, &r));
}

#[test]
fn nested_conditions_and_hidden_chains() {
    let mut v = demo_json();
    v["questions"][4]["visible_if"] = json!({"all": [
        {"question": "stress", "any_of": [1, 2]},
        {"any": [{"question": "hours", "any_of": ["11-15", "16-plus"]}, {"question": "statements", "any_of": ["sd"]}]}
    ]});
    let s = parse(v).unwrap();
    let r = respond(&s, full()).unwrap(); // stress 2, nwag "sd": holds
    assert!(s.is_visible(4, &r));
    let mut v = full();
    v["statements"] = json!({"supervision": "sa", "caseload": "d", "nwag": "a"});
    assert_eq!(respond(&s, v).unwrap_err().0, "hidden_answered");
}

#[test]
fn response_errors() {
    let s = demo();
    let without = |id: &str| {
        let mut v = full();
        v.as_object_mut().unwrap().remove(id);
        v
    };
    let with = |id: &str, value: Value| {
        let mut v = full();
        v[id] = value;
        v
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (without("hours"), "answer_required", "hours"),
        (with("hours", json!([])), "answer_required", "hours"),
        (with("hours", json!(["6-10", "1-5"])), "bad_answer", "hours"),
        (with("hours", json!(["40"])), "bad_answer", "hours"),
        (with("hours", json!("6-10")), "bad_answer", "hours"),
        (
            with("hours", json!([{"other": "x".repeat(81)}])),
            "text_too_long",
            "hours",
        ),
        (with("stress", json!(6)), "bad_answer", "stress"),
        (with("stress", json!("2")), "bad_answer", "stress"),
        (with("recommend", json!(11)), "bad_answer", "recommend"),
        (with("recommend", json!(-1)), "bad_answer", "recommend"),
        (
            with("statements", json!({"supervision": "sa"})),
            "answer_required",
            "statements",
        ),
        (
            with(
                "statements",
                json!({"supervision": "meh", "caseload": "d", "nwag": "sd"}),
            ),
            "bad_answer",
            "statements",
        ),
        (
            with(
                "statements",
                json!({"pay": "sa", "caseload": "d", "nwag": "sd"}),
            ),
            "bad_answer",
            "statements",
        ),
        (
            with("anything", json!("é".repeat(501))),
            "text_too_long",
            "anything",
        ),
        (with("anything", json!(5)), "bad_answer", "anything"),
        (with("nope", json!(1)), "unknown_question", ""),
    ];
    for (v, code, path) in cases {
        assert_eq!(
            respond(&s, v.clone()),
            Err((code.to_owned(), path.to_owned())),
            "{v}"
        );
    }
    // The limit is in characters, not bytes: 500 two-byte characters fit.
    assert!(respond(&s, with("anything", json!("é".repeat(500)))).is_ok());
    // A write-in alone answers a single choice; a blank one is no answer.
    let r = respond(&s, with("hours", json!([{"other": " Varies, a lot "}]))).unwrap();
    assert_eq!(
        r[0],
        Some(Answer::Choice {
            picked: vec![],
            other: Some("Varies, a lot".into())
        })
    );
    assert_eq!(
        respond(&s, with("hours", json!([{"other": "  "}])))
            .unwrap_err()
            .0,
        "answer_required"
    );
    // An optional, blank text is no answer.
    let r = respond(&s, with("anything", json!("   "))).unwrap();
    assert_eq!(r[4], None);
}

#[test]
fn multiple_choice_counts_picks_and_write_in() {
    let mut v = demo_with(0, "mode", json!("multiple"));
    v["questions"][0]["min_choices"] = json!(2);
    v["questions"][0]["max_choices"] = json!(3);
    let s = parse(v).unwrap();
    let with = |value: Value| {
        let mut v = full();
        v["hours"] = value;
        respond(&s, v)
    };
    assert_eq!(with(json!(["1-5"])).unwrap_err().0, "bad_answer");
    assert!(with(json!(["1-5", {"other": "weekends"}])).is_ok());
    assert_eq!(
        with(json!(["1-5", "6-10", "11-15", "16-plus"]))
            .unwrap_err()
            .0,
        "bad_answer"
    );
    assert_eq!(with(json!(["1-5", "1-5"])).unwrap_err().0, "bad_answer");
}

fn counted(s: &Survey, responses: &[Value]) -> SurveyTally {
    let mut tally = SurveyTally::empty(s);
    for v in responses {
        let r = respond(s, v.clone()).unwrap();
        tally.apply(&count::apply(s, &r));
    }
    tally
}

#[test]
fn results_per_kind() {
    let s = demo();
    let mut responses = Vec::new();
    // 7 readers: stress 1,1,2,3,4,5,5; recommend 0,6,7,8,9,10,10.
    for (i, (stress, nps)) in [(1, 0), (1, 6), (2, 7), (3, 8), (4, 9), (5, 10), (5, 10)]
        .iter()
        .enumerate()
    {
        let mut v = full();
        v["stress"] = json!(stress);
        v["recommend"] = json!(nps);
        let hours = [
            "1-5", "6-10", "6-10", "16-plus", "16-plus", "16-plus", "11-15",
        ][i];
        v["hours"] = json!([hours]);
        if *stress > 2 {
            v.as_object_mut().unwrap().remove("anything");
        } else if i == 1 {
            v["anything"] = json!(" ");
        }
        responses.push(v);
    }
    let tally = counted(&s, &responses);
    assert_eq!(tally.respondents, 7);

    let Results::Choice {
        bars,
        answered,
        of_respondents,
    } = s.questions[0].results(&tally.questions[0])
    else {
        panic!("choice results")
    };
    assert_eq!(answered, 7);
    assert!(!of_respondents);
    let shown: Vec<(&str, u64, u32)> = bars
        .iter()
        .map(|b| (b.label.as_str(), b.count, b.share))
        .collect();
    // 1/7, 2/7, 1/7, 3/7 → 14.29, 28.57, 14.29, 42.86 → 14, 29, 14, 43 (sum 100).
    assert_eq!(
        shown,
        [
            ("1-5", 1, 14),
            ("6-10", 2, 29),
            ("11-15", 1, 14),
            ("16+", 3, 43),
            ("Something else", 0, 0)
        ]
    );

    let Results::Scale {
        bars,
        median_halves,
        ..
    } = s.questions[1].results(&tally.questions[1])
    else {
        panic!("scale results")
    };
    assert_eq!(median_halves, Some(6)); // median 3
    let counts: Vec<u64> = bars.iter().map(|b| b.count).collect();
    assert_eq!(counts, [2, 1, 1, 1, 2]);

    let Results::Nps {
        score,
        groups,
        answered,
    } = s.questions[2].results(&tally.questions[2])
    else {
        panic!("nps results")
    };
    // 2 detractors (0, 6), 2 passives (7, 8), 3 promoters: (3 - 2) / 7 = 14.29 → 14.
    assert_eq!(score, Some(14));
    assert_eq!(answered, 7);
    let split: Vec<(u64, u32)> = groups.iter().map(|g| (g.count, g.share)).collect();
    assert_eq!(split, [(2, 29), (2, 28), (3, 43)]);

    let Results::Likert { rows } = s.questions[3].results(&tally.questions[3]) else {
        panic!("likert results")
    };
    // Every reader: supervision sa, caseload d, nwag sd.
    assert_eq!(
        rows[0].cells.iter().map(|c| c.share).collect::<Vec<_>>(),
        [0, 0, 0, 0, 100]
    );
    assert_eq!(rows[0].left_halves, 0);
    assert_eq!(rows[1].left_halves, 200);
    assert_eq!(rows[2].answered, 7);

    // Text: only how many wrote something (the blank one did not).
    assert_eq!(
        s.questions[4].results(&tally.questions[4]),
        Results::Text { written: 2 }
    );
}

#[test]
fn median_of_an_even_count_is_halfway() {
    use readerpoll::core::question::scale::median_halves;
    assert_eq!(median_halves(&[1, 0, 0, 1], 1), Some(5)); // 1 and 4 → 2.5
    assert_eq!(median_halves(&[0, 0, 0], 1), None);
    assert_eq!(median_halves(&[0, 4, 0], 0), Some(2)); // all at 1
}

#[test]
fn nps_score_rounds_half_away_from_zero() {
    use readerpoll::core::question::nps::score;
    let mut counts = [0u64; 11];
    counts[0] = 1; // 1 detractor, 0 promoters of 8: -12.5 → -13
    counts[7] = 7;
    assert_eq!(score(&counts), Some(-13));
    counts[0] = 0;
    counts[10] = 1; // +12.5 → 13
    assert_eq!(score(&counts), Some(13));
    assert_eq!(score(&[0; 11]), None);
}

#[test]
fn nps_score_at_the_largest_counts() {
    use readerpoll::core::question::nps::score;
    const MAX: u64 = 9_007_199_254_740_991; // counts stop at 2^53 - 1
    let mut counts = [0u64; 11];
    counts[10] = MAX;
    assert_eq!(score(&counts), Some(100));
    counts[0] = MAX / 2;
    counts[10] = MAX / 2 + 1;
    assert_eq!(score(&counts), Some(0));
    counts[10] = MAX / 4; // a quarter of the total fewer promoters: -25
    counts[0] = MAX / 2;
    counts[7] = MAX / 4;
    assert_eq!(score(&counts), Some(-25));
}

#[test]
fn likert_centre_line_with_a_neutral_column() {
    let s = demo();
    let mut tally = SurveyTally::empty(&s);
    let mut v = full();
    for pick in ["d", "n", "a", "a"] {
        v["statements"] = json!({"supervision": pick, "caseload": "n", "nwag": "n"});
        let r = respond(&s, v.clone()).unwrap();
        tally.apply(&count::apply(&s, &r));
    }
    let Results::Likert { rows } = s.questions[3].results(&tally.questions[3]) else {
        panic!()
    };
    // d 25, n 25, a 50: left of centre is d (25) and half of n (12.5) = 75 halves.
    assert_eq!(rows[0].left_halves, 75);
    assert_eq!(rows[1].left_halves, 100);
}

#[test]
fn the_counting_rule() {
    let mut v = demo_json();
    v["allow_change"] = json!(true);
    let s = parse(v).unwrap();
    let first = respond(&s, full()).unwrap();
    let mut changed = full();
    changed["hours"] = json!(["16-plus"]);
    changed["stress"] = json!(4);
    changed.as_object_mut().unwrap().remove("anything");
    let second = respond(&s, changed).unwrap();

    let fresh = Known {
        key_seen: false,
        previous: None,
    };
    let Decision::Count {
        delta,
        replaces: false,
    } = count::decide(&s, fresh, &first)
    else {
        panic!("a first response counts")
    };
    assert!(delta.0.contains(&(Counter::Respondents, 1)));
    assert!(delta.0.contains(&(Counter::Bucket(0, 1), 1)));
    assert!(delta.0.contains(&(Counter::Answered(4), 1)));

    let replay = Known {
        key_seen: true,
        previous: Some(&first),
    };
    assert_eq!(count::decide(&s, replay, &second), Decision::Replay);

    let change = Known {
        key_seen: false,
        previous: Some(&first),
    };
    let Decision::Count {
        delta,
        replaces: true,
    } = count::decide(&s, change, &second)
    else {
        panic!("a change replaces")
    };
    // Same reader: respondents unchanged; the moved answers move; the
    // unchanged ones cancel out and are not written at all.
    assert_eq!(
        delta,
        Delta(vec![
            (Counter::Answered(4), -1),
            (Counter::Bucket(0, 1), -1),
            (Counter::Bucket(0, 3), 1),
            (Counter::Bucket(1, 1), -1),
            (Counter::Bucket(1, 3), 1),
        ])
    );

    let mut fixed = demo();
    fixed.allow_change = false;
    let again = Known {
        key_seen: false,
        previous: Some(&first),
    };
    assert_eq!(
        count::decide(&fixed, again, &second),
        Decision::AlreadyResponded
    );
}

#[test]
fn a_poll_is_a_survey_of_one_choice_question() {
    let seed: Value = serde_json::from_str(include_str!("fixtures/seed-polls.json")).unwrap();
    let mut def = seed["polls"][0].clone();
    for extra in [
        "counts_exact",
        "published_percent",
        "published_results_order",
        "published_text_example",
    ] {
        def.as_object_mut().unwrap().remove(extra);
    }
    let raw: RawPoll = serde_json::from_value(def).unwrap();
    let poll = Poll::from_raw(raw).unwrap();
    let s = Survey::from_poll(&poll);
    assert_eq!(s.questions.len(), 1);
    // Counted through the one rule from the published counts (93, 184, 134, 170)…
    let mut tally = SurveyTally::empty(&s);
    for (option, n) in [("1-5", 93), ("6-10", 184), ("11-15", 134), ("16-plus", 170)] {
        let r = s
            .response(&answers(json!({"overtime-hours": [option]})))
            .unwrap();
        for _ in 0..n {
            tally.apply(&count::apply(&s, &r));
        }
    }
    assert_eq!(tally.respondents, 581);
    // …it shows the published percentages.
    let Results::Choice { bars, .. } = s.questions[0].results(&tally.questions[0]) else {
        panic!()
    };
    let shares: Vec<u32> = bars.iter().map(|b| b.share).collect();
    assert_eq!(shares, [16, 32, 23, 29]);
}

#[test]
fn the_answers_codec_round_trips_hostile_text() {
    let s = demo();
    let mut v = full();
    v["stress"] = json!(1);
    v["hours"] = json!(["6-10", {"other": "a,b\tc=d&e~f:g%h"}]);
    let mut multi = demo_with(0, "mode", json!("multiple"));
    multi["questions"][4]["max_length"] = json!(500);
    let ms = parse(multi).unwrap();
    v["anything"] = json!("line one\nline two\r\n\ttabbed, with 100% & = ~ : كلام 🗳");
    let r = respond(&ms, v).unwrap();
    let line = answers::encode(&ms, &r);
    assert!(!line.contains(['\t', '\n', '\r']), "{line}");
    assert!(
        line.starts_with("a1;hours=6-10,~a%2Cb%09c%3Dd%26e%7Ef%3Ag%25h&stress=1&recommend=9&"),
        "{line}"
    );
    assert_eq!(answers::decode(&ms, &line).unwrap(), r);
    // The widget reads its drafts back through its own reader.
    assert_eq!(answers::decode_draft(&ms, &line).unwrap(), r);

    let plain = respond(&s, full()).unwrap();
    assert_eq!(
        answers::encode(&s, &plain),
        "a1;hours=6-10&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd&anything=Too many cases%2C not enough time."
    );
}

#[test]
fn the_answers_codec_refuses_tampered_lines() {
    let s = demo();
    let bad = [
        "hours=6-10&stress=2", // no version
        "a1;hours=6-10&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd&hours=1-5",
        "a1;hours=6-10&stress=9&recommend=9&statements=supervision:sa,caseload:d,nwag:sd",
        "a1;hours=6-10&stress=x&recommend=9&statements=supervision:sa,caseload:d,nwag:sd",
        "a1;hours=6-10&stress=2&recommend=9&statements=supervision-sa",
        "a1;hours=~%ZZ&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd",
        // An escape is two hex digits: no sign, as `from_str_radix` allowed.
        "a1;hours=~%+5&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd",
        "a1;hours=~%C3%A9&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd",
        "a1;pay=1",
        "a1;hours",
    ];
    for line in bad {
        assert!(answers::decode(&s, line).is_err(), "{line}");
    }
    // Hidden questions stay hidden through the codec too.
    let line = "a1;hours=6-10&stress=4&recommend=9&statements=supervision:sa,caseload:d,nwag:sd&anything=x";
    assert_eq!(
        answers::decode(&s, line).unwrap_err().code,
        "hidden_answered"
    );
}

mod flow {
    use super::*;
    use readerpoll::core::survey_flow::{step, Effect, Event, Flow, Focus, Notice, Phase};

    pub(super) fn answer(flow: &mut Flow, id: &str, v: Value) -> &'static [Effect] {
        let q = flow.survey.question_index(id).unwrap();
        let a = flow.survey.questions[q]
            .answer(&serde_json::from_value(v).unwrap())
            .unwrap();
        step(
            flow,
            Event::Answer {
                question: q,
                answer: a,
            },
        )
    }

    #[test]
    fn steps_forward_and_back_with_progress() {
        let mut f = Flow::new(demo(), None);
        // The text question is hidden until stress is 1 or 2: four shown.
        assert_eq!((f.step, f.progress()), (0, (1, 4)));
        // Next without an answer: the notice, focused and announced.
        assert_eq!(
            step(&mut f, Event::Next),
            [Effect::Focus(Focus::Notice), Effect::AnnounceNotice]
        );
        assert_eq!(f.notice, Some(Notice::Required(0)));
        assert_eq!(
            answer(&mut f, "hours", json!(["6-10"])),
            [Effect::SaveDraft]
        );
        assert_eq!(f.notice, None, "answering clears the notice");
        assert_eq!(
            step(&mut f, Event::Next),
            [Effect::SaveDraft, Effect::Focus(Focus::Question)]
        );
        assert_eq!((f.step, f.progress()), (1, (2, 4)));
        answer(&mut f, "stress", json!(2));
        assert_eq!(f.progress(), (2, 5), "the text question now shows");
        step(&mut f, Event::Next);
        answer(&mut f, "recommend", json!(10));
        step(&mut f, Event::Next);
        assert_eq!(f.progress(), (4, 5));
        // A Likert question needs every row.
        answer(&mut f, "statements", json!({"supervision": "a"}));
        step(&mut f, Event::Next);
        assert_eq!(f.notice, Some(Notice::Required(3)));
        answer(
            &mut f,
            "statements",
            json!({"supervision": "a", "caseload": "d", "nwag": "n"}),
        );
        step(&mut f, Event::Next);
        assert_eq!((f.step, f.progress()), (4, (5, 5)));
        assert!(f.is_last_step());
        // Back keeps the answers.
        step(&mut f, Event::Back);
        assert_eq!(f.step, 3);
        assert!(f.draft[3].is_some());
        step(&mut f, Event::Next);
        // The optional text may be left empty; Next on the last step sends.
        assert_eq!(step(&mut f, Event::Next), [Effect::Send, Effect::SaveDraft]);
        assert_eq!(f.phase, Phase::Sending);
        assert_eq!(step(&mut f, Event::Next), [], "nothing moves while sending");
        assert_eq!(
            step(&mut f, Event::Accepted),
            [
                Effect::SaveDraft,
                Effect::AnnounceDone,
                Effect::Focus(Focus::Results)
            ]
        );
        assert_eq!(f.phase, Phase::Done);
    }

    #[test]
    fn an_answer_that_hides_a_question_clears_it() {
        let mut f = Flow::new(demo(), None);
        answer(&mut f, "stress", json!(1));
        answer(&mut f, "anything", json!("so much"));
        assert!(f.draft[4].is_some());
        answer(&mut f, "stress", json!(5));
        assert_eq!(f.draft[4], None);
    }

    #[test]
    fn submit_sends_the_reader_to_the_first_gap() {
        let mut all = demo_json();
        all["layout"] = json!("all");
        let mut f = Flow::new(parse(all).unwrap(), None);
        answer(&mut f, "hours", json!(["1-5"]));
        answer(&mut f, "recommend", json!(3));
        assert_eq!(
            step(&mut f, Event::Submit),
            [Effect::Focus(Focus::Notice), Effect::AnnounceNotice]
        );
        assert_eq!((f.step, f.notice.clone()), (1, Some(Notice::Required(1))));
        answer(&mut f, "stress", json!(3));
        answer(
            &mut f,
            "statements",
            json!({"supervision": "a", "caseload": "d", "nwag": "n"}),
        );
        assert_eq!(
            step(&mut f, Event::Submit),
            [Effect::Send, Effect::SaveDraft]
        );
        // A refusal comes back as a notice, and the reader can try again;
        // the draft is saved answering, so a reload does not send it again.
        assert_eq!(
            step(&mut f, Event::Refused("This survey is closed.".into())),
            [
                Effect::SaveDraft,
                Effect::Focus(Focus::Notice),
                Effect::AnnounceNotice
            ]
        );
        assert_eq!(f.phase, Phase::Answering);
        assert_eq!(
            f.notice,
            Some(Notice::Refused("This survey is closed.".into()))
        );
    }

    #[test]
    fn a_reload_resumes_at_the_same_step() {
        let mut f = Flow::new(demo(), None);
        answer(&mut f, "hours", json!(["11-15"]));
        step(&mut f, Event::Next);
        answer(&mut f, "stress", json!(4));
        step(&mut f, Event::Next);
        let saved = (f.draft.clone(), f.step);
        let resumed = Flow::new(demo(), Some(saved));
        assert_eq!((resumed.step, resumed.progress()), (2, (3, 4)));
        assert_eq!(resumed.draft, f.draft);
        // A saved step on a question now hidden falls back to the first shown.
        let mut stale = f.draft.clone();
        stale[4] = Some(Answer::Text("x".into()));
        let resumed = Flow::new(demo(), Some((stale, 4)));
        assert_eq!((resumed.step, resumed.draft[4].clone()), (0, None));
        // A draft of another shape starts afresh.
        let resumed = Flow::new(demo(), Some((vec![None], 2)));
        assert_eq!((resumed.step, resumed.draft.len()), (0, 5));
    }
}

mod view {
    use super::*;
    use readerpoll::core::locale::{locale_for, Texts};
    use readerpoll::core::survey_flow::{step, Event, Flow};
    use readerpoll::survey_view::{survey_view, Control, SurveyTexts};

    fn answer(flow: &mut Flow, id: &str, v: Value) {
        super::flow::answer(flow, id, v);
    }

    #[test]
    fn a_step_shows_one_question_with_progress_and_actions() {
        let texts = Texts::new(locale_for("en"));
        let own = SurveyTexts::default();
        let mut f = Flow::new(demo(), None);
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(v.title, Some("Your workload, in four questions"));
        assert_eq!(v.progress.as_deref(), Some("Question 1 of 4"));
        assert_eq!(v.questions.len(), 1);
        let actions = v.actions.unwrap();
        assert_eq!((actions.back, actions.forward), (None, "Next"));

        step(&mut f, Event::Next);
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(
            v.questions[0].notice.as_deref(),
            Some("Answer this question to go on.")
        );

        answer(&mut f, "hours", json!(["6-10"]));
        step(&mut f, Event::Next);
        answer(&mut f, "stress", json!(2));
        step(&mut f, Event::Next);
        answer(&mut f, "recommend", json!(8));
        step(&mut f, Event::Next);
        answer(&mut f, "statements", json!({"supervision": "a"}));
        step(&mut f, Event::Next);
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(v.progress.as_deref(), Some("Question 4 of 5"));
        assert_eq!(v.actions.unwrap().back, Some("Back"));
        let q = &v.questions[0];
        assert_eq!(q.notice.as_deref(), Some("Answer every row to go on."));
        let Control::Likert { columns, rows } = &q.control else {
            panic!()
        };
        assert_eq!(columns[0], "Strongly disagree");
        assert_eq!(rows[0].2[3].label, "I get regular supervision: Agree");
        assert!(rows[0].2[3].checked);
        assert!(!rows[1].2.iter().any(|c| c.checked));

        answer(
            &mut f,
            "statements",
            json!({"supervision": "a", "caseload": "a", "nwag": "a"}),
        );
        step(&mut f, Event::Next);
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(v.questions[0].optional, Some("Optional"));
        let actions = v.actions.unwrap();
        assert_eq!(
            (actions.forward, actions.forward_sends),
            ("Send answers", true)
        );
        let Control::Text {
            multiline,
            max_length,
            ..
        } = v.questions[0].control
        else {
            panic!()
        };
        assert_eq!((multiline, max_length), (true, 500));
    }

    #[test]
    fn the_all_layout_shows_every_visible_question() {
        let texts = Texts::new(locale_for("en"));
        let own = SurveyTexts::default();
        let mut all = demo_json();
        all["layout"] = json!("all");
        let mut f = Flow::new(parse(all).unwrap(), None);
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(v.progress, None);
        let ids: Vec<&str> = v.questions.iter().map(|q| q.id).collect();
        assert_eq!(ids, ["hours", "stress", "recommend", "statements"]);
        answer(&mut f, "stress", json!(1));
        let v = survey_view(&f, None, texts.locale, &own, 0);
        assert_eq!(v.questions.len(), 5);
        assert_eq!(v.actions.unwrap().forward, "Send answers");
    }

    fn done_with_tally(def: Value) -> (Flow, SurveyTally) {
        let s = parse(def).unwrap();
        let mut responses = Vec::new();
        for (stress, nps, hours) in [
            (1, 0, "1-5"),
            (1, 6, "6-10"),
            (2, 7, "6-10"),
            (3, 8, "16-plus"),
            (4, 9, "16-plus"),
            (5, 10, "16-plus"),
            (5, 10, "11-15"),
        ] {
            let mut v = full();
            v["stress"] = json!(stress);
            v["recommend"] = json!(nps);
            v["hours"] = json!([hours]);
            v["statements"] = json!({"supervision": "d", "caseload": "n", "nwag": "a"});
            if stress > 2 {
                v.as_object_mut().unwrap().remove("anything");
            }
            responses.push(v);
        }
        let tally = counted(&s, &responses);
        let saved = respond(&s, responses[0].clone()).unwrap();
        let mut f = Flow::new(s, Some((saved, 4)));
        step(&mut f, Event::Submit);
        step(&mut f, Event::Accepted);
        (f, tally)
    }

    #[test]
    fn results_per_question_once_answered() {
        let texts = Texts::new(locale_for("en"));
        let own = SurveyTexts::default();
        let (f, tally) = done_with_tally(demo_json());
        let v = survey_view(&f, Some(&tally), texts.locale, &own, 0);
        assert_eq!(v.status, Some("Thank you: your answers were counted."));
        assert!(v.questions.is_empty() && v.actions.is_none());
        let r = v.results.unwrap();
        let hours: Vec<(&str, &str, &str)> = r[0]
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.figures.as_str(), b.width.as_str()))
            .collect();
        assert_eq!(
            hours[..2],
            [
                ("1-5", "14% (1 answer)", "14.0%"),
                ("6-10", "29% (2 answers)", "29.0%")
            ]
        );
        assert_eq!(r[1].summary.as_deref(), Some("Median: 3"));
        assert_eq!(r[2].summary.as_deref(), Some("Net Promoter Score: 14"));
        assert_eq!(r[2].bars[2].label, "Promoters (9-10)");
        assert_eq!(r[2].bars[2].figures, "43% (3 answers)");
        // Every reader: supervision "d" (left of centre), caseload neutral,
        // nwag "a" (right of centre).
        let centres: Vec<&str> = r[3].rows.iter().map(|row| row.centre.as_str()).collect();
        assert_eq!(centres, ["100.0%", "50.0%", "0.0%"]);
        assert_eq!(r[4].summary.as_deref(), Some("3 written answers"));
        assert!(r[4].bars.is_empty(), "written answers are never shown");
    }

    #[test]
    fn results_follow_the_policy_and_the_language() {
        let texts = Texts::new(locale_for("en"));
        let own = SurveyTexts::default();
        let mut never = demo_json();
        never["results"] = json!("never");
        let (f, tally) = done_with_tally(never);
        let v = survey_view(&f, Some(&tally), texts.locale, &own, 0);
        assert_eq!(v.results, None);
        assert_eq!(
            v.results_note,
            Some("The results of this survey are not published.")
        );

        let mut after_close = demo_json();
        after_close["results"] = json!("after_close");
        after_close["closes_at"] = json!("2026-12-31T00:00:00Z");
        let (f, tally) = done_with_tally(after_close);
        assert_eq!(
            survey_view(&f, Some(&tally), texts.locale, &own, 1_700_000_000).results,
            None
        );
        assert!(
            survey_view(&f, Some(&tally), texts.locale, &own, 1_800_000_000)
                .results
                .is_some()
        );

        // A half-point median in German: "2,5".
        let de = Texts::new(locale_for("de"));
        let mut own = SurveyTexts::default();
        assert!(own.set("median", "Median: {n}"));
        assert!(!own.set("nope", "x"));
        let s = demo();
        let mut tally = SurveyTally::empty(&s);
        for stress in [2, 3] {
            let mut v = full();
            v["stress"] = json!(stress);
            v.as_object_mut().unwrap().remove("anything");
            tally.apply(&count::apply(&s, &respond(&s, v).unwrap()));
        }
        let (f, _) = done_with_tally(demo_json());
        let v = survey_view(&f, Some(&tally), de.locale, &own, 0);
        assert_eq!(
            v.results.unwrap()[1].summary.as_deref(),
            Some("Median: 2,5")
        );
    }
}

#[test]
fn a_draft_decodes_without_its_missing_required_answers() {
    let s = demo();
    // Only the first two questions answered: not a response, but a draft.
    let draft = answers::decode_draft(&s, "a1;hours=6-10&stress=1").unwrap();
    assert_eq!(draft.len(), 5);
    assert_eq!(
        draft[0],
        Some(Answer::Choice {
            picked: vec![1],
            other: None
        })
    );
    assert_eq!(draft[1], Some(Answer::Point(1)));
    assert_eq!(draft[2], None);
    assert!(answers::decode(&s, "a1;hours=6-10&stress=1").is_err());
    // An answer that no longer fits is dropped, the rest kept.
    let draft = answers::decode_draft(&s, "a1;hours=6-10&stress=9").unwrap();
    assert_eq!(draft[1], None);
    assert!(draft[0].is_some());
    assert!(answers::decode_draft(&s, "hours=6-10").is_err());
}

#[test]
fn a_response_becomes_the_protocol_answers_object() {
    let s = demo();
    let mut v = full();
    v["stress"] = json!(1);
    v["hours"] = json!([{"other": "say \"no\"\\ \n\u{1}"}]);
    v["anything"] = json!("é, 🗳");
    let r = respond(&s, v).unwrap();
    let text = answers::to_json(&s, &r);
    assert_eq!(
        text,
        r#"{"hours":[{"other":"say \"no\"\\ \n\u0001"}],"stress":1,"recommend":9,"statements":{"supervision":"sa","caseload":"d","nwag":"sd"},"anything":"é, 🗳"}"#
            .replace("\\n", "\\u000a")
    );
    // And it reads back to the same response through the server's path.
    let parsed: BTreeMap<String, RawAnswer> = serde_json::from_str(&text).unwrap();
    assert_eq!(s.response(&parsed).unwrap(), r);
}

/// A closed survey and a reader who may change their answers: the flow's
/// states and what the view shows in them.
mod states {
    use super::*;
    use readerpoll::core::locale::locale_for;
    use readerpoll::core::survey_draft;
    use readerpoll::core::survey_flow::{step, Effect, Event, Flow, Focus, Notice, Phase};
    use readerpoll::survey_view::{survey_view, SurveyTexts};

    use super::flow::answer;

    fn with(field: &str, value: Value) -> Survey {
        let mut v = demo_json();
        v[field] = value;
        parse(v).unwrap()
    }

    /// Two readers' responses to the demo survey: 6-10 and 16-plus hours.
    fn tally(s: &Survey) -> SurveyTally {
        let mut other = full();
        other["hours"] = json!(["16-plus"]);
        counted(s, &[full(), other])
    }

    /// A reader who answered the demo survey in full and was counted.
    fn done(s: Survey) -> Flow {
        let draft = respond(&s, full()).unwrap();
        let mut f = Flow::new(s, Some((draft, 4)));
        step(&mut f, Event::Submit);
        step(&mut f, Event::Accepted);
        assert_eq!(f.phase, Phase::Done);
        f
    }

    #[test]
    fn a_close_with_answers_unsent_says_they_were_not_sent() {
        let s = with("results", json!("after_close"));
        let t = tally(&s);
        let mut f = Flow::new(s, None);
        answer(&mut f, "hours", json!(["6-10"]));
        assert_eq!(
            step(&mut f, Event::Close),
            [
                Effect::SaveDraft,
                Effect::Focus(Focus::Status),
                Effect::AnnounceClosed
            ]
        );
        assert_eq!(
            (f.phase, f.notice.clone()),
            (Phase::Closed, Some(Notice::Unsent))
        );
        // Nothing is left to answer, and nothing moves.
        assert_eq!(step(&mut f, Event::Next), []);
        assert_eq!(step(&mut f, Event::Submit), []);
        assert_eq!(step(&mut f, Event::Close), [], "closes once");
        let own = SurveyTexts::default();
        let v = survey_view(&f, Some(&t), locale_for("en"), &own, 0);
        assert!(v.questions.is_empty());
        assert_eq!(v.actions, None);
        assert_eq!(v.progress, None);
        assert_eq!(
            v.status,
            Some("Your answers were not sent: this survey has closed.")
        );
        // after_close: the results are out now.
        let results = v.results.expect("results after the close");
        assert_eq!(results[0].bars[1].figures, "50% (1 answer)");
        assert_eq!(results[0].bars[3].figures, "50% (1 answer)");
        assert_eq!(v.results_note, None);
        assert_eq!(v.change, None);
    }

    #[test]
    fn a_close_before_any_answer_just_says_closed() {
        let s = with("results", json!("always"));
        let mut f = Flow::new(s, None);
        step(&mut f, Event::Close);
        assert_eq!((f.phase, f.notice.clone()), (Phase::Closed, None));
        let own = SurveyTexts::default();
        let v = survey_view(&f, None, locale_for("en"), &own, 0);
        assert_eq!(v.status, Some("This survey is closed."));
        assert!(v.questions.is_empty() && v.actions.is_none());
        // The results are not there yet: none shown, and no note either.
        assert_eq!((v.results, v.results_note), (None, None));
    }

    #[test]
    fn a_closed_survey_that_publishes_nothing_says_so() {
        let s = with("results", json!("never"));
        let t = tally(&s);
        let mut f = Flow::new(s, None);
        step(&mut f, Event::Close);
        let own = SurveyTexts::default();
        let v = survey_view(&f, Some(&t), locale_for("en"), &own, 0);
        assert_eq!(v.results, None);
        assert_eq!(
            v.results_note,
            Some("The results of this survey are not published.")
        );
    }

    #[test]
    fn the_view_closes_a_survey_whose_close_time_passed() {
        // The flow is closed by the widget at its close time; the view
        // reads the time too, for results that depend on it.
        let mut v = demo_json();
        v["closes_at"] = json!("2025-01-01T00:00:00Z");
        v["results"] = json!("after_close");
        let s = parse(v).unwrap();
        let t = tally(&s);
        let mut f = Flow::new(s, None);
        step(&mut f, Event::Close);
        let own = SurveyTexts::default();
        let view = survey_view(&f, Some(&t), locale_for("en"), &own, 1_800_000_000);
        assert_eq!(view.status, Some("This survey is closed."));
        assert!(view.results.is_some());
    }

    #[test]
    fn a_refusal_after_the_close_means_not_sent() {
        let s = demo();
        let draft = respond(&s, full()).unwrap();
        let mut f = Flow::new(s, Some((draft, 4)));
        assert_eq!(
            step(&mut f, Event::Submit),
            [Effect::Send, Effect::SaveDraft]
        );
        // Closed while the response is on its way: it may still have been
        // counted, so the backend's answer decides.
        assert_eq!(step(&mut f, Event::Close), []);
        assert_eq!(f.phase, Phase::Sending);
        assert_eq!(
            step(&mut f, Event::Refused("This survey is closed.".into())),
            [
                Effect::SaveDraft,
                Effect::Focus(Focus::Status),
                Effect::AnnounceClosed
            ]
        );
        assert_eq!(
            (f.phase, f.notice.clone()),
            (Phase::Closed, Some(Notice::Unsent))
        );
    }

    #[test]
    fn a_close_after_the_answers_counted_keeps_them_counted() {
        let mut f = done(with("allow_change", json!(true)));
        assert!(f.can_change());
        assert_eq!(step(&mut f, Event::Close), []);
        assert_eq!(f.phase, Phase::Done);
        assert!(!f.can_change(), "a closed survey takes no changes");
        assert_eq!(step(&mut f, Event::Change), []);
        let own = SurveyTexts::default();
        let v = survey_view(&f, None, locale_for("en"), &own, 0);
        assert_eq!(v.status, Some("Thank you: your answers were counted."));
        assert_eq!(v.change, None);
    }

    #[test]
    fn change_your_answers_brings_them_back_in_the_form() {
        let s = with("allow_change", json!(true));
        let t = tally(&s);
        let mut f = done(s);
        let own = SurveyTexts::default();
        let v = survey_view(&f, Some(&t), locale_for("en"), &own, 0);
        assert_eq!(v.change, Some("Change your answers"));
        assert!(v.results.is_some(), "after_vote: counted, so shown");
        let counted = f.draft.clone();
        assert_eq!(
            step(&mut f, Event::Change),
            [
                Effect::NewKey,
                Effect::SaveDraft,
                Effect::Focus(Focus::Question)
            ]
        );
        assert_eq!(
            (f.phase, f.step, f.notice.clone()),
            (Phase::Answering, 0, None)
        );
        assert_eq!(f.draft, counted, "the counted answers, to change");
        let v = survey_view(&f, Some(&t), locale_for("en"), &own, 0);
        assert_eq!(v.progress.as_deref(), Some("Question 1 of 5"));
        assert_eq!(v.change, None);
        assert_eq!(v.results, None);
        // The first question shows the answer given: 6-10.
        match &v.questions[0].control {
            readerpoll::survey_view::Control::Choice { options, .. } => {
                let checked: Vec<&str> = options
                    .iter()
                    .filter(|o| o.checked)
                    .map(|o| o.label.as_ref())
                    .collect();
                assert_eq!(checked, ["6-10"]);
            }
            other => panic!("not a choice: {other:?}"),
        }
        // Sent again, it goes as a response of its own.
        answer(&mut f, "hours", json!(["1-5"]));
        step(&mut f, Event::Submit);
        assert_eq!(f.phase, Phase::Sending);
        step(&mut f, Event::Accepted);
        assert_eq!(f.phase, Phase::Done);
        assert!(f.can_change(), "and may be changed again");
    }

    #[test]
    fn a_close_while_changing_keeps_the_counted_answers() {
        let s = with("allow_change", json!(true));
        let counted = respond(&s, full()).unwrap();
        let mut f = done(s);
        step(&mut f, Event::Change);
        answer(&mut f, "hours", json!(["1-5"]));
        assert_eq!(
            step(&mut f, Event::Close),
            [
                Effect::SaveDraft,
                Effect::Focus(Focus::Status),
                Effect::AnnounceClosed
            ]
        );
        // The response counted before stands, in the draft too (what the
        // results with no backend and the saved draft are made of).
        assert_eq!(
            (f.phase, f.notice.clone()),
            (Phase::Done, Some(Notice::Stands))
        );
        assert_eq!(f.draft, counted);
        let own = SurveyTexts::default();
        let v = survey_view(&f, None, locale_for("en"), &own, 0);
        assert_eq!(
            v.status,
            Some("This survey has closed; your earlier answers stand.")
        );
        assert!(v.questions.is_empty() && v.actions.is_none());
        assert_eq!(v.change, None);
    }

    #[test]
    fn a_refusal_after_a_close_while_changing_keeps_the_counted_answers() {
        let s = with("allow_change", json!(true));
        let counted = respond(&s, full()).unwrap();
        let mut f = done(s);
        step(&mut f, Event::Change);
        answer(&mut f, "hours", json!(["1-5"]));
        step(&mut f, Event::Submit);
        assert_eq!(step(&mut f, Event::Close), [], "the backend decides");
        step(
            &mut f,
            Event::Refused(String::from("This survey is closed.")),
        );
        assert_eq!(
            (f.phase, f.notice.clone()),
            (Phase::Done, Some(Notice::Stands))
        );
        assert_eq!(f.draft, counted);
    }

    #[test]
    fn a_reload_while_changing_then_a_close_keeps_the_counted_answers() {
        let s = with("allow_change", json!(true));
        let counted = respond(&s, full()).unwrap();
        let mut f = done(s.clone());
        step(&mut f, Event::Change);
        answer(&mut f, "hours", json!(["1-5"]));
        let text = survey_draft::encode(&f, None);
        assert_eq!(
            text,
            "d2\nanswering\n0\n\n\
             a1;hours=1-5&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd\
             &anything=Too many cases%2C not enough time.\n\
             a1;hours=6-10&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd\
             &anything=Too many cases%2C not enough time."
        );
        let (mut g, key) = survey_draft::resume(s, Some(&text));
        assert_eq!((g.phase, key), (Phase::Answering, None));
        assert_eq!(
            g.counted.as_deref(),
            Some(
                "a1;hours=6-10&stress=2&recommend=9&statements=supervision:sa,caseload:d,nwag:sd\
                 &anything=Too many cases%2C not enough time."
            )
        );
        step(&mut g, Event::Close);
        assert_eq!(
            (g.phase, g.notice.clone()),
            (Phase::Done, Some(Notice::Stands))
        );
        assert_eq!(g.draft, counted);
        let own = SurveyTexts::default();
        let v = survey_view(&g, None, locale_for("en"), &own, 0);
        assert_eq!(
            v.status,
            Some("This survey has closed; your earlier answers stand.")
        );
    }

    #[test]
    fn a_counted_draft_reads_back_as_done_and_older_formats_start_afresh() {
        let s = with("allow_change", json!(true));
        let counted = respond(&s, full()).unwrap();
        let f = done(s.clone());
        let text = survey_draft::encode(&f, Some("k1"));
        let (g, key) = survey_draft::resume(s.clone(), Some(&text));
        assert_eq!((g.phase, key.as_deref()), (Phase::Done, Some("k1")));
        assert_eq!((g.draft, g.counted), (counted, None));
        let old = text.replacen("d2", "d1", 1);
        let (h, key) = survey_draft::resume(s, Some(&old));
        assert_eq!((h.phase, key, h.counted), (Phase::Answering, None, None));
        assert!(h.draft.iter().all(Option::is_none));
    }

    #[test]
    fn a_survey_not_open_yet_says_so_until_its_open_time() {
        // 2100-01-01T00:00:00Z
        let opens = 4_102_444_800;
        let f = Flow::new(with("opens_at", json!("2100-01-01T00:00:00Z")), None);
        let own = SurveyTexts::default();
        let v = survey_view(&f, None, locale_for("en"), &own, opens - 1);
        assert_eq!(v.status, Some("This survey is not open yet."));
        assert!(v.questions.is_empty());
        assert_eq!((v.actions, v.progress, v.results), (None, None, None));
        // Once open (a live update or a reload renders it again), it is
        // answerable.
        let v = survey_view(&f, None, locale_for("en"), &own, opens);
        assert_eq!(v.status, None);
        assert_eq!(v.progress.as_deref(), Some("Question 1 of 4"));
        assert_eq!(v.questions.len(), 1);
    }

    #[test]
    fn without_allow_change_there_is_no_change() {
        let mut f = done(demo());
        assert!(!f.can_change());
        assert_eq!(step(&mut f, Event::Change), []);
        assert_eq!(f.phase, Phase::Done);
        let own = SurveyTexts::default();
        assert_eq!(
            survey_view(&f, None, locale_for("en"), &own, 0).change,
            None
        );
    }
}
