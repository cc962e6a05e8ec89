//! The one inbound decoder: whatever shape a poll definition arrives in
//! (JSON text from a `<script>` or a `src` URL, or an object a site assigned
//! to `el.config`), it ends as a validated `Poll` or one `ConfigError` whose
//! message names the path of the bad value ("options.2.label: ...").
//!
//! It reads JS values field by field instead of going through serde. That
//! is a measured choice: serde's derived visitor for `RawPoll` alone came to
//! ~17 KB of wasm (~7 KB gzipped, a quarter of the widget's budget), this
//! reader to a fraction of it. The server decodes the same `RawPoll` with
//! serde; `core::poll::tests` keeps the two field lists in step, and
//! `Poll::from_raw` does all validation for both.

use js_sys::{Array, Object, Reflect};

use crate::transport::net::items;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::{ConfigError, ErrorCode};
use crate::core::format::push_joined;
use crate::core::poll::{Counts, Named, Poll, RawOption, RawPoll, OPTION_FIELDS, POLL_FIELDS};

pub fn decode_poll(config: &JsValue) -> Result<Poll, ConfigError> {
    let value = match config.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|e| {
            let mut message = String::from("the poll definition is not valid JSON");
            // The `SyntaxError`'s message, read as a field: `dyn_ref` and
            // `Error::message` would be two imports more.
            if let Some(why) = crate::transport::net::field(&e, "message").as_string() {
                message.push_str(": ");
                message.push_str(&why);
            }
            ConfigError::new(ErrorCode::InvalidJson, message)
        })?,
        None => config.clone(),
    };
    Poll::from_raw(raw_poll(&value)?)
}

/// Reads a poll definition's fields, keeping the first problem it meets.
///
/// Readers give a default on a problem and carry on, and the first problem
/// wins, so the error reported is the same one a reader returning `Result`
/// would stop at: the first in reading order. Without a `Result` (three or
/// four words) to build, move and drop at every field, this decoder is a
/// fraction of the size.
#[derive(Default)]
pub(crate) struct Reader {
    pub(crate) error: Option<ConfigError>,
}

/// A plain object and its path, for messages ("options.2.label: ...").
pub(crate) struct Obj<'a> {
    pub(crate) value: &'a JsValue,
    pub(crate) path: &'a str,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    let mut p = String::from(path);
    if !p.is_empty() {
        p.push('.');
    }
    p.push_str(key);
    p
}

pub(crate) fn wrong(path: &str, expected: &str, found: &JsValue) -> ConfigError {
    let mut message = String::new();
    if !path.is_empty() {
        message.push_str(path);
        message.push_str(": ");
    }
    message.push_str("expected ");
    message.push_str(expected);
    message.push_str(", found ");
    message.push_str(kind_of(found));
    ConfigError::new(ErrorCode::WrongType, message)
}

fn kind_of(v: &JsValue) -> &'static str {
    if v.is_string() {
        "a string"
    } else if v.as_bool().is_some() {
        "true or false"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_null() || v.is_undefined() {
        "null"
    } else if Array::is_array(v) {
        "a list"
    } else {
        "another kind of value"
    }
}

pub(crate) fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

