//! Big5 read as GBK, and GBK read as Big5, judged in context. Both tables
//! are double-byte, so each character of a misread span maps to exactly one
//! character: which characters of a stretch of text to swap back is a
//! choice per character, made here by a shortest path over the stretch
//! (two states a character, kept or swapped) under the plausibility model
//! of the script around it, with the pairs each choice makes with its
//! neighbours (on both sides) counted. A swapped run must then gain a clear
//! margin over the text as it stands, context included.
//!
//! The work is linear: two states a character, two predecessors each, over
//! a window of at most `MAX_PART_SPAN` characters.

use crate::score::{is_han, is_known_pair, script_cost, Script};

/// A run of characters whose swap the shortest path chose: `start..end`
/// of the window, and what the swap gains over the characters as they are
/// (`gain`, out of `cost`, theirs with the pairs at the run's edges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    pub start: usize,
    pub end: usize,
    pub gain: i64,
    pub cost: i64,
    /// The known pairs the swap makes (inside the run and at its edges).
    pub pairs: usize,
}

/// What entering a swapped run costs on the path: the prior that text is
/// clean, paid once a run (a misread span is one run).
const SWITCH: i64 = 12;

/// What a pair of adjacent Han characters seen inside words is worth.
const PAIR: i64 = 7;

/// What a character that only the misreading leaves (see
/// `is_marker`) costs where it is kept.
const MARKER: i64 = 18;

/// The runs of `chars` (with `swapped`, what each swaps to, if anything)
/// whose swap makes the text most plausible as text of `script`; a
/// character for which `is_marker` is true costs `MARKER` more kept.
pub(super) fn runs(
    chars: &[char],
    swapped: &[Option<char>],
    script: Script,
    is_marker: impl Fn(char) -> bool,
) -> Vec<Run> {
    let n = chars.len().min(swapped.len());
    if n == 0 {
        return Vec::new();
    }
    let pick = |i: usize, state: usize| match state {
        1 => swapped[i].unwrap_or(chars[i]),
        _ => chars[i],
    };
    let emission = |i: usize, state: usize| -> i64 {
        let marker = match state == 0 && is_marker(chars[i]) {
            true => MARKER,
            false => 0,
        };
        i64::from(script_cost(pick(i, state), script)) + marker
    };
    let pair = |a: char, b: char| -> i64 {
        match is_han(a) && is_han(b) && is_known_pair(a, b) {
            true => -PAIR,
            false => 0,
        }
    };
    // Each character's cost kept and swapped, and the pairs each choice
    // makes with the one before (kept then kept, swapped then kept, kept
    // then swapped, swapped then swapped), computed once.
    let emissions: Vec<[i64; 2]> = (0..n).map(|i| [emission(i, 0), emission(i, 1)]).collect();
    let pairs: Vec<[i64; 4]> = (0..n)
        .map(|i| match i {
            0 => [0; 4],
            _ => {
                let swappable = |j: usize| swapped[j].is_some();
                let mut four = [0; 4];
                for (k, slot) in four.iter_mut().enumerate() {
                    let (p, s) = (k % 2, k / 2);
                    if (p == 0 || swappable(i - 1)) && (s == 0 || swappable(i)) {
                        *slot = pair(pick(i - 1, p), pick(i, s));
                    }
                }
                four
            }
        })
        .collect();
    let emission = |i: usize, state: usize| emissions[i][state];
    let pair_at = |i: usize, previous: usize, state: usize| pairs[i][previous + 2 * state];
    const UNREACHABLE: i64 = i64::MAX / 4;
    let mut cost = vec![[UNREACHABLE; 2]; n];
    let mut back = vec![[0u8; 2]; n];
    for i in 0..n {
        for state in 0..2 {
            if state == 1 && swapped[i].is_none() {
                continue;
            }
            let enter = |previous: usize| match (previous, state) {
                (0, 1) => SWITCH,
                _ => 0,
            };
            let (best, from) = match i {
                0 => (enter(0), 0),
                _ => (0..2)
                    .filter(|&p| cost[i - 1][p] < UNREACHABLE)
                    .map(|p| (cost[i - 1][p] + pair_at(i, p, state) + enter(p), p))
                    .min()
                    .unwrap_or((UNREACHABLE, 0)),
            };
            cost[i][state] = best + emission(i, state);
            back[i][state] = from as u8;
        }
    }
    // The chosen states, from the end back.
    let mut states = vec![0usize; n];
    let mut state = usize::from(cost[n - 1][1] < cost[n - 1][0]);
    for i in (0..n).rev() {
        states[i] = state;
        state = usize::from(back[i][state]);
    }
    // Each run, judged against the text as it stands over the run and the
    // pairs at its edges.
    let mut found = Vec::new();
    let mut i = 0;
    while i < n {
        if states[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && states[i] == 1 {
            i += 1;
        }
        let end = i;
        let local = |chosen: &dyn Fn(usize) -> usize| -> i64 {
            let costs: i64 = (start..end).map(|j| emission(j, chosen(j))).sum();
            let edges: i64 = (start.max(1)..(end + 1).min(n))
                .map(|j| pair_at(j, chosen(j - 1), chosen(j)))
                .sum();
            costs + edges
        };
        let before = local(&|_| 0);
        let after = local(&|j| states[j]);
        let pairs = (start.max(1)..(end + 1).min(n))
            .filter(|&j| {
                let (a, b) = (pick(j - 1, states[j - 1]), pick(j, states[j]));
                // (A character doubled is a pair mojibake of a doubled
                // character makes as readily.)
                a != b && pair_at(j, states[j - 1], states[j]) != 0
            })
            .count();
        found.push(Run {
            start,
            end,
            gain: before - after,
            cost: before,
            pairs,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_of(text: &str, swaps: &[(usize, char)]) -> Vec<Run> {
        let chars: Vec<char> = text.chars().collect();
        let mut swapped = vec![None; chars.len()];
        for &(at, c) in swaps {
            swapped[at] = Some(c);
        }
        runs(&chars, &swapped, Script::Traditional, |_| false)
    }

    #[test]
    fn the_run_that_makes_words_with_its_neighbours_is_chosen() {
        // Big5's `涼識` read as GBK is `睤醚`; the neighbours stay.
        let found = runs_of("淒睤醚舊峯", &[(1, '涼'), (2, '識'), (3, '眕')]);
        assert_eq!(found.len(), 1, "{found:?}");
        let run = found[0];
        assert_eq!((run.start, run.end), (1, 3));
        assert!(
            run.gain > 0 && run.gain < run.cost && run.pairs >= 1,
            "{run:?}"
        );
    }

    #[test]
    fn common_text_is_not_swapped_for_rarer() {
        let found = runs_of("這裡每一個", &[(0, '硂'), (1, '柑'), (2, '–')]);
        assert!(found.is_empty(), "{found:?}");
        assert!(runs(&[], &[], Script::Traditional, |_| false).is_empty());
    }
}
