//! Reading a survey as the backend shows it to this reader. (Responses go
//! through the vote delivery: `delivery`.)

use wasm_bindgen::JsValue;

use crate::transport::net;
use crate::transport::payload::poll_url;

/// Reads the survey resource (`{survey, open, results}`) as this reader
/// may see it (`?voter=` shows `after_vote` results to one who answered).
pub fn resource(
    endpoint: &str,
    id: &str,
    voter: &str,
    timeout_ms: u32,
    done: Box<dyn FnOnce(Option<JsValue>)>,
) {
    let mut url = poll_url(endpoint, id);
    url.push_str("?voter=");
    url.push_str(&String::from(js_sys::encode_uri_component(voter)));
    net::send(
        "GET",
        &url,
        None,
        timeout_ms,
        &JsValue::UNDEFINED,
        Box::new(move |answer| {
            done(
                (answer.status == 200)
                    .then(|| js_sys::JSON::parse(&answer.body).ok())
                    .flatten(),
            )
        }),
    );
}
