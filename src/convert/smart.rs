//! Smart segmentation: the opt-in alternative to OpenCC's forward maximum
//! matching, which weighs every possible split of the text by word
//! frequencies instead of always taking the longest key first.
//!
//! Greedy matching goes wrong where a key overlaps the real word boundary:
//! in `被发明`, the key `被发` (`被髮`, "with dishevelled hair") takes the
//! first character of `发明` ("invent"), and s2t outputs `被髮明`. Here the
//! text is split into *units* by a shortest path over a lattice: an edge for
//! every key of the table that starts at a position, for every word of the
//! frequency list (dictionaries/segmentation/words.tsv, from jieba) and for
//! every single character, each costing -ln of its relative frequency. Each
//! unit is then converted with the table as usual (greedy matching inside the
//! unit), so a word of the list such as `如何` keeps the key `了如` (`瞭如`)
//! from taking its first character, and one that contains a key, such as
//! `想象力`, still converts that key.
//!
//! The split that greedy matching makes gets a bonus, so that it stays unless
//! the frequencies say clearly otherwise: a key the list lacks costs like a
//! fairly rare word, not like an unknown one, since OpenCC's keys are real
//! phrases.
//!
//! The shortest path is found window by window: a window closes at a position
//! that no edge crosses (every path passes there, so the split before it
//! cannot depend on text after it), which keeps the work linear and the
//! memory bounded by the longest stretch of overlapping words; a window is
//! also closed after [`MAX_WINDOW_CHARS`] characters at its best position.
//! No edge crosses a character that occurs in no key, which is what lets
//! chunked conversion cut there.

use super::engine::{self, IdsUnits, Replacement};
use super::table::View;

/// The values of the cost table are single characters `COST_BASE + cost`
/// (see `build.rs`), costs in tenths of a nat.
const COST_BASE: u32 = 0x100;

/// The cost of a key of the conversion table that the word list lacks: that
/// of a word seen about 130 times in jieba's 60 million (e^(17.9 - 13)).
/// OpenCC's phrase keys are real phrases, often idioms and names that jieba
/// does not list.
const UNLISTED_KEY_COST: u32 = 130;

/// The cost of a single character that the word list lacks: that of a word
/// seen once.
const UNLISTED_CHAR_COST: u32 = 180;

/// Taken off the cost of each phrase that greedy matching chooses, so that
/// the greedy split wins ties and near-ties.
const GREEDY_BONUS: u32 = 20;

/// A window is closed at its best position after this many characters even
/// when words still overlap there, to bound memory on pathological text.
const MAX_WINDOW_CHARS: usize = 4096;

/// Which edge reached a position on its best path.
#[derive(Clone, Copy)]
struct Step {
    cost: u32,
    /// The position (index into the window) the edge starts from.
    from: u32,
    /// Whether the edge is a key of the conversion table.
    key: bool,
}

const UNREACHED: Step = Step {
    cost: u32::MAX,
    from: 0,
    key: false,
};

/// Scratch space for the lattice, reused between calls.
#[derive(Default)]
pub(crate) struct Lattice {
    /// Per position of the window (a character boundary): its best step.
    steps: Vec<Step>,
    /// Per position of the window: its byte offset in the text.
    offsets: Vec<usize>,
    /// The units of the best path, collected backwards.
    units: Vec<(usize, usize, bool)>,
}

/// The cost a cost-table match encodes.
fn cost_of(costs: &View<'_>, replacement: Replacement) -> u32 {
    let c = match replacement {
        Replacement::Char(c) => c,
        Replacement::Value(value) => costs.value(value).chars().next().unwrap_or('\0'),
    };
    (c as u32).saturating_sub(COST_BASE)
}

