//! Survey questions: one module per kind, and the registry that dispatches
//! to them.
//!
//! A kind knows four things about itself: how its definition is validated,
//! what a valid answer is, how an answer is counted, and what its results
//! look like. Adding a kind is a new file here, a variant in [`Kind`] and
//! [`RawQuestion`], and a line in each `match` below; nothing else in the core
//! changes.

pub mod choice;
pub mod likert;
pub mod nps;
pub mod scale;
pub mod text;

use crate::core::format::decimal;
use serde::Deserialize;

use crate::core::poll::{blank, valid_id, PollOption, MAX_LABEL_CHARS};
use crate::core::survey::{char_count, SurveyError};
use crate::core::visible::{Condition, RawCondition};

/// Longest prompt, in characters (as for a poll's question).
pub const MAX_PROMPT_CHARS: usize = 500;

/// Declares a kind's raw definition: the fields every question shares, then
/// the kind's own. A macro rather than `#[serde(flatten)]`, which cannot be
/// combined with `deny_unknown_fields`: a misspelt field must stay an error.
macro_rules! raw_question {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub id: String,
            pub prompt: String,
            #[serde(default)]
            pub required: Option<bool>,
            #[serde(default)]
            pub visible_if: Option<$crate::core::visible::RawCondition>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $crate::core::question::Common for $name {
            fn common(&self) -> $crate::core::question::CommonRef<'_> {
                $crate::core::question::CommonRef {
                    id: &self.id,
                    prompt: &self.prompt,
                    required: self.required,
                    visible_if: self.visible_if.as_ref(),
                }
            }
        }
    };
}
pub(crate) use raw_question;

/// The fields every kind shares, borrowed from its raw definition.
pub struct CommonRef<'a> {
    pub id: &'a str,
    pub prompt: &'a str,
    pub required: Option<bool>,
    pub visible_if: Option<&'a RawCondition>,
}

/// Implemented by each kind's raw definition (through `raw_question!`).
pub trait Common {
    fn common(&self) -> CommonRef<'_>;
}

/// A question as an editor writes it, tagged by `type`.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RawQuestion {
    Choice(choice::RawChoice),
    Scale(scale::RawScale),
    Nps(nps::RawNps),
    Likert(likert::RawLikert),
    Text(text::RawText),
}

impl RawQuestion {
    fn common(&self) -> CommonRef<'_> {
        match self {
            RawQuestion::Choice(q) => q.common(),
            RawQuestion::Scale(q) => q.common(),
            RawQuestion::Nps(q) => q.common(),
            RawQuestion::Likert(q) => q.common(),
            RawQuestion::Text(q) => q.common(),
        }
    }
}

/// A validated question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub required: bool,
    pub visible_if: Option<Condition>,
    pub kind: Kind,
}

/// A validated question's kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Choice(choice::Choice),
    Scale(scale::Scale),
    Nps,
    Likert(likert::Likert),
    Text(text::Text),
}

/// One reader's answer to one question, checked against its question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Option indices in the order picked, and a write-in.
    Choice {
        picked: Vec<usize>,
        other: Option<String>,
    },
    /// A point on a scale, or 0-10 on an NPS question.
    Point(i64),
    /// Per Likert row (by index), the chosen column index, if any.
    Rows(Vec<Option<usize>>),
    /// Trimmed, never empty: an empty text is no answer.
    Text(String),
}

/// An answer as it arrives (JSON or the answers codec), before it is
/// checked against its question's kind.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RawAnswer {
    Number(i64),
    Text(String),
    /// Choice: option ids, and at most one `{"other": "…"}`.
    List(Vec<RawItem>),
    /// Likert: column id by row id.
    Rows(std::collections::BTreeMap<String, String>),
}

/// An item of a choice answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RawItem {
    Id(String),
    Other { other: String },
}

/// Counts for one question. Each kind keeps what its results need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionTally {
    /// Readers who answered this question.
    pub answered: u64,
    /// Per bucket: options (then "other") for a choice, points for a scale
    /// or NPS, row-major row × column for Likert; empty for text.
    pub buckets: Vec<u64>,
}

impl QuestionTally {
    pub fn empty(question: &Question) -> Self {
        QuestionTally {
            answered: 0,
            buckets: vec![0; question.bucket_count()],
        }
    }
}

