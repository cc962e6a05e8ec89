//! The admin API: add, list and close polls with a bearer token
//! (`READERPOLL_ADMIN_TOKEN`). Off, and answering 404, when no token is set.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::http::{error, read_body, AppState};
use crate::store::{now_seconds, AddError};

type Shared = Arc<AppState>;

/// Largest poll definition accepted.
const MAX_DEFINITION: usize = 64 * 1024;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/polls", get(list).post(add))
        .route("/polls/{id}/close", post(close))
}

/// Compares in time independent of where the strings differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The answer refusing the request, unless it carries the admin token.
fn refusal(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(token) = &state.config.admin_token else {
        return Some(error(
            StatusCode::NOT_FOUND,
            "admin_disabled",
            "The admin API is off; set READERPOLL_ADMIN_TOKEN to turn it on.",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if same(given.as_bytes(), token.as_bytes()) {
        None
    } else {
        let mut answer = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid bearer token is required.",
        );
        answer.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        Some(answer)
    }
}

async fn list(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(answer) = refusal(&state, &headers) {
        return answer;
    }
    match state.store.list().await {
        Ok(polls) => {
            let now = now_seconds();
            let polls: Vec<_> = polls
                .iter()
                .map(|p| {
                    json!({
                        "id": p.poll.id,
                        "question": p.poll.question,
                        "open": p.open_at(now),
                        "voters": p.tally.voters,
                    })
                })
                .collect();
            Json(json!({ "polls": polls })).into_response()
        }
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", &e),
    }
}

async fn add(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    if let Some(answer) = refusal(&state, &headers) {
        return answer;
    }
    let bytes = match read_body(body, MAX_DEFINITION, state.config.body_timeout).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return e.answer(
                "A poll definition is at most 64 KB.",
                "The definition took too long to arrive.",
            )
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "The poll is not UTF-8.",
        );
    };
    match crate::survey::add_definition(&state.store, &state.surveys, text).await {
        Ok(id) => (StatusCode::CREATED, Json(json!({ "id": id }))).into_response(),
        Err(AddError::Invalid(e)) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code.as_str(),
            &e.to_string(),
        ),
        Err(AddError::InvalidSurvey(e)) => {
            error(StatusCode::UNPROCESSABLE_ENTITY, e.code, &e.to_string())
        }
        Err(e @ AddError::Exists(_)) => error(StatusCode::CONFLICT, "poll_exists", &e.to_string()),
        Err(AddError::Storage(e)) => error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", &e),
    }
}

async fn close(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(answer) = refusal(&state, &headers) {
        return answer;
    }
    let closed = match state.store.close(&id).await {
        Ok(false) => state.surveys.close(&id).await,
        other => other,
    };
    match closed {
        Ok(true) => Json(json!({ "id": id, "open": false })).into_response(),
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            "unknown_poll",
            "There is no poll with this id.",
        ),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", &e),
    }
}
