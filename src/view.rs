//! State -> ViewModel: every word and number the reader sees, decided
//! natively and snapshot-tested, so the DOM layer only copies it into nodes.
//!
//! Text that already exists (the poll's own words, the messages) is
//! borrowed from the state and the texts; only numbers are formatted into
//! new strings. A view is built on every event, so copies would cost both
//! allocation at run time and clone and drop code in the wasm.

use std::borrow::Cow;

use crate::core::format::{group, percent};
use crate::core::locale::{Msg, Texts};
use crate::core::machine::{Live, Notice, Phase, State};
use crate::core::order::{ballot_order, results_order};
use crate::core::poll::Mode;
use crate::core::share::{shares, PERCENT, PERMILLE};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewModel<'a> {
    Loading,
    /// The "poll unavailable" state: a title and the reason, as text.
    Unavailable {
        title: &'a str,
        reason: &'a str,
    },
    Live(Box<LiveView<'a>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveView<'a> {
    pub question: &'a str,
    pub multiple: bool,
    /// Present while the ballot is shown.
    pub ballot: Option<BallotView<'a>>,
    /// Present while the results are shown.
    pub results: Option<ResultsView<'a>>,
    /// A line about the poll's state ("Sending your vote…", "closed").
    pub status: Option<&'a str>,
    /// A validation message or refusal, shown inline.
    pub notice: Option<Cow<'a, str>>,
    pub busy: bool,
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotView<'a> {
    pub hint: Option<String>,
    /// Rows in display order (given, or this reader's shuffle).
    pub rows: Vec<BallotRow<'a>>,
    pub vote_label: &'a str,
    pub vote_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotRow<'a> {
    pub index: usize,
    pub id: &'a str,
    pub label: &'a str,
    pub checked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultsView<'a> {
    /// Rows in results order; empty when the policy hides the numbers.
    pub rows: Vec<ResultRow<'a>>,
    pub total: Option<String>,
    /// Why numbers are missing, or what they are shares of.
    pub note: Option<&'a str>,
    pub your_choice: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow<'a> {
    pub index: usize,
    pub label: &'a str,
    /// "32% (184 votes)".
    pub figures: String,
    /// CSS width of the bar, from permille: "31.7%".
    pub bar_width: String,
    pub mine: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ViewResults,
    BackToVote,
    ChangeVote,
}

impl Action {
    /// The `data-action` value the DOM layer puts on the button.
    pub fn name(self) -> &'static str {
        match self {
            Action::ViewResults => "view-results",
            Action::BackToVote => "back-to-vote",
            Action::ChangeVote => "change-vote",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        match name {
            "view-results" => Some(Action::ViewResults),
            "back-to-vote" => Some(Action::BackToVote),
            "change-vote" => Some(Action::ChangeVote),
            _ => None,
        }
    }

    pub fn label(self, texts: &Texts) -> &str {
        texts.get(match self {
            Action::ViewResults => Msg::ViewResults,
            Action::BackToVote => Msg::BackToVote,
            Action::ChangeVote => Msg::ChangeVote,
        })
    }
}

/// Builds the view of a state. `seed` identifies the reader for a shuffled
/// option order.
pub fn view<'a>(state: &'a State, texts: &'a Texts, seed: &str) -> ViewModel<'a> {
    match state {
        State::Loading => ViewModel::Loading,
        State::Failed(error) => ViewModel::Unavailable {
            title: texts.get(Msg::Unavailable),
            reason: &error.message,
        },
        State::Live(live) => ViewModel::Live(Box::new(live_view(live, texts, seed))),
    }
}

fn live_view<'a>(live: &'a Live, texts: &'a Texts, seed: &str) -> LiveView<'a> {
    let poll = &live.poll;
    let multiple = poll.mode == Mode::Multiple;
    let mut actions = Vec::new();
    let ballot = (live.phase == Phase::Ballot).then(|| {
        if live.can_peek() && !live.has_voted() {
            actions.push(Action::ViewResults);
        }
        // Loops rather than `map(..).collect()`: one function of wasm
        // instead of three or four per chain.
        let mut rows = Vec::with_capacity(poll.options.len());
        for index in ballot_order(poll, seed) {
            rows.push(BallotRow {
                index,
                id: &poll.options[index].id,
                label: &poll.options[index].label,
                checked: live.selection.contains(index),
            });
        }
        BallotView {
            hint: multiple.then(|| texts.with_n(Msg::ChooseUpTo, poll.max_choices as u64)),
            rows,
            vote_label: texts.get(Msg::Vote),
            vote_enabled: live.selection.is_valid_for(poll),
        }
    });
    let results = (live.phase != Phase::Ballot).then(|| results_view(live, texts));
    if live.phase == Phase::Results && !live.has_voted() && live.is_open() {
        actions.push(Action::BackToVote);
    }
    if live.phase == Phase::Results && live.can_change_vote() {
        actions.push(Action::ChangeVote);
    }
    let status = match live.phase {
        Phase::Sending if live.waiting && live.unsaved => Some(Msg::WaitingHere),
        Phase::Sending if live.waiting => Some(Msg::Waiting),
        Phase::Sending => Some(Msg::Sending),
        Phase::Closed if poll.not_yet_open_at(live.now) => Some(Msg::NotOpen),
        Phase::Closed => Some(Msg::Closed),
        Phase::Results if live.unsaved => Some(Msg::NotKept),
        Phase::Results if live.has_voted() && !live.results_visible() => Some(Msg::Thanks),
        _ => None,
    }
    .map(|msg| texts.get(msg));
    let notice = live.notice.as_ref().map(|n| match n {
        Notice::TooMany(max) => Cow::Owned(texts.with_n(Msg::TooMany, *max as u64)),
        Notice::ChooseOne => Cow::Borrowed(texts.get(Msg::ChooseOne)),
        Notice::AlreadyVoted => Cow::Borrowed(texts.get(Msg::AlreadyVoted)),
        Notice::Refused(message) => Cow::Borrowed(message.as_str()),
    });
    LiveView {
        question: &poll.question,
        multiple,
        ballot,
        results,
        status,
        notice,
        busy: live.phase == Phase::Sending,
        actions,
    }
}

fn results_view<'a>(live: &'a Live, texts: &'a Texts) -> ResultsView<'a> {
    let poll = &live.poll;
    let your_choice = texts.get(Msg::YourChoice);
    if !live.results_visible() {
        let note = match poll.results {
            crate::core::poll::ResultsVisibility::AfterVote => Msg::ResultsAfterVote,
            crate::core::poll::ResultsVisibility::AfterClose => Msg::ResultsAfterClose,
            _ => Msg::ResultsNever,
        };
        return ResultsView {
            rows: Vec::new(),
            total: None,
            note: Some(texts.get(note)),
            your_choice,
        };
    }
    let tally = live.shown_tally();
    let shown = shares(poll.mode, &tally.counts, tally.voters, PERCENT);
    let widths = shares(poll.mode, &tally.counts, tally.voters, PERMILLE);
    let mine = live.mine.as_deref().unwrap_or(&[]);
    let mut rows = Vec::with_capacity(poll.options.len());
    for index in results_order(poll, &tally.counts) {
        let mut figures = percent(shown[index], PERCENT, texts.locale);
        figures.push_str(" (");
        figures.push_str(&texts.votes(tally.counts[index]));
        figures.push(')');
        rows.push(ResultRow {
            index,
            label: &poll.options[index].label,
            figures,
            bar_width: css_percent(widths[index]),
            mine: mine.contains(&index),
        });
    }
    ResultsView {
        rows,
        total: Some(texts.with_n(Msg::TotalVoters, tally.voters)),
        note: (poll.mode == Mode::Multiple).then(|| texts.get(Msg::OfVotersNote)),
        your_choice,
    }
}

/// A permille share as a CSS percentage with a dot, whatever the locale.
pub(crate) fn css_percent(permille: u32) -> String {
    let mut out = String::new();
    crate::core::format::push_u64(&mut out, u64::from(permille / 10));
    out.push('.');
    crate::core::format::push_u64(&mut out, u64::from(permille % 10));
    out.push('%');
    out
}

/// "1,234" in the reader's locale, for the DOM layer's own needs.
pub fn grouped(n: u64, texts: &Texts) -> String {
    group(n, texts.locale)
}
