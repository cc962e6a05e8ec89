//! The element's DOM events: `CustomEvent`s that bubble out of the shadow
//! root (`composed`) so a site listens once on `document`.
//!
//! Built in one small JS function: through web-sys the event's init
//! dictionary, its detail object and the choices array were a dozen
//! imports, each with its glue and its exception trap.

use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::HtmlElement;

#[wasm_bindgen(
    inline_js = "export function fire(host, name, cancelable, poll, choices, code, message, kind) {
  const detail = { poll };
  if (choices != null) detail.choices = choices ? choices.split(',') : [];
  if (code != null) {
    const retryable = kind == 1;
    Object.assign(detail, { code, message, retryable });
    console[retryable ? 'warn' : 'error'](
      `readerpoll: ${['poll unavailable', 'vote not sent yet, will retry', 'vote refused'][kind]}: ${code}: ${message}`);
  }
  return host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable, detail }));
}"
)]
extern "C" {
    /// `detail` is `{poll}`, with `choices` (option ids, which never hold
    /// a comma, joined by commas) and the problem's `code`, `message` and
    /// `retryable` when given; a problem is also logged once, saying what
    /// it is (`Problem`). False if a listener cancelled the event.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = fire)]
    fn fire_js(
        host: &HtmlElement,
        name: &str,
        cancelable: bool,
        poll: &str,
        choices: Option<&str>,
        code: Option<&str>,
        message: Option<&str>,
        kind: u8,
    ) -> bool;
}

/// Fires `name` with `{poll}`, or `{poll, choices}` when `choices` is
/// given; returns false if a listener cancelled it.
pub fn fire(
    host: &HtmlElement,
    name: &str,
    poll: &str,
    choices: Option<&[String]>,
    cancelable: bool,
) -> bool {
    let joined = choices.map(|ids| {
        let mut s = String::new();
        crate::core::format::push_joined(&mut s, ids, ",");
        s
    });
    fire_js(
        host,
        name,
        cancelable,
        poll,
        joined.as_deref(),
        None,
        None,
        0,
    )
}

/// What a `poll-error` is about, which its console line says: a site
/// reading the console must not take a refused vote for a broken poll.
#[derive(Clone, Copy)]
pub enum Problem {
    /// The poll cannot be shown (`retryable: false`).
    Unavailable = 0,
    /// A try of the vote failed; it will be sent again (`retryable: true`).
    WillRetry = 1,
    /// The backend refused the vote for good (`retryable: false`).
    Refused = 2,
}

/// Logs a problem once to the console and fires `poll-error` with it.
pub fn report_error(host: &HtmlElement, poll: &str, code: &str, message: &str, problem: Problem) {
    fire_js(
        host,
        "poll-error",
        false,
        poll,
        None,
        Some(code),
        Some(message),
        problem as u8,
    );
}
