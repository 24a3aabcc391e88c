//! Converting text that arrives in pieces, with output identical to
//! converting it whole.
//!
//! A piece can be converted on its own once it ends just after a *boundary
//! character*: one that occurs in no key of any table the conversion uses, so
//! no match, and no segment that a later stage could match across, can span
//! it. Line breaks, spaces and most punctuation are such characters. The one
//! other thing that reaches forward is an ideographic description sequence,
//! which OpenCC copies whole; it spans at most 64 code points, so a cut must
//! not follow an IDS operator that closely.

use std::io::{ErrorKind as IoErrorKind, Read, Write};

use super::{engine, Converter};
use crate::error::{Error, ErrorKind};

/// How far (in code points) an ideographic description sequence reaches.
const IDS_REACH: usize = 64;

/// Text buffered beyond this size without a boundary character makes the
/// chunked converter look for a cut by matching (see `Converter::split_point`).
const MATCHING_SEARCH_FROM: usize = 64 * 1024;

impl Converter {
    /// The largest position `p` (0 < `p` < `text.len()`) at which `text`
    /// can be cut so that converting `text[..p]` and the rest separately gives
    /// exactly the output of converting the whole, whatever text may follow.
    /// `None` when there is none yet.
    ///
    /// Use it to convert a large text in parallel pieces, or in bounded
    /// memory. [`ChunkedConverter`] does the latter.
    ///
    /// ```
    /// use zhfix::{Config, Converter};
    ///
    /// let converter = Converter::new(Config::S2t);
    /// let text = "头发干了。她说：头发";
    /// let cut = converter.split_point(text).unwrap();
    /// let (left, right) = text.split_at(cut);
    /// assert_eq!(
    ///     converter.convert(left) + &converter.convert(right),
    ///     converter.convert(text)
    /// );
    /// ```
    pub fn split_point(&self, text: &str) -> Option<usize> {
        self.boundary_split(text, 0)
            .or_else(|| self.matching_split(text))
    }

    /// The last cut just after a boundary character at or after `from`, not
    /// within an ideographic description sequence's reach.
    fn boundary_split(&self, text: &str, from: usize) -> Option<usize> {
        let from = floor_char_boundary(text, from);
        let mut candidates = text[from..]
            .char_indices()
            .rev()
            .filter(|&(_, c)| self.is_boundary_char(c))
            .map(|(i, c)| from + i + c.len_utf8())
            .filter(|&cut| cut < text.len());
        candidates.find(|&cut| {
            !text[..cut]
                .chars()
                .rev()
                .take(IDS_REACH)
                .any(|c| ('\u{2FF0}'..='\u{2FFF}').contains(&c))
        })
    }

    /// A cut where matching decides it: a segment boundary, or a position
    /// where every stage of the chain lands, over the text after the last
    /// segment matched. Only positions far enough from the end count, since
    /// more text cannot change the matching before them. Handles text without
    /// boundary characters, for configs whose normalization maps single
    /// characters (all built-in ones) and without user dictionaries.
    fn matching_split(&self, text: &str) -> Option<usize> {
        let plan = &*self.plan;
        // Smart segmentation's split depends on word frequencies, not on
        // where matching lands: it is cut at boundary characters only.
        if plan.smart.is_some()
            || plan.user.is_some()
            || plan.normalization.iter().any(|t| t.max_key_chars() > 1)
        {
            return None;
        }
        let normalized = self.normalize(text);
        let longest_key = plan
            .segmentation
            .iter()
            .chain(&plan.chain)
            .map(|t| t.max_key_chars())
            .max()
            .unwrap_or(0);
        let margin = longest_key + IDS_REACH + 1;
        let final_before = |stage_text: &str| -> Option<usize> {
            stage_text
                .char_indices()
                .rev()
                .nth(margin)
                .map(|(at, _)| at)
        };
        let limit = final_before(&normalized)?;

        // Segment boundaries; the text after the last one is a single
        // (unmatched) segment that the chain converts as a whole.
        let boundaries = match &plan.segmentation {
            Some(table) => engine::match_boundaries(&table.view(), &normalized),
            None => Vec::new(),
        };
        let run = boundaries.last().copied().unwrap_or(0);
        let mut cut = boundaries.into_iter().filter(|&b| b <= limit).max();

        // Within that segment: positions where each stage lands, followed
        // through the stages' outputs.
        if run < limit {
            let mut stage_text = normalized[run..].to_string();
            // Candidates: (position in the segment, position in stage_text).
            let mut candidates: Vec<(usize, usize)> = Vec::new();
            for (index, table) in plan.chain.iter().enumerate() {
                let (output, landings) = engine::convert_with_landings(&table.view(), &stage_text);
                let stage_limit = final_before(&stage_text).unwrap_or(0);
                // Landings come in increasing order of position.
                let landed: Vec<(usize, usize)> = landings
                    .into_iter()
                    .take_while(|&(at, _)| at <= stage_limit)
                    .collect();
                candidates = match index {
                    0 => landed,
                    _ => candidates
                        .into_iter()
                        .filter_map(|(origin, at)| {
                            let found = landed.binary_search_by_key(&at, |&(a, _)| a).ok()?;
                            Some((origin, landed[found].1))
                        })
                        .collect(),
                };
                stage_text = output;
            }
            let inside = candidates
                .into_iter()
                .map(|(origin, _)| run + origin)
                .filter(|&at| at <= limit)
                .max();
            cut = cut.max(inside);
        }
        let cut = cut.filter(|&c| c > 0 && c < normalized.len())?;
        // Normalization maps characters one to one: cut after as many.
        let chars = normalized[..cut].chars().count();
        text.char_indices().nth(chars).map(|(i, _)| i)
    }
}

