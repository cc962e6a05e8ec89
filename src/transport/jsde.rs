//! A serde `Deserializer` over plain JS values (what `JSON.parse` returns).
//!
//! It replaces serde-wasm-bindgen for one measured reason: serde's stock
//! error messages format floats (`Unexpected::Float`), and that alone drags
//! ~15 KB of float-printing code into the wasm. This deserializer never hands
//! a float to a visitor (non-integers are refused: every number in our
//! schemas is a count), builds its own messages, and names the path of the
//! offending value ("options.2.label") so an editor can find it.

use std::fmt::Display;

use js_sys::{Array, Object};
use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::{ConfigError, ErrorCode};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

#[derive(Debug)]
pub struct DeError {
    error: ConfigError,
    /// Where it happened, innermost segment first.
    path: Vec<String>,
}

impl DeError {
    fn new(code: ErrorCode, message: String) -> Self {
        DeError {
            error: ConfigError::new(code, message),
            path: Vec::new(),
        }
    }

    fn at(mut self, segment: &str) -> Self {
        self.path.push(segment.to_owned());
        self
    }

    /// The error with its path written in front: "options.2.label: ...".
    fn into_config_error(self) -> ConfigError {
        if self.path.is_empty() {
            return self.error;
        }
        let mut message = String::new();
        for (i, segment) in self.path.iter().rev().enumerate() {
            if i > 0 {
                message.push('.');
            }
            message.push_str(segment);
        }
        message.push_str(": ");
        message.push_str(&self.error.message);
        ConfigError::new(self.error.code, message)
    }
}

impl Display for DeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for DeError {}

fn what(unexp: &Unexpected) -> &'static str {
    match unexp {
        Unexpected::Bool(_) => "true or false",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a list",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

fn quoted_list(out: &mut String, items: &[&str]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(item);
        out.push('"');
    }
}

impl de::Error for DeError {
    fn custom<T: Display>(msg: T) -> Self {
        DeError::new(ErrorCode::WrongType, msg.to_string())
    }

    // Overridden so serde's default wording (which prints floats) is unused.
    fn invalid_type(unexp: Unexpected, exp: &dyn Expected) -> Self {
        let mut message = String::from("expected ");
        message.push_str(&exp.to_string());
        message.push_str(", found ");
        message.push_str(what(&unexp));
        DeError::new(ErrorCode::WrongType, message)
    }

    fn invalid_value(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::invalid_type(unexp, exp)
    }

    fn invalid_length(_len: usize, exp: &dyn Expected) -> Self {
        let mut message = String::from("expected ");
        message.push_str(&exp.to_string());
        DeError::new(ErrorCode::WrongType, message)
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let mut message = String::from("\"");
        message.push_str(variant);
        message.push_str("\" is not one of ");
        quoted_list(&mut message, expected);
        DeError::new(ErrorCode::WrongType, message)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let mut message = String::from("unknown field \"");
        message.push_str(field);
        message.push_str("\"; known fields are ");
        quoted_list(&mut message, expected);
        DeError::new(ErrorCode::UnknownField, message)
    }

    fn missing_field(field: &'static str) -> Self {
        let mut message = String::from("missing field \"");
        message.push_str(field);
        message.push('"');
        DeError::new(ErrorCode::MissingField, message)
    }

    fn duplicate_field(field: &'static str) -> Self {
        let mut message = String::from("field \"");
        message.push_str(field);
        message.push_str("\" appears twice");
        DeError::new(ErrorCode::WrongType, message)
    }
}

/// Deserializes one JS value.
///
/// Each `deserialize_*` accepts only its own JS type and refuses the rest
/// with a non-generic error, so every visitor instantiates one path instead
/// of all seven: most of this module's size saving comes from that.
pub struct JsDeserializer(pub JsValue);

