//! Scale questions: a whole number from `min` to `max` (at most 11 points),
//! with optional words at the ends ("Not at all" … "Completely").

use crate::core::format::decimal;
use crate::core::question::concat;
use crate::core::question::{bars, raw_question, wrong_answer, Answer, RawAnswer, Results};
use crate::core::survey::{char_count, SurveyError};

/// Most points a scale may have (0-10).
pub const MAX_POINTS: i64 = 11;

raw_question!(RawScale {
    min: i64,
    max: i64,
    #[serde(default)]
    labels: Option<RawEnds>,
});

/// Words for the two ends of a scale.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnds {
    #[serde(default)]
    pub min: Option<String>,
    #[serde(default)]
    pub max: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    pub min: i64,
    pub max: i64,
    pub labels: RawEnds,
}

impl Scale {
    pub fn from_raw(raw: &RawScale) -> Result<Scale, SurveyError> {
        if raw.max <= raw.min {
            return Err(SurveyError::new(
                "bad_scale",
                "max",
                "max must be larger than min",
            ));
        }
        if raw.max - raw.min + 1 > MAX_POINTS {
            return Err(SurveyError::new(
                "bad_scale",
                "max",
                "a scale has at most 11 points",
            ));
        }
        let labels = raw.labels.clone().unwrap_or_default();
        for (field, label) in [("labels.min", &labels.min), ("labels.max", &labels.max)] {
            if let Some(label) = label {
                if crate::core::poll::blank(label) {
                    return Err(SurveyError::new("empty_label", field, "the label is empty"));
                }
                if char_count(label) > crate::core::poll::MAX_LABEL_CHARS {
                    return Err(SurveyError::new(
                        "label_too_long",
                        field,
                        "the label is longer than 200 characters",
                    ));
                }
            }
        }
        Ok(Scale {
            min: raw.min,
            max: raw.max,
            labels,
        })
    }

    pub fn points(&self) -> usize {
        (self.max - self.min + 1) as usize
    }

    pub fn bucket(&self, point: i64) -> Option<usize> {
        (self.min..=self.max)
            .contains(&point)
            .then(|| (point - self.min) as usize)
    }

    pub fn answer(&self, raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
        point(raw, self.min, self.max)
    }
}

/// A point between `min` and `max`, for scales and NPS alike.
pub(crate) fn point(raw: &RawAnswer, min: i64, max: i64) -> Result<Option<Answer>, SurveyError> {
    let RawAnswer::Number(n) = raw else {
        return Err(wrong_answer("a whole number"));
    };
    if !(min..=max).contains(n) {
        return Err(SurveyError::new(
            "bad_answer",
            "",
            concat(&[
                "the answer must be between ",
                &decimal(min),
                " and ",
                &decimal(max),
            ]),
        ));
    }
    Ok(Some(Answer::Point(*n)))
}

/// The median of a distribution over consecutive points from `min`, in
/// half points (so 3.5 is 7): the middle answer, or halfway between the two
/// middle ones. `None` with no answers.
pub fn median_halves(counts: &[u64], min: i64) -> Option<i64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    // 1-based ranks of the middle answer(s).
    let low_rank = total.div_ceil(2);
    let high_rank = total / 2 + 1;
    let at = |rank: u64| -> i64 {
        let mut seen = 0;
        for (i, &c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return min + i as i64;
            }
        }
        min + counts.len() as i64 - 1
    };
    Some(at(low_rank) + at(high_rank))
}

impl Scale {
    pub fn results(&self, tally: &crate::core::question::QuestionTally) -> Results {
        let labels: Vec<String> = (self.min..=self.max).map(decimal).collect();
        Results::Scale {
            bars: bars(labels.iter().map(String::as_str), &tally.buckets),
            answered: tally.answered,
            median_halves: median_halves(&tally.buckets, self.min),
        }
    }
}
