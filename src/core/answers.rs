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

use crate::core::format::decimal;
use std::collections::BTreeMap;

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
                    items.push(["~", &escape(text)].concat());
                }
                out.push_str(&items.join(","));
            }
            (Kind::Likert(l), Answer::Rows(rows)) => {
                let pairs: Vec<String> = rows
                    .iter()
                    .zip(&l.rows)
                    .filter_map(|(c, row)| {
                        let column = l.columns.get((*c)?)?;
                        Some([row.id.as_str(), ":", &column.id].concat())
                    })
                    .collect();
                out.push_str(&pairs.join(","));
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
    let bad = |why: &str| SurveyError::new("bad_answers", "", ["answers: ", why].concat());
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
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            if !byte.is_ascii() {
                return None;
            }
            bytes.push(byte);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}
