//! The only `#[wasm_bindgen]` exports: what `www/reader-poll.js` calls.
//! Everything a page can reach goes through here, so panics are fenced
//! here too (`panic = "abort"` turns one into a trap the element catches).
//!
//! Built with the `survey` feature, the crate exports `mount_survey` and
//! nothing of the poll's: the element loads that build only for surveys.

#[cfg(not(feature = "survey"))]
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, Node};

#[cfg(not(feature = "survey"))]
use crate::core::error::{ConfigError, ErrorCode};
#[cfg(not(feature = "survey"))]
use crate::core::locale::{locale_for, Texts};
#[cfg(not(feature = "survey"))]
use crate::core::outbox::{endpoint_allowed, Protocol};
#[cfg(not(feature = "survey"))]
use crate::dom::{Options, Widget};
#[cfg(not(feature = "survey"))]
use crate::transport::decode::decode_poll;
#[cfg(not(feature = "survey"))]
use crate::transport::net::{field, DEFAULT_TIMEOUT_MS};

/// A mounted poll, held by the element. `free()` (or garbage collection
/// of the handle) removes every node and listener it made.
#[cfg(not(feature = "survey"))]
#[wasm_bindgen]
pub struct PollHandle {
    widget: Option<Widget>,
}

#[cfg(not(feature = "survey"))]
impl PollHandle {
    /// What the element's `free()` of the handle does (it drops the
    /// widget); for Rust callers, which keep the handle. Not exported: the
    /// element frees the handle instead, one export fewer.
    pub fn destroy(&mut self) {
        self.widget = None;
    }
}

#[cfg(not(feature = "survey"))]
#[wasm_bindgen]
impl PollHandle {
    /// The host page's answer for a vote it took over by cancelling
    /// `poll-vote`: `ok`, or a refusal with a message (a string) for the
    /// reader. Taken as a JS value and read here: an `Option<String>`
    /// argument costs its conversion in the glue and the wasm.
    #[wasm_bindgen(js_name = resolveVote)]
    pub fn resolve_vote(&self, ok: bool, message: JsValue) {
        if let Some(w) = &self.widget {
            w.resolve_vote(ok, message.as_string());
        }
    }

    /// A live update from the server, `{tally, open}` as the protocol's
    /// poll resource has them; malformed updates are ignored.
    #[wasm_bindgen(js_name = applyUpdate)]
    pub fn apply_update(&self, update: JsValue) {
        if let Some(w) = &self.widget {
            w.apply_update(&update);
        }
    }

    /// The poll id, once a definition loaded (else `undefined`). A JS
    /// value: an `Option<String>` result costs its conversion in the glue.
    #[wasm_bindgen(getter)]
    pub fn poll(&self) -> JsValue {
        match self.widget.as_ref().and_then(Widget::poll_id) {
            Some(id) => JsValue::from_str(&id),
            None => JsValue::UNDEFINED,
        }
    }
}

