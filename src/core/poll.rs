//! The poll model and the one place a poll definition is validated.
//!
//! `RawPoll` mirrors the JSON an editor writes; `Poll::from_raw` turns it into
//! a `Poll` that every other module may trust, or into one precise error.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::core::dates::parse_rfc3339;
use crate::core::error::{ConfigError, ErrorCode};
use crate::core::tally::{Tally, MAX_COUNT};

/// Longest question, in characters: a sentence, not an article.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Longest option label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Most options a poll may have; beyond this it is a survey, not a poll.
pub const MAX_OPTIONS: usize = 30;
/// Longest poll or option id; ids travel in URLs and storage keys.
pub const MAX_ID_CHARS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Single,
    Multiple,
}

/// When readers may see the numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisibility {
    #[default]
    Always,
    AfterVote,
    AfterClose,
    Never,
}

/// The order options are offered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OptionOrder {
    #[default]
    Given,
    /// Shuffled once per reader, then stable, to cancel first-position bias.
    Random,
}

/// The order result rows are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResultsOrder {
    #[default]
    Given,
    Votes,
}

/// Names a value of a config enum, as written in JSON; for decoders that do
/// not go through serde (the widget's, which must stay small).
pub trait Named: Sized + Copy + 'static {
    const NAMES: &'static [&'static str];
    const VALUES: &'static [Self];
    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::VALUES[i])
    }
}

impl Named for Mode {
    const NAMES: &'static [&'static str] = &["single", "multiple"];
    const VALUES: &'static [Self] = &[Mode::Single, Mode::Multiple];
}

impl Named for ResultsVisibility {
    const NAMES: &'static [&'static str] = &["always", "after_vote", "after_close", "never"];
    const VALUES: &'static [Self] = &[
        ResultsVisibility::Always,
        ResultsVisibility::AfterVote,
        ResultsVisibility::AfterClose,
        ResultsVisibility::Never,
    ];
}

impl Named for OptionOrder {
    const NAMES: &'static [&'static str] = &["given", "random"];
    const VALUES: &'static [Self] = &[OptionOrder::Given, OptionOrder::Random];
}

impl Named for ResultsOrder {
    const NAMES: &'static [&'static str] = &["given", "votes"];
    const VALUES: &'static [Self] = &[ResultsOrder::Given, ResultsOrder::Votes];
}

/// The fields `RawPoll` accepts, for decoders that check unknown fields.
pub const POLL_FIELDS: &[&str] = &[
    "id",
    "question",
    "mode",
    "max_choices",
    "options",
    "opens_at",
    "closes_at",
    "closed",
    "results",
    "order",
    "results_order",
    "allow_change",
    "counts",
    "voters",
];

/// The fields `RawOption` accepts.
pub const OPTION_FIELDS: &[&str] = &["id", "label"];

/// The poll definition as written, before validation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoll {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub max_choices: Option<u32>,
    pub options: Vec<RawOption>,
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub closed: bool,
    #[serde(default)]
    pub results: ResultsVisibility,
    #[serde(default)]
    pub order: OptionOrder,
    #[serde(default)]
    pub results_order: ResultsOrder,
    #[serde(default)]
    pub allow_change: bool,
    /// Published tally: the first paint before any server answers.
    #[serde(default)]
    pub counts: Option<Counts>,
    #[serde(default)]
    pub voters: Option<u64>,
}

/// Published counts by option id, in the order written. A list of pairs
/// rather than a map type: the widget decodes it without a B-tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(String, u64)>);

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Counts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of counts by option id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
                let mut pairs = Vec::new();
                while let Some((id, count)) = map.next_entry::<String, u64>()? {
                    pairs.push((id, count));
                }
                Ok(Counts(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollOption {
    pub id: String,
    pub label: String,
}

/// A validated poll. Options keep their given order; `index` everywhere
/// means a position in `options`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poll {
    pub id: String,
    pub question: String,
    pub mode: Mode,
    /// 1 for single choice; for multiple choice the most a reader may pick.
    pub max_choices: usize,
    pub options: Vec<PollOption>,
    /// Unix seconds.
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    /// Closed by the operator, whatever the dates say.
    pub closed: bool,
    pub results: ResultsVisibility,
    pub order: OptionOrder,
    pub results_order: ResultsOrder,
    pub allow_change: bool,
    pub tally: Tally,
}

/// Poll and option ids: 1 to 64 ASCII letters, digits, `-`, `_` and `.`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Characters (scalar values) in `text`: bytes that do not continue a
/// UTF-8 sequence. Smaller in wasm than `chars().count()`.
fn char_count(text: &str) -> usize {
    text.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// Text an editor typed that renders as nothing is treated as missing.
pub(crate) fn blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
    })
}

