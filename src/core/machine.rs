//! The widget's behaviour as a pure state machine: `step(state, event)`
//! changes the state and returns the effects the browser layer must carry
//! out. Nothing here knows about the DOM, storage or the network, so every
//! path (including refusals and rollbacks) is tested natively.

use crate::core::ballot::{indices_of, Selection, ToggleError};
use crate::core::error::ConfigError;
use crate::core::poll::{Poll, ResultsVisibility};
use crate::core::tally::{Tally, WireTally};

/// What the reader is looking at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Options to choose from.
    Ballot,
    /// The vote is on its way; the optimistic tally is shown.
    Sending,
    /// The reader has voted (or asked to see the results).
    Results,
    /// The poll takes no votes (closed, or not open yet).
    Closed,
}

/// A short message shown under the ballot or the results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The reader ticked one option too many.
    TooMany(usize),
    /// The reader pressed Vote with nothing chosen.
    ChooseOne,
    /// This browser has already voted.
    AlreadyVoted,
    /// The backend refused the vote; its message, shown as text.
    Refused(String),
}

/// A poll that loaded: everything the view needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub poll: Poll,
    /// The last tally the backend vouched for (at first, the published one).
    pub server: Tally,
    /// The reader's own ballot, if they have voted from this browser.
    pub mine: Option<Vec<usize>>,
    /// Whether `server` may already hold `mine`: then it is not added on
    /// top. Only numbers read before this copy sent its vote cannot hold it
    /// (and the page's own numbers, which predate any reader's vote).
    pub mine_counted: bool,
    /// Whether `server` came from the backend (rather than the page).
    pub current: bool,
    pub selection: Selection,
    pub phase: Phase,
    pub notice: Option<Notice>,
    /// The ballot before the one being sent, restored if the send is refused.
    pub previous: Option<Vec<usize>>,
    /// A send failed and will be retried: the vote is safe on this device.
    pub waiting: bool,
    /// ...or, where storage could not take it, in this page only.
    pub unsaved: bool,
    /// The backend says this reader has voted, with a ballot this browser
    /// does not know (it answered "already voted").
    pub voted_unknown: bool,
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum State {
    Loading,
    Live(Box<Live>),
    Failed(ConfigError),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The definition is known. `stored` is the ballot this browser recorded
    /// earlier (option ids); `now` is unix seconds. `current`: the poll's
    /// tally was read from the backend just now, so a stored ballot that
    /// reached it is already in it (numbers from the page may be older).
    Loaded {
        poll: Box<Poll>,
        stored: Option<Vec<String>>,
        now: i64,
        current: bool,
    },
    /// The definition could not be loaded or was invalid.
    LoadFailed(ConfigError),
    Toggle(usize),
    Submit,
    /// The backend counted the vote; `Some` carries its new tally.
    Accepted(Option<WireTally>),
    /// The backend refused the vote for good; the message is shown.
    Refused(String),
    /// A fresh tally from the backend, outside of voting.
    Snapshot {
        tally: WireTally,
        closed: bool,
    },
    ViewResults,
    BackToVote,
    ChangeVote,
    /// Time passed: polls open and close at their dates with no timer.
    Tick(i64),
    /// A send failed in a way worth retrying; the vote waits in the outbox.
    Retrying,
    /// Storage could not keep the reader's vote: it lives in this page only.
    NotKept,
    /// The backend already had this reader's vote; its message.
    AlreadyCounted(String),
    /// A vote of the reader's is on its way (option ids): cast in another
    /// tab or copy, or on an earlier visit. Whether the backend has it yet is
    /// unknown, so it is not added to numbers read from the backend.
    Resending(Vec<String>),
    /// The reader's ballot (option ids), as the backend counted it from
    /// another tab or copy, or as this browser keeps it; nothing to
    /// announce here.
    Settled(Vec<String>),
    /// This browser voted in the same poll elsewhere (another copy on the
    /// page, another tab) since this copy loaded; option ids.
    VotedElsewhere(Vec<String>),
}

