//! Votes waiting to reach a backend, and when to try again.
//!
//! A vote is written here before its first send and leaves only when the
//! backend confirmed it or refused it for good, so a flaky network, a closed
//! tab or a crash never loses it. Every retry reuses the vote's idempotency
//! key, so a vote that did arrive (but whose answer was lost) is not counted
//! twice. The encoding is a line per vote, tab-separated: storage needs no
//! JSON encoder in the wasm, and every field is free of tabs and newlines
//! by construction (ids are `[A-Za-z0-9._-]`, keys are UUIDs, endpoints are
//! validated URLs).

use crate::core::format::{id_list, parse_u64, pieces, push_u64, split};

/// How a vote travels: a tag stored with each vote; what it means for
/// requests and answers is in `transport::protocol`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// readerpoll's JSON protocol (docs/protocol.md).
    #[default]
    Json,
    /// A urlencoded POST to any URL; any 2xx is success.
    Form,
    /// A WordPress site running WP-Polls.
    WpPolls,
}

impl Protocol {
    pub fn from_name(name: &str) -> Option<Protocol> {
        match name {
            "" | "json" => Some(Protocol::Json),
            "form" => Some(Protocol::Form),
            "wp-polls" => Some(Protocol::WpPolls),
            _ => None,
        }
    }
}

/// One vote on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub poll: String,
    pub endpoint: String,
    /// How it travels, and the credential it goes with (the reader's token,
    /// or WP-Polls' form nonce): not stored, but those of the copy that
    /// sends it, so a vote from an earlier visit goes with this page's
    /// nonce (which expires).
    pub protocol: Protocol,
    /// Idempotency key, the same on every attempt.
    pub key: String,
    pub voter: String,
    /// What was chosen: a poll's option ids, or a survey's response as one
    /// item, its answers line (`core::answers`, which starts with its
    /// version and never holds a tab or a newline).
    pub choices: Vec<String>,
    pub attempts: u32,
    /// Unix milliseconds before which no retry is made.
    pub not_before: u64,
    /// Unix milliseconds until which a try of it may still be on its way
    /// (from any tab): a newer vote waits for it. Each claim is later than
    /// the one before.
    pub claimed: u64,
    /// Unix milliseconds when the reader cast it: orders a changed vote
    /// after the one it replaces.
    pub queued: u64,
}

/// Serialises the outbox for storage.
pub fn encode(entries: &[Pending]) -> String {
    let mut out = String::new();
    for e in entries {
        for field in [e.poll.as_str(), e.endpoint.as_str(), e.key.as_str()] {
            out.push_str(field);
            out.push('\t');
        }
        crate::core::format::push_joined(&mut out, &e.choices, ",");
        out.push('\t');
        push_u64(&mut out, u64::from(e.attempts));
        out.push('\t');
        push_u64(&mut out, e.not_before);
        out.push('\t');
        push_u64(&mut out, e.claimed);
        out.push('\t');
        push_u64(&mut out, e.queued);
        out.push('\n');
    }
    out
}

/// Reads the outbox back; lines that do not parse (a newer or damaged
/// format) are skipped rather than failing the whole outbox.
pub fn decode(text: &str) -> Vec<Pending> {
    // Lines as `str::lines` cuts them (a final empty piece never parses).
    let mut out = Vec::new();
    for line in pieces(text, b"\n") {
        if let Some(entry) = decode_line(line.strip_suffix('\r').unwrap_or(line)) {
            out.push(entry);
        }
    }
    out
}

fn decode_line(line: &str) -> Option<Pending> {
    let f = split(line, b"\t");
    if f.len() != 8 || f[0].is_empty() || f[2].is_empty() {
        return None;
    }
    let choices = body(f[3]);
    if choices.is_empty() {
        return None;
    }
    Some(Pending {
        poll: f[0].to_owned(),
        endpoint: f[1].to_owned(),
        protocol: Protocol::default(),
        key: f[2].to_owned(),
        voter: String::new(),
        choices,
        attempts: u32::try_from(parse_u64(f[4])?).ok()?,
        not_before: parse_u64(f[5])?,
        claimed: parse_u64(f[6])?,
        queued: parse_u64(f[7])?,
    })
}

/// A stored vote's choices: a survey's answers line whole (its commas are
/// its own), else option ids. (A page with only polls never reads a
/// survey's lines: surveys and polls share one id space.)
fn body(text: &str) -> Vec<String> {
    #[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
    if is_answers(text) {
        return vec![text.to_owned()];
    }
    id_list(text)
}

