//! Mojibake: text decoded with the wrong encoding, once or up to three
//! times. A span is encoded back with the encoding it was wrongly decoded
//! with and decoded with the one it was in; the result replaces the span only
//! if it is valid, lossless and far more plausible.

use std::borrow::Cow;

use encoding_rs::{Encoding, BIG5, GB18030, SHIFT_JIS, UTF_8, WINDOWS_1252};

use super::swap;
use crate::score::{
    char_cost, is_han, is_known_pair, known_pairs, script_cost, script_only, Plausibility, Script,
};

/// (the encoding text was wrongly decoded with, the one it was in): the
/// damage of rows 1 to 7 of MOJIBAKE.md, most common first.
pub(crate) const PAIRS: [(&Encoding, &Encoding); 7] = [
    // 1: UTF-8 read as GBK. (GB18030 encodes everything GBK decoded.)
    (GB18030, UTF_8),
    // 4: UTF-8 read as windows-1252 (or Latin-1).
    (WINDOWS_1252, UTF_8),
    // 3: GBK read as windows-1252 (or Latin-1).
    (WINDOWS_1252, GB18030),
    // 5: Big5 read as GBK, and GBK read as Big5.
    (GB18030, BIG5),
    (BIG5, GB18030),
    // 6: UTF-8 read as Shift_JIS.
    (SHIFT_JIS, UTF_8),
    // 2: UTF-8 read as Big5.
    (BIG5, UTF_8),
];

/// How many layers of mojibake are undone at most.
const MAX_DEPTH: usize = 3;

/// How many candidates are kept at each depth of the search: with
/// `PAIRS.len()` transforms each, this caps the work per span at
/// `MAX_DEPTH * KEPT * PAIRS.len()` (84) re-decodings.
const KEPT: usize = 4;

/// How much a repair must lower a span's cost, at least and as a share of
/// the span's cost: the evidence a repair needs.
const MIN_GAIN: u64 = 24;
const MIN_GAIN_SHARE: f64 = 0.35;

/// The same for UTF-8 read as GBK that gives only CJK characters back.
const SHAPED_MIN_GAIN: u64 = 12;
const SHAPED_MIN_GAIN_SHARE: f64 = 0.2;

/// The most a repaired span may cost per non-ASCII character: real text.
const MAX_COST_PER_CHAR: u64 = 15;

/// The same where the damage shows itself, so that rarer text (the
/// characters of classical poetry) may come back: UTF-8 read as Shift_JIS
/// that left half-width katakana (see `has_shift_jis_marker`), and UTF-8
/// read as GBK in Simplified text (see `Bar`), and text read as ISO-8859-1
/// that left C1 controls, which clean text never holds, where the repair is
/// East Asian (`Èç\u{94}ªÕí` is GBK's `如敧枕`).
const MARKED_MAX_COST_PER_CHAR: u64 = 20;

/// A repair of a span: its new text and the chain undone, outermost first.
#[derive(Debug, Clone)]
pub(crate) struct Repair {
    pub text: String,
    pub chain: Vec<(&'static Encoding, &'static Encoding)>,
    pub confidence: f32,
}

/// The best repair of `span` as a whole, if it has one.
pub(crate) fn repair(span: &str) -> Option<Repair> {
    repair_with(span, Bar::default())
}

/// [`repair`] of a run of `span` that stands between `before` and `after`
/// (the characters next to it, if any): what the run costs next to them
/// more than its repair does (accented letters next to Han characters:
/// `Îª参数`) is evidence too.
pub(crate) fn repair_between(
    before: Option<char>,
    span: &str,
    after: Option<char>,
) -> Option<Repair> {
    // (The candidate is found as `repair` finds it; only the judging
    // changes, and the evidence only adds.)
    let (text, chain) = best_candidate(span)?;
    let next_to = |text: &str| -> u64 {
        let all: String = before
            .into_iter()
            .chain(text.chars())
            .chain(after)
            .collect();
        let alone =
            |c: Option<char>| c.map_or(0, |c| Plausibility::of(c.encode_utf8(&mut [0; 4])).cost);
        Plausibility::of(&all)
            .cost
            .saturating_sub(Plausibility::of(text).cost + alone(before) + alone(after))
    };
    let bar = Bar {
        evidence: next_to(span).saturating_sub(next_to(&text)),
        ..Bar::default()
    };
    accept_with_evidence(span, bar, text, chain)
}

/// [`repair`], judged with what `bar` says.
fn repair_with(span: &str, bar: Bar) -> Option<Repair> {
    let (text, chain) = best_candidate(span)?;
    accept_with_evidence(span, bar, text, chain)
}

/// The likeliest reading of `span` undone (see [`repair`]), to be judged.
fn best_candidate(span: &str) -> Option<(String, Vec<(&'static Encoding, &'static Encoding)>)> {
    // (Most spans asked, those of clean text with a rare character, have
    // no reading at all: a look at their first character says so.)
    if !may_undo_whole(span) {
        return None;
    }
    best_candidate_searched(span)
}

/// Whether some pair of `PAIRS` (swaps aside) may undo `span` as a whole:
/// what the first layer of `best_candidate_searched` needs, without which
/// it finds nothing. Windows-1252 must encode every character; a
/// double-byte encoding read for UTF-8 must give bytes that are UTF-8 from
/// the first, so the span's first characters (up to `UNDO_PREFIX` of them
/// other than ASCII) must give bytes that UTF-8 could start with (unless
/// Shift_JIS has two codes for one of them, see `shift_jis_second_code`,
/// which the search chooses between). One character alone passes by
/// chance: `一` is GBK's `D2 BB`, which UTF-8 reads as `һ`.
fn may_undo_whole(span: &str) -> bool {
    let Some(first) = span.chars().find(|c| !c.is_ascii()) else {
        return true;
    };
    let mut bytes = Vec::with_capacity(4);
    let mut starts_utf8 = |read_as: &'static Encoding| {
        if read_as == SHIFT_JIS && shift_jis_second_code(first).is_some() {
            return true;
        }
        bytes.clear();
        if !(Encoder::new(read_as).push(first, &mut bytes)
            && matches!(bytes[..], [0xC2..=0xF4, ref rest @ ..] if rest.iter().all(|b| (0x80..=0xBF).contains(b))))
        {
            return false;
        }
        // (The first character alone passes by chance, one in a few: the
        // next ones mostly break UTF-8.)
        let prefix_end = span
            .char_indices()
            .filter(|(_, c)| !c.is_ascii())
            .nth(UNDO_PREFIX)
            .map_or(span.len(), |(at, _)| at);
        let prefix = &span[..prefix_end];
        (read_as == SHIFT_JIS && prefix.chars().any(|c| shift_jis_second_code(c).is_some()))
            || may_start_utf8(prefix, read_as, &mut bytes)
    };
    PAIRS
        .iter()
        .filter(|&&(read_as, was)| !is_swap(read_as, was))
        .any(|&(read_as, was)| match read_as == WINDOWS_1252 {
            true => span.chars().all(is_single_byte),
            false => {
                debug_assert!(was == UTF_8);
                starts_utf8(read_as)
            }
        })
}

/// How many characters other than ASCII `may_undo_whole` encodes: enough
/// for clean text to break UTF-8 nearly always.
const UNDO_PREFIX: usize = 3;

/// [`best_candidate`], searched.
fn best_candidate_searched(
    span: &str,
) -> Option<(String, Vec<(&'static Encoding, &'static Encoding)>)> {
    // (The span's own cost is not needed: candidates are ranked among
    // themselves, and `accept` scores the span.)
    let mut level = vec![(Cow::Borrowed(span), Vec::new(), 0)];
    let mut best: Option<(Cow<str>, Vec<_>, u64)> = None;
    // (One buffer for every encoding tried.)
    let mut encoded = Vec::with_capacity(span.len());
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        // (A reading is undone again only where suspect characters remain:
        // clean text read once more is no layer, `——` is no `棗`.)
        let searched = level.iter().filter(|(text, chain, _)| {
            chain.is_empty() || text.chars().any(|c| !c.is_ascii() && super::is_suspect(c))
        });
        for (text, chain, _) in searched {
            for &(read_as, was) in &PAIRS {
                // Swaps are searched character by character instead
                // (`repair_swaps`), so that clean neighbours stay clean.
                if is_swap(read_as, was) {
                    continue;
                }
                if too_short(text, read_as) || lacks_katakana(text, read_as) {
                    continue;
                }
                // (Symbols with two codes in Shift_JIS take the one UTF-8
                // needs: see `encode_for_utf8`.)
                let two_codes = read_as == SHIFT_JIS
                    && was == UTF_8
                    && text.chars().any(|c| shift_jis_second_code(c).is_some());
                let encodes = match two_codes {
                    true => {
                        let chars: Vec<char> = text.chars().collect();
                        encoded = encode_for_utf8(&chars, read_as).0;
                        true
                    }
                    false if was == UTF_8 => encode_if_utf8_into(text, read_as, &mut encoded),
                    false => encode_into(text, read_as, &mut encoded),
                };
                if !encodes {
                    continue;
                }
                let Some(decoded) = decode(&encoded, was) else {
                    continue;
                };
                if decoded == *text {
                    continue;
                }
                let cost = Plausibility::of(&decoded).cost;
                let mut chain = chain.clone();
                chain.push((read_as, was));
                next.push((Cow::Owned(decoded), chain, cost));
            }
        }
        next.sort_by_key(|(_, _, cost)| *cost);
        next.truncate(KEPT);
        if let Some(first) = next.first() {
            if best.as_ref().is_none_or(|(_, _, cost)| first.2 < *cost) {
                best = Some(first.clone());
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    let (text, chain, _) = best?;
    Some((text.into_owned(), chain))
}

/// The repairs of parts of `span` (which as a whole has none): mojibake of
/// UTF-8 next to clean text in the same span, as in `标题鍙戝竷`. Each is
/// (its start and end in characters, the repair). A part starts where the
/// re-encoded bytes start a UTF-8 character and ends where they stop being
/// valid UTF-8, at a character boundary of both.
///
/// `context` gives what is around `span` (see [`SwapContext`]), asked for
/// only where a part needs it: UTF-8 read as Shift_JIS that shows no marker
/// (see `lacks_katakana`).
pub(crate) fn repair_parts(
    searched: &Searched,
    mut context: impl FnMut() -> SwapContext,
    buffers: &mut SearchBuffers,
) -> Vec<(usize, usize, Repair)> {
    let (span, chars, offsets) = (searched.text, searched.chars, searched.offsets);
    let mut found: Vec<(usize, usize, Repair)> = Vec::new();
    let mut judged = 0;
    // What the text around a part is written in (see `AroundPrefix`),
    // from the window's GBK bytes, made once a part asks.
    let mut around: Option<AroundPrefix> = None;
    let SearchBuffers {
        bytes,
        starts,
        valid_runs,
        ..
    } = buffers;
    'pairs: for &(read_as, was) in PAIRS.iter().filter(|(_, was)| *was == UTF_8) {
        // (A part starts at a lead byte of two bytes or more, 0xC2..=0xF4,
        // before the last character: read as windows-1252, only `Â`..=`ô`
        // give one, and Chinese text has none of them.)
        let starts_part = |c: &char| ('\u{C2}'..='\u{F4}').contains(c);
        if read_as == WINDOWS_1252
            && !chars[..chars.len().saturating_sub(1)]
                .iter()
                .any(starts_part)
        {
            continue;
        }
        // Each character's bytes in the wrong encoding, and where they start.
        encode_for_utf8_into(chars, read_as, bytes, starts);
        // (Made once a part may start: most windows have no such start.)
        let mut valid_runs_made = false;
        let mut gbk_runs: Option<GbkRuns> = None;
        // A Han character next to another whose bytes are one two-byte
        // UTF-8 character (`隆` is `¡`, `楼` is `¥`) is a clean neighbour
        // that happens to be valid UTF-8, not a piece of the damage: Chinese
        // has no such characters among Han ones. (After Latin letters it may
        // be one: `caf茅` is `café`.)
        let latin_between_han = |k: usize, neighbour: Option<usize>| {
            is_han(chars[k])
                && starts[k + 1] - starts[k] == 2
                && (0xC2..=0xDF).contains(&bytes[starts[k]])
                && neighbour
                    .and_then(|n| chars.get(n))
                    .is_some_and(|&n| is_han(n))
        };
        let mut i = 0;
        while i + 1 < chars.len() {
            let from = starts[i];
            if !(0xC2..=0xF4).contains(&bytes[from]) || latin_between_han(i, i.checked_sub(1)) {
                i += 1;
                continue;
            }
            if !valid_runs_made {
                valid_utf8_runs_into(bytes, valid_runs);
                valid_runs_made = true;
            }
            let valid = valid_runs[from];
            // Ends at character boundaries within the valid bytes that are
            // also UTF-8 boundaries, longest first: the longest run may take
            // in a clean character that happens to be valid UTF-8 (`影` is
            // `Ӱ`).
            // (Inside the valid run, a character boundary is a UTF-8 one
            // unless a continuation byte follows it.)
            let last = starts.partition_point(|&start| start <= from + valid) - 1;
            // Ends that would take in a clean neighbour (see
            // `latin_between_han`) are tried last: in damage read so twice,
            // the first layer can end with such a character (`盐桥` gives
            // `鐩愭ˉ`, read again `閻╂劖藟`).
            let boundaries = (i + 2..=last.min(chars.len())).rev().filter(|&j| {
                !matches!(bytes.get(starts[j]), Some(0x80..=0xBF)) || starts[j] - from == valid
            });
            let ends = boundaries
                .clone()
                .filter(|&j| !latin_between_han(j - 1, Some(j)))
                .chain(boundaries.filter(|&j| latin_between_han(j - 1, Some(j))))
                .take(MAX_ENDS);
            let mut accepted = None;
            for j in ends {
                if overlaps(&found, i, j) {
                    continue;
                }
                let part = &span[offsets[i]..offsets[j]];
                if too_short(part, read_as) {
                    continue;
                }
                if judged == MAX_JUDGED {
                    break 'pairs;
                }
                judged += 1;
                let decoded = String::from_utf8_lossy(&bytes[from..starts[j]]).into_owned();
                // UTF-8 read as GBK, or as Shift_JIS with kanji that
                // GB2312 lacks, in Simplified text (see `Bar`).
                let simplified_around = (read_as == GB18030 || read_as == SHIFT_JIS)
                    && around
                        .get_or_insert_with(|| match read_as == GB18030 {
                            true => AroundPrefix::new(chars, bytes, starts),
                            false => {
                                let (gbk, gbk_starts) = encode_for_utf8(chars, GB18030);
                                AroundPrefix::new(chars, &gbk, &gbk_starts)
                            }
                        })
                        .is_gb2312_simplified(i..j, context())
                    && (read_as == GB18030
                        || around.as_ref().is_some_and(|a| a.outside_gb2312(i..j) > 0));
                let bar = Bar {
                    simplified_around,
                    ..Bar::default()
                };
                let Some(repair) = judge(part, decoded, vec![(read_as, was)], bar) else {
                    continue;
                };
                // GBK read as windows-1252 can be valid UTF-8 too (see
                // `GbkRuns`).
                if read_as == WINDOWS_1252
                    && gbk_runs
                        .get_or_insert_with(|| GbkRuns::new(chars))
                        .is_gbk(chars, i..j)
                {
                    continue;
                }
                // Letters of an alphabet (of two bytes in UTF-8) from Han
                // characters read as Big5 between East Asian text: Chinese
                // has no such words (`荅荅珨`, GBK read as Big5 for `盈盈一`,
                // is `ӯӯһ`), and UTF-8 read as Big5 loses most such letters.
                let east_asian = |k: Option<usize>| {
                    k.and_then(|k| chars.get(k)).is_none_or(|&c| {
                        is_han(c) || is_cjk_punctuation(c) || is_swap_marker(c, BIG5)
                    })
                };
                if read_as == BIG5
                    && repair
                        .text
                        .chars()
                        .all(|c| ('\u{80}'..='\u{7FF}').contains(&c))
                    && east_asian(i.checked_sub(1))
                    && east_asian(Some(j))
                {
                    continue;
                }
                // Kanji alone, as classical Chinese can read: the repair
                // must at least be of the script around it.
                if lacks_katakana(part, read_as)
                    && !in_script_around(chars, i..j, context(), &repair.text)
                {
                    continue;
                }
                accepted = Some((j, repair));
                break;
            }
            match accepted {
                Some((j, repair)) => {
                    found.push((i, j, repair));
                    i = j;
                }
                None => i += 1,
            }
        }
    }
    found.sort_by_key(|&(start, _, _)| start);
    found
}

/// The runs of characters windows-1252 decodes bytes to in a window (see
/// `repair_parts`), and whether each, read as GBK, is a repair: a part of
/// such a run that is valid UTF-8 too (`Å¨Ä¨` is `ŨĨ`, GBK's `浓抹`) is
/// GBK's, which `repair_single_byte_runs` undoes. Each run is judged once,
/// when a part inside asks.
struct GbkRuns {
    /// For each character, where its run starts (itself if it is in none).
    starts: Vec<usize>,
    /// The runs judged, by where they start: whether GBK repairs them.
    judged: Vec<(usize, bool)>,
}

impl GbkRuns {
    fn new(chars: &[char]) -> GbkRuns {
        let mut starts = Vec::with_capacity(chars.len());
        for (k, &c) in chars.iter().enumerate() {
            let start = match k.checked_sub(1) {
                Some(before) if is_single_byte(c) && is_single_byte(chars[before]) => {
                    starts[before]
                }
                _ => k,
            };
            starts.push(start);
        }
        GbkRuns {
            starts,
            judged: Vec::new(),
        }
    }

    /// Whether `chars[part]` is inside a run that GBK read as windows-1252
    /// repairs as a whole.
    fn is_gbk(&mut self, chars: &[char], part: std::ops::Range<usize>) -> bool {
        let start = self.starts[part.start];
        if let Some(&(_, gbk)) = self.judged.iter().find(|&&(at, _)| at == start) {
            return gbk;
        }
        let end = (part.end..chars.len())
            .find(|&k| self.starts[k] != start)
            .unwrap_or(chars.len());
        let run: String = chars[start..end].iter().collect();
        let gbk = encode(&run, WINDOWS_1252)
            .and_then(|bytes| decode(&bytes, GB18030))
            .is_some_and(|text| accept(&run, text, vec![(WINDOWS_1252, GB18030)]).is_some());
        self.judged.push((start, gbk));
        gbk
    }
}

/// The buffers the searches of windows ([`repair_parts`], [`repair_swaps`])
/// work in, kept from window to window: each search fills them anew, so
/// that searching a text allocates them a few times, not for every window
/// (on classical poetry, where nearly every line has a window, allocation
/// was about 15% of the work).
#[derive(Default)]
pub(crate) struct SearchBuffers {
    /// Characters encoded as the encoding they were misread as: in the
    /// search for parts, the window's, as UTF-8 misread, with where each
    /// starts in `starts` (see `encode_for_utf8_into`); in the search for
    /// swaps, one character's at a time.
    bytes: Vec<u8>,
    starts: Vec<usize>,
    /// How many bytes of valid UTF-8 start at each of `bytes` (see
    /// `valid_utf8_runs_into`).
    valid_runs: Vec<usize>,
    /// For each character of the window, whether only Simplified and only
    /// Traditional text writes it (see `script_only`).
    script_only: Vec<(bool, bool)>,
    /// For each character of the window, what it swaps to in the
    /// direction searched (its bytes read back as the encoding they were;
    /// see `SwapWindow`).
    swapped: Vec<Option<char>>,
}

/// A window's text as the searches for parts and for swaps read it: its
/// characters, and where each starts in the text (and where the last
/// ends), so that a part of them is a slice of the text, not a new string.
/// Made once for both searches.
pub(crate) struct Searched<'a> {
    text: &'a str,
    chars: &'a [char],
    offsets: &'a [usize],
}

