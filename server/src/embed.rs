//! The poll as plain HTML, for readers without JavaScript or WebAssembly
//! and for oEmbed consumers. Rendered from the widget's own view model, so
//! the numbers are the widget's to the digit.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::response::Html;
use readerpoll::core::locale::{locale_for, Texts};
use readerpoll::core::machine::{step, Event, State};
use readerpoll::core::poll::ResultsVisibility;
use readerpoll::core::tally::Tally;
use readerpoll::view::{view, ViewModel};

use crate::store::PollState;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The fallback markup: a form posting to the server, and the results when
/// `visible` (the poll's results policy, decided by the caller for this
/// reader); otherwise no number at all reaches the page.
pub fn fragment(p: &PollState, now: i64, visible: bool) -> String {
    let texts = Texts::new(locale_for("en"));
    let mut live = State::Loading;
    let mut poll = (*p.poll).clone();
    if visible {
        poll.tally = p.tally.clone();
        // The caller has applied the policy (an `after_vote` reader's vote
        // is known to the server, not to this render).
        poll.results = ResultsVisibility::Always;
    } else {
        poll.tally = Tally::new(vec![0; poll.options.len()], 0);
    }
    step(
        &mut live,
        Event::Loaded {
            poll: Box::new(poll),
            stored: None,
            now,
            current: true,
        },
    );
    step(&mut live, Event::ViewResults);
    let ViewModel::Live(v) = view(&live, &texts, "") else {
        return String::new();
    };
    let id = escape(&p.poll.id);
    let kind = if v.multiple { "checkbox" } else { "radio" };
    let mut html = String::new();
    html.push_str(&format!(
        "<form class=\"poll-fallback\" method=\"post\" action=\"/polls/{id}/vote-form\">\n<fieldset>\n<legend>{}</legend>\n",
        escape(v.question)
    ));
    let open = p.open_at(now);
    for option in &p.poll.options {
        html.push_str(&format!(
            "<label><input type=\"{kind}\" name=\"choice\" value=\"{}\"{}> {}</label>\n",
            escape(&option.id),
            if open { "" } else { " disabled" },
            escape(&option.label)
        ));
    }
    if open {
        html.push_str("<button type=\"submit\">Vote</button>\n");
    }
    html.push_str("</fieldset>\n</form>\n");
    if let Some(results) = &v.results {
        html.push_str("<ol class=\"poll-results\">\n");
        for row in &results.rows {
            html.push_str(&format!(
                "<li>{} — {}</li>\n",
                escape(row.label),
                escape(&row.figures)
            ));
        }
        html.push_str("</ol>\n");
        if let Some(total) = &results.total {
            html.push_str(&format!("<p>{}</p>\n", escape(total)));
        }
        if let Some(note) = &results.note {
            html.push_str(&format!("<p>{}</p>\n", escape(note)));
        }
    }
    html
}

pub fn page(p: &PollState, now: i64, visible: bool) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<link rel=\"stylesheet\" href=\"/demo.css\">\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        escape(&p.poll.question),
        fragment(p, now, visible)
    ))
}

/// A voter token no one can guess: 128 random bits, in hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: a token unique to this moment and process
        // still tells readers apart, if guessably.
        return format!("v{}", random_key());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An idempotency key for a form vote that did not bring one.
pub fn random_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "form-{nanos:x}-{:x}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
