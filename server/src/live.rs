//! `GET /polls/{id}/events`: Server-Sent Events with the poll's tally.
//!
//! Each stream looks at the store at most twice a second and sends only when
//! the tally changed, so a viral poll costs a reader at most two small
//! messages a second however many votes arrive, on either backend (another
//! process may have counted the votes).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use readerpoll::core::wire::TallyBody;
use serde_json::json;

use crate::http::{find_poll, visible_to, AppState, ReaderParams};
use crate::store::now_seconds;

const INTERVAL: Duration = Duration::from_millis(500);

pub async fn events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(reader): Query<ReaderParams>,
) -> Response {
    if let Err(answer) = find_poll(&state, &id).await {
        return answer;
    }
    let voter = reader.voter;
    let start = (state, id, voter, None::<serde_json::Value>);
    let stream = futures_util::stream::unfold(start, |(state, id, voter, last)| async move {
        loop {
            if last.is_some() {
                tokio::time::sleep(INTERVAL).await;
            }
            // A poll that disappears, or a store that fails, ends the stream;
            // EventSource reconnects by itself.
            let p = state.store.get(&id).await.ok().flatten()?;
            let now = now_seconds();
            // What this reader may see: the numbers only as the poll's
            // results policy allows, so a hidden tally does not leak, not
            // even as the timing of events.
            let mut seen = json!({ "open": p.open_at(now) });
            if visible_to(&state, &p, now, voter.as_deref()).await {
                seen["tally"] = json!(TallyBody::from_tally(&p.poll, &p.tally));
            }
            if last.as_ref() != Some(&seen) {
                let event = Event::default().event("tally").data(seen.to_string());
                return Some((Ok::<_, Infallible>(event), (state, id, voter, Some(seen))));
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
