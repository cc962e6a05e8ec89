//! Likert questions: statements (rows) each rated on one shared set of
//! columns ("Strongly disagree" … "Strongly agree").

use crate::core::poll::PollOption;
use crate::core::question::{bars, Bar, Results};
use crate::core::question::{
    index_of, labelled, labelled_list, raw_question, wrong_answer, Answer, RawAnswer, RawLabelled,
    MAX_ITEMS,
};
use crate::core::survey::SurveyError;

/// Most columns: a 7-point agreement scale.
pub const MAX_COLUMNS: usize = 7;

fn rows<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RawLabelled>, D::Error> {
    labelled_list(d, "rows")
}

fn columns<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RawLabelled>, D::Error> {
    labelled_list(d, "columns")
}

raw_question!(RawLikert {
    #[serde(deserialize_with = "rows")]
    rows: Vec<RawLabelled>,
    #[serde(deserialize_with = "columns")]
    columns: Vec<RawLabelled>,
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Likert {
    pub rows: Vec<PollOption>,
    pub columns: Vec<PollOption>,
}

impl Likert {
    pub fn from_raw(raw: &RawLikert) -> Result<Likert, SurveyError> {
        Ok(Likert {
            rows: labelled(&raw.rows, "rows", 1, MAX_ITEMS)?,
            columns: labelled(&raw.columns, "columns", 2, MAX_COLUMNS)?,
        })
    }

    /// Rows left out are unanswered; whether that is allowed is
    /// [`Likert::complete`]'s to say for a required question.
    pub fn answer(&self, raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
        let RawAnswer::Rows(map) = raw else {
            return Err(wrong_answer("a column id for each row id"));
        };
        let mut rows = vec![None; self.rows.len()];
        for (row, column) in map {
            let r = index_of(&self.rows, row, "row")?;
            rows[r] = Some(index_of(&self.columns, column, "column")?);
        }
        Ok(rows
            .iter()
            .any(Option::is_some)
            .then_some(Answer::Rows(rows)))
    }

    pub fn complete(rows: &[Option<usize>]) -> bool {
        rows.iter().all(Option::is_some)
    }

    /// Row-major: row `r`, column `c` is bucket `r * columns + c`.
    pub fn buckets(&self, rows: &[Option<usize>]) -> Vec<usize> {
        let width = self.columns.len();
        rows.iter()
            .enumerate()
            .filter_map(|(r, c)| c.filter(|&c| c < width).map(|c| r * width + c))
            .collect()
    }
}

/// One row's results: a bar per column, and where the centre line falls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowResult {
    pub label: String,
    pub answered: u64,
    pub cells: Vec<Bar>,
    /// How much of the row lies left of the centre line (the disagreeing
    /// columns, and half the neutral one when the count is odd), in half
    /// percent: a diverging bar is drawn with its centre at this offset.
    pub left_halves: u32,
}

impl Likert {
    pub fn results(&self, tally: &crate::core::question::QuestionTally) -> Results {
        let width = self.columns.len();
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let counts = tally.buckets.get(r * width..(r + 1) * width).unwrap_or(&[]);
                let cells = bars(self.columns.iter().map(|c| c.label.as_str()), counts);
                let left: u32 = cells.iter().take(width / 2).map(|c| c.share * 2).sum();
                let neutral = if width % 2 == 1 {
                    cells.get(width / 2).map_or(0, |c| c.share)
                } else {
                    0
                };
                RowResult {
                    label: row.label.clone(),
                    answered: counts.iter().sum(),
                    cells,
                    left_halves: left + neutral,
                }
            })
            .collect();
        Results::Likert { rows }
    }
}
