//! Bytes to text: byte-order marks, UTF-8, UTF-16, and the legacy encodings
//! Chinese text arrives in, decided run by run for files that mix them.
//!
//! Valid UTF-8 is always taken as UTF-8 (and checked first, as a fast path).
//! Otherwise the input is cut into runs: stretches of valid UTF-8 with
//! multi-byte characters stay UTF-8, and each other stretch is decoded with
//! every candidate legacy encoding and the most plausible reading wins
//! (`score::Plausibility`), with the reading that best explains all of the
//! file's legacy stretches together as the prior for each.

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::{
    DecoderResult, Encoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE,
    UTF_8, WINDOWS_1252,
};

use crate::error::{Error, ErrorKind};
use crate::score::Plausibility;

mod stream;

pub use stream::{decode_stream, StreamDecoder};

/// The legacy encodings considered, in order of preference on a tie.
const LEGACY: [&Encoding; 6] = [GBK, BIG5, SHIFT_JIS, EUC_JP, EUC_KR, WINDOWS_1252];

/// How much lower (in cost units, about bits) a piece's own best reading
/// must cost than the file's choice to override it: short pieces are too
/// ambiguous to go against the rest of the file.
const SWITCH_COST: u64 = 40;

/// About what a byte of plain Chinese text costs (a character of 8 to 12
/// units in two bytes).
const PLAIN_PER_BYTE: f64 = 6.0;

/// How much legacy text the file's encoding is judged on.
const SAMPLE_BYTES: usize = 64 * 1024;

/// What a piece of a file that is not valid UTF-8 looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Only ASCII: the same in every candidate encoding.
    Ascii,
    /// Valid UTF-8 with multi-byte characters.
    Utf8,
    /// Neither: a legacy encoding.
    Legacy,
}

/// What to do with bytes that no chosen encoding can decode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Undecodable {
    /// Replace each with U+FFFD (the default).
    #[default]
    Replace,
    /// Show each byte as `\xNN`, so that nothing is lost.
    Escape,
    /// Fail, naming the offset of the first one.
    Error,
}

/// Options for [`decode_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// What to do with undecodable bytes.
    pub undecodable: Undecodable,
    /// Decode with this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
}

/// A stretch of the input decoded with one encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its byte range in the input.
    pub bytes: Range<usize>,
    /// Its range in the decoded text, in characters.
    pub chars: Range<usize>,
    /// The encoding it was decoded with.
    pub encoding: &'static Encoding,
}

/// Decoded text and what was decided to get it.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The text: borrowed from the input when that is UTF-8 already.
    pub text: Cow<'a, str>,
    /// The encoding of most of the input (pure ASCII counts as UTF-8).
    pub encoding: &'static Encoding,
    /// How sure the decision is, from 0 to 1.
    pub confidence: f32,
    /// The runs, in order, covering the whole input (after a BOM).
    pub runs: Vec<Run>,
    /// Offsets of the bytes that could not be decoded.
    pub undecodable: Vec<usize>,
}

/// Decodes bytes in whatever encoding they are in, replacing undecodable
/// bytes with U+FFFD.
///
/// ```
/// // "中文" in GBK, then in UTF-8.
/// let decoded = zhfix::decode(b"\xd6\xd0\xce\xc4 and \xe4\xb8\xad\xe6\x96\x87");
/// assert_eq!(decoded.text, "中文 and 中文");
/// assert_eq!(decoded.runs.len(), 2);
/// assert_eq!(decoded.runs[0].encoding, encoding_rs::GBK);
/// assert_eq!(decoded.runs[1].encoding, encoding_rs::UTF_8);
/// ```
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    match decode_with(bytes, &DecodeOptions::default()) {
        Ok(decoded) => decoded,
        // Replacing never fails.
        Err(_) => Decoded {
            text: String::from_utf8_lossy(bytes),
            encoding: UTF_8,
            confidence: 0.0,
            runs: Vec::new(),
            undecodable: Vec::new(),
        },
    }
}

/// Decodes bytes with options; fails only with [`Undecodable::Error`].
pub fn decode_with<'a>(bytes: &'a [u8], options: &DecodeOptions) -> Result<Decoded<'a>, Error> {
    let mut decoder = RunDecoder::new(options.undecodable);
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        if options.encoding.is_none_or(|forced| forced == encoding) {
            decoder.push(bytes, bom..bytes.len(), encoding, 1.0)?;
            return Ok(decoder.finish(bytes.len() - bom));
        }
    }
    if let Some(encoding) = options.encoding {
        decoder.push(bytes, 0..bytes.len(), encoding, 1.0)?;
        return Ok(decoder.finish(bytes.len()));
    }
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        // The common case: validated once (by SIMD, ten times faster than
        // `std` on Chinese text), not copied.
        let chars = text.chars().count();
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
            confidence: 1.0,
            runs: vec![Run {
                bytes: 0..bytes.len(),
                chars: 0..chars,
                encoding: UTF_8,
            }],
            undecodable: Vec::new(),
        });
    }
    if let Some(encoding) = utf16_by_nuls(bytes) {
        decoder.push(bytes, 0..bytes.len(), encoding, 0.9)?;
        return Ok(decoder.finish(bytes.len()));
    }
    if let Some(encoding) = utf16_by_plausibility(bytes) {
        decoder.push(bytes, 0..bytes.len(), encoding, 0.8)?;
        return Ok(decoder.finish(bytes.len()));
    }
    let pieces = split_runs(bytes);
    // Room for legacy text's growth (two bytes to three) in one allocation.
    decoder.text.reserve(bytes.len() + bytes.len() / 2);
    let prior = Prior::of(bytes, &pieces);
    decode_pieces(bytes, &pieces, &prior, options, &mut decoder)?;
    Ok(decoder.finish(bytes.len()))
}

