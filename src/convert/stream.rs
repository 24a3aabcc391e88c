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

use super::Converter;
use crate::error::{Error, ErrorKind};

/// How far (in code points) an ideographic description sequence reaches.
const IDS_REACH: usize = 64;

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
    /// How much of `pending` is known to hold no usable cut.
    scanned: usize,
}

impl<'c> ChunkedConverter<'c> {
    pub(crate) fn new(converter: &'c Converter) -> ChunkedConverter<'c> {
        ChunkedConverter {
            converter,
            pending: String::new(),
            scanned: 0,
        }
    }

    /// Adds a piece of text and appends whatever can already be converted to
    /// `out`.
    pub fn push(&mut self, piece: &str, out: &mut String) {
        self.pending.push_str(piece);
        match self.last_cut() {
            Some(cut) => {
                self.converter.convert_into(&self.pending[..cut], out);
                self.pending.drain(..cut);
                self.scanned = 0;
            }
            None => self.scanned = self.pending.len(),
        }
    }

    /// Converts what is left; the converter can then be reused for new text.
    pub fn finish(&mut self, out: &mut String) {
        self.converter.convert_into(&self.pending, out);
        self.pending.clear();
        self.scanned = 0;
    }

    /// The number of bytes held back, waiting for a boundary.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The last position in `pending` after which text can be converted
    /// separately.
    fn last_cut(&self) -> Option<usize> {
        let text = &self.pending;
        let mut candidates = text[self.scanned..]
            .char_indices()
            .rev()
            .filter(|&(_, c)| self.converter.is_boundary_char(c))
            .map(|(i, c)| self.scanned + i + c.len_utf8());
        candidates.find(|&cut| {
            !text[..cut]
                .chars()
                .rev()
                .take(IDS_REACH)
                .any(|c| ('\u{2FF0}'..='\u{2FFF}').contains(&c))
        })
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
        let valid = match std::str::from_utf8(&buffer[..filled]) {
            Ok(text) => text.len(),
            Err(e) if e.error_len().is_none() && read > 0 => e.valid_up_to(),
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::InvalidUtf8,
                    format!(
                        "invalid UTF-8 at byte {}",
                        offset + e.valid_up_to() as u64
                    ),
                ))
            }
        };
        let text = std::str::from_utf8(&buffer[..valid]).unwrap_or_default();
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
