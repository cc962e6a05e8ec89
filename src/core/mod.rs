//! The pure heart of readerpoll: no DOM, no JS, no I/O.
//!
//! Everything here compiles natively so the server can reuse it and so it is
//! tested with plain `cargo test`. The widget and the server both render
//! numbers through these functions, which is why the two always agree.
//!
//! The survey modules are compiled natively (server, tests) and into the
//! survey build only: the poll build's wasm stays as it was without them.

#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod answers;
pub mod ballot;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod count;
pub mod dates;
pub mod delivery;
pub mod error;
pub mod format;
pub mod locale;
pub mod machine;
pub mod order;
pub mod outbox;
pub mod poll;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod question;
pub mod share;
pub mod small_sort;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod survey;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod survey_flow;
pub mod tally;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod visible;
pub mod wire;

pub use ballot::Selection;
pub use error::{ConfigError, ErrorCode};
pub use poll::{
    Counts, Mode, OptionOrder, Poll, PollOption, RawPoll, ResultsOrder, ResultsVisibility,
};
pub use tally::Tally;
