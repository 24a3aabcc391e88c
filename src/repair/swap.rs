//! Big5 read as GBK, and GBK read as Big5, judged in context. Both tables
//! are double-byte, so each character of a misread span maps to one
//! character: which characters of a stretch of text to swap back is a
//! choice per character, made here by a shortest path over the stretch (a
//! character kept, or swapped) under the plausibility model of the script
//! around it, with the pairs each choice makes with its neighbours (on both
//! sides) counted. A swapped run must then gain a clear margin over the text as it
//! stands, context included.
//!
//! The work is linear: two states a character, two predecessors each, over
//! a window of at most `MAX_PART_SPAN` characters.

use crate::score::{is_han, is_known_pair, script_cost, Script};

/// A run of characters whose swap the shortest path chose: `start..end`
/// of the window, the characters chosen, and what the swap gains over the
/// characters as they are (`gain`, out of `cost`, theirs with the pairs at
/// the run's edges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub gain: i64,
    pub cost: i64,
    /// The known pairs the swap makes (inside the run and at its edges).
    pub pairs: usize,
}

/// The states of a character on the path: kept, or swapped.
const STATES: usize = 2;

/// What entering a swapped run costs on the path: the prior that text is
/// clean, paid once a run (a misread span is one run).
const SWITCH: i64 = 12;

/// What a pair of adjacent Han characters seen inside words is worth.
const PAIR: i64 = 7;

/// What a character that only the misreading leaves (see
/// `is_marker`) costs more where it stands, kept or swapped to.
const MARKER: i64 = 18;

/// The runs of `chars` (with `swapped`, what each swaps to, if anything)
/// whose swap makes the
/// text most plausible as text of `script`; a character for which
/// `is_marker` is true costs `MARKER` more, kept or swapped to. Each
/// character of a run after its first is worth `stay` on the path: how
/// much likelier the damage is to go on than to stop (a misread span is
/// one stretch). The gains of the runs found leave it out.
pub(super) fn runs(
    chars: &[char],
    swapped: &[Option<char>],
    script: Script,
    stay: i64,
    is_marker: impl Fn(char) -> bool,
) -> Vec<Run> {
    let n = chars.len().min(swapped.len());
    // (Without a character to swap, there is no run: ASCII is never one.)
    if !swapped[..n].iter().any(Option::is_some) {
        return Vec::new();
    }
    // A character may be swapped where it has a swap.
    // (ASCII, which both tables read alike, may be inside a run as it is:
    // the damage passes through it, `如果 \fIarg1\fP 与`. Not where a
    // letter of an alphabet stands next to it: that is a word of its own,
    // `résumé`, `α, β`.)
    let bridges = bridges(chars);
    let possible = |i: usize, state: usize| state == 0 || swapped[i].is_some() || bridges[i];
    let pick = |i: usize, state: usize| match state {
        0 => chars[i],
        _ => swapped[i].unwrap_or(chars[i]),
    };
    // (A marker costs as much where a swap gives it: the misreading leaves
    // markers, undoing it does not make them.)
    let emission = |i: usize, state: usize| -> i64 {
        let c = pick(i, state);
        let marker = match is_marker(c) {
            true => MARKER,
            false => 0,
        };
        i64::from(script_cost(c, script)) + marker
    };
    let pair = |a: char, b: char| -> i64 {
        match is_han(a) && is_han(b) && is_known_pair(a, b) {
            true => -PAIR,
            false => 0,
        }
    };
    // Each character's cost in each state, and the pairs each choice makes
    // with the one before (`previous + STATES * state`), computed once.
    let emissions: Vec<[i64; STATES]> = (0..n)
        .map(|i| {
            std::array::from_fn(|state| match possible(i, state) {
                true => emission(i, state),
                false => 0,
            })
        })
        .collect();
    let pairs: Vec<[i64; STATES * STATES]> = (0..n)
        .map(|i| {
            let mut all = [0; STATES * STATES];
            if i == 0 {
                return all;
            }
            for (k, slot) in all.iter_mut().enumerate() {
                let (p, s) = (k % STATES, k / STATES);
                if possible(i - 1, p) && possible(i, s) {
                    *slot = pair(pick(i - 1, p), pick(i, s));
                }
            }
            all
        })
        .collect();
    let emission = |i: usize, state: usize| emissions[i][state];
    let pair_at = |i: usize, previous: usize, state: usize| pairs[i][previous + STATES * state];
    const UNREACHABLE: i64 = i64::MAX / 4;
    let mut cost = vec![[UNREACHABLE; STATES]; n];
    let mut back = vec![[0u8; STATES]; n];
    for i in 0..n {
        for state in (0..STATES).filter(|&state| possible(i, state)) {
            // (Entering a run: `SWITCH`; going on with one: `stay`.)
            let enter = |previous: usize| match (previous == 0, state == 0) {
                (true, false) => SWITCH,
                (false, false) => -stay,
                _ => 0,
            };
            let (best, from) = match i {
                0 => (enter(0), 0),
                _ => (0..STATES)
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
    let mut state = (0..STATES).min_by_key(|&s| cost[n - 1][s]).unwrap_or(0);
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
        let first = i;
        while i < n && states[i] != 0 {
            i += 1;
        }
        let (mut start, mut end) = (first, i);
        // (ASCII at the edges of a run is not part of it.)
        while start < end && chars[start].is_ascii() {
            start += 1;
        }
        while end > start && chars[end - 1].is_ascii() {
            end -= 1;
        }
        if start == end {
            continue;
        }
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
            text: (start..end).map(|j| pick(j, states[j])).collect(),
            gain: before - after,
            cost: before,
            pairs,
        });
    }
    found
}