/// Mounts a poll into `root` (the host's shadow root).
///
/// `config` is JSON text, an object, or `undefined` when loading failed;
/// `options` may carry `lang` (a BCP 47 tag), `texts` (message overrides by
/// name), `error` (why the element could not fetch the definition), `fresh`
/// (the definition's numbers were just read from the endpoint, so there is
/// no need to ask again), and for WP-Polls `nonce`, `voted`
/// (comma-separated option ids) and `adapt` (how its votes travel: see
/// `transport::net`).
#[cfg(not(feature = "survey"))]
#[wasm_bindgen]
pub fn mount(host: HtmlElement, root: Node, config: JsValue, options: JsValue) -> PollHandle {
    let lang = field(&options, "lang").as_string().unwrap_or_default();
    let mut texts = Texts::new(locale_for(&lang));
    let overrides = field(&options, "texts");
    if overrides.is_object() {
        let overrides: Object = overrides.unchecked_into();
        for entry in crate::transport::net::items(&Object::entries(&overrides)) {
            // `Array::get` (already imported for decoding) rather than
            // `Reflect::get_u32`: one import less.
            let entry: Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                texts.set(&k, &v);
            }
        }
    }
    let endpoint = field(&options, "endpoint")
        .as_string()
        .filter(|e| !e.is_empty());
    let protocol_name = field(&options, "protocol").as_string().unwrap_or_default();
    let protocol = Protocol::from_name(&protocol_name);
    let poll = match field(&options, "error").as_string() {
        Some(reason) => Err(ConfigError::new(ErrorCode::LoadFailed, reason)),
        None if endpoint.as_deref().is_some_and(|e| !endpoint_allowed(e)) => Err(ConfigError::new(
            ErrorCode::BadEndpoint,
            "the endpoint must be an https:// URL (or http:// on localhost)",
        )),
        None if protocol.is_none() => Err(ConfigError::new(
            ErrorCode::BadEndpoint,
            "protocol must be json, form or wp-polls",
        )),
        None if config.is_undefined() || config.is_null() => Err(ConfigError::new(
            ErrorCode::LoadFailed,
            "no poll definition: add a <script type=\"application/json\"> child or a src attribute",
        )),
        None => decode_poll(&config),
    };
    PollHandle {
        widget: Some(Widget::mount(
            host,
            &root,
            poll,
            Options {
                lang,
                texts,
                endpoint,
                protocol: protocol.unwrap_or(Protocol::Json),
                nonce: field(&options, "nonce").as_string(),
                voted: field(&options, "voted")
                    .as_string()
                    .map(|ids| crate::core::format::id_list(&ids)),
                timeout_ms: field(&options, "timeout")
                    .as_f64()
                    .filter(|t| *t >= 1.0 && *t <= 120_000.0)
                    .map_or(DEFAULT_TIMEOUT_MS, |t| t as u32),
                fresh: field(&options, "fresh").as_bool() == Some(true),
                adapt: field(&options, "adapt"),
            },
        )),
    }
}

/// A mounted survey, held by the element; `free()` removes every node,
/// listener and timer it made. Answers stay in the browser's storage.
#[cfg(feature = "survey")]
#[wasm_bindgen]
pub struct SurveyHandle {
    widget: Option<crate::dom::survey::SurveyWidget>,
}

#[cfg(feature = "survey")]
impl SurveyHandle {
    /// As `PollHandle::destroy`: the element frees the handle instead.
    pub fn destroy(&mut self) {
        self.widget = None;
    }
}

#[cfg(feature = "survey")]
#[wasm_bindgen]
impl SurveyHandle {
    /// The host page's answer for a response it took over by cancelling
    /// `poll-vote` (the message read as the poll's `resolveVote` reads it).
    #[wasm_bindgen(js_name = resolveVote)]
    pub fn resolve_vote(&self, ok: bool, message: JsValue) {
        if let Some(w) = &self.widget {
            w.resolve_vote(ok, message.as_string());
        }
    }

    /// A live update from the server's event stream, `{open, results}`
    /// as the survey resource has them; malformed updates are ignored.
    #[wasm_bindgen(js_name = applyUpdate)]
    pub fn apply_update(&self, update: JsValue) {
        if let Some(w) = &self.widget {
            w.apply_update(&update);
        }
    }

    /// The survey id, once a definition loaded.
    #[wasm_bindgen(getter)]
    pub fn poll(&self) -> Option<String> {
        self.widget
            .as_ref()
            .and_then(crate::dom::survey::SurveyWidget::survey_id)
    }
}

/// Mounts a survey into `root` (the host's shadow root). `config` is the
/// definition (JSON text or an object); `options` as for `mount`: `lang`,
/// `texts`, `endpoint`, `protocol`, `error`, and `results` (the server's
/// per-question results read with the definition).
#[cfg(feature = "survey")]
#[wasm_bindgen]
pub fn mount_survey(
    host: HtmlElement,
    root: Node,
    config: JsValue,
    options: JsValue,
) -> SurveyHandle {
    SurveyHandle {
        widget: Some(crate::dom::survey::SurveyWidget::mount(
            host, &root, &config, &options,
        )),
    }
}
