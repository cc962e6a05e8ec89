//! Free-text questions. Answers are trimmed and limited in characters;
//! readers never see them, only how many were written.

use crate::core::format::decimal;
use crate::core::question::concat;
use crate::core::question::{raw_question, wrong_answer, Answer, RawAnswer};
use crate::core::survey::{char_count, SurveyError};

/// Longest limit an editor may set, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// The limit when none is set.
pub const DEFAULT_TEXT_CHARS: usize = 500;

raw_question!(RawText {
    #[serde(default)]
    max_length: Option<u32>,
    #[serde(default)]
    multiline: bool,
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub max_length: usize,
    pub multiline: bool,
}

impl Text {
    pub fn from_raw(raw: &RawText) -> Result<Text, SurveyError> {
        let max_length = raw.max_length.map_or(DEFAULT_TEXT_CHARS, |n| n as usize);
        if max_length == 0 || max_length > MAX_TEXT_CHARS {
            return Err(SurveyError::new(
                "bad_max_length",
                "max_length",
                "max_length must be between 1 and 5000",
            ));
        }
        Ok(Text {
            max_length,
            multiline: raw.multiline,
        })
    }

    pub fn answer(&self, raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
        let RawAnswer::Text(text) = raw else {
            return Err(wrong_answer("a text"));
        };
        let text = text.trim();
        if char_count(text) > self.max_length {
            return Err(SurveyError::new(
                "text_too_long",
                "",
                concat(&[
                    "the answer is longer than ",
                    &decimal(self.max_length as i64),
                    " characters",
                ]),
            ));
        }
        Ok((!text.is_empty()).then(|| Answer::Text(text.to_owned())))
    }
}