/// What the legacy text of a file says about all of it: the encoding that
/// best explains a sample of its legacy pieces, and what a byte of text
/// typically costs in that reading.
#[derive(Debug, Clone, Copy)]
struct Prior {
    file_choice: &'static Encoding,
    file_confidence: f32,
    typical_per_byte: f64,
}

impl Prior {
    /// Judged on the first `SAMPLE_BYTES` or so of `bytes`' legacy pieces.
    fn of(bytes: &[u8], pieces: &[(Range<usize>, Piece)]) -> Prior {
        let mut sample: Vec<u8> = Vec::new();
        for (range, _) in pieces.iter().filter(|(_, kind)| *kind == Piece::Legacy) {
            if sample.len() >= SAMPLE_BYTES {
                break;
            }
            sample.extend_from_slice(&bytes[range.clone()]);
        }
        // The file's UTF-8 text tells its language: legacy text in a file
        // of Chinese is more likely Chinese (which tips two-character
        // samples such as GBK `杜甫`, EUC-KR `뗘를`).
        let mut utf8_sample = String::new();
        for (range, _) in pieces.iter().filter(|(_, kind)| *kind == Piece::Utf8) {
            if utf8_sample.len() >= SAMPLE_BYTES {
                break;
            }
            utf8_sample.push_str(std::str::from_utf8(&bytes[range.clone()]).unwrap_or(""));
        }
        let language = Language::of(&Plausibility::of(&utf8_sample));
        let (file_choice, file_confidence) = best_reading_in(&sample, language);
        let per_byte = reading_cost(&sample, file_choice) as f64 / sample.len().max(1) as f64;
        Prior {
            file_choice,
            file_confidence,
            // (The sample may mix encodings and so cost more.)
            typical_per_byte: per_byte.min(PLAIN_PER_BYTE),
        }
    }
}

/// Decodes `bytes`, cut into `pieces` by [`split_runs`], into `decoder`.
fn decode_pieces(
    bytes: &[u8],
    pieces: &[(Range<usize>, Piece)],
    prior: &Prior,
    options: &DecodeOptions,
    decoder: &mut RunDecoder,
) -> Result<(), Error> {
    let Prior {
        file_choice,
        file_confidence,
        typical_per_byte,
    } = *prior;
    let context = Context {
        bytes,
        file_choice,
        file_confidence,
        typical_per_byte,
    };
    // One pass over the pieces. ASCII reads the same in every candidate:
    // each ASCII piece goes with the run before it (with the one after it,
    // at the start).
    let mut ascii_from = 0;
    let mut last = None;
    let mut index = 0;
    while let Some((range, kind)) = pieces.get(index) {
        let piece = &bytes[range.clone()];
        match kind {
            Piece::Ascii => {
                index += 1;
                continue;
            }
            // Valid UTF-8 in a file that is not: UTF-8 unless the file's
            // legacy reading of it is more plausible. (The file's reading is
            // judged as text only: a piece of Japanese need not have kana.)
            Piece::Utf8 => {
                // Legacy double-byte text seldom happens to be valid UTF-8
                // in three-byte characters (it often is in two-byte ones).
                let three_byte = piece.iter().filter(|&&b| b >= 0xE0).count() as u64;
                let utf8_cost = text_cost(piece, UTF_8);
                let decision = match text_cost(piece, file_choice)
                    + UTF8_THREE_BYTE_PRIOR * three_byte
                    < utf8_cost
                {
                    true => (file_choice, file_confidence),
                    false => (UTF_8, 1.0),
                };
                decoder.push(bytes, ascii_from..range.end, decision.0, decision.1)?;
                last = Some(decision);
                index += 1;
            }
            // Legacy: the block of legacy lines up to the next UTF-8 piece
            // is decoded at once in the file's encoding, then judged line by
            // line; at the first line that reads better another way, the
            // block ends there.
            Piece::Legacy => {
                let (gap_encoding, gap_confidence) = last.unwrap_or((file_choice, file_confidence));
                decoder.push(bytes, ascii_from..range.start, gap_encoding, gap_confidence)?;
                // (Failing at an undecodable byte must name the line that
                // no encoding reads: one line at a time then.)
                let block = &pieces[index..];
                let block = match options.undecodable {
                    Undecodable::Error => &block[..1],
                    _ => {
                        &block[..block
                            .iter()
                            .position(|(_, kind)| *kind == Piece::Utf8)
                            .unwrap_or(block.len())]
                    }
                };
                let legacy_end = block
                    .iter()
                    .rev()
                    .find(|(_, kind)| *kind == Piece::Legacy)
                    .map_or(range.end, |(range, _)| range.end);
                let checkpoint = decoder.checkpoint();
                let decided = match decoder.push(
                    bytes,
                    range.start..legacy_end,
                    file_choice,
                    file_confidence,
                ) {
                    Ok(()) => {
                        let (decided, four_byte) =
                            context.first_switch(decoder, &checkpoint, block);
                        decoder.four_byte_gb18030 += four_byte;
                        decided
                    }
                    // An undecodable byte under `Undecodable::Error`: the
                    // line fails unless another encoding reads it better.
                    Err(_) => Some((0, context.decide(piece, reading_cost(piece, file_choice)))),
                };
                match decided {
                    None => {
                        last = Some((file_choice, file_confidence));
                        ascii_from = legacy_end;
                        index += block.len();
                        continue;
                    }
                    Some((at, decision)) => {
                        // Keep the block up to that line, then the line as
                        // decided.
                        decoder.rollback(checkpoint);
                        let line = block[at].0.clone();
                        decoder.push(
                            bytes,
                            range.start..line.start,
                            file_choice,
                            file_confidence,
                        )?;
                        decoder.push(bytes, line.clone(), decision.0, decision.1)?;
                        last = Some(decision);
                        index += at + 1;
                    }
                }
            }
        }
        ascii_from = pieces[index - 1].0.end;
    }
    match last {
        Some((encoding, confidence)) => {
            decoder.push(bytes, ascii_from..bytes.len(), encoding, confidence)?
        }
        None => decoder.push(bytes, 0..bytes.len(), UTF_8, 1.0)?,
    }
    Ok(())
}

