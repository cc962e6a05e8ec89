//! The JSON protocol's message shapes (docs/protocol.md), for the server
//! and for native tools. The widget reads and writes the same shapes by hand
//! (`transport::payload`, `transport::net`) to keep serde out of the wasm.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST {endpoint}/polls/{id}/votes`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    pub choices: Vec<String>,
    /// Missing reads as empty, refused as `bad_key` like any malformed key.
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub voter: String,
}

/// Counts by option id, and voters.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct TallyBody {
    pub counts: BTreeMap<String, u64>,
    pub voters: u64,
}

/// The answer to a vote.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct VoteAnswer {
    pub tally: TallyBody,
    /// True when this request counted the vote, false for a replay of a key
    /// that was counted before.
    pub counted: bool,
}

/// `{"error": {"code", "message"}}`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl TallyBody {
    /// From a tally in option order.
    pub fn from_tally(poll: &crate::core::Poll, tally: &crate::core::Tally) -> TallyBody {
        TallyBody {
            counts: poll
                .options
                .iter()
                .zip(&tally.counts)
                .map(|(o, c)| (o.id.clone(), *c))
                .collect(),
            voters: tally.voters,
        }
    }
}
