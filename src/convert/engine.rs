//! Forward maximum matching over a compiled table: the inner loop of every
//! conversion and segmentation.

use super::table::{LeadRange, Node, QuickChars, Table, View, QUICK_CONTINUES, QUICK_SLOW};

/// Decodes the character starting at `i` of valid UTF-8: its code point and
/// its length in bytes.
#[inline(always)]
pub(crate) fn char_at(bytes: &[u8], i: usize) -> (u32, usize) {
    // Away from the end, one bounds check for the whole character.
    if let Some(&[b0, b1, b2, b3]) = bytes.get(i..i + 4) {
        let (b0, b1, b2, b3) = (b0 as u32, b1 as u32, b2 as u32, b3 as u32);
        return if b0 < 0x80 {
            (b0, 1)
        } else if b0 < 0xE0 {
            (((b0 & 0x1F) << 6) | (b1 & 0x3F), 2)
        } else if b0 < 0xF0 {
            (((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F), 3)
        } else {
            let c = ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
            (c, 4)
        };
    }
    let b0 = bytes[i] as u32;
    let cont = |j: usize| (bytes.get(i + j).copied().unwrap_or(0x80) & 0x3F) as u32;
    if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | cont(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    }
}

/// The code point of a three-byte character of valid UTF-8.
#[inline(always)]
fn three_byte_char(b0: u8, b1: u8, b2: u8) -> u32 {
    ((b0 as u32 & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6) | (b2 as u32 & 0x3F)
}

/// The byte offset `chars` characters after `start`.
fn advance_chars(bytes: &[u8], start: usize, chars: usize) -> usize {
    let mut end = start;
    for _ in 0..chars {
        if end >= bytes.len() {
            break;
        }
        end += char_at(bytes, end).1;
    }
    end
}

/// What a match outputs.
#[derive(Clone, Copy)]
pub(crate) enum Replacement {
    /// A value of the table.
    Value(u32),
    /// A single character.
    Char(char),
    /// A value of one or two characters kept with its key.
    Short(char, Option<char>),
}

/// The walk past the first character `first`, which longer keys start
/// with, ending at `end`; `None` when only the first character itself could
/// match.
#[inline(never)]
fn match_phrase(
    view: &View<'_>,
    bytes: &[u8],
    start: usize,
    first: u32,
    mut end: usize,
) -> Option<(usize, Replacement)> {
    if end >= bytes.len() {
        return None;
    }
    let (second, len) = char_at(bytes, end);
    let mut node: Node = view.second(first, second)?;
    end += len;
    let mut depth = 2;
    // (depth, end, node) of the longest key of two or more characters.
    let mut best = (node.consume() > 0).then_some((depth, end, node));
    while node.has_children() && end < bytes.len() {
        let (c, len) = char_at(bytes, end);
        let Some(child) = view.child(node, c) else {
            break;
        };
        node = child;
        end += len;
        depth += 1;
        if node.consume() > 0 {
            best = Some((depth, end, node));
        }
    }
    let (depth, end, node) = best?;
    // A group policy may make a longer key give way to a shorter one.
    let end = if node.consume() == depth {
        end
    } else {
        advance_chars(bytes, start, node.consume())
    };
    let replacement = match node.short_value() {
        Some((a, b)) if depth == 2 => Replacement::Short(a, b),
        _ => Replacement::Value(node.value()),
    };
    Some((end, replacement))
}

/// Calls `on_key(end, chars, replacement)` for every key of the table that
/// starts at `i` (whose character `c` is `len` bytes long) and is matched by
/// its own rule (a group policy can make a key give way to a shorter one:
/// such keys are left out), shortest first: the edges of smart
/// segmentation's lattice.
#[inline]
pub(crate) fn for_each_key_at(
    view: &View<'_>,
    bytes: &[u8],
    i: usize,
    c: u32,
    len: usize,
    mut on_key: impl FnMut(usize, usize, Replacement),
) {
    let entry = view.entry(c);
    if let Some(replacement) = entry.inline() {
        on_key(i + len, 1, Replacement::Char(replacement));
    } else if entry.is_key() {
        on_key(i + len, 1, Replacement::Value(view.start(c).value()));
    }
    let next = next_char(bytes, i + len);
    if !entry.continues() || !view.may_start_pair(c, next) {
        return;
    }
    let Some(mut node) = view.second(c, next) else {
        return;
    };
    let (mut end, mut depth) = (i + len + char_at(bytes, i + len).1, 2);
    loop {
        if node.consume() == depth {
            on_key(end, depth, Replacement::Value(node.value()));
        }
        if !node.has_children() || end >= bytes.len() {
            break;
        }
        let (c, len) = char_at(bytes, end);
        let Some(child) = view.child(node, c) else {
            break;
        };
        node = child;
        end += len;
        depth += 1;
    }
}

/// Calls `on_phrase(start, end)` for every match of two or more characters
/// of forward maximum matching over `text`, in order (see [`next_phrase`]).
#[inline]
pub(crate) fn for_each_phrase(
    view: &View<'_>,
    text: &str,
    mut on_phrase: impl FnMut(usize, usize),
) {
    let mut ids = IdsUnits::default();
    let mut from = 0;
    while let Some((start, end)) = next_phrase(view, text, from, &mut ids) {
        on_phrase(start, end);
        from = end;
    }
}

/// The first match of two or more characters of forward maximum matching
/// over `text` from `from` (where matching decides): [`for_each_match`]
/// with the quick test of [`convert_with_phrases`] for the characters that
/// start no phrase.
#[inline]
pub(crate) fn next_phrase(
    view: &View<'_>,
    text: &str,
    from: usize,
    ids: &mut IdsUnits,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !view.ascii_in_keys(b) {
            i += 1;
            continue;
        }
        let (c, len) = char_at(bytes, i);
        let next = next_char(bytes, i + len);
        if (view.entry(c).continues_bit() & view.pair_bit(c, next)) == 0 && !is_ids_operator(c) {
            i += len;
            continue;
        }
        let (end, replacement) = decide(view, bytes, i, c, len, next, ids);
        if replacement.is_some() && end > i + len {
            return Some((i, end));
        }
        i = end;
    }
    None
}

/// Calls `on_match(start, end, replacement)` for every match of forward
/// maximum matching over `text`, in order.
#[inline(always)]
pub(crate) fn for_each_match(
    view: &View<'_>,
    text: &str,
    mut on_match: impl FnMut(usize, usize, Replacement),
) {
    let bytes = text.as_bytes();
    let mut ids = IdsUnits::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !view.ascii_in_keys(b) {
            i += 1;
            continue;
        }
        let (c, len) = char_at(bytes, i);
        let next = next_char(bytes, i + len);
        let (end, replacement) = decide(view, bytes, i, c, len, next, &mut ids);
        if let Some(replacement) = replacement {
            on_match(i, end, replacement);
        }
        i = end;
    }
}