impl<'a> Searched<'a> {
    /// The window `chars`, whose text is `text` (the window is at most
    /// `MAX_PART_SPAN` long, as the searches inside look at a bounded
    /// length: see `repair::pieces`). Its characters are the window's own,
    /// not decoded again from the text.
    ///
    /// The offsets are made in `offsets` (emptied first), a buffer kept from
    /// window to window (see [`SearchBuffers`]).
    pub(crate) fn new(
        text: &'a str,
        chars: &'a [char],
        offsets: &'a mut Vec<usize>,
    ) -> Searched<'a> {
        debug_assert!(chars.len() <= MAX_PART_SPAN);
        debug_assert!(text.chars().eq(chars.iter().copied()));
        offsets.clear();
        let mut at = 0;
        offsets.extend(chars.iter().map(|c| {
            let start = at;
            at += c.len_utf8();
            start
        }));
        offsets.push(at);
        Searched {
            text,
            chars,
            offsets,
        }
    }
}

/// Into `runs` (emptied first), for each offset of `bytes`, how many bytes
/// of valid UTF-8 start there: computed from the end, in linear time.
fn valid_utf8_runs_into(bytes: &[u8], runs: &mut Vec<usize>) {
    runs.clear();
    runs.resize(bytes.len() + 1, 0);
    for at in (0..bytes.len()).rev() {
        let len = match bytes[at] {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => continue,
        };
        if bytes.get(at..at + len).is_some_and(is_utf8_char) {
            runs[at] = len + runs[at + len];
        }
    }
}

/// Whether `bytes` (of the length its lead byte says) is one valid UTF-8
/// character: checked by hand, as this runs on every byte of a window.
fn is_utf8_char(bytes: &[u8]) -> bool {
    let continuation = |b: u8| (0x80..=0xBF).contains(&b);
    match *bytes {
        [lead] => lead < 0x80,
        [0xC2..=0xDF, b] => continuation(b),
        [lead @ 0xE0..=0xEF, b, c] => {
            let second = match lead {
                0xE0 => (0xA0..=0xBF).contains(&b),
                0xED => (0x80..=0x9F).contains(&b),
                _ => continuation(b),
            };
            second && continuation(c)
        }
        [lead @ 0xF0..=0xF4, b, c, d] => {
            let second = match lead {
                0xF0 => (0x90..=0xBF).contains(&b),
                0xF4 => (0x80..=0x8F).contains(&b),
                _ => continuation(b),
            };
            second && continuation(c) && continuation(d)
        }
        _ => false,
    }
}

/// How many ends the search for repaired parts tries from each start.
const MAX_ENDS: usize = 6;

/// The cap on work per span in the repair search: how many candidate parts
/// [`repair_parts`] judges at most in one piece of a span. A span is
/// searched in pieces of at most `MAX_PART_SPAN` characters, one every
/// `WINDOW_STEP` (224) characters of its suspect stretches; each candidate
/// costs a re-decoding, a scoring and, if suspect characters remain, a
/// search for more layers of at most `MAX_DEPTH * KEPT * PAIRS.len()` (84)
/// re-decodings. So a span's work is at most `MAX_JUDGED * 85`
/// re-decodings of at most `MAX_PART_SPAN` characters per 224 characters,
/// linear in the span whatever it holds. Damaged text judges far fewer
/// (the longest part from a start is mostly the one accepted; with a cap
/// of 64, six lines of the repair benchmark came out differently, with 512
/// none): only text of near misses throughout reaches it, and then the rest
/// of that piece is not searched for parts (the searches of the whole span
/// and of single-byte runs still run).
const MAX_JUDGED: usize = 512;

/// How much of a span the search for repaired parts looks at: bounding its
/// work (quadratic in the span) per span.
pub(crate) const MAX_PART_SPAN: usize = 256;

fn overlaps<T>(found: &[(usize, usize, T)], start: usize, end: usize) -> bool {
    found.iter().any(|&(s, e, _)| start < e && s < end)
}

/// Whether `candidate` (what undoing `chain` on `original` gave, before any
/// further layer) is a repair of `original`, trying up to two more layers.
fn judge(
    original: &str,
    candidate: String,
    chain: Vec<(&'static Encoding, &'static Encoding)>,
    bar: Bar,
) -> Option<Repair> {
    // Another layer is worth looking for only if suspect characters remain.
    let suspect = candidate
        .chars()
        .any(|c| !c.is_ascii() && super::is_suspect(c));
    // (The text around is the same for each layer.)
    let deeper = suspect
        .then(|| repair_with(&candidate, Bar { evidence: 0, ..bar }))
        .flatten();
    let (text, chain) = match deeper {
        Some(deeper) if deeper.chain.len() < MAX_DEPTH => {
            let mut chain = chain;
            chain.extend(deeper.chain);
            (deeper.text, chain)
        }
        _ => (candidate, chain),
    };
    accept_with_evidence(original, bar, text, chain)
}

/// `text` (with `chain`) as a repair of `original`, if it is far more
/// plausible and looks like real text.
fn accept(
    original: &str,
    text: String,
    chain: Vec<(&'static Encoding, &'static Encoding)>,
) -> Option<Repair> {
    accept_with_evidence(original, Bar::default(), text, chain)
}

/// What a repair is judged with besides its own text (see
/// [`accept_with_evidence`]).
#[derive(Debug, Clone, Copy, Default)]
struct Bar {
    /// Added to the original's cost: what markers that only the damage
    /// leaves are worth.
    evidence: u64,
    /// Whether the text around the original is Simplified text in GB2312
    /// (see `AroundPrefix`). There clean text re-encodes as valid UTF-8 of
    /// Han characters rarely (7 times in the 2.6 million Han characters of
    /// the Simplified test corpus, each giving rare characters), where
    /// UTF-8 read as GBK always does; Traditional text writes GBK's
    /// extension rows, whose bytes are UTF-8's continuation bytes, and its
    /// chance readings come closer (`鎮煎煼` gives `悼執`). So in Simplified
    /// text the shape is evidence even where the Han characters it gives
    /// make no word, as those of classical poetry (`闂查椃` gives `闲闷`).
    /// UTF-8 read as Shift_JIS gets the same where its part holds a kanji
    /// GB2312 lacks (`莨願干` gives `伊花`): clean Simplified text in
    /// GB2312 has none, and none that re-encode as UTF-8 either.
    simplified_around: bool,
}

/// [`accept`], with what `bar` says.
fn accept_with_evidence(
    original: &str,
    bar: Bar,
    text: String,
    chain: Vec<(&'static Encoding, &'static Encoding)>,
) -> Option<Repair> {
    // (Half-width katakana among Han characters are evidence of their own
    // of UTF-8 read as Shift_JIS: see `has_shift_jis_marker`.)
    let shift_jis_markers = match chain.first() {
        Some(&(read_as, _)) if read_as == SHIFT_JIS => {
            original.chars().filter(|&c| is_shift_jis_marker(c)).count() as u64
        }
        _ => 0,
    };
    let original_cost =
        score(original) + bar.evidence + SHIFT_JIS_MARKER_EVIDENCE * shift_jis_markers;
    let cost = score(&text);
    let gain = original_cost.saturating_sub(cost);
    // UTF-8 Chinese read as GBK has a shape clean text almost never has
    // (every GBK character's bytes are a piece of a three-byte UTF-8
    // sequence): that shape is evidence of its own. So do the symbols
    // Chinese text writes, three bytes each from U+2000 on (`鈹俈` is `│V`
    // in a table).
    // (Unless it is Han characters that make no word: rare characters of
    // classical text can re-encode to such, as `鎮煎煼` gives `悼執`; but
    // not in Simplified text, if the repair is Simplified too: see `Bar`.)
    let (known, pairs) = known_pairs(&text);
    let east_asian = matches!(chain.first(), Some(&(read_as, was)) if was == UTF_8 && (read_as == GB18030 || (read_as == SHIFT_JIS && bar.simplified_around)))
        && text.chars().all(|c| c.is_ascii() || c >= '\u{2000}');
    let in_simplified = east_asian
        && bar.simplified_around
        && text
            .chars()
            .all(|c| c.is_ascii() || (is_han(c) && !script_only(c).1) || is_cjk_punctuation(c));
    let shaped = east_asian && (pairs == 0 || known > 0 || in_simplified);
    let needed = match shaped {
        true => SHAPED_MIN_GAIN.max((original_cost as f64 * SHAPED_MIN_GAIN_SHARE) as u64),
        false => MIN_GAIN.max((original_cost as f64 * MIN_GAIN_SHARE) as u64),
    };
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count() as u64;
    let max_cost_per_char = match chain.first() {
        Some(&(read_as, _)) if read_as == SHIFT_JIS && has_shift_jis_marker(original) => {
            MARKED_MAX_COST_PER_CHAR
        }
        _ if in_simplified => MARKED_MAX_COST_PER_CHAR,
        Some(&(read_as, _))
            if read_as == WINDOWS_1252
                && original.chars().any(is_c1)
                && text.chars().all(|c| c.is_ascii() || c >= '\u{2E80}') =>
        {
            MARKED_MAX_COST_PER_CHAR
        }
        _ => MAX_COST_PER_CHAR,
    };
    if text == original
        || non_ascii == 0
        || gain < needed
        || !is_clean_repair(original, &text, hidden_letters(original, &chain))
        || cost > non_ascii * max_cost_per_char + ascii_cost(&text)
    {
        return None;
    }
    let confidence = (gain as f64 / (gain as f64 + needed as f64)) as f32;
    Some(Repair {
        text,
        chain,
        confidence,
    })
}

/// Whether `text`, a repair of `original`, is clean text: no damage, no
/// letters or digits from bytes that were not theirs (more lone letters
/// than `original` shows and `hidden` holds), no kana that were not there,
/// no mix of scripts.
fn is_clean_repair(original: &str, text: &str, hidden: usize) -> bool {
    // (Not the katakana middle dot, which Chinese writes too: `祝英台・近`.)
    let kana = |t: &str| {
        t.chars()
            .any(|c| ('\u{3040}'..='\u{30FF}').contains(&c) && c != '・')
    };
    !(text.chars().any(is_damage)
        || lone_letters(text) > lone_letters(original) + hidden
        || (kana(text) && !kana(original))
        || !is_coherent(text)
        || (latin1_letters(text) > 0 && !text.chars().any(|c| c.is_ascii_alphabetic())))
}

/// The ASCII letters hidden in `original` where a decoder of `chain` is
/// GBK: second bytes of double-byte characters (GBK pairs a lead byte with
/// the ASCII after it: `鈹俈` is the UTF-8 of `│` and a `V`), which a
/// repair brings back as letters of their own. Counted in each layer GBK
/// read, as the chain undoes them (`閳逛痉` is `鈹侷`, the UTF-8 of `│I`,
/// read as GBK twice). (Not for Shift_JIS, whose kanji-only readings would
/// then pass with stray letters.)
fn hidden_letters(original: &str, chain: &[(&'static Encoding, &'static Encoding)]) -> usize {
    if !chain.iter().any(|&(read_as, _)| read_as == GB18030) {
        return 0;
    }
    let mut bytes = Vec::with_capacity(4);
    let mut in_layer = |text: &str| {
        text.chars()
            .filter(|&c| {
                bytes.clear();
                !c.is_ascii()
                    && encode_char(c, GB18030, &mut bytes)
                    && matches!(bytes[..], [_, trail] if trail.is_ascii_alphabetic())
            })
            .count()
    };
    let mut layer = Cow::Borrowed(original);
    let mut hidden = 0;
    for (k, &(read_as, was)) in chain.iter().enumerate() {
        if read_as == GB18030 {
            hidden += in_layer(&layer);
        }
        if k + 1 < chain.len() {
            match encode(&layer, read_as).and_then(|bytes| decode(&bytes, was)) {
                Some(next) => layer = Cow::Owned(next),
                None => break,
            }
        }
    }
    hidden
}

/// What `repair_swaps` needs to know of the text around a window: the Han
/// characters only Simplified, and only Traditional, text writes there,
/// and the kana there and in the window (over a bounded stretch); and
/// whether the window's line has private-use characters of Big5's
/// user-defined areas (see `is_big5_user_defined`); and whether
/// the window crosses spaces, where only the search in context is made
/// (the search by gain never crosses ASCII); and the Han characters around
/// that only GB2312 has, and only Big5 (see `charset_only`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SwapContext {
    pub simplified: u32,
    pub traditional: u32,
    pub kana: usize,
    pub gb2312_only: u32,
    pub big5_only: u32,
    pub big5_user_defined: bool,
    pub across_spaces: bool,
    /// The Han characters of the window's line.
    pub line_han: usize,
}

