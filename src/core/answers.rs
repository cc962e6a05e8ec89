//! The one answers codec: a response as one line of text, for the outbox,
//! the browser's storage, events and the server's vote log alike.
//!
//! `hours=6-10&stress=2&statements=supervision:sa,workload:d&anything=Too%20much`:
//! questions in survey order, unanswered ones left out. A choice is its
//! option ids, and a write-in as an item starting with `~`; a scale or NPS
//! its number; a Likert question `row:column` pairs; a text its text.
//! Written text is escaped (`%XX`) wherever it could be read as structure:
//! `%`, `&`, `=`, `,`, `~`, `:` and every control character, tabs and
//! newlines included, so a line stays one line and one field stays one field.
//! Ids need no escaping: they are `[A-Za-z0-9._-]` by validation.
//!
//! Decoding yields raw answers, which go through the same checks as JSON
//! answers (`Survey::response`), so a tampered line is refused like any
//! other bad input.

use crate::core::format::{decimal, pieces, split_once};
use std::collections::BTreeMap;

use crate::core::question::concat;
use crate::core::question::{Answer, Kind, RawAnswer, RawItem};
use crate::core::survey::{Response, Survey, SurveyError};

/// The format's version, written first so a later format can be told apart
/// and migrated on purpose.
pub const VERSION: &str = "a1;";

pub fn encode(survey: &Survey, response: &Response) -> String {
    let mut out = String::from(VERSION);
    let mut first = true;
    for (question, answer) in survey.questions.iter().zip(response) {
        let Some(answer) = answer else { continue };
        if !first {
            out.push('&');
        }
        first = false;
        out.push_str(&question.id);
        out.push('=');
        match (&question.kind, answer) {
            (Kind::Choice(c), Answer::Choice { picked, other }) => {
                let mut items: Vec<String> = picked
                    .iter()
                    .filter_map(|&i| c.options.get(i).map(|o| o.id.clone()))
                    .collect();
                if let Some(text) = other {
                    items.push(concat(&["~", &escape(text)]));
                }
                crate::core::format::push_joined(&mut out, &items, ",");
            }
            (Kind::Likert(l), Answer::Rows(rows)) => {
                let pairs: Vec<String> = rows
                    .iter()
                    .zip(&l.rows)
                    .filter_map(|(c, row)| {
                        let column = l.columns.get((*c)?)?;
                        Some(concat(&[row.id.as_str(), ":", &column.id]))
                    })
                    .collect();
                crate::core::format::push_joined(&mut out, &pairs, ",");
            }
            (_, Answer::Point(p)) => out.push_str(&decimal(*p)),
            (_, Answer::Text(text)) => out.push_str(&escape(text)),
            // An answer that does not fit its question cannot be built by
            // `Survey::response`; nothing is written for it.
            _ => {}
        }
    }
    out
}

/// Reads a line back into checked answers.
pub fn decode(survey: &Survey, line: &str) -> Result<Response, SurveyError> {
    let bad = |why: &str| SurveyError::new("bad_answers", "", concat(&["answers: ", why]));
    let body = line
        .strip_prefix(VERSION)
        .ok_or_else(|| bad("unknown format"))?;
    let mut raw: BTreeMap<String, RawAnswer> = BTreeMap::new();
    for field in body.split('&').filter(|f| !f.is_empty()) {
        let (id, value) = field
            .split_once('=')
            .ok_or_else(|| bad("a field has no '='"))?;
        let question = survey
            .questions
            .iter()
            .find(|q| q.id == id)
            .ok_or_else(|| bad("names an unknown question"))?;
        let answer = match &question.kind {
            Kind::Choice(_) => RawAnswer::List(
                value
                    .split(',')
                    .map(|item| match item.strip_prefix('~') {
                        Some(text) => unescape(text).map(|other| RawItem::Other { other }),
                        None => Some(RawItem::Id(item.to_owned())),
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("bad escape"))?,
            ),
            Kind::Likert(_) => RawAnswer::Rows(
                value
                    .split(',')
                    .map(|pair| {
                        pair.split_once(':')
                            .map(|(r, c)| (r.to_owned(), c.to_owned()))
                    })
                    .collect::<Option<BTreeMap<_, _>>>()
                    .ok_or_else(|| bad("a row has no ':'"))?,
            ),
            Kind::Scale(_) | Kind::Nps => {
                RawAnswer::Number(value.parse().map_err(|_| bad("not a number"))?)
            }
            Kind::Text(_) => RawAnswer::Text(unescape(value).ok_or_else(|| bad("bad escape"))?),
        };
        if raw.insert(id.to_owned(), answer).is_some() {
            return Err(bad("a question is answered twice"));
        }
    }
    survey.response(&raw)
}

fn escape(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_control() || matches!(c, '%' | '&' | '=' | ',' | '~' | ':') {
            let b = c as u8;
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        } else {
            out.push(c);
        }
    }
    out
}

