//! Talking to backends from the browser: `fetch` with a timeout, the beacon
//! for pages being hidden, and reading JSON answers.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Request, RequestInit, Response};

use crate::transport::payload::{Answer, VoteRequest, WireTally};

/// How long a request may take before it counts as failed (and a vote is
/// retried with the same key), unless the element says otherwise.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// An answer as far as the widget cares.
pub struct HttpAnswer {
    /// 0 when there was no HTTP answer (offline, refused, timed out, CORS).
    pub status: u16,
    pub retry_after: Option<String>,
    pub answer: Answer,
    pub body: String,
}

fn no_answer() -> HttpAnswer {
    HttpAnswer {
        status: 0,
        retry_after: None,
        answer: Answer::default(),
        body: String::new(),
    }
}

/// Sends a request and reads the answer; never fails, a failure is status 0.
/// Requests are `keepalive`, so one under way survives the page closing.
pub async fn send(
    method: &str,
    url: &str,
    body: Option<(&str, &str)>,
    timeout_ms: u32,
) -> HttpAnswer {
    let init = RequestInit::new();
    init.set_method(method);
    // The signal aborts the fetch, or the reading of its body, when time is
    // up. `AbortSignal.timeout` rather than a controller and a timer: fewer
    // imports, and no closure to keep alive.
    init.set_signal(Some(&AbortSignal::timeout_with_u32(timeout_ms)));
    // A plain object for the headers: a `Headers` instance would cost two
    // imports more, and `fetch` accepts either.
    let headers = Object::new();
    let _ = Reflect::set(
        &headers,
        &JsValue::from_str("accept"),
        &JsValue::from_str("application/json"),
    );
    if let Some((content_type, text)) = body {
        let _ = Reflect::set(
            &headers,
            &JsValue::from_str("content-type"),
            &JsValue::from_str(content_type),
        );
        init.set_body(&JsValue::from_str(text));
    }
    init.set_headers(&headers);
    // Not in web-sys' RequestInit yet; a plain property on the dictionary.
    let _ = Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    let Ok(request) = Request::new_with_str_and_init(url, &init) else {
        return no_answer();
    };
    let Some(window) = web_sys::window() else {
        return no_answer();
    };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else {
        return no_answer();
    };
    let response: Response = response.unchecked_into();
    let status = response.status();
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    HttpAnswer {
        status,
        retry_after,
        answer: read_answer(&text),
        body: text,
    }
}

/// `navigator.sendBeacon` with a `text/plain` body (no CORS preflight), for
/// a page that is going away. True if the browser queued it.
pub fn beacon(request: &VoteRequest) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    window
        .navigator()
        .send_beacon_with_opt_str(&request.url, Some(&request.body))
        .unwrap_or(false)
}

/// `object[key]`, or `undefined` for anything that is not an object.
pub fn field(object: &JsValue, key: &str) -> JsValue {
    if object.is_object() {
        Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// Reads a JSON answer body: a tally and/or an error, tolerating anything.
pub fn read_answer(text: &str) -> Answer {
    let Ok(value) = js_sys::JSON::parse(text) else {
        return Answer::default();
    };
    if !value.is_object() {
        return Answer::default();
    }
    let error = field(&value, "error");
    Answer {
        json: true,
        tally: read_tally(&field(&value, "tally")),
        error_code: field(&error, "code").as_string(),
        error_message: field(&error, "message").as_string(),
    }
}

/// `{"counts": {"id": n, ...}, "voters": n}`; `None` if any part is off.
pub fn read_tally(value: &JsValue) -> Option<WireTally> {
    let counts = field(value, "counts");
    if !counts.is_object() || js_sys::Array::is_array(&counts) {
        return None;
    }
    let voters = whole(&field(value, "voters"))?;
    let mut out = Vec::new();
    for entry in Object::entries(counts.unchecked_ref::<Object>()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        out.push((entry.get(0).as_string()?, whole(&entry.get(1))?));
    }
    Some(WireTally {
        counts: out,
        voters,
    })
}

fn whole(v: &JsValue) -> Option<u64> {
    let n = v.as_f64()?;
    (n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n)).then_some(n as u64)
}
