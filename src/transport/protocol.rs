//! The one place where the ways a vote can travel differ: how its request
//! is built, what an answer means, and where the numbers are read. Every
//! other module (the delivery machine, the DOM layer) treats a protocol as
//! an opaque tag, so adding one means changing this file (and its adapter
//! module), not the code that decides when to send.
//!
//! WP-Polls' own dialect (its form post to `admin-ajax.php`, and answers
//! that are 200 whatever happened) is spoken by the element's
//! `wp-polls.js`, loaded only on such sites: the wasm sends it the vote as
//! the readerpoll protocol's JSON body, and it answers as the readerpoll
//! protocol would (`transport::net`). Here WP-Polls differs only in what
//! that translation cannot carry: where the vote goes, that the plugin's
//! answers are final, and that it takes no idempotency key.
//!
//! A vote the host page takes over (a cancelled `poll-vote`) never reaches
//! here: the page sends it and reports back with `resolveVote`.

use crate::core::outbox::{parse_retry_after, Pending, Protocol};
use crate::transport::payload::{
    clip, json_body, poll_url, push_pair, Answer, Outcome, VoteRequest,
};

/// How often a 4xx without the protocol's error body is retried (with
/// backoff, about half a minute in all) before it counts as a refusal.
pub(crate) const FOREIGN_REFUSAL_TRIES: u32 = 5;

impl Protocol {
    /// Whether sending a vote again with its key can never count it twice:
    /// then a vote left over from an earlier visit is sent at once, even if
    /// that visit's try may still be on its way, and its answer says at once
    /// whether the backend has it.
    pub fn replay_safe(self) -> bool {
        self == Protocol::Json
    }

    /// Whether a vote may go as a beacon when the page is hidden: only
    /// where the backend takes `text/plain` (no preflight) bodies.
    pub fn beacon(self) -> bool {
        self == Protocol::Json
    }

    /// What goes with every vote as `voter`: the reader's token, or for
    /// WP-Polls the form's nonce (what the plugin checks; it takes no
    /// reader token).
    pub fn voter(self, token: String, nonce: Option<String>) -> String {
        match self {
            Protocol::WpPolls => nonce.unwrap_or_default(),
            _ => token,
        }
    }

    /// Where the poll's numbers are read with `GET`, for protocols that
    /// have such a resource. (WP-Polls' numbers come from its REST API,
    /// read by the element's adapter.)
    pub fn tally_url(self, endpoint: &str, poll: &str) -> Option<String> {
        self.has_tally().then(|| poll_url(endpoint, poll))
    }

    pub fn has_tally(self) -> bool {
        self == Protocol::Json
    }
}

/// The request that delivers `p`.
pub fn vote_request(p: &Pending) -> VoteRequest {
    match p.protocol {
        // The site's address: `wp-polls.js` makes the plugin's request of it.
        Protocol::WpPolls | Protocol::Json => {
            let url = if p.protocol == Protocol::Json {
                let mut url = poll_url(&p.endpoint, &p.poll);
                url.push_str("/votes");
                url
            } else {
                p.endpoint.clone()
            };
            VoteRequest {
                url,
                content_type: "application/json",
                body: json_body(p),
            }
        }
        Protocol::Form => {
            let mut body = String::new();
            push_pair(&mut body, "poll", &p.poll);
            for c in &p.choices {
                push_pair(&mut body, "choice", c);
            }
            push_pair(&mut body, "key", &p.key);
            push_pair(&mut body, "voter", &p.voter);
            VoteRequest {
                url: p.endpoint.clone(),
                content_type: "application/x-www-form-urlencoded",
                body,
            }
        }
    }
}