/// `None` for a broken escape. Only ASCII is ever escaped, so the bytes
/// decode to the text that was written.
fn unescape(text: &str) -> Option<String> {
    // Char by char, so the text stays a `String` throughout: escapes stand
    // only for ASCII, so no UTF-8 check (`from_utf8`, ~0.6 KB of wasm) is
    // needed at the end.
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let high = chars.next()?.to_digit(16)?;
            let low = chars.next()?.to_digit(16)?;
            out.push(char::from_u32(high * 16 + low).filter(char::is_ascii)?);
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// A response line as named fields, for a form post (docs/protocol.md,
/// "Surveys as a form"): `hours=6-10` for each option picked, `hours.other=`
/// for a write-in, `statements.supervision=sa` for each Likert row answered,
/// `stress=2` for a scale or NPS, `anything=` for a text. Read from the line
/// alone (its structure tells the kinds apart: written text never holds a
/// bare `,`, `:` or `~`), so a response waiting in the outbox needs no
/// survey to be sent. `None` for a line of another format.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn fields(line: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for field in pieces(line.strip_prefix(VERSION)?, b"&") {
        let (id, value) = split_once(field, b'=')?;
        for item in pieces(value, b",") {
            let (name, value) = match (item.strip_prefix('~'), split_once(item, b':')) {
                (Some(text), _) => (concat(&[id, ".other"]), unescape(text)?),
                (None, Some((row, column))) => (concat(&[id, ".", row]), column.to_owned()),
                (None, None) => (id.to_owned(), unescape(item)?),
            };
            out.push((name, value));
        }
    }
    Some(out)
}

// The survey build and the server, not the poll build: its wasm stays as it was.
/// Reads a draft back: each answer checked against its question, but not
/// the whole (a draft may still lack required answers). An answer that no
/// longer fits its question (the definition changed) is dropped, not the
/// draft; only a line of another format is refused.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn decode_draft(survey: &Survey, line: &str) -> Result<Response, SurveyError> {
    // Read without the map `decode` builds: the widget decodes only drafts,
    // and a `BTreeMap` costs its build ~5 KB gzipped.
    let body = line
        .strip_prefix(VERSION)
        .ok_or_else(|| SurveyError::new("bad_answers", "", "answers: unknown format"))?;
    let mut draft: Response = vec![None; survey.questions.len()];
    // `pieces` and `split_once` by hand: `str::split` brings the char
    // searcher and `memchr` into the wasm.
    for field in pieces(body, b"&") {
        let Some((id, value)) = split_once(field, b'=') else {
            continue;
        };
        let Some(index) = survey.question_index(id) else {
            continue;
        };
        let question = &survey.questions[index];
        let answer = match &question.kind {
            Kind::Likert(l) => {
                let mut rows = vec![None; l.rows.len()];
                for (r, c) in pieces(value, b",").filter_map(|pair| split_once(pair, b':')) {
                    let row = l.rows.iter().position(|x| x.id == r);
                    let column = l.columns.iter().position(|x| x.id == c);
                    if let (Some(row), Some(column)) = (row, column) {
                        rows[row] = Some(column);
                    }
                }
                rows.iter()
                    .any(Option::is_some)
                    .then_some(Answer::Rows(rows))
            }
            Kind::Choice(_) => pieces(value, b",")
                .map(|item| match item.strip_prefix('~') {
                    Some(text) => unescape(text).map(|other| RawItem::Other { other }),
                    None => Some(RawItem::Id(item.to_owned())),
                })
                .collect::<Option<Vec<_>>>()
                .and_then(|items| question.answer(&RawAnswer::List(items)).ok().flatten()),
            Kind::Scale(_) | Kind::Nps => crate::core::format::parse_i64(value)
                .and_then(|n| question.answer(&RawAnswer::Number(n)).ok().flatten()),
            Kind::Text(_) => unescape(value)
                .and_then(|text| question.answer(&RawAnswer::Text(text)).ok().flatten()),
        };
        draft[index] = answer;
    }
    Ok(draft)
}

/// A response as the protocol's `answers` object (`{"hours": ["6-10",
/// {"other": "…"}], "stress": 2, "statements": {"supervision": "sa"}}`),
/// built by hand: the widget ships no JSON encoder.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn to_json(survey: &Survey, response: &Response) -> String {
    let mut out = String::from("{");
    for (question, answer) in survey.questions.iter().zip(response) {
        let Some(answer) = answer else { continue };
        if out.len() > 1 {
            out.push(',');
        }
        crate::core::format::push_json_string(&mut out, &question.id);
        out.push(':');
        match (&question.kind, answer) {
            (Kind::Choice(c), Answer::Choice { picked, other }) => {
                out.push('[');
                let mut first = true;
                for option in picked.iter().filter_map(|&i| c.options.get(i)) {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    crate::core::format::push_json_string(&mut out, &option.id);
                }
                if let Some(text) = other {
                    if !first {
                        out.push(',');
                    }
                    out.push_str("{\"other\":");
                    crate::core::format::push_json_string(&mut out, text);
                    out.push('}');
                }
                out.push(']');
            }
            (Kind::Likert(l), Answer::Rows(rows)) => {
                out.push('{');
                let mut first = true;
                for (row, column) in l.rows.iter().zip(rows) {
                    let Some(column) = column.and_then(|c| l.columns.get(c)) else {
                        continue;
                    };
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    crate::core::format::push_json_string(&mut out, &row.id);
                    out.push(':');
                    crate::core::format::push_json_string(&mut out, &column.id);
                }
                out.push('}');
            }
            (_, Answer::Point(p)) => out.push_str(&decimal(*p)),
            (_, Answer::Text(text)) => crate::core::format::push_json_string(&mut out, text),
            _ => out.push_str("null"),
        }
    }
    out.push('}');
    out
}
