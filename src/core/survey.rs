//! A survey: questions shown one step at a time or all at once, answered
//! once per reader. A poll is a survey with one choice question
//! ([`Survey::from_poll`]), so every poll definition keeps working.
//!
//! `RawSurvey` mirrors the JSON an editor writes; [`Survey::from_raw`] turns
//! it into a `Survey` every other module may trust, or into one error that
//! names the field's path (`questions.2.rows.1.label`).

use crate::core::format::decimal;
use std::collections::BTreeMap;

use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::core::dates::parse_rfc3339;
use crate::core::error::ConfigError;
use crate::core::poll::{blank, valid_id, Mode, Poll, ResultsVisibility};
use crate::core::question::choice::Choice;
use crate::core::question::concat;
use crate::core::question::{Answer, Kind, Question, RawAnswer, RawQuestion};

/// Most questions a survey may have: a short reader survey, not a census.
pub const MAX_QUESTIONS: usize = 20;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Characters (scalar values) in `text`, as editors and readers count them.
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// How the questions are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One question per step, with Back and Next.
    #[default]
    Steps,
    /// Every question at once.
    All,
}

/// A refused survey definition or response: a stable code for machines, the
/// path of the field at fault, and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyError {
    pub code: &'static str,
    /// Dotted path from the definition's root (`questions.2.min`); empty
    /// when the error is about the whole.
    pub path: String,
    pub message: String,
}

impl SurveyError {
    pub fn new(code: &'static str, path: &str, message: impl Into<String>) -> Self {
        SurveyError {
            code,
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// The same error, one level further down: `within("questions.2")`
    /// turns `min` into `questions.2.min`.
    pub fn within(mut self, outer: &str) -> Self {
        self.path = if self.path.is_empty() {
            outer.to_owned()
        } else {
            concat(&[outer, ".", &self.path])
        };
        self
    }

    /// Maps a decoder's message onto a code; its path, when the decoder
    /// put one in front (see [`list`]), becomes the error's path.
    pub fn from_decoder(message: &str) -> Self {
        let code = ConfigError::from_decoder(message.to_owned()).code.as_str();
        match message
            .strip_prefix(PATH_MARK)
            .and_then(|m| m.split_once(": "))
        {
            Some((path, rest)) => SurveyError::new(code, path, rest),
            None => SurveyError::new(code, "", message),
        }
    }
}

impl std::fmt::Display for SurveyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)?;
        f.write_str(": ")?;
        if !self.path.is_empty() {
            f.write_str(&self.path)?;
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SurveyError {}

/// How a decoder's message starts when it carries a path.
const PATH_MARK: &str = "at ";

/// Deserializes a list whose items' errors name their place: an unknown
/// field in the second row of the third question reads
/// `at questions.2.rows.1: unknown field …`. serde's derive says only
/// "unknown field", which leaves an editor hunting through the JSON.
pub(crate) fn list<'de, D, T>(deserializer: D, name: &'static str) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Items<T> {
        name: &'static str,
        item: std::marker::PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::new();
            loop {
                match seq.next_element::<T>() {
                    Ok(Some(item)) => items.push(item),
                    Ok(None) => return Ok(items),
                    Err(e) => {
                        let inner = e.to_string();
                        let at = concat(&[self.name, ".", &decimal(items.len() as i64)]);
                        let message = match inner.strip_prefix(PATH_MARK) {
                            Some(rest) => concat(&[PATH_MARK, &at, ".", rest]),
                            None => concat(&[PATH_MARK, &at, ": ", &inner]),
                        };
                        return Err(A::Error::custom(message));
                    }
                }
            }
        }
    }
    deserializer.deserialize_seq(Items {
        name,
        item: std::marker::PhantomData,
    })
}

fn questions<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RawQuestion>, D::Error> {
    list(d, "questions")
}

/// The survey definition as written, before validation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurvey {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub results: ResultsVisibility,
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub closed: bool,
    #[serde(default)]
    pub allow_change: bool,
    #[serde(deserialize_with = "questions")]
    pub questions: Vec<RawQuestion>,
}

/// A validated survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Survey {
    pub id: String,
    pub title: Option<String>,
    pub layout: Layout,
    pub results: ResultsVisibility,
    /// Unix seconds.
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub closed: bool,
    pub allow_change: bool,
    pub questions: Vec<Question>,
}

/// One reader's answers by question index; `None` where unanswered.
pub type Response = Vec<Option<Answer>>;

