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
use super::table::{AdjacentPairs, Table, View};

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

/// A stage's table, whose keys are edges of the lattice with the words of
/// the cost table.
pub(crate) struct Stage<'t> {
    pub view: View<'t>,
    /// Which characters stand next to each other in its keys or words.
    pub pairs: &'t AdjacentPairs,
}

impl<'t> Stage<'t> {
    pub fn of(table: &'t Table, costs: &'t Table) -> Stage<'t> {
        Stage {
            view: table.view(),
            pairs: table.adjacent_pairs_with(costs),
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
    /// The output after a window that closes (see [`convert`]).
    tail: String,
    /// The units of the best split of a window that closes, and the
    /// phrases greedy matching found in it (see [`convert`]).
    window_units: Vec<Unit>,
    window_phrases: Vec<(usize, usize)>,
    /// Whether the best split of a phrase split on its own is the phrase
    /// itself, by a hash of the phrase (see [`Lattice::keeps_whole`]).
    whole: Vec<u64>,
}

/// The number of entries of `Lattice::whole`.
const WHOLE_ENTRIES: usize = 4096;

impl Lattice {
    /// Whether the best split of the phrase `text[start..end]`, when no
    /// edge spans either of its ends, is the phrase itself: the split
    /// depends on the phrase alone, and the same phrases recur, so the
    /// answer is remembered (by a 64-bit hash of the phrase, and its length,
    /// in a table of [`WHOLE_ENTRIES`] that keeps the latest phrase of each
    /// slot).
    fn keeps_whole(
        &mut self,
        stage: &View<'_>,
        costs: &View<'_>,
        text: &str,
        start: usize,
        end: usize,
    ) -> bool {
        let phrase = &text.as_bytes()[start..end];
        let mut hash = phrase.len() as u64;
        for chunk in phrase.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x517C_C1B7_2722_0A95);
        }
        // The low bit holds the answer; 0 is an empty entry.
        let key = (hash & !1).max(2);
        if self.whole.is_empty() {
            self.whole = vec![0; WHOLE_ENTRIES];
        }
        let slot = (hash >> 40) as usize % WHOLE_ENTRIES;
        if self.whole[slot] & !1 == key {
            return self.whole[slot] & 1 == 1;
        }
        let mut units = 0;
        let mut whole = false;
        split_window(stage, costs, text, start, end, self, &mut |unit| {
            units += 1;
            whole = unit == Unit::Word(start, end, true);
        });
        let whole = whole && units == 1;
        self.whole[slot] = key | whole as u64;
        whole
    }
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

/// What the windows around greedy matching's phrases ask of their user, in
/// the order of the text.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// A window opens at this position, at or before the phrase just found.
    Open(usize),
    /// The pending window now ends here.
    Extend(usize),
    /// The pending window (`window`) closes, after the text outside every
    /// window before it (`plain`).
    Close {
        plain: (usize, usize),
        window: (usize, usize),
    },
    /// The phrase just found (`phrase`) is split on its own, after the
    /// text outside every window before it (`plain`).
    Isolated {
        plain: (usize, usize),
        phrase: (usize, usize),
    },
}

/// The windows of smart segmentation: told each phrase greedy matching
/// finds, it decides which text the lattice must weigh.
struct Windows<'a, 't> {
    stage: &'a View<'t>,
    costs: &'a View<'t>,
    pairs: &'a AdjacentPairs,
    bytes: &'a [u8],
    /// The pending window.
    window: Option<(usize, usize)>,
    /// Where the text outside every window starts.
    done: usize,
    /// Where the last phrase split on its own ends, had no window opened
    /// since: a window that starts before the end of its context would have
    /// merged with its window.
    isolated_end: Option<usize>,
}

impl<'a, 't> Windows<'a, 't> {
    fn new(stage: &'a Stage<'t>, costs: &'a View<'t>, text: &'a str) -> Windows<'a, 't> {
        Windows {
            stage: &stage.view,
            costs,
            pairs: stage.pairs,
            bytes: text.as_bytes(),
            window: None,
            done: 0,
            isolated_end: None,
        }
    }

    fn in_keys(&self, c: u32) -> bool {
        self.stage.entry(c).in_key() || self.costs.entry(c).in_key()
    }

