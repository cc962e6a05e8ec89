//! A survey response goes through the same delivery as a vote: its answers
//! line (`core::answers`) is the vote's one choice, so it is kept in the
//! outbox until the backend's final answer, tried again with the same key,
//! and counted once across tabs. What the machine tells a poll's widget is
//! read here as what the survey must hear.

use crate::core::machine::Event;

/// What became of the reader's response, as a survey hears it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// This copy's response was counted: the flow's `Accepted`, announced
    /// (`poll-voted`) here.
    Counted,
    /// The response the backend counted is another one of this reader's
    /// (another tab's, sent at the same moment), as its answers line: the
    /// survey shows those answers as done, and does not announce them.
    CountedElsewhere(String),
    /// Refused for good, with the backend's message: the flow's `Refused`.
    Refused(String),
}

/// What the survey hears of a told `event`. Everything else leaves the
/// response on its way: kept in the outbox and sent again (offline, a
/// retry, a try from another tab), which the survey shows as it is,
/// sending.
pub fn fate(event: Event) -> Option<Fate> {
    match event {
        Event::Accepted(_) => Some(Fate::Counted),
        Event::Settled(choices) => Some(Fate::CountedElsewhere(
            choices.into_iter().next().unwrap_or_default(),
        )),
        Event::Refused(message) | Event::AlreadyCounted(message) => Some(Fate::Refused(message)),
        _ => None,
    }
}