/// How much of a long line's text is judged first (see
/// [`Context::first_switch`]).
const LINE_START_BYTES: usize = 192;

/// How many characters of `text` GB18030 encodes in four bytes (those of
/// CJK Extension A and beyond the BMP: see `Plausibility`), counted from
/// the UTF-8 bytes alone.
fn four_byte_gb18030(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let Some(last) = bytes.len().checked_sub(1) else {
        return 0;
    };
    // (Branch-free over equal slices, so that it vectorizes; a lead byte is
    // never last in valid UTF-8.)
    bytes[..last]
        .iter()
        .zip(&bytes[1..])
        .map(|(&lead, &next)| {
            u32::from(
                (lead >= 0xF0)
                    | ((lead == 0xE3) & (next >= 0x90))
                    | ((lead == 0xE4) & (next <= 0xB6)),
            )
        })
        .sum()
}

/// What each character of three or four bytes adds to the cost of reading a
/// valid UTF-8 piece another way.
const UTF8_THREE_BYTE_PRIOR: u64 = 4;

/// An encoding to decode a piece with, and the confidence in it.
type Decision = (&'static Encoding, f32);

/// What judging the legacy pieces of a file needs.
struct Context<'a> {
    bytes: &'a [u8],
    /// The file's legacy encoding, judged on a sample.
    file_choice: &'static Encoding,
    file_confidence: f32,
    /// What a byte of the file's text typically costs in that reading.
    typical_per_byte: f64,
}

impl Context<'_> {
    /// The first legacy piece of `block`, just decoded (since `checkpoint`)
    /// in the file's encoding, that reads better another way: its index in
    /// `block` and how to decode it; and how many characters the pieces
    /// before it have that GB18030 encodes in four bytes.
    fn first_switch(
        &self,
        decoder: &RunDecoder,
        checkpoint: &Checkpoint,
        block: &[(Range<usize>, Piece)],
    ) -> (Option<(usize, Decision)>, u32) {
        // The pieces are whole lines (or runs of them, for ASCII), and line
        // breaks decode one to one: the decoded text splits the same way.
        let text = &decoder.text[checkpoint.text..];
        let mut at = 0;
        // Characters that GB18030 encodes in four bytes, in the lines kept.
        let mut four_byte = 0;
        // The undecodable offsets, in order, not yet passed.
        let mut undecodable_rest = &decoder.undecodable[checkpoint.undecodable..];
        for (index, (range, kind)) in block.iter().enumerate() {
            if *kind == Piece::Ascii {
                at += range.len();
                continue;
            }
            let end =
                memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i + 1);
            let passed = undecodable_rest.partition_point(|&offset| offset < range.end);
            let undecodable = passed as u64;
            undecodable_rest = &undecodable_rest[passed..];
            let line = &text[at..end];
            // A long line whose start reads as the file's text typically
            // does is the file's encoding: a line in another one reads
            // badly from its start. (Judging only the start is most of this
            // function's speed on long lines.)
            if undecodable == 0 && line.len() > LINE_START_BYTES {
                let mut start = LINE_START_BYTES;
                while !line.is_char_boundary(start) {
                    start -= 1;
                }
                let score = Plausibility::of(&line[..start]);
                let typical =
                    self.typical_per_byte * range.len() as f64 * start as f64 / line.len() as f64;
                if (score_cost(&score, self.file_choice) as f64) <= typical * 1.25 {
                    at = end;
                    four_byte += score.four_byte_gb18030 + four_byte_gb18030(&line[start..]);
                    continue;
                }
            }
            let score = Plausibility::of(line);
            let cost = score_cost(&score, self.file_choice) + undecodable * UNDECODABLE_COST;
            at = end;
            let decision = self.decide(&self.bytes[range.clone()], cost);
            if decision.0 != self.file_choice {
                return (Some((index, decision)), four_byte);
            }
            four_byte += score.four_byte_gb18030;
        }
        (None, four_byte)
    }

    /// How to decode a legacy piece that costs `in_file_choice` in the file's
    /// encoding: the file's encoding,
    /// unless another reads better by more than what switching costs (a
    /// prior that keeps short, ambiguous pieces with the rest of the file).
    /// Only a piece that reads worse than the file's text typically does
    /// (the sample may mix encodings and so cost more) is worth trying the
    /// others on.
    fn decide(&self, piece: &[u8], in_file_choice: u64) -> Decision {
        let typical = (self.typical_per_byte * piece.len() as f64) as u64;
        let mut decision = (self.file_choice, self.file_confidence);
        let mut cost = in_file_choice;
        if in_file_choice > typical + typical / 4 + SWITCH_COST {
            let (own, confidence) = best_reading(piece);
            let own_cost = reading_cost(piece, own);
            if own != self.file_choice && own_cost.saturating_add(SWITCH_COST) < in_file_choice {
                decision = (own, confidence);
                cost = own_cost;
            }
        }
        // UTF-8 with a few stray bytes reads better as UTF-8 with those bytes
        // undecodable than as any legacy text. Legacy text is invalid UTF-8
        // nearly everywhere, so this is worth checking only where the first
        // non-ASCII character is valid UTF-8 and invalid ones are few.
        let first = piece.iter().position(|&b| b >= 0x80).unwrap_or(piece.len());
        if utf8_char_len(&piece[first..]).is_some_and(|len| len > 1) {
            let invalid = piece
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .take(piece.len() / 8 + 1)
                .count();
            if invalid * 8 <= piece.len()
                && Plausibility::of(&String::from_utf8_lossy(piece)).cost < cost
            {
                decision = (UTF_8, 0.5);
            }
        }
        decision
    }
}