    /// Whether an edge of the lattice may span the boundary at `at`.
    fn spanned(&self, at: usize) -> bool {
        let bytes = self.bytes;
        if at == 0 || at >= bytes.len() {
            return false;
        }
        let mut before = at - 1;
        while before > 0 && bytes[before] & 0xC0 == 0x80 {
            before -= 1;
        }
        let (first, second) = (
            engine::char_at(bytes, before).0,
            engine::char_at(bytes, at).0,
        );
        // The characters' own entries are at hand (punctuation, which often
        // follows a phrase, is in no key); the filter is large and far.
        self.in_keys(second) && self.in_keys(first) && self.pairs.may_contain(first, second)
    }

    /// Takes the phrase `start..end` of greedy matching;
    /// `lattice.phrases` collects the pending window's.
    fn phrase(
        &mut self,
        start: usize,
        end: usize,
        lattice: &mut Lattice,
        emit: &mut impl FnMut(Event, &mut Lattice),
    ) {
        let bytes = self.bytes;
        // Every key starting inside the phrase may compete with it; when no
        // key spans the phrase's end, none reaches beyond it.
        let open_end = self.spanned(end);
        let mut reach = end;
        let mut at = if open_end { start } else { end };
        while at < end {
            let (c, len) = engine::char_at(bytes, at);
            engine::for_each_key_at(self.stage, bytes, at, c, len, |key_end, _, _| {
                reach = reach.max(key_end);
            });
            at += len;
        }
        // The context on either side is only wanted for a window: most
        // phrases are split on their own.
        let (stage, costs) = (self.stage, self.costs);
        let in_keys = move |c| stage.entry(c).in_key() || costs.entry(c).in_key();
        let floor = self.done;
        let left = || extend_left(bytes, start, floor, &in_keys);
        if let Some((_, window_end)) = self.window {
            if left() <= window_end {
                let window_end = window_end.max(extend_right(bytes, reach, &in_keys));
                self.window = self.window.map(|(start, _)| (start, window_end));
                lattice.phrases.push((start, end));
                return emit(Event::Extend(window_end), lattice);
            }
        }
        self.close(lattice, emit);
        lattice.phrases.clear();
        lattice.phrases.push((start, end));
        if !open_end && !self.spanned(start) {
            // No edge spans either end of the phrase, so every path passes
            // through both: the window around it would split its context
            // character by character, as greedy matching does, and only
            // the phrase itself needs a split.
            let plain = (self.done, start);
            self.done = end;
            self.isolated_end = Some(end);
            emit(
                Event::Isolated {
                    plain,
                    phrase: (start, end),
                },
                lattice,
            );
        } else {
            // Had the last isolated phrase had its window (to its context's
            // end), this one would have merged with it: the path passes
            // through the end of that phrase, so the merged window's split
            // after it is this window's.
            let left = left();
            let merged = self
                .isolated_end
                .take()
                .is_some_and(|end| left <= extend_right(bytes, end, &in_keys));
            let window_start = if merged {
                self.done
            } else {
                left.max(self.done)
            };
            let right = extend_right(bytes, reach, &in_keys);
            self.window = Some((window_start, right));
            emit(Event::Open(window_start), lattice);
            emit(Event::Extend(right), lattice);
        }
    }

    /// Closes the pending window, if any.
    fn close(&mut self, lattice: &mut Lattice, emit: &mut impl FnMut(Event, &mut Lattice)) {
        if let Some(window) = self.window.take() {
            let plain = (self.done, window.0);
            self.done = window.1;
            emit(Event::Close { plain, window }, lattice);
        }
    }
}

/// Calls `on_unit` for the units of the smart split of `text`, in order;
/// they cover the text.
pub(crate) fn for_each_unit(
    stage: &Stage<'_>,
    costs: &View<'_>,
    text: &str,
    lattice: &mut Lattice,
    mut on_unit: impl FnMut(Unit),
) {
    let mut windows = Windows::new(stage, costs, text);
    let stage = &stage.view;
    let mut emit = |event: Event, lattice: &mut Lattice| match event {
        Event::Open(_) | Event::Extend(_) => {}
        Event::Close {
            plain: (plain_start, plain_end),
            window: (from, to),
        } => {
            on_unit(Unit::Plain(plain_start, plain_end));
            split_window(stage, costs, text, from, to, lattice, &mut on_unit);
        }
        Event::Isolated {
            plain: (plain_start, plain_end),
            phrase: (from, to),
        } => {
            on_unit(Unit::Plain(plain_start, plain_end));
            if lattice.keeps_whole(stage, costs, text, from, to) {
                on_unit(Unit::Word(from, to, true));
            } else {
                lattice.phrases.clear();
                lattice.phrases.push((from, to));
                split_window(stage, costs, text, from, to, lattice, &mut on_unit);
            }
        }
    };
    lattice.phrases.clear();
    engine::for_each_phrase(stage, text, |start, end| {
        windows.phrase(start, end, lattice, &mut emit)
    });
    windows.close(lattice, &mut emit);
    on_unit(Unit::Plain(windows.done, text.len()));
}

