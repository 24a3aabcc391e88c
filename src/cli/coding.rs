//! Input decoding and output encoding options, shared by the commands that
//! read and write text.

use std::borrow::Cow;

use zhfix::encoding_rs::{EncoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use zhfix::{DecodeOptions, Undecodable};

use super::Failure;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum UndecodableArg {
    /// U+FFFD for each undecodable sequence.
    Replace,
    /// `\xNN` for each undecodable byte: nothing is lost.
    Escape,
    /// Fail, naming the byte offset.
    Error,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum UnencodableArg {
    /// Fail, naming the character and its output line.
    Error,
    /// Write `?` instead.
    Replace,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Decode the input with this encoding instead of detecting it (a WHATWG
    /// label: utf-8, gbk, gb18030, big5, shift_jis, euc-jp, euc-kr,
    /// utf-16le, utf-16be, windows-1252, …).
    #[arg(long, value_name = "NAME")]
    from_encoding: Option<String>,

    /// What to do with bytes the input's encoding cannot decode.
    #[arg(long, value_enum, value_name = "POLICY", default_value = "replace")]
    undecodable: UndecodableArg,

    /// Write the output in this encoding (default: UTF-8).
    #[arg(long, value_name = "NAME")]
    to_encoding: Option<String>,

    /// What to do with characters the output encoding cannot encode.
    #[arg(long, value_enum, value_name = "POLICY", default_value = "error")]
    unencodable: UnencodableArg,
}

/// Whether `bytes` is valid UTF-8 but perhaps for a character cut at its
/// end (as the start of a file read in blocks is).
pub(crate) fn is_utf8_prefix(bytes: &[u8]) -> bool {
    // (simdutf8: every input's first 64 KiB is checked three times, which
    // with `str::from_utf8` cost 3% of a conversion's instructions.)
    match simdutf8::compat::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// The resolved options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Coding {
    pub decode: DecodeOptions,
    pub output: &'static Encoding,
    pub replace_unencodable: bool,
}

fn encoding(label: &str) -> Result<&'static Encoding, Failure> {
    Encoding::for_label(label.as_bytes())
        .ok_or_else(|| Failure::usage(format!("unknown encoding '{label}'")))
}

impl Args {
    pub fn resolve(&self) -> Result<Coding, Failure> {
        // encoding_rs has no UTF-16 encoders (`encode` writes those by hand);
        // for every other encoding, its output encoding.
        let output = match &self.to_encoding {
            Some(label) => match encoding(label)? {
                e if e == UTF_16LE || e == UTF_16BE => e,
                e => e.output_encoding(),
            },
            None => UTF_8,
        };
        Ok(Coding {
            decode: DecodeOptions {
                undecodable: match self.undecodable {
                    UndecodableArg::Replace => Undecodable::Replace,
                    UndecodableArg::Escape => Undecodable::Escape,
                    UndecodableArg::Error => Undecodable::Error,
                },
                encoding: self.from_encoding.as_deref().map(encoding).transpose()?,
            },
            output,
            replace_unencodable: matches!(self.unencodable, UnencodableArg::Replace),
        })
    }
}

impl Coding {
    /// Whether the input must be decoded whole: UTF-16 cannot be cut at
    /// line-break bytes.
    pub fn whole_input(&self, first_block: &[u8]) -> bool {
        let utf16 = |e: &'static Encoding| e == UTF_16LE || e == UTF_16BE;
        match self.decode.encoding {
            Some(forced) => utf16(forced),
            None => match Encoding::for_bom(first_block) {
                Some((bom, _)) => utf16(bom),
                None => !is_utf8_prefix(first_block) && utf16(zhfix::decode(first_block).encoding),
            },
        }
    }

    /// Decodes a piece of input that starts `offset` bytes into it; with
    /// the name of the encoding decided (of the first run, for mixed
    /// input).
    pub fn decode_named<'a>(
        &self,
        bytes: &'a [u8],
        offset: u64,
    ) -> Result<(Cow<'a, str>, &'static str), String> {
        if self.decode.encoding.is_none_or(|e| e == UTF_8) {
            if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
                return Ok((Cow::Borrowed(text), UTF_8.name()));
            }
        }
        zhfix::decode_with(bytes, &self.decode)
            .map(|decoded| {
                (
                    Cow::Owned(decoded.text.into_owned()),
                    decoded.encoding.name(),
                )
            })
            .map_err(|e| e.shifted(offset as usize).to_string())
    }

    /// Encodes converted text for output. On an unencodable character:
    /// `Err((its line within `text`, 0-based, and the character))`.
    pub fn encode<'a>(&self, text: &'a str) -> Result<Cow<'a, [u8]>, (usize, char)> {
        if self.output == UTF_8 {
            return Ok(Cow::Borrowed(text.as_bytes()));
        }
        if self.output == UTF_16LE || self.output == UTF_16BE {
            let little = self.output == UTF_16LE;
            let bytes = text
                .encode_utf16()
                .flat_map(|unit| match little {
                    true => unit.to_le_bytes(),
                    false => unit.to_be_bytes(),
                })
                .collect();
            return Ok(Cow::Owned(bytes));
        }
        let mut encoder = self.output.new_encoder();
        let mut out = Vec::with_capacity(text.len() + 16);
        let mut src = text;
        loop {
            let needed = encoder
                .max_buffer_length_from_utf8_without_replacement(src.len())
                .unwrap_or(src.len() * 4 + 16);
            out.reserve(needed);
            let (result, read) =
                encoder.encode_from_utf8_to_vec_without_replacement(src, &mut out, true);
            match result {
                EncoderResult::InputEmpty => return Ok(Cow::Owned(out)),
                EncoderResult::OutputFull => {}
                EncoderResult::Unmappable(c) => {
                    if !self.replace_unencodable {
                        let at = text.len() - src.len() + read;
                        let line = text[..at].matches('\n').count();
                        return Err((line, c));
                    }
                    out.push(b'?');
                }
            }
            src = &src[read..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utf8_prefix_may_end_inside_a_character_only() {
        let text = "头发干了".as_bytes();
        assert!(is_utf8_prefix(text));
        assert!(is_utf8_prefix(&text[..4]));
        assert!(is_utf8_prefix(b""));
        assert!(!is_utf8_prefix(&text[1..]));
        assert!(!is_utf8_prefix(b"a\xFFb"));
    }
}
