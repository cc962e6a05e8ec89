//! The JSON protocol against a real server process: the round trip and the
//! adversarial set, on every backend this machine has.

mod support;

use std::sync::Arc;
use support::{backends, key, server, vote_json, voters, Backend, Scratch, Server};

const MULTI: &str = r#"{
  "id": "lunch-tests",
  "question": "Which of these do you eat at your desk?",
  "mode": "multiple",
  "max_choices": 2,
  "options": [
    {"id": "soup", "label": "Soup"},
    {"id": "salad", "label": "Salad"},
    {"id": "sandwich", "label": "Sandwich"}
  ]
}"#;

#[test]
fn round_trip_reads_counts_and_replays() {
    for b in backends("round-trip") {
        let s = server(&b);
        let before = s.get("/api/polls/overtime-hours");
        assert_eq!(before.status, 200, "{b:?}");
        let before = before.json();
        assert_eq!(
            before["poll"]["question"],
            "How many hours above your contracted hours are you working a week?"
        );
        assert_eq!(before["tally"]["voters"], 581);
        assert_eq!(before["tally"]["counts"]["6-10"], 184);
        assert_eq!(before["open"], true);
        assert!(
            before["poll"].get("counts").is_none(),
            "the live tally replaces seed counts"
        );

        let k = key();
        let first = s.vote("overtime-hours", &vote_json(&["6-10"], &k, "reader-1"));
        assert_eq!(first.status, 201, "{}", first.body);
        let first = first.json();
        assert_eq!(first["counted"], true);
        assert_eq!(first["tally"]["counts"]["6-10"], 185);
        assert_eq!(first["tally"]["voters"], 582);

        let replay = s.vote("overtime-hours", &vote_json(&["6-10"], &k, "reader-1"));
        assert_eq!(replay.status, 200);
        assert_eq!(replay.json()["counted"], false);
        assert_eq!(replay.json()["tally"]["voters"], 582);
        assert_eq!(voters(&s, "overtime-hours"), 582);

        // Same voter, new key: one vote per voter token.
        let again = s.vote("overtime-hours", &vote_json(&["1-5"], &key(), "reader-1"));
        assert_eq!(again.status, 409);
        assert_eq!(again.code(), "already_voted");
        assert_eq!(voters(&s, "overtime-hours"), 582);
    }
}

#[test]
fn text_plain_beacons_are_accepted() {
    for b in backends("beacon") {
        let s = server(&b);
        let r = s.request(
            "POST",
            "/api/polls/employer-caseloads/votes",
            &[("content-type", "text/plain;charset=UTF-8")],
            vote_json(&["neither"], &key(), "").as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["tally"]["counts"]["neither"], 210);
    }
}

#[test]
fn unknown_polls_are_404_everywhere() {
    for b in backends("unknown") {
        let s = server(&b);
        let r = s.get("/api/polls/no-such-poll");
        assert_eq!((r.status, r.code().as_str()), (404, "unknown_poll"));
        let r = s.vote("no-such-poll", &vote_json(&["a"], &key(), ""));
        assert_eq!((r.status, r.code().as_str()), (404, "unknown_poll"));
        assert_eq!(s.get("/polls/no-such-poll/embed").status, 404);
    }
}

#[test]
fn answers_must_belong_to_the_poll() {
    for b in backends("answers") {
        let s = server(&b);
        for bad in [&["7"][..], &["very"][..], &[""][..], &["6-10 "][..]] {
            let r = s.vote("overtime-hours", &vote_json(bad, &key(), ""));
            assert_eq!(r.status, 422, "{bad:?}: {}", r.body);
            assert_eq!(r.code(), "invalid_choice", "{bad:?}");
        }
        let r = s.vote("overtime-hours", &vote_json(&[], &key(), ""));
        assert_eq!((r.status, r.code().as_str()), (422, "no_choice"));
        // Two answers to a single-choice poll.
        let r = s.vote("overtime-hours", &vote_json(&["1-5", "6-10"], &key(), ""));
        assert_eq!((r.status, r.code().as_str()), (422, "too_many_choices"));
        assert_eq!(voters(&s, "overtime-hours"), 581, "nothing was counted");
    }
}