impl Poll {
    /// Validates a raw definition. Checks run in the order an editor reads the
    /// JSON, so the first error reported is the first one they will find.
    pub fn from_raw(raw: RawPoll) -> Result<Poll, ConfigError> {
        if raw.id.is_empty() {
            return Err(ConfigError::new(ErrorCode::EmptyId, "the poll id is empty"));
        }
        if !valid_id(&raw.id) {
            return Err(ConfigError::new(
                ErrorCode::BadId,
                "the poll id may use only letters, digits, '-', '_' and '.', at most 64 of them",
            ));
        }
        if blank(&raw.question) {
            return Err(ConfigError::new(
                ErrorCode::EmptyQuestion,
                "the question is empty",
            ));
        }
        if char_count(&raw.question) > MAX_QUESTION_CHARS {
            return Err(ConfigError::new(
                ErrorCode::QuestionTooLong,
                "the question is longer than 500 characters",
            ));
        }
        match raw.options.len() {
            0 => {
                return Err(ConfigError::new(
                    ErrorCode::NoOptions,
                    "the poll has no options",
                ))
            }
            1 => {
                return Err(ConfigError::new(
                    ErrorCode::OneOption,
                    "the poll has only one option; a poll needs at least two",
                ))
            }
            n if n > MAX_OPTIONS => {
                return Err(ConfigError::new(
                    ErrorCode::TooManyOptions,
                    "the poll has more than 30 options",
                ))
            }
            _ => {}
        }
        let mut options = Vec::with_capacity(raw.options.len());
        for (index, option) in raw.options.into_iter().enumerate() {
            if option.id.is_empty() {
                return Err(ConfigError::at_option(
                    ErrorCode::EmptyId,
                    index,
                    "the id is empty",
                ));
            }
            if !valid_id(&option.id) {
                return Err(ConfigError::at_option(
                    ErrorCode::BadId,
                    index,
                    "the id may use only letters, digits, '-', '_' and '.', at most 64 of them",
                ));
            }
            if options.iter().any(|o: &PollOption| o.id == option.id) {
                let mut what = String::from("the id \"");
                what.push_str(&option.id);
                what.push_str("\" is used twice");
                return Err(ConfigError::at_option(
                    ErrorCode::DuplicateOptionId,
                    index,
                    &what,
                ));
            }
            if blank(&option.label) {
                return Err(ConfigError::at_option(
                    ErrorCode::EmptyLabel,
                    index,
                    "the label is empty",
                ));
            }
            if char_count(&option.label) > MAX_LABEL_CHARS {
                return Err(ConfigError::at_option(
                    ErrorCode::LabelTooLong,
                    index,
                    "the label is longer than 200 characters",
                ));
            }
            options.push(PollOption {
                id: option.id,
                label: option.label,
            });
        }
        let max_choices = match (raw.mode, raw.max_choices) {
            (Mode::Single, None | Some(1)) => 1,
            (Mode::Single, Some(_)) => {
                return Err(ConfigError::new(
                    ErrorCode::MaxChoicesTooLarge,
                    "max_choices must be 1 for a single-choice poll",
                ))
            }
            (Mode::Multiple, Some(0)) => {
                return Err(ConfigError::new(
                    ErrorCode::MaxChoicesZero,
                    "max_choices must be at least 1",
                ))
            }
            (Mode::Multiple, Some(n)) if n as usize > options.len() => {
                return Err(ConfigError::new(
                    ErrorCode::MaxChoicesTooLarge,
                    "max_choices is larger than the number of options",
                ))
            }
            (Mode::Multiple, Some(n)) => n as usize,
            (Mode::Multiple, None) => options.len(),
        };
        let opens_at = parse_date(raw.opens_at.as_deref(), "opens_at")?;
        let closes_at = parse_date(raw.closes_at.as_deref(), "closes_at")?;
        if let (Some(open), Some(close)) = (opens_at, closes_at) {
            if close <= open {
                return Err(ConfigError::new(
                    ErrorCode::ClosesBeforeOpens,
                    "closes_at is not after opens_at",
                ));
            }
        }
        let tally = tally_from_counts(&options, raw.mode, raw.counts.as_ref(), raw.voters)?;
        Ok(Poll {
            id: raw.id,
            question: raw.question,
            mode: raw.mode,
            max_choices,
            options,
            opens_at,
            closes_at,
            closed: raw.closed,
            results: raw.results,
            order: raw.order,
            results_order: raw.results_order,
            allow_change: raw.allow_change,
            tally,
        })
    }

    /// Whether the poll takes votes at `now` (unix seconds). Decided at the
    /// moment of asking so no timer is needed to close a poll.
    pub fn is_open_at(&self, now: i64) -> bool {
        !self.closed
            && self.opens_at.is_none_or(|t| now >= t)
            && self.closes_at.is_none_or(|t| now < t)
    }

    /// Whether the poll has not opened yet at `now`.
    pub fn not_yet_open_at(&self, now: i64) -> bool {
        self.opens_at.is_some_and(|t| now < t)
    }

