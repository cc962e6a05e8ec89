//! The survey build's inbound decoder: a survey definition (JSON text or an
//! object) into a validated `Survey`, and the server's per-question results
//! into a `SurveyTally`, field by field with the poll decoder's `Reader`.
//!
//! serde_json in the wasm would have been the easy way: measured, it took
//! the survey build from 34 KB to 84 KB gzipped (it brings `core::fmt` and
//! serde's visitors). The server decodes the same `RawSurvey` with serde;
//! `Survey::from_raw` validates both, so only field reading lives here, and
//! its errors read like the poll decoder's ("questions.2.rows.1.label: …").

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::count::SurveyTally;
use crate::core::error::{ConfigError, ErrorCode};
use crate::core::format::{decimal, push_u64};
use crate::core::question::choice::{RawChoice, RawOther};
use crate::core::question::likert::RawLikert;
use crate::core::question::nps::RawNps;
use crate::core::question::scale::{RawEnds, RawScale};
use crate::core::question::text::RawText;
use crate::core::question::{Kind, QuestionTally, RawLabelled, RawQuestion, Value};
use crate::core::survey::{RawSurvey, Survey};
use crate::core::visible::{RawCondition, MAX_DEPTH};
use crate::transport::decode::{is_plain_object, join, wrong, Obj, Reader};

/// A survey's top-level fields, as `RawSurvey` has them.
pub const SURVEY_FIELDS: &[&str] = &[
    "id",
    "title",
    "layout",
    "results",
    "opens_at",
    "closes_at",
    "closed",
    "allow_change",
    "questions",
];
const COMMON: [&str; 5] = ["id", "type", "prompt", "required", "visible_if"];
const KINDS: &[&str] = &["choice", "scale", "nps", "likert", "text"];
const LAYOUTS: &[&str] = &["steps", "all"];

/// Whether a definition object is a survey rather than a poll.
pub fn is_survey(value: &JsValue) -> bool {
    is_plain_object(value) && Obj { value, path: "" }.get("questions").is_some()
}

/// Why a definition was refused: a stable code (the validation's, such as
/// `bad_scale`, or the decoder's, such as `unknown_field`) and a message
/// that starts with the field's path.
#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl From<ConfigError> for Refusal {
    fn from(e: ConfigError) -> Self {
        Refusal {
            code: e.code.as_str(),
            message: e.message,
        }
    }
}

/// Decodes and validates a survey definition.
pub fn decode_survey(config: &JsValue) -> Result<Survey, Refusal> {
    let value = match config.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|_| Refusal {
            code: ErrorCode::InvalidJson.as_str(),
            message: String::from("the survey definition is not valid JSON"),
        })?,
        None => config.clone(),
    };
    let mut r = Reader::default();
    let raw = read_survey(&mut r, &value);
    if let Some(error) = r.error {
        return Err(error.into());
    }
    Survey::from_raw(raw).map_err(|e| {
        let mut message = e.path.clone();
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&e.message);
        Refusal {
            code: e.code,
            message,
        }
    })
}

fn read_survey(r: &mut Reader, value: &JsValue) -> RawSurvey {
    let mut raw = RawSurvey {
        id: String::new(),
        title: None,
        layout: Default::default(),
        results: Default::default(),
        opens_at: None,
        closes_at: None,
        closed: false,
        allow_change: false,
        questions: Vec::new(),
    };
    let Some(o) = r.object(value, "", SURVEY_FIELDS) else {
        return raw;
    };
    raw.id = r.string(&o, "id");
    raw.title = r.opt_string(&o, "title");
    if let Some(i) = r.name_index(&o, "layout", LAYOUTS) {
        raw.layout = if i == 0 {
            crate::core::survey::Layout::Steps
        } else {
            crate::core::survey::Layout::All
        };
    }
    raw.results = r.named(&o, "results");
    raw.opens_at = r.opt_string(&o, "opens_at");
    raw.closes_at = r.opt_string(&o, "closes_at");
    raw.closed = r.flag(&o, "closed");
    raw.allow_change = r.flag(&o, "allow_change");
    let Some(list) = list(r, &o, "questions", true) else {
        return raw;
    };
    for (index, item) in list.iter().enumerate() {
        let path = at("questions", index);
        match question(r, &item, &path) {
            Some(q) if r.ok() => raw.questions.push(q),
            _ => return raw,
        }
    }
    raw
}

fn at(path: &str, index: usize) -> String {
    let mut p = String::from(path);
    p.push('.');
    push_u64(&mut p, index as u64);
    p
}

