//! The one inbound decoding function: whatever shape a poll definition
//! arrives in (JSON text from a `<script>` or a `src` URL, or an object a
//! site assigned to `el.config`), it ends as a validated `Poll` or one
//! `ConfigError`. Keeping serde behind this door keeps its cost measurable.

use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::{ConfigError, ErrorCode};
use crate::core::poll::{Poll, RawPoll};
use crate::transport::jsde::from_js;

pub fn decode_poll(config: &JsValue) -> Result<Poll, ConfigError> {
    let value = if let Some(text) = config.as_string() {
        js_sys::JSON::parse(&text).map_err(|e| {
            let mut message = String::from("the poll definition is not valid JSON");
            if let Some(err) = e.dyn_ref::<js_sys::Error>() {
                message.push_str(": ");
                message.push_str(&String::from(err.message()));
            }
            ConfigError::new(ErrorCode::InvalidJson, message)
        })?
    } else {
        config.clone()
    };
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(ConfigError::new(
            ErrorCode::WrongType,
            "the poll definition must be a JSON object",
        ));
    }
    let raw: RawPoll = from_js(value)?;
    Poll::from_raw(raw)
}