#[test]
fn multiple_choice_respects_its_maximum() {
    for b in backends("multi") {
        b.add_poll(MULTI);
        let s = server(&b);
        let r = s.vote(
            "lunch-tests",
            &vote_json(&["soup", "salad", "sandwich"], &key(), ""),
        );
        assert_eq!((r.status, r.code().as_str()), (422, "too_many_choices"));
        let r = s.vote("lunch-tests", &vote_json(&["soup", "soup"], &key(), ""));
        assert_eq!(
            (r.status, r.code().as_str()),
            (422, "invalid_choice"),
            "a choice twice"
        );
        let r = s.vote("lunch-tests", &vote_json(&["soup", "sandwich"], &key(), ""));
        assert_eq!(r.status, 201, "{}", r.body);
        let t = &r.json()["tally"];
        assert_eq!(
            (t["counts"]["soup"].as_u64(), t["counts"]["salad"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(t["voters"], 1);
    }
}

#[test]
fn closed_polls_refuse_votes_at_once() {
    for b in backends("closed") {
        b.add_poll(MULTI);
        b.add_poll(
            r#"{"id":"was-open","question":"Past?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
                "closes_at":"2020-01-01T00:00:00Z"}"#,
        );
        b.add_poll(
            r#"{"id":"not-yet","question":"Future?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
                "opens_at":"2099-01-01T00:00:00Z"}"#,
        );
        let s = server(&b);
        let r = s.vote("was-open", &vote_json(&["a"], &key(), ""));
        assert_eq!((r.status, r.code().as_str()), (403, "poll_closed"));
        let r = s.vote("not-yet", &vote_json(&["a"], &key(), ""));
        assert_eq!((r.status, r.code().as_str()), (403, "poll_not_open"));
        assert_eq!(s.get("/api/polls/was-open").json()["open"], false);

        // Closed from the CLI while the server runs: the next vote is refused.
        assert_eq!(
            s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""))
                .status,
            201
        );
        b.cli(&["poll", "close", "lunch-tests"]).unwrap();
        let r = s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""));
        assert_eq!(
            (r.status, r.code().as_str()),
            (403, "poll_closed"),
            "{}",
            r.body
        );
    }
}

#[test]
fn fifty_concurrent_submissions_of_one_key_count_once() {
    for b in backends("same-key") {
        let s = Arc::new(server(&b));
        let k = key();
        let body = vote_json(&["very"], &k, "");
        let threads: Vec<_> = (0..50)
            .map(|_| {
                let (s, body) = (s.clone(), body.clone());
                std::thread::spawn(move || s.vote("nwag-confidence", &body))
            })
            .collect();
        let replies: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let counted = replies.iter().filter(|r| r.status == 201).count();
        let replayed = replies.iter().filter(|r| r.status == 200).count();
        assert_eq!(
            (counted, replayed),
            (1, 49),
            "{:?}",
            replies.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        for r in &replies {
            assert_eq!(r.json()["tally"]["counts"]["very"], 8);
        }
        assert_eq!(voters(&s, "nwag-confidence"), 818);
    }
}

#[test]
fn a_flood_from_one_address_is_throttled_with_retry_after() {
    let b = Backend::sqlite("flood");
    let s = Server::start(&b, &[]);
    let mut statuses = std::collections::BTreeMap::new();
    let mut retry_after = None;
    for _ in 0..1000 {
        let r = s.vote("overtime-hours", &vote_json(&["16-plus"], &key(), ""));
        *statuses.entry(r.status).or_insert(0) += 1;
        if r.status == 429 {
            assert_eq!(r.code(), "rate_limited");
            retry_after = r.header("retry-after").map(str::to_owned);
        }
    }
    let throttled = statuses.get(&429).copied().unwrap_or(0);
    assert!(throttled >= 900, "{statuses:?}");
    let wait: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait));
    let counted = statuses.get(&201).copied().unwrap_or(0) as u64;
    assert_eq!(voters(&s, "overtime-hours"), 581 + counted);
}

