//! Insertion sort for the handful of items a poll has.
//!
//! The standard library's sorts are excellent and large: each instantiation
//! adds kilobytes to the wasm, and a poll never sorts more than a few dozen
//! items. This one is stable and a few dozen bytes.

/// Sorts `items` stably by `less`.
pub fn sort_by<T, F: FnMut(&T, &T) -> bool>(items: &mut [T], mut less: F) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Sorts and removes duplicates from a list of option indices.
pub fn sort_dedup(items: &mut Vec<usize>) {
    sort_by(items, |a, b| a < b);
    items.dedup();
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_std_stable_sort(mut v in prop::collection::vec((0u8..10, any::<u16>()), 0..40)) {
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            super::sort_by(&mut v, |a, b| a.0 < b.0);
            prop_assert_eq!(v, expected);
        }

        #[test]
        fn sort_dedup_matches_std(mut v in prop::collection::vec(0usize..20, 0..40)) {
            let mut expected = v.clone();
            expected.sort_unstable();
            expected.dedup();
            super::sort_dedup(&mut v);
            prop_assert_eq!(v, expected);
        }
    }
}
