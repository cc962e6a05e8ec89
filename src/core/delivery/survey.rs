//! A survey response goes through the same delivery as a vote: its answers
//! line (`core::answers`) is the vote's one choice, so it is kept in the
//! outbox until the backend's final answer, tried again with the same key,
//! and counted once across tabs. What the machine tells a poll's widget is
//! read here as the survey flow's events.

use crate::core::machine::Event;
use crate::core::survey_flow::Event as FlowEvent;

/// What the reader's survey flow hears of a told `event`: counted (by this
/// copy's try, or another tab's), or refused for good with the backend's
/// message. Everything else leaves the response on its way: kept in the
/// outbox and sent again (offline, a retry, a try from another tab), which
/// the flow shows as it is, sending.
pub fn flow_event(event: Event) -> Option<FlowEvent> {
    match event {
        Event::Accepted(_) | Event::Settled(_) => Some(FlowEvent::Accepted),
        Event::Refused(message) | Event::AlreadyCounted(message) => {
            Some(FlowEvent::Refused(message))
        }
        _ => None,
    }
}
