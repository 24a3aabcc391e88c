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
//! Only the split around phrases of the table can change the output, so the
//! shortest path is only searched in *windows*: each phrase that greedy
//! matching finds, with every key that starts inside it, and up to
//! [`CONTEXT_CHARS`] characters of context on each side (overlapping windows
//! merge). The text between windows is converted by the usual fast path,
//! which there gives the same output. A window starts and ends where greedy
//! matching lands, and stops at characters that occur in no key (which is
//! what lets chunked conversion cut there); within a window, a path is also
//! closed at a position no edge crosses, and after [`MAX_PATH_CHARS`]
//! characters, which keeps the memory bounded.

use super::engine::{self, IdsUnits};
use super::table::{AdjacentPairs, View};

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

/// How far a window reaches beyond the phrases in it, in characters: enough
/// for the words of the list that compete with a phrase's first or last
/// characters (`如何` against `了如` in `了如何`).
const CONTEXT_CHARS: usize = 2;

/// A path is closed at its best position after this many characters even
/// when words still overlap there, to bound memory on pathological text.
const MAX_PATH_CHARS: usize = 4096;

/// The longest edge, in characters: longer keys and words are left out of
/// the lattice (OpenCC's longest phrase has 15).
const MAX_EDGE_CHARS: usize = 31;

/// A table whose keys are edges of the lattice: a stage's, or the word
/// costs.
pub(crate) struct Stage<'t> {
    pub view: View<'t>,
    /// Which characters stand next to each other in its keys.
    pub pairs: &'t AdjacentPairs,
}

impl<'t> Stage<'t> {
    pub fn of(table: &'t super::table::Table) -> Stage<'t> {
        Stage {
            view: table.view(),
            pairs: table.adjacent_pairs(),
        }
    }
}

/// Which edge reached a position on its best path.
#[derive(Clone, Copy)]
struct Step {
    cost: u32,
    /// The position (index into the path) the edge starts from.
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
    /// Per position of the path (a character boundary): its best step.
    steps: Vec<Step>,
    /// Per position of the path: its byte offset in the text.
    offsets: Vec<usize>,
    /// The units of the best path, collected backwards.
    units: Vec<(usize, usize, bool)>,
    /// The phrases greedy matching finds in the pending window.
    phrases: Vec<(usize, usize)>,
}

/// A piece of the text as smart segmentation splits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Text outside every window: greedy matching converts it as smart
    /// segmentation would, in one go.
    Plain(usize, usize),
    /// A unit of a window's best split, and whether it is a key of the
    /// table.
    Word(usize, usize, bool),
}

