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
use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::{ConfigError, ErrorCode};
use crate::core::format::push_joined;
use crate::core::poll::{Counts, Named, Poll, RawOption, RawPoll, OPTION_FIELDS, POLL_FIELDS};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

pub fn decode_poll(config: &JsValue) -> Result<Poll, ConfigError> {
    let value = match config.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|e| {
            let mut message = String::from("the poll definition is not valid JSON");
            if let Some(err) = e.dyn_ref::<js_sys::Error>() {
                message.push_str(": ");
                message.push_str(&String::from(err.message()));
            }
            ConfigError::new(ErrorCode::InvalidJson, message)
        })?,
        None => config.clone(),
    };
    Poll::from_raw(raw_poll(&value)?)
}

/// A plain object's field reader that knows its own path for messages.
struct Obj<'a> {
    value: &'a JsValue,
    path: &'a str,
}

fn join(path: &str, key: &str) -> String {
    let mut p = String::from(path);
    if !p.is_empty() {
        p.push('.');
    }
    p.push_str(key);
    p
}

fn wrong(path: &str, expected: &str, found: &JsValue) -> ConfigError {
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

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

impl<'a> Obj<'a> {
    /// Checks `value` is an object with only `known` fields.
    fn new(value: &'a JsValue, path: &'a str, known: &[&str]) -> Result<Self, ConfigError> {
        if !is_plain_object(value) {
            let what = if path.is_empty() {
                "the poll definition to be an object"
            } else {
                "an object"
            };
            return Err(wrong(path, what, value));
        }
        // `entries`, which the counts need anyway, rather than one more
        // import for `keys`.
        for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
            let key = entry
                .unchecked_into::<Array>()
                .get(0)
                .as_string()
                .unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let mut message = join(path, &key);
                message.push_str(": unknown field; known fields are ");
                push_joined(&mut message, known, ", ");
                return Err(ConfigError::new(ErrorCode::UnknownField, message));
            }
        }
        Ok(Obj { value, path })
    }

    /// The field's value; `None` when absent or null (both mean "default").
    fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(self.value, &JsValue::from_str(key)).ok()?;
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    fn required(&self, key: &str) -> Result<JsValue, ConfigError> {
        self.get(key).ok_or_else(|| {
            let mut message = String::from("missing field \"");
            message.push_str(&join(self.path, key));
            message.push('"');
            ConfigError::new(ErrorCode::MissingField, message)
        })
    }

    fn string(&self, key: &str) -> Result<String, ConfigError> {
        let v = self.required(key)?;
        v.as_string()
            .ok_or_else(|| wrong(&join(self.path, key), "a string", &v))
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, ConfigError> {
        self.get(key)
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| wrong(&join(self.path, key), "a string", &v))
            })
            .transpose()
    }

    fn flag(&self, key: &str) -> Result<bool, ConfigError> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| wrong(&join(self.path, key), "true or false", &v)),
        }
    }

    fn count(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        self.get(key)
            .map(|v| whole(&v, &join(self.path, key)))
            .transpose()
    }

    fn named<T: Named + Default>(&self, key: &str) -> Result<T, ConfigError> {
        Ok(self
            .name_index(key, T::NAMES)?
            .map_or_else(T::default, |i| T::VALUES[i]))
    }

    /// The position of the field's value in `names`; not generic, so the
    /// four enums share one copy of this code.
    #[inline(never)]
    fn name_index(&self, key: &str, names: &[&str]) -> Result<Option<usize>, ConfigError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let path = join(self.path, key);
        let name = v.as_string().ok_or_else(|| wrong(&path, "a string", &v))?;
        match names.iter().position(|n| *n == name) {
            Some(i) => Ok(Some(i)),
            None => {
                let mut message = path;
                message.push_str(": \"");
                message.push_str(&name);
                message.push_str("\" is not one of ");
                push_joined(&mut message, names, ", ");
                Err(ConfigError::new(ErrorCode::WrongType, message))
            }
        }
    }
}

/// A whole, non-negative number a JS number holds exactly.
fn whole(v: &JsValue, path: &str) -> Result<u64, ConfigError> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) => Ok(n as u64),
        // Past 2^53 JSON.parse has already rounded the number: refuse it as
        // too large, as the native decoder does.
        Some(n) if n.fract() == 0.0 && n > MAX_SAFE => {
            let mut message = String::from(path);
            message.push_str(": larger than 9007199254740991");
            Err(ConfigError::new(ErrorCode::CountTooLarge, message))
        }
        Some(_) => {
            let mut message = String::from(path);
            message.push_str(": expected a whole number from 0 to 9007199254740991");
            Err(ConfigError::new(ErrorCode::WrongType, message))
        }
        None => Err(wrong(path, "a number", v)),
    }
}

fn raw_poll(value: &JsValue) -> Result<RawPoll, ConfigError> {
    let o = Obj::new(value, "", POLL_FIELDS)?;
    let options_value = o.required("options")?;
    if !Array::is_array(&options_value) {
        return Err(wrong("options", "a list", &options_value));
    }
    let list: Array = options_value.unchecked_into();
    let mut options = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let mut path = String::from("options.");
        crate::core::format::push_u64(&mut path, index as u64);
        let opt = Obj::new(&item, &path, OPTION_FIELDS)?;
        options.push(RawOption {
            id: opt.string("id")?,
            label: opt.string("label")?,
        });
    }
    let counts = match o.get("counts") {
        None => None,
        Some(v) => {
            if !is_plain_object(&v) {
                return Err(wrong("counts", "an object", &v));
            }
            let mut pairs = Vec::new();
            for entry in Object::entries(v.unchecked_ref::<Object>()).iter() {
                let entry: Array = entry.unchecked_into();
                let id = entry.get(0).as_string().unwrap_or_default();
                let n = whole(&entry.get(1), &join("counts", &id))?;
                pairs.push((id, n));
            }
            Some(Counts(pairs))
        }
    };
    // Filled in field by field, in the order errors are reported, so every
    // early return drops one whole value (one shared drop) rather than
    // whichever fields happen to be done so far.
    let mut raw = RawPoll {
        id: String::new(),
        question: String::new(),
        mode: Default::default(),
        max_choices: None,
        options,
        opens_at: None,
        closes_at: None,
        closed: false,
        results: Default::default(),
        order: Default::default(),
        results_order: Default::default(),
        allow_change: false,
        counts,
        voters: None,
    };
    raw.max_choices = o
        .count("max_choices")?
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    raw.id = o.string("id")?;
    raw.question = o.string("question")?;
    raw.mode = o.named("mode")?;
    raw.opens_at = o.opt_string("opens_at")?;
    raw.closes_at = o.opt_string("closes_at")?;
    raw.closed = o.flag("closed")?;
    raw.results = o.named("results")?;
    raw.order = o.named("order")?;
    raw.results_order = o.named("results_order")?;
    raw.allow_change = o.flag("allow_change")?;
    raw.voters = o.count("voters")?;
    Ok(raw)
}
