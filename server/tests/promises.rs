//! What docs/protocol.md and the README promise about the server, each
//! checked against a real process on every backend this machine has.

mod support;

use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{backends, key, server, vote_json, voters, Backend, Server};

#[test]
fn a_key_replayed_after_the_poll_closed_is_still_a_replay() {
    for b in backends("replay-closed") {
        b.add_poll(
            r#"{"id":"closing","question":"Q?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#,
        );
        let s = Server::start_with_env(
            &b,
            &["--rate-limit", "0"],
            &[("READERPOLL_ADMIN_TOKEN", "t0ken")],
        );
        let k = key();
        let first = s.vote("closing", &vote_json(&["a"], &k, "reader-1"));
        assert_eq!(first.status, 201, "{}", first.body);
        let closed = s.request(
            "POST",
            "/api/admin/polls/closing/close",
            &[("authorization", "Bearer t0ken")],
            b"",
        );
        assert_eq!(closed.status, 200);
        // The answer to the first try was lost; its retry comes after the
        // close. It is the same vote: counted once, not refused.
        let retry = s.vote("closing", &vote_json(&["a"], &k, "reader-1"));
        assert_eq!(retry.status, 200, "{}", retry.body);
        assert_eq!(retry.json()["counted"], false);
        assert_eq!(retry.json()["tally"]["voters"], 1);
        let late = s.vote("closing", &vote_json(&["a"], &key(), "reader-2"));
        assert_eq!((late.status, late.code().as_str()), (403, "poll_closed"));
    }
}

/// Breaks the store under a running server: the table of votes is gone.
fn drop_votes_table(b: &Backend) {
    match b {
        Backend::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            conn.execute_batch("DROP TABLE votes").unwrap();
        }
        Backend::Postgres(url) => {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client
                    .batch_execute("DROP TABLE votes CASCADE")
                    .await
                    .unwrap();
            });
        }
    }
}

#[test]
fn a_failing_store_answers_503_unavailable_with_retry_after() {
    for b in backends("unavailable") {
        let s = server(&b);
        assert_eq!(
            s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""))
                .status,
            201
        );
        drop_votes_table(&b);
        let r = s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""));
        assert_eq!(
            (r.status, r.code().as_str()),
            (503, "unavailable"),
            "{b:?}: {}",
            r.body
        );
        assert_eq!(r.header("retry-after"), Some("2"));
        // Reads go on.
        assert_eq!(s.get("/api/polls/overtime-hours").status, 200);
    }
}

#[test]
fn cors_preflight_allows_the_widgets_requests() {
    let s = server(&Backend::sqlite("preflight"));
    for path in [
        "/api/polls/overtime-hours/votes",
        "/api/polls/overtime-hours",
    ] {
        let r = s.request(
            "OPTIONS",
            path,
            &[
                ("origin", "https://news.example"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            b"",
        );
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET, POST, OPTIONS")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("content-type, accept")
        );
        assert_eq!(r.header("access-control-max-age"), Some("600"));
    }
    let r = s.get("/api/polls/overtime-hours");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn the_json_api_holds_votes_to_the_allowed_origins() {
    for b in backends("json-origin") {
        let s = Server::start(
            &b,
            &[
                "--rate-limit",
                "0",
                "--allow-origin",
                "https://news.example",
            ],
        );
        let own = format!("http://{}", s.addr);
        let vote = |headers: &[(&str, &str)]| {
            let mut all = vec![("content-type", "application/json")];
            all.extend_from_slice(headers);
            let r = s.request(
                "POST",
                "/api/polls/overtime-hours/votes",
                &all,
                vote_json(&["1-5"], &key(), "").as_bytes(),
            );
            (r.status, r.code())
        };
        let allowed = (201, String::new());
        let refused = (403, "origin_not_allowed".to_owned());
        assert_eq!(
            vote(&[
                ("origin", "https://news.example"),
                ("sec-fetch-site", "cross-site")
            ]),
            allowed
        );
        assert_eq!(
            vote(&[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site")
            ]),
            refused
        );
        // The server's own pages.
        assert_eq!(
            vote(&[("origin", &own), ("sec-fetch-site", "same-origin")]),
            allowed
        );
        // A program, not a browser: no Origin, no Fetch metadata.
        assert_eq!(vote(&[]), allowed);
        // A browser that hides the Origin of a cross-site request.
        assert_eq!(vote(&[("sec-fetch-site", "cross-site")]), refused);
        assert_eq!(voters(&s, "overtime-hours"), 584);
    }
}

/// A server-sent event stream read on a thread of its own: each `data:`
/// with when it arrived.
struct Events {
    rx: mpsc::Receiver<(Instant, serde_json::Value)>,
}

impl Events {
    fn open(s: &Server, path: &str) -> Events {
        let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                if let Some(data) = line.strip_prefix("data: ") {
                    let value = serde_json::from_str(data).unwrap();
                    if tx.send((Instant::now(), value)).is_err() {
                        return;
                    }
                }
            }
        });
        Events { rx }
    }

    fn next(&self) -> (Instant, serde_json::Value) {
        self.rx
            .recv_timeout(Duration::from_secs(15))
            .expect("an event within 15 s")
    }

    fn voters(&self) -> u64 {
        self.next().1["tally"]["voters"].as_u64().unwrap()
    }
}

