//! The WP-Polls dialect, so a WordPress site running that plugin keeps its
//! polls and its data and gets this widget in front of them.
//!
//! Votes go to `admin-ajax.php` as the plugin's own form would send them.
//! The plugin answers 200 whatever happened: its results HTML when the vote
//! counted, a plain-text sentence when it did not. That HTML holds the
//! site's numbers, but it is read by the element's `wp-polls.js` (loaded
//! only on such sites; `dom::delivery` leaves each answer on the element
//! for it), not here: HTML parsing in the wasm would be downloaded by every
//! poll page.

use super::payload::{clip, push_pair, Outcome, VoteRequest};
use crate::core::format::push_joined;
use crate::core::outbox::Pending;

/// `POST {site}/wp-admin/admin-ajax.php` with `action=polls&view=process`.
/// For this protocol `Pending::voter` holds the form's nonce: it is what
/// WP-Polls checks, and the widget keeps no other reader token there.
pub fn vote_request(p: &Pending) -> VoteRequest {
    let mut url = String::from(p.endpoint.trim_end_matches('/'));
    url.push_str("/wp-admin/admin-ajax.php");
    let mut field = String::from("poll_");
    field.push_str(&p.poll);
    let mut body = String::new();
    push_pair(&mut body, "action", "polls");
    push_pair(&mut body, "view", "process");
    push_pair(&mut body, "poll_id", &p.poll);
    // `push_joined`, not `join`: see `core::format::push_joined`.
    let mut choices = String::new();
    push_joined(&mut choices, &p.choices, ",");
    push_pair(&mut body, &field, &choices);
    field.push_str("_nonce");
    push_pair(&mut body, &field, &p.voter);
    VoteRequest {
        url,
        content_type: "application/x-www-form-urlencoded",
        body,
    }
}