/// Whether a vote's single choice is a survey's answers line.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn is_answers(text: &str) -> bool {
    text.starts_with(crate::core::answers::VERSION)
}

/// The survey response `vote` carries, as its answers line, if it is one.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn answers_of(vote: &Pending) -> Option<&str> {
    match vote.choices.as_slice() {
        [line] if is_answers(line) => Some(line),
        _ => None,
    }
}

/// The reader's ballot in a poll as this browser settled it: the vote the
/// backend counted (with no backend, the one the page counted), by its key.
/// Only a settled ballot is kept here; a vote on its way is in the outbox,
/// so a tab that reads this never mistakes a vote that may yet be refused
/// for the reader's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub key: String,
    pub choices: Vec<String>,
    /// When the reader cast it (`Pending::queued`): an answer to an
    /// earlier vote, late, does not replace it.
    pub queued: u64,
}

impl Ballot {
    /// `key TAB queued TAB ids`, ids comma-joined.
    pub fn encode(&self) -> String {
        let mut out = self.key.clone();
        out.push('\t');
        push_u64(&mut out, self.queued);
        out.push('\t');
        crate::core::format::push_joined(&mut out, &self.choices, ",");
        out
    }

    pub fn decode(text: &str) -> Option<Ballot> {
        let f = split(text, b"\t");
        if f.len() != 3 {
            return None;
        }
        let choices = body(f[2]);
        (!choices.is_empty()).then(|| Ballot {
            key: f[0].to_owned(),
            queued: parse_u64(f[1]).unwrap_or(0),
            choices,
        })
    }
}

/// What to do with a waiting vote now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// Send it; the earlier votes it `replaces` leave the outbox unsent.
    Send,
    /// Look again in this many milliseconds.
    Wait(u64),
    /// A newer vote of this reader's in the same poll replaces it: the
    /// vote is dropped unsent.
    Superseded,
}

/// Whether `newer` is a later vote of the reader's than `older` (in the
/// same poll), replacing it. Ties in `queued` go by key, so every tab orders
/// the same way.
pub fn replaces(newer: &Pending, older: &Pending) -> bool {
    later(newer.queued, &newer.key, older.queued, &older.key)
}

/// Whether a vote queued at `a` with key `a_key` is later than one at `b`:
/// the order of `replaces`, for ballots too. One copy of the comparison
/// serves both.
#[inline(never)]
pub fn later(a: u64, a_key: &str, b: u64, b_key: &str) -> bool {
    (a, a_key) > (b, b_key)
}

/// The reader's newest vote among `waiting` (one poll's): the one no other
/// replaces, which is what the reader last chose.
pub fn newest(waiting: &[Pending]) -> Option<&Pending> {
    let mut best: Option<&Pending> = None;
    for p in waiting {
        if best.is_none_or(|b| replaces(p, b)) {
            best = Some(p);
        }
    }
    best
}

/// `entry`'s turn among `waiting`, the outbox's votes for the same poll at
/// the same endpoint (it may be among them). Where the reader changed their
/// vote (from another tab or copy of the poll) while an earlier one still
/// waited, only the newest is sent, and only once no earlier one can be on
/// its way or under a pause the server asked for: a late earlier vote would
/// otherwise change the vote back. An earlier vote on its way is kept until
/// that try is over, so the newer one goes on waiting for it.
pub fn turn(entry: &Pending, waiting: &[Pending], now_ms: u64) -> Turn {
    let mut until = entry.not_before.max(entry.claimed);
    let mut superseded = false;
    for other in waiting {
        if replaces(other, entry) {
            superseded = true;
        } else if replaces(entry, other) {
            // Claimed by a request on its way, or paused by the server.
            until = until.max(other.not_before).max(other.claimed);
        }
    }
    if superseded && entry.claimed <= now_ms {
        return Turn::Superseded;
    }
    if until > now_ms {
        return Turn::Wait(until - now_ms);
    }
    Turn::Send
}

/// First retry delay.
pub const BASE_DELAY_MS: u64 = 1_000;
/// Longest wait between two tries, whatever the backoff says.
pub const MAX_DELAY_MS: u64 = 60_000;
/// Longest `Retry-After` honoured; a server asking for more is capped.
pub const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