/// "expected X, found Y", built outside any generic code.
#[inline(never)]
fn expected(what: &str, found: &JsValue) -> DeError {
    let mut message = String::from("expected ");
    message.push_str(what);
    message.push_str(", found ");
    message.push_str(kind_of(found));
    DeError::new(ErrorCode::WrongType, message)
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
        "an object"
    }
}

/// A whole, non-negative, exactly representable number.
#[inline(never)]
fn whole(v: &JsValue) -> Result<u64, DeError> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) => Ok(n as u64),
        Some(_) => Err(DeError::new(
            ErrorCode::WrongType,
            String::from("expected a whole number from 0 to 9007199254740991"),
        )),
        None => Err(expected("a number", v)),
    }
}

#[inline(never)]
fn string(v: &JsValue) -> Result<String, DeError> {
    v.as_string().ok_or_else(|| expected("a string", v))
}

#[inline(never)]
fn seq(v: JsValue) -> Result<Seq, DeError> {
    if Array::is_array(&v) {
        Ok(Seq {
            array: v.unchecked_into(),
            next: 0,
        })
    } else {
        Err(expected("a list", &v))
    }
}

#[inline(never)]
fn map(v: JsValue) -> Result<Map, DeError> {
    if v.is_object() && !Array::is_array(&v) {
        Ok(Map {
            entries: Object::entries(v.unchecked_ref()),
            next: 0,
            key: String::new(),
            value: JsValue::UNDEFINED,
        })
    } else {
        Err(expected("an object", &v))
    }
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.0;
        if v.is_string() {
            visitor.visit_string(string(&v)?)
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if v.as_f64().is_some() {
            visitor.visit_u64(whole(&v)?)
        } else if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if Array::is_array(&v) {
            visitor.visit_seq(seq(v)?)
        } else {
            visitor.visit_map(map(v)?)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(expected("true or false", &self.0)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(whole(&self.0)?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(whole(&self.0)?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(string(&self.0)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(string(&self.0)?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(string(&self.0)?)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(seq(self.0)?)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(map(self.0)?)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_map(map(self.0)?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(UnitVariant(string(&self.0)?))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u128 f32 f64 char
        bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

struct Seq {
    array: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Seq {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let index = self.next;
        self.next += 1;
        seed.deserialize(JsDeserializer(self.array.get(index)))
            .map(Some)
            .map_err(|e| {
                let mut segment = String::new();
                crate::core::format::push_u64(&mut segment, u64::from(index));
                e.at(&segment)
            })
    }
}

struct Map {
    entries: Array,
    next: u32,
    key: String,
    value: JsValue,
}

impl<'de> MapAccess<'de> for Map {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let entry: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.key = entry.get(0).as_string().unwrap_or_default();
        self.value = entry.get(1);
        seed.deserialize(self.key.clone().into_deserializer())
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = std::mem::replace(&mut self.value, JsValue::UNDEFINED);
        seed.deserialize(JsDeserializer(value))
            .map_err(|e| e.at(&self.key))
    }
}

/// An enum written as its variant's name: `"mode": "single"`.
struct UnitVariant(String);

impl<'de> EnumAccess<'de> for UnitVariant {
    type Error = DeError;
    type Variant = UnitOnly;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, UnitOnly), DeError> {
        let value = seed.deserialize(self.0.into_deserializer())?;
        Ok((value, UnitOnly))
    }
}

struct UnitOnly;

impl<'de> de::VariantAccess<'de> for UnitOnly {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, DeError> {
        Err(DeError::new(
            ErrorCode::WrongType,
            String::from("expected a name"),
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _v: V) -> Result<V::Value, DeError> {
        Err(DeError::new(
            ErrorCode::WrongType,
            String::from("expected a name"),
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, DeError> {
        Err(DeError::new(
            ErrorCode::WrongType,
            String::from("expected a name"),
        ))
    }
}

/// Decodes any `Deserialize` type from a JS value.
pub fn from_js<T: de::DeserializeOwned>(value: JsValue) -> Result<T, ConfigError> {
    T::deserialize(JsDeserializer(value)).map_err(DeError::into_config_error)
}
