//! Stable sorting with one copy of the sort algorithm.
//!
//! `slice::sort_by` is generic over the element and the comparator, so every call site
//! compiles its own copy of the standard library's stable sort (3 to 5 KB of wasm each;
//! a dozen of them were in the member widget's script-free engine). [`sort_by`] sorts
//! positions (`usize`) once, with the comparator behind a `dyn`, and then moves the
//! elements into place: the same order as `slice::sort_by` (stable, equal elements keep
//! their order), O(n log n) comparisons and O(n) moves.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut to: Vec<usize> = (0..v.len()).collect();
    order(&mut to, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, &mut to);
}

/// Sorts `v` stably by the key `f` gives, as `v.sort_by_key(f)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably, as `v.sort()` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one instance of the standard stable sort: positions by a comparator of positions.
fn order(to: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    to.sort_by(|&a, &b| cmp(a, b));
}

/// Moves the element at `to[k]` to `k` for every `k`, one cycle of the permutation at a time
/// (`to` is used up: each position is set to itself once its element is in place).
fn permute<T>(v: &mut [T], to: &mut [usize]) {
    for start in 0..to.len() {
        let mut k = start;
        loop {
            let from = to[k];
            to[k] = k;
            if from == start {
                break;
            }
            v.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the standard library's stable sort on every permutation of a small list with
    /// equal keys (their order tells stable from not) and on longer pseudo-random lists.
    #[test]
    fn same_order_as_slice_sort_by() {
        fn check(v: Vec<(u8, usize)>) {
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v;
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, want);
        }
        let keys = [2u8, 0, 1, 0, 2, 1];
        let mut perm: Vec<usize> = (0..keys.len()).collect();
        // Heap's algorithm, iteratively: all 720 orders.
        let mut c = vec![0; perm.len()];
        check(perm.iter().map(|&i| (keys[i], i)).collect());
        let mut i = 0;
        while i < perm.len() {
            if c[i] < i {
                perm.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
                check(perm.iter().map(|&i| (keys[i], i)).collect());
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [0, 1, 2, 31, 32, 33, 200, 5000] {
            let v = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 7) as u8, i)
                })
                .collect();
            check(v);
        }
        let mut s = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "a", "b", "c"]);
        let mut d = vec![3.5, -1.0, 2.0];
        sort_by(&mut d, |a: &f64, b| b.total_cmp(a));
        assert_eq!(d, [3.5, 2.0, -1.0]);
    }
}
