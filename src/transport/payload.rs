//! What goes on the wire and what an answer means: pure, so every status
//! code and body shape is tested natively.

use crate::core::outbox::Pending;

/// An HTTP request to make for a vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteRequest {
    pub url: String,
    pub content_type: &'static str,
    pub body: String,
}

/// `{endpoint}/polls/{id}`: the readerpoll protocol's poll resource.
pub fn poll_url(endpoint: &str, poll: &str) -> String {
    let mut url = String::from(endpoint.trim_end_matches('/'));
    url.push_str("/polls/");
    url.push_str(poll);
    url
}

/// `application/x-www-form-urlencoded` escaping.
fn push_form(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

pub(crate) fn push_pair(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    push_form(out, key);
    out.push('=');
    push_form(out, value);
}

/// The JSON vote body of protocol v1.
pub(crate) fn json_body(p: &Pending) -> String {
    let mut body = String::from("{\"choices\":[");
    for (i, c) in p.choices.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        crate::core::format::push_json_string(&mut body, c);
    }
    body.push_str("],\"key\":");
    crate::core::format::push_json_string(&mut body, &p.key);
    body.push_str(",\"voter\":");
    crate::core::format::push_json_string(&mut body, &p.voter);
    body.push('}');
    body
}

pub use crate::core::tally::WireTally;

/// The parts of a JSON answer the widget reads (decoded by the caller,
/// which in the browser is `JSON.parse`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// Whether the body was JSON at all.
    pub json: bool,
    pub tally: Option<WireTally>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// What the widget does with an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Counted; with the backend's new tally when it sent one.
    Counted(Option<WireTally>),
    /// This voter's vote was already in; nothing new was counted.
    AlreadyCounted(String),
    /// Try again later (same key); `after_ms` from `Retry-After`.
    Retry {
        code: &'static str,
        after_ms: Option<u64>,
    },
    /// Refused for good; the message is for the reader.
    Refused { code: String, message: String },
}

/// Longest server message shown to a reader.
const MAX_MESSAGE_CHARS: usize = 200;

