//! Choice questions: pick one, or between `min_choices` and `max_choices`,
//! with an optional write-in ("Something else: …").

use crate::core::format::decimal;
use crate::core::poll::{Mode, PollOption};
use crate::core::question::{bars, Results};
use crate::core::question::{
    concat, index_of, labelled, labelled_list, raw_question, wrong_answer, Answer, RawAnswer,
    RawItem, RawLabelled, MAX_ITEMS,
};
use crate::core::share::{of_voters, PERCENT};
use crate::core::survey::{char_count, SurveyError};

fn options<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RawLabelled>, D::Error> {
    labelled_list(d, "options")
}

raw_question!(RawChoice {
    #[serde(default)]
    mode: Mode,
    #[serde(default)]
    min_choices: Option<u32>,
    #[serde(default)]
    max_choices: Option<u32>,
    #[serde(deserialize_with = "options")]
    options: Vec<RawLabelled>,
    #[serde(default)]
    other: Option<RawOther>,
});

/// The write-in's definition.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOther {
    pub label: String,
    #[serde(default)]
    pub max_length: Option<u32>,
}

/// Longest write-in allowed, in characters.
pub const MAX_OTHER_CHARS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Other {
    pub label: String,
    pub max_length: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub multiple: bool,
    pub min_choices: usize,
    pub max_choices: usize,
    pub options: Vec<PollOption>,
    pub other: Option<Other>,
}

impl Choice {
    pub fn from_raw(raw: &RawChoice) -> Result<Choice, SurveyError> {
        let options = labelled(&raw.options, "options", 2, MAX_ITEMS)?;
        let other = match &raw.other {
            None => None,
            Some(o) => Some(other(o).map_err(|e| e.within("other"))?),
        };
        let picks = options.len() + usize::from(other.is_some());
        let multiple = raw.mode == Mode::Multiple;
        let (min_choices, max_choices) = if multiple {
            let min = raw.min_choices.map_or(1, |n| n as usize);
            let max = raw.max_choices.map_or(picks, |n| n as usize);
            if min == 0 {
                return Err(SurveyError::new(
                    "min_choices_zero",
                    "min_choices",
                    "min_choices must be at least 1 (make the question optional instead)",
                ));
            }
            if max > picks {
                return Err(SurveyError::new(
                    "max_choices_too_large",
                    "max_choices",
                    "max_choices is larger than the number of options",
                ));
            }
            if min > max {
                return Err(SurveyError::new(
                    "min_above_max",
                    "min_choices",
                    "min_choices is larger than max_choices",
                ));
            }
            (min, max)
        } else {
            for (field, value) in [
                ("min_choices", raw.min_choices),
                ("max_choices", raw.max_choices),
            ] {
                if value.is_some_and(|n| n != 1) {
                    return Err(SurveyError::new(
                        "max_choices_too_large",
                        field,
                        concat(&[field, " must be 1 for a single-choice question"]),
                    ));
                }
            }
            (1, 1)
        };
        Ok(Choice {
            multiple,
            min_choices,
            max_choices,
            options,
            other,
        })
    }

    pub fn answer(&self, raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
        let RawAnswer::List(items) = raw else {
            return Err(wrong_answer("a list of option ids"));
        };
        let mut picked: Vec<usize> = Vec::with_capacity(items.len());
        let mut written: Option<String> = None;
        for item in items {
            match item {
                RawItem::Id(id) => {
                    let index = index_of(&self.options, id, "option")?;
                    if picked.contains(&index) {
                        return Err(SurveyError::new(
                            "bad_answer",
                            "",
                            concat(&["the option \"", id, "\" is picked twice"]),
                        ));
                    }
                    picked.push(index);
                }
                RawItem::Other { other } => {
                    let Some(allowed) = &self.other else {
                        return Err(SurveyError::new(
                            "bad_answer",
                            "",
                            "this question takes no written answer",
                        ));
                    };
                    if written.is_some() {
                        return Err(SurveyError::new(
                            "bad_answer",
                            "",
                            "only one written answer is allowed",
                        ));
                    }
                    let text = other.trim();
                    if char_count(text) > allowed.max_length {
                        return Err(SurveyError::new(
                            "text_too_long",
                            "",
                            concat(&[
                                "the written answer is longer than ",
                                &decimal(allowed.max_length as i64),
                                " characters",
                            ]),
                        ));
                    }
                    if !text.is_empty() {
                        written = Some(text.to_owned());
                    }
                }
            }
        }
        let count = picked.len() + usize::from(written.is_some());
        if count == 0 {
            return Ok(None);
        }
        if count < self.min_choices || count > self.max_choices {
            let message = if self.multiple {
                concat(&[
                    "pick between ",
                    &decimal(self.min_choices as i64),
                    " and ",
                    &decimal(self.max_choices as i64),
                ])
            } else {
                "pick one".to_owned()
            };
            return Err(SurveyError::new("bad_answer", "", message));
        }
        Ok(Some(Answer::Choice {
            picked,
            other: written,
        }))
    }

    /// Options' buckets come first, in option order; the write-in's last.
    pub fn buckets(&self, picked: &[usize], other: &Option<String>) -> Vec<usize> {
        let mut buckets: Vec<usize> = picked
            .iter()
            .copied()
            .filter(|&i| i < self.options.len())
            .collect();
        if other.is_some() && self.other.is_some() {
            buckets.push(self.options.len());
        }
        buckets
    }
}

fn other(raw: &RawOther) -> Result<Other, SurveyError> {
    if crate::core::poll::blank(&raw.label) {
        return Err(SurveyError::new(
            "empty_label",
            "label",
            "the label is empty",
        ));
    }
    let max_length = raw.max_length.map_or(MAX_OTHER_CHARS, |n| n as usize);
    if max_length == 0 || max_length > MAX_OTHER_CHARS {
        return Err(SurveyError::new(
            "bad_max_length",
            "max_length",
            "max_length must be between 1 and 200",
        ));
    }
    Ok(Other {
        label: raw.label.clone(),
        max_length,
    })
}

impl Choice {
    pub fn results(&self, tally: &crate::core::question::QuestionTally) -> Results {
        let labels = self
            .options
            .iter()
            .map(|o| o.label.as_str())
            .chain(self.other.iter().map(|o| o.label.as_str()));
        let mut bars = bars(labels, &tally.buckets);
        if self.multiple {
            let shares = of_voters(&tally.buckets, tally.answered, PERCENT);
            for (bar, share) in bars.iter_mut().zip(shares) {
                bar.share = share;
            }
        }
        Results::Choice {
            bars,
            answered: tally.answered,
            of_respondents: self.multiple,
        }
    }
}
