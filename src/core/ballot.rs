//! What a reader has ticked, and the rules a ballot must follow.

use crate::core::poll::{Mode, Poll};

/// Option indices the reader has selected, in the order they were picked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection(Vec<usize>);

/// Why a toggle was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToggleError {
    /// Picking this would exceed `max_choices`; the number is the maximum.
    TooMany(usize),
    NoSuchOption,
}

impl Selection {
    pub fn from_indices(mut indices: Vec<usize>) -> Self {
        indices.dedup();
        Selection(indices)
    }

    pub fn indices(&self) -> &[usize] {
        &self.0
    }

    pub fn contains(&self, index: usize) -> bool {
        self.0.contains(&index)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Ticks or unticks an option. Single choice behaves like a radio group
    /// (ticking replaces; a tick on the ticked option keeps it); multiple
    /// choice refuses to go past the maximum rather than silently dropping
    /// an earlier pick.
    pub fn toggle(&mut self, poll: &Poll, index: usize) -> Result<(), ToggleError> {
        if index >= poll.options.len() {
            return Err(ToggleError::NoSuchOption);
        }
        match poll.mode {
            Mode::Single => {
                self.0.clear();
                self.0.push(index);
            }
            Mode::Multiple => {
                if self.0.contains(&index) {
                    // `retain`, not `remove(position)`: no panic path.
                    self.0.retain(|&i| i != index);
                } else if self.0.len() >= poll.max_choices {
                    return Err(ToggleError::TooMany(poll.max_choices));
                } else {
                    self.0.push(index);
                }
            }
        }
        Ok(())
    }

    /// A ballot that may be cast: at least one choice, within the maximum,
    /// all of them real options, none twice.
    pub fn is_valid_for(&self, poll: &Poll) -> bool {
        valid_ballot(poll, &self.0)
    }

    /// The choices sorted by option position: the canonical ballot that is
    /// stored and sent.
    pub fn ballot(&self) -> Vec<usize> {
        let mut b = self.0.clone();
        crate::core::small_sort::sort_dedup(&mut b);
        b
    }
}

/// The ballot rule shared by the widget and the server.
pub fn valid_ballot(poll: &Poll, choices: &[usize]) -> bool {
    if choices.is_empty() || choices.len() > poll.max_choices {
        return false;
    }
    let mut seen = vec![false; poll.options.len()];
    for &c in choices {
        match seen.get_mut(c) {
            Some(s) if !*s => *s = true,
            _ => return false,
        }
    }
    true
}

/// Option ids to indices, dropping ids the poll does not have (a stored vote
/// for an option an editor has since removed). Takes the ids as stored and
/// received (`String`s), so no borrowed copy of the list is built first.
pub fn indices_of(poll: &Poll, ids: &[String]) -> Vec<usize> {
    // Loops rather than iterator chains here and in the other helpers the
    // widget runs: each `filter_map(..).collect()` becomes three or four
    // functions of wasm, a loop one.
    let mut out = Vec::new();
    for id in ids {
        if let Some(index) = poll.option_index(id) {
            out.push(index);
        }
    }
    crate::core::small_sort::sort_dedup(&mut out);
    out
}

/// Option indices to ids.
pub fn ids_of(poll: &Poll, indices: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    for &i in indices {
        if let Some(option) = poll.options.get(i) {
            out.push(option.id.clone());
        }
    }
    out
}
