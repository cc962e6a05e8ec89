//! Option order: given, or shuffled once per reader and then stable, so a
//! reload never moves the option the reader was about to click.

use crate::core::poll::{OptionOrder, Poll, ResultsOrder};

/// FNV-1a: a tiny, stable hash. Not for security, only for a per-reader
/// shuffle that needs no randomness source.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// 0, 1, 2, ...: one index per option.
fn given_order(poll: &Poll) -> Vec<usize> {
    let mut order = Vec::with_capacity(poll.options.len());
    for index in 0..poll.options.len() {
        order.push(index);
    }
    order
}

/// The order ballot options are shown in. `seed` identifies the reader
/// (their voter token); the same seed always gives the same order.
pub fn ballot_order(poll: &Poll, seed: &str) -> Vec<usize> {
    let mut order = given_order(poll);
    if poll.order == OptionOrder::Random {
        let mut state = fnv1a(&[seed, &poll.id]) | 1;
        for i in (1..order.len()).rev() {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let j = (r % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }
    order
}

/// The order result rows are shown in: as given, or most votes first with
/// ties in given order.
pub fn results_order(poll: &Poll, counts: &[u64]) -> Vec<usize> {
    let mut order = given_order(poll);
    if poll.results_order == ResultsOrder::Votes {
        let count = |i: usize| counts.get(i).copied().unwrap_or(0);
        crate::core::small_sort::sort_by(&mut order, |&a, &b| count(a) > count(b));
    }
    order
}
