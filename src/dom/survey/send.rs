//! Sending a survey's response, the one way out: every send goes through
//! `send`, so the vote delivery machine can take it over in one place.
//!
//! Until then the rules are the delivery's own: the body carries an
//! idempotency key kept with the draft, so a retry (on `online`, or on the
//! next load while the draft still says "sending") can never count twice;
//! nothing but the backend's 2xx or its final refusal settles a response,
//! so one is never lost.

use wasm_bindgen::JsValue;

use crate::transport::decode::{is_plain_object, Obj};
use crate::transport::net;
use crate::transport::payload::poll_url;

pub enum Outcome {
    /// Counted (or counted before, for a retried key); the server's
    /// per-question results when its policy lets this reader see them.
    Counted(Option<JsValue>),
    /// Refused for good (4xx): the backend's message for the reader.
    Refused(String),
    /// No answer, or one that asks to try later: send again.
    Failed,
}

/// POSTs `{answers, key, voter}` to `{endpoint}/polls/{id}/votes`.
pub fn send(
    endpoint: &str,
    id: &str,
    answers_json: &str,
    key: &str,
    voter: &str,
    timeout_ms: u32,
    done: Box<dyn FnOnce(Outcome)>,
) {
    let mut body = String::from("{\"answers\":");
    body.push_str(answers_json);
    body.push_str(",\"key\":");
    crate::core::format::push_json_string(&mut body, key);
    body.push_str(",\"voter\":");
    crate::core::format::push_json_string(&mut body, voter);
    body.push('}');
    let mut url = poll_url(endpoint, id);
    url.push_str("/votes");
    net::send(
        "POST",
        &url,
        Some(("application/json", &body)),
        timeout_ms,
        &JsValue::UNDEFINED,
        Box::new(move |answer| {
            let json = js_sys::JSON::parse(&answer.body).unwrap_or(JsValue::NULL);
            let outcome = match answer.status {
                200..=299 => Outcome::Counted(get(&json, "results")),
                408 | 425 | 429 => Outcome::Failed,
                400..=499 => Outcome::Refused(
                    get(&json, "error")
                        .and_then(|e| get(&e, "message"))
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| String::from("The answers were not accepted.")),
                ),
                _ => Outcome::Failed,
            };
            done(outcome)
        }),
    );
}

/// Reads the survey resource (`{survey, open, results}`) as this reader
/// may see it (`?voter=` shows `after_vote` results to one who answered).
pub fn resource(
    endpoint: &str,
    id: &str,
    voter: &str,
    timeout_ms: u32,
    done: Box<dyn FnOnce(Option<JsValue>)>,
) {
    let mut url = poll_url(endpoint, id);
    url.push_str("?voter=");
    url.push_str(&String::from(js_sys::encode_uri_component(voter)));
    net::send(
        "GET",
        &url,
        None,
        timeout_ms,
        &JsValue::UNDEFINED,
        Box::new(move |answer| {
            done(
                (answer.status == 200)
                    .then(|| js_sys::JSON::parse(&answer.body).ok())
                    .flatten(),
            )
        }),
    );
}

fn get(value: &JsValue, key: &str) -> Option<JsValue> {
    is_plain_object(value).then(|| Obj { value, path: "" }.get(key))?
}