/// Where the run of characters from `i` that occur in no key (and are no
/// ideographic description characters) ends.
#[inline(always)]
pub(crate) fn unkeyed_run_end(view: &View<'_>, bytes: &[u8], mut i: usize) -> usize {
    let bits = view.key_char_bits();
    while i < bytes.len() {
        // (Most characters of Chinese text are three bytes long: a run of
        // them is stepped through without a bounds check per character.)
        let three_byte_run = bytes[i..]
            .chunks_exact(3)
            .take_while(|c| c[0] & 0xF0 == 0xE0 && !bits.stops(three_byte_char(c[0], c[1], c[2])))
            .count();
        i += 3 * three_byte_run;
        if i >= bytes.len() || bytes[i] & 0xF0 == 0xE0 {
            // (A three-byte character that stops the run, or the end.)
            break;
        }
        let (c, len) = char_at(bytes, i);
        if view.entry(c).in_key() || is_ids_operator(c) {
            break;
        }
        i += len;
    }
    i
}

/// Stands for "no next character" at the end of the text: no key contains
/// it, so the pair filter needs no special case.
const NO_NEXT: u32 = u32::MAX;

/// The character starting at `at`, or [`NO_NEXT`] at the end.
#[inline(always)]
pub(crate) fn next_char(bytes: &[u8], at: usize) -> u32 {
    if at < bytes.len() {
        char_at(bytes, at).0
    } else {
        NO_NEXT
    }
}