/// Delay before try number `attempts + 1`: exponential with a cap and
/// "equal jitter" (half fixed, half random), so a thousand readers whose
/// network came back together do not retry in lockstep. `random` is uniform
/// in 0..1000. A server's `Retry-After` wins when it asks for longer.
pub fn backoff_ms(attempts: u32, random: u32, retry_after_ms: Option<u64>) -> u64 {
    let exp = BASE_DELAY_MS
        .saturating_mul(1u64 << attempts.min(16))
        .min(MAX_DELAY_MS);
    let jittered = exp / 2 + exp / 2 * u64::from(random.min(999)) / 1000;
    match retry_after_ms {
        Some(after) => after.min(MAX_RETRY_AFTER_MS).max(jittered),
        None => jittered,
    }
}

/// `Retry-After` in milliseconds, from its seconds (the request helper,
/// `transport::net`, turns an HTTP date into them). Unparseable values are
/// ignored.
pub fn parse_retry_after(value: &str) -> Option<u64> {
    Some(parse_u64(value.trim_ascii())?.saturating_mul(1000))
}

/// Whether `url` may receive votes: https anywhere, http only on this
/// machine (development), and nothing else (`javascript:`, `data:`...).
/// Relative URLs are resolved by the browser first and then checked.
pub fn endpoint_allowed(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return lower.len() > "https://".len();
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let host_port = pieces(rest, b"/?#").next().unwrap_or("");
    // `strip_prefix` rather than `&h[1..]`: a string slice's panic path
    // formats its message with `char`'s Debug, which pulls Unicode tables
    // (several kilobytes) into the wasm.
    let host = match host_port.strip_prefix('[') {
        Some(v6) => pieces(v6, b"]").next().unwrap_or(""),
        None => pieces(host_port, b":").next().unwrap_or(""),
    };
    host == "localhost" || host == "::1" || is_loopback_v4(host) || host.ends_with(".localhost")
}

