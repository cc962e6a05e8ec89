//! Vote counts: what a poll has received, per option and in voters.

/// Largest integer a JavaScript number holds exactly; counts beyond it could
/// not round-trip through JSON in a browser.
pub const MAX_COUNT: u64 = 9_007_199_254_740_991;

/// Counts per option (by option index) and the number of voters. In a
/// single-choice poll voters equal the sum of counts; in a multiple-choice
/// poll a voter adds one to each option they picked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: Vec<u64>,
    pub voters: u64,
}

impl Tally {
    pub fn new(counts: Vec<u64>, voters: u64) -> Self {
        Tally { counts, voters }
    }

    pub fn empty(options: usize) -> Self {
        Tally {
            counts: vec![0; options],
            voters: 0,
        }
    }

    /// Counts one ballot (option indices). Saturates rather than wrapping:
    /// a poll that reaches 2^53 votes has bigger problems than one count.
    pub fn apply(&mut self, choices: &[usize]) {
        for &index in choices {
            if let Some(count) = self.counts.get_mut(index) {
                *count = count.saturating_add(1).min(MAX_COUNT);
            }
        }
        self.voters = self.voters.saturating_add(1).min(MAX_COUNT);
    }

    /// Takes one ballot back out, for a reader who changes their vote.
    pub fn retract(&mut self, choices: &[usize]) {
        for &index in choices {
            if let Some(count) = self.counts.get_mut(index) {
                *count = count.saturating_sub(1);
            }
        }
        self.voters = self.voters.saturating_sub(1);
    }

    /// This tally with one extra ballot, leaving `self` as it was.
    pub fn with(&self, choices: &[usize]) -> Tally {
        let mut next = self.clone();
        next.apply(choices);
        next
    }

    pub fn total_choices(&self) -> u64 {
        self.counts.iter().sum()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn apply_and_retract_are_inverse() {
        let mut t = Tally::new(vec![1, 2, 3], 6);
        t.apply(&[0, 2]);
        assert_eq!(t, Tally::new(vec![2, 2, 4], 7));
        t.retract(&[0, 2]);
        assert_eq!(t, Tally::new(vec![1, 2, 3], 6));
    }

    #[test]
    fn out_of_range_choices_are_ignored_and_counts_saturate() {
        let mut t = Tally::new(vec![MAX_COUNT, 0], MAX_COUNT);
        t.apply(&[0, 9]);
        assert_eq!(t.counts, vec![MAX_COUNT, 0]);
        assert_eq!(t.voters, MAX_COUNT);
        let mut z = Tally::empty(2);
        z.retract(&[1]);
        assert_eq!(z, Tally::empty(2));
    }
}

/// A tally as a backend reports it: counts by option id, and voters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireTally {
    pub counts: Vec<(String, u64)>,
    pub voters: u64,
}

impl WireTally {
    /// This tally in the poll's option order; ids the poll does not have
    /// are ignored (an option an editor removed), missing ones count 0.
    pub fn for_poll(&self, poll: &crate::core::poll::Poll) -> Tally {
        let mut counts = vec![0u64; poll.options.len()];
        for (id, n) in &self.counts {
            if let Some(count) = poll.option_index(id).and_then(|i| counts.get_mut(i)) {
                *count = (*n).min(MAX_COUNT);
            }
        }
        Tally::new(counts, self.voters.min(MAX_COUNT))
    }
}