/// The repairs of parts of `span` that are Big5 read as GBK, or GBK read
/// as Big5. Both tables are double-byte, so each character maps to one
/// character. In text of the script the misread span sits in (Traditional
/// for Big5 read as GBK, Simplified for GBK read as Big5), or with a symbol
/// only the misreading leaves, the characters to swap are chosen in context
/// (see `swap` and `context_swaps`). Else, or if that finds nothing where
/// markers show, the part chosen is the run of characters whose swap gains
/// the most (by cost, with markers only this damage has counting extra),
/// and it must then pass as a repair like any other.
///
/// `context` gives what is around the window.
pub(crate) fn repair_swaps(
    searched: &Searched,
    context: impl FnOnce() -> SwapContext,
    buffers: &mut SearchBuffers,
) -> Vec<(usize, usize, Repair)> {
    let (span, chars, offsets) = (searched.text, searched.chars, searched.offsets);
    let SearchBuffers {
        bytes,
        script_only: script_only_buffer,
        swapped: swapped_buffer,
        ..
    } = buffers;
    script_only_buffer.clear();
    script_only_buffer.extend(chars.iter().map(|&c| script_only(c)));
    let script_only = &script_only_buffer[..];
    let around = context();
    let (window_s, window_t) = script_only.iter().fold((0, 0), |(s, t), &(a, b)| {
        (s + u32::from(a), t + u32::from(b))
    });
    // (The search by gain alone judges by the text around.)
    let is_simplified =
        Script::of_counts(around.simplified, around.traditional) == Script::Simplified;
    // The runs of both directions, each with its gain: where runs of the
    // two overlap, the one that gains more is the misreading (a short run
    // of one direction can read well inside a long one of the other).
    let mut candidates: Vec<(usize, usize, (Repair, i64))> = Vec::new();
    for (read_as, was) in [(GB18030, BIG5), (BIG5, GB18030)] {
        let mut found: Vec<(usize, usize, (Repair, i64))> = Vec::new();
        // The characters of the script the misread span sits in, and of
        // the other, in the window and around it.
        let script = Scripts {
            own: around.simplified + window_s,
            other: around.traditional + window_t,
        };
        let script = match read_as == GB18030 {
            true => script.swapped(),
            false => script,
        };
        // (Not where other damage shows, which the other searches undo:
        // C1 controls, half-width katakana, U+FFFD.)
        let other_damage = chars
            .iter()
            .any(|&c| matches!(c, '\u{80}'..='\u{9F}' | '\u{FF61}'..='\u{FF9F}' | '\u{FFFD}'));
        // (And only where a run could pass: where the characters of the
        // other script outside the window are few enough.)
        let other_in_window = match read_as == GB18030 {
            true => window_s,
            false => window_t,
        };
        let ratio = match read_as == GB18030 {
            true => TRADITIONAL_RATIO,
            false => SIMPLIFIED_RATIO,
        };
        // (And only where the window shows the misreading somewhere: a
        // character of the other script, or a symbol or kana it leaves;
        // looked for last, as it is the most work.)
        let shows = || {
            other_in_window > 0
                || chars.iter().any(|&c| {
                    is_symbol_marker(c, read_as) || (is_kana(c) && around.kana <= MAX_MARKER_KANA)
                })
        };
        // (Or where the text around is the misread text's by its charset,
        // and the window has what that charset could not have given, or a
        // marker: see `context_swaps`.)
        let charsets = charsets_around(chars, around, read_as);
        let charset_shows = || {
            // (Outside any run there are at most the window's characters
            // only the charset has, and at least those only the other has
            // around the window.)
            let at_best = Charsets {
                other: charsets_around(&[], around, read_as).other,
                ..charsets
            };
            is_charset_text(at_best, read_as)
                && chars.iter().any(|&c| {
                    (is_han(c) && !in_charset_of(c, read_as))
                        || is_kana(c)
                        || is_symbol_marker(c, read_as)
                })
        };
        let in_script = (script.other - other_in_window) * ratio <= script.own
            && (script.own > 0 || chars.iter().any(|&c| is_symbol_marker(c, read_as)));
        let in_context = !other_damage && ((in_script && shows()) || charset_shows());
        // (Where the window shows nothing, a run may still vouch for itself
        // by the words it makes, see `context_swaps`: searched where its
        // swaps could make two, in a window of two suspect characters or
        // more. GBK read as Big5 leaves no marker at all; a misread span
        // of one character hardly makes a gain large enough, and classical
        // poetry has one rare character in a window everywhere.)
        let by_words = !other_damage
            && !in_context
            && in_script
            && chars
                .iter()
                .filter(|&&c| super::is_suspect(c))
                .nth(1)
                .is_some();
        // What the search by gain needs (see below), checked before any
        // work.
        let possible = !around.across_spaces
            && match read_as == GB18030 {
                true => has_strong_marker(chars),
                false => is_simplified || has_swap_marker(chars, read_as),
            };
        // (Or, for GBK read as Big5, where the window is dense with rare
        // characters: see `dense_swaps`. Where the context search finds
        // nothing too: a table's box drawing marks the window, but its
        // cells have no text around them to judge a run by.)
        let dense = read_as == BIG5 && is_dense(chars);
        if !possible && !in_context && !by_words && !dense {
            continue;
        }
        // Python's layout of C6A1..C7FC (see `big5_eten_code`) is the
        // one undone where a decoder other than WHATWG's shows, WHATWG's
        // elsewhere: WHATWG's Big5 decodes all of Big5's user-defined areas
        // to characters, while Windows' table, and Python's with a
        // fallback to it, leave private-use characters there.
        let python_layout = read_as == BIG5 && around.big5_user_defined;
        let encoder = Encoder::new(read_as);
        swapped_buffer.clear();
        swapped_buffer.extend(chars.iter().map(|&c| {
            bytes.clear();
            if c.is_ascii() || !encoder.push(c, bytes) || bytes.len() != 2 {
                return None;
            }
            // (Windows' table leaves private-use characters in C6A1..C7FC
            // too: what Python's gives there is read by Python's.)
            let python = match python_layout {
                true => big5_eten_code(c).and_then(|code| decode_pair(code, was)),
                false => None,
            };
            python.or_else(|| decode_char(bytes, was))
        }));
        let swapped = &swapped_buffer[..];
        let by_words = by_words && may_make_words(chars, swapped);
        let in_context = in_context || by_words;
        if in_context || dense {
            let window = SwapWindow {
                chars,
                swapped,
                script_only,
                read_as,
                line_has_han: around.line_han > 0,
            };
            let mut proposed = match in_context {
                true => context_swaps(&window, script, around.kana, charsets),
                false => Vec::new(),
            };
            if proposed.is_empty() && dense {
                proposed = dense_swaps(&window);
            }
            let mut any = false;
            for (start, end, text, confidence, gain) in proposed {
                let part = &span[offsets[start]..offsets[end]];
                if is_clean_repair(part, &text, 0) && !overlaps(&found, start, end) {
                    let chain = vec![(read_as, was)];
                    found.push((
                        start,
                        end,
                        (
                            Repair {
                                text,
                                chain,
                                confidence,
                            },
                            gain,
                        ),
                    ));
                    any = true;
                }
            }
            if any || !possible {
                candidates.append(&mut found);
                continue;
            }
        }
        // The best run by summed gain (Kadane's), among swappable characters.
        let gain = |i: usize| -> i64 {
            let Some(d) = swapped[i] else {
                return i64::MIN / 4;
            };
            let marker = if is_swap_marker(chars[i], read_as) {
                SWAP_MARKER_EVIDENCE
            } else {
                0
            };
            i64::from(char_cost(chars[i])) + marker as i64 - i64::from(char_cost(d))
        };
        let (mut best, mut best_range) = (0i64, (0, 0));
        let (mut sum, mut start) = (0i64, 0);
        for i in 0..chars.len() {
            if sum <= 0 {
                sum = 0;
                start = i;
            }
            sum += gain(i);
            if sum > best {
                best = sum;
                best_range = (start, i + 1);
            }
        }
        let (start, end) = best_range;
        // (Two characters are enough with a private-use one among them:
        // a user-defined area hit, as Big5's `，` read as GB18030.)
        let shortest = match chars[start..end].iter().any(|c| is_private_use(*c)) {
            true => 2,
            false => 3,
        };
        if end < start + shortest {
            continue;
        }
        let part = &span[offsets[start]..offsets[end]];
        // Big5 read as GBK leaves markers; GBK read as Big5 leaves none, so
        // it needs words to show, in Simplified text around it.
        // GBK read as Big5 turns GBK's punctuation into Big5's symbols
        // (`，` into the bopomofo `ㄛ`, `。` into `﹝`), markers too.
        let marked = has_swap_marker(&chars[start..end], read_as);
        if read_as == GB18030 && !marked {
            continue;
        }
        let text: String = (start..end).filter_map(|i| swapped[i]).collect();
        if !marked && (!is_simplified || known_pairs(&text).0 < 2) {
            continue;
        }
        let evidence = SWAP_MARKER_EVIDENCE * marker_evidence(chars, start..end, read_as);
        let bar = Bar {
            evidence,
            ..Bar::default()
        };
        if let Some(repair) = accept_with_evidence(part, bar, text, vec![(read_as, was)]) {
            if !overlaps(&found, start, end) {
                found.push((start, end, (repair, best)));
            }
        }
        candidates.append(&mut found);
    }
    candidates.sort_by_key(|&(start, _, (_, gain))| (std::cmp::Reverse(gain), start));
    let mut chosen: Vec<(usize, usize, Repair)> = Vec::new();
    for (start, end, (repair, _)) in candidates {
        if !overlaps(&chosen, start, end) {
            chosen.push((start, end, repair));
        }
    }
    chosen.sort_by_key(|&(start, ..)| start);
    chosen
}

/// The swap of `run` (Han characters, and symbols the misreading leaves,
/// left between a line's repairs of Big5 and GBK swapped, its edges, ASCII
/// and punctuation) with `read_as`, where the line's own repairs vouch for
/// the damage and the run's swap reads as their text does: every character
/// swaps to a Han character of that script (a symbol to punctuation), none
/// rare on average, the swap gains `LEFTOVER_MIN_GAIN` and
/// `MIN_SWAP_GAIN_PERCENT` of the run's cost, and two characters or more
/// make more known pairs than they do as they stand (`曹講` is `变量`), one
/// a common character from a rare one (`衾` is `于`).
pub(crate) fn leftover_swap(run: &[char], read_as: &'static Encoding) -> Option<Repair> {
    let (was, script) = match read_as == GB18030 {
        true => (BIG5, Script::Traditional),
        false => (GB18030, Script::Simplified),
    };
    // The run must show the damage: a character rare in the line's script
    // (`講` in Simplified text), or a symbol the misreading leaves.
    let misread_script_only = |c: char| {
        let (simplified_only, traditional_only) = script_only(c);
        match read_as == GB18030 {
            true => simplified_only,
            false => traditional_only,
        }
    };
    if !run.iter().any(|&c| {
        script_cost(c, script) >= LEFTOVER_RARE_COST
            || is_symbol_marker(c, read_as)
            || is_quotation_read_as_big5(c, read_as)
    }) {
        return None;
    }
    let encoder = Encoder::new(read_as);
    let mut bytes = Vec::with_capacity(4);
    let mut text = String::with_capacity(run.len() * 3);
    for &c in run {
        bytes.clear();
        let swappable = is_leftover(c, read_as) || is_quotation_read_as_big5(c, read_as);
        if !swappable || !encoder.push(c, &mut bytes) || bytes.len() != 2 {
            return None;
        }
        // (The swap writes the line's script, not what only the misread
        // text's writes, or punctuation.)
        let swapped = decode_char(&bytes, was).filter(|&s| {
            (is_han(s) && !misread_script_only(s))
                || (!is_han(c) && (is_cjk_punctuation(s) || matches!(s, '“' | '”' | '‘' | '’')))
        })?;
        text.push(swapped);
    }
    let cost = |chars: &mut dyn Iterator<Item = char>| -> i64 {
        chars.map(|c| i64::from(script_cost(c, script))).sum()
    };
    let (before, after) = (cost(&mut run.iter().copied()), cost(&mut text.chars()));
    let gain = before - after;
    // (A clean word makes pairs as it stands: `蝴蝶`, which swaps to
    // `焦胶`, makes as many.)
    // (A quotation mark misread alone needs no gain: the misread text's
    // symbols are as common as its punctuation.)
    if let [c] = run {
        if is_quotation_read_as_big5(*c, read_as) {
            return Some(Repair {
                text,
                chain: vec![(read_as, was)],
                confidence: 0.5,
            });
        }
    }
    let evidence = match run.len() {
        1 => char_cost(run[0]) >= LEFTOVER_RARE_COST && after <= LEFTOVER_COMMON_COST,
        _ => known_pairs(&text).0 > known_pairs(&run.iter().collect::<String>()).0,
    };
    let passes = evidence
        && gain >= LEFTOVER_MIN_GAIN
        && gain * 100 >= before * MIN_SWAP_GAIN_PERCENT
        && after <= run.len() as i64 * MAX_COST_PER_CHAR as i64;
    passes.then(|| Repair {
        text,
        chain: vec![(read_as, was)],
        confidence: (gain as f64 / (gain + LEFTOVER_MIN_GAIN) as f64) as f32,
    })
}

/// Whether `c` may be in a run `leftover_swap` swaps (with `read_as`): a
/// Han character, or a symbol the misreading leaves (`ㄛ`, GBK's `，` read
/// as Big5).
pub(crate) fn is_leftover(c: char, read_as: &'static Encoding) -> bool {
    is_han(c) || is_symbol_marker(c, read_as)
}

/// What GBK's quotation marks and brackets `“”‘’《》【】` read as Big5
/// give (`※§＆＊▲◎▽▼`): symbols clean Chinese text writes, but not in a
/// line the misreading left text in. `leftover_swap` swaps one alone.
pub(crate) fn is_quotation_read_as_big5(c: char, read_as: &Encoding) -> bool {
    read_as == BIG5 && matches!(c, '※' | '§' | '＆' | '＊' | '▲' | '◎' | '▽' | '▼')
}

/// What `leftover_swap` asks: the least gain, and for a single character,
/// how rare the misread one is and how common its swap.
const LEFTOVER_MIN_GAIN: i64 = 8;
const LEFTOVER_RARE_COST: u32 = 15;
const LEFTOVER_COMMON_COST: i64 = 10;

/// Counts of Han characters only one script writes: of the script a
/// misread span sits in, and of the other.
#[derive(Debug, Clone, Copy)]
struct Scripts {
    own: u32,
    other: u32,
}

impl Scripts {
    fn swapped(self) -> Scripts {
        Scripts {
            own: self.other,
            other: self.own,
        }
    }
}

/// Counts of Han characters that only the charset of the misread text has
/// (Big5 for Big5 read as GBK, GB2312 for GBK read as Big5), and that only
/// the other has (see `charset_only`).
#[derive(Debug, Clone, Copy, Default)]
struct Charsets {
    own: u32,
    other: u32,
}

/// The `Charsets` of `chars` and of the text `around` them, for text
/// misread with `read_as`.
fn charsets_around(chars: &[char], around: SwapContext, read_as: &Encoding) -> Charsets {
    // (Only GB2312, only Big5.)
    let oriented = |(gb2312, big5): (u32, u32)| match read_as == GB18030 {
        true => Charsets {
            own: big5,
            other: gb2312,
        },
        false => Charsets {
            own: gb2312,
            other: big5,
        },
    };
    chars.iter().fold(
        oriented((around.gb2312_only, around.big5_only)),
        |counts, &c| {
            let (gb2312, big5) = charset_only(c);
            let add = oriented((u32::from(gb2312), u32::from(big5)));
            Charsets {
                own: counts.own + add.own,
                other: counts.other + add.other,
            }
        },
    )
}

/// A window searched for swaps: its characters, what each swaps to (if
/// anything), which script only writes each, the direction, and whether
/// its line has Han characters.
struct SwapWindow<'a> {
    chars: &'a [char],
    swapped: &'a [Option<char>],
    script_only: &'a [(bool, bool)],
    read_as: &'static Encoding,
    line_has_han: bool,
}

/// The runs of a window to swap back, chosen in context (see `swap`), each
/// (start, end, the swapped text, confidence), that the evidence supports:
/// characters only the other script writes or symbols only the misreading
/// leaves (`MIN_SWAP_EVIDENCE`, and more where the swap makes no word),
/// or, for Big5 read as GBK, words the swap makes and a large gain; the
/// script outside the run the one it is judged in; and a clear gain over
/// the text as it stands, context included. `around` counts the window's
/// characters of each script and those around it; `kana`, the kana there;
/// `charsets`, the characters there only one of GB2312 and Big5 has.
///
/// In text of few characters only one script writes (a line of classical
/// poetry) a run passes too where the text outside it is the misread
/// text's by its charset and the run gains enough for its evidence (see
/// `charset_text_gain`).
fn context_swaps(
    window: &SwapWindow,
    around: Scripts,
    kana: usize,
    charsets: Charsets,
) -> Vec<(usize, usize, String, f32, i64)> {
    let SwapWindow {
        chars,
        swapped,
        script_only,
        read_as,
        line_has_han,
    } = *window;
    let big5_read_as_gbk = read_as == GB18030;
    let script = match big5_read_as_gbk {
        true => Script::Traditional,
        false => Script::Simplified,
    };
    // Kana mark the misreading only in text that is not Japanese: alone
    // in the window and around it.
    let is_marker =
        |c: char| is_symbol_marker(c, read_as) || (is_kana(c) && kana <= MAX_MARKER_KANA);
    let other_script = |i: usize| {
        let (s, t) = script_only[i];
        match big5_read_as_gbk {
            true => s,
            false => t,
        }
    };
    let stay = match (chars.iter().any(|&c| is_private_use(c)), big5_read_as_gbk) {
        (true, _) => RUN_STAY_PRIVATE_USE,
        (false, true) => RUN_STAY_BIG5_READ_AS_GBK,
        (false, false) => RUN_STAY_GBK_READ_AS_BIG5,
    };
    let mut found = Vec::new();
    for run in swap::runs(chars, swapped, script, stay, is_marker) {
        let (start, end) = (run.start, run.end);
        // A run of symbols alone in a line without Han characters is no
        // misread text but symbols: `(╯‵□′)╯︵┻━┻`.
        if !line_has_han
            && chars[start..end]
                .iter()
                .all(|&c| !(is_han(c) || is_kana(c) || is_private_use(c)))
        {
            continue;
        }
        // The script outside the run must be the one it is judged in.
        let in_run = (start..end).filter(|&i| other_script(i)).count() as u32;
        let own_in_run = (start..end)
            .filter(|&i| script_only[i] != (false, false) && !other_script(i))
            .count() as u32;
        let outside = Scripts {
            own: around.own - own_in_run,
            other: around.other - in_run,
        };
        // (A doubled character is one piece of evidence. A kana alone in
        // its line counts twice: Chinese text writes none, and Japanese
        // text, many: Big5's commonest characters, `中` and `不`, read as
        // GBK are kana. So does a kana Japanese never writes where it
        // stands: see `is_small_kana_after_han`.)
        let evidence = (start..end)
            .filter(|&i| i == start || chars[i] != chars[i - 1])
            .map(|i| {
                let c = chars[i];
                if (is_kana(c) && kana <= MAX_MARKER_KANA) || is_small_kana_after_han(chars, i) {
                    2
                } else {
                    usize::from(
                        other_script(i)
                            || is_marker(c)
                            || (big5_read_as_gbk && is_gbk_of_no_big5_form(c)),
                    )
                }
            })
            .sum::<usize>();
        let words = big5_read_as_gbk && run.pairs >= 2 && run.gain >= WORDS_GAIN;
        // A run with a symbol only the misreading leaves needs no script
        // around it. (Not a box-drawing character at the run's edge: that
        // is the border of a table, `│滤版本` in a Simplified line, which
        // would swap to `│薦版本`.)
        let symbol = chars[start..end].iter().enumerate().any(|(i, &c)| {
            let edge = i == 0 || start + i + 1 == end;
            is_symbol_marker(c, read_as) && !(edge && is_box_drawing(c))
        });
        let (min_own, ratio) = match (symbol, big5_read_as_gbk) {
            (true, true) => (0, TRADITIONAL_RATIO),
            (true, false) => (0, SIMPLIFIED_RATIO),
            (false, true) => (1, TRADITIONAL_RATIO),
            (false, false) => (2, SIMPLIFIED_RATIO),
        };
        let mut needed = MIN_SWAP_GAIN.max(run.cost * MIN_SWAP_GAIN_PERCENT / 100);
        let private_use = chars[start..end].iter().any(|&c| is_private_use(c));
        let in_script = !((evidence < MIN_SWAP_EVIDENCE && !words)
            || (run.pairs == 0 && evidence < MIN_SWAP_EVIDENCE_WITHOUT_WORDS)
            || outside.own < min_own
            || outside.other * ratio > outside.own
            || (end - start < 2 && !private_use)
            || run.gain < needed);
        if !in_script {
            let in_charset_text = (outside.other * ratio <= outside.own && end - start >= 2)
                .then(|| charset_text_gain(window, start..end, charsets, evidence, kana, &run))
                .flatten();
            // (Or, for Big5 read as GBK, with evidence, a word made and a
            // large gain, where little text or none is around: a title,
            // `癳朝砛蔼共甮璾马` for `送陳許高僕射赴鎮`. Or, with no
            // evidence, two words made and that gain, in text of the
            // script the run is judged in, with no character outside the
            // run that only the other charset has: `包括静怓睿雄怓` for
            // `包括静态和动态`, GBK read as Big5, which leaves no marker.)
            let by_words = || {
                let inside = charsets_around(&chars[start..end], SwapContext::default(), read_as);
                run.pairs >= 2
                    && outside.own >= 1
                    && outside.other * ratio <= outside.own
                    && charsets.other == inside.other
            };
            let vouched = run.gain >= SELF_VOUCHED_GAIN
                && ((big5_read_as_gbk && evidence >= MIN_SWAP_EVIDENCE && run.pairs >= 1)
                    || by_words());
            needed = match (in_charset_text, vouched) {
                (Some(needed_here), _) => needed_here,
                (None, true) => SELF_VOUCHED_GAIN,
                (None, false) => continue,
            };
        }
        let text = run.text;
        // Real text, character by character: not rare on average (none
        // rare where no word vouches for them, or two pieces of evidence
        // with a symbol or kana the misreading leaves: `ㄢㄢ栏‵ヅ` is
        // `兩兩戲沙汀`, whose `汀` is rare; not in a run with private-use
        // characters, which text of rare characters writes for its own, and
        // where a stretch's edges are the least sure), no iteration mark
        // from a symbol row.
        let costs: Vec<u32> = text.chars().map(|c| script_cost(c, script)).collect();
        let total: u32 = costs.iter().sum();
        let marked = evidence >= MIN_MARKED_EVIDENCE
            && !private_use
            && chars[start..end].iter().any(|&c| is_marker(c));
        if text.contains('\u{3005}')
            || u64::from(total) > costs.len() as u64 * MAX_COST_PER_CHAR
            || (run.pairs == 0 && !marked && costs.iter().any(|&cost| cost > MAX_UNPAIRED_COST))
        {
            continue;
        }
        let confidence = (run.gain as f64 / (run.gain + needed) as f64) as f32;
        let (start, end, text) = extended(window, start, end, text);
        found.push((start, end, text, confidence, run.gain));
    }
    found
}

