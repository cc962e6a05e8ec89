//! The pure heart of readerpoll: no DOM, no JS, no I/O.
//!
//! Everything here compiles natively so the server can reuse it and so it is
//! tested with plain `cargo test`. The widget and the server both render
//! numbers through these functions, which is why the two always agree.

pub mod ballot;
pub mod dates;
pub mod delivery;
pub mod error;
pub mod format;
pub mod locale;
pub mod machine;
pub mod order;
pub mod outbox;
pub mod poll;
pub mod share;
pub mod small_sort;
pub mod tally;
pub mod wire;

pub use ballot::Selection;
pub use error::{ConfigError, ErrorCode};
pub use poll::{
    Counts, Mode, OptionOrder, Poll, PollOption, RawPoll, ResultsOrder, ResultsVisibility,
};
pub use tally::Tally;