impl Question {
    /// Validates one question. `earlier` are the questions before it, the
    /// only ones its `visible_if` may name (so conditions cannot loop).
    pub fn from_raw(raw: &RawQuestion, earlier: &[Question]) -> Result<Question, SurveyError> {
        let common = raw.common();
        check_id(common.id, "id")?;
        if earlier.iter().any(|q| q.id == common.id) {
            return Err(SurveyError::new(
                "duplicate_question_id",
                "id",
                concat(&["the id \"", common.id, "\" is used twice"]),
            ));
        }
        if blank(common.prompt) {
            return Err(SurveyError::new(
                "empty_prompt",
                "prompt",
                "the prompt is empty",
            ));
        }
        if char_count(common.prompt) > MAX_PROMPT_CHARS {
            return Err(SurveyError::new(
                "prompt_too_long",
                "prompt",
                "the prompt is longer than 500 characters",
            ));
        }
        let kind = match raw {
            RawQuestion::Choice(q) => Kind::Choice(choice::Choice::from_raw(q)?),
            RawQuestion::Scale(q) => Kind::Scale(scale::Scale::from_raw(q)?),
            RawQuestion::Nps(_) => Kind::Nps,
            RawQuestion::Likert(q) => Kind::Likert(likert::Likert::from_raw(q)?),
            RawQuestion::Text(q) => Kind::Text(text::Text::from_raw(q)?),
        };
        let visible_if = match common.visible_if {
            None => None,
            Some(condition) => {
                Some(Condition::from_raw(condition, earlier).map_err(|e| e.within("visible_if"))?)
            }
        };
        let required = common.required.unwrap_or(!matches!(kind, Kind::Text(_)));
        Ok(Question {
            id: common.id.to_owned(),
            prompt: common.prompt.to_owned(),
            required,
            visible_if,
            kind,
        })
    }

    /// The kind's name as written in a definition.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Choice(_) => "choice",
            Kind::Scale(_) => "scale",
            Kind::Nps => "nps",
            Kind::Likert(_) => "likert",
            Kind::Text(_) => "text",
        }
    }

    /// Checks a raw answer against this question. `Ok(None)` is no answer
    /// (an empty list, a blank text): whether that is allowed is the
    /// survey's to say, since it depends on visibility.
    pub fn answer(&self, raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
        match &self.kind {
            Kind::Choice(c) => c.answer(raw),
            Kind::Scale(s) => s.answer(raw),
            Kind::Nps => nps::answer(raw),
            Kind::Likert(l) => l.answer(raw),
            Kind::Text(t) => t.answer(raw),
        }
    }

    /// How many counters this question's tally has.
    pub fn bucket_count(&self) -> usize {
        match &self.kind {
            Kind::Choice(c) => c.options.len() + usize::from(c.other.is_some()),
            Kind::Scale(s) => s.points(),
            Kind::Nps => nps::POINTS,
            Kind::Likert(l) => l.rows.len() * l.columns.len(),
            Kind::Text(_) => 0,
        }
    }

    /// The buckets one answer adds one to.
    pub fn buckets(&self, answer: &Answer) -> Vec<usize> {
        match (&self.kind, answer) {
            (Kind::Choice(c), Answer::Choice { picked, other }) => c.buckets(picked, other),
            (Kind::Scale(s), Answer::Point(p)) => s.bucket(*p).into_iter().collect(),
            (Kind::Nps, Answer::Point(p)) => nps::bucket(*p).into_iter().collect(),
            (Kind::Likert(l), Answer::Rows(rows)) => l.buckets(rows),
            _ => Vec::new(),
        }
    }

    /// Whether a value named in a `visible_if` is one this question's
    /// answers can take: an option id, a point, a column id.
    pub fn accepts_value(&self, value: &Value) -> bool {
        match (&self.kind, value) {
            (Kind::Choice(c), Value::Id(id)) => c.options.iter().any(|o| &o.id == id),
            (Kind::Scale(s), Value::Number(n)) => s.bucket(*n).is_some(),
            (Kind::Nps, Value::Number(n)) => nps::bucket(*n).is_some(),
            (Kind::Likert(l), Value::Id(id)) => l.columns.iter().any(|c| &c.id == id),
            _ => false,
        }
    }

    /// Whether `answer` holds `value`.
    pub fn answer_has(&self, answer: &Answer, value: &Value) -> bool {
        match (&self.kind, answer, value) {
            (Kind::Choice(c), Answer::Choice { picked, .. }, Value::Id(id)) => c
                .options
                .iter()
                .position(|o| &o.id == id)
                .is_some_and(|i| picked.contains(&i)),
            (Kind::Scale(_) | Kind::Nps, Answer::Point(p), Value::Number(n)) => p == n,
            (Kind::Likert(l), Answer::Rows(rows), Value::Id(id)) => l
                .columns
                .iter()
                .position(|c| &c.id == id)
                .is_some_and(|i| rows.contains(&Some(i))),
            _ => false,
        }
    }
}

/// A value a condition compares with: an option or column id, or a point.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(i64),
    Id(String),
}

/// Ids of questions, options, rows and columns follow the poll's id rule.
pub(crate) fn check_id(id: &str, field: &str) -> Result<(), SurveyError> {
    if id.is_empty() {
        return Err(SurveyError::new("empty_id", field, "the id is empty"));
    }
    if !valid_id(id) {
        return Err(SurveyError::new(
            "bad_id",
            field,
            "the id may use only letters, digits, '-', '_' and '.', at most 64 of them",
        ));
    }
    Ok(())
}