pub(crate) fn clip(message: &str) -> String {
    // The byte where the character after the first MAX_MESSAGE_CHARS
    // starts, counting the bytes that start a UTF-8 sequence: smaller in the
    // wasm than `char_indices`.
    let mut chars = 0;
    for (at, b) in message.bytes().enumerate() {
        if b & 0xC0 != 0x80 {
            if chars == MAX_MESSAGE_CHARS {
                let mut m = String::from(message.get(..at).unwrap_or_default());
                m.push('…');
                return m;
            }
            chars += 1;
        }
    }
    message.to_owned()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::outbox::Protocol;
    use crate::transport::protocol::{classify, vote_request, FOREIGN_REFUSAL_TRIES};

    /// `clip` cuts where `char_indices` would: after 200 characters, never
    /// inside one, with an ellipsis only when something was cut.
    #[test]
    fn clip_cuts_after_two_hundred_characters() {
        let reference = |m: &str| match m.char_indices().nth(MAX_MESSAGE_CHARS) {
            Some((at, _)) => format!("{}…", &m[..at]),
            None => m.to_owned(),
        };
        for unit in ["a", "é", "€", "😀", "a😀é"] {
            for n in [0, 1, 66, 67, 199, 200, 201, 202, 400] {
                let message = unit.repeat(n);
                assert_eq!(clip(&message), reference(&message), "{unit} x {n}");
            }
        }
        assert_eq!(clip(&"x".repeat(201)).chars().count(), 201);
    }

    fn pending(protocol: Protocol) -> Pending {
        Pending {
            poll: "overtime-hours".into(),
            endpoint: "https://example.org/api/".into(),
            protocol,
            key: "k-1".into(),
            voter: "v \"1\"".into(),
            choices: vec!["6-10".into(), "16+x".into()],
            attempts: 0,
            not_before: 0,
            claimed: 0,
            queued: 0,
        }
    }

    #[test]
    fn json_request() {
        let r = vote_request(&pending(Protocol::Json));
        assert_eq!(r.url, "https://example.org/api/polls/overtime-hours/votes");
        assert_eq!(r.content_type, "application/json");
        assert_eq!(
            r.body,
            r#"{"choices":["6-10","16+x"],"key":"k-1","voter":"v \"1\""}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(parsed["voter"], "v \"1\"");
    }

    #[test]
    fn json_strings_escape_controls() {
        let mut s = String::new();
        crate::core::format::push_json_string(&mut s, "a\u{1}\\\n");
        assert_eq!(s, r#""a\u0001\\\u000a""#);
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "a\u{1}\\\n");
    }

    #[test]
    fn form_request() {
        let r = vote_request(&pending(Protocol::Form));
        assert_eq!(r.url, "https://example.org/api/");
        assert_eq!(
            r.body,
            "poll=overtime-hours&choice=6-10&choice=16%2Bx&key=k-1&voter=v+%221%22"
        );
    }

    fn answer_with_tally() -> Answer {
        Answer {
            json: true,
            tally: Some(WireTally {
                counts: vec![("a".into(), 3)],
                voters: 3,
            }),
            ..Answer::default()
        }
    }

    /// A JSON answer with only an error message.
    fn json_message(message: &str) -> Answer {
        Answer {
            json: true,
            error_message: Some(message.into()),
            ..Answer::default()
        }
    }

    #[test]
    fn classification() {
        let none = Answer::default();
        let json = |code: &str, msg: &str| Answer {
            json: true,
            tally: None,
            error_code: Some(code.into()),
            error_message: Some(msg.into()),
        };
        let p = pending(Protocol::Json);
        let c = |status, a: &Answer, ra| classify(&p, status, a, ra);
        assert!(matches!(
            c(201, &answer_with_tally(), None),
            Outcome::Counted(Some(_))
        ));
        assert_eq!(
            c(200, &none, None),
            Outcome::Retry {
                code: "bad_response",
                after_ms: None
            }
        );
        assert_eq!(
            c(503, &none, Some("7")),
            Outcome::Retry {
                code: "unavailable",
                after_ms: Some(7000)
            }
        );
        assert_eq!(
            c(429, &none, Some("1")),
            Outcome::Retry {
                code: "rate_limited",
                after_ms: Some(1000)
            }
        );
        assert_eq!(
            c(500, &none, None),
            Outcome::Retry {
                code: "server_error",
                after_ms: None
            }
        );
        assert_eq!(
            c(0, &none, None),
            Outcome::Retry {
                code: "network",
                after_ms: None
            }
        );
        assert_eq!(
            c(422, &json("bad_choice", "No such option."), None),
            Outcome::Refused {
                code: "bad_choice".into(),
                message: "No such option.".into()
            }
        );
        // A 4xx that is not the backend's own is tried a few more times,
        // then taken as a refusal.
        assert_eq!(
            c(403, &none, None),
            Outcome::Retry {
                code: "bad_response",
                after_ms: None
            }
        );
        let tried = Pending {
            attempts: FOREIGN_REFUSAL_TRIES,
            ..pending(Protocol::Json)
        };
        assert_eq!(
            classify(&tried, 404, &none, None),
            Outcome::Refused {
                code: "http_404".into(),
                message: "The vote was not accepted.".into()
            }
        );
        assert!(
            matches!(c(409, &json("already_voted", "Already."), None), Outcome::AlreadyCounted(m) if m == "Already.")
        );
        assert_eq!(
            classify(&pending(Protocol::Form), 204, &none, None),
            Outcome::Counted(None)
        );
        assert!(matches!(
            classify(&pending(Protocol::Form), 400, &none, None),
            Outcome::Refused { .. }
        ));
        // WP-Polls (its answers as `wp-polls.js` puts them in the
        // readerpoll protocol's terms) has no idempotency key: "already
        // voted" answering a retry is the earlier try, counted; on a first
        // try it is not.
        let wp = pending(Protocol::WpPolls);
        let already = json_message("You Had Already Voted For This Poll.");
        assert_eq!(
            classify(&wp, 409, &already, None),
            Outcome::AlreadyCounted("You Had Already Voted For This Poll.".into())
        );
        let wp_retry = Pending {
            attempts: 1,
            ..wp.clone()
        };
        assert_eq!(
            classify(&wp_retry, 409, &already, None),
            Outcome::Counted(None)
        );
        // The plugin's results: counted, with their numbers where the
        // adapter could read them.
        let read = classify(&wp, 200, &answer_with_tally(), None);
        assert!(matches!(read, Outcome::Counted(Some(_))), "{read:?}");
        let unread = Answer {
            json: true,
            ..Answer::default()
        };
        assert_eq!(classify(&wp, 200, &unread, None), Outcome::Counted(None));
        // Not the plugin talking (a cache's or proxy's page): tried again.
        assert_eq!(
            classify(&wp, 200, &none, None),
            Outcome::Retry {
                code: "bad_response",
                after_ms: None
            }
        );
        // Its refusals carry the adapter's code and message.
        assert_eq!(
            classify(&wp, 400, &json("poll_closed", "This poll is closed."), None),
            Outcome::Refused {
                code: "poll_closed".into(),
                message: "This poll is closed.".into()
            }
        );
        // WP-Polls votes go to the site, as the readerpoll JSON body that
        // the adapter turns into the plugin's form post.
        let r = vote_request(&wp);
        assert_eq!(r.url, "https://example.org/api/");
        assert_eq!(
            r.body,
            r#"{"choices":["6-10","16+x"],"key":"k-1","voter":"v \"1\""}"#
        );
        let long = json("x", &"m".repeat(500));
        match c(400, &long, None) {
            Outcome::Refused { message, .. } => assert_eq!(message.chars().count(), 201),
            other => panic!("{other:?}"),
        }
    }
}
