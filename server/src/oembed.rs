//! `GET /oembed?url=...`: a rich oEmbed answer, so WordPress and other
//! consumers can embed a poll from its URL. The HTML is an iframe of the
//! no-JS page, which works wherever the consumer strips scripts.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::embed::escape;
use crate::http::{error, find_poll, AppState};
use crate::store::normal_origin;

#[derive(Deserialize)]
pub struct Params {
    url: String,
    format: Option<String>,
    maxwidth: Option<u32>,
    maxheight: Option<u32>,
}

/// The origin and poll id of `https://site/polls/ID[/embed]`.
fn parse_url(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let path_at = url.len() - rest.len() + rest.find('/')?;
    let (origin, path) = url.split_at(path_at);
    let id = path.strip_prefix("/polls/")?;
    let id = id.split(['/', '?', '#']).next()?;
    (!id.is_empty()).then_some((origin, id))
}

pub async fn oembed(State(state): State<Arc<AppState>>, Query(q): Query<Params>) -> Response {
    if q.format.as_deref().is_some_and(|f| f != "json") {
        return error(
            StatusCode::NOT_IMPLEMENTED,
            "format_not_supported",
            "Only format=json is offered.",
        );
    }
    // Only this server's own pages: an answer naming another site would
    // have consumers embed whatever that site serves under our name.
    let Some((_, id)) = parse_url(&q.url)
        .filter(|(origin, _)| normal_origin(origin).as_ref() == Some(&state.config.public_origin))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "not_a_poll_url",
            "The url is not the address of a poll on this server (…/polls/ID).",
        );
    };
    let origin = &state.config.public_origin;
    let p = match find_poll(&state, id).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let width = q.maxwidth.unwrap_or(640).clamp(240, 640);
    let natural = 160 + 56 * p.poll.options.len() as u32;
    let height = q.maxheight.map_or(natural, |m| natural.min(m.max(120)));
    let src = format!("{origin}/polls/{}/embed", p.poll.id);
    let html = format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"{width}\" height=\"{height}\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>",
        escape(&src),
        escape(&p.poll.question),
    );
    Json(json!({
        "version": "1.0",
        "type": "rich",
        "provider_name": "readerpoll",
        "title": p.poll.question,
        "html": html,
        "width": width,
        "height": height,
        "cache_age": 300,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn poll_urls() {
        assert_eq!(
            parse_url("https://news.example/polls/overtime-hours/embed"),
            Some(("https://news.example", "overtime-hours"))
        );
        assert_eq!(
            parse_url("http://127.0.0.1:8080/polls/x?y#z"),
            Some(("http://127.0.0.1:8080", "x"))
        );
        assert_eq!(parse_url("https://news.example/articles/1"), None);
        assert_eq!(parse_url("javascript:alert(1)//polls/x"), None);
    }
}