/// Calls `on_unit` for the units of the smart split of `text`, in order;
/// they cover the text.
pub(crate) fn for_each_unit(
    stage: &Stage<'_>,
    costs: &Stage<'_>,
    text: &str,
    lattice: &mut Lattice,
    mut on_unit: impl FnMut(Unit),
) {
    let pairs = [stage.pairs, costs.pairs];
    let (stage, costs) = (&stage.view, &costs.view);
    let bytes = text.as_bytes();
    let in_keys = |c: u32| stage.entry(c).in_key() || costs.entry(c).in_key();
    // Whether an edge of the lattice may span the boundary at `at`.
    let spanned = |at: usize| {
        if at == 0 || at >= bytes.len() {
            return false;
        }
        let mut before = at - 1;
        while before > 0 && bytes[before] & 0xC0 == 0x80 {
            before -= 1;
        }
        let (first, second) = (engine::char_at(bytes, before).0, engine::char_at(bytes, at).0);
        pairs.iter().any(|pairs| pairs.may_contain(first, second))
    };
    // The pending window, and where the text before it starts.
    let mut window: Option<(usize, usize)> = None;
    let mut done = 0;
    // Where the window of the last phrase split on its own would have
    // ended: a window that starts before it would have merged with it.
    let mut isolated_end = None;
    lattice.phrases.clear();
    engine::for_each_phrase(stage, text, |start, end| {
        // Every key starting inside the phrase may compete with it; when no
        // key spans the phrase's end, none reaches beyond it.
        let open_end = spanned(end);
        let mut reach = end;
        let mut at = if open_end { start } else { end };
        while at < end {
            let (c, len) = engine::char_at(bytes, at);
            engine::for_each_key_at(stage, bytes, at, c, len, |key_end, _, _| {
                reach = reach.max(key_end);
            });
            at += len;
        }
        let left = extend_left(bytes, start, done, &in_keys);
        let right = extend_right(bytes, reach, &in_keys);
        match &mut window {
            Some((_, window_end)) if left <= *window_end => {
                *window_end = (*window_end).max(right);
                lattice.phrases.push((start, end));
            }
            _ => {
                if let Some((window_start, window_end)) = window.take() {
                    on_unit(Unit::Plain(done, window_start));
                    split_window(
                        stage,
                        costs,
                        text,
                        window_start,
                        window_end,
                        lattice,
                        &mut on_unit,
                    );
                    done = window_end;
                }
                lattice.phrases.clear();
                lattice.phrases.push((start, end));
                if !open_end && !spanned(start) {
                    // No edge spans either end of the phrase, so every path
                    // passes through both: the window around it would split
                    // its context character by character, as greedy
                    // matching does, and only the phrase itself needs a
                    // split.
                    on_unit(Unit::Plain(done, start));
                    split_window(stage, costs, text, start, end, lattice, &mut on_unit);
                    done = end;
                    isolated_end = Some(right);
                } else {
                    // Had the last isolated phrase had its window, this one
                    // would have merged with it: the path passes through
                    // the end of that phrase, so the merged window's split
                    // after it is this window's.
                    let merged = isolated_end.take().is_some_and(|end| left <= end);
                    window = Some((if merged { done } else { left.max(done) }, right));
                }
            }
        }
    });
    if let Some((window_start, window_end)) = window {
        on_unit(Unit::Plain(done, window_start));
        split_window(
            stage,
            costs,
            text,
            window_start,
            window_end,
            lattice,
            &mut on_unit,
        );
        done = window_end;
    }
    on_unit(Unit::Plain(done, bytes.len()));
}

/// Up to `CONTEXT_CHARS` characters before `at`, not before `floor`, nor
/// across a character that occurs in no key.
fn extend_left(bytes: &[u8], mut at: usize, floor: usize, in_keys: &impl Fn(u32) -> bool) -> usize {
    for _ in 0..CONTEXT_CHARS {
        if at <= floor {
            break;
        }
        let mut before = at - 1;
        while before > floor && bytes[before] & 0xC0 == 0x80 {
            before -= 1;
        }
        if !in_keys(engine::char_at(bytes, before).0) {
            break;
        }
        at = before;
    }
    at
}

/// Up to `CONTEXT_CHARS` characters after `at`, not across a character that
/// occurs in no key.
fn extend_right(bytes: &[u8], mut at: usize, in_keys: &impl Fn(u32) -> bool) -> usize {
    for _ in 0..CONTEXT_CHARS {
        if at >= bytes.len() {
            break;
        }
        let (c, len) = engine::char_at(bytes, at);
        if !in_keys(c) {
            break;
        }
        at += len;
    }
    at
}

/// The cost a cost-table match encodes.
fn cost_of(costs: &View<'_>, replacement: engine::Replacement) -> u32 {
    let c = match replacement {
        engine::Replacement::Char(c) | engine::Replacement::Short(c, _) => c,
        engine::Replacement::Value(value) => costs.value(value).chars().next().unwrap_or('\0'),
    };
    (c as u32).saturating_sub(COST_BASE)
}

