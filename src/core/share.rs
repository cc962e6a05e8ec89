//! Percentages in integer arithmetic.
//!
//! Shares are computed in "units" (100 for whole percent, 1000 for tenths)
//! without floats: float formatting alone would add ~9 KB gzipped to the wasm,
//! and integers make the widget and the server agree to the last digit.

use crate::core::poll::Mode;
use crate::core::tally::MAX_COUNT;

/// Whole percent: what newspapers print.
pub const PERCENT: u32 = 100;
/// Tenths of a percent (permille), for close races.
pub const PERMILLE: u32 = 1000;

/// Single-choice shares by the largest-remainder (Hamilton) method: each
/// option gets the floor of its exact share, and the units left over go to
/// the largest remainders. The result sums to exactly `units` whenever
/// `total > 0`.
///
/// Ties in remainder go to the larger count, then to the earlier option, so
/// the outcome is deterministic and monotonic: a larger count never shows a
/// smaller share.
pub fn largest_remainder(counts: &[u64], units: u32) -> Vec<u32> {
    // u64 is enough: counts are at most 2^53 and units at most 1000, and
    // u128 division would add a kilobyte of wasm.
    let total: u64 = counts
        .iter()
        .fold(0u64, |a, &c| a.saturating_add(c.min(MAX_COUNT)));
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<u32> = Vec::with_capacity(counts.len());
    let mut remainders: Vec<(u64, u64, usize)> = Vec::with_capacity(counts.len());
    for (index, &count) in counts.iter().enumerate() {
        let scaled = count.min(MAX_COUNT) * u64::from(units);
        shares.push((scaled / total) as u32);
        remainders.push((scaled % total, count, index));
    }
    let given: u32 = shares.iter().sum();
    let left = units.saturating_sub(given) as usize;
    // Larger remainder first, then larger count; the sort is stable, so
    // equal pairs stay in option order.
    crate::core::small_sort::sort_by(&mut remainders, |a, b| (a.0, a.1) > (b.0, b.1));
    for &(_, _, index) in remainders.iter().take(left) {
        // Always in range; `get_mut` avoids an index panic path in the wasm.
        if let Some(share) = shares.get_mut(index) {
            *share += 1;
        }
    }
    shares
}

/// Each option's share of `voters`, rounded half up on its own. Used for
/// multiple-choice polls, where shares of voters need not sum to 100.
pub fn of_voters(counts: &[u64], voters: u64, units: u32) -> Vec<u32> {
    if voters == 0 {
        return vec![0; counts.len()];
    }
    let voters = voters.min(MAX_COUNT);
    let mut shares = Vec::with_capacity(counts.len());
    for &c in counts {
        // Half up: (2 * c * units + voters) / (2 * voters), in u64 range
        // because c <= voters <= 2^53 and units <= 1000.
        let scaled = c.min(voters) * u64::from(units);
        shares.push((scaled / voters + u64::from(scaled % voters * 2 >= voters)) as u32);
    }
    shares
}

/// The shares a poll shows: largest remainder for single choice, share of
/// voters for multiple choice.
pub fn shares(mode: Mode, counts: &[u64], voters: u64, units: u32) -> Vec<u32> {
    match mode {
        Mode::Single => largest_remainder(counts, units),
        Mode::Multiple => of_voters(counts, voters, units),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_polls_match_published_percentages() {
        assert_eq!(
            largest_remainder(&[93, 184, 134, 170], 100),
            [16, 32, 23, 29]
        );
        let nwag = largest_remainder(&[7, 17, 172, 621], 100);
        assert_eq!(nwag, [1, 2, 21, 76]);
        assert_eq!(nwag[0] + nwag[1], 3, "very+fairly was published as 3%");
        assert_eq!(largest_remainder(&[56, 265, 209, 34], 100), [10, 47, 37, 6]);
    }

    #[test]
    fn thirds_break_ties_towards_earlier_options() {
        assert_eq!(largest_remainder(&[1, 1, 1], 100), [34, 33, 33]);
        assert_eq!(largest_remainder(&[1, 1, 1], 1000), [334, 333, 333]);
    }

    #[test]
    fn no_votes_is_all_zero() {
        assert_eq!(largest_remainder(&[0, 0], 100), [0, 0]);
        assert_eq!(of_voters(&[0, 0], 0, 100), [0, 0]);
    }

    #[test]
    fn multiple_choice_is_share_of_voters() {
        // 10 voters, 7 picked A and 6 picked B.
        assert_eq!(of_voters(&[7, 6, 0], 10, 100), [70, 60, 0]);
        assert_eq!(of_voters(&[1, 2], 3, 100), [33, 67]);
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let max = crate::core::tally::MAX_COUNT;
        assert_eq!(largest_remainder(&[max, max], 1000), [500, 500]);
        assert_eq!(of_voters(&[max], max, 1000), [1000]);
    }

    proptest! {
        #[test]
        fn single_choice_sums_to_units(counts in prop::collection::vec(0u64..1_000_000, 2..12), tenth in any::<bool>()) {
            let units = if tenth { PERMILLE } else { PERCENT };
            let shares = largest_remainder(&counts, units);
            let total: u64 = counts.iter().sum();
            let sum: u32 = shares.iter().sum();
            prop_assert_eq!(sum, if total == 0 { 0 } else { units });
        }

        /// A larger count never shows a smaller share. Equal counts can
        /// differ by the one unit that makes the sum exact (three equal
        /// counts are 34, 33 and 33), and then the earlier option has it.
        #[test]
        fn single_choice_is_monotonic(counts in prop::collection::vec(0u64..100_000, 2..12)) {
            let shares = largest_remainder(&counts, PERCENT);
            for i in 0..counts.len() {
                for j in 0..counts.len() {
                    if counts[i] > counts[j] {
                        prop_assert!(shares[i] >= shares[j], "{:?} -> {:?}", counts, shares);
                    }
                    if counts[i] == counts[j] && i < j {
                        prop_assert!(
                            shares[i] == shares[j] || shares[i] == shares[j] + 1,
                            "{:?} -> {:?}", counts, shares
                        );
                    }
                }
            }
        }

        #[test]
        fn each_share_is_within_one_unit_of_exact(counts in prop::collection::vec(0u64..100_000, 2..12)) {
            let total: u64 = counts.iter().sum();
            prop_assume!(total > 0);
            let shares = largest_remainder(&counts, PERMILLE);
            for (c, s) in counts.iter().zip(&shares) {
                let floor = (*c * 1000 / total) as u32;
                prop_assert!(*s == floor || *s == floor + 1);
            }
        }

        #[test]
        fn deterministic_under_permutation_of_equal_counts(a in 0u64..1000, n in 2usize..8) {
            let counts = vec![a; n];
            let shares = largest_remainder(&counts, PERCENT);
            // Equal counts differ by at most one unit, earlier options first.
            for w in shares.windows(2) {
                prop_assert!(w[0] >= w[1] && w[0] - w[1] <= 1);
            }
        }

        #[test]
        fn multiple_choice_shares_are_bounded(counts in prop::collection::vec(0u64..1000, 2..8), extra in 0u64..1000) {
            let voters = counts.iter().copied().max().unwrap() + extra;
            for s in of_voters(&counts, voters, PERCENT) {
                prop_assert!(s <= 100);
            }
        }
    }
}