/// Whether the swaps of `chars` (`swapped`, see `repair_swaps`) could make
/// two known pairs or more, with each other or with the characters next
/// to them: what a run that shows no other evidence needs (see
/// `context_swaps`), checked before the search for one.
fn may_make_words(chars: &[char], swapped: &[Option<char>]) -> bool {
    let choices =
        |i: usize| std::iter::once((chars[i], false)).chain(swapped[i].map(|c| (c, true)));
    let pairs = (1..chars.len().min(swapped.len()))
        .filter(|&i| {
            choices(i - 1).any(|(a, a_swapped)| {
                choices(i)
                    .any(|(b, b_swapped)| (a_swapped || b_swapped) && a != b && is_known_pair(a, b))
            })
        })
        .count();
    pairs >= 2
}

/// Whether most of the Han characters of `chars` are rare (at least
/// `DENSE_RARE_PERCENT`, of `DENSE_MIN_HAN` or more): text misread as a
/// whole, whose clean neighbours, if any, are ASCII.
fn is_dense(chars: &[char]) -> bool {
    let han = chars.iter().filter(|&&c| is_han(c)).count();
    let rare = chars
        .iter()
        .filter(|&&c| is_han(c) && super::is_suspect(c))
        .count();
    han >= DENSE_MIN_HAN && rare * 100 >= han * DENSE_RARE_PERCENT
}

/// The runs of a window of GBK read as Big5 that `is_dense` and that no
/// script around vouches for (a whole line misread, between ASCII:
/// `珆尨潠猁妏蚚陓洘(堆翑).` is `显示简要使用信息(帮助).`), chosen as
/// `context_swaps` chooses them, each (start, end, the swapped text,
/// confidence, gain). The swap must vouch for itself: make
/// `DENSE_MIN_PAIRS` known pairs, write no character only Traditional
/// text writes and none rare on average, and gain `DENSE_MIN_GAIN_PERCENT`
/// of the cost of the text as it stands. (Clean Traditional text, the
/// text these windows hold most, swaps to Simplified characters that make
/// no words.)
fn dense_swaps(window: &SwapWindow) -> Vec<(usize, usize, String, f32, i64)> {
    let script = Script::Simplified;
    let is_marker = |c: char| is_symbol_marker(c, window.read_as);
    let mut found = Vec::new();
    for run in swap::runs(
        window.chars,
        window.swapped,
        script,
        RUN_STAY_GBK_READ_AS_BIG5,
        is_marker,
    ) {
        let needed = run.cost * DENSE_MIN_GAIN_PERCENT / 100;
        let costs: Vec<u32> = run.text.chars().map(|c| script_cost(c, script)).collect();
        let total: u64 = costs.iter().map(|&cost| u64::from(cost)).sum();
        if run.pairs < DENSE_MIN_PAIRS
            || run.gain < needed
            || total > costs.len() as u64 * MAX_COST_PER_CHAR
            || run.text.chars().any(|c| script_only(c).1)
        {
            continue;
        }
        let confidence = (run.gain as f64 / (run.gain + needed) as f64) as f32;
        found.push((run.start, run.end, run.text, confidence, run.gain));
    }
    found
}

/// What `is_dense` and `dense_swaps` ask: Han characters, the share of
/// them rare, known pairs made, and the gain in percent of the cost.
const DENSE_MIN_HAN: usize = 4;
const DENSE_RARE_PERCENT: usize = 50;
const DENSE_MIN_PAIRS: usize = 3;
const DENSE_MIN_GAIN_PERCENT: i64 = 30;

/// The run `start..end` of `window` (swapped to `text`) with the
/// characters next to it that only the misreading leaves (kana, private-use
/// characters, symbols: see `is_symbol_marker`) and that swap to a Han
/// character or CJK punctuation, on either side: the damage goes on
/// through them (`ら斜啼鳥思` is `日斜啼鳥思`), which the shortest path may
/// leave out where kana are too many to count as markers.
fn extended(
    window: &SwapWindow,
    mut start: usize,
    mut end: usize,
    text: String,
) -> (usize, usize, String) {
    let SwapWindow {
        chars,
        swapped,
        read_as,
        ..
    } = *window;
    let swap_of = |i: usize| -> Option<char> {
        let c = chars[i];
        if !(is_kana(c) || is_private_use(c) || is_symbol_marker(c, read_as)) {
            return None;
        }
        swapped[i].filter(|&to| is_han(to) || is_cjk_punctuation(to))
    };
    let mut before = Vec::new();
    while let Some(to) = start.checked_sub(1).and_then(swap_of) {
        before.push(to);
        start -= 1;
    }
    let mut after = String::new();
    while end < chars.len() {
        let Some(to) = swap_of(end) else {
            break;
        };
        after.push(to);
        end += 1;
    }
    let text = before
        .into_iter()
        .rev()
        .chain(text.chars())
        .chain(after.chars())
        .collect();
    (start, end, text)
}

/// What a run of `window` (`range`, with `evidence` characters of the
/// other script or markers, and `kana_around` kana in and around the
/// window) must gain to pass in text that is the misread text's by its
/// charset (see `context_swaps`, `is_charset_text`), if it may pass so:
/// `CHARSET_TEXT_GAIN` with evidence of the misreading (a character of
/// the other script or charset, or a symbol; or kana where the text
/// outside has two characters only its charset has),
/// `CHARSET_TEXT_WEAK_GAIN` with kana and one such character, or, for Big5
/// read as GBK, with two known pairs made and no evidence, and
/// `CHARSET_TEXT_WORD_GAIN` for GBK read as Big5 so, or for Big5 read as
/// GBK with a character Big5 lacks and a known pair made.
fn charset_text_gain(
    window: &SwapWindow,
    range: std::ops::Range<usize>,
    charsets: Charsets,
    evidence: usize,
    kana_around: usize,
    run: &swap::Run,
) -> Option<i64> {
    let (chars, read_as) = (window.chars, window.read_as);
    let big5_read_as_gbk = read_as == GB18030;
    let run_chars = &chars[range];
    let inside = charsets_around(run_chars, SwapContext::default(), read_as);
    let outside = Charsets {
        own: charsets.own - inside.own,
        other: charsets.other - inside.other,
    };
    // (Nor, for Big5 read as GBK, where GBK's punctuation read as Big5
    // shows: the text is GBK read as Big5, whose characters are Big5's
    // too.)
    if !is_charset_text(outside, read_as)
        || (big5_read_as_gbk && chars.iter().any(|&c| is_gbk_punctuation_read_as_big5(c)))
    {
        return None;
    }
    // Kana alone (Japanese writes them between kanji Big5 lacks too), or
    // no marker at all, need more of the charset's characters around, or
    // a larger gain.
    let strong = run_chars.iter().any(|&c| {
        let (simplified, traditional) = script_only(c);
        let (gb2312, big5) = charset_only(c);
        is_symbol_marker(c, read_as)
            || match big5_read_as_gbk {
                true => simplified || gb2312,
                false => traditional || big5,
            }
    });
    let enough_around = strong || outside.own >= 2;
    let needed = if evidence >= MIN_SWAP_EVIDENCE {
        match enough_around {
            true => CHARSET_TEXT_GAIN,
            false => CHARSET_TEXT_WEAK_GAIN,
        }
    } else if !enough_around {
        return None;
    } else if run.pairs >= 2 && kana_around <= MAX_MARKER_KANA {
        match big5_read_as_gbk {
            true => CHARSET_TEXT_WEAK_GAIN,
            false => CHARSET_TEXT_WORD_GAIN,
        }
    } else {
        let outside_charset = run_chars
            .iter()
            .any(|&c| is_han(c) && !in_charset_of(c, read_as));
        let kana = run_chars.iter().any(|&c| is_kana(c));
        match big5_read_as_gbk && outside_charset && !kana && run.pairs >= 1 {
            true => CHARSET_TEXT_WORD_GAIN,
            false => return None,
        }
    };
    (run.gain >= needed).then_some(needed)
}

/// Whether text with `charsets` is, by its charset, that of text misread
/// with `read_as`: Big5's (for Big5 read as GBK) with a character only
/// Big5 has, twice as many as those only GB2312 has; GB2312's (for GBK
/// read as Big5) with two characters only GB2312 has, ten times as many
/// as those only Big5 has (Traditional text, classical poetry above all,
/// writes many characters GB2312 has too).
fn is_charset_text(charsets: Charsets, read_as: &Encoding) -> bool {
    let (needed, ratio) = match read_as == GB18030 {
        true => (1, BIG5_TEXT_RATIO),
        false => (2, GB2312_TEXT_RATIO),
    };
    charsets.own >= needed && charsets.other * ratio <= charsets.own
}

/// What a run must gain in text that is the misread text's by its charset
/// (see `charset_text_gain`).
const CHARSET_TEXT_GAIN: i64 = 25;
const CHARSET_TEXT_WEAK_GAIN: i64 = 30;
const CHARSET_TEXT_WORD_GAIN: i64 = 35;

/// How many times the characters only the misread text's charset has must
/// outnumber those only the other has around a run (see
/// `is_charset_text`).
const BIG5_TEXT_RATIO: u32 = 2;
const GB2312_TEXT_RATIO: u32 = 10;

/// The evidence a swap chosen in context needs (see `context_swaps`): at
/// least one character of the other script or symbol, two where the swap
/// makes no known pair; or, for Big5 read as GBK, two known pairs and a
/// gain of `WORDS_GAIN`.
const MIN_SWAP_EVIDENCE: usize = 1;
const MIN_SWAP_EVIDENCE_WITHOUT_WORDS: usize = 2;
const WORDS_GAIN: i64 = 30;

/// What a run of Big5 read as GBK with evidence and a known pair, or of
/// GBK read as Big5 with two, must gain to pass without the script or
/// charset around it that the other runs need (see `context_swaps`): more
/// than clean text swapped so gains (at most 29, and 33, in the 42 MB of
/// clean text the tests run).
const SELF_VOUCHED_GAIN: i64 = 40;

/// How much a swap chosen in context must gain, at least and in percent
/// of the cost of the text as it stands.
const MIN_SWAP_GAIN: i64 = 20;
const MIN_SWAP_GAIN_PERCENT: i64 = 30;

/// How many times the characters of the script a misread span sits in
/// must outnumber those of the other outside the run: Traditional text
/// (the corpus of classical poetry) often has Simplified forms among its
/// characters; Simplified text hardly any Traditional ones.
const TRADITIONAL_RATIO: u32 = 2;
const SIMPLIFIED_RATIO: u32 = 10;

/// What each character of a swapped run after its first is worth on the
/// shortest path (see `swap::runs`): a misread span is one stretch, so the
/// character next to a misread one is likelier misread too than clean
/// text is to read so by chance. Where private-use characters show, the
/// misreading went on through user-defined areas (Big5 read as GB18030,
/// GBK read as cp950), and the stretch is one of few readable characters:
/// its edges are the least sure. Big5 read as GBK leaves common
/// characters among the rare (`盡墩ぃ` is `勢不`), whose neighbours are
/// as often clean.
const RUN_STAY_PRIVATE_USE: i64 = 4;
const RUN_STAY_GBK_READ_AS_BIG5: i64 = 2;
const RUN_STAY_BIG5_READ_AS_GBK: i64 = 1;

/// Whether `chars[i]` is a small kana that Japanese never writes after a
/// Han character, and follows one: the small vowels and `ゃゅょゎ`, which
/// only ever extend the kana before them (`きゅ`, `ティ`). (Not `っ`, which
/// follows a kanji's okurigana stem, `取った`, nor `ヶ`, `一ヶ月`.) Big5's
/// common characters read as GBK give such kana anywhere (`跂ぉ辨び守` is
/// `跂予望太守`): a marker however many kana the line holds.
fn is_small_kana_after_han(chars: &[char], i: usize) -> bool {
    i > 0
        && is_han(chars[i - 1])
        && matches!(
            chars[i],
            'ぁ' | 'ぃ'
                | 'ぅ'
                | 'ぇ'
                | 'ぉ'
                | 'ゃ'
                | 'ゅ'
                | 'ょ'
                | 'ゎ'
                | 'ァ'
                | 'ィ'
                | 'ゥ'
                | 'ェ'
                | 'ォ'
                | 'ャ'
                | 'ュ'
                | 'ョ'
                | 'ヮ'
        )
}

/// The most kana a window and its context may hold for kana to count as
/// markers of Big5 read as GBK.
const MAX_MARKER_KANA: usize = 1;

/// The most a character of a swap that makes no known pair may cost,
/// unless the run has `MIN_MARKED_EVIDENCE` pieces of evidence and a
/// marker among them (see `context_swaps`).
const MAX_UNPAIRED_COST: u32 = 16;
const MIN_MARKED_EVIDENCE: usize = 2;

/// Whether `text`, read as Shift_JIS, is short and has no half-width
/// katakana: UTF-8 read as Shift_JIS nearly always gives some (continuation
/// bytes 0xA1..=0xDF stand alone as them), while classical Chinese in
/// kanji alone can look like it. (Or other damage: Windows reads the bytes
/// 0xA0 and 0xFD..=0xFF as private-use characters, and 0x80 as a C1.) Such
/// text is repaired only as a part of a span (`repair_parts`), not as a
/// whole span or a layer under another, and only where the repair is in
/// the script around it (see `in_script_around`): two Chinese characters
/// read so are three kanji (`寒原` is `蟇貞次`), most of what this damage
/// leaves unmarked.
fn lacks_katakana(text: &str, read_as: &Encoding) -> bool {
    read_as == SHIFT_JIS && fewer_non_ascii(text, 6) && !text.chars().any(is_damage)
}

/// Whether `text`, the repair of `chars[part]`, writes no Han character
/// that only the other script writes than the one the rest of `chars`
/// and `around` (the text around `chars`) show: a repair that comes out in
/// the other script (`霑仙掌` in a Traditional line as `运叶`) is a chance
/// reading. Where the script around is mixed or unknown, any passes.
fn in_script_around(
    chars: &[char],
    part: std::ops::Range<usize>,
    around: SwapContext,
    text: &str,
) -> bool {
    let outside = chars[..part.start].iter().chain(&chars[part.end..]);
    let (simplified, traditional) =
        outside.fold((around.simplified, around.traditional), |(s, t), &c| {
            let (only_s, only_t) = script_only(c);
            (s + u32::from(only_s), t + u32::from(only_t))
        });
    let other_script = |c: char| {
        let (only_s, only_t) = script_only(c);
        match Script::of_counts(simplified, traditional) {
            Script::Simplified => only_t,
            Script::Traditional => only_s,
            Script::Mixed | Script::None => false,
        }
    };
    !text.chars().any(other_script)
}

/// What the text around a part of a window is written in, for UTF-8 read
/// as GBK (see `Bar`): counts of the Han characters only Simplified, and
/// only Traditional, text writes, and of those outside GB2312, in each
/// prefix of the window, so that any part asks in constant time.
struct AroundPrefix {
    counts: Vec<(u32, u32, u32)>,
}

impl AroundPrefix {
    /// From the window's characters, and their GBK `bytes` starting at
    /// `starts`.
    fn new(chars: &[char], bytes: &[u8], starts: &[usize]) -> AroundPrefix {
        let mut counts = Vec::with_capacity(chars.len() + 1);
        let mut count = (0, 0, 0);
        counts.push(count);
        for (k, &c) in chars.iter().enumerate() {
            let (only_s, only_t) = script_only(c);
            // (GB2312's rows are 0xA1..=0xF7, its columns 0xA1..=0xFE.)
            let gb2312 = match bytes[starts[k]..starts[k + 1]] {
                [lead, trail] => (0xA1..=0xF7).contains(&lead) && trail >= 0xA1,
                _ => false,
            };
            count.0 += u32::from(only_s);
            count.1 += u32::from(only_t);
            count.2 += u32::from(is_han(c) && !gb2312);
            counts.push(count);
        }
        AroundPrefix { counts }
    }

    /// How many Han characters outside GB2312 `part` holds.
    fn outside_gb2312(&self, part: std::ops::Range<usize>) -> u32 {
        self.counts[part.end].2 - self.counts[part.start].2
    }

    /// Whether the window outside `part`, with `around` (the text around
    /// the window), is Simplified text in GB2312: no Han character outside
    /// GB2312, and no sign of Traditional script.
    fn is_gb2312_simplified(&self, part: std::ops::Range<usize>, around: SwapContext) -> bool {
        let (s0, t0, x0) = self.counts[part.start];
        let (s1, t1, x1) = self.counts[part.end];
        let (s, t, x) = self.counts[self.counts.len() - 1];
        let script = Script::of_counts(
            s - (s1 - s0) + around.simplified,
            t - (t1 - t0) + around.traditional,
        );
        x - (x1 - x0) == 0 && matches!(script, Script::Simplified | Script::None)
    }
}

/// Whether `text` is too short to undo a double-byte misreading of: with
/// fewer than three non-ASCII characters (what two Chinese characters in
/// UTF-8 read as GBK give), rare characters would too often "repair" to a
/// common one. Read as Shift_JIS, one Chinese character in UTF-8 gives two,
/// a kanji and a half-width katakana (see `is_one_character_read_as_shift_jis`):
/// that is enough.
///
/// Nor is UTF-8 read as GBK where one character's last byte paired with
/// the ASCII byte after it (`的U` read as `鐨刄`) and more ASCII follows:
/// GBK gives such a pair, whose second byte is ASCII, only for its
/// extension rows, never followed by ASCII in clean text, and the ASCII
/// character rejoins its word (`鐨刄SB` is `的USB`).
fn too_short(text: &str, read_as: &'static Encoding) -> bool {
    read_as != WINDOWS_1252
        && fewer_non_ascii(text, 3)
        && !(read_as == SHIFT_JIS && is_one_character_read_as_shift_jis(text))
        && !(read_as == GB18030 && swallows_ascii(text))
}

/// Whether `text` has fewer than `count` non-ASCII characters: counted
/// only up to `count` (this is asked of whole spans, for each encoding).
fn fewer_non_ascii(text: &str, count: usize) -> bool {
    text.chars()
        .filter(|c| !c.is_ascii())
        .nth(count - 1)
        .is_none()
}

/// Whether `text` is two non-ASCII characters and then ASCII ones only.
/// (`too_short` asks only for text whose bytes decode as UTF-8: the two
/// are then one three-byte character, with the first ASCII byte.)
fn swallows_ascii(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(a), Some(b), Some(c)) if !a.is_ascii() && !b.is_ascii() && c.is_ascii()
    ) && chars.all(|c| c.is_ascii())
}