/// Appends the smart conversion of `text` by `stage` to `out`: what
/// converting each unit of [`for_each_unit`] outputs, in one pass of greedy
/// matching that outputs as it goes, as [`engine::convert`] does, and
/// replaces the output of each window by that of its best split when the
/// window closes. Text outside windows (most text) is thus matched and
/// output once.
///
/// With `keys`, also collects where in `out` the output of each unit that
/// is a key of two or more characters lies (the segments of a fused first
/// stage, see `convert_smart` in `mod.rs`).
pub(crate) fn convert(
    stage: &Stage<'_>,
    costs: &View<'_>,
    text: &str,
    lattice: &mut Lattice,
    out: &mut String,
    mut keys: Option<&mut Vec<(usize, usize)>>,
) {
    let mut tail = std::mem::take(&mut lattice.tail);
    let tail = &mut tail;
    lattice.phrases.clear();
    let mut windows = Windows::new(stage, costs, text);
    let stage = &stage.view;
    let bytes = text.as_bytes();
    out.reserve(text.len());
    // Where the output of the pending window starts; the position whose
    // output offset is wanted next (the pending window's end) and that
    // offset once passed.
    let mut pending = WindowOutput::default();
    let mut watch = usize::MAX;
    let mut watched: Option<usize> = None;
    // The last unit of more than one character that was not a phrase (an
    // ideographic description sequence): where it starts and ends, and
    // where its output starts.
    let mut ids_unit = (0, 0, 0);
    let mut ids = IdsUnits::default();
    // Drops the output from `at` on, and the keys recorded there.
    let truncate = |out: &mut String, keys: &mut Option<&mut Vec<(usize, usize)>>, at: usize| {
        out.truncate(at);
        if let Some(keys) = keys {
            while keys.last().is_some_and(|&(start, _)| start >= at) {
                keys.pop();
            }
        }
    };
    let record = |keys: &mut Option<&mut Vec<(usize, usize)>>, start: usize, end: usize| {
        if let Some(keys) = keys {
            keys.push((start, end));
        }
    };
    // Converts the units of the best split of `text[from..to]`.
    let split = |out: &mut String,
                 keys: &mut Option<&mut Vec<(usize, usize)>>,
                 lattice: &mut Lattice,
                 (from, to): (usize, usize)| {
        split_window(stage, costs, text, from, to, lattice, &mut |unit| {
            convert_unit(stage, text, unit, out, keys)
        });
    };
    // Closes a window whose output starts at `pending.start` and ends at
    // `window_end`; returns where the output after it now starts.
    let close = |out: &mut String,
                 keys: &mut Option<&mut Vec<(usize, usize)>>,
                 tail: &mut String,
                 lattice: &mut Lattice,
                 window: (usize, usize),
                 pending: WindowOutput,
                 window_end: usize| {
        let mut units = std::mem::take(&mut lattice.window_units);
        let mut phrases = std::mem::take(&mut lattice.window_phrases);
        units.clear();
        phrases.clear();
        phrases.extend_from_slice(&lattice.phrases);
        split_window(
            stage,
            costs,
            text,
            window.0,
            window.1,
            lattice,
            &mut |unit| units.push(unit),
        );
        let moved_to = if pending.greedy && splits_alike(&units, &phrases) {
            // Most windows keep greedy matching's split, whose output is
            // there already.
            window_end
        } else {
            // No phrase follows the window in the output yet, so no key.
            tail.clear();
            tail.push_str(&out[window_end.min(out.len())..]);
            truncate(out, keys, pending.start);
            for &unit in &units {
                convert_unit(stage, text, unit, out, keys);
            }
            let moved_to = out.len();
            out.push_str(tail);
            moved_to
        };
        lattice.window_units = units;
        lattice.window_phrases = phrases;
        moved_to
    };
    let mut i = 0;
    while i < bytes.len() {
        if i >= watch {
            watched = (i == watch).then_some(out.len());
            watch = usize::MAX;
        }
        let b = bytes[i];
        let run_end = if b < 0x80 && !stage.ascii_in_keys(b) {
            i + bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || stage.ascii_in_keys(b))
                .unwrap_or(bytes.len() - i)
        } else if stage.sparse() {
            engine::unkeyed_run_end(stage, bytes, i)
        } else {
            i
        };
        if run_end > i {
            // Copied as it is, so output offsets follow input offsets.
            if (i..=run_end).contains(&watch) {
                watched = Some(out.len() + watch - i);
                watch = usize::MAX;
            }
            out.push_str(&text[i..run_end]);
            i = run_end;
            continue;
        }
        let (c, len) = engine::char_at(bytes, i);
        let next = engine::next_char(bytes, i + len);
        let entry = stage.entry(c);
        let phrase = entry.continues_bit() & stage.pair_bit(c, next);
        if (phrase == 0) & entry.is_own_or_no_key() & !engine::is_ids_operator(c) {
            let replaced = entry.quick_replacement(c);
            out.push(char::from_u32(replaced).unwrap_or(char::REPLACEMENT_CHARACTER));
            i += len;
            continue;
        }
        let (end, replacement) = engine::decide(stage, bytes, i, c, len, next, &mut ids);
        match replacement {
            Some(replacement) if end > i + len => {
                // A phrase. The output of the characters before it that a
                // window takes in goes; so does a window that closes.
                let mut isolated = false;
                windows.phrase(i, end, lattice, &mut |event, lattice| match event {
                    Event::Open(from) => {
                        let (ids_start, ids_end, ids_out) = ids_unit;
                        if from < ids_end {
                            // Inside an ideographic description sequence:
                            // outside the window, it is text of its own.
                            truncate(out, &mut keys, ids_out);
                            engine::convert_chars(stage, &text[ids_start..from], out);
                            pending = WindowOutput {
                                start: out.len(),
                                greedy: false,
                            };
                        } else {
                            // The characters before the phrase that the
                            // window takes in were output one by one.
                            let taken: usize = text[from..i]
                                .chars()
                                .map(|c| single_output_len(stage, c as u32))
                                .sum();
                            pending = WindowOutput {
                                start: out.len() - taken.min(out.len()),
                                greedy: true,
                            };
                        }
                    }
                    Event::Extend(to) => watch = to,
                    Event::Close { window, .. } => {
                        let window_end = watched.take().unwrap_or(out.len());
                        let moved_to =
                            close(out, &mut keys, tail, lattice, window, pending, window_end);
                        // The output after the window has moved.
                        if ids_unit.2 >= window_end {
                            ids_unit.2 = ids_unit.2 - window_end + moved_to;
                        }
                    }
                    Event::Isolated {
                        phrase: (from, to), ..
                    } => {
                        // Mostly the phrase stays whole, as greedy matching
                        // has it.
                        if !lattice.keeps_whole(stage, costs, text, from, to) {
                            isolated = true;
                            lattice.phrases.clear();
                            lattice.phrases.push((from, to));
                            split(out, &mut keys, lattice, (from, to));
                        }
                    }
                });
                if !isolated {
                    let at = out.len();
                    engine::push_replacement(stage, replacement, out);
                    record(&mut keys, at, out.len());
                }
            }
            Some(replacement) => engine::push_replacement(stage, replacement, out),
            None => {
                if end > i + len {
                    ids_unit = (i, end, out.len());
                }
                out.push_str(&text[i..end]);
            }
        }
        i = end;
    }
    if watch <= bytes.len() {
        watched = Some(out.len());
    }
    let window_end = watched.unwrap_or(out.len());
    windows.close(lattice, &mut |event, lattice| {
        if let Event::Close { window, .. } = event {
            close(out, &mut keys, tail, lattice, window, pending, window_end);
        }
    });
    lattice.tail = std::mem::take(tail);
}