/// One decision of forward maximum matching at `i`, whose character `c` is
/// `len` bytes long and followed by `next`: where the unit ends and what it
/// outputs (`None`: the unit is copied unchanged).
#[inline(always)]
pub(crate) fn decide(
    view: &View<'_>,
    bytes: &[u8],
    i: usize,
    c: u32,
    len: usize,
    next: u32,
    ids: &mut IdsUnits,
) -> (usize, Option<Replacement>) {
    let entry = view.entry(c);
    let end = i + len;
    // A longer key first: only when the pair filter lets the next character
    // through, which it does for few pairs but real prefixes.
    if entry.continues() && view.may_start_pair(c, next) {
        if let Some((end, replacement)) = match_phrase(view, bytes, i, c, end) {
            return (end, Some(replacement));
        }
    }
    if let Some(replacement) = entry.inline() {
        return (end, Some(Replacement::Char(replacement)));
    }
    if entry.is_key() {
        return (end, Some(Replacement::Value(view.start(c).value())));
    }
    (ids.unit_end(bytes, i, c, len), None)
}

/// Where unmatched units end: a character, or a whole ideographic
/// description sequence. Remembers the extent of the current run of
/// consecutive IDS operators, so that a long run (which nests deeper than
/// OpenCC allows from all but its last positions) costs linear time.
#[derive(Default)]
pub(crate) struct IdsUnits {
    operators_end: usize,
}

impl IdsUnits {
    #[inline(always)]
    pub(crate) fn unit_end(&mut self, bytes: &[u8], at: usize, c: u32, len: usize) -> usize {
        if !is_ids_operator(c) {
            return at + len;
        }
        if self.operators_end <= at {
            self.operators_end = at;
            while self.operators_end < bytes.len()
                && is_ids_operator(char_at(bytes, self.operators_end).0)
            {
                self.operators_end += 3;
            }
        }
        // Every operator is three bytes; from here, a parse would nest one
        // level per operator.
        if (self.operators_end - at) / 3 > IDS_MAX_DEPTH {
            return at + len;
        }
        ids_end(bytes, at).unwrap_or(at + len)
    }
}

/// OpenCC's limit on the nesting of an ideographic description sequence.
const IDS_MAX_DEPTH: usize = 16;

/// Ideographic description characters, U+2FF0..=U+2FFF.
#[inline]
pub(crate) fn is_ids_operator(c: u32) -> bool {
    (0x2FF0..=0x2FFF).contains(&c)
}

/// OpenCC 1.4 copies a complete ideographic description sequence (such as
/// `⿰说话`) unconverted, as one unit. Returns the end of the sequence starting
/// at `start`, or `None` when it is incomplete or exceeds OpenCC's limits.
fn ids_end(bytes: &[u8], start: usize) -> Option<usize> {
    const MAX_DEPTH: usize = IDS_MAX_DEPTH;
    const MAX_CODE_POINTS: usize = 64;

    fn operand(bytes: &[u8], at: usize, depth: usize, seen: &mut usize) -> Option<usize> {
        if at >= bytes.len() || depth > MAX_DEPTH {
            return None;
        }
        *seen += 1;
        if *seen > MAX_CODE_POINTS {
            return None;
        }
        let (c, len) = char_at(bytes, at);
        if !is_ids_operator(c) {
            return Some(at + len);
        }
        let arity = match c {
            0x2FF2 | 0x2FF3 => 3,
            0x2FFE | 0x2FFF => 1,
            _ => 2,
        };
        (0..arity).try_fold(at + len, |next, _| operand(bytes, next, depth + 1, seen))
    }

    operand(bytes, start, 1, &mut 0)
}

/// Appends a match's output.
#[inline(always)]
pub(crate) fn push_replacement(view: &View<'_>, replacement: Replacement, out: &mut String) {
    match replacement {
        Replacement::Char(c) => out.push(c),
        Replacement::Value(value) => out.push_str(view.value(value)),
        Replacement::Short(a, b) => {
            out.push(a);
            out.extend(b);
        }
    }
}