/// The largest character boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Converts text pushed in pieces; the concatenated output equals
/// [`Converter::convert`] of the concatenated input, whatever the pieces.
///
/// ```
/// use zhfix::{Config, Converter};
///
/// let converter = Converter::new(Config::S2t);
/// let mut chunked = converter.chunked();
/// let mut out = String::new();
/// for piece in ["头", "发干", "了。\n头发"] {
///     chunked.push(piece, &mut out);
/// }
/// chunked.finish(&mut out);
/// assert_eq!(out, converter.convert("头发干了。\n头发"));
/// ```
pub struct ChunkedConverter<'c> {
    converter: &'c Converter,
    pending: String,
    /// How much of `pending` is known to hold no boundary cut.
    scanned: usize,
    /// The size of `pending` at which to try a matching cut again.
    next_matching_search: usize,
}

impl<'c> ChunkedConverter<'c> {
    pub(crate) fn new(converter: &'c Converter) -> ChunkedConverter<'c> {
        ChunkedConverter {
            converter,
            pending: String::new(),
            scanned: 0,
            next_matching_search: MATCHING_SEARCH_FROM,
        }
    }

    /// Adds a piece of text and appends whatever can already be converted to
    /// `out`.
    pub fn push(&mut self, piece: &str, out: &mut String) {
        self.pending.push_str(piece);
        // Cuts already rejected stay rejected: only an IDS operator before
        // them matters, and that does not change.
        let from = self.scanned.saturating_sub(IDS_REACH * 4);
        let mut cut = self.converter.boundary_split(&self.pending, from);
        if cut.is_none() && self.pending.len() >= self.next_matching_search {
            cut = self.converter.matching_split(&self.pending);
            // Searching again only once the text has doubled keeps the
            // work linear when no cut exists.
            self.next_matching_search = self.pending.len() * 2;
        }
        match cut {
            Some(cut) => {
                self.converter.convert_into(&self.pending[..cut], out);
                self.pending.drain(..cut);
                self.scanned = 0;
                self.next_matching_search = MATCHING_SEARCH_FROM;
            }
            None => self.scanned = self.pending.len(),
        }
    }

    /// Converts what is left; the converter can then be reused for new text.
    pub fn finish(&mut self, out: &mut String) {
        self.converter.convert_into(&self.pending, out);
        self.pending.clear();
        self.scanned = 0;
        self.next_matching_search = MATCHING_SEARCH_FROM;
    }

    /// The number of bytes held back, waiting for a cut.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }
}

/// Reads UTF-8 from `reader`, converts it and writes it to `writer`.
pub(crate) fn convert_stream(
    converter: &Converter,
    mut reader: impl Read,
    mut writer: impl Write,
) -> Result<(), Error> {
    let mut chunked = converter.chunked();
    let mut buffer = vec![0u8; 256 * 1024];
    // Bytes of a character split between two reads.
    let mut carry = 0;
    let mut offset = 0u64;
    let mut out = String::new();
    loop {
        let read = match reader.read(&mut buffer[carry..]) {
            Ok(read) => read,
            Err(e) if e.kind() == IoErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::new(ErrorKind::Io, format!("read error: {e}"))),
        };
        let filled = carry + read;
        let (text, valid) = match simdutf8::compat::from_utf8(&buffer[..filled]) {
            Ok(text) => (text, filled),
            Err(e) if e.error_len().is_none() && read > 0 => {
                let valid = e.valid_up_to();
                // Only a character cut short by the read is left over.
                let text = std::str::from_utf8(&buffer[..valid]).unwrap_or_default();
                (text, valid)
            }
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::InvalidUtf8,
                    format!("invalid UTF-8 at byte {}", offset + e.valid_up_to() as u64),
                ))
            }
        };
        if read == 0 {
            chunked.push(text, &mut out);
            chunked.finish(&mut out);
        } else {
            chunked.push(text, &mut out);
        }
        writer
            .write_all(out.as_bytes())
            .map_err(|e| Error::new(ErrorKind::Io, format!("write error: {e}")))?;
        out.clear();
        if read == 0 {
            break;
        }
        buffer.copy_within(valid..filled, 0);
        carry = filled - valid;
        offset += valid as u64;
    }
    writer
        .flush()
        .map_err(|e| Error::new(ErrorKind::Io, format!("write error: {e}")))
}
