//! `GET /polls/{id}/events`: Server-Sent Events with the poll's tally.
//!
//! Each stream looks at the store at most twice a second and sends only when
//! the tally changed, so a viral poll costs a reader at most two small
//! messages a second however many votes arrive, on either backend (another
//! process may have counted the votes).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use readerpoll::core::wire::TallyBody;
use serde_json::json;

use crate::http::{find_poll, AppState};
use crate::store::now_seconds;

const INTERVAL: Duration = Duration::from_millis(500);

pub async fn events(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    if let Err(answer) = find_poll(&state, &id).await {
        return answer;
    }
    let start = (state, id, None::<(TallyBody, bool)>);
    let stream = futures_util::stream::unfold(start, |(state, id, last)| async move {
        loop {
            if last.is_some() {
                tokio::time::sleep(INTERVAL).await;
            }
            // A poll that disappears, or a store that fails, ends the stream;
            // EventSource reconnects by itself.
            let p = state.store.get(&id).await.ok().flatten()?;
            let now = (
                TallyBody::from_tally(&p.poll, &p.tally),
                p.open_at(now_seconds()),
            );
            if last.as_ref() != Some(&now) {
                let data = json!({ "tally": now.0, "open": now.1 }).to_string();
                let event = Event::default().event("tally").data(data);
                return Some((Ok::<_, Infallible>(event), (state, id, Some(now))));
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