/// Converts `text` with one table, appending the result to `out`.
///
/// The same decisions as [`for_each_match`], arranged for speed: most
/// characters either are their own single-character key or occur in no key,
/// start no phrase that the pair filter lets through and are no ideographic
/// description character. Those are output at once, with the replacement
/// chosen without a branch, so that the loop's only data-dependent branch
/// is the rarely taken one to a full decision: in Chinese text, that is
/// what keeps the processor from mispredicting a branch per character.
pub(crate) fn convert(view: &View<'_>, text: &str, out: &mut String) {
    convert_with_phrases(view, text, out, |out, phrase| out.push_str(phrase));
}

/// [`convert`], stopping before the first character that is matched alone
/// where it starts a diverted pair (see `Table::build_diverting`): returns
/// where it stopped, `text.len()` when no such character came.
pub(crate) fn convert_until_diverted(view: &View<'_>, text: &str, out: &mut String) -> usize {
    convert_units::<true>(view, text, &[], out, |out, phrase| out.push_str(phrase))
}

/// [`convert`], except that the value of each match of two or more
/// characters goes to `on_phrase(out, value)` instead of `out`: the fused
/// first stage of a segmented chain (see `Run::convert`) passes those on as
/// segments of their own.
#[inline(always)]
pub(crate) fn convert_with_phrases(
    view: &View<'_>,
    text: &str,
    out: &mut String,
    on_phrase: impl FnMut(&mut String, &str),
) {
    convert_units::<false>(view, text, &[], out, on_phrase);
}

/// Converts `text`, a run of segments that end at `ends` (in increasing
/// order; text after the last end is one more segment), each on its own,
/// appending the result to `out`: what [`convert`] outputs for the
/// segments one by one, without a call per segment (the segments of a
/// fused first stage's output are a few characters long). Characters are
/// decided alone across segment ends as within a segment; only a decision
/// that may match a longer key, or reads an ideographic description
/// sequence, looks no further than its segment's end.
pub(crate) fn convert_segments(view: &View<'_>, text: &str, ends: &[usize], out: &mut String) {
    convert_units::<false>(view, text, ends, out, |out, phrase| out.push_str(phrase));
}

/// Whether `c` followed by `next` is a diverted pair (see
/// `Table::build_diverting`).
#[inline]
fn diverts(view: &View<'_>, c: u32, next: u32) -> bool {
    view.entry(c).diverted() && view.second(c, next).is_some_and(|node| node.diverted())
}

/// The end of the segment of `bytes` (whose segments end at `ends`, see
/// [`convert_segments`]) that holds the position `at`.
#[inline]
fn segment_of<'b>(bytes: &'b [u8], ends: &[usize], at: usize) -> &'b [u8] {
    // (Conversion of a single segment, the usual case, pays one test.)
    if ends.is_empty() {
        return bytes;
    }
    let end = ends
        .get(ends.partition_point(|&end| end <= at))
        .map_or(bytes.len(), |&end| end.min(bytes.len()));
    &bytes[..end]
}