impl Reader {
    /// Records `error` unless an earlier one is already kept.
    #[inline(never)]
    pub(crate) fn fail(&mut self, error: ConfigError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    pub(crate) fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// `value` as an object with only `known` fields, or `None` (and the
    /// problem recorded).
    pub(crate) fn object<'a>(
        &mut self,
        value: &'a JsValue,
        path: &'a str,
        known: &[&str],
    ) -> Option<Obj<'a>> {
        if !is_plain_object(value) {
            let what = if path.is_empty() {
                "the poll definition to be an object"
            } else {
                "an object"
            };
            self.fail(wrong(path, what, value));
            return None;
        }
        // `entries`, which the counts need anyway, rather than one more
        // import for `keys`.
        for entry in items(&Object::entries(value.unchecked_ref::<Object>())) {
            let key = entry
                .unchecked_into::<Array>()
                .get(0)
                .as_string()
                .unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let mut message = join(path, &key);
                message.push_str(": unknown field; known fields are ");
                push_joined(&mut message, known, ", ");
                self.fail(ConfigError::new(ErrorCode::UnknownField, message));
                return None;
            }
        }
        Some(Obj { value, path })
    }

    /// A field that must be there (and not null).
    pub(crate) fn required(&mut self, o: &Obj, key: &str) -> Option<JsValue> {
        let v = o.get(key);
        if v.is_none() {
            let mut message = String::from("missing field \"");
            message.push_str(&join(o.path, key));
            message.push('"');
            self.fail(ConfigError::new(ErrorCode::MissingField, message));
        }
        v
    }

    /// A required string; empty on a problem.
    pub(crate) fn string(&mut self, o: &Obj, key: &str) -> String {
        match self.required(o, key) {
            Some(v) => self.as_string(&v, o, key).unwrap_or_default(),
            None => String::new(),
        }
    }

    pub(crate) fn opt_string(&mut self, o: &Obj, key: &str) -> Option<String> {
        let v = o.get(key)?;
        self.as_string(&v, o, key)
    }

    #[inline(never)]
    pub(crate) fn as_string(&mut self, v: &JsValue, o: &Obj, key: &str) -> Option<String> {
        let s = v.as_string();
        if s.is_none() {
            self.fail(wrong(&join(o.path, key), "a string", v));
        }
        s
    }

    pub(crate) fn flag(&mut self, o: &Obj, key: &str) -> bool {
        let Some(v) = o.get(key) else {
            return false;
        };
        match v.as_bool() {
            Some(b) => b,
            None => {
                self.fail(wrong(&join(o.path, key), "true or false", &v));
                false
            }
        }
    }

    pub(crate) fn count(&mut self, o: &Obj, key: &str) -> Option<u64> {
        let v = o.get(key)?;
        self.whole(&v, &join(o.path, key))
    }

    pub(crate) fn named<T: Named + Default>(&mut self, o: &Obj, key: &str) -> T {
        self.name_index(o, key, T::NAMES)
            .map_or_else(T::default, |i| T::VALUES[i])
    }

    /// The position of the field's value in `names`; not generic, so the
    /// four enums share one copy of this code.
    #[inline(never)]
    pub(crate) fn name_index(&mut self, o: &Obj, key: &str, names: &[&str]) -> Option<usize> {
        let v = o.get(key)?;
        let name = self.as_string(&v, o, key)?;
        let found = names.iter().position(|n| *n == name);
        if found.is_none() {
            let mut message = join(o.path, key);
            message.push_str(": \"");
            message.push_str(&name);
            message.push_str("\" is not one of ");
            push_joined(&mut message, names, ", ");
            self.fail(ConfigError::new(ErrorCode::WrongType, message));
        }
        found
    }

    /// A whole, non-negative number a JS number holds exactly.
    pub(crate) fn whole(&mut self, v: &JsValue, path: &str) -> Option<u64> {
        if let Some(n) = crate::transport::net::whole(v) {
            return Some(n);
        }
        let error = match v.as_f64() {
            // Past 2^53 JSON.parse has already rounded the number: refuse it
            // as too large, as the native decoder does.
            Some(n) if n.fract() == 0.0 && n > crate::core::tally::MAX_COUNT as f64 => {
                let mut message = String::from(path);
                message.push_str(": larger than 9007199254740991");
                ConfigError::new(ErrorCode::CountTooLarge, message)
            }
            Some(_) => {
                let mut message = String::from(path);
                message.push_str(": expected a whole number from 0 to 9007199254740991");
                ConfigError::new(ErrorCode::WrongType, message)
            }
            None => wrong(path, "a number", v),
        };
        self.fail(error);
        None
    }
}

impl Obj<'_> {
    /// The field's value; `None` when absent or null (both mean "default").
    pub(crate) fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(self.value, &JsValue::from_str(key)).ok()?;
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }
}

fn raw_poll(value: &JsValue) -> Result<RawPoll, ConfigError> {
    let mut r = Reader::default();
    let raw = read_poll(&mut r, value);
    match r.error {
        Some(error) => Err(error),
        None => Ok(raw),
    }
}

/// The definition's fields in the order errors are reported; meaningless
/// (but harmless) once `r` holds an error.
fn read_poll(r: &mut Reader, value: &JsValue) -> RawPoll {
    let mut raw = RawPoll {
        id: String::new(),
        question: String::new(),
        mode: Default::default(),
        max_choices: None,
        options: Vec::new(),
        opens_at: None,
        closes_at: None,
        closed: false,
        results: Default::default(),
        order: Default::default(),
        results_order: Default::default(),
        allow_change: false,
        counts: None,
        voters: None,
    };
    let Some(o) = r.object(value, "", POLL_FIELDS) else {
        return raw;
    };
    let Some(options) = r.required(&o, "options") else {
        return raw;
    };
    if !Array::is_array(&options) {
        r.fail(wrong("options", "a list", &options));
        return raw;
    }
    let list: Array = options.unchecked_into();
    for (index, item) in items(&list).enumerate() {
        let mut path = String::from("options.");
        crate::core::format::push_u64(&mut path, index as u64);
        let Some(opt) = r.object(&item, &path, OPTION_FIELDS) else {
            return raw;
        };
        let id = r.string(&opt, "id");
        let label = r.string(&opt, "label");
        if !r.ok() {
            return raw;
        }
        raw.options.push(RawOption { id, label });
    }
    if let Some(v) = o.get("counts") {
        if !is_plain_object(&v) {
            r.fail(wrong("counts", "an object", &v));
            return raw;
        }
        let mut pairs = Vec::new();
        for entry in items(&Object::entries(v.unchecked_ref::<Object>())) {
            let entry: Array = entry.unchecked_into();
            let id = entry.get(0).as_string().unwrap_or_default();
            let Some(n) = r.whole(&entry.get(1), &join("counts", &id)) else {
                return raw;
            };
            pairs.push((id, n));
        }
        raw.counts = Some(Counts(pairs));
    }
    raw.max_choices = r
        .count(&o, "max_choices")
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    raw.id = r.string(&o, "id");
    raw.question = r.string(&o, "question");
    raw.mode = r.named(&o, "mode");
    raw.opens_at = r.opt_string(&o, "opens_at");
    raw.closes_at = r.opt_string(&o, "closes_at");
    raw.closed = r.flag(&o, "closed");
    raw.results = r.named(&o, "results");
    raw.order = r.named(&o, "order");
    raw.results_order = r.named(&o, "results_order");
    raw.allow_change = r.flag(&o, "allow_change");
    raw.voters = r.count(&o, "voters");
    raw
}