/// A list field; `None` (and the problem recorded) when missing where
/// `required`, or not a list.
fn list(r: &mut Reader, o: &Obj, key: &str, required: bool) -> Option<Array> {
    let v = if required {
        r.required(o, key)?
    } else {
        o.get(key)?
    };
    if !Array::is_array(&v) {
        r.fail(wrong(&join(o.path, key), "a list", &v));
        return None;
    }
    Some(v.unchecked_into())
}

/// The fields a question of `kind` may have.
fn fields(kind: usize) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        0 => &["mode", "min_choices", "max_choices", "options", "other"],
        1 => &["min", "max", "labels"],
        3 => &["rows", "columns"],
        4 => &["max_length", "multiline"],
        _ => &[],
    };
    let mut all = COMMON.to_vec();
    all.extend_from_slice(own);
    all
}

fn question(r: &mut Reader, value: &JsValue, path: &str) -> Option<RawQuestion> {
    // The type first: it says which fields are known.
    let kind = if is_plain_object(value) {
        let probe = Obj { value, path };
        r.required(&probe, "type")?;
        r.name_index(&probe, "type", KINDS)?
    } else {
        0
    };
    let o = r.object(value, path, &fields(kind))?;
    let id = r.string(&o, "id");
    let prompt = r.string(&o, "prompt");
    let required = o.get("required").and_then(|v| {
        let b = v.as_bool();
        if b.is_none() {
            r.fail(wrong(&join(path, "required"), "true or false", &v));
        }
        b
    });
    let visible_if = match o.get("visible_if") {
        Some(v) => Some(condition(r, &v, &join(path, "visible_if"), 0)?),
        None => None,
    };
    Some(match kind {
        0 => RawQuestion::Choice(RawChoice {
            id,
            prompt,
            required,
            visible_if,
            mode: r.named(&o, "mode"),
            min_choices: small(r, &o, "min_choices"),
            max_choices: small(r, &o, "max_choices"),
            options: labelled(r, &o, "options")?,
            other: match o.get("other") {
                Some(v) => {
                    let p = join(path, "other");
                    let other = r.object(&v, &p, &["label", "max_length"])?;
                    Some(RawOther {
                        label: r.string(&other, "label"),
                        max_length: small(r, &other, "max_length"),
                    })
                }
                None => None,
            },
        }),
        1 => RawQuestion::Scale(RawScale {
            id,
            prompt,
            required,
            visible_if,
            min: int(r, &o, "min"),
            max: int(r, &o, "max"),
            labels: match o.get("labels") {
                Some(v) => {
                    let p = join(path, "labels");
                    let ends = r.object(&v, &p, &["min", "max"])?;
                    Some(RawEnds {
                        min: r.opt_string(&ends, "min"),
                        max: r.opt_string(&ends, "max"),
                    })
                }
                None => None,
            },
        }),
        2 => RawQuestion::Nps(RawNps {
            id,
            prompt,
            required,
            visible_if,
        }),
        3 => RawQuestion::Likert(RawLikert {
            id,
            prompt,
            required,
            visible_if,
            rows: labelled(r, &o, "rows")?,
            columns: labelled(r, &o, "columns")?,
        }),
        _ => RawQuestion::Text(RawText {
            id,
            prompt,
            required,
            visible_if,
            max_length: small(r, &o, "max_length"),
            multiline: r.flag(&o, "multiline"),
        }),
    })
}

/// Options, rows or columns: `{id, label}` items.
fn labelled(r: &mut Reader, o: &Obj, key: &str) -> Option<Vec<RawLabelled>> {
    let items = list(r, o, key, true)?;
    let base = join(o.path, key);
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let path = at(&base, index);
        let item = r.object(&item, &path, &["id", "label"])?;
        let id = r.string(&item, "id");
        let label = r.string(&item, "label");
        if !r.ok() {
            return None;
        }
        out.push(RawLabelled { id, label });
    }
    Some(out)
}

