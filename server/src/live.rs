//! `GET /polls/{id}/events`: Server-Sent Events with the poll's tally, or
//! a survey's per-question results (`{open, results}`, as its resource).
//!
//! Each stream looks at the store at most twice a second and sends only when
//! the tally changed, so a viral poll costs a reader at most two small
//! messages a second however many votes arrive, on either backend (another
//! process may have counted the votes). A survey's streams share one read
//! of it a tick (`survey::feed`).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use readerpoll::core::wire::TallyBody;
use serde_json::json;

use crate::http::token;
use crate::http::{find_poll, results_visible, voter_param, AppState};
use crate::store::now_seconds;
use crate::survey::feed::Feed;
use crate::survey::http::results_allowed;
use crate::survey::{results_json, SurveyState};
use readerpoll::core::poll::ResultsVisibility;

pub const INTERVAL: Duration = Duration::from_millis(500);

/// How often, in ticks, an `after_vote` stream asks whether its reader has
/// voted yet (a query each time): every 5 s rather than every tick.
const VOTED_EVERY: u32 = 10;

/// One stream's state between ticks.
struct Stream {
    state: Arc<AppState>,
    id: String,
    /// The survey's feed when the id names a survey, not a poll: its
    /// streams share one read a tick.
    survey: Option<Feed<SurveyState>>,
    voter: Option<String>,
    /// The reader has a vote in the poll (once true, it stays true).
    voted: bool,
    ticks: u32,
    /// What was last sent; `None` before the first event.
    last: Option<serde_json::Value>,
}

impl Stream {
    /// Whether the reader's vote is known, asking the store on the first
    /// tick and then every `VOTED_EVERY` ticks, only while it matters.
    async fn reader_voted(&mut self) -> bool {
        let Some(voter) = self.voter.as_deref() else {
            return false;
        };
        if !self.voted && self.ticks.is_multiple_of(VOTED_EVERY) {
            self.voted = token(voter)
                && if self.survey.is_some() {
                    self.state.surveys.has_responded(&self.id, voter).await
                } else {
                    self.state.store.has_voted(&self.id, voter).await
                }
                .unwrap_or(false);
        }
        self.voted
    }

    /// What this reader may see now: the numbers only as the results
    /// policy allows, so a hidden tally does not leak, not even as the
    /// timing of events. `None` when the poll or survey is gone or the
    /// store failed.
    async fn seen(&mut self) -> Option<serde_json::Value> {
        let now = now_seconds();
        if let Some(feed) = &mut self.survey {
            let survey = feed.latest().await?;
            let mut visible = results_allowed(&survey, false, now);
            if !visible && survey.survey.results == ResultsVisibility::AfterVote {
                visible = self.reader_voted().await;
            }
            let mut seen = json!({ "open": survey.open_at(now) });
            if visible {
                seen["results"] = results_json(&survey.survey, &survey.tally);
            }
            return Some(seen);
        }
        let p = self.state.store.get(&self.id).await.ok().flatten()?;
        let mut visible = results_visible(&p.poll, now, false);
        if !visible && p.poll.results == ResultsVisibility::AfterVote {
            visible = self.reader_voted().await;
        }
        let mut seen = json!({ "open": p.open_at(now) });
        if visible {
            seen["tally"] = json!(TallyBody::from_tally(&p.poll, &p.tally));
        }
        Some(seen)
    }
}

pub async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let survey = match find_poll(&state, &id).await {
        Ok(_) => None,
        Err(answer) => match state.surveys.get(&id).await {
            Ok(Some(_)) => Some(state.surveys.watch(&id)),
            _ => return answer,
        },
    };
    let start = Stream {
        state,
        id,
        survey,
        voter: voter_param(query.as_deref()).filter(|v| !v.is_empty()),
        voted: false,
        ticks: 0,
        last: None,
    };
    let stream = futures_util::stream::unfold(start, |mut s| async move {
        loop {
            if s.last.is_some() {
                tokio::time::sleep(INTERVAL).await;
            }
            // A poll that disappears, or a store that fails, ends the stream;
            // EventSource reconnects by itself.
            let seen = s.seen().await?;
            s.ticks = s.ticks.wrapping_add(1);
            if s.last.as_ref() != Some(&seen) {
                let event = Event::default().event("tally").data(seen.to_string());
                s.last = Some(seen);
                return Some((Ok::<_, Infallible>(event), s));
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