/// Where the output of the pending window starts, and whether it is still
/// greedy matching's output.
#[derive(Debug, Clone, Copy, Default)]
struct WindowOutput {
    start: usize,
    greedy: bool,
}

/// Appends the conversion of a unit of a window's split (and, with `keys`,
/// where the output of a key unit lies).
fn convert_unit(
    stage: &View<'_>,
    text: &str,
    unit: Unit,
    out: &mut String,
    keys: &mut Option<&mut Vec<(usize, usize)>>,
) {
    if let Unit::Word(start, end, key) = unit {
        let at = out.len();
        engine::convert(stage, &text[start..end], out);
        if let (true, Some(keys)) = (key, keys) {
            keys.push((at, out.len()));
        }
    }
}

/// Whether a window's split (`units`) is greedy matching's (whose phrases
/// in the window are `phrases`), so that converting its units outputs what
/// greedy matching did: its keys are exactly the greedy phrases. Then every
/// boundary of a unit is one where greedy matching lands, and inside a unit
/// that is no key, greedy matching finds no key either (one would have been
/// a phrase there), so each unit converts as greedy matching converted it,
/// and the same keys are recorded.
fn splits_alike(units: &[Unit], phrases: &[(usize, usize)]) -> bool {
    let mut phrases = phrases.iter();
    for unit in units {
        if let Unit::Word(start, end, true) = *unit {
            if phrases.next() != Some(&(start, end)) {
                return false;
            }
        }
    }
    phrases.next().is_none()
}

