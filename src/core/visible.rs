//! `visible_if`: when a question is shown, as data rather than an
//! expression language, so the widget and the server evaluate it with the
//! same code and an editor cannot write a loop or a typo that runs.
//!
//! `{"question": "stress", "any_of": [1, 2]}` holds when that question's
//! answer has any of the values; `{"all": [...]}` and `{"any": [...]}`
//! combine conditions. A condition names only earlier questions.

use crate::core::format::decimal;
use serde::Deserialize;

use crate::core::question::concat;
use crate::core::question::Question;
use crate::core::question::Value;
use crate::core::survey::{Response, Survey, SurveyError};

/// How deep `all`/`any` may nest: enough for any real survey, and a bound
/// on the work a hostile definition can ask for.
pub const MAX_DEPTH: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum RawCondition {
    Answer {
        question: String,
        any_of: Vec<Value>,
    },
    All {
        all: Vec<RawCondition>,
    },
    Any {
        any: Vec<RawCondition>,
    },
}

/// A checked condition: questions by index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Answer { question: usize, any_of: Vec<Value> },
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

impl Condition {
    pub fn from_raw(raw: &RawCondition, earlier: &[Question]) -> Result<Condition, SurveyError> {
        checked(raw, earlier, 0)
    }

    /// Whether the condition holds for `response`. An unanswered or hidden
    /// question holds no value, so a condition on it does not hold.
    pub fn holds(&self, survey: &Survey, response: &Response) -> bool {
        match self {
            Condition::Answer { question, any_of } => {
                survey.is_visible(*question, response)
                    && match (survey.questions.get(*question), response.get(*question)) {
                        (Some(q), Some(Some(answer))) => {
                            any_of.iter().any(|value| q.answer_has(answer, value))
                        }
                        _ => false,
                    }
            }
            Condition::All(all) => all.iter().all(|c| c.holds(survey, response)),
            Condition::Any(any) => any.iter().any(|c| c.holds(survey, response)),
        }
    }
}

fn checked(
    raw: &RawCondition,
    earlier: &[Question],
    depth: usize,
) -> Result<Condition, SurveyError> {
    if depth > MAX_DEPTH {
        return Err(SurveyError::new(
            "bad_condition",
            "",
            "conditions nest more than 4 deep",
        ));
    }
    let list = |items: &[RawCondition], field: &str| -> Result<Vec<Condition>, SurveyError> {
        if items.is_empty() {
            return Err(SurveyError::new(
                "bad_condition",
                field,
                "the list is empty",
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                checked(c, earlier, depth + 1)
                    .map_err(|e| e.within(&concat(&[field, ".", &decimal(i as i64)])))
            })
            .collect()
    };
    match raw {
        RawCondition::Answer { question, any_of } => {
            let Some(index) = earlier.iter().position(|q| &q.id == question) else {
                return Err(SurveyError::new(
                    "bad_condition",
                    "question",
                    concat(&["\"", question, "\" is not a question before this one"]),
                ));
            };
            if any_of.is_empty() {
                return Err(SurveyError::new(
                    "bad_condition",
                    "any_of",
                    "the list is empty",
                ));
            }
            let q = &earlier[index];
            if let Some(i) = any_of.iter().position(|v| !q.accepts_value(v)) {
                return Err(SurveyError::new(
                    "bad_condition",
                    &concat(&["any_of.", &decimal(i as i64)]),
                    concat(&[
                        "not a value the ",
                        q.kind_name(),
                        " question \"",
                        question,
                        "\" can take",
                    ]),
                ));
            }
            Ok(Condition::Answer {
                question: index,
                any_of: any_of.clone(),
            })
        }
        RawCondition::All { all } => list(all, "all").map(Condition::All),
        RawCondition::Any { any } => list(any, "any").map(Condition::Any),
    }
}