/// UTF-16 without a BOM, told by its NUL bytes: in mostly-ASCII UTF-16 text
/// every other byte is NUL.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let (zeros, others, encoding) = match even > odd {
        true => (even, odd, UTF_16BE),
        false => (odd, even, UTF_16LE),
    };
    let decodes_cleanly = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .is_some();
    (zeros * 10 >= pairs * 3 && others * 10 <= pairs && decodes_cleanly).then_some(encoding)
}

/// UTF-16 without a BOM or NULs (say, all Chinese): when the input is not
/// UTF-8 and one of the UTF-16 readings decodes cleanly and is more
/// plausible than every legacy reading and than UTF-8 with its invalid bytes
/// replaced.
fn utf16_by_plausibility(bytes: &[u8]) -> Option<&'static Encoding> {
    // Short inputs read plausibly in too many ways.
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    // Judged on a sample; the whole must still decode cleanly, which is
    // checked last, of the likelier reading first (a file that is not
    // UTF-16 mostly fails on the sample; decoding all of it twice was most
    // of the work of decoding UTF-8 with a stray byte).
    let sample = &bytes[..bytes.len().min(4096)];
    let mut readings: Vec<(&'static Encoding, u64)> = [UTF_16LE, UTF_16BE]
        .into_iter()
        .filter_map(|encoding| {
            let text = encoding.decode_without_bom_handling_and_without_replacement(sample)?;
            Some((encoding, Plausibility::of(&text).cost))
        })
        .collect();
    readings.sort_by_key(|&(_, cost)| cost);
    let (best, cost) = readings.into_iter().find(|&(encoding, _)| {
        encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
    })?;
    let legacy = LEGACY
        .iter()
        .map(|&encoding| reading_cost(sample, encoding))
        .min()?;
    // UTF-8 with a stray byte is another candidate.
    let lossy_utf8 = Plausibility::of(&String::from_utf8_lossy(sample)).cost;
    // And the reading must look like text on its own: a file that mixes
    // encodings reads badly every way, UTF-16 (mostly rare ideographs,
    // Hangul and private-use characters) included.
    let chars = (sample.len() / 2) as u64;
    (cost < legacy.min(lossy_utf8) && cost <= chars * UTF16_MAX_PER_CHAR).then_some(best)
}

/// The most a character of text read as UTF-16 without a BOM may cost on
/// average (common Han characters cost 6 to 12, rare ones 24).
const UTF16_MAX_PER_CHAR: u64 = 16;

/// Cuts input that is not valid UTF-8 into pieces: ASCII, valid UTF-8, or
/// legacy. Lines that are valid UTF-8 are UTF-8 (or ASCII); in other lines,
/// stretches of valid UTF-8 that hold at least two multi-byte characters and
/// are bounded by ASCII (or the line's ends) are UTF-8; the rest is legacy.
/// A line break never occurs inside a character of any encoding considered.
fn split_runs(bytes: &[u8]) -> Vec<(Range<usize>, Piece)> {
    let mut pieces: Vec<(Range<usize>, Piece)> = Vec::new();
    let mut push = |range: Range<usize>, utf8: bool| {
        if range.is_empty() {
            return;
        }
        let kind = match (utf8, bytes[range.clone()].is_ascii()) {
            (_, true) => Piece::Ascii,
            (true, false) => Piece::Utf8,
            (false, false) => Piece::Legacy,
        };
        // Legacy lines stay apart, to be decided each on its own.
        match pieces.last_mut() {
            Some((last, last_kind))
                if *last_kind == kind
                    && last.end == range.start
                    && (kind != Piece::Legacy || bytes[last.end - 1] != b'\n') =>
            {
                last.end = range.end
            }
            _ => pieces.push((range, kind)),
        }
    };
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i + 1);
        let line = &bytes[line_start..line_end];
        // Each cluster of non-ASCII characters of valid UTF-8 apart: a
        // legacy run can happen to be valid UTF-8 inside a line of real
        // UTF-8 (GBK `之一` is `֮һ`), and is judged on its own.
        let push_utf8 = |push: &mut dyn FnMut(Range<usize>, bool), range: Range<usize>| {
            let mut at = range.start;
            while at < range.end {
                let non_ascii = at + Encoding::ascii_valid_up_to(&bytes[at..range.end]);
                let ascii = non_ascii
                    + bytes[non_ascii..range.end]
                        .iter()
                        .take_while(|b| !b.is_ascii())
                        .count();
                push(at..non_ascii, true);
                push(non_ascii..ascii, true);
                at = ascii;
            }
        };
        if std::str::from_utf8(line).is_ok() {
            push_utf8(&mut push, line_start..line_end);
        } else {
            let mut legacy_from = line_start;
            for stretch in utf8_stretches(line) {
                let stretch = line_start + stretch.start..line_start + stretch.end;
                push(legacy_from..stretch.start, false);
                push_utf8(&mut push, stretch.clone());
                legacy_from = stretch.end;
            }
            push(legacy_from..line_end, false);
        }
        line_start = line_end;
    }
    pieces
}

