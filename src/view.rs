//! State -> ViewModel: every word and number the reader sees, decided
//! natively and snapshot-tested, so the DOM layer only copies it into nodes.

use crate::core::format::{group, percent};
use crate::core::locale::{Msg, Texts};
use crate::core::machine::{Live, Notice, Phase, State};
use crate::core::order::{ballot_order, results_order};
use crate::core::poll::Mode;
use crate::core::share::{shares, PERCENT, PERMILLE};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewModel {
    Loading,
    /// The "poll unavailable" state: a title and the reason, as text.
    Unavailable {
        title: String,
        reason: String,
    },
    Live(Box<LiveView>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveView {
    pub question: String,
    pub multiple: bool,
    /// Present while the ballot is shown.
    pub ballot: Option<BallotView>,
    /// Present while the results are shown.
    pub results: Option<ResultsView>,
    /// A line about the poll's state ("Sending your vote…", "closed").
    pub status: Option<String>,
    /// A validation message or refusal, shown inline.
    pub notice: Option<String>,
    pub busy: bool,
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotView {
    pub hint: Option<String>,
    /// Rows in display order (given, or this reader's shuffle).
    pub rows: Vec<BallotRow>,
    pub vote_label: String,
    pub vote_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BallotRow {
    pub index: usize,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultsView {
    /// Rows in results order; empty when the policy hides the numbers.
    pub rows: Vec<ResultRow>,
    pub total: Option<String>,
    /// Why numbers are missing, or what they are shares of.
    pub note: Option<String>,
    pub your_choice: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    pub index: usize,
    pub label: String,
    /// "32% (184 votes)".
    pub figures: String,
    pub percent: String,
    pub votes: String,
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
pub fn view(state: &State, texts: &Texts, seed: &str) -> ViewModel {
    match state {
        State::Loading => ViewModel::Loading,
        State::Failed(error) => ViewModel::Unavailable {
            title: texts.owned(Msg::Unavailable),
            reason: error.message.clone(),
        },
        State::Live(live) => ViewModel::Live(Box::new(live_view(live, texts, seed))),
    }
}

fn live_view(live: &Live, texts: &Texts, seed: &str) -> LiveView {
    let poll = &live.poll;
    let multiple = poll.mode == Mode::Multiple;
    let mut actions = Vec::new();
    let ballot = (live.phase == Phase::Ballot).then(|| {
        if live.can_peek() && !live.has_voted() {
            actions.push(Action::ViewResults);
        }
        BallotView {
            hint: multiple.then(|| texts.with_n(Msg::ChooseUpTo, poll.max_choices as u64)),
            rows: ballot_order(poll, seed)
                .into_iter()
                .map(|index| BallotRow {
                    index,
                    id: poll.options[index].id.clone(),
                    label: poll.options[index].label.clone(),
                    checked: live.selection.contains(index),
                })
                .collect(),
            vote_label: texts.owned(Msg::Vote),
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
        Phase::Sending if live.waiting => Some(texts.owned(Msg::Waiting)),
        Phase::Sending => Some(texts.owned(Msg::Sending)),
        Phase::Closed if poll.not_yet_open_at(live.now) => Some(texts.owned(Msg::NotOpen)),
        Phase::Closed => Some(texts.owned(Msg::Closed)),
        Phase::Results if live.has_voted() && !live.results_visible() => {
            Some(texts.owned(Msg::Thanks))
        }
        _ => None,
    };
    let notice = live.notice.as_ref().map(|n| match n {
        Notice::TooMany(max) => texts.with_n(Msg::TooMany, *max as u64),
        Notice::ChooseOne => texts.owned(Msg::ChooseOne),
        Notice::AlreadyVoted => texts.owned(Msg::AlreadyVoted),
        Notice::Refused(message) => message.clone(),
    });
    LiveView {
        question: poll.question.clone(),
        multiple,
        ballot,
        results,
        status,
        notice,
        busy: live.phase == Phase::Sending,
        actions,
    }
}

fn results_view(live: &Live, texts: &Texts) -> ResultsView {
    let poll = &live.poll;
    let your_choice = texts.owned(Msg::YourChoice);
    if !live.results_visible() {
        let note = match poll.results {
            crate::core::poll::ResultsVisibility::AfterVote => Msg::ResultsAfterVote,
            crate::core::poll::ResultsVisibility::AfterClose => Msg::ResultsAfterClose,
            _ => Msg::ResultsNever,
        };
        return ResultsView {
            rows: Vec::new(),
            total: None,
            note: Some(texts.owned(note)),
            your_choice,
        };
    }
    let tally = live.shown_tally();
    let shown = shares(poll.mode, &tally.counts, tally.voters, PERCENT);
    let widths = shares(poll.mode, &tally.counts, tally.voters, PERMILLE);
    let mine = live.mine.as_deref().unwrap_or(&[]);
    let rows = results_order(poll, &tally.counts)
        .into_iter()
        .map(|index| {
            let percent_label = percent(shown[index], PERCENT, texts.locale);
            let votes = texts.votes(tally.counts[index]);
            let mut figures = percent_label.clone();
            figures.push_str(" (");
            figures.push_str(&votes);
            figures.push(')');
            ResultRow {
                index,
                label: poll.options[index].label.clone(),
                figures,
                percent: percent_label,
                votes,
                bar_width: css_percent(widths[index]),
                mine: mine.contains(&index),
            }
        })
        .collect();
    ResultsView {
        rows,
        total: Some(texts.with_n(Msg::TotalVoters, tally.voters)),
        note: (poll.mode == Mode::Multiple).then(|| texts.owned(Msg::OfVotersNote)),
        your_choice,
    }
}

/// A permille share as a CSS percentage with a dot, whatever the locale.
fn css_percent(permille: u32) -> String {
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