/// [`convert_with_phrases`] over segments that end at `ends` (see
/// [`convert_segments`]), which, when `STOP_AT_DIVERTED`, stops before the
/// first diverted character matched alone; returns where it stopped.
#[inline(always)]
fn convert_units<const STOP_AT_DIVERTED: bool>(
    view: &View<'_>,
    text: &str,
    ends: &[usize],
    out: &mut String,
    mut on_phrase: impl FnMut(&mut String, &str),
) -> usize {
    let bytes = text.as_bytes();
    out.reserve(text.len());
    // (Sparse tables copy runs of characters in no key instead.)
    let quick = (!view.sparse()).then(|| view.quick_chars());
    let mut ids = IdsUnits::default();
    // The character after the last one looked at: where it starts, itself
    // and its length.
    let mut ahead = (usize::MAX, 0, 0);
    let mut i = 0;
    loop {
        if let Some(quick) = quick {
            i = convert_quick_run::<STOP_AT_DIVERTED>(
                view,
                quick,
                text,
                ends,
                i,
                out,
                &mut on_phrase,
            );
        }
        if i >= bytes.len() {
            break;
        }
        if view.sparse() {
            // Copy a run of characters in no key at once: with few key
            // characters, the branch per character is well predicted.
            let run_end = unkeyed_run_end(view, bytes, i);
            if run_end > i {
                out.push_str(&text[i..run_end]);
                i = run_end;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 && !view.ascii_in_keys(b) {
            let run = bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || view.ascii_in_keys(b))
                .unwrap_or(bytes.len() - i);
            out.push_str(&text[i..i + run]);
            i += run;
            continue;
        }
        // (The character here was decoded as the one after the last, if
        // that was the character before.)
        let (c, len) = match ahead {
            (at, c, len) if at == i => (c, len),
            _ => char_at(bytes, i),
        };
        let (next, next_len) = match i + len < bytes.len() {
            true => char_at(bytes, i + len),
            false => (NO_NEXT, 0),
        };
        ahead = (i + len, next, next_len);
        let entry = view.entry(c);
        let phrase = entry.continues_bit() & view.pair_bit(c, next);
        let quick = (phrase == 0) & entry.is_own_or_no_key() & !is_ids_operator(c);
        if quick {
            let replaced = entry.quick_replacement(c);
            out.push(char::from_u32(replaced).unwrap_or(char::REPLACEMENT_CHARACTER));
            i += len;
            continue;
        }
        // (A character after the segment's end is no next character: the
        // walk that `next` would pass the pair filter for stops there.)
        let segment = segment_of(bytes, ends, i);
        let (end, replacement) = decide(view, segment, i, c, len, next, &mut ids);
        if STOP_AT_DIVERTED && phrase != 0 && end == i + len && diverts(view, c, next) {
            return i;
        }
        match replacement {
            Some(replacement) => output_match(view, i + len, end, replacement, out, &mut on_phrase),
            None => out.push_str(&text[i..end]),
        }
        i = end;
    }
    bytes.len()
}

/// Appends the output of a match that ends at `end` and whose first
/// character ends at `first_end`: a match of two or more characters goes
/// to `on_phrase`.
#[inline]
fn output_match(
    view: &View<'_>,
    first_end: usize,
    end: usize,
    replacement: Replacement,
    out: &mut String,
    on_phrase: &mut impl FnMut(&mut String, &str),
) {
    match replacement {
        Replacement::Value(value) if end != first_end => on_phrase(out, view.value(value)),
        Replacement::Short(a, b) => on_phrase(out, short_str(&mut [0; 8], a, b)),
        replacement => push_replacement(view, replacement, out),
    }
}

/// The text of `a` followed by `b`, written to `utf8`.
#[inline]
#[allow(unsafe_code)]
fn short_str(utf8: &mut [u8; 8], a: char, b: Option<char>) -> &str {
    let a_len = a.encode_utf8(utf8).len();
    let b_len = b.map_or(0, |b| b.encode_utf8(&mut utf8[a_len..]).len());
    // SAFETY: the bytes are the UTF-8 of `a` and of `b`, just written.
    // (Checking them, with `str::from_utf8`, cost 2% of s2t's instructions
    // on classical Chinese, in which one character in thirty starts such a
    // phrase.)
    unsafe { std::str::from_utf8_unchecked(&utf8[..a_len + b_len]) }
}

/// Converts the three-byte characters from `i` on for as long as
/// [`QuickChars`] decides them, or they start a phrase, appending their
/// output to `out` (phrases through `on_phrase`, as in
/// [`convert_with_phrases`]); returns where it stopped. Nearly all
/// characters of Chinese text take this path: it decodes them straight
/// from their bytes, with one bounds check for the character and the next
/// one, looks each up with one load and writes its output with one store.
#[inline(always)]
#[allow(unsafe_code)]
fn convert_quick_run<const STOP_AT_DIVERTED: bool>(
    view: &View<'_>,
    quick: &QuickChars,
    text: &str,
    ends: &[usize],
    mut i: usize,
    out: &mut String,
    on_phrase: &mut impl FnMut(&mut String, &str),
) -> usize {
    let bytes = text.as_bytes();
    loop {
        // SAFETY: the bytes appended are the low three bytes of quick
        // words without `QUICK_SLOW`, which `QuickChars::word_of` makes as
        // the UTF-8 of a character from U+0800 to U+FFFF (not a surrogate):
        // complete UTF-8 sequences (a test checks them all). They are
        // written past the string's length, which `set_len` extends over
        // them only once written, so the string is valid UTF-8 whatever
        // happens in between.
        let vec = unsafe { out.as_mut_vec() };
        // A character output here is as long as the one it stands for.
        vec.reserve(bytes.len() - i.min(bytes.len()) + 4);
        let start = vec.len();
        let spare = vec.spare_capacity_mut();
        // The input from `i` on; a character output here is as long as the
        // one it stands for, so `j` counts both (one counter, for a loop
        // short of registers).
        let input = bytes.get(i..).unwrap_or_default();
        let mut j = 0;
        let mut phrase = None;
        // The character at `j` is decoded from its bytes at the start of a
        // run, then carried over as the character after the last one: the
        // run goes on while that is three bytes long.
        let first = match input.get(..3) {
            Some(&[b0, b1, b2]) if b0 & 0xF0 == 0xE0 => Some(three_byte_char(b0, b1, b2)),
            _ => None,
        };
        if let Some(mut c) = first {
            loop {
                // (The text's last character too: a segment that a later
                // stage of a chain converts on its own is a few characters
                // long.)
                let (next, next_is_three_bytes) = match input.get(j + 3..j + 6) {
                    Some(&[n0, n1, n2]) if n0 & 0xF0 == 0xE0 => (three_byte_char(n0, n1, n2), true),
                    _ => (next_char(input, j + 3), false),
                };
                let word = quick.word(c);
                let stop = word & (QUICK_SLOW | (QUICK_CONTINUES * quick.pair_bit(c, next)));
                if stop != 0 {
                    if stop & QUICK_SLOW != 0 {
                        break;
                    }
                    // The pair filter let the pair through: a phrase may
                    // start here; if none does, the character is decided as
                    // usual.
                    let segment = segment_of(bytes, ends, i + j);
                    if let Some(found) = match_phrase(view, segment, i + j, c, i + j + 3) {
                        phrase = Some(found);
                        break;
                    }
                    // (The outer loop stops before a diverted pair.)
                    if STOP_AT_DIVERTED && diverts(view, c, next) {
                        break;
                    }
                }
                // Four bytes at once (the fourth, a flag byte, is
                // overwritten by the next character or left past the end).
                let Some(slot) = spare.get_mut(j..j + 4) else {
                    break;
                };
                slot.copy_from_slice(&word.to_le_bytes().map(std::mem::MaybeUninit::new));
                j += 3;
                if !next_is_three_bytes {
                    break;
                }
                c = next;
            }
        }
        // SAFETY: see above; `j` bytes of `spare` are initialized.
        unsafe { vec.set_len(start + j) };
        i += j;
        let Some((end, replacement)) = phrase else {
            return i;
        };
        output_match(view, i + 3, end, replacement, out, on_phrase);
        i = end;
    }
}

/// Converts every character of `text` on its own, appending the result to
/// `out`: what [`convert`] outputs for text in which forward maximum
/// matching finds no key of two or more characters, without the pair test
/// and the phrase walk that finding none costs [`convert`]. Smart
/// segmentation converts the text between its windows, which holds no such
/// key, with it.
pub(crate) fn convert_chars(view: &View<'_>, text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    out.reserve(text.len());
    let mut ids = IdsUnits::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !view.ascii_in_keys(b) {
            let run = bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || view.ascii_in_keys(b))
                .unwrap_or(bytes.len() - i);
            out.push_str(&text[i..i + run]);
            i += run;
            continue;
        }
        let (c, len) = char_at(bytes, i);
        let entry = view.entry(c);
        if entry.is_own_or_no_key() && !is_ids_operator(c) {
            let replaced = entry.quick_replacement(c);
            out.push(char::from_u32(replaced).unwrap_or(char::REPLACEMENT_CHARACTER));
            i += len;
        } else if entry.is_key() {
            out.push_str(view.value(view.start(c).value()));
            i += len;
        } else {
            let end = ids.unit_end(bytes, i, c, len);
            out.push_str(&text[i..end]);
            i = end;
        }
    }
}