/// Whether the non-ASCII characters of `text` are what one character of
/// UTF-8 read as Shift_JIS gives when it shows (see
/// `has_shift_jis_marker`): two, a kanji from its lead byte and first
/// continuation byte and a half-width katakana (or private-use character)
/// from its last (`辭` is `霎ｭ`), or two such single bytes.
fn is_one_character_read_as_shift_jis(text: &str) -> bool {
    let mut non_ascii = text.chars().filter(|c| !c.is_ascii());
    let (Some(first), Some(second), None) = (non_ascii.next(), non_ascii.next(), non_ascii.next())
    else {
        return false;
    };
    let mut bytes = Vec::with_capacity(4);
    (is_shift_jis_marker(first) || is_shift_jis_marker(second))
        && encode_char(first, SHIFT_JIS, &mut bytes)
        && encode_char(second, SHIFT_JIS, &mut bytes)
        && is_utf8_char(&bytes)
}

/// Whether `text` has what only Shift_JIS (as Windows' code page 932 reads
/// it) makes of bytes that are not Shift_JIS text: half-width katakana,
/// from bytes 0xA1..=0xDF standing alone (UTF-8's continuation bytes), or
/// the private-use characters Windows gives 0xA0 and 0xFD..=0xFF. (Chinese
/// text has neither; Japanese writes half-width katakana in runs, which
/// UTF-8 read as Shift_JIS and undone gives nothing valid of.)
fn has_shift_jis_marker(text: &str) -> bool {
    text.chars().any(is_shift_jis_marker)
}

fn is_shift_jis_marker(c: char) -> bool {
    matches!(c, '\u{FF61}'..='\u{FF9F}' | '\u{F8F0}'..='\u{F8F3}')
}

/// What a marker of UTF-8 read as Shift_JIS (see `has_shift_jis_marker`)
/// is worth as evidence, in cost: one Chinese character read so is a kanji
/// and a half-width katakana, too short to gain `MIN_GAIN` by its cost
/// alone.
const SHIFT_JIS_MARKER_EVIDENCE: u64 = 6;

/// Whether undoing `read_as` → `was` swaps one double-byte table for
/// another (GBK and Big5): a swap of rare characters for common ones that
/// classical text with rare characters would also "gain" from, so it needs
/// a marker that only mojibake has.
fn is_swap(read_as: &Encoding, was: &Encoding) -> bool {
    read_as != WINDOWS_1252 && was != UTF_8
}

/// What Big5 read as GBK leaves among Han characters: the kana, Greek,
/// Cyrillic, pinyin, bopomofo and box-drawing rows of GBK (where Big5 keeps
/// its commonest characters), and private-use characters.
fn has_strong_marker(chars: &[char]) -> bool {
    chars.iter().any(|&c| is_strong_marker(c))
}

fn is_strong_marker(c: char) -> bool {
    // (Han characters, most of what is asked, are none: one test.)
    if ('\u{3400}'..'\u{E000}').contains(&c) {
        return false;
    }
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{FF61}'..='\u{FF9F}' | '\u{E000}'..='\u{F8FF}'
        | '\u{391}'..='\u{3C9}' | '\u{401}'..='\u{451}' | '\u{3105}'..='\u{3129}'
        | '\u{2500}'..='\u{257F}' | 'ā' | 'á' | 'ǎ' | 'à' | 'ē' | 'é' | 'ě' | 'è' | 'ī' | 'í'
        | 'ǐ' | 'ì' | 'ō' | 'ó' | 'ǒ' | 'ò' | 'ū' | 'ú' | 'ǔ' | 'ù' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü')
}

/// Whether `text` has a character that text read with `read_as` in place
/// of the other of Big5 and GBK leaves, and clean text hardly has: the
/// strong markers, and for GBK read as Big5 what GBK's punctuation becomes
/// (`。、·` as `﹝﹜﹞`, `；？` as `˙ˋ`, `—` as `〞`; `，：！（）` as bopomofo),
/// and by Windows (code page 950) private-use characters.
fn has_swap_marker(chars: &[char], read_as: &Encoding) -> bool {
    chars.iter().any(|&c| is_swap_marker(c, read_as))
}

fn is_swap_marker(c: char, read_as: &Encoding) -> bool {
    is_strong_marker(c)
        || (read_as == BIG5
            && matches!(
                c,
                '\u{FE5C}'..='\u{FE5E}' | '\u{2D9}' | '\u{2CB}' | '\u{301E}'
                // The user-defined area of Windows' code page 950, where
                // GBK's common characters C6A1..C8FE fall (`人`, `前`).
                | '\u{F6B1}'..='\u{F848}'
            ))
}

/// Whether `c` is a symbol that text read with `read_as` in place of the
/// other of Big5 and GBK leaves among Han characters, and clean Chinese
/// text hardly has (kana aside: see `repair_swaps`). Big5 keeps its
/// commonest characters where GBK has its rows of symbols: besides the
/// strong markers, GBK's vertical and small forms, squared units, arrows,
/// mathematical operators, block elements, modifier tone letters and
/// Hangzhou numerals; GBK's punctuation read as Big5 gives Big5's symbols
/// (see `has_swap_marker`).
fn is_symbol_marker(c: char, read_as: &Encoding) -> bool {
    // (Han characters, most of what is asked, are none.)
    if ('\u{3400}'..'\u{E000}').contains(&c) || is_kana(c) {
        return false;
    }
    is_swap_marker(c, read_as)
        || (read_as == GB18030
            && matches!(c,
                '\u{FE30}'..='\u{FE6F}' | '\u{3300}'..='\u{33FF}' | '\u{3220}'..='\u{32FF}'
                | '\u{2100}'..='\u{21FF}' | '\u{2200}'..='\u{22FF}' | '\u{2580}'..='\u{259F}'
                | '\u{3021}'..='\u{3029}' | '\u{2C9}'..='\u{2D9}' | '\u{2035}' | '\u{2025}'
                | 'ń' | 'ň' | 'ǹ' | 'ɑ' | 'ɡ'))
}

/// Whether `c` is a box-drawing character, which frames tables.
fn is_box_drawing(c: char) -> bool {
    ('\u{2500}'..='\u{257F}').contains(&c)
}

/// How many characters of `chars[range]` are markers that no word of any
/// language has: GBK's punctuation read as Big5 (bopomofo among them), and Greek
/// or Cyrillic letters that stand alone between Han characters. (Not kana:
/// Japanese puts them alone between kanji, `が続く`; nor box drawing, which
/// frames tables.)
fn marker_evidence(chars: &[char], range: std::ops::Range<usize>, read_as: &Encoding) -> u64 {
    let is_letter = |c: char| matches!(c, '\u{391}'..='\u{3C9}' | '\u{401}'..='\u{451}');
    range
        .filter(|&i| {
            let c = chars[i];
            let alone = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_none_or(|&n| is_han(n));
            (read_as == BIG5 && is_gbk_punctuation_read_as_big5(c))
                || (is_letter(c) && alone(i.checked_sub(1)) && alone(Some(i + 1)))
        })
        .count() as u64
}

/// What GBK's punctuation read as Big5 gives (see `has_swap_marker`):
/// `。、·` as `﹝﹜﹞`, `；？` as `˙ˋ`, `—` as `〞`, `，：！（）` as bopomofo.
fn is_gbk_punctuation_read_as_big5(c: char) -> bool {
    matches!(c, '\u{FE5C}'..='\u{FE5E}' | '\u{2D9}' | '\u{2CB}' | '\u{301E}' | '\u{3105}'..='\u{3129}')
}

/// CJK symbols and punctuation, and the full-width forms of ASCII's.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}')
}

/// Kana, full-width or half-width.
pub(crate) fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{FF61}'..='\u{FF9F}')
}

/// Whether `c` is what Windows' code page 950 decodes a code of Big5's
/// user-defined areas to (FA40..FEFE, 8E40..A0FE, 8140..8DFE, C6A1..C8FE:
/// see `big5_user_defined`). WHATWG's Big5 decodes all of them to
/// characters, so any of them shows another decoder (where it stands
/// among GBK's characters, Python's or Windows', whose table lays out
/// C6A1..C7FC otherwise: see `big5_eten_code`).
pub(crate) fn is_big5_user_defined(c: char) -> bool {
    ('\u{E000}'..='\u{F848}').contains(&c)
}

/// Whether `c` is a C1 control, which text holds only where bytes
/// 0x80..=0x9F were read as ISO-8859-1.
fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// Whether Han character `c` is one GB2312 has and Big5 does not, and
/// whether it is one Big5 has and GB2312 does not: what tells text once
/// in Big5 (Traditional forms, `時`, `麥`) from text once in GB2312
/// (Simplified forms), where few characters are seen only in one script
/// (classical poetry writes most of its characters in both), and what
/// Big5 read as GBK leaves (GB2312's Simplified forms, and GBK's rare
/// characters, which Big5 has not either).
pub(crate) fn charset_only(c: char) -> (bool, bool) {
    // (Both charsets have Han characters of the main block only; the
    // answers are worked out once, a byte a character: the search for
    // swaps asks of every character around a window.)
    static ONLY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    const FIRST: u32 = 0x4E00;
    let Some(index) = (c as u32).checked_sub(FIRST) else {
        return (false, false);
    };
    let only = ONLY.get_or_init(|| {
        (FIRST..=0x9FFF)
            .map(|code| {
                let c = char::from_u32(code).unwrap_or_default();
                let gb18030 = reverse_table(GB18030).map_or(0, |table| table[c as usize]);
                // (GB2312's Han characters are in rows 0xB0..=0xF7, columns
                // from 0xA1.)
                let gb2312 = matches!(gb18030.to_be_bytes(), [0xB0..=0xF7, 0xA1..=0xFE]);
                let big5 = in_big5(c);
                u8::from(gb2312 && !big5) | u8::from(big5 && !gb2312) << 1
            })
            .collect()
    });
    let bits = only.get(index as usize).copied().unwrap_or(0);
    (bits & 1 != 0, bits & 2 != 0)
}

/// Whether the charset of text misread with `read_as` has Han character
/// `c`: Big5 for text read as GBK, GB2312 for text read as Big5.
fn in_charset_of(c: char, read_as: &Encoding) -> bool {
    match read_as == GB18030 {
        true => in_big5(c),
        false => {
            let (gb2312, big5) = charset_only(c);
            gb2312 || (!big5 && in_big5(c))
        }
    }
}

/// Whether `c` is a Han character that Big5 lacks in every form (see
/// `variants`), and that GBK writes where Big5 has its lead bytes
/// (0xA1..=0xF9): what Big5 read as GBK gives (`睤` for `涼`), not what
/// clean Traditional text writes (`疎` for `疏`, `羣` for `群`). (GBK's
/// rows 0x81..=0xA0 are Big5's only in Hong Kong's extension, whose
/// characters a misreading would swap back to Simplified ones: `壠` is
/// HKSCS's `马`.)
fn is_gbk_of_no_big5_form(c: char) -> bool {
    if !is_han(c) || in_big5(c) {
        return false;
    }
    let mut bytes = Vec::with_capacity(4);
    encode_char(c, GB18030, &mut bytes)
        && matches!(bytes[..], [0xA1..=0xF9, _])
        && !has_big5_variant(c)
}

/// Whether Big5 itself (A140..F9FE, less the user-defined area C6A1..C8FE
/// that the ETEN and HKSCS extensions fill) has `c`.
fn in_big5(c: char) -> bool {
    let code = reverse_table(BIG5)
        .and_then(|table| table.get(c as usize).copied())
        .unwrap_or(0);
    super::decoded::is_big5_proper(code)
}