/// Calls `on_unit` for the units of the best split of the window
/// `text[from..to]`, which starts where greedy matching lands.
fn split_window(
    stage: &View<'_>,
    costs: &View<'_>,
    text: &str,
    from: usize,
    to: usize,
    lattice: &mut Lattice,
    on_unit: &mut impl FnMut(Unit),
) {
    // Matching sees only the window, as if it were the whole text.
    let window = &text[from..to];
    let bytes = window.as_bytes();
    let mut ids = IdsUnits::default();
    lattice.offsets.clear();
    // The path starts at `lattice.offsets[0]`; `reach` is the furthest
    // position an edge from it reaches so far. The greedy phrases (in bytes
    // of the window), in order: greedy matching converts the rest of the
    // window character by character.
    let mut reach = 0;
    let mut greedy = std::mem::take(&mut lattice.phrases);
    let mut phrases = greedy
        .iter()
        .map(|&(start, end)| (start - from, end - from))
        .peekable();
    let mut i = 0;
    while i < bytes.len() {
        let k = lattice.offsets.len();
        let forced = k >= MAX_PATH_CHARS && lattice.steps[k].cost != u32::MAX;
        if k > 0 && (k >= reach || forced) {
            lattice.offsets.push(i);
            emit(lattice, k, from, on_unit);
            lattice.offsets.clear();
        }
        if lattice.offsets.is_empty() {
            lattice.steps.clear();
            lattice.steps.push(Step {
                cost: 0,
                from: 0,
                key: false,
            });
            reach = 0;
        }
        let k = lattice.offsets.len();
        lattice.offsets.push(i);
        let (c, len) = engine::char_at(bytes, i);
        // Per edge length in characters: its cost (`u32::MAX`: none), and
        // which lengths are keys of the table.
        let mut cost_by_chars = [u32::MAX; MAX_EDGE_CHARS + 1];
        let mut keys: u32 = 0;
        let mut longest = 1;
        let unit_end = ids.unit_end(bytes, i, c, len);
        if unit_end > i + len {
            // A whole ideographic description sequence, which conversion
            // copies as one unit: the only edge.
            let to = k + window[i..unit_end].chars().count();
            relax(lattice, k, to, 0, false);
            reach = reach.max(to);
        } else {
            cost_by_chars[1] = UNLISTED_CHAR_COST;
            engine::for_each_key_at(costs, bytes, i, c, len, |_, chars, value| {
                if chars <= MAX_EDGE_CHARS {
                    cost_by_chars[chars] = cost_of(costs, value);
                    longest = longest.max(chars);
                }
            });
            engine::for_each_key_at(stage, bytes, i, c, len, |_, chars, _| {
                if (2..=MAX_EDGE_CHARS).contains(&chars) {
                    keys |= 1 << chars;
                    longest = longest.max(chars);
                    if cost_by_chars[chars] == u32::MAX {
                        cost_by_chars[chars] = UNLISTED_KEY_COST;
                    }
                }
            });
            while phrases.peek().is_some_and(|&(start, _)| start < i) {
                phrases.next();
            }
            if let Some(&(_, end)) = phrases.peek().filter(|&&(start, _)| start == i) {
                let chars = window[i..end].chars().count();
                if (2..=MAX_EDGE_CHARS).contains(&chars) {
                    keys |= 1 << chars;
                    longest = longest.max(chars);
                    let cost = match cost_by_chars[chars] {
                        u32::MAX => UNLISTED_KEY_COST,
                        cost => cost,
                    };
                    cost_by_chars[chars] = cost.saturating_sub(GREEDY_BONUS);
                }
            }
            for (chars, &cost) in cost_by_chars.iter().enumerate().take(longest + 1) {
                if cost != u32::MAX {
                    relax(lattice, k, k + chars, cost, keys & (1 << chars) != 0);
                    reach = reach.max(k + chars);
                }
            }
        }
        i += len;
    }
    let k = lattice.offsets.len();
    if k > 0 {
        lattice.offsets.push(bytes.len());
        emit(lattice, k, from, on_unit);
        lattice.offsets.clear();
    }
    greedy.clear();
    lattice.phrases = greedy;
}

/// Offers the path to position `to` through an edge from `from`.
#[inline]
fn relax(lattice: &mut Lattice, from: usize, to: usize, cost: u32, key: bool) {
    if lattice.steps.len() <= to {
        lattice.steps.resize(to + 1, UNREACHED);
    }
    let here = lattice.steps[from].cost;
    let total = here.saturating_add(cost);
    if here != u32::MAX && total < lattice.steps[to].cost {
        lattice.steps[to] = Step {
            cost: total,
            from: from as u32,
            key,
        };
    }
}

/// Calls `on_unit` for the units of the best path to its position `k`, in
/// order, with offsets moved by `shift`.
fn emit(lattice: &mut Lattice, k: usize, shift: usize, on_unit: &mut impl FnMut(Unit)) {
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
        on_unit(Unit::Word(shift + start, shift + end, key));
    }
}