impl Survey {
    /// Validates a raw definition, in the order an editor reads it.
    pub fn from_raw(raw: RawSurvey) -> Result<Survey, SurveyError> {
        if raw.id.is_empty() {
            return Err(SurveyError::new("empty_id", "id", "the survey id is empty"));
        }
        if !valid_id(&raw.id) {
            return Err(SurveyError::new(
                "bad_id",
                "id",
                "the survey id may use only letters, digits, '-', '_' and '.', at most 64 of them",
            ));
        }
        if let Some(title) = &raw.title {
            if blank(title) {
                return Err(SurveyError::new(
                    "empty_title",
                    "title",
                    "the title is empty",
                ));
            }
            if char_count(title) > MAX_TITLE_CHARS {
                return Err(SurveyError::new(
                    "title_too_long",
                    "title",
                    "the title is longer than 200 characters",
                ));
            }
        }
        let opens_at = date(raw.opens_at.as_deref(), "opens_at")?;
        let closes_at = date(raw.closes_at.as_deref(), "closes_at")?;
        if let (Some(open), Some(close)) = (opens_at, closes_at) {
            if close <= open {
                return Err(SurveyError::new(
                    "closes_before_opens",
                    "closes_at",
                    "closes_at is not after opens_at",
                ));
            }
        }
        if raw.questions.is_empty() {
            return Err(SurveyError::new(
                "no_questions",
                "questions",
                "the survey has no questions",
            ));
        }
        if raw.questions.len() > MAX_QUESTIONS {
            return Err(SurveyError::new(
                "too_many_questions",
                "questions",
                "the survey has more than 20 questions",
            ));
        }
        let mut questions: Vec<Question> = Vec::with_capacity(raw.questions.len());
        for (index, question) in raw.questions.iter().enumerate() {
            let checked = Question::from_raw(question, &questions)
                .map_err(|e| e.within(&concat(&["questions.", &decimal(index as i64)])))?;
            questions.push(checked);
        }
        Ok(Survey {
            id: raw.id,
            title: raw.title,
            layout: raw.layout,
            results: raw.results,
            opens_at,
            closes_at,
            closed: raw.closed,
            allow_change: raw.allow_change,
            questions,
        })
    }

    /// A poll as a survey of one choice question whose id is the poll's.
    /// Its one answer is the poll's ballot, counted exactly as a poll counts.
    pub fn from_poll(poll: &Poll) -> Survey {
        Survey {
            id: poll.id.clone(),
            title: None,
            layout: Layout::All,
            results: poll.results,
            opens_at: poll.opens_at,
            closes_at: poll.closes_at,
            closed: poll.closed,
            allow_change: poll.allow_change,
            questions: vec![Question {
                id: poll.id.clone(),
                prompt: poll.question.clone(),
                required: true,
                visible_if: None,
                kind: Kind::Choice(Choice {
                    multiple: poll.mode == Mode::Multiple,
                    min_choices: 1,
                    max_choices: poll.max_choices,
                    options: poll.options.clone(),
                    other: None,
                }),
            }],
        }
    }

    /// Whether the survey takes responses at `now` (unix seconds).
    pub fn is_open_at(&self, now: i64) -> bool {
        !self.closed
            && self.opens_at.is_none_or(|t| now >= t)
            && self.closes_at.is_none_or(|t| now < t)
    }

    /// Whether the survey has not opened yet at `now`.
    pub fn not_yet_open_at(&self, now: i64) -> bool {
        self.opens_at.is_some_and(|t| now < t)
    }

    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Whether question `index` is shown, given the answers so far.
    pub fn is_visible(&self, index: usize, response: &Response) -> bool {
        self.questions
            .get(index)
            .and_then(|q| q.visible_if.as_ref())
            .is_none_or(|condition| condition.holds(self, response))
    }

    /// Checks raw answers by question id: each answer against its question,
    /// hidden questions unanswered, required ones answered. The same check
    /// runs in the widget before sending and on the server before counting.
    pub fn response(&self, raw: &BTreeMap<String, RawAnswer>) -> Result<Response, SurveyError> {
        if let Some(id) = raw.keys().find(|id| self.question_index(id).is_none()) {
            return Err(SurveyError::new(
                "unknown_question",
                "",
                concat(&["there is no question \"", id, "\""]),
            ));
        }
        let mut response: Response = Vec::with_capacity(self.questions.len());
        for question in &self.questions {
            let answer = match raw.get(&question.id) {
                Some(answer) => question
                    .answer(answer)
                    .map_err(|e| e.within(&question.id))?,
                None => None,
            };
            response.push(answer);
        }
        self.check(&response)?;
        Ok(response)
    }

    /// The rules that span questions: a hidden question has no answer, a
    /// visible required one has one. Conditions name only earlier questions,
    /// so one pass in order sees every answer a condition can depend on.
    pub fn check(&self, response: &Response) -> Result<(), SurveyError> {
        if response.len() != self.questions.len() {
            return Err(SurveyError::new(
                "bad_answer",
                "",
                "the response does not match the survey's questions",
            ));
        }
        for (index, question) in self.questions.iter().enumerate() {
            let answer = response[index].as_ref();
            let answered = answer.is_some();
            if !self.is_visible(index, response) {
                if answered {
                    return Err(SurveyError::new(
                        "hidden_answered",
                        &question.id,
                        "this question is hidden by the other answers, so it takes no answer",
                    ));
                }
            } else if question.required && !answer.is_some_and(|a| question.complete(a)) {
                return Err(SurveyError::new(
                    "answer_required",
                    &question.id,
                    "this question needs an answer",
                ));
            }
        }
        if response.iter().all(Option::is_none) {
            return Err(SurveyError::new(
                "empty_response",
                "",
                "the response answers no question",
            ));
        }
        Ok(())
    }
}

fn date(text: Option<&str>, field: &str) -> Result<Option<i64>, SurveyError> {
    match text {
        None => Ok(None),
        Some(text) => parse_rfc3339(text).map(Some).ok_or_else(|| {
            SurveyError::new(
                "bad_date",
                field,
                concat(&[field, " is not a date like 2026-11-23T09:00:00Z"]),
            )
        }),
    }
}