fn has(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// What a 2xx answer from `admin-ajax.php` means.
pub fn outcome(poll: &str, body: &str) -> Outcome {
    // WordPress sites often send a byte order mark before their output.
    let text = body.strip_prefix('\u{FEFF}').unwrap_or(body).trim_ascii();
    let mut results = String::from("<div id=\"polls-");
    results.push_str(poll);
    results.push('"');
    let refused = |code: &str, message: &str| Outcome::Refused {
        code: code.into(),
        message: message.into(),
    };
    if text.starts_with(&results) {
        Outcome::Counted(None)
    } else if has(text, "already voted") {
        Outcome::AlreadyCounted(clip(text))
    } else if has(text, "is closed") {
        refused("poll_closed", "This poll is closed.")
    } else if has(text, "verify referrer") {
        refused(
            "bad_nonce",
            "This poll's form has expired. Reload the page to vote.",
        )
    } else if has(text, "invalid poll") {
        refused("unknown_poll", "This poll no longer exists.")
    } else if text.is_empty() || text.starts_with('<') {
        // Not the plugin talking: a cache, a proxy or an error page. The
        // vote may not have arrived; trying again is safe (the plugin
        // refuses a second vote from the same reader).
        Outcome::Retry {
            code: "bad_response",
            after_ms: None,
        }
    } else {
        refused("refused", &clip(text))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::outbox::Protocol;

    fn pending(choices: &[&str]) -> Pending {
        Pending {
            poll: "5".into(),
            endpoint: "https://wp.example/".into(),
            protocol: Protocol::WpPolls,
            key: "k".into(),
            voter: "ab12cd".into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            attempts: 0,
            not_before: 0,
            claimed: 0,
            queued: 0,
        }
    }

    #[test]
    fn votes_look_like_the_plugins_own_form() {
        let r = vote_request(&pending(&["21"]));
        assert_eq!(r.url, "https://wp.example/wp-admin/admin-ajax.php");
        assert_eq!(r.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            r.body,
            "action=polls&view=process&poll_id=5&poll_5=21&poll_5_nonce=ab12cd"
        );
        let r = vote_request(&pending(&["21", "23"]));
        assert!(r.body.contains("&poll_5=21%2C23&"), "{}", r.body);
    }

    #[test]
    fn answers_are_read_as_the_plugin_means_them() {
        let counted = "<div id=\"polls-5\" class=\"wp-polls\"><strong>Q</strong><ul><li>A <small>(32%, 1,184 Votes)</small></li></ul></div>";
        assert_eq!(outcome("5", counted), Outcome::Counted(None));
        // A byte order mark and whitespace before the plugin's output.
        let marked = format!("\u{FEFF}\n  {counted}\n");
        assert_eq!(outcome("5", &marked), Outcome::Counted(None));
        // The results of another poll are not this vote's answer.
        assert!(matches!(
            outcome("5", "<div id=\"polls-51\">"),
            Outcome::Retry { .. }
        ));
        assert!(matches!(
            outcome("5", "You Had Already Voted For This Poll. Poll ID #5"),
            Outcome::AlreadyCounted(m) if m.starts_with("You Had Already Voted")
        ));
        let code = |body| match outcome("5", body) {
            Outcome::Refused { code, .. } => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code("Poll ID #5 is closed"), "poll_closed");
        assert_eq!(code("Failed To Verify Referrer"), "bad_nonce");
        assert_eq!(code("Invalid Poll ID"), "unknown_poll");
        assert_eq!(code("Invalid Poll ID. Poll ID #5"), "unknown_poll");
        assert_eq!(code("0"), "refused");
        assert!(matches!(outcome("5", ""), Outcome::Retry { .. }));
        assert!(matches!(
            outcome("5", "<!doctype html><title>502</title>"),
            Outcome::Retry { .. }
        ));
    }

    /// The real plugin's answers (`tests/fixtures/wp-polls`), both versions.
    #[test]
    fn the_captured_answers_mean_what_the_plugin_meant() {
        macro_rules! both {
            ($name:literal) => {
                [
                    include_str!(concat!("../../tests/fixtures/wp-polls/2.77.4/", $name)),
                    include_str!(concat!("../../tests/fixtures/wp-polls/3.0.1/", $name)),
                ]
            };
        }
        let code = |poll, body| match outcome(poll, body) {
            Outcome::Refused { code, message } => (code, message),
            other => panic!("{other:?}"),
        };
        for body in both!("vote-response-ok.html") {
            assert_eq!(outcome("2", body), Outcome::Counted(None));
        }
        for body in both!("vote-response-ok-multiple.html") {
            assert_eq!(outcome("5", body), Outcome::Counted(None));
        }
        for body in both!("vote-response-already-voted.html") {
            assert_eq!(
                outcome("2", body),
                Outcome::AlreadyCounted("You Had Already Voted For This Poll. Poll ID #2".into())
            );
        }
        for body in both!("vote-response-closed.html") {
            assert_eq!(code("4", body).0, "poll_closed");
        }
        for body in both!("vote-response-bad-nonce.html") {
            assert_eq!(code("2", body).0, "bad_nonce");
        }
        for body in both!("vote-response-invalid-poll-id.html") {
            assert_eq!(code("0", body).0, "unknown_poll");
        }
        for body in both!("vote-response-no-answer.html") {
            let expected = ("refused".into(), "Invalid Answer to Poll ID #2".into());
            assert_eq!(code("2", body), expected);
        }
        let over = include_str!("../../tests/fixtures/wp-polls/3.0.1/vote-response-over-max.html");
        let expected = (
            "refused".into(),
            "Maximum 2 answers allowed for Poll ID #5".into(),
        );
        assert_eq!(code("5", over), expected);
    }

    /// A single-choice vote is the request 2.77.4's own script sent.
    #[test]
    fn a_vote_is_the_plugins_own_request() {
        let captured = include_str!("../../tests/fixtures/wp-polls/2.77.4/vote-request.txt");
        let mut p = pending(&["7"]);
        p.poll = "2".into();
        p.voter = "503ecb437f".into();
        assert_eq!(
            Some(vote_request(&p).body.as_str()),
            captured.lines().last()
        );
    }
}