#[test]
fn forged_forwarded_for_does_not_escape_the_limit() {
    let b = Backend::sqlite("xff");
    let s = Server::start(&b, &[]);
    let mut throttled = 0;
    for i in 0..200 {
        let forged = format!("203.0.113.{}", i % 250);
        let r = s.request(
            "POST",
            "/api/polls/overtime-hours/votes",
            &[
                ("content-type", "application/json"),
                ("x-forwarded-for", &forged),
            ],
            vote_json(&["1-5"], &key(), "").as_bytes(),
        );
        throttled += usize::from(r.status == 429);
    }
    assert!(throttled >= 150, "only {throttled} of 200 throttled");

    // Behind a trusted proxy the forwarded client is the one limited.
    let b = Backend::sqlite("xff-trusted");
    let s = Server::start(&b, &["--trusted-proxy", "127.0.0.1"]);
    let mut ok = 0;
    for i in 0..200 {
        let client = format!("203.0.113.{}", i);
        let r = s.request(
            "POST",
            "/api/polls/overtime-hours/votes",
            &[
                ("content-type", "application/json"),
                ("x-forwarded-for", &client),
            ],
            vote_json(&["1-5"], &key(), "").as_bytes(),
        );
        ok += usize::from(r.status == 201);
    }
    assert_eq!(ok, 200);
}