/// Whether `text` certainly has no match: no key starts with its first
/// two bytes anywhere (the table's lead ranges). That scan is a
/// branch-free fold over byte pairs, which the compiler vectorizes, far
/// faster than matching; it serves the normalization pass, whose keys
/// (compatibility ideographs) start with one of two lead bytes, one of which
/// also starts the full-width punctuation common in Chinese text.
fn certainly_unmatched(table: &Table, text: &str) -> bool {
    let Some(ranges) = table.lead_ranges() else {
        return false;
    };
    let Some(&first) = ranges.first() else {
        return true;
    };
    // Three ranges always; repeating one costs nothing in the fold.
    let [r0, r1, r2] = [0, 1, 2].map(|k| *ranges.get(k).unwrap_or(&first));
    let starts_key = |x: u8, y: u8, r: LeadRange| {
        ((x == r.lead) & (y.wrapping_sub(r.first) <= r.last.wrapping_sub(r.first))) as u8
    };
    let bytes = text.as_bytes();
    let Some(last) = bytes.len().checked_sub(1) else {
        return true;
    };
    // Chunks, so that text with a match stops early.
    const CHUNK: usize = 4096;
    bytes[..last]
        .chunks(CHUNK)
        .zip(bytes[1..].chunks(CHUNK))
        .all(|(leads, seconds)| {
            let hits = leads.iter().zip(seconds).fold(0u8, |hits, (&x, &y)| {
                hits | starts_key(x, y, r0) | starts_key(x, y, r1) | starts_key(x, y, r2)
            });
            hits == 0
        })
}