/// Whether a form of `c` is in Big5 (see `variants`), as build.rs worked it
/// out for each character of the Basic Multilingual Plane.
fn has_big5_variant(c: char) -> bool {
    static BITS: &[u8; 0x10000 / 8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/big5_variants.bin"));
    let code = c as usize;
    BITS.get(code / 8)
        .is_some_and(|bits| bits >> (code % 8) & 1 != 0)
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Characters no repair should leave: private use, U+FFFD, C1 controls,
/// half-width katakana.
fn is_damage(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{80}'..='\u{9F}' | '\u{FF61}'..='\u{FF9F}')
}

/// How many accented Latin letters `text` has. Such letters come in words
/// with plain ones (`café`); alone (`éçç`), they are Han characters
/// misread as UTF-8.
fn latin1_letters(text: &str) -> usize {
    text.chars()
        .filter(|&c| matches!(c, 'À'..='ÿ') && c != '×' && c != '÷')
        .count()
}

/// The plausibility cost of `text`, less `KNOWN_PAIR_BONUS` for each pair
/// of adjacent Han characters that occurs inside words.
fn score(text: &str) -> u64 {
    let bonus = u64::from(known_pairs(text).0) * KNOWN_PAIR_BONUS;
    Plausibility::of(text).cost.saturating_sub(bonus)
}

/// What a marker of Big5 and GBK swapped (see `has_swap_marker`) is worth
/// as evidence, in cost.
const SWAP_MARKER_EVIDENCE: u64 = 12;

/// What a pair of Han characters seen inside words is worth.
const KNOWN_PAIR_BONUS: u64 = 6;

/// ASCII letters with no letter on either side: a byte that a wrong
/// decoding took as a character's trail gives one when undone wrongly
/// (`社j`); undone rightly, a swallowed letter rejoins its word (`本man页`).
fn lone_letters(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let letter = |i: usize| {
        chars
            .get(i)
            .is_some_and(|&c| c.is_ascii_alphabetic() || matches!(c, 'À'..='ɏ'))
    };
    (0..chars.len())
        .filter(|&i| chars[i].is_ascii_alphabetic() && !letter(i.wrapping_sub(1)) && !letter(i + 1))
        .count()
}

/// Whether the non-ASCII characters of `text` belong together: Chinese
/// (Han, kana, CJK and general punctuation, Latin-1, and the symbols of
/// GB2312's and Big5's symbol rows: `→`, `①`, `│`, `□`, `★`), or one other
/// script alone (Greek, Cyrillic, Hangul...). Mojibake undone the wrong way
/// gives a mix, such as Han with Hangul or with Greek.
fn is_coherent(text: &str) -> bool {
    let script = |c: char| -> u32 {
        match c as u32 {
            0x80..=0xFF | 0x2000..=0x206F | 0x3000..=0x30FF | 0xFF00..=0xFFEF => 0,
            // Letterlike symbols, number forms, arrows, mathematical
            // operators; enclosed numbers, box drawing, block elements,
            // geometric shapes, miscellaneous symbols.
            0x2100..=0x22FF | 0x2460..=0x26FF => 0,
            0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => 0,
            0x100..=0x24F => 1,
            0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F => 2,
            // Other blocks, by their 128-code-point page.
            code => 3 + (code >> 7),
        }
    };
    let mut scripts = text.chars().filter(|c| !c.is_ascii()).map(script);
    let Some(first) = scripts.next() else {
        return true;
    };
    scripts.all(|s| s == first)
}

/// What the ASCII of `text` costs (4 a character).
fn ascii_cost(text: &str) -> u64 {
    4 * text.bytes().filter(u8::is_ascii).count() as u64
}

/// Whether `c` is a character windows-1252 (or Latin-1) decodes a byte to.
pub(crate) fn is_single_byte(c: char) -> bool {
    // (What `encode_char` does for windows-1252, without a buffer: this
    // runs on every character of a suspect span.)
    // (Han characters, most of what is asked, are above all of
    // `WINDOWS_1252_HIGH` and answered by one comparison.)
    let code = c as u32;
    code <= 0xFF
        || (code <= WINDOWS_1252_HIGHEST
            && WINDOWS_1252_HIGH
                .iter()
                .any(|&high| u32::from(high) == code))
}

/// The highest of `WINDOWS_1252_HIGH` (`™`).
const WINDOWS_1252_HIGHEST: u32 = 0x2122;
const _: () = {
    let mut i = 0;
    while i < WINDOWS_1252_HIGH.len() {
        assert!(WINDOWS_1252_HIGH[i] as u32 <= WINDOWS_1252_HIGHEST);
        i += 1;
    }
};

/// `text` encoded with `encoding`, if every character has a byte sequence
/// in it. windows-1252 is taken sloppily, as Latin-1 where windows-1252 has
/// no character (its C1 controls), since text decoded as either looks the
/// same.
pub(crate) fn encode(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len());
    encode_into(text, encoding, &mut bytes).then_some(bytes)
}

/// [`encode`] into `bytes`, emptied first; false if a character has no
/// byte sequence (so that a search that encodes a span several ways
/// allocates once).
fn encode_into(text: &str, encoding: &'static Encoding, bytes: &mut Vec<u8>) -> bool {
    bytes.clear();
    let encoder = Encoder::new(encoding);
    text.chars().all(|c| encoder.push(c, bytes))
}

/// Whether `text` encodes with `read_as` to bytes that UTF-8 could start
/// with: every character encodes, and no byte breaks UTF-8 (the last
/// character may be cut short). A prefix of a text that
/// `encode_if_utf8_into` accepts passes.
fn may_start_utf8(text: &str, read_as: &'static Encoding, bytes: &mut Vec<u8>) -> bool {
    bytes.clear();
    let encoder = Encoder::new(read_as);
    text.chars().all(|c| encoder.push(c, bytes))
        && match std::str::from_utf8(bytes) {
            Ok(_) => true,
            Err(error) => error.error_len().is_none(),
        }
}

/// [`encode_into`], if the bytes are UTF-8: stopped at the first byte
/// UTF-8 could not have there, which in clean text comes within a character
/// or two (this is asked of every span with a suspect character).
fn encode_if_utf8_into(text: &str, read_as: &'static Encoding, bytes: &mut Vec<u8>) -> bool {
    bytes.clear();
    // How many bytes are known to be UTF-8 (a character may be cut at the
    // end).
    let mut valid = 0;
    let encoder = Encoder::new(read_as);
    for c in text.chars() {
        if !encoder.push(c, bytes) {
            return false;
        }
        match std::str::from_utf8(&bytes[valid..]) {
            Ok(_) => valid = bytes.len(),
            Err(error) if error.error_len().is_some() => return false,
            Err(error) => valid += error.valid_up_to(),
        }
    }
    valid == bytes.len()
}

/// `chars` encoded with `read_as` as bytes of UTF-8 misread: a byte 0xFF
/// (never UTF-8) for a character `read_as` could not have given, and where
/// a character has two codes (see `shift_jis_second_code`), the one under
/// which the bytes break UTF-8 least; with where each character's bytes
/// start (and the end).
fn encode_for_utf8(chars: &[char], read_as: &'static Encoding) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::with_capacity(chars.len() * 2);
    let mut starts = Vec::with_capacity(chars.len() + 1);
    encode_for_utf8_into(chars, read_as, &mut bytes, &mut starts);
    (bytes, starts)
}

/// [`encode_for_utf8`] into `bytes` and `starts`, emptied first (so that a
/// search that encodes a window several ways allocates once).
fn encode_for_utf8_into(
    chars: &[char],
    read_as: &'static Encoding,
    bytes: &mut Vec<u8>,
    starts: &mut Vec<usize>,
) {
    bytes.clear();
    starts.clear();
    // (Most characters searched are of two bytes.)
    bytes.reserve(chars.len() * 2);
    starts.reserve(chars.len() + 1);
    let second_code = |c: char| match read_as == SHIFT_JIS {
        true => shift_jis_second_code(c),
        false => None,
    };
    let choices = match chars.iter().any(|&c| second_code(c).is_some()) {
        true => utf8_choices(chars, |i| second_code(chars[i]), read_as),
        false => Vec::new(),
    };
    let encoder = Encoder::new(read_as);
    for (i, &c) in chars.iter().enumerate() {
        starts.push(bytes.len());
        if choices.get(i) == Some(&true) {
            bytes.extend(second_code(c).unwrap_or_default().to_be_bytes());
        } else if !encoder.push(c, bytes) {
            bytes.push(0xFF);
        }
    }
    starts.push(bytes.len());
}

/// For each of `chars`, whether to encode it with its second code
/// (`second(i)`, if it has one) rather than as `encode_char` does: the
/// choices under which the bytes have the fewest that are not UTF-8, by a
/// shortest path over what the UTF-8 decoder expects (how many continuation
/// bytes), in linear time.
fn utf8_choices(
    chars: &[char],
    second: impl Fn(usize) -> Option<u16>,
    read_as: &'static Encoding,
) -> Vec<bool> {
    // The decoder's state after `byte` from `pending` continuation bytes
    // expected, and whether the byte is out of place (the decoder then
    // starts over at it).
    fn step(pending: usize, byte: u8) -> (usize, bool) {
        let lead = |byte: u8| match byte {
            0x00..=0x7F => Some(0),
            0xC2..=0xDF => Some(1),
            0xE0..=0xEF => Some(2),
            0xF0..=0xF4 => Some(3),
            _ => None,
        };
        match (pending, byte) {
            (1.., 0x80..=0xBF) => (pending - 1, false),
            (0, _) => lead(byte).map_or((0, true), |pending| (pending, false)),
            _ => lead(byte).map_or((0, true), |pending| (pending, true)),
        }
    }
    const STATES: usize = 4;
    const UNREACHABLE: usize = usize::MAX / 2;
    let mut cost = [0, UNREACHABLE, UNREACHABLE, UNREACHABLE];
    // For each character and state after it: (the state before, whether
    // the second code was chosen).
    let mut back: Vec<[(u8, bool); STATES]> = Vec::with_capacity(chars.len());
    let mut encoded = Vec::with_capacity(4);
    for (i, &c) in chars.iter().enumerate() {
        encoded.clear();
        if !encode_char(c, read_as, &mut encoded) {
            encoded.push(0xFF);
        }
        let second = second(i).map(u16::to_be_bytes);
        let options = [Some(&encoded[..]), second.as_ref().map(|b| &b[..])];
        let mut next = [UNREACHABLE; STATES];
        let mut from = [(0u8, false); STATES];
        for (state, &so_far) in cost.iter().enumerate() {
            if so_far >= UNREACHABLE {
                continue;
            }
            for (k, option) in options.iter().enumerate() {
                let Some(option) = option else { continue };
                let (mut pending, mut broken) = (state, 0);
                for &byte in *option {
                    let (after, out_of_place) = step(pending, byte);
                    pending = after;
                    broken += usize::from(out_of_place);
                }
                if so_far + broken < next[pending] {
                    next[pending] = so_far + broken;
                    from[pending] = (state as u8, k == 1);
                }
            }
        }
        cost = next;
        back.push(from);
    }
    // (Ending inside a character breaks it too.)
    let mut state = (0..STATES)
        .min_by_key(|&s| cost[s] + usize::from(s > 0))
        .unwrap_or(0);
    let mut choices = vec![false; chars.len()];
    for i in (0..chars.len()).rev() {
        let (before, second) = back[i][state];
        choices[i] = second;
        state = usize::from(before);
    }
    choices
}

/// The second code of a character that Windows' code page 932 decodes two
/// codes to, NEC's row 13 repeating JIS X 0208's symbols (`≡` is 81DF and
/// 8791): the encoder (and `encode_char`) gives the first, while UTF-8 read
/// as Shift_JIS gives either (0x87 is a continuation byte, `金` is E9 87 91).
fn shift_jis_second_code(c: char) -> Option<u16> {
    Some(match c {
        '≒' => 0x8790,
        '≡' => 0x8791,
        '∫' => 0x8792,
        '√' => 0x8795,
        '⊥' => 0x8796,
        '∠' => 0x8797,
        '∩' => 0x879B,
        '∪' => 0x879C,
        _ => return None,
    })
}

/// What windows-1252 decodes the bytes 0x80..=0x9F to (as WHATWG has it:
/// the five bytes it leaves undefined are the C1 controls).
const WINDOWS_1252_HIGH: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

/// [`encode_char`] for many characters in one encoding, its table looked
/// up once: the searches encode every character of every window, most of
/// them Han characters of one or two bytes that the table answers.
#[derive(Clone, Copy)]
struct Encoder {
    encoding: &'static Encoding,
    table: Option<&'static [u16]>,
}

impl Encoder {
    fn new(encoding: &'static Encoding) -> Encoder {
        let table = match encoding == WINDOWS_1252 {
            true => None,
            false => reverse_table(encoding),
        };
        Encoder { encoding, table }
    }

    /// [`encode_char`].
    #[inline]
    fn push(self, c: char, bytes: &mut Vec<u8>) -> bool {
        if c.is_ascii() {
            bytes.push(c as u8);
            return true;
        }
        // (A code of 0, none in the table, is left to `encode_char`:
        // GB18030's four-byte codes, or nothing.)
        match self.table.and_then(|table| table.get(c as usize)) {
            Some(&code) if code > 0xFF => bytes.extend(code.to_be_bytes()),
            Some(&code) if code > 0 => bytes.push(code as u8),
            _ => return encode_char(c, self.encoding, bytes),
        }
        true
    }
}

/// Appends `c` in `encoding` (see [`encode`]) to `bytes`; false, having
/// appended nothing, if `encoding` could not have given it.
fn encode_char(c: char, encoding: &'static Encoding, bytes: &mut Vec<u8>) -> bool {
    if c.is_ascii() {
        bytes.push(c as u8);
        return true;
    }
    let mut buffer = [0; 4];
    if encoding == WINDOWS_1252 {
        let code = c as u32;
        // Latin-1's letters, and the C1 controls Latin-1 decodes 0x80..=0x9F
        // to; else one of the 27 characters windows-1252 puts there.
        let byte = match code {
            0x80..=0xFF => Some(code as u8),
            0x2123.. => None,
            _ => WINDOWS_1252_HIGH
                .iter()
                .position(|&high| u32::from(high) == code)
                .map(|at| 0x80 + at as u8),
        };
        if let Some(byte) = byte {
            bytes.push(byte);
        }
        return byte.is_some();
    }
    let Some(table) = reverse_table(encoding) else {
        let (encoded, _, unmappable) = encoding.encode(c.encode_utf8(&mut buffer));
        if !unmappable {
            bytes.extend_from_slice(&encoded);
        }
        return !unmappable;
    };
    match table.get(c as usize).copied().unwrap_or(0) {
        // Big5 and Shift_JIS have nothing beyond their tables.
        0 if encoding != GB18030 => return false,
        0 => {
            if let Some(code) = gb18030_four_bytes(c) {
                bytes.extend(code.to_be_bytes());
                return true;
            }
            // GB18030's four-byte characters: as the encoder has them
            // (into a buffer on the stack: this runs on every character).
            let mut encoder = encoding.new_encoder();
            let mut out = [0u8; 8];
            let (result, _, written) = encoder.encode_from_utf8_without_replacement(
                c.encode_utf8(&mut buffer),
                &mut out,
                true,
            );
            if result != encoding_rs::EncoderResult::InputEmpty {
                return false;
            }
            bytes.extend_from_slice(&out[..written]);
        }
        code if code <= 0xFF => bytes.push(code as u8),
        code => bytes.extend(code.to_be_bytes()),
    }
    true
}

/// For the double-byte encodings that swaps undo (GBK and Big5, each read
/// as the other), the character a pair of bytes decodes to, remembered:
/// `repair_swaps` decodes every character of a span, which the decoder of
/// `encoding_rs`, made for long runs, does slowly one at a time.
fn decode_pair(code: u16, encoding: &'static Encoding) -> Option<char> {
    static GB18030_PAIRS: Remembered = Remembered::new();
    static BIG5_PAIRS: Remembered = Remembered::new();
    let remembered = match encoding {
        e if e == GB18030 => &GB18030_PAIRS,
        e if e == BIG5 => &BIG5_PAIRS,
        _ => return decode_one(&code.to_be_bytes(), encoding),
    };
    remembered
        .get(code, || {
            decode_one(&code.to_be_bytes(), encoding).map(u32::from)
        })
        .and_then(char::from_u32)
}

/// The four-byte GB18030 code of a character of the Basic Multilingual
/// Plane, if it has one, remembered: Latin-1 letters and most other
/// alphabets, which mojibake and random bytes are full of, are such, and the
/// encoder of `encoding_rs` finds each by a search.
fn gb18030_four_bytes(c: char) -> Option<u32> {
    static CODES: Remembered = Remembered::new();
    let index = u16::try_from(u32::from(c)).ok()?;
    CODES.get(index, || {
        let mut out = [0u8; 8];
        let (result, _, written) = GB18030.new_encoder().encode_from_utf8_without_replacement(
            c.encode_utf8(&mut [0; 4]),
            &mut out,
            true,
        );
        match (result, written) {
            (encoding_rs::EncoderResult::InputEmpty, 4) => {
                Some(u32::from_be_bytes([out[0], out[1], out[2], out[3]]))
            }
            _ => None,
        }
    })
}

/// Values of a function of a 16-bit number, each computed the first time it
/// is asked for (a whole table would take longer to fill than most texts
/// take to repair), shared by all threads.
struct Remembered {
    /// `value + 1`, `NONE`, or 0 when not computed yet.
    cells: std::sync::OnceLock<Vec<std::sync::atomic::AtomicU32>>,
}

impl Remembered {
    const NONE: u32 = u32::MAX;

    const fn new() -> Remembered {
        Remembered {
            cells: std::sync::OnceLock::new(),
        }
    }

    /// `compute()`'s value for `index` (values below `u32::MAX - 1`).
    fn get(&self, index: u16, compute: impl FnOnce() -> Option<u32>) -> Option<u32> {
        use std::sync::atomic::{AtomicU32, Ordering};
        let cells = self
            .cells
            .get_or_init(|| (0..=u16::MAX).map(|_| AtomicU32::new(0)).collect());
        let cell = &cells[usize::from(index)];
        match cell.load(Ordering::Relaxed) {
            0 => {
                let value = compute();
                cell.store(value.map_or(Remembered::NONE, |v| v + 1), Ordering::Relaxed);
                value
            }
            Remembered::NONE => None,
            stored => Some(stored - 1),
        }
    }
}

/// The reverse of the decoder of GB18030, Big5 or Shift_JIS (any other
/// encoding: Shift_JIS's), as build.rs made it with
/// `decoded::reverse_of_decoder`.
fn built_reverse_table(encoding: &'static Encoding) -> Vec<u16> {
    let built: &[u8] = match encoding {
        e if e == GB18030 => include_bytes!(concat!(env!("OUT_DIR"), "/reverse_gb18030.bin")),
        e if e == BIG5 => include_bytes!(concat!(env!("OUT_DIR"), "/reverse_big5.bin")),
        _ => include_bytes!(concat!(env!("OUT_DIR"), "/reverse_shift_jis.bin")),
    };
    let mut table: Vec<u16> = built
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    table.resize(0x10000, 0);
    table
}

/// For GB18030, Big5 and Shift_JIS: the byte sequence (one or two bytes, as
/// a big-endian `u16`; 0 for none) that decodes to each BMP character, as
/// built with the decoders (see `built_reverse_table`) and completed with
/// what other decoders give. The reverse of the decoder is what re-encoding
/// mojibake needs, and a table is far faster than `encoding_rs`'s encoders
/// for these encodings.
fn reverse_table(encoding: &'static Encoding) -> Option<&'static [u16]> {
    use std::sync::OnceLock;
    static GB18030_TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    static BIG5_TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    static SHIFT_JIS_TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    let cell = match encoding {
        e if e == GB18030 => &GB18030_TABLE,
        e if e == BIG5 => &BIG5_TABLE,
        e if e == SHIFT_JIS => &SHIFT_JIS_TABLE,
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        let mut table = built_reverse_table(encoding);
        if encoding == GB18030 {
            // GB18030-2005 decoded these 18 codes to private-use characters
            // that the 2022 table (encoding_rs's) gives real characters
            // instead: mojibake made by older decoders (Python's, Windows')
            // has the private-use ones, which encode back to the same bytes.
            for (c, code) in GB18030_2005_PRIVATE_USE {
                table[usize::from(c)] = code;
            }
        }
        if encoding == BIG5 {
            // Windows (code page 950) decodes Big5's user-defined areas,
            // which WHATWG's Big5 leaves out or gives to HKSCS, to
            // private-use characters, area by area; mojibake made on Windows
            // has them.
            for (c, code) in big5_user_defined() {
                let slot = &mut table[usize::from(c)];
                if *slot == 0 {
                    *slot = code;
                }
            }
        }
        if encoding == SHIFT_JIS {
            // Windows (code page 932) decodes the single bytes 0xA0 and
            // 0xFD..=0xFF, which WHATWG's Shift_JIS does not, to these
            // private-use characters; mojibake made on Windows has them.
            for (c, byte) in [
                (0xF8F0, 0xA0),
                (0xF8F1, 0xFD),
                (0xF8F2, 0xFE),
                (0xF8F3, 0xFF),
            ] {
                table[c] = byte;
            }
        }
        table
    }))
}

/// The private-use characters GB18030-2005 decodes 18 two-byte codes to,
/// where GB18030-2022 has vertical forms (U+FE10..) and Han characters
/// (U+9FB4..).
const GB18030_2005_PRIVATE_USE: [(u16, u16); 18] = [
    (0xE78D, 0xA6D9),
    (0xE78E, 0xA6DA),
    (0xE78F, 0xA6DB),
    (0xE790, 0xA6DC),
    (0xE791, 0xA6DD),
    (0xE792, 0xA6DE),
    (0xE793, 0xA6DF),
    (0xE794, 0xA6EC),
    (0xE795, 0xA6ED),
    (0xE796, 0xA6F3),
    (0xE81E, 0xFE59),
    (0xE826, 0xFE61),
    (0xE82B, 0xFE66),
    (0xE82C, 0xFE67),
    (0xE832, 0xFE6D),
    (0xE843, 0xFE7E),
    (0xE854, 0xFE90),
    (0xE864, 0xFEA0),
];

/// Big5's user-defined areas as Windows' code page 950 decodes them:
/// (private-use character, code), from U+E000 up, the areas FA40..FEFE,
/// 8E40..A0FE, 8140..8DFE, then C6A1..C8FE (157 trail bytes a lead byte,
/// 0x40..=0x7E and 0xA1..=0xFE).
fn big5_user_defined() -> impl Iterator<Item = (u16, u16)> {
    let trails = || (0x40..=0x7Eu8).chain(0xA1..=0xFE);
    let areas = [(0xFA..=0xFEu8), (0x8E..=0xA0), (0x81..=0x8D)];
    let codes = areas
        .into_iter()
        .flat_map(move |leads| leads.flat_map(move |lead| trails().map(move |t| (lead, t))))
        .chain((0xA1..=0xFEu8).map(|t| (0xC6, t)))
        .chain((0xC7..=0xC8u8).flat_map(move |lead| trails().map(move |t| (lead, t))));
    (0xE000u16..).zip(codes.map(|(lead, trail)| u16::from_be_bytes([lead, trail])))
}

/// Where Python's `big5` and `cp950` codecs put a character of their
/// extension C6A1..C7FC (from ETEN's Big5), which they lay out otherwise
/// than WHATWG's Big5 (HKSCS's, which `encoding_rs` has): kana, Cyrillic
/// and circled numbers, from C6A1 on, each run a block of Unicode, where
/// WHATWG has circled numbers, radicals, then kana from C6E7. GBK read as
/// Big5 by Python turns GBK's common characters there (`情` is C7E9, `①`
/// to Python, `啤` to WHATWG) into these; the C6A1 the encoder gives `①`
/// undoes it wrongly. (Windows' code page 950 and glibc's BIG5 give
/// private-use characters there instead: see `big5_user_defined`.)
pub(crate) fn big5_eten_code(c: char) -> Option<u16> {
    // (index from C6A1, first character, how many), in order; the index
    // counts the 94 codes C6A1..C6FE, then 157 a lead byte from C740.
    const RUNS: [(u16, char, u16); 13] = [
        (0, 'ヾ', 1),
        (1, 'ゝ', 2),
        (3, '々', 1),
        (4, 'ぁ', 83),
        (87, 'ァ', 86),
        (173, 'Д', 2),
        (175, 'Ё', 1),
        (176, 'Ж', 7),
        (183, 'У', 19),
        (202, 'ё', 1),
        (203, 'ж', 26),
        (229, '①', 10),
        (239, '⑴', 10),
    ];
    // (Most characters are none of them: this runs on every character of
    // a window.)
    if !matches!(c, 'Ё'..='ё' | '①'..='⑽' | '々' | 'ぁ'..='ヾ') {
        return None;
    }
    let code = u32::from(c);
    let index = RUNS.iter().find_map(|&(index, first, count)| {
        let offset = code.checked_sub(u32::from(first))?;
        (offset < u32::from(count)).then(|| index + offset as u16)
    })?;
    let (lead, column) = match index {
        0..=93 => (0xC6, 63 + index),
        _ => (0xC7, index - 94),
    };
    let trail = match column {
        0..=62 => 0x40 + column,
        _ => 0xA1 + column - 63,
    };
    Some((lead << 8) | trail)
}

/// `bytes` decoded with `encoding`, if they are valid in it.
/// The one character `bytes` decode to in `encoding`, if they decode to
/// exactly one (without allocating: this runs on every character of a
/// window).
fn decode_char(bytes: &[u8], encoding: &'static Encoding) -> Option<char> {
    match *bytes {
        [lead, trail] => decode_pair(u16::from_be_bytes([lead, trail]), encoding),
        _ => decode_one(bytes, encoding),
    }
}