#[test]
fn hostile_bodies_get_the_right_status_and_count_nothing() {
    for b in backends("hostile") {
        let s = server(&b);
        let post = |ct: &str, body: &[u8]| {
            s.request(
                "POST",
                "/api/polls/overtime-hours/votes",
                &[("content-type", ct)],
                body,
            )
        };
        let big = format!(
            r#"{{"choices":["1-5"],"key":"{}","voter":"{}"}}"#,
            key(),
            "x".repeat(5000)
        );
        let r = post("application/json", big.as_bytes());
        assert_eq!((r.status, r.code().as_str()), (413, "body_too_large"));

        let deep = format!("{}{}", "[".repeat(3000), "]".repeat(3000));
        let nested = format!(r#"{{"choices":{deep},"key":"{}"}}"#, key());
        let r = post(
            "application/json",
            &nested.as_bytes()[..4000.min(nested.len())],
        );
        assert_eq!((r.status, r.code().as_str()), (400, "bad_json"));
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let r = post(
            "application/json",
            format!(r#"{{"choices":{deep},"key":"abc"}}"#).as_bytes(),
        );
        assert_eq!((r.status, r.code().as_str()), (400, "bad_json"));

        let mut invalid = br#"{"choices":["1-5"],"key":"abc","voter":""#.to_vec();
        invalid.extend_from_slice(&[0xff, 0xfe, b'"', b'}']);
        let r = post("application/json", &invalid);
        assert_eq!((r.status, r.code().as_str()), (400, "bad_json"));

        let r = post("application/x-www-form-urlencoded", b"choices=1-5&key=abc");
        assert_eq!(
            (r.status, r.code().as_str()),
            (415, "unsupported_media_type")
        );
        let r = post(
            "application/json",
            br#"{"choices":["1-5"],"key":"abc","admin":true}"#,
        );
        assert_eq!((r.status, r.code().as_str()), (400, "bad_json"));
        let r = post(
            "application/json",
            br#"{"choices":["1-5"],"key":"a b;DROP"}"#,
        );
        assert_eq!((r.status, r.code().as_str()), (400, "bad_key"));

        let r = s.request("GET", "/api/polls/overtime-hours/votes", &[], b"");
        assert_eq!(r.status, 405, "votes only by POST");
        assert_eq!(voters(&s, "overtime-hours"), 581);
    }
}

#[test]
fn sql_metacharacters_are_stored_verbatim() {
    for b in backends("sql") {
        let nasty = r#"{"id":"quotes-test","question":"Robert'); DROP TABLE votes;-- \"quoted\" 100% _x_ \\ ?","options":[{"id":"o1","label":"It's; --"},{"id":"o_2","label":"50% \"off\""}]}"#;
        b.add_poll(nasty);
        let s = server(&b);
        // Tokens are refused outright rather than stored.
        let r = s.vote("quotes-test", &vote_json(&["o1"], &key(), "voter'; --"));
        assert_eq!((r.status, r.code().as_str()), (400, "bad_vote"));
        let r = s.vote("quotes-test", &vote_json(&["o1"], &key(), "reader-1"));
        assert_eq!(r.status, 201, "{}", r.body);
        let got = s.get("/api/polls/quotes-test").json();
        assert_eq!(
            got["poll"]["question"],
            "Robert'); DROP TABLE votes;-- \"quoted\" 100% _x_ \\ ?"
        );
        assert_eq!(got["poll"]["options"][0]["label"], "It's; --");
        assert_eq!(got["tally"]["counts"]["o1"], 1);
        assert_eq!(got["tally"]["counts"]["o_2"], 0);
        // The other polls and their votes are untouched.
        assert_eq!(voters(&s, "overtime-hours"), 581);
        let csv = b.cli(&["poll", "export", "quotes-test", "--csv"]).unwrap();
        assert!(csv.contains("\"50% \"\"off\"\"\""), "{csv}");
    }
}

#[test]
fn the_no_js_form_counts_and_shows_results() {
    for b in backends("form") {
        let s = server(&b);
        let page = s.get("/polls/overtime-hours/embed");
        assert_eq!(page.status, 200);
        assert!(page
            .body
            .contains("How many hours above your contracted hours"));
        let r = s.request(
            "POST",
            "/polls/overtime-hours/vote-form",
            &[("content-type", "application/x-www-form-urlencoded")],
            format!("choice=16-plus&key={}", key()).as_bytes(),
        );
        assert_eq!(r.status, 303);
        let results = s.get(r.header("location").unwrap());
        assert!(
            results.body.contains("Total voters: 582"),
            "{}",
            results.body
        );
    }
}

#[test]
fn cli_lists_adds_and_rejects_invalid_polls() {
    let b = Backend::sqlite("cli");
    b.add_poll(MULTI);
    let list = b.cli(&["poll", "list"]).unwrap();
    assert!(list.contains("lunch-tests\topen"), "{list}");
    let file = Scratch::file(
        "bad.json",
        r#"{"id":"x","question":"Q","options":[{"id":"a","label":"A"}]}"#,
    );
    let err = b.cli(&["poll", "add", file.arg()]).unwrap_err();
    assert!(err.contains("option"), "{err}");
    let err = b.cli(&["poll", "add", "/nonexistent.json"]).unwrap_err();
    assert!(err.contains("/nonexistent.json"), "{err}");
}

#[test]
fn admin_api_needs_the_token_and_validates_polls() {
    for b in backends("admin") {
        let mut off = server(&b);
        let r = off.request(
            "GET",
            "/api/admin/polls",
            &[("authorization", "Bearer x")],
            b"",
        );
        assert_eq!((r.status, r.code().as_str()), (404, "admin_disabled"));
        off.kill();

        let s = Server::start_with_env(
            &b,
            &["--rate-limit", "0"],
            &[("READERPOLL_ADMIN_TOKEN", "s3cret-token")],
        );
        let auth = [("authorization", "Bearer s3cret-token")];
        let r = s.request(
            "GET",
            "/api/admin/polls",
            &[("authorization", "Bearer wrong")],
            b"",
        );
        assert_eq!((r.status, r.code().as_str()), (401, "unauthorized"));
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        let r = s.request("GET", "/api/admin/polls", &[], b"");
        assert_eq!(r.status, 401);

        let r = s.request("POST", "/api/admin/polls", &auth, MULTI.as_bytes());
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.request("POST", "/api/admin/polls", &auth, MULTI.as_bytes());
        assert_eq!((r.status, r.code().as_str()), (409, "poll_exists"));
        let bad = r#"{"id":"one","question":"Q","options":[{"id":"a","label":"A"}]}"#;
        let r = s.request("POST", "/api/admin/polls", &auth, bad.as_bytes());
        assert_eq!(r.status, 422);
        assert_eq!(r.code(), "one_option");

        let list = s.request("GET", "/api/admin/polls", &auth, b"").json();
        let ids: Vec<&str> = list["polls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&"lunch-tests") && ids.contains(&"overtime-hours"),
            "{ids:?}"
        );

        assert_eq!(
            s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""))
                .status,
            201
        );
        let r = s.request("POST", "/api/admin/polls/lunch-tests/close", &auth, b"");
        assert_eq!(r.status, 200);
        assert_eq!(s.get("/api/polls/lunch-tests").json()["open"], false);
        let r = s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""));
        assert_eq!(r.code(), "poll_closed");
        let r = s.request("POST", "/api/admin/polls/nope/close", &auth, b"");
        assert_eq!(r.status, 404);
    }
}