/// A whole number from 0 that fits a `u32` (limits), saturating.
fn small(r: &mut Reader, o: &Obj, key: &str) -> Option<u32> {
    r.count(o, key)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// A required whole number, negative allowed (a scale's ends); 0 on a
/// problem.
fn int(r: &mut Reader, o: &Obj, key: &str) -> i64 {
    let Some(v) = r.required(o, key) else {
        return 0;
    };
    match whole_signed(&v) {
        Some(n) => n,
        None => {
            r.fail(wrong(&join(o.path, key), "a whole number", &v));
            0
        }
    }
}

fn whole_signed(v: &JsValue) -> Option<i64> {
    let n = v.as_f64()?;
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
}

/// A `visible_if` condition; nesting is bounded here already, so a hostile
/// definition cannot recurse the decoder deep before validation sees it.
fn condition(r: &mut Reader, value: &JsValue, path: &str, depth: usize) -> Option<RawCondition> {
    if depth > MAX_DEPTH {
        // Too deep for validation to accept, which names the place.
        return Some(RawCondition::Any { any: Vec::new() });
    }
    let probe = Obj { value, path };
    let shape: &[&str] = if !is_plain_object(value) || probe.get("question").is_some() {
        &["question", "any_of"]
    } else if probe.get("all").is_some() {
        &["all"]
    } else {
        &["any"]
    };
    let o = r.object(value, path, shape)?;
    if shape.len() == 2 {
        let question = r.string(&o, "question");
        let items = list(r, &o, "any_of", true)?;
        let mut any_of = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if let Some(s) = item.as_string() {
                any_of.push(Value::Id(s));
            } else if let Some(n) = whole_signed(&item) {
                any_of.push(Value::Number(n));
            } else {
                r.fail(wrong(
                    &at(&join(path, "any_of"), index),
                    "an id or a whole number",
                    &item,
                ));
                return None;
            }
        }
        return r.ok().then_some(RawCondition::Answer { question, any_of });
    }
    let key = shape[0];
    let items = list(r, &o, key, true)?;
    let base = join(path, key);
    let mut inner = Vec::new();
    for (index, item) in items.iter().enumerate() {
        inner.push(condition(r, &item, &at(&base, index), depth + 1)?);
    }
    Some(if key == "all" {
        RawCondition::All { all: inner }
    } else {
        RawCondition::Any { any: inner }
    })
}

/// The server's `results` (`{respondents, questions: [{id, answered,
/// counts, other, written}]}`) as the survey's counters; `None` for
/// anything malformed (the widget then shows no numbers rather than
/// wrong ones).
pub fn decode_results(survey: &Survey, value: &JsValue) -> Option<SurveyTally> {
    if !is_plain_object(value) {
        return None;
    }
    let top = Obj { value, path: "" };
    let mut tally = SurveyTally::empty(survey);
    tally.respondents = number(&top.get("respondents")?)?;
    let list = top.get("questions")?;
    if !Array::is_array(&list) {
        return None;
    }
    for item in list.unchecked_into::<Array>().iter() {
        if !is_plain_object(&item) {
            return None;
        }
        let q = Obj {
            value: &item,
            path: "",
        };
        let id = q.get("id")?.as_string()?;
        let index = survey.question_index(&id)?;
        let question = &survey.questions[index];
        let t: &mut QuestionTally = &mut tally.questions[index];
        t.answered = number(&q.get("answered")?)?;
        let counts = q.get("counts");
        let read = |key: &str| -> u64 {
            counts
                .as_ref()
                .and_then(|c| field(c, key))
                .and_then(|v| number(&v))
                .unwrap_or(0)
        };
        match &question.kind {
            Kind::Choice(c) => {
                for (i, o) in c.options.iter().enumerate() {
                    t.buckets[i] = read(&o.id);
                }
                if c.other.is_some() {
                    t.buckets[c.options.len()] = q.get("other").and_then(|v| number(&v))?;
                }
            }
            Kind::Scale(s) => {
                for (i, p) in (s.min..=s.max).enumerate() {
                    t.buckets[i] = read(&decimal(p));
                }
            }
            Kind::Nps => {
                for p in 0..11 {
                    t.buckets[p] = read(&decimal(p as i64));
                }
            }
            Kind::Likert(l) => {
                let width = l.columns.len();
                for (ri, row) in l.rows.iter().enumerate() {
                    let cells = counts.as_ref().and_then(|c| field(c, &row.id));
                    for (ci, column) in l.columns.iter().enumerate() {
                        t.buckets[ri * width + ci] = cells
                            .as_ref()
                            .and_then(|c| field(c, &column.id))
                            .and_then(|v| number(&v))
                            .unwrap_or(0);
                    }
                }
            }
            Kind::Text(_) => {}
        }
    }
    Some(tally)
}

fn field(value: &JsValue, key: &str) -> Option<JsValue> {
    is_plain_object(value).then(|| Obj { value, path: "" }.get(key))?
}

fn number(v: &JsValue) -> Option<u64> {
    crate::transport::net::whole(v)
}