/// Calls `on_unit(start, end, key)` for the units of the best split of
/// `text`, in order; `key` says whether the unit is a key of `stage`. The
/// units cover the text.
pub(crate) fn for_each_unit(
    stage: &View<'_>,
    costs: &View<'_>,
    text: &str,
    lattice: &mut Lattice,
    mut on_unit: impl FnMut(usize, usize, bool),
) {
    let bytes = text.as_bytes();
    let mut ids = IdsUnits::default();
    lattice.offsets.clear();
    // The window starts at `lattice.offsets[0]`; `reach` is the furthest end
    // of an edge from it so far, `greedy_next` where greedy matching makes
    // its next decision.
    let mut reach = 0;
    let mut greedy_next = 0;
    let mut i = 0;
    while i < bytes.len() {
        let k = lattice.offsets.len();
        let forced = k >= MAX_WINDOW_CHARS && lattice.steps[k].cost != u32::MAX;
        if k > 0 && (i >= reach || forced) {
            lattice.offsets.push(i);
            emit(lattice, k, &mut on_unit);
            lattice.offsets.clear();
        }
        if lattice.offsets.is_empty() {
            lattice.steps.clear();
            lattice.steps.push(Step {
                cost: 0,
                from: 0,
                key: false,
            });
        }
        let k = lattice.offsets.len();
        lattice.offsets.push(i);
        let (c, len) = engine::char_at(bytes, i);
        // Edges as (end, characters, cost, key).
        let mut edges = [(0, 0, 0, false); MAX_EDGES];
        let mut count = 1;
        let unit_end = ids.unit_end(bytes, i, c, len);
        if unit_end > i + len {
            // A whole ideographic description sequence, which conversion
            // copies as one unit.
            edges[0] = (unit_end, text[i..unit_end].chars().count(), 0, false);
            greedy_next = greedy_next.max(unit_end);
        } else {
            edges[0] = (i + len, 1, UNLISTED_CHAR_COST, false);
            engine::for_each_key_at(costs, bytes, i, c, len, |end, chars, value| {
                let cost = cost_of(costs, value);
                if chars == 1 {
                    edges[0].2 = cost;
                } else if count < MAX_EDGES {
                    edges[count] = (end, chars, cost, false);
                    count += 1;
                }
            });
            let listed = count;
            engine::for_each_key_at(stage, bytes, i, c, len, |end, chars, _| {
                if chars < 2 {
                    return;
                }
                match edges[..listed].iter_mut().find(|edge| edge.0 == end) {
                    Some(edge) => edge.3 = true,
                    None if count < MAX_EDGES => {
                        edges[count] = (end, chars, UNLISTED_KEY_COST, true);
                        count += 1;
                    }
                    None => {}
                }
            });
            if i == greedy_next {
                let next = engine::next_char(bytes, i + len);
                let (end, _) = engine::decide(stage, bytes, i, c, len, next, &mut ids);
                greedy_next = end;
                if end > i + len {
                    match edges[..count].iter_mut().find(|edge| edge.0 == end) {
                        Some(edge) => {
                            edge.2 = edge.2.saturating_sub(GREEDY_BONUS);
                            edge.3 = true;
                        }
                        None if count < MAX_EDGES => {
                            let chars = text[i..end].chars().count();
                            edges[count] = (end, chars, UNLISTED_KEY_COST - GREEDY_BONUS, true);
                            count += 1;
                        }
                        None => {}
                    }
                }
            }
        }
        let here = lattice.steps[k].cost;
        for &(end, chars, cost, key) in &edges[..count] {
            reach = reach.max(end);
            let to = k + chars;
            if lattice.steps.len() <= to {
                lattice.steps.resize(to + 1, UNREACHED);
            }
            let total = here.saturating_add(cost);
            if here != u32::MAX && total < lattice.steps[to].cost {
                lattice.steps[to] = Step {
                    cost: total,
                    from: k as u32,
                    key,
                };
            }
        }
        i += len;
    }
    let k = lattice.offsets.len();
    if k > 0 {
        lattice.offsets.push(bytes.len());
        emit(lattice, k, &mut on_unit);
        lattice.offsets.clear();
    }
}

/// The most edges from one position: keys are at most 31 characters long
/// (`table.rs`), and the word list's at most 16.
const MAX_EDGES: usize = 48;

/// Calls `on_unit` for the units of the window's best path to its position
/// `k`, in order.
fn emit(lattice: &mut Lattice, k: usize, on_unit: &mut impl FnMut(usize, usize, bool)) {
    lattice.units.clear();
    let mut at = k;
    while at > 0 {
        let step = lattice.steps[at];
        let from = step.from as usize;
        lattice
            .units
            .push((lattice.offsets[from], lattice.offsets[at], step.key));
        at = from;
    }
    for &(start, end, key) in lattice.units.iter().rev() {
        on_unit(start, end, key);
    }
}