/// For each of `chars`, whether it is ASCII that a run may go on through:
/// in a stretch of ASCII with characters on both sides that are not
/// letters of an alphabet (Latin, Greek, Cyrillic).
fn bridges(chars: &[char]) -> Vec<bool> {
    let letter = |c: char| matches!(c, 'À'..='ɏ' | '\u{370}'..='\u{4FF}');
    let mut bridges = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii() {
            i += 1;
        }
        let bounded =
            |at: Option<usize>| at.and_then(|at| chars.get(at)).is_some_and(|&c| !letter(c));
        if bounded(start.checked_sub(1)) && bounded(Some(i)) {
            bridges[start..i].fill(true);
        }
    }
    bridges
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
        runs(&chars, &swapped, Script::Traditional, 0, |_| false)
    }

    #[test]
    fn the_run_that_makes_words_with_its_neighbours_is_chosen() {
        // Big5's `涼識` read as GBK is `睤醚`; the neighbours stay.
        let found = runs_of("淒睤醚舊峯", &[(1, '涼'), (2, '識'), (3, '眕')]);
        assert_eq!(found.len(), 1, "{found:?}");
        let run = &found[0];
        assert_eq!((run.start, run.end, run.text.as_str()), (1, 3, "涼識"));
        assert!(
            run.gain > 0 && run.gain < run.cost && run.pairs >= 1,
            "{run:?}"
        );
    }

    #[test]
    fn a_run_goes_on_through_ascii_but_neither_starts_nor_ends_with_it() {
        // `涼,識` misread is `睤,醚`: one run, which the evidence of either
        // character vouches for; the ASCII around it stays outside.
        let found = runs_of("淒 睤,醚 舊", &[(2, '涼'), (4, '識'), (6, '眕')]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].start, found[0].end, found[0].text.as_str()),
            (2, 5, "涼,識")
        );
    }

    #[test]
    fn runs_go_on_through_ascii_only_between_characters_of_no_alphabet() {
        let of = |text: &str| -> String {
            let chars: Vec<char> = text.chars().collect();
            bridges(&chars)
                .iter()
                .map(|&b| if b { '1' } else { '0' })
                .collect()
        };
        assert_eq!(of("睤, 3 醚"), "011110");
        assert_eq!(of("ab睤 醚cd"), "0001000");
        // Letters of an alphabet make words of their own with the ASCII
        // (`é` is `谷` misread, `α` and `β` mark Big5 read as GBK).
        assert_eq!(of("résumé"), "000000");
        assert_eq!(of("睤α, β醚"), "000000");
    }

    #[test]
    fn a_swap_that_gives_a_marker_pays_for_it() {
        // `睤` swapped to a kana would be cheaper than kept, but a kana in
        // Chinese text is what the misreading leaves, not what undoing it
        // gives.
        let chars: Vec<char> = "淒睤".chars().collect();
        let mut swapped = vec![None; chars.len()];
        swapped[1] = Some('ン');
        let without = runs(&chars, &swapped, Script::Traditional, 0, |_| false);
        assert_eq!(without.len(), 1, "{without:?}");
        let with = runs(&chars, &swapped, Script::Traditional, 0, |c| c == 'ン');
        assert!(with.is_empty(), "{with:?}");
    }

    #[test]
    fn common_text_is_not_swapped_for_rarer() {
        let found = runs_of("這裡每一個", &[(0, '硂'), (1, '柑'), (2, '–')]);
        assert!(found.is_empty(), "{found:?}");
        assert!(runs(&[], &[], Script::Traditional, 0, |_| false).is_empty());
    }
}