pub(crate) fn concat(parts: &[&str]) -> String {
    // By hand: `[&str]::concat` instantiates a generic copier (~250 bytes
    // of wasm) for what is a few pushes.
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The error for an answer of the wrong shape for its kind.
pub(crate) fn wrong_answer(expected: &str) -> SurveyError {
    SurveyError::new("bad_answer", "", concat(&["expected ", expected]))
}

/// Most rows or options a list in a question may have.
pub const MAX_ITEMS: usize = 30;

/// An option, a Likert row or a Likert column as written: an id and a label.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabelled {
    pub id: String,
    pub label: String,
}

/// Checks a list of labelled items (`field` names it in errors): between
/// `min` and `max` of them, ids valid and distinct, labels present and at
/// most 200 characters, as for a poll's options.
pub(crate) fn labelled(
    raw: &[RawLabelled],
    field: &str,
    min: usize,
    max: usize,
) -> Result<Vec<PollOption>, SurveyError> {
    if raw.len() < min {
        return Err(SurveyError::new(
            "too_few_items",
            field,
            concat(&["needs at least ", &decimal(min as i64)]),
        ));
    }
    if raw.len() > max {
        return Err(SurveyError::new(
            "too_many_items",
            field,
            concat(&["may have at most ", &decimal(max as i64)]),
        ));
    }
    let mut items: Vec<PollOption> = Vec::with_capacity(raw.len());
    for (index, item) in raw.iter().enumerate() {
        let at = concat(&[field, ".", &decimal(index as i64)]);
        check_id(&item.id, "id").map_err(|e| e.within(&at))?;
        if items.iter().any(|o| o.id == item.id) {
            return Err(SurveyError::new(
                "duplicate_id",
                "id",
                concat(&["the id \"", &item.id, "\" is used twice"]),
            )
            .within(&at));
        }
        if blank(&item.label) {
            return Err(SurveyError::new("empty_label", "label", "the label is empty").within(&at));
        }
        if char_count(&item.label) > MAX_LABEL_CHARS {
            return Err(SurveyError::new(
                "label_too_long",
                "label",
                "the label is longer than 200 characters",
            )
            .within(&at));
        }
        items.push(PollOption {
            id: item.id.clone(),
            label: item.label.clone(),
        });
    }
    Ok(items)
}

/// A list of labelled items whose errors name their place.
pub(crate) fn labelled_list<'de, D: serde::Deserializer<'de>>(
    d: D,
    name: &'static str,
) -> Result<Vec<RawLabelled>, D::Error> {
    crate::core::survey::list(d, name)
}

/// Index of the item with `id`, or the error that names what was sent.
pub(crate) fn index_of(items: &[PollOption], id: &str, what: &str) -> Result<usize, SurveyError> {
    items.iter().position(|o| o.id == id).ok_or_else(|| {
        SurveyError::new(
            "bad_answer",
            "",
            concat(&["there is no ", what, " \"", id, "\""]),
        )
    })
}

impl Question {
    /// Whether an answer is whole enough for a required question: every
    /// Likert row rated; any other kind's answer is whole once given.
    pub fn complete(&self, answer: &Answer) -> bool {
        match answer {
            Answer::Rows(rows) => likert::Likert::complete(rows),
            _ => true,
        }
    }
}

/// One bar of a question's results: what it is, how many, what share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    /// Whole percent.
    pub share: u32,
}

/// What readers see of one question's results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Results {
    /// Bars per option (then the write-in). Shares of answers for a single
    /// choice (they sum to 100), of respondents for a multiple choice.
    Choice {
        bars: Vec<Bar>,
        answered: u64,
        of_respondents: bool,
    },
    /// Bars per point, and the median in half points (7 is 3.5).
    Scale {
        bars: Vec<Bar>,
        answered: u64,
        median_halves: Option<i64>,
    },
    /// The score (-100 to 100) and detractors, passives, promoters.
    Nps {
        score: Option<i64>,
        groups: [Bar; 3],
        answered: u64,
    },
    /// One diverging bar per row.
    Likert { rows: Vec<likert::RowResult> },
    /// Written answers are never shown to readers: only how many.
    Text { written: u64 },
}

impl Question {
    pub fn results(&self, tally: &QuestionTally) -> Results {
        match &self.kind {
            Kind::Choice(c) => c.results(tally),
            Kind::Scale(s) => s.results(tally),
            Kind::Nps => nps::results(tally),
            Kind::Likert(l) => l.results(tally),
            Kind::Text(_) => Results::Text {
                written: tally.answered,
            },
        }
    }
}

/// Bars for labelled counts, shares by the largest-remainder method (as a
/// single-choice poll's), so they sum to exactly 100.
pub(crate) fn bars<'a>(labels: impl Iterator<Item = &'a str>, counts: &[u64]) -> Vec<Bar> {
    let shares = crate::core::share::largest_remainder(counts, crate::core::share::PERCENT);
    labels
        .zip(counts.iter().zip(shares))
        .map(|(label, (&count, share))| Bar {
            label: label.to_owned(),
            count,
            share,
        })
        .collect()
}