#[test]
fn oembed_describes_an_iframe_of_the_fallback() {
    for b in backends("oembed") {
        let s = Server::start(
            &b,
            &["--rate-limit", "0", "--public-url", "https://news.example"],
        );
        let r = s.get("/oembed?url=https%3A%2F%2Fnews.example%2Fpolls%2Foverembed-x%2Fembed");
        assert_eq!(r.status, 404);
        let r = s.get(
            "/oembed?url=https%3A%2F%2Fnews.example%2Fpolls%2Fovertime-hours%2Fembed&maxwidth=400",
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let o = r.json();
        assert_eq!(
            (o["type"].as_str(), o["version"].as_str()),
            (Some("rich"), Some("1.0"))
        );
        assert_eq!(o["width"], 400);
        let html = o["html"].as_str().unwrap();
        assert!(
            html.starts_with("<iframe src=\"https://news.example/polls/overtime-hours/embed\""),
            "{html}"
        );
        let r = s.get("/oembed?url=https%3A%2F%2Fnews.example%2Fpolls%2Fovertime-hours&format=xml");
        assert_eq!(r.status, 501);
    }
}

#[test]
fn live_events_push_the_tally_after_a_vote() {
    use std::io::{BufRead, BufReader, Write};
    for b in backends("live") {
        let s = server(&b);
        let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        write!(stream, "GET /polls/overtime-hours/events HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n").unwrap();
        let mut lines = BufReader::new(stream).lines();
        let mut next_data = || loop {
            let line = lines.next().expect("stream open").expect("read");
            if let Some(data) = line.strip_prefix("data: ") {
                return serde_json::from_str::<serde_json::Value>(data).unwrap();
            }
        };
        assert_eq!(next_data()["tally"]["voters"], 581);
        assert_eq!(
            s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""))
                .status,
            201
        );
        let pushed = next_data();
        assert_eq!(pushed["tally"]["voters"], 582);
        assert_eq!(pushed["tally"]["counts"]["1-5"], 94);
    }
}