/// `127.a.b.c` written as four numbers (as `URL` leaves an address), not a
/// name such as `127.example.org`.
fn is_loopback_v4(host: &str) -> bool {
    let bytes = host.as_bytes();
    host.starts_with("127.")
        && bytes.last() != Some(&b'.')
        && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && bytes.iter().filter(|b| **b == b'.').count() == 3
        && !bytes.windows(2).any(|w| w == b"..")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry() -> Pending {
        Pending {
            poll: "overtime-hours".into(),
            endpoint: "https://example.org/api".into(),
            protocol: Protocol::Json,
            key: "3f2c0d7e-1111-4c8e-9b1e-5b7d2a9e0001".into(),
            voter: "v-1".into(),
            choices: vec!["6-10".into()],
            attempts: 2,
            not_before: 1_800_000_000_123,
            claimed: 1_800_000_000_456,
            queued: 1_799_999_990_000,
        }
    }

    #[test]
    fn lines_of_another_shape_are_not_read() {
        // Eight fields: a format that was never released.
        assert!(decode("p\thttps://example.org/api\tjson\tk-1\tv\ta,b\t1\t0").is_empty());
        let line = "p\thttps://example.org/api\tk-1\ta,b\t1\t0\t0\t5";
        assert_eq!(decode(line)[0].choices, ["a", "b"]);
    }

    #[test]
    fn ballots_round_trip_and_bad_ones_are_not_read() {
        let b = Ballot {
            key: "k-1".into(),
            choices: vec!["a".into(), "b".into()],
            queued: 7,
        };
        assert_eq!(b.encode(), "k-1\t7\ta,b");
        assert_eq!(Ballot::decode(&b.encode()), Some(b));
        assert_eq!(Ballot::decode("a,b"), None);
        assert_eq!(Ballot::decode("k\t7\t"), None);
    }

    /// A vote whose try is on its way until `claimed`.
    fn vote(key: &str, queued: u64, claimed: u64) -> Pending {
        Pending {
            key: key.into(),
            queued,
            not_before: 0,
            claimed,
            ..entry()
        }
    }

    #[test]
    fn only_the_newest_vote_in_a_poll_is_sent() {
        let now = 10_000;
        let old = vote("k-old", 1_000, 0);
        let new = vote("k-new", 2_000, 0);
        let waiting = [old.clone(), new.clone()];
        assert_eq!(turn(&old, &waiting, now), Turn::Superseded);
        assert_eq!(turn(&new, &waiting, now), Turn::Send);
        // Alone, a vote is sent (or waits out its own pause).
        assert_eq!(turn(&old, std::slice::from_ref(&old), now), Turn::Send);
        let paused = Pending {
            not_before: now + 500,
            ..vote("k", 1, 0)
        };
        assert_eq!(turn(&paused, &[], now), Turn::Wait(500));
    }

    #[test]
    fn a_changed_vote_waits_for_an_earlier_one_on_its_way() {
        let now = 10_000;
        let in_flight = vote("k-old", 1_000, now + 7_000);
        let new = vote("k-new", 2_000, 0);
        let waiting = [in_flight.clone(), new.clone()];
        assert_eq!(turn(&new, &waiting, now), Turn::Wait(7_000));
        // The earlier one is kept until its try is over, not dropped.
        assert_eq!(turn(&in_flight, &waiting, now), Turn::Wait(7_000));
        // The earlier one's try is over (answered, or its claim ran out).
        let done = vote("k-old", 1_000, now - 1);
        assert_eq!(turn(&new, &[done, new.clone()], now), Turn::Send);
    }

    #[test]
    fn votes_cast_in_the_same_millisecond_go_by_key() {
        let a = vote("k-a", 5, 0);
        let b = vote("k-b", 5, 0);
        let waiting = [a.clone(), b.clone()];
        assert_eq!(turn(&a, &waiting, 0), Turn::Superseded);
        assert_eq!(turn(&b, &waiting, 0), Turn::Send);
    }

    #[test]
    fn outbox_round_trips_without_the_copys_own_settings() {
        let mut b = entry();
        b.choices = vec!["a".into(), "b".into()];
        let entries = vec![entry(), b];
        // The protocol and the voter credential are the sending copy's.
        let read: Vec<Pending> = decode(&encode(&entries))
            .into_iter()
            .map(|p| Pending {
                voter: "v-1".into(),
                ..p
            })
            .collect();
        assert_eq!(read, entries);
        let mut form = entry();
        form.protocol = Protocol::Form;
        assert_eq!(decode(&encode(&[form]))[0].protocol, Protocol::Json);
    }

    #[test]
    fn a_survey_response_round_trips_whole() {
        let line = "a1;hours=1-5,~late%2C%20often&statements=supervision:sa,workload:d";
        let mut survey = entry();
        survey.choices = vec![line.into()];
        let text = encode(std::slice::from_ref(&survey));
        assert_eq!(decode(&text)[0].choices, [line]);
        assert_eq!(answers_of(&decode(&text)[0]), Some(line));
        assert_eq!(answers_of(&entry()), None);
        let ballot = Ballot {
            key: "k-1".into(),
            choices: vec![line.into()],
            queued: 7,
        };
        assert_eq!(Ballot::decode(&ballot.encode()), Some(ballot));
    }

    #[test]
    fn damaged_lines_are_skipped_not_fatal() {
        let text = encode(&[entry()]) + "garbage\n\t\t\t\t\t\t\t\n" + &encode(&[entry()]);
        assert_eq!(decode(&text).len(), 2);
        assert!(decode("").is_empty());
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        assert_eq!(backoff_ms(0, 0, None), 500);
        assert_eq!(backoff_ms(0, 999, None), 999);
        assert_eq!(backoff_ms(3, 0, None), 4_000);
        assert_eq!(backoff_ms(30, 999, None), 59_970);
        assert_eq!(backoff_ms(0, 0, Some(120_000)), 120_000);
        assert_eq!(backoff_ms(0, 0, Some(99_000_000)), MAX_RETRY_AFTER_MS);
        assert_eq!(backoff_ms(5, 0, Some(1)), 16_000);
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after("120"), Some(120_000));
        assert_eq!(parse_retry_after(" 7 "), Some(7_000));
        // Dates are turned into seconds by the request helper
        // (`transport::net`) before they get here.
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn endpoints_must_be_https_or_local_http() {
        for ok in [
            "https://example.org/api",
            "http://localhost:8080/api",
            "http://127.0.0.1:9/api",
            "http://127.1.2.3/api",
            "http://[::1]:8080/api",
        ] {
            assert!(endpoint_allowed(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "http://example.org/api",
            "ftp://example.org",
            "https://",
            "http://localhost.evil.com/",
            "http://127.evil.example/api",
            "http://127.0.0.1.evil.example/",
            "http://127..0.1/",
            "",
        ] {
            assert!(!endpoint_allowed(bad), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn backoff_is_bounded(attempts in 0u32..100, random in 0u32..1000) {
            let d = backoff_ms(attempts, random, None);
            prop_assert!((BASE_DELAY_MS / 2..=MAX_DELAY_MS).contains(&d));
        }

        #[test]
        fn decode_never_panics(text in ".{0,300}") {
            let _ = decode(&text);
        }
    }
}
