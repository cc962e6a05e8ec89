//! Config errors with a stable machine-readable code and a readable message.
//!
//! Messages are built by concatenation, not `format!`, because the widget
//! ships them and the formatting machinery costs kilobytes of wasm.

use crate::core::format::push_u64;

/// Why a poll definition was refused. The string form is part of the
/// embed contract (`poll-error` `detail.code`), so variants never change name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidJson,
    UnknownField,
    MissingField,
    WrongType,
    EmptyId,
    BadId,
    EmptyQuestion,
    QuestionTooLong,
    NoOptions,
    OneOption,
    TooManyOptions,
    DuplicateOptionId,
    EmptyLabel,
    LabelTooLong,
    MaxChoicesTooLarge,
    MaxChoicesZero,
    BadDate,
    ClosesBeforeOpens,
    UnknownCountOption,
    CountTooLarge,
    VotersTooFew,
    LoadFailed,
    BadEndpoint,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::EmptyId => "empty_id",
            ErrorCode::BadId => "bad_id",
            ErrorCode::EmptyQuestion => "empty_question",
            ErrorCode::QuestionTooLong => "question_too_long",
            ErrorCode::NoOptions => "no_options",
            ErrorCode::OneOption => "one_option",
            ErrorCode::TooManyOptions => "too_many_options",
            ErrorCode::DuplicateOptionId => "duplicate_option_id",
            ErrorCode::EmptyLabel => "empty_label",
            ErrorCode::LabelTooLong => "label_too_long",
            ErrorCode::MaxChoicesTooLarge => "max_choices_too_large",
            ErrorCode::MaxChoicesZero => "max_choices_zero",
            ErrorCode::BadDate => "bad_date",
            ErrorCode::ClosesBeforeOpens => "closes_before_opens",
            ErrorCode::UnknownCountOption => "unknown_count_option",
            ErrorCode::CountTooLarge => "count_too_large",
            ErrorCode::VotersTooFew => "voters_too_few",
            ErrorCode::LoadFailed => "load_failed",
            ErrorCode::BadEndpoint => "bad_endpoint",
        }
    }
}

/// A refused poll definition: the code for machines, the message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub code: ErrorCode,
    pub message: String,
}

impl ConfigError {
    /// Not inlined: the validation's two dozen refusals share one copy
    /// (per message type) of the allocation and copy.
    #[inline(never)]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ConfigError {
            code,
            message: message.into(),
        }
    }

    /// An error about one option, named by its 1-based position so an
    /// editor can find it even when its id is the problem.
    pub fn at_option(code: ErrorCode, index: usize, what: &str) -> Self {
        let mut message = String::from("option ");
        push_u64(&mut message, index as u64 + 1);
        message.push_str(": ");
        message.push_str(what);
        ConfigError { code, message }
    }

    /// Maps a decoder's message (serde's wording) onto our codes, keeping its
    /// text because it names the offending field.
    pub fn from_decoder(message: String) -> Self {
        let code = if message.contains("unknown field") {
            ErrorCode::UnknownField
        } else if message.contains("missing field") {
            ErrorCode::MissingField
        } else if message.contains("invalid type")
            || message.contains("invalid value")
            || message.contains("unknown variant")
        {
            ErrorCode::WrongType
        } else {
            ErrorCode::InvalidJson
        };
        ConfigError { code, message }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}
