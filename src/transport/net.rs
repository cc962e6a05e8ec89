//! Talking to backends from the browser: `fetch` with a timeout, the beacon
//! for pages being hidden, and reading JSON answers.
//!
//! A request is one call into a six-line JS helper that settles exactly once
//! and calls back with what the widget needs (status, `Retry-After`, body
//! text). A protocol whose dialect lives in the page (WP-Polls: the
//! element's `wp-polls.js`) hands the helper an adapter that turns the
//! readerpoll request into its own and its answer into the readerpoll
//! protocol's, so the wasm carries none of that dialect. Driving the same `fetch` from Rust with `async` cost ~2 KB gzipped
//! more: an executor, a future per promise and the glue for `Request`,
//! `Response` and `Headers`, for no decision Rust makes.

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::transport::payload::{Answer, VoteRequest, WireTally};

/// How long a request may take before it counts as failed (and a vote is
/// retried with the same key), unless the element says otherwise.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

// `keepalive`, so a request under way survives the page closing; the signal
// aborts the fetch, or the reading of its body, when time is up (made by
// hand where `AbortSignal.timeout` is missing: Safari before 16). Whatever
// happens, `f` is called once, never before `request` returns, with
// `{status, after, text}`: status 0 when there was no HTTP answer (offline,
// refused, timed out, CORS, or a browser that cannot make the request), and
// the status and an empty text when only the body was lost (so a 503's
// `Retry-After` still counts). `after` is `Retry-After` in seconds: an
// HTTP date (in any of the forms HTTP has a recipient read, which the
// browser's own date parser knows) is turned into the seconds until it, so
// the wasm carries no date parser for it. `adapt` (or nothing): `request(url, body)` gives the
// `[url, type, body]` to send instead, `answer(status, text)` the
// `[status, text]` to report (and must not throw: then `done` would never
// be called).
// Bundled into the glue at build time, so it costs no request of its own.
#[wasm_bindgen(
    inline_js = "export function request(method, url, type, body, timeout, f, adapt) {
  const done = (status, after, text) => f({ status, after, text });
  try {
    if (adapt) [url, type, body] = adapt.request(url, body);
    const headers = { accept: 'application/json' };
    if (type) headers['content-type'] = type;
    let signal;
    if (AbortSignal.timeout) signal = AbortSignal.timeout(timeout);
    else {
      const c = new AbortController();
      setTimeout(() => c.abort(), timeout);
      signal = c.signal;
    }
    fetch(url, { method, headers, body: type ? body : undefined, keepalive: true, signal })
      .then((r) => {
        let after = r.headers.get('retry-after');
        if (after != null && !/^\\s*\\d+\\s*$/.test(after)) {
          const ms = Date.parse(after) - Date.now();
          after = ms >= 0 ? String(Math.ceil(ms / 1000)) : ms < 0 ? '0' : null;
        }
        const end = (text) => {
          const [status, body] = adapt ? adapt.answer(r.status, text) : [r.status, text];
          done(status, after, body);
        };
        r.text().then(end, () => end(''));
      }, () => done(0, null, ''));
  } catch {
    queueMicrotask(() => done(0, null, ''));
  }
}
export function beacon(url, body) {
  try {
    return navigator.sendBeacon(url, body);
  } catch {
    return false;
  }
}"
)]
extern "C" {
    fn request(
        method: &str,
        url: &str,
        content_type: &str,
        body: &str,
        timeout: u32,
        done: JsValue,
        adapt: &JsValue,
    );
    /// `navigator.sendBeacon`; false where the browser would not queue it
    /// (or threw, as for a URL it rejects).
    #[wasm_bindgen(js_name = beacon)]
    fn send_beacon(url: &str, body: &str) -> bool;
}

#[wasm_bindgen]
extern "C" {
    // Read once and kept: `web_sys::window()` looks the window up on every
    // call, probing four global names with the glue for each.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<web_sys::Window>;
}

/// The page's window (`None` in a worker, where nothing here runs).
pub fn window() -> Option<web_sys::Window> {
    WINDOW.with(Clone::clone)
}

/// The page's document, read as a field of the window: `Window::document`
/// is an import with its glue of its own.
pub fn document() -> Option<web_sys::Document> {
    let document = field(&window()?.into(), "document");
    (!document.is_undefined()).then(|| document.unchecked_into())
}

/// An answer as far as the widget cares.
pub struct HttpAnswer {
    /// 0 when there was no HTTP answer (offline, refused, timed out, CORS).
    pub status: u16,
    pub retry_after: Option<String>,
    pub answer: Answer,
    pub body: String,
}

/// Sends a request and calls `done` with the answer, once, when it is in;
/// never fails, a failure is status 0. `body` is the content type and text;
/// `adapt` the protocol's page-side adapter, if it has one (else
/// `undefined`).
pub fn send(
    method: &str,
    url: &str,
    body: Option<(&str, &str)>,
    timeout_ms: u32,
    adapt: &JsValue,
    done: Box<dyn FnOnce(HttpAnswer)>,
) {
    // The answer comes as one object, `{status, after, text}`, through a
    // closure of the kind the DOM listeners and timers use (`Event` is only
    // its type there: the object is read by field): a closure of a kind of
    // its own, `FnOnce(u16, Option<String>, String)`, cost its conversion
    // shims in the wasm and the glue, ~0.6 KB gzipped. The helper calls it
    // once; it is freed when its JS function is collected.
    let mut done = Some(done);
    let callback =
        Closure::<dyn FnMut(&web_sys::Event)>::wrap(Box::new(move |answer: &web_sys::Event| {
            let answer: &JsValue = answer.as_ref();
            if let Some(done) = done.take() {
                let text = field(answer, "text").as_string().unwrap_or_default();
                done(HttpAnswer {
                    status: field(answer, "status").as_f64().unwrap_or_default() as u16,
                    retry_after: field(answer, "after").as_string(),
                    answer: read_answer(&text),
                    body: text,
                })
            }
        }))
        .into_js_value();
    let (content_type, text) = body.unwrap_or(("", ""));
    request(method, url, content_type, text, timeout_ms, callback, adapt);
}

/// `navigator.sendBeacon` with a `text/plain` body (no CORS preflight), for
/// a page that is going away. True if the browser queued it.
pub fn beacon(request: &VoteRequest) -> bool {
    send_beacon(&request.url, &request.body)
}

/// The items of a JS array, read by index: `Array::iter` would bring in a
/// second indexing import (`get_unchecked`) and an iterator of its own.
pub fn items(array: &js_sys::Array) -> impl Iterator<Item = JsValue> + '_ {
    (0..array.length()).map(|i| array.get(i))
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
    for entry in items(&Object::entries(counts.unchecked_ref::<Object>())) {
        let entry: js_sys::Array = entry.unchecked_into();
        out.push((entry.get(0).as_string()?, whole(&entry.get(1))?));
    }
    Some(WireTally {
        counts: out,
        voters,
    })
}

/// A whole, non-negative number a JS number holds exactly (at most 2^53 - 1).
pub fn whole(v: &JsValue) -> Option<u64> {
    let n = v.as_f64()?;
    (n.fract() == 0.0 && (0.0..=crate::core::tally::MAX_COUNT as f64).contains(&n))
        .then_some(n as u64)
}