/// Something the browser layer must do. Rendering is not an effect: the
/// view is re-rendered after every step.
///
/// Effects carry no data: what they act on is in the state they leave
/// behind (`Live::mine`, `State::Failed`), which the browser layer reads
/// when it runs them. Copies of ballots in effects would only be more to
/// allocate, compare and drop, and could disagree with the state. What this
/// browser keeps of a vote is the delivery machine's (`core::delivery`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Announce the vote in `Live::mine` (`poll-vote`) and, unless the host
    /// takes over, send it. A changed vote replaces `Live::previous`.
    Send,
    /// Tell screen-reader users something once, through the live region.
    Announce(Announcement),
    /// Move focus, after the element it had is gone.
    Focus(FocusTarget),
    /// Fire `poll-ready`.
    Ready,
    /// Fire `poll-error` and log the reason in `State::Failed`.
    ReportError,
    /// Fire `poll-voted`.
    Voted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement {
    VoteCounted,
    Refused,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusTarget {
    /// The results heading, after voting or "View results".
    Results,
    /// The first option, after "Back to vote".
    Ballot,
    /// The notice, after a refusal.
    Notice,
}

impl Live {
    /// The tally to show: the server's, plus the reader's ballot while the
    /// server has not yet counted it (optimistic).
    pub fn shown_tally(&self) -> Tally {
        match (&self.mine, self.mine_counted) {
            (Some(mine), false) => self.server.with(mine),
            _ => self.server.clone(),
        }
    }

    pub fn is_open(&self) -> bool {
        self.poll.is_open_at(self.now)
    }

    pub fn has_voted(&self) -> bool {
        self.mine.is_some() || self.voted_unknown
    }

    /// Whether the results policy lets this reader see the numbers now.
    pub fn results_visible(&self) -> bool {
        let closed = !self.is_open() && !self.poll.not_yet_open_at(self.now);
        match self.poll.results {
            ResultsVisibility::Always => true,
            ResultsVisibility::AfterVote => self.has_voted() || closed,
            ResultsVisibility::AfterClose => closed,
            ResultsVisibility::Never => false,
        }
    }

    /// Whether a "View results" link belongs on the ballot.
    pub fn can_peek(&self) -> bool {
        self.poll.results == ResultsVisibility::Always
    }

    pub fn can_change_vote(&self) -> bool {
        self.poll.allow_change && self.is_open() && self.has_voted()
    }

    /// Back to the reader's vote from before this ballot (none, for a
    /// first vote) and the phase that goes with it.
    fn restore_previous(&mut self) {
        self.mine = self.previous.take();
        self.selection = Selection::from_indices(self.mine.clone().unwrap_or_default());
        self.phase = self.resting_phase();
    }

    /// Shows `ids` as the reader's ballot, one this copy did not send: the
    /// numbers the backend gave may hold it already, so it is not added.
    fn take_ballot(&mut self, ids: &[String]) {
        let mine = indices_of(&self.poll, ids);
        // Options this copy does not have (a definition edited since it
        // loaded): they voted, as far as this copy can tell.
        self.voted_unknown = mine.is_empty();
        self.selection = Selection::from_indices(mine.clone());
        self.mine = (!mine.is_empty()).then_some(mine);
        self.mine_counted = self.current;
        self.waiting = false;
    }

    fn resting_phase(&self) -> Phase {
        if !self.is_open() {
            Phase::Closed
        } else if self.has_voted() {
            Phase::Results
        } else {
            Phase::Ballot
        }
    }
}

/// Advances the state by one event. The effects are constant lists:
/// nothing to allocate or free on every click.
pub fn step(state: &mut State, event: Event) -> &'static [Effect] {
    match event {
        Event::Loaded {
            poll,
            stored,
            now,
            current,
        } => {
            let mine = stored.map(|ids| indices_of(&poll, &ids));
            let mine = mine.filter(|m| !m.is_empty());
            let server = poll.tally.clone();
            let mut live = Live {
                poll: *poll,
                server,
                mine_counted: current && mine.is_some(),
                current,
                mine,
                selection: Selection::default(),
                phase: Phase::Ballot,
                notice: None,
                previous: None,
                waiting: false,
                unsaved: false,
                voted_unknown: false,
                now,
            };
            if let Some(mine) = &live.mine {
                live.selection = Selection::from_indices(mine.clone());
            }
            live.phase = live.resting_phase();
            *state = State::Live(Box::new(live));
            return &[Effect::Ready];
        }
        Event::LoadFailed(error) => {
            *state = State::Failed(error);
            return &[Effect::ReportError];
        }
        _ => {}
    }
    let State::Live(live) = state else {
        return &[];
    };
    let live = live.as_mut();
    match event {
        Event::Loaded { .. } | Event::LoadFailed(_) => &[],
        Event::Toggle(index) => {
            if live.phase != Phase::Ballot {
                return &[];
            }
            live.notice = match live.selection.toggle(&live.poll, index) {
                Ok(()) => None,
                Err(ToggleError::TooMany(max)) => Some(Notice::TooMany(max)),
                Err(ToggleError::NoSuchOption) => live.notice.take(),
            };
            &[]
        }
        Event::Submit => {
            if live.phase != Phase::Ballot {
                return &[];
            }
            if !live.is_open() {
                live.phase = Phase::Closed;
                return &[];
            }
            if live.has_voted() && !live.poll.allow_change {
                live.notice = Some(Notice::AlreadyVoted);
                live.phase = Phase::Results;
                return &[Effect::Focus(FocusTarget::Results)];
            }
            if !live.selection.is_valid_for(&live.poll) {
                live.notice = Some(Notice::ChooseOne);
                return &[Effect::Focus(FocusTarget::Notice)];
            }
            let replaces = live.mine.take();
            if let Some(old) = &replaces {
                // A changed vote: the old ballot leaves the shown tally.
                if live.mine_counted {
                    live.server.retract(old);
                }
            }
            live.previous = replaces;
            live.mine = Some(live.selection.ballot());
            live.mine_counted = false;
            live.notice = None;
            live.phase = Phase::Sending;
            &[Effect::Send, Effect::Focus(FocusTarget::Results)]
        }
        Event::Retrying => {
            live.waiting = live.phase == Phase::Sending;
            &[]
        }
        Event::NotKept => {
            live.unsaved = true;
            &[]
        }
        Event::Resending(ids) => {
            if live.phase != Phase::Sending {
                live.previous = live.mine.take();
            }
            live.take_ballot(&ids);
            if live.mine.is_some() {
                live.phase = Phase::Sending;
            }
            &[]
        }
        Event::Settled(ids) => {
            live.take_ballot(&ids);
            live.previous = None;
            live.notice = None;
            live.phase = live.resting_phase();
            &[]
        }
        Event::AlreadyCounted(message) => {
            // Nothing new was counted: the backend holds an earlier vote of
            // this reader's, which may not be this ballot. The ballot is not
            // marked as theirs (nor remembered); the numbers are the
            // backend's, which include the earlier vote.
            live.waiting = false;
            live.notice = Some(Notice::Refused(message));
            if live.phase != Phase::Sending {
                return &[];
            }
            live.restore_previous();
            live.mine_counted = live.mine.is_some();
            // They have voted, by the backend's word: not again from here,
            // and the numbers (which an "after voting" poll now shows) are
            // what they came for.
            if live.mine.is_none() {
                live.voted_unknown = true;
                live.phase = live.resting_phase();
            }
            &[]
        }
        Event::Accepted(tally) => {
            live.waiting = false;
            live.unsaved = false;
            if let Some(tally) = tally {
                let tally = tally.for_poll(&live.poll);
                if tally.counts.len() == live.poll.options.len() {
                    live.server = tally;
                    live.mine_counted = true;
                    live.current = true;
                }
            }
            // Only the widget that was sending announces it: another copy of
            // the poll that delivered a shared outbox entry just takes the
            // numbers.
            if live.phase != Phase::Sending {
                return &[];
            }
            live.previous = None;
            live.phase = live.resting_phase();
            &[Effect::Announce(Announcement::VoteCounted), Effect::Voted]
        }
        Event::Refused(message) => {
            // Only a copy waiting on a vote has one to take back: another
            // copy that delivered a shared outbox entry keeps what it shows.
            if live.phase != Phase::Sending {
                return &[];
            }
            live.waiting = false;
            live.notice = Some(Notice::Refused(message));
            live.restore_previous();
            // The earlier ballot left `server` when this vote was cast, or
            // was never in it.
            live.mine_counted = false;
            &[
                Effect::Announce(Announcement::Refused),
                Effect::Focus(FocusTarget::Notice),
            ]
        }
        Event::Snapshot { tally, closed } => {
            let tally = tally.for_poll(&live.poll);
            if tally.counts.len() == live.poll.options.len() {
                live.server = tally;
                live.current = true;
                // Numbers read while a vote is on its way may hold it
                // already (reads from before it went are dropped as stale
                // before they get here): never added on top.
                live.mine_counted = live.mine.is_some();
            }
            if closed {
                live.poll.closed = true;
                if live.phase == Phase::Ballot {
                    live.phase = Phase::Closed;
                }
            }
            &[]
        }
        Event::ViewResults => {
            if live.phase == Phase::Ballot && live.can_peek() {
                live.phase = Phase::Results;
                live.notice = None;
                return &[Effect::Focus(FocusTarget::Results)];
            }
            &[]
        }
        Event::BackToVote => {
            if live.phase == Phase::Results && live.is_open() && !live.has_voted() {
                live.phase = Phase::Ballot;
                return &[Effect::Focus(FocusTarget::Ballot)];
            }
            &[]
        }
        Event::ChangeVote => {
            if live.phase == Phase::Results && live.can_change_vote() {
                live.phase = Phase::Ballot;
                live.notice = None;
                return &[Effect::Focus(FocusTarget::Ballot)];
            }
            &[]
        }
        Event::VotedElsewhere(ids) => {
            if live.mine.is_some() || live.phase == Phase::Sending {
                return &[];
            }
            let mine = indices_of(&live.poll, &ids);
            if mine.is_empty() {
                return &[];
            }
            live.selection = Selection::from_indices(mine.clone());
            live.mine = Some(mine);
            // Cast elsewhere: numbers from the backend may hold it.
            live.mine_counted = live.current;
            live.phase = live.resting_phase();
            live.notice = Some(Notice::AlreadyVoted);
            &[Effect::Focus(FocusTarget::Results)]
        }
        Event::Tick(now) => {
            live.now = now;
            if live.phase != Phase::Sending {
                let resting = live.resting_phase();
                if resting == Phase::Closed || live.phase == Phase::Closed {
                    live.phase = resting;
                }
            }
            &[]
        }
    }
}