/// Stretches of `line` that are valid UTF-8 with at least two multi-byte
/// characters, bounded by ASCII or the line's ends.
///
/// The trail bytes of GBK, Big5 and Shift_JIS characters can be ASCII letters
/// and symbols from 0x40 up (never lower), so a legacy run can look like
/// valid UTF-8 followed by ASCII. A stretch bounded by a byte from 0x40 up
/// must therefore also read as plausible text.
fn utf8_stretches(line: &[u8]) -> Vec<Range<usize>> {
    let mut stretches = Vec::new();
    let mut i = 0;
    while let Some(start) = next_stretch_start(line, i) {
        i = start;
        let safe_start = line[..start].last().is_none_or(|&b| b < 0x40);
        // The ends (with their multi-byte counts) after the last multi-byte
        // character that a byte below 0x40 (or the line's end) follows, and
        // that any ASCII follows.
        let (mut safe_end, mut any_end) = ((start, 0), (start, 0));
        let (mut at, mut multibyte) = (start, 0);
        while let Some(len) = utf8_char_len(&line[at..]) {
            at += len;
            if len > 1 {
                multibyte += 1;
                match line.get(at) {
                    None => (safe_end, any_end) = ((at, multibyte), (at, multibyte)),
                    Some(&b) if b < 0x40 => {
                        (safe_end, any_end) = ((at, multibyte), (at, multibyte))
                    }
                    Some(&b) if b < 0x80 => any_end = (at, multibyte),
                    Some(_) => {}
                }
            }
        }
        // (Legacy text mostly ends here, at its first character.)
        if multibyte == 0 {
            i += non_ascii_len(&line[i..]);
            continue;
        }
        // An uncertain boundary stands only if the non-ASCII cluster next to
        // it reads better as UTF-8 than as legacy text (with the byte after
        // it, which may be its trail byte). A lone character there is too
        // weak a reading: Big5 `隤。`, after a trail byte, is `誡C`.
        let start_stands = safe_start || {
            let first_cluster_end = start + non_ascii_len(&line[start..]);
            let first_cluster_chars = line[start..first_cluster_end]
                .iter()
                .filter(|&&b| b >= 0xC0)
                .count();
            first_cluster_chars >= 2
                && utf8_reads_better(
                    &line[start..first_cluster_end],
                    line.get(first_cluster_end).copied(),
                )
        };
        let end_stands = |end: usize| {
            let cluster_start = line[..end]
                .iter()
                .rposition(|&b| b < 0x80)
                .map_or(0, |i| i + 1);
            utf8_reads_better(&line[cluster_start.max(start)..end], line.get(end).copied())
        };
        let end = match start_stands {
            false => None,
            true if any_end.0 > safe_end.0 && any_end.1 >= 2 && end_stands(any_end.0) => {
                Some(any_end)
            }
            true => Some(safe_end),
        };
        match end {
            Some((end, multibyte)) if multibyte >= 2 => {
                stretches.push(start..end);
                i = end;
            }
            // Skip this non-ASCII cluster.
            _ => i += non_ascii_len(&line[i..]),
        }
    }
    stretches
}

/// The first place from `from` where a stretch of UTF-8 could start: a
/// UTF-8 lead byte and a continuation byte, at the start of a non-ASCII
/// cluster. (Legacy lines have few: one tight loop finds them, where a
/// cluster at a time would stop at every trail byte of Big5 that is ASCII.)
fn next_stretch_start(line: &[u8], from: usize) -> Option<usize> {
    let mut before = match from.checked_sub(1) {
        Some(at) => line[at],
        None => 0,
    };
    for (at, pair) in line.get(from..)?.windows(2).enumerate() {
        if before < 0x80 && (0xC2..=0xF4).contains(&pair[0]) && (0x80..=0xBF).contains(&pair[1]) {
            return Some(from + at);
        }
        before = pair[0];
    }
    None
}

/// How many bytes at the start of `bytes` are not ASCII, read a word at a
/// time (legacy lines are mostly such bytes).
fn non_ascii_len(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        if word & HIGH_BITS != HIGH_BITS {
            break;
        }
        at += 8;
    }
    at + bytes[at..].iter().take_while(|&&b| b >= 0x80).count()
}

/// Whether `cluster` (valid UTF-8), followed by the ASCII byte `next`, reads
/// better as UTF-8 than as any legacy encoding, where `next` may be a trail
/// byte, by at least `UTF8_BOUNDARY_MARGIN`.
const UTF8_BOUNDARY_MARGIN: u64 = 8;

fn utf8_reads_better(cluster: &[u8], next: Option<u8>) -> bool {
    let Ok(text) = std::str::from_utf8(cluster) else {
        return false;
    };
    let mut with_next = cluster.to_vec();
    with_next.extend(next);
    let next_cost = next.map_or(0, |b| Plausibility::of(&char::from(b).to_string()).cost);
    let as_utf8 = Plausibility::of(text).cost + next_cost;
    // (Two or more three-byte characters in a row are evidence; one alone
    // is not: Big5 `蝟起` is `糰_`.)
    let three_byte = match cluster.iter().filter(|&&b| b >= 0xE0).count() as u64 {
        0 | 1 => 0,
        n => n,
    };
    LEGACY.iter().all(|&encoding| {
        as_utf8 + UTF8_BOUNDARY_MARGIN
            < text_cost(&with_next, encoding) + UTF8_THREE_BYTE_PRIOR * three_byte
    })
}

/// The length of a valid UTF-8 character at the start of `bytes`.
fn utf8_char_len(bytes: &[u8]) -> Option<usize> {
    let len = match *bytes.first()? {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let slice = bytes.get(..len)?;
    std::str::from_utf8(slice).ok().map(|_| len)
}

/// The most plausible legacy reading of `bytes`, with a confidence from the
/// margin over the next best.
fn best_reading(bytes: &[u8]) -> (&'static Encoding, f32) {
    best_reading_in(bytes, None)
}

/// East Asian languages, each with its own legacy encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    Chinese,
    Japanese,
    Korean,
}