/// The length of what greedy matching outputs for `c` when it matches no
/// longer key there.
fn single_output_len(view: &View<'_>, c: u32) -> usize {
    let entry = view.entry(c);
    if entry.is_own_or_no_key() {
        char::from_u32(entry.quick_replacement(c)).map_or(3, char::len_utf8)
    } else if entry.is_key() {
        view.value(view.start(c).value()).len()
    } else {
        char::from_u32(c).map_or(3, char::len_utf8)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{builtin, Config};
    use proptest::prelude::*;

    /// Characters that start, end and overlap OpenCC's phrases and the
    /// word list's words (`头发`, `被发`, `发明`, `了如`, `如何`, `干了`), an
    /// ideographic description character and its operands, and text that
    /// occurs in no key.
    const ALPHABET: &[&str] = &[
        "头", "发", "干", "了", "被", "明", "展", "示", "如", "何", "参", "与", "制", "造", "的",
        "一", "个", "人", "⿰", "说", "话", "，", "a", " ", "\n", "量", "子", "改", "变",
    ];

    /// What converting each unit of `for_each_unit` outputs, and where the
    /// output of each key unit lies.
    fn by_units(stage: &Stage<'_>, costs: &View<'_>, text: &str) -> (String, Vec<(usize, usize)>) {
        let (mut out, mut keys) = (String::new(), Vec::new());
        for_each_unit(
            stage,
            costs,
            text,
            &mut Lattice::default(),
            |unit| match unit {
                Unit::Plain(start, end) => {
                    engine::convert_chars(&stage.view, &text[start..end], &mut out)
                }
                Unit::Word(start, end, key) => {
                    let at = out.len();
                    engine::convert(&stage.view, &text[start..end], &mut out);
                    if key {
                        keys.push((at, out.len()));
                    }
                }
            },
        );
        (out, keys)
    }

    proptest! {
        /// The one-pass conversion, which outputs greedy matching's
        /// conversion and replaces that of each window when it closes,
        /// outputs what converting the units one by one does.
        #[test]
        fn one_pass_conversion_converts_the_units(
            pieces in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::sample::select(ALPHABET).prop_map(String::from),
                    1 => any::<char>().prop_map(String::from),
                ],
                0..80,
            )
        ) {
            let text: String = pieces.concat();
            let costs_table = builtin::table(builtin::SEGMENTATION_COSTS);
            let stage_table = builtin::table(Config::S2t.plan().with_rare.chain[0]);
            let (stage, costs) = (Stage::of(&stage_table, &costs_table), costs_table.view());
            let (expected, expected_keys) = by_units(&stage, &costs, &text);
            let (mut out, mut keys) = (String::new(), Vec::new());
            convert(&stage, &costs, &text, &mut Lattice::default(), &mut out, Some(&mut keys));
            prop_assert_eq!(&out, &expected);
            prop_assert_eq!(&keys, &expected_keys);
        }
    }
}