#[test]
fn a_trickling_body_is_cut_off_with_408() {
    use std::io::{Read, Write};
    let b = Backend::sqlite("slow");
    let s = Server::start(&b, &["--rate-limit", "0", "--body-timeout", "1"]);
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let started = std::time::Instant::now();
    write!(
        stream,
        "POST /api/polls/overtime-hours/votes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\nconnection: close\r\n\r\n{{\"choices\":"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(voters(&s, "overtime-hours"), 581);
}

#[test]
fn a_poll_can_name_the_sites_that_may_vote() {
    for b in backends("origins") {
        b.add_poll(
            r#"{"id":"site-only","question":"Q?","allowed_origins":["https://news.example"],
                "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#,
        );
        let s = server(&b);
        let from = |origin: &str| {
            s.request(
                "POST",
                "/api/polls/site-only/votes",
                &[
                    ("content-type", "application/json"),
                    ("origin", origin),
                    ("sec-fetch-site", "cross-site"),
                ],
                vote_json(&["a"], &key(), "").as_bytes(),
            )
        };
        let r = from("https://evil.example");
        assert_eq!((r.status, r.code().as_str()), (403, "origin_not_allowed"));
        assert_eq!(from("https://news.example").status, 201);
        // The list is the server's business: the widget never sees it.
        let poll = s.get("/api/polls/site-only").json();
        assert!(poll["poll"].get("allowed_origins").is_none(), "{poll}");
        // Polls without a list take votes from any site.
        let r = s.request(
            "POST",
            "/api/polls/overtime-hours/votes",
            &[
                ("content-type", "application/json"),
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            vote_json(&["1-5"], &key(), "").as_bytes(),
        );
        assert_eq!(r.status, 201);
        let bad = r#"{"id":"bad-origins","question":"Q?","allowed_origins":["javascript:alert(1)"],"options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#;
        let file = Scratch::file("origins.json", bad);
        let err = b.cli(&["poll", "add", file.arg()]).unwrap_err();
        assert!(err.contains("allowed_origins"), "{err}");
    }
}

#[test]
fn a_poll_that_allows_changes_moves_the_vote() {
    for b in backends("change") {
        b.add_poll(
            r#"{"id":"changeable","question":"Q?","allow_change":true,
                "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#,
        );
        let s = server(&b);
        let first = s.vote("changeable", &vote_json(&["a"], &key(), "reader-9"));
        assert_eq!(first.status, 201, "{}", first.body);
        let second = s.vote("changeable", &vote_json(&["b"], &key(), "reader-9"));
        assert_eq!(second.status, 201, "{}", second.body);
        let t = &second.json()["tally"];
        assert_eq!(
            (t["counts"]["a"].as_u64(), t["counts"]["b"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(t["voters"], 1, "one reader, one voter");
        // Many quick changes, sent at once, end with one vote counted.
        let s = std::sync::Arc::new(s);
        let threads: Vec<_> = (0..20)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    let choice = if i % 2 == 0 { "a" } else { "b" };
                    s.vote("changeable", &vote_json(&[choice], &key(), "reader-9"))
                        .status
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 201);
        }
        let t = s.get("/api/polls/changeable").json()["tally"].clone();
        assert_eq!(t["voters"], 1);
        assert_eq!(
            t["counts"]["a"].as_u64().unwrap() + t["counts"]["b"].as_u64().unwrap(),
            1
        );
    }
}

#[test]
fn a_retried_key_of_a_changed_vote_is_a_replay() {
    for b in backends("late-retry") {
        b.add_poll(
            r#"{"id":"flip","question":"Q?","allow_change":true,
                "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#,
        );
        let s = server(&b);
        let (k1, k2) = (key(), key());
        assert_eq!(
            s.vote("flip", &vote_json(&["a"], &k1, "reader-5")).status,
            201
        );
        assert_eq!(
            s.vote("flip", &vote_json(&["b"], &k2, "reader-5")).status,
            201
        );
        // The first request's retry arrives late: it must not undo the change.
        let late = s.vote("flip", &vote_json(&["a"], &k1, "reader-5"));
        assert_eq!(late.status, 200, "{}", late.body);
        assert_eq!(late.json()["counted"], false);
        let t = s.get("/api/polls/flip").json()["tally"].clone();
        assert_eq!(
            (t["counts"]["a"].as_u64(), t["counts"]["b"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(t["voters"], 1);
    }
}

#[test]
fn one_malformed_vote_does_not_sink_the_others() {
    for b in backends("poison") {
        let s = Arc::new(server(&b));
        let threads: Vec<_> = (0..60)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || {
                    if i % 6 == 0 {
                        // A NUL in the voter, a key far too long, a NUL in the form key.
                        let bad = match i % 18 {
                            0 => r#"{"choices":["1-5"],"key":"nul-voter","voter":"x\u0000"}"#
                                .to_owned(),
                            6 => vote_json(&["1-5"], &"k".repeat(3500), ""),
                            _ => vote_json(&["1-5"], &key(), &"v".repeat(65)),
                        };
                        (true, s.vote("overtime-hours", &bad).status)
                    } else {
                        (
                            false,
                            s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""))
                                .status,
                        )
                    }
                })
            })
            .collect();
        for t in threads {
            let (bad, status) = t.join().unwrap();
            assert_eq!(status, if bad { 400 } else { 201 }, "bad={bad}");
        }
        let form = s.request(
            "POST",
            "/polls/overtime-hours/vote-form",
            &[("content-type", "application/x-www-form-urlencoded")],
            b"choice=1-5&key=ab%00cd",
        );
        assert_eq!(form.status, 400);
        let form = s.request(
            "POST",
            "/polls/x%00y/vote-form",
            &[("content-type", "application/x-www-form-urlencoded")],
            b"choice=1-5",
        );
        assert_eq!(form.status, 404);
        assert_eq!(voters(&s, "overtime-hours"), 581 + 50);
    }
}

#[test]
fn the_no_js_form_is_taken_from_its_own_page_and_named_sites() {
    for b in backends("form-origin") {
        let s = Server::start(
            &b,
            &[
                "--rate-limit",
                "0",
                "--allow-origin",
                "https://News.Example:443/",
            ],
        );
        let form = |headers: &[(&str, &str)]| {
            let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
            all.extend_from_slice(headers);
            s.request(
                "POST",
                "/polls/overtime-hours/vote-form",
                &all,
                b"choice=1-5",
            )
            .status
        };
        let cross = |origin| [("origin", origin), ("sec-fetch-site", "cross-site")];
        assert_eq!(form(&cross("https://evil.example")), 403);
        assert_eq!(voters(&s, "overtime-hours"), 581);
        // A site the operator named embeds the fallback form in its
        // articles on purpose.
        assert_eq!(form(&cross("https://news.example")), 303);
        assert_eq!(voters(&s, "overtime-hours"), 582);
        // Its own page, also from a browser that sends Origin alone.
        let own = format!("http://{}", s.addr);
        assert_eq!(form(&[("origin", &own)]), 303);
        assert_eq!(voters(&s, "overtime-hours"), 583);
        // Origins compare as browsers send them: case, default port, slash.
        let r = s.request(
            "POST",
            "/api/polls/overtime-hours/votes",
            &[
                ("content-type", "application/json"),
                ("origin", "https://news.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            vote_json(&["1-5"], &key(), "").as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    support::refuses_to_serve(&["--allow-origin", "news.example/path"], "--allow-origin");
}

#[test]
fn polls_changed_by_the_cli_while_serving_are_seen() {
    for b in backends("cli-live") {
        let s = server(&b);
        // Added while the server runs: reachable at once.
        b.add_poll(MULTI);
        assert_eq!(s.get("/api/polls/lunch-tests").status, 200);
        assert_eq!(
            s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""))
                .status,
            201
        );
        // Closed while the server runs: the next vote is refused and from
        // then on the poll reads as closed.
        b.cli(&["poll", "close", "lunch-tests"]).unwrap();
        let r = s.vote("lunch-tests", &vote_json(&["soup"], &key(), ""));
        assert_eq!(r.code(), "poll_closed");
        assert_eq!(s.get("/api/polls/lunch-tests").json()["open"], false);
    }
}

#[test]
fn a_poll_closed_by_the_cli_reads_as_closed_without_a_vote() {
    for b in backends("cli-close-read") {
        let s = server(&b);
        // Read once, so a server that keeps polls in memory has this one.
        assert_eq!(s.get("/api/polls/overtime-hours").json()["open"], true);
        b.cli(&["poll", "close", "overtime-hours"]).unwrap();
        support::eventually(
            std::time::Duration::from_secs(20),
            "a poll closed by the command line reads as closed",
            || s.get("/api/polls/overtime-hours").json()["open"] == false,
        );
        assert_eq!(voters(&s, "overtime-hours"), 581);
    }
}
