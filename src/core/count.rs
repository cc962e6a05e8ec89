//! The one counting rule, for every store: what a response adds to the
//! counters, what a changed response takes back, and when a response is a
//! replay or refused. Stores only read and write the counters this names,
//! so SQLite and PostgreSQL cannot count differently.

use crate::core::question::QuestionTally;
use crate::core::survey::{Response, Survey};
use crate::core::tally::MAX_COUNT;

/// One counter a store keeps for a survey (a poll is a survey of one
/// question: its options are that question's buckets, its voters the
/// respondents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counter {
    /// Readers who responded.
    Respondents,
    /// Readers who answered question `q`.
    Answered(usize),
    /// Bucket `b` of question `q` (see `Question::buckets`).
    Bucket(usize, usize),
}

/// Changes to counters, in counter order, no counter twice, no zero change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta(pub Vec<(Counter, i64)>);

impl Delta {
    fn add(&mut self, counter: Counter, by: i64) {
        match self.0.binary_search_by(|(c, _)| c.cmp(&counter)) {
            Ok(at) => {
                self.0[at].1 += by;
                if self.0[at].1 == 0 {
                    self.0.remove(at);
                }
            }
            Err(at) => self.0.insert(at, (counter, by)),
        }
    }

    fn response(&mut self, survey: &Survey, response: &Response, sign: i64) {
        for (q, (question, answer)) in survey.questions.iter().zip(response).enumerate() {
            let Some(answer) = answer else { continue };
            self.add(Counter::Answered(q), sign);
            for bucket in question.buckets(answer) {
                self.add(Counter::Bucket(q, bucket), sign);
            }
        }
    }
}

/// What a new response adds.
pub fn apply(survey: &Survey, response: &Response) -> Delta {
    let mut delta = Delta::default();
    delta.add(Counter::Respondents, 1);
    delta.response(survey, response, 1);
    delta
}

/// What replacing `old` with `new` changes: the same reader, so the
/// respondents stay as they are.
pub fn replace(survey: &Survey, old: &Response, new: &Response) -> Delta {
    let mut delta = Delta::default();
    delta.response(survey, old, -1);
    delta.response(survey, new, 1);
    delta
}

/// What the store knows of this response's key and its reader.
#[derive(Clone, Copy, Debug)]
pub struct Known<'a> {
    /// The idempotency key was counted before (possibly since replaced).
    pub key_seen: bool,
    /// The reader's current counted response, if any.
    pub previous: Option<&'a Response>,
}

/// The store's decision for one response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The key was counted before: answer as before, count nothing.
    Replay,
    /// The reader has responded and may not change it.
    AlreadyResponded,
    /// Count it: apply the delta, and mark the previous response replaced
    /// when `replaces` (its key stays known, so its late retry is a replay).
    Count { delta: Delta, replaces: bool },
}

/// The one rule. A replayed key wins over everything, so a retry of a
/// counted response is never refused as "already voted".
pub fn decide(survey: &Survey, known: Known<'_>, new: &Response) -> Decision {
    if known.key_seen {
        return Decision::Replay;
    }
    match known.previous {
        None => Decision::Count {
            delta: apply(survey, new),
            replaces: false,
        },
        Some(_) if !survey.allow_change => Decision::AlreadyResponded,
        Some(old) => Decision::Count {
            delta: replace(survey, old, new),
            replaces: true,
        },
    }
}

/// A survey's counters, in memory: what `GET /api/polls/ID` reports and
/// what results are drawn from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SurveyTally {
    pub respondents: u64,
    pub questions: Vec<QuestionTally>,
}

impl SurveyTally {
    pub fn empty(survey: &Survey) -> Self {
        SurveyTally {
            respondents: 0,
            questions: survey.questions.iter().map(QuestionTally::empty).collect(),
        }
    }

    /// Applies a delta; counters stay within 0 and `MAX_COUNT`.
    pub fn apply(&mut self, delta: &Delta) {
        fn bump(value: &mut u64, by: i64) {
            *value = if by < 0 {
                value.saturating_sub(by.unsigned_abs())
            } else {
                value.saturating_add(by as u64).min(MAX_COUNT)
            };
        }
        for &(counter, by) in &delta.0 {
            match counter {
                Counter::Respondents => bump(&mut self.respondents, by),
                Counter::Answered(q) => {
                    if let Some(t) = self.questions.get_mut(q) {
                        bump(&mut t.answered, by);
                    }
                }
                Counter::Bucket(q, b) => {
                    if let Some(count) =
                        self.questions.get_mut(q).and_then(|t| t.buckets.get_mut(b))
                    {
                        bump(count, by);
                    }
                }
            }
        }
    }
}
