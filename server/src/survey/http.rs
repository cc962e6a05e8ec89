//! Surveys over the JSON protocol: `GET /api/polls/ID` and
//! `POST /api/polls/ID/votes` answer for a survey when the id is not a
//! poll's, with the survey body (`answers` by question id) and per-question
//! results (docs/protocol.md).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use readerpoll::core::poll::ResultsVisibility;
use readerpoll::core::question::RawAnswer;
use serde::Deserialize;
use serde_json::json;

use super::{results_json, RespondError, ResponseRequest, SurveyState};
use crate::http::{bad_key, error, posted_json, rate_limited, token, with_retry_after, AppState};
use crate::store::now_seconds;

/// Largest response body: twenty questions with long written answers.
pub const MAX_SURVEY_BODY: usize = 64 * 1024;

/// A response as the widget posts it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseBody {
    answers: BTreeMap<String, RawAnswer>,
    key: String,
    #[serde(default)]
    voter: String,
}

/// Whether the results may go to this reader, by the survey's policy:
/// `voted` when the request proved a counted response.
pub fn results_allowed(state: &SurveyState, voted: bool, now: i64) -> bool {
    let closed = !state.open_at(now) && !state.survey.not_yet_open_at(now);
    match state.survey.results {
        ResultsVisibility::Always => true,
        ResultsVisibility::AfterVote => voted || closed,
        ResultsVisibility::AfterClose => closed,
        ResultsVisibility::Never => false,
    }
}

/// The survey resource: its definition, whether it is open, and (where the
/// policy allows) its results.
pub fn resource(state: &SurveyState, voted: bool) -> Response {
    let now = now_seconds();
    let mut body = json!({
        "survey": *state.definition,
        "open": state.open_at(now),
    });
    if results_allowed(state, voted, now) {
        body["results"] = results_json(&state.survey, &state.tally);
    }
    Json(body).into_response()
}

pub async fn post_response(
    state: &AppState,
    peer: SocketAddr,
    id: String,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    if let Some(refusal) = rate_limited(state, peer, headers, "responses") {
        return refusal;
    }
    let response: ResponseBody =
        match posted_json(state, headers, body, MAX_SURVEY_BODY, "response").await {
            Ok(response) => response,
            Err(refusal) => return refusal,
        };
    if let Some(refusal) = bad_key(&response.key, "response") {
        return refusal;
    }
    if !token(&response.voter) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_vote",
            "The voter must be a token of up to 64 letters, digits and dashes.",
        );
    }
    let result = state
        .surveys
        .respond(ResponseRequest {
            survey: id,
            key: response.key,
            voter: response.voter,
            answers: response.answers,
        })
        .await;
    match result {
        Ok(ok) => {
            let status = if ok.counted {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let now = now_seconds();
            let mut body = json!({"counted": ok.counted});
            if results_allowed(&ok.state, true, now) {
                body["results"] = results_json(&ok.state.survey, &ok.state.tally);
            }
            (status, Json(body)).into_response()
        }
        Err(e) => respond_error(e),
    }
}

fn respond_error(e: RespondError) -> Response {
    match e {
        RespondError::UnknownSurvey => error(
            StatusCode::NOT_FOUND,
            "unknown_poll",
            "There is no poll or survey with this id.",
        ),
        RespondError::Closed => error(
            StatusCode::FORBIDDEN,
            "poll_closed",
            "This survey is closed.",
        ),
        RespondError::NotOpenYet => error(
            StatusCode::FORBIDDEN,
            "poll_not_open",
            "This survey is not open yet.",
        ),
        RespondError::Invalid(e) => {
            let message = if e.path.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.path, e.message)
            };
            error(StatusCode::UNPROCESSABLE_ENTITY, e.code, &message)
        }
        RespondError::AlreadyResponded => error(
            StatusCode::CONFLICT,
            "already_voted",
            "You have already answered this survey.",
        ),
        RespondError::Storage(e) => {
            tracing::error!(error = %e, "a survey response could not be stored");
            with_retry_after(
                error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Responses cannot be stored right now; try again shortly.",
                ),
                2,
            )
        }
    }
}