    /// The next moment after `now` at which the poll opens or closes by
    /// its dates, for a widget left open across it.
    pub fn next_change_after(&self, now: i64) -> Option<i64> {
        let ahead = |t: Option<i64>| t.filter(|t| *t > now);
        match (ahead(self.opens_at), ahead(self.closes_at)) {
            (Some(open), Some(close)) => Some(open.min(close)),
            (open, close) => open.or(close),
        }
    }

    pub fn option_index(&self, id: &str) -> Option<usize> {
        self.options.iter().position(|o| o.id == id)
    }
}

fn parse_date(text: Option<&str>, field: &str) -> Result<Option<i64>, ConfigError> {
    match text {
        None => Ok(None),
        Some(text) => parse_rfc3339(text).map(Some).ok_or_else(|| {
            let mut message = String::from(field);
            message.push_str(" is not a date like 2026-11-23T09:00:00Z");
            ConfigError::new(ErrorCode::BadDate, message)
        }),
    }
}

/// Builds the published tally from `counts` keyed by option id.
pub fn tally_from_counts(
    options: &[PollOption],
    mode: Mode,
    counts: Option<&Counts>,
    voters: Option<u64>,
) -> Result<Tally, ConfigError> {
    let mut per_option = vec![0u64; options.len()];
    if let Some(counts) = counts {
        for (id, count) in &counts.0 {
            let count = *count;
            let Some(index) = options.iter().position(|o| &o.id == id) else {
                let mut message = String::from("counts names \"");
                message.push_str(id);
                message.push_str("\", which is not an option");
                return Err(ConfigError::new(ErrorCode::UnknownCountOption, message));
            };
            if count > MAX_COUNT {
                return Err(ConfigError::new(
                    ErrorCode::CountTooLarge,
                    "a count is larger than 9007199254740991",
                ));
            }
            // `index` comes from `options`, as long as `per_option`; `get_mut`
            // only spares the wasm an index panic and its formatting.
            let Some(slot) = per_option.get_mut(index) else {
                continue;
            };
            if *slot != 0 {
                let mut message = String::from("counts names \"");
                message.push_str(id);
                message.push_str("\" twice");
                return Err(ConfigError::new(ErrorCode::UnknownCountOption, message));
            }
            *slot = count;
        }
    }
    let sum: u64 = per_option.iter().sum();
    let max = per_option.iter().copied().max().unwrap_or(0);
    let voters = match (mode, voters) {
        (_, Some(v)) if v > MAX_COUNT => {
            return Err(ConfigError::new(
                ErrorCode::CountTooLarge,
                "voters is larger than 9007199254740991",
            ))
        }
        (Mode::Single, Some(v)) if v != sum => {
            return Err(ConfigError::new(
                ErrorCode::VotersTooFew,
                "voters must equal the sum of counts in a single-choice poll",
            ))
        }
        (Mode::Multiple, Some(v)) if v < max || v > sum => {
            return Err(ConfigError::new(
                ErrorCode::VotersTooFew,
                "voters must be between the largest count and the sum of counts",
            ))
        }
        (_, Some(v)) => v,
        (Mode::Single, None) => sum,
        (Mode::Multiple, None) => {
            if sum == 0 {
                0
            } else {
                return Err(ConfigError::new(
                    ErrorCode::MissingField,
                    "a multiple-choice poll with counts must say how many voters",
                ));
            }
        }
    };
    if sum > MAX_COUNT {
        return Err(ConfigError::new(
            ErrorCode::CountTooLarge,
            "the counts add up to more than 9007199254740991",
        ));
    }
    Ok(Tally::new(per_option, voters))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The hand-written widget decoder relies on these lists matching what
    /// serde accepts; a field added to one and not the other fails here.
    #[test]
    fn field_lists_match_serde() {
        let mut all = serde_json::Map::new();
        for f in POLL_FIELDS {
            all.insert((*f).into(), serde_json::Value::Null);
        }
        all.insert("id".into(), "p".into());
        all.insert("question".into(), "q".into());
        all.insert(
            "options".into(),
            serde_json::json!([{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]),
        );
        all.insert("closed".into(), false.into());
        all.insert("allow_change".into(), false.into());
        for f in ["mode", "results", "order", "results_order"] {
            all.remove(f);
        }
        serde_json::from_value::<RawPoll>(serde_json::Value::Object(all)).unwrap();
        assert_eq!(Mode::from_name("multiple"), Some(Mode::Multiple));
        assert_eq!(
            ResultsVisibility::from_name("after_close"),
            Some(ResultsVisibility::AfterClose)
        );
        assert_eq!(OptionOrder::from_name("random"), Some(OptionOrder::Random));
        assert_eq!(ResultsOrder::from_name("nope"), None);
    }
}