/// Converts `text` with one table, borrowing it when nothing matches.
pub(crate) fn convert_cow<'a>(table: &Table, text: &'a str) -> std::borrow::Cow<'a, str> {
    if certainly_unmatched(table, text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let view = table.view();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for_each_match(&view, text, |start, end, replacement| {
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..start]);
        push_replacement(&view, replacement, out);
        copied = end;
    });
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Splits `text` into OpenCC segments: each match is a segment, and the
/// unmatched text between matches is one segment.
pub(crate) fn segment(view: &View<'_>, text: &str, mut on_segment: impl FnMut(&str)) {
    let mut pending = 0;
    for_each_match(view, text, |start, end, _| {
        if pending < start {
            on_segment(&text[pending..start]);
        }
        on_segment(&text[start..end]);
        pending = end;
    });
    if pending < text.len() {
        on_segment(&text[pending..]);
    }
}

/// Converts `text` with one table and lists its *landings*: every position
/// where forward maximum matching makes a decision (the start of a match,
/// of an unmatched character or of an ideographic description sequence),
/// and the end, each with the matching position in the output. Text cut at a
/// landing converts the same in two parts, as far as this table goes.
pub(crate) fn convert_with_landings(view: &View<'_>, text: &str) -> (String, Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut landings = Vec::new();
    // Unmatched text between matches: copied, landing at each character or
    // ideographic description sequence.
    let mut ids = IdsUnits::default();
    let mut unmatched = |from: usize, until: usize, out: &mut String, landings: &mut Vec<_>| {
        let mut at = from;
        while at < until {
            landings.push((at, out.len() + at - from));
            let (c, len) = char_at(bytes, at);
            at = ids.unit_end(bytes, at, c, len).min(until);
        }
        out.push_str(&text[from..until]);
    };
    let mut copied = 0;
    for_each_match(view, text, |start, end, replacement| {
        unmatched(copied, start, &mut out, &mut landings);
        landings.push((start, out.len()));
        push_replacement(view, replacement, &mut out);
        copied = end;
    });
    unmatched(copied, text.len(), &mut out, &mut landings);
    landings.push((text.len(), out.len()));
    (out, landings)
}

/// The positions where `table`'s matches start or end (segment boundaries,
/// for a segmentation table).
pub(crate) fn match_boundaries(view: &View<'_>, text: &str) -> Vec<usize> {
    let mut boundaries = Vec::new();
    for_each_match(view, text, |start, end, _| {
        boundaries.push(start);
        boundaries.push(end);
    });
    boundaries
}