/// The request that delivers a survey response: `p` carries it as its
/// answers line (`core::outbox::answers_of`); `answers_json` is the same
/// response as the JSON protocol's `answers` object (which needs the
/// survey's kinds: the sending page has the survey). The form protocol
/// posts `poll`, `key`, `voter` and a field per answer
/// (`core::answers::fields`).
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn survey_request(p: &Pending, answers_json: &str) -> VoteRequest {
    if p.protocol == Protocol::Form {
        let mut body = String::new();
        push_pair(&mut body, "poll", &p.poll);
        push_pair(&mut body, "key", &p.key);
        push_pair(&mut body, "voter", &p.voter);
        let line = crate::core::outbox::answers_of(p).unwrap_or_default();
        for (name, value) in crate::core::answers::fields(line).unwrap_or_default() {
            push_pair(&mut body, &name, &value);
        }
        return VoteRequest {
            url: p.endpoint.clone(),
            content_type: "application/x-www-form-urlencoded",
            body,
        };
    }
    let mut body = String::from("{\"answers\":");
    body.push_str(answers_json);
    body.push_str(",\"key\":");
    crate::core::format::push_json_string(&mut body, &p.key);
    body.push_str(",\"voter\":");
    crate::core::format::push_json_string(&mut body, &p.voter);
    body.push('}');
    let mut url = poll_url(&p.endpoint, &p.poll);
    url.push_str("/votes");
    VoteRequest {
        url,
        content_type: "application/json",
        body,
    }
}

/// Classifies an HTTP answer to a vote. `status` 0 means no answer at all
/// (network error, timeout, CORS failure).
pub fn classify(
    pending: &Pending,
    status: u16,
    answer: &Answer,
    retry_after: Option<&str>,
) -> Outcome {
    let protocol = pending.protocol;
    let after_ms = retry_after.and_then(parse_retry_after);
    match status {
        0 => Outcome::Retry {
            code: "network",
            after_ms: None,
        },
        200..=299 => match (&answer.tally, protocol) {
            (_, Protocol::Form) => Outcome::Counted(None),
            (Some(t), _) => Outcome::Counted(Some(t.clone())),
            // The plugin's results when `wp-polls.js` could not read their
            // numbers.
            (None, Protocol::WpPolls) if answer.json => Outcome::Counted(None),
            // A survey's answer carries per-question `results`, not a
            // poll's tally: they are read afterwards.
            #[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
            (None, _) if answer.json && crate::core::outbox::answers_of(pending).is_some() => {
                Outcome::Counted(None)
            }
            // A 2xx that is not our JSON is a portal, a proxy or a
            // misrouted URL: the vote may not have arrived, and the key
            // makes another try safe (WP-Polls refuses a second vote).
            _ => Outcome::Retry {
                code: "bad_response",
                after_ms,
            },
        },
        // The plugin takes no idempotency key: "already voted" after a try
        // whose answer was lost is that try, counted.
        409 if protocol == Protocol::WpPolls && pending.attempts > 0 => Outcome::Counted(None),
        409 => Outcome::AlreadyCounted(clip(
            answer
                .error_message
                .as_deref()
                .unwrap_or("You have already voted in this poll."),
        )),
        408 | 425 | 429 | 500..=599 => Outcome::Retry {
            code: match status {
                429 => "rate_limited",
                503 => "unavailable",
                408 => "timeout",
                _ => "server_error",
            },
            after_ms,
        },
        // A refusal that is not the backend's own (a firewall's challenge
        // page, a proxy's sign-in, a deploy's 404) may pass: tried a few
        // times before the vote is given up. A plain form endpoint has no
        // error body of its own, so its 4xx is its answer.
        _ if protocol != Protocol::Form
            && answer.error_code.is_none()
            && pending.attempts < FOREIGN_REFUSAL_TRIES =>
        {
            Outcome::Retry {
                code: "bad_response",
                after_ms,
            }
        }
        _ => {
            let code = answer.error_code.clone().unwrap_or_else(|| {
                let mut c = String::from("http_");
                crate::core::format::push_u64(&mut c, u64::from(status));
                c
            });
            let message = match &answer.error_message {
                Some(m) if !crate::core::poll::blank(m) => clip(m),
                _ => String::from("The vote was not accepted."),
            };
            Outcome::Refused { code, message }
        }
    }
}
