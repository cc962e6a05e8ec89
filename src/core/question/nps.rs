//! Net Promoter Score questions: 0-10, "how likely are you to recommend…".
//! The results are the score (promoters' share minus detractors') and the
//! three groups' split.

use crate::core::question::{raw_question, scale::point, Answer, Bar, RawAnswer, Results};
use crate::core::share::{largest_remainder, PERCENT};
use crate::core::survey::SurveyError;
use crate::core::tally::MAX_COUNT;

/// 0 to 10.
pub const POINTS: usize = 11;

raw_question!(RawNps {});

pub fn answer(raw: &RawAnswer) -> Result<Option<Answer>, SurveyError> {
    point(raw, 0, POINTS as i64 - 1)
}

pub fn bucket(point: i64) -> Option<usize> {
    (0..POINTS as i64)
        .contains(&point)
        .then_some(point as usize)
}

/// Detractors (0-6), passives (7-8) and promoters (9-10).
pub fn groups(counts: &[u64]) -> [u64; 3] {
    let mut groups = [0u64; 3];
    for (point, &count) in counts.iter().enumerate() {
        let group = match point {
            0..=6 => 0,
            7 | 8 => 1,
            _ => 2,
        };
        groups[group] += count;
    }
    groups
}

/// The score, -100 to 100: promoters' share minus detractors', in whole
/// percent, rounded half away from zero from the exact counts (not from
/// the rounded shares, which can be one off).
pub fn score(counts: &[u64]) -> Option<i64> {
    let [detractors, _, promoters] = groups(counts);
    // u64 is enough, as for shares: counts stop at 2^53, so 201 times one
    // fits, and 128-bit division would add a kilobyte of wasm.
    let total = counts
        .iter()
        .fold(0u64, |a, &c| a.saturating_add(c))
        .min(MAX_COUNT);
    if total == 0 {
        return None;
    }
    let (promoters, detractors) = (promoters.min(total), detractors.min(total));
    let magnitude = ((promoters.abs_diff(detractors) * 200 + total) / (2 * total)) as i64;
    Some(if promoters < detractors {
        -magnitude
    } else {
        magnitude
    })
}

/// The groups' names as results label them.
pub const GROUPS: [&str; 3] = ["Detractors", "Passives", "Promoters"];

pub fn results(tally: &crate::core::question::QuestionTally) -> Results {
    let counts = groups(&tally.buckets);
    let shares = largest_remainder(&counts, PERCENT);
    Results::Nps {
        score: score(&tally.buckets),
        groups: std::array::from_fn(|g| Bar {
            label: GROUPS[g].to_owned(),
            count: counts[g],
            share: shares.get(g).copied().unwrap_or(0),
        }),
        answered: tally.answered,
    }
}