impl Language {
    /// The language of a text, if it has enough East Asian characters to
    /// tell.
    fn of(score: &Plausibility) -> Option<Language> {
        let (han, kana, hangul) = (score.han, score.kana, score.hangul);
        if han + kana + hangul < MIN_LANGUAGE_EVIDENCE {
            return None;
        }
        match () {
            _ if hangul * 2 > han + kana => Some(Language::Korean),
            _ if kana * 8 > han && hangul == 0 => Some(Language::Japanese),
            _ if kana == 0 && hangul == 0 => Some(Language::Chinese),
            _ => None,
        }
    }

    /// The language whose text `encoding` encodes, for the East Asian ones.
    fn of_encoding(encoding: &'static Encoding) -> Option<Language> {
        match encoding {
            e if e == GBK || e == GB18030 || e == BIG5 => Some(Language::Chinese),
            e if e == SHIFT_JIS || e == EUC_JP => Some(Language::Japanese),
            e if e == EUC_KR => Some(Language::Korean),
            _ => None,
        }
    }
}

/// How many East Asian characters a file's UTF-8 text needs to tell its
/// language.
const MIN_LANGUAGE_EVIDENCE: u32 = 8;

/// [`best_reading`], where the rest of the file is in `language`: a reading
/// in another East Asian language pays `MISSING_SCRIPT_COST` a character.
fn best_reading_in(bytes: &[u8], language: Option<Language>) -> (&'static Encoding, f32) {
    if bytes.is_empty() {
        return (GBK, 1.0);
    }
    let mut costs: Vec<(&'static Encoding, u64)> = LEGACY
        .iter()
        .map(|&encoding| {
            let text = encoding.decode_without_bom_handling(bytes).0;
            let score = Plausibility::of(&text);
            let foreign = match (language, Language::of_encoding(encoding)) {
                (Some(file), Some(own)) if file != own => {
                    MISSING_SCRIPT_COST * u64::from(score.non_ascii)
                }
                _ => 0,
            };
            (encoding, score_cost(&score, encoding) + foreign)
        })
        .collect();
    costs.sort_by_key(|&(_, cost)| cost);
    let margin = (costs[1].1 - costs[0].1) as f64 / bytes.len() as f64;
    (costs[0].0, (margin / (margin + 1.0)) as f32)
}

/// The plausibility cost of the text `bytes` read with `encoding` give.
fn text_cost(bytes: &[u8], encoding: &'static Encoding) -> u64 {
    Plausibility::of(&encoding.decode_without_bom_handling(bytes).0).cost
}

/// The plausibility cost of reading `bytes` with `encoding`, as the
/// encoding of a whole text.
///
/// Japanese text almost always has kana, and Korean text Hangul: a Japanese
/// or Korean reading without any (only kanji or hanja, say, from Chinese
/// bytes; or stray kanji from accented Latin letters) pays for every
/// non-ASCII character.
fn reading_cost(bytes: &[u8], encoding: &'static Encoding) -> u64 {
    cost_as_reading(&encoding.decode_without_bom_handling(bytes).0, encoding)
}

/// The plausibility cost of `text`, as what reading a whole text with
/// `encoding` gave (see [`reading_cost`]).
fn cost_as_reading(text: &str, encoding: &'static Encoding) -> u64 {
    score_cost(&Plausibility::of(text), encoding)
}

/// [`cost_as_reading`] of a text already scored.
fn score_cost(score: &Plausibility, encoding: &'static Encoding) -> u64 {
    // Japanese text almost always has kana, and Korean text Hangul. Modern
    // Korean text rarely uses hanja, while Chinese bytes read as EUC-KR give
    // a mix of Hangul and hanja. Chinese text rarely uses kana, while
    // Japanese bytes read as GBK or Big5 keep theirs (both put kana where
    // EUC-JP does) with the kanji between them garbled.
    let (needed, foreign) = match encoding {
        e if e == SHIFT_JIS || e == EUC_JP => (Some(score.kana), 0),
        e if e == EUC_KR => (Some(score.hangul), score.han),
        e if e == GBK || e == BIG5 => (None, score.kana),
        _ => (None, 0),
    };
    let missing = match needed {
        Some(0) => MISSING_SCRIPT_COST * u64::from(score.non_ascii),
        _ => 0,
    };
    score.cost + missing + FOREIGN_SCRIPT_COST * u64::from(foreign)
}

/// The extra cost of hanja in a Korean reading and of kana in a Chinese one.
const FOREIGN_SCRIPT_COST: u64 = 4;

/// The extra cost per non-ASCII character of a Japanese reading without
/// kana or a Korean one without Hangul.
const MISSING_SCRIPT_COST: u64 = 8;

/// The state of a [`RunDecoder`] to return to.
struct Checkpoint {
    text: usize,
    chars: usize,
    runs: usize,
    last_run: Option<Run>,
    undecodable: usize,
    weighted_confidence: f64,
}

/// What an undecodable byte costs in a reading (as U+FFFD does).
const UNDECODABLE_COST: u64 = 40;

/// The most input decoded in one step (bounding the scratch buffer).
const SCRATCH_BYTES: usize = 64 * 1024;

/// Accumulates the decoded runs.
struct RunDecoder {
    policy: Undecodable,
    /// Characters that GB18030 encodes in four bytes in the legacy text
    /// judged (which GBK does not have).
    four_byte_gb18030: u32,
    /// Where each step decodes to.
    scratch: String,
    text: String,
    chars: usize,
    runs: Vec<Run>,
    undecodable: Vec<usize>,
    /// Confidence weighted by bytes.
    weighted_confidence: f64,
}

impl RunDecoder {
    fn new(policy: Undecodable) -> RunDecoder {
        RunDecoder {
            policy,
            four_byte_gb18030: 0,
            scratch: String::new(),
            text: String::new(),
            chars: 0,
            runs: Vec::new(),
            undecodable: Vec::new(),
            weighted_confidence: 0.0,
        }
    }

    /// Decodes `input[range]` with `encoding` and appends it.
    fn push(
        &mut self,
        input: &[u8],
        range: Range<usize>,
        encoding: &'static Encoding,
        confidence: f32,
    ) -> Result<(), Error> {
        let start_len = self.text.len();
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut src = &input[range.clone()];
        let mut offset = range.start;
        loop {
            // Decoded through a scratch buffer the size of this piece:
            // decoding straight into `text` would touch all of its spare
            // capacity on every call (encoding_rs initializes it), which
            // grows with the text.
            let needed = decoder
                .max_utf8_buffer_length_without_replacement(src.len().min(SCRATCH_BYTES))
                .unwrap_or(SCRATCH_BYTES * 4);
            if self.scratch.len() < needed {
                self.scratch = "\0".repeat(needed);
            }
            let (result, read, written) =
                decoder.decode_to_str_without_replacement(src, &mut self.scratch, true);
            self.text.push_str(&self.scratch[..written]);
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, after) => {
                    let bad_start = offset + read - bad as usize - after as usize;
                    let bad_bytes = &input[bad_start..bad_start + bad as usize];
                    for (at, byte) in (bad_start..).zip(bad_bytes) {
                        self.undecodable.push(at);
                        match self.policy {
                            Undecodable::Replace => {}
                            Undecodable::Escape => self.text.push_str(&format!("\\x{byte:02X}")),
                            Undecodable::Error => {
                                return Err(Error::new(
                                    ErrorKind::Undecodable,
                                    format!("invalid {}", encoding.name()),
                                )
                                .at_offset(at))
                            }
                        }
                    }
                    if self.policy == Undecodable::Replace {
                        self.text.push('\u{FFFD}');
                    }
                }
            }
            src = &src[read..];
            offset += read;
        }
        let added = self.text[start_len..].chars().count();
        let chars = self.chars..self.chars + added;
        self.chars += added;
        self.weighted_confidence += confidence as f64 * range.len() as f64;
        match self.runs.last_mut() {
            Some(last) if last.encoding == encoding && last.bytes.end == range.start => {
                last.bytes.end = range.end;
                last.chars.end = chars.end;
            }
            _ => self.runs.push(Run {
                bytes: range,
                chars,
                encoding,
            }),
        }
        Ok(())
    }

    /// Where the decoder is, to judge or undo what is pushed next.
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            text: self.text.len(),
            chars: self.chars,
            runs: self.runs.len(),
            last_run: self.runs.last().cloned(),
            undecodable: self.undecodable.len(),
            weighted_confidence: self.weighted_confidence,
        }
    }

    /// Undoes everything pushed since `checkpoint`.
    fn rollback(&mut self, checkpoint: Checkpoint) {
        self.text.truncate(checkpoint.text);
        self.chars = checkpoint.chars;
        self.runs.truncate(checkpoint.runs);
        if let (Some(run), Some(last)) = (checkpoint.last_run, self.runs.last_mut()) {
            *last = run;
        }
        self.undecodable.truncate(checkpoint.undecodable);
        self.weighted_confidence = checkpoint.weighted_confidence;
    }

    fn finish(self, total: usize) -> Decoded<'static> {
        // The main encoding: the one with the most non-ASCII bytes.
        let mut weights: Vec<(&'static Encoding, usize)> = Vec::new();
        for run in &self.runs {
            let weight = run.bytes.len();
            match weights.iter_mut().find(|(e, _)| *e == run.encoding) {
                Some((_, w)) => *w += weight,
                None => weights.push((run.encoding, weight)),
            }
        }
        let encoding = weights
            .iter()
            .max_by_key(|&&(_, w)| w)
            .map_or(UTF_8, |&(e, _)| e);
        // GB18030 decodes GBK; name it by what was used.
        let encoding = match encoding == GBK && self.four_byte_gb18030 > 0 {
            true => GB18030,
            false => encoding,
        };
        Decoded {
            text: Cow::Owned(self.text),
            encoding,
            confidence: match total {
                0 => 1.0,
                _ => (self.weighted_confidence / total as f64) as f32,
            },
            runs: self.runs,
            undecodable: self.undecodable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn gb18030_is_named_by_its_four_byte_characters() {
        let two_byte = encode("中文和汉字", GB18030);
        assert_eq!(decode(&two_byte).encoding, GBK);
        let four_byte = encode("中文和\u{3400}汉字😀", GB18030);
        let decoded = decode(&four_byte);
        assert_eq!(decoded.text, "中文和\u{3400}汉字😀");
        assert_eq!(decoded.encoding, GB18030);
        // Also far into a long line, past the start that is judged.
        let long = format!("{}\u{3400}\n", "中文和汉字".repeat(40));
        assert_eq!(decode(&encode(&long, GB18030)).encoding, GB18030);
    }

    #[test]
    fn valid_utf8_stays_utf8() {
        let decoded = decode("中文 text".as_bytes());
        assert_eq!(decoded.text, "中文 text");
        assert_eq!(decoded.encoding, UTF_8);
        assert_eq!(decoded.confidence, 1.0);
    }

    #[test]
    fn a_bom_wins() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("中文".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, "中文");
        assert_eq!(decoded.encoding, UTF_16LE);
    }

    #[test]
    fn utf16_without_bom_is_found_by_its_nuls() {
        let bytes: Vec<u8> = "hello 中文 world"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, "hello 中文 world");
        assert_eq!(decoded.encoding, UTF_16BE);
    }

    #[test]
    fn utf16_without_bom_or_nuls_is_found_by_plausibility_of_the_whole() {
        let text = "中文的文本，没有字节顺序标记。".repeat(200);
        let little: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(utf16_by_plausibility(&little), Some(UTF_16LE));
        assert_eq!(decode(&little).text, text);
        // Past the sample, an unpaired surrogate: the whole does not decode.
        let mut broken = little.clone();
        broken.extend_from_slice(&0xD800u16.to_le_bytes());
        broken.extend_from_slice(&little[..2]);
        assert_eq!(utf16_by_plausibility(&broken), None);
        // UTF-8 cut inside its last character is no UTF-16.
        let mut stray = text.as_bytes().to_vec();
        stray.extend_from_slice(&"中".as_bytes()[..2]);
        assert_eq!(stray.len() % 2, 0);
        assert_eq!(utf16_by_plausibility(&stray), None);
    }

    #[test]
    fn legacy_encodings_are_told_apart() {
        let cases = [
            ("我们今天发布了新版本，欢迎大家下载使用。", GBK),
            ("我們今天發佈了新版本，歡迎大家下載使用。", BIG5),
            ("今日は新しいバージョンを公開しました。", SHIFT_JIS),
            ("오늘 새 버전을 발표했습니다. 많이 사용해 주세요.", EUC_KR),
            ("Le café était déjà fermé à côté de l'hôtel.", WINDOWS_1252),
        ];
        for (text, encoding) in cases {
            let bytes = encode(text, encoding);
            let decoded = decode(&bytes);
            assert_eq!(decoded.text, text, "{}", encoding.name());
            assert_eq!(decoded.encoding, encoding);
        }
    }

    #[test]
    fn mixed_lines_decode_each_right() {
        let mut bytes = encode("第一行是GBK编码的文字\n", GBK);
        bytes.extend("第二行是UTF-8的文字\n".as_bytes());
        bytes.extend(encode("第三行又是GBK编码\n", GBK));
        let decoded = decode(&bytes);
        assert_eq!(
            decoded.text,
            "第一行是GBK编码的文字\n第二行是UTF-8的文字\n第三行又是GBK编码\n"
        );
        let encodings: Vec<_> = decoded.runs.iter().map(|r| r.encoding).collect();
        assert_eq!(encodings, [GBK, UTF_8, GBK]);
        assert_eq!(
            decoded.runs[1].bytes.start,
            encode("第一行是GBK编码的文字\n", GBK).len()
        );
    }

    /// Bytes of `parts`, each `(text, encoding)`.
    fn mixed(parts: &[(&str, &'static Encoding)]) -> Vec<u8> {
        parts
            .iter()
            .flat_map(|&(text, e)| encode(text, e))
            .collect()
    }

    #[test]
    fn legacy_runs_that_are_valid_utf8_are_judged_apart() {
        // GBK `之一(小写)` is valid UTF-8 (`֮һ(Сд)`), and sits between UTF-8
        // text and the rest of the GBK run.
        let bytes = mixed(&[
            ("红玉软，暖香薄。=", UTF_8),
            ("之一(小写)。", GBK),
            (", 、有\n", UTF_8),
        ]);
        assert_eq!(decode(&bytes).text, "红玉软，暖香薄。=之一(小写)。, 、有\n");
        // Big5 `蝟起` reads `糰_` as UTF-8 (with `_` a trail byte).
        let bytes = mixed(&[
            ("便合早、秣驺脂毂。=", UTF_8),
            ("蝟起能高臥，只箇逍遙是謫仙。", BIG5),
            ("=分散。\n", UTF_8),
        ]);
        assert_eq!(
            decode(&bytes).text,
            "便合早、秣驺脂毂。=蝟起能高臥，只箇逍遙是謫仙。=分散。\n"
        );
        // Big5 `隤。` after a trail byte reads `誡C` as UTF-8.
        let bytes = mixed(&[
            ("何妨一见=", UTF_8),
            ("陽山鳥路出臨武，驛馬拒地驅頻隤。", BIG5),
            ("] 一旦建立, 在\n", UTF_8),
        ]);
        assert_eq!(
            decode(&bytes).text,
            "何妨一见=陽山鳥路出臨武，驛馬拒地驅頻隤。] 一旦建立, 在\n"
        );
    }

    #[test]
    fn the_files_language_decides_short_legacy_runs() {
        // GBK `杜甫` reads as EUC-KR `뗘를` too; the file is Chinese.
        let bytes = mixed(&[
            ("的相关资料要上哪儿找？] ", UTF_8),
            ("杜甫", GBK),
            (" \"只恐芳菲过。\n", UTF_8),
        ]);
        let decoded = decode(&bytes);
        assert_eq!(
            decoded.text,
            "的相关资料要上哪儿找？] 杜甫 \"只恐芳菲过。\n"
        );
        assert!(decoded.runs.iter().any(|run| run.encoding == GBK));
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let decoded = decode(b"\xe6\xb1\x89\xe5\xad\x97\xff\xe8\xbd\xac\xe6\x8d\xa2\n");
        assert_eq!(decoded.text, "汉字\u{FFFD}转换\n");
        assert_eq!(decoded.encoding, UTF_8);
        assert_eq!(decoded.undecodable, [6]);
    }

    #[test]
    fn undecodable_bytes_follow_the_policy() {
        // A GBK lead byte cut off by the end of the input.
        let bytes = [&encode("中文", GBK)[..], b"\xD6"].concat();
        let replaced = decode(&bytes);
        assert_eq!(replaced.text, "中文\u{FFFD}");
        assert_eq!(replaced.undecodable, [4]);
        let options = |undecodable| DecodeOptions {
            undecodable,
            encoding: None,
        };
        let escaped = decode_with(&bytes, &options(Undecodable::Escape)).unwrap();
        assert_eq!(escaped.text, "中文\\xD6");
        let error = decode_with(&bytes, &options(Undecodable::Error)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Undecodable);
        assert_eq!(error.to_string(), "invalid GBK at byte 4");
        assert_eq!(error.byte_offset(), Some(4));
    }
}