/// `bytes` decoded with `encoding`, if they are exactly one character.
fn decode_one(bytes: &[u8], encoding: &'static Encoding) -> Option<char> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = [0u8; 16];
    let (result, read, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
    if result != encoding_rs::DecoderResult::InputEmpty || read != bytes.len() {
        return None;
    }
    let text = std::str::from_utf8(&out[..written]).ok()?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

pub(crate) fn decode(bytes: &[u8], encoding: &'static Encoding) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Spans of clean text, of mojibake of every pair and of the
    /// characters the first character decides on (Latin-1 letters, lead
    /// and continuation bytes as characters, Shift_JIS's symbols of two
    /// codes, half-width katakana, C1 controls).
    fn spans() -> impl Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "中文",
            "的",
            "串",
            "翠帘",
            "abc",
            " ",
            "鍙戝竷",
            "锛屽簡",
            "ÄãºÃ",
            "µÄ",
            "Ã©",
            "ç®€ä½“ä¸\u{AD}æ–‡",
            "€",
            "™",
            "\u{94}",
            "≡",
            "∵",
            "ｱ",
            "ﾞ",
            "繧",
            "縺",
            "螟",
            "蟇貞次",
            "憡",
            "稿",
            "瑈",
            "ㄢ",
            "\u{E000}",
            "\u{FFFD}",
            "é",
            "×",
            "·",
            "“",
        ]);
        let piece = prop_oneof![
            6 => pieces.prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 1..12).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn a_span_with_a_whole_reading_passes_the_first_look(span in spans()) {
            let searched = best_candidate_searched(&span);
            prop_assert!(searched.is_none() || may_undo_whole(&span), "{:?}", searched);
        }
    }

    /// The repairs of the parts and the swaps of `text`'s window, searched
    /// in `buffers`, as (start, end, text).
    fn searched_repairs(
        text: &str,
        buffers: &mut SearchBuffers,
        offsets: &mut Vec<usize>,
    ) -> Vec<(usize, usize, String)> {
        let chars: Vec<char> = text.chars().take(MAX_PART_SPAN).collect();
        let text: String = chars.iter().collect();
        let searched = Searched::new(&text, &chars, offsets);
        let context = SwapContext::default;
        let mut repairs = repair_parts(&searched, context, buffers);
        repairs.extend(repair_swaps(&searched, context, buffers));
        repairs
            .into_iter()
            .map(|(start, end, repair)| (start, end, repair.text))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        /// The buffers kept from window to window carry nothing over: a
        /// window searched after another finds what it finds alone.
        #[test]
        fn a_window_searched_in_used_buffers_finds_what_it_finds_alone(
            first in spans(),
            second in spans(),
        ) {
            let (mut buffers, mut offsets) = (SearchBuffers::default(), Vec::new());
            searched_repairs(&first, &mut buffers, &mut offsets);
            let after_first = searched_repairs(&second, &mut buffers, &mut offsets);
            let alone =
                searched_repairs(&second, &mut SearchBuffers::default(), &mut Vec::new());
            prop_assert_eq!(after_first, alone);
        }
    }

    #[test]
    fn the_first_look_passes_each_pair_s_damage() {
        for (clean, was, read_as) in [
            ("发布新版", UTF_8, GB18030),
            ("简体中文", UTF_8, WINDOWS_1252),
            ("你好", GB18030, WINDOWS_1252),
            ("文字化け", UTF_8, SHIFT_JIS),
            ("資料", UTF_8, BIG5),
        ] {
            let damaged = damage(clean, was, read_as);
            // (Where the misreading lost no byte: U+FFFD encodes in none.)
            if !damaged.contains('\u{FFFD}') {
                assert!(may_undo_whole(&damaged), "{damaged}");
                assert!(best_candidate(&damaged).is_some(), "{damaged}");
            }
        }
        // Clean text: no pair's first layer reads it, not even where the
        // first character alone would pass (`一` is GBK's `D2 BB`, UTF-8's
        // `һ`).
        assert!(!may_undo_whole("字符串的長度"));
        assert!(!may_undo_whole("一个未被引用的反斜杠"));
    }

    #[test]
    fn small_kana_after_a_han_character_mark_big5_read_as_gbk() {
        // Two kana in the line: too many to count as markers, but `ぉ` and
        // `ぃ` right after a Han character are no Japanese.
        assert_eq!(
            crate::fix_text("跂ぉ辨び守，流潤及京師。"),
            "跂予望太守，流潤及京師。"
        );
        assert_eq!(
            crate::fix_text("娼產ぶ包ぃ須顰，東園桃李片時春。"),
            "娼家少婦不須顰，東園桃李片時春。"
        );
        // Japanese writes them after kana, and `っ` after a kanji's stem.
        let chars: Vec<char> = "東京でジュースを取った".chars().collect();
        assert!((0..chars.len()).all(|i| !is_small_kana_after_han(&chars, i)));
        for japanese in ["東京でジュースを取った。", "一ヶ月のティー会議。"] {
            assert_eq!(crate::fix_text(japanese), japanese);
        }
    }

    #[test]
    fn big5_variants_built_are_the_dictionaries_read_now() {
        // (build.rs reads the Big5 table before this module completes it
        // with Windows' and Python's layouts: for Han characters' forms the
        // two agree.)
        let bits = crate::repair::variants::bmp_with_variant(in_big5);
        let now = |c: u32| bits[c as usize / 8] >> (c % 8) & 1 != 0;
        let differing: Vec<char> = (0..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| has_big5_variant(c) != now(c as u32))
            .collect();
        assert!(differing.is_empty(), "{differing:?}");
        assert!(has_big5_variant('疎') && !has_big5_variant('睤'));
    }

    #[test]
    fn encoding_stops_where_the_bytes_cannot_be_utf8() {
        for (text, read_as) in [
            ("鍙戝竷", GB18030),
            ("发布会", GB18030),
            ("ä¸\u{AD}æ–‡", WINDOWS_1252),
            ("中文", WINDOWS_1252),
            ("蜑ｵ", SHIFT_JIS),
            ("涓枃", GB18030),
        ] {
            let whole = encode(text, read_as).filter(|bytes| std::str::from_utf8(bytes).is_ok());
            // (The buffer holds something before, which must not count.)
            let mut bytes = vec![0xE4];
            let utf8 = encode_if_utf8_into(text, read_as, &mut bytes).then_some(bytes);
            assert_eq!(utf8, whole, "{text}");
        }
        let utf8 = |text: &str| encode_if_utf8_into(text, GB18030, &mut Vec::new());
        assert!(utf8("鍙戝竷"));
        assert!(!utf8("发布会"));
    }

    #[test]
    fn the_reverse_tables_built_are_the_decoders_reversed() {
        for encoding in [GB18030, BIG5, SHIFT_JIS] {
            let made = super::super::decoded::reverse_of_decoder(encoding);
            assert!(built_reverse_table(encoding) == made, "{}", encoding.name());
        }
    }

    fn damage(text: &str, was: &'static Encoding, read_as: &'static Encoding) -> String {
        read_as
            .decode_without_bom_handling(&was.encode(text).0)
            .0
            .into_owned()
    }

    /// `clean` with its characters `span` damaged as [`damage`] does.
    fn damage_span(
        clean: &str,
        span: std::ops::Range<usize>,
        was: &'static Encoding,
        read_as: &'static Encoding,
    ) -> String {
        let chars: Vec<char> = clean.chars().collect();
        let part: String = chars[span.clone()].iter().collect();
        let before: String = chars[..span.start].iter().collect();
        let after: String = chars[span.end..].iter().collect();
        format!("{before}{}{after}", damage(&part, was, read_as))
    }

    /// Asserts that each clean text, with its span damaged (`was` read
    /// as `read_as`), is repaired to the clean text.
    fn assert_spans_repaired(
        cases: &[(&str, std::ops::Range<usize>)],
        was: &'static Encoding,
        read_as: &'static Encoding,
    ) {
        for (clean, span) in cases {
            let damaged = damage_span(clean, span.clone(), was, read_as);
            assert_ne!(&damaged, clean);
            assert_eq!(&crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn utf8_read_as_gbk_in_simplified_text_is_repaired_without_words() {
        // Two characters of classical poetry that make no known word, some
        // rare (`笏`), read as three GBK ones (`闲闷` as `闂查椃`).
        for (before, part, after) in [
            ("闲愁", "闲闷", "不关心。"),
            ("红", "笺寄", "与添烦恼。"),
            ("风响牙签，云寒古砚，芳铭犹在", "棠笏", "。"),
            ("合欢小", "幌掩", "馀酲。"),
        ] {
            let damaged = format!("{before}{}{after}", damage(part, UTF_8, GB18030));
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Read so twice (`盐桥` as `閻╂劖藟`): each layer is judged in the
        // text around.
        for (before, part, after) in [
            ("插花劝酒", "盐桥", "馆。"),
            ("将当前", "的模", "式空间写入"),
        ] {
            let twice = damage(&damage(part, UTF_8, GB18030), UTF_8, GB18030);
            let damaged = format!("{before}{twice}{after}");
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Traditional text, whose GBK bytes often are UTF-8's (`鎮煎煼`
        // reads as `悼執`, `雲擁嵓` as Hangul), stays.
        for clean in ["名聲暫羶腥，腸肚鎮煎煼。", "陰雲擁嵓端，霔雨當山腹。"]
        {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn utf8_read_as_gbk_that_swallowed_an_ascii_byte_is_repaired() {
        // One character whose last byte GBK paired with the letter after
        // it (`的U` as `鐨刄`): two characters, then the rest of the word.
        for (before, part, after) in [
            ("这对您", "的USB", " 记忆棒来说通常已经足够好了"),
            ("获得root", "的shell", "提示符"),
            (".B 在Mutt 中使", "用msmtp", " (Using msmtp with Mutt)"),
            ("perlre 中", "，perlop", " 中有更多例子"),
        ] {
            let damaged_part = damage(part, UTF_8, GB18030);
            assert_eq!(damaged_part.chars().filter(|c| !c.is_ascii()).count(), 2);
            let damaged = format!("{before}{damaged_part}{after}");
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn utf8_read_as_gbk_is_repaired_to_chinese_symbols() {
        // Chinese writes the symbols of GB2312's rows (`□` for a lost
        // character, `│` in tables) and the katakana middle dot among Han
        // characters.
        for (before, part, after) in [
            ("却有人□约，携", "手□、灯前月", "下。"),
            ("", "瑞鹤仙令・临江仙", ""),
            (
                "│mbr           │I:10 │50  │不支持│Turton  ",
                "│自由软",
                "件。 │",
            ),
        ] {
            let damaged = format!("{before}{}{after}", damage(part, UTF_8, GB18030));
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn gbk_read_as_windows_1252_is_repaired_where_runs_are_ambiguous() {
        // A stretch whose bytes are valid UTF-8 too (`浓抹` read as `Å¨Ä¨`
        // is also `ŨĨ`); a span longer than is tried whole, all of it
        // damaged; a run after a quotation mark windows-1252 has.
        for (before, part, after) in [
            ("当", "国无功，归田有分，四山浓抹烟眉。", ""),
            ("忽", "然浪起，掀舞一叶白", "头翁。"),
            (
                "",
                "段落会指出要包含哪些文件，函数定义的格式，以及它们受到哪些外部变量的影响。",
                "",
            ),
            ("曰：“", "今之从政者何如", "？”"),
            // Accented letters next to Han characters cost more than the
            // run alone shows.
            ("歌", "声缭", "绕彻帘帏。"),
        ] {
            let damaged = format!("{before}{}{after}", damage(part, GB18030, WINDOWS_1252));
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn gbk_read_as_big5_is_repaired_by_its_punctuation() {
        // Whole lines, with no Simplified text around to show the script:
        // GBK's `，` and `。` read as Big5 are the bopomofo `ㄛ` and `﹝`.
        for clean in ["显示简短的版本信息并退出。", "中原何在，极目千里暮云重。"]
        {
            let damaged = damage(clean, GB18030, BIG5);
            assert_ne!(damaged, clean);
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Japanese keeps its kana, alone between kanji or in words.
        for clean in [
            "2 つ連続した \\fB*\\fP の後に \\fB/\\fP が続く場合には",
            "troff 用のフォントファイルに groff で用いる",
        ] {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn gbk_punctuation_read_as_big5_at_the_edge_of_a_span_is_repaired() {
        // The misread span starts with `，` (`ㄛ`) or ends with `。` (`﹝`)
        // far from any rare character.
        for (clean, span) in [
            ("三月休听夜雨，如今不是催花。", 6..11),
            ("山水最佳处，常恨不同游。", 5..12),
        ] {
            let chars: Vec<char> = clean.chars().collect();
            let part: String = chars[span.clone()].iter().collect();
            let damaged = format!(
                "{}{}{}",
                chars[..span.start].iter().collect::<String>(),
                damage(&part, GB18030, BIG5),
                chars[span.end..].iter().collect::<String>()
            );
            assert!(damaged.contains(['ㄛ', '﹝']), "{damaged}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn utf8_read_as_shift_jis_with_half_width_katakana_is_repaired() {
        // One character read as a kanji and a half-width katakana (`辭` is
        // `霎ｭ`), and rare characters of classical poetry, in Chinese text.
        for (clean, span) in [("古文辭類纂", 2..3), ("山深碧嶂猿啼", 2..5)] {
            let chars: Vec<char> = clean.chars().collect();
            let part: String = chars[span.clone()].iter().collect();
            let damaged_part = damage(&part, UTF_8, SHIFT_JIS);
            assert!(has_shift_jis_marker(&damaged_part), "{damaged_part}");
            let damaged: String = chars[..span.start]
                .iter()
                .copied()
                .chain(damaged_part.chars())
                .chain(chars[span.end..].iter().copied())
                .collect();
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Japanese in half-width katakana stays.
        for clean in ["ｶﾀｶﾅ表記", "ﾃｽﾄ用の文字"] {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn utf8_read_as_shift_jis_as_kanji_alone_is_repaired_in_its_script() {
        // Two Chinese characters read as three kanji, no half-width
        // katakana among them (`寒原` is `蟇貞次`).
        for (before, part, after) in [
            ("西樓迴起", "寒原", "上，霽日遙分萬井間。"),
            ("当断不断，", "反受", "其乱。"),
            ("萬里", "邊城", "遠，千山行路難。"),
        ] {
            let damaged_part = damage(part, UTF_8, SHIFT_JIS);
            assert!(!has_shift_jis_marker(&damaged_part), "{damaged_part}");
            assert_eq!(damaged_part.chars().count(), 3, "{damaged_part}");
            let damaged = format!("{before}{damaged_part}{after}");
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Classical text whose kanji read as UTF-8 in the other script
        // (`霑仙掌` as `运叶`) stays.
        let clean = "碧草斷霑仙掌露，綠楊猶憶御爐煙。";
        assert_eq!(crate::fix_text(clean), clean);
    }

    #[test]
    fn utf8_read_as_shift_jis_in_simplified_text_is_repaired_by_its_kanji() {
        // In Simplified text written in GB2312, kanji that GB2312 lacks
        // (`願`, `剰`) are evidence, as the shape of UTF-8 read as GBK is
        // there: the repair needs a smaller gain.
        for (before, part, after) in [
            ("莫是", "伊花", "，恨余来晚，欲媚晨霞。"),
            ("清明雨过", "杏花", "寒。"),
        ] {
            let damaged_part = damage(part, UTF_8, SHIFT_JIS);
            assert!(!has_shift_jis_marker(&damaged_part), "{damaged_part}");
            let damaged = format!("{before}{damaged_part}{after}");
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn shift_jis_symbols_with_two_codes_encode_as_utf8_needs() {
        // `金` (E9 87 91) read as Shift_JIS after an odd byte gives NEC's
        // `≡` (8791), which the encoder gives as JIS X 0208's 81DF.
        for (before, part, after) in [
            ("请先", "支付定金", "，再签合同。"),
            ("今年的", "奖金发放", "很及时。"),
        ] {
            let damaged = format!("{before}{}{after}", damage(part, UTF_8, SHIFT_JIS));
            assert!(damaged.contains('≡'), "{damaged}");
            let clean = format!("{before}{part}{after}");
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
        // Where UTF-8 needs the first code, it stays: `√` as 81E3, whose
        // E3 0x80 continues.
        let chars: Vec<char> = "√\u{80}".chars().collect();
        let (bytes, starts) = encode_for_utf8(&chars, SHIFT_JIS);
        assert_eq!((bytes, starts), (vec![0x81, 0xE3, 0x80], vec![0, 2, 3]));
        let chars: Vec<char> = "夐≡".chars().collect();
        assert_eq!(
            encode_for_utf8(&chars, SHIFT_JIS).0,
            [0x9A, 0xE9, 0x87, 0x91]
        );
    }

    #[test]
    fn python_big5_layout_of_c6a1_to_c7fc_is_known() {
        // As Python's `cp950` encodes them.
        for (c, code) in [
            ('ヾ', 0xC6A1),
            ('ん', 0xC6F7),
            ('ァ', 0xC6F8),
            ('Д', 0xC7B1),
            ('Ё', 0xC7B3),
            ('ё', 0xC7CE),
            ('я', 0xC7E8),
            ('①', 0xC7E9),
            ('⑴', 0xC7F3),
            ('⑽', 0xC7FC),
        ] {
            assert_eq!(big5_eten_code(c), Some(code), "{c}");
        }
        // Outside its runs: Cyrillic letters it leaves out, Han, ASCII.
        for c in ['А', 'Н', '中', 'a', 'ⅰ'] {
            assert_eq!(big5_eten_code(c), None, "{c}");
        }
    }

    #[test]
    fn gbk_read_as_big5_by_python_with_windows_fallback_is_repaired() {
        // GBK read by Python's cp950, with Windows' private-use characters
        // where it cannot decode (`人` is C8CB): its kana, Cyrillic and
        // circled numbers in C6A1..C7FC are GBK's common characters there
        // (`情` C7E9 read as `①`, `其` C6E4 as `む`, `轻` C7E1 as `ш`),
        // which WHATWG's table would undo to others (`啤` for `情`): a
        // decoder that leaves private-use characters is not WHATWG's, so
        // where they show, Python's layout is the only one tried.
        for (damaged, clean) in [
            (
                "坻腔陑①竭疑ㄛむ坻\u{F815}珩懂賸﹝",
                "他的心情很好，其他人也来了。",
            ),
            (
                "⑦毞腔瑞竭шㄛ\u{F815}蠅飲竭羲陑﹝",
                "秋天的风很轻，人们都很开心。",
            ),
            (
                "踏毞毞ァю檄ㄛ扂蠅\u{F7EF}鰾刓﹝",
                "今天天气晴朗，我们去爬山。",
            ),
            // The private-use character from another user-defined area
            // (`濛` is 9DF7).
            ("蠔蠔迾む\u{ECD9}ㄛ梲梲蔬眳蚗﹝", "漠漠雨其濛，湛湛江之永。"),
            // Where WHATWG's table reads better but the private-use
            // characters rule it out: `牵` C7A3 is `ラ` to Python, and
            // WHATWG's `ラ` is GBK's commoner `清`.
            (
                "ろ恀冪笣徹瓮ㄛ奪\u{F7EB}芘隴剕善ㄛ笸赽赻夔ラ﹝",
                "岂问经州过县，管取投明须到，舟子自能牵。",
            ),
            (
                "岍岈蘆ラ楂ㄛ氈\u{F7EB}涴玿奀誹﹝",
                "世事莫牵萦，乐取这闲时节。",
            ),
        ] {
            assert_eq!(crate::fix_text(damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn big5_read_as_gbk_is_repaired_in_text_that_is_big5_by_its_charset() {
        // Lines of classical poetry with no character only Traditional
        // text writes, but several only Big5 has (`時`, `麥`, `戰`): the
        // Simplified forms (`独`, `瞒`) and GBK's Latin row (`ō`) that the
        // misreading leaves are evidence enough.
        assert_spans_repaired(
            &[
                ("去年到郡時，麥穗黃離離。", 8..11),
                ("夫死戰場子在腹，妾身雖存如晝燭。", 9..11),
                // A lone kana (`び`) by one character only Big5 has, with a
                // larger gain; and two known pairs made, with no marker.
                ("負太白，騰天狼。", 0..2),
                ("送進士許棠下第東歸", 0..2),
                // No marker and no script around, but two known pairs made
                // and a large gain.
                ("船頭對新月，誰與共清論。", 1..3),
                ("夜靜琴還靜，年春酒復春。", 7..9),
            ],
            BIG5,
            GB18030,
        );
        // Text that is GB2312's by its charset is left alone.
        let simplified = "我们去年到郡时，麦穗独瞒瞒。";
        assert_eq!(crate::fix_text(simplified), simplified);
        // (Traditional forms are Big5's only, Simplified ones GB2312's,
        // the common ones both.)
        assert_eq!(charset_only('時'), (false, true));
        assert_eq!(charset_only('独'), (true, false));
        assert_eq!(charset_only('中'), (false, false));
    }

    #[test]
    fn gbk_read_as_big5_is_repaired_in_text_that_is_gb2312_by_its_charset() {
        // Simplified text with no character only Traditional text writes
        // around the damage, but several only GB2312 has (`应`, `当`, `报`):
        // Big5's characters that GB2312 lacks (`垀`, `衄`), with the words
        // the swap makes, are evidence enough.
        assert_spans_repaired(
            &[
                ("所有错误报告应当包括：", 0..2),
                ("细算年来活计，只消一个渔舟。", 1..4),
            ],
            GB18030,
            BIG5,
        );
    }

    #[test]
    fn gbk_read_as_big5_with_no_marker_vouches_for_itself_by_its_words() {
        // Nothing marks these spans (no character of either script only, no
        // symbol), but the swap makes two known pairs or more and gains
        // more than clean text swapped does.
        assert_spans_repaired(
            &[
                ("包括静态和动态 arp 数据. 文件格式如下:", 3..7),
                ("这些号码将出现在任何 ip 包头的协议字段中.", 14..18),
            ],
            GB18030,
            BIG5,
        );
        // A rare classical word swaps to two pairs (`泬寥` to `田归`, with
        // `归` before it), but gains less.
        let clean = "一旦宫车晚，旋归泬寥。";
        assert_eq!(crate::fix_text(clean), clean);
    }

    #[test]
    fn a_swapped_run_takes_in_the_markers_next_to_it() {
        // A line of Big5 read as GB18030 whose two kana are too many to
        // count as markers: the run chosen stops short of `ら`, which
        // swaps to `日` next to it.
        let damaged = "ら弊弛尘\u{e0a1}\u{e4c7}琄荷ρ\u{e5ee}み\u{e4c9}";
        assert_eq!(crate::fix_text(damaged), "日斜啼鳥思，春盡老人心。");
    }

    #[test]
    fn markers_of_big5_read_as_gbk_do_not_mark_symbols_japanese_or_private_use() {
        // GBK's vertical forms and a kana alone in a line mark Big5 read as
        // GBK (see `big5_read_as_gbk_is_repaired_in_traditional_context`),
        // but not where the line is symbols alone, or Japanese split by
        // spaces (its span `は発見` holds one kana); and a private-use
        // character that a text of rare characters writes for its own does
        // not vouch for a rare swap.
        for clean in [
            "(╯‵□′)╯︵┻━┻",
            "\\fBpppoe\\fR は発見 (discovery) の段階を省略して、セッションの段階に移る。",
            "」[八]「沉沉」卷子本寫作「{氵|\u{e817}/凡}{氵|\u{e817}/凡}」因此多有迻作「汎汎」者，誤。",
            // A table's border at a run's edge, which would swap to
            // `│薦版本`, `│瑩堂定`.
            "    │滤版本之后的│                                                  │",
            "    │键绑定功能│               说明               │",
        ] {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn big5_read_as_gbk_is_repaired_in_traditional_context() {
        // Short spans of classical poetry, marked only by GBK's symbol rows
        // (`﹖`, `Τ`, `㏑`), a lone kana (`ぃ`) and Simplified forms (`极`,
        // `谋`) among Traditional text; the clean neighbours stay (`爵` read
        // as GBK and swapped back would be `橋`). GBK's vertical forms
        // (`︵︽` for `舟行`) mark a span as its other symbols do; a kana
        // alone in its line (`い` for `中`) is evidence enough where the
        // swap makes no known pair.
        assert_spans_repaired(
            &[
                ("紅鮮供客飯，翠竹引舟行。", 9..11),
                ("可惜庭中樹，移根逐漢臣。", 3..5),
                // Markers and more evidence vouch for a rare character
                // (`汀`) where the swap makes no known pair.
                ("兩兩戲沙汀，長疑畫不成。", 0..5),
                ("說難徒有美，孤憤竟無申。", 6..10),
                ("丈夫貴功勳，不貴爵祿饒。", 6..8),
                ("丹桂竟多故，白雲空有情。", 9..11),
                ("信知尤物必牽情，一顧難酬覺命輕。", 11..15),
            ],
            BIG5,
            GB18030,
        );
    }

    #[test]
    fn classical_poetry_vouches_for_a_swap() {
        // Lines of poetry whose swap makes no pair inside a modern word:
        // the collocations of classical poetry (`孤吟`, `圓魄`, `收尽`, `一醉`)
        // and the characters poems write are its evidence.
        assert_spans_repaired(
            &[
                ("失路孤吟不勝苦，暗中應有鬼神聽。", 0..2),
                ("懸燈寄前焰，遙月昇圓魄。", 8..11),
                ("骨肉在南楚，沈憂起常早。", 8..10),
                // Characters that poems write more often than modern text
                // (`胥`, `颼`, `濁`) cost less in Traditional text.
                ("生同胥靡遺，壽比彭鏗夭。", 2..5),
                ("有時當暑如清秋，滿堂風雨寒颼颼。", 12..15),
                ("旅泊窮清渭，長吟望濁涇。", 8..10),
            ],
            BIG5,
            GB18030,
        );
        assert_spans_repaired(
            &[
                ("远烟收尽水溶溶。", 2..4),
                ("一花拚一醉，杯重凭谁把。", 3..5),
            ],
            GB18030,
            BIG5,
        );
    }

    #[test]
    fn a_swapped_run_reaches_the_edges_of_the_damage() {
        // Whole lines misread: the common characters at their ends (`冠`
        // for `夢`, `艇` for `弗`) read as well kept as swapped, and go
        // with the damage next to them.
        for (clean, was, read_as) in [
            ("夢啼嗚咽覺無語，杳杳微微望煙浦。", BIG5, GB18030),
            ("弗到天明心弗喜。", GB18030, BIG5),
        ] {
            let len = clean.chars().count();
            let damaged = damage_span(clean, 0..len, was, read_as);
            assert_ne!(damaged, clean);
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn of_overlapping_swaps_the_one_that_gains_more_is_made() {
        // GBK read as Big5 ends in `扢离﹝` (`设置。`), which read the other
        // way (Big5 read as GBK) would be `燭宙`; the run of the whole line
        // gains far more than that one of two characters.
        let clean = "修改系统主机名的相关设置。";
        let damaged = damage(clean, GB18030, BIG5);
        assert!(damaged.ends_with("扢离﹝"), "{damaged}");
        assert_eq!(crate::fix_text(&damaged), clean);
    }

    #[test]
    fn gbk_read_as_big5_dense_with_rare_characters_is_repaired_without_context() {
        // A whole line misread, with ASCII around it only: the swap makes
        // words (`显示`, `简要`, `使用`, `信息`, `帮助`).
        let clean = "显示简要使用信息(帮助).";
        let damaged = damage(clean, GB18030, BIG5);
        assert_eq!(damaged, "珆尨潠猁妏蚚陓洘(堆翑).");
        assert_eq!(crate::fix_text(&damaged), clean);
        // Clean Traditional text as rare swaps to characters that make no
        // words, and stays.
        let traditional = "鬱鬱蔥蔥，譎詭瑰瑋";
        assert!(is_dense(&traditional.chars().collect::<Vec<_>>()));
        assert_eq!(crate::fix_text(traditional), traditional);
    }

    #[test]
    fn han_characters_read_as_big5_are_no_alphabet_between_east_asian_text() {
        // `荅荅珨` is valid UTF-8 read as Big5 (`ӯӯһ`), but in this line it
        // is GBK read as Big5, like the rest.
        assert_eq!(
            crate::fix_text("郗贊汜眅睡揭ㄛ荅荅珨阨ㄛ諾勤樽樽﹝"),
            "欲觅生香何处，盈盈一水，空对娟娟。"
        );
    }

    #[test]
    fn a_dense_window_is_repaired_where_box_drawing_marks_it_but_nothing_vouches() {
        // A table's cell: the box drawing is a marker, which sends the
        // window to the search in context, where no text around judges it.
        // (A benchmark case: the misread span ends before `端`.)
        assert_eq!(
            crate::fix_text("│芞倛賜醱諦誧端    │"),
            "│图形界面客户端    │"
        );
        // Clean Traditional text in a table stays.
        let traditional = "│鬱鬱蔥蔥，譎詭瑰瑋│";
        assert_eq!(crate::fix_text(traditional), traditional);
    }

    #[test]
    fn a_character_big5_has_in_no_form_is_evidence_of_big5_read_as_gbk() {
        // `睤` (Big5's `涼` read as GBK) is in no form in Big5; `疎`, which
        // clean classical text writes for `疏`, is.
        assert!(is_gbk_of_no_big5_form('睤'));
        assert!(!is_gbk_of_no_big5_form('疎'));
        assert!(!is_gbk_of_no_big5_form('涼'));
        // (`壠` is in GBK's rows that only Hong Kong's Big5 has.)
        assert!(!is_gbk_of_no_big5_form('壠'));
        let clean = "坐見繁星曉，淒涼識舊峯。";
        let damaged = damage_span(clean, 7..9, BIG5, GB18030);
        assert_eq!(damaged, "坐見繁星曉，淒睤醚舊峯。");
        assert_eq!(crate::fix_text(&damaged), clean);
    }

    #[test]
    fn big5_read_as_gbk_with_evidence_and_words_needs_no_text_around() {
        // A title, and a quoted phrase among ASCII: no Traditional text
        // around, but characters Big5 lacks, words made and a large gain.
        for clean in ["送陳許高僕射赴鎮", "\"常規啟動流程\""] {
            let damaged = damage(clean, BIG5, GB18030);
            assert_ne!(damaged, clean);
            assert_eq!(crate::fix_text(&damaged), clean, "{damaged}");
        }
    }

    #[test]
    fn clean_text_read_once_more_is_no_layer() {
        // GBK's `——` read as windows-1252 is `¡ª¡ª`; the dashes, read as
        // windows-1252 again (0x97 0x97), would be GBK's `棗`.
        let damaged = damage("检测 —— 静态二进制", GB18030, WINDOWS_1252);
        assert_eq!(damaged, "¼ì²â ¡ª¡ª ¾²Ì¬¶þ½øÖÆ");
        assert_eq!(crate::fix_text(&damaged), "检测 —— 静态二进制");
        assert_eq!(crate::fix_text("检测 ¡ª¡ª 静态"), "检测 —— 静态");
    }

    #[test]
    fn utf8_read_as_gbk_gives_back_the_letters_it_paired() {
        // A table's `│` then `V`: GBK pairs `│`'s last byte with the `V`
        // (`鈹俈`), and the repair brings back a letter that stands alone.
        let damaged = damage("│V:65,", UTF_8, GB18030);
        assert_eq!(damaged, "鈹俈:65,");
        assert_eq!(crate::fix_text(&damaged), "│V:65,");
        assert_eq!(hidden_letters("鈹俈", &[(GB18030, UTF_8)]), 1);
        assert_eq!(hidden_letters("鈹俈", &[(SHIFT_JIS, UTF_8)]), 0);
        // The letter `I` once, and twice: the second reading hides the
        // letter in the first's text (`閳逛痉` is `鈹侷` read as GBK), and
        // the symbol's three bytes are the shape of UTF-8 read as GBK.
        let once = damage("│I:5", UTF_8, GB18030);
        let twice = damage(&once, UTF_8, GB18030);
        assert_eq!((once.as_str(), twice.as_str()), ("鈹侷:5", "閳逛痉:5"));
        for damaged in [&once, &twice] {
            let line = format!("c-doc-reference{damaged}   │13132│GNU C 库：参考手册");
            assert_eq!(
                crate::fix_text(&line),
                "c-doc-reference│I:5   │13132│GNU C 库：参考手册"
            );
        }
        let chain = [(GB18030, UTF_8), (GB18030, UTF_8)];
        assert_eq!(hidden_letters("閳逛痉", &chain), 1);
    }

    #[test]
    fn clean_text_that_swaps_would_read_better_is_left_alone() {
        // Classical text with doubled or rare characters, Simplified forms
        // in Traditional text and the reverse, a bopomofo letter and kana
        // in Simplified text, and Japanese with kana among kanji: each has
        // a swap of Big5 and GBK that the model likes, without the evidence.
        for clean in [
            "神都自藹藹，佳氣助葱葱。",
            "鳥道挂疎雨，人家殘夕陽。",
            "千峰橫紫翠，雙闕凭闌干。",
            "自從知如覺無明，一衲隨緣祇麽行。",
            "一旦宫车晚，旋归泬寥。",
            "虎啸ㄛ嶔，护遗迹、尚如今。",
            "满前白发けけ。",
            "その際、一番始めにマッチする位置へは移動しない",
        ] {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn utf8_characters_are_checked_as_std_does() {
        for lead in 0..=0xFFu8 {
            let len = match lead {
                0x00..=0x7F => 1,
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => continue,
            };
            for second in [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0] {
                for third in [0x41, 0x80, 0xBF] {
                    let bytes = &[lead, second, third, 0xBF][..len];
                    let std = std::str::from_utf8(bytes).is_ok();
                    assert_eq!(is_utf8_char(bytes), std, "{bytes:x?}");
                }
            }
        }
    }

    #[test]
    fn windows_1252_high_bytes_match_encoding_rs() {
        let high: Vec<u8> = (0x80..=0x9F).collect();
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(&high);
        let decoded: Vec<u16> = text.chars().map(|c| c as u16).collect();
        assert_eq!(decoded, WINDOWS_1252_HIGH);
    }

    #[test]
    fn each_kind_of_mojibake_is_undone() {
        use encoding_rs::GBK;
        let cases = [
            ("发布新版", UTF_8, GBK),
            ("你好，世界", GBK, WINDOWS_1252),
            ("简体中文", UTF_8, WINDOWS_1252),
            ("测试文本", UTF_8, SHIFT_JIS),
        ];
        for (good, was, read_as) in cases {
            let bad = damage(good, was, read_as);
            assert_eq!(repair(&bad).map(|r| r.text).as_deref(), Some(good), "{bad}");
        }
        assert_eq!(damage("发布", UTF_8, GBK), "鍙戝竷");
        let twice = damage(
            &damage("你好世界", UTF_8, WINDOWS_1252),
            UTF_8,
            WINDOWS_1252,
        );
        assert_eq!(repair(&twice).map(|r| r.text).as_deref(), Some("你好世界"));
    }

    #[test]
    fn private_use_characters_encode_back_to_user_defined_areas() {
        let encode1 = |c: u32, encoding| encode(&char::from_u32(c).unwrap().to_string(), encoding);
        // GBK's first user-defined area, and a code that GB18030-2005 and
        // -2022 decode differently: both encode back.
        assert_eq!(encode1(0xE000, GB18030), Some(vec![0xAA, 0xA1]));
        assert_eq!(encode1(0xE78D, GB18030), Some(vec![0xA6, 0xD9]));
        assert_eq!(encode1(0xFE10, GB18030), Some(vec![0xA6, 0xD9]));
        assert_eq!(encode1(0xE864, GB18030), Some(vec![0xFE, 0xA0]));
        // Windows' Big5 user-defined areas, at each area's start and end.
        for (c, bytes) in [
            (0xE000, [0xFA, 0x40]),
            (0xE310, [0xFE, 0xFE]),
            (0xE311, [0x8E, 0x40]),
            (0xEEB8, [0x81, 0x40]),
            (0xF6B1, [0xC6, 0xA1]),
            (0xF848, [0xC8, 0xFE]),
        ] {
            assert_eq!(encode1(c, BIG5), Some(bytes.to_vec()), "{c:x}");
        }
        // Big5 bytes read as GB18030 (2005), with private-use characters,
        // undone: 肌 is A6D9 in Big5.
        let damaged: String = "\u{E78D}".to_string();
        let bytes = encode(&damaged, GB18030).unwrap();
        assert_eq!(decode(&bytes, BIG5).as_deref(), Some("肌"));
    }

    #[test]
    fn clean_text_is_left_alone() {
        // Classical text with rare characters reads as common ones through
        // the GBK and Big5 tables; short spans of rare characters give one
        // common character through UTF-8.
        for clean in [
            "发布新版本",
            "繁體中文",
            "café",
            "王鍙戝先生",
            "Ä",
            "中文",
            "歙歙焉",
            "翹翹",
            "彖帢",
        ] {
            assert!(repair(clean).is_none(), "{clean}");
        }
    }
}