#[test]
fn live_events_come_at_most_twice_a_second_and_only_on_change() {
    for b in backends("sse-rate") {
        let s = std::sync::Arc::new(server(&b));
        // At most two a second: votes pour in while four events arrive.
        let opened = Instant::now();
        let busy = Events::open(&s, "/api/polls/employer-caseloads/events");
        let quiet = Events::open(&s, "/api/polls/overtime-hours/events");
        let first = busy.voters();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let voter = {
            let (s, stop) = (s.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut sent = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = s.vote("employer-caseloads", &vote_json(&["neither"], &key(), ""));
                    assert_eq!(r.status, 201, "{}", r.body);
                    sent += 1;
                }
                sent
            })
        };
        let mut last = first;
        let mut arrived = Instant::now();
        for _ in 0..4 {
            let (at, event) = busy.next();
            let now = event["tally"]["voters"].as_u64().unwrap();
            assert!(now > last, "an event without a change: {last} then {now}");
            (last, arrived) = (now, at);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let sent = voter.join().unwrap();
        // Five events, each at least half a second after the one before,
        // the first no sooner than the stream was opened.
        let span = arrived.duration_since(opened);
        assert!(
            span >= Duration::from_millis(2000),
            "five events in {span:?} ({sent} votes)"
        );

        // Only on change: the quiet poll's stream has had two seconds of
        // unchanged numbers; what comes next is the one vote cast now.
        assert_eq!(quiet.voters(), 581);
        assert_eq!(
            s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""))
                .status,
            201
        );
        assert_eq!(quiet.voters(), 582);
    }
}

#[test]
fn malformed_keys_and_votes_are_named_and_count_nothing() {
    for b in backends("bad-key") {
        let s = server(&b);
        let post = |body: &str| {
            let r = s.vote("overtime-hours", body);
            (r.status, r.code())
        };
        let bad_key = (400, "bad_key".to_owned());
        let bad_vote = (400, "bad_vote".to_owned());
        assert_eq!(post(r#"{"choices":["1-5"]}"#), bad_key, "no key");
        assert_eq!(post(&vote_json(&["1-5"], "", "")), bad_key, "empty");
        assert_eq!(post(&vote_json(&["1-5"], &"k".repeat(65), "")), bad_key);
        assert_eq!(post(&vote_json(&["1-5"], "clé-1", "")), bad_key);
        assert_eq!(post(&vote_json(&["1-5"], "a/b", "")), bad_key);
        assert_eq!(
            post(&vote_json(&["1-5"], &key(), &"v".repeat(65))),
            bad_vote
        );
        assert_eq!(post(&vote_json(&["1-5"], &key(), "two words")), bad_vote);
        assert_eq!(
            post(&vote_json(&[&"c".repeat(65)], &key(), "")),
            bad_vote,
            "a choice too long"
        );
        let many: Vec<String> = (0..65).map(|i| format!("c{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(post(&vote_json(&many, &key(), "")), bad_vote, "65 choices");
        // 64 letters, digits and dashes is a key.
        let longest = "k".repeat(64);
        assert_eq!(post(&vote_json(&["1-5"], &longest, "")).0, 201);
        assert_eq!(voters(&s, "overtime-hours"), 582);
    }
}
