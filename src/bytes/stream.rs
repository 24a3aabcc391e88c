//! Decoding a stream piece by piece, in bounded memory.
//!
//! The stream is judged as [`decode_with`](super::decode_with) judges a whole
//! input, on what the start of it shows: a byte-order mark, UTF-16, or else
//! lines decided one by one with the file's legacy encoding (judged on the
//! first `SAMPLE_BYTES` of legacy lines) as the prior. Only complete lines
//! are decoded; an incomplete one waits for the next piece, up to
//! `MAX_PENDING` bytes.

use std::io::{Read, Write};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};

use super::{
    decode_pieces, split_runs, utf16_by_nuls, utf16_by_plausibility, DecodeOptions, Piece, Prior,
    Run, RunDecoder, Undecodable, SAMPLE_BYTES,
};
use crate::error::{Error, ErrorKind};

/// How much of the start of a stream is looked at for a byte-order mark and
/// UTF-16 before anything is decoded.
const START_BYTES: usize = 4096;

/// The most input held back: an incomplete line, or the lines waiting for
/// the file's legacy encoding to be judged. Past it, lines are cut where no
/// character can continue (at a byte below 0x40), and the encoding is judged
/// on what there is.
const MAX_PENDING: usize = 4 << 20;

/// Decodes a stream of bytes in pieces, in bounded memory.
///
/// ```
/// use zhfix::{DecodeOptions, StreamDecoder};
///
/// // "中文\n" in GBK, fed one byte at a time.
/// let bytes = b"\xd6\xd0\xce\xc4\n";
/// let mut decoder = StreamDecoder::new(DecodeOptions::default());
/// let mut text = String::new();
/// for byte in bytes {
///     decoder.feed(&[*byte], &mut text)?;
/// }
/// decoder.finish(&mut text)?;
/// assert_eq!(text, "中文\n");
/// # Ok::<(), zhfix::Error>(())
/// ```
pub struct StreamDecoder {
    options: DecodeOptions,
    state: State,
    /// Input not decoded yet.
    pending: Vec<u8>,
    /// The offset in the stream of `pending[0]`, and the characters decoded
    /// before it.
    offset: usize,
    chars: usize,
    /// How much of `pending` has been searched for line breaks, and where
    /// its complete lines end.
    searched: usize,
    complete: usize,
    /// While the file's legacy encoding is not judged yet: how much of
    /// `pending` has been cut into pieces, and the legacy bytes in them.
    scanned: usize,
    legacy_seen: usize,
}

enum State {
    /// Waiting for `START_BYTES` to judge the start on.
    Start,
    /// One encoding for the whole stream (a byte-order mark, one forced, or
    /// UTF-16), decoded by `encoding_rs`.
    Whole(Box<Decoder>),
    /// Lines, each decided on its own, with the file's prior once it is
    /// known.
    Lines(Option<Prior>),
}

impl StreamDecoder {
    /// A decoder for a new stream.
    pub fn new(options: DecodeOptions) -> StreamDecoder {
        StreamDecoder {
            options,
            state: State::Start,
            pending: Vec::new(),
            offset: 0,
            chars: 0,
            searched: 0,
            complete: 0,
            scanned: 0,
            legacy_seen: 0,
        }
    }

    /// Decodes the next piece of the stream, appending what can be decoded
    /// so far to `out`, and returns the runs decoded (with offsets in the
    /// whole stream). Fails only with [`Undecodable::Error`].
    pub fn feed(&mut self, bytes: &[u8], out: &mut String) -> Result<Vec<Run>, Error> {
        self.pending.extend_from_slice(bytes);
        self.decode(false, out)
    }

    /// Decodes what is left at the end of the stream.
    pub fn finish(&mut self, out: &mut String) -> Result<Vec<Run>, Error> {
        self.decode(true, out)
    }

    fn decode(&mut self, last: bool, out: &mut String) -> Result<Vec<Run>, Error> {
        if let State::Start = self.state {
            if self.pending.len() < START_BYTES && !last {
                return Ok(Vec::new());
            }
            self.state = self.judge_start();
        }
        match &mut self.state {
            State::Start => unreachable!("judged above"),
            State::Whole(decoder) => {
                let decoder = decoder.as_mut();
                let run = decode_whole(decoder, &self.pending, last, self.options.undecodable, out)
                    .map_err(|e| e.shifted(self.offset))?;
                let added = run.chars().count();
                let runs = vec![Run {
                    bytes: self.offset..self.offset + self.pending.len(),
                    chars: self.chars..self.chars + added,
                    encoding: decoder.encoding(),
                }];
                self.offset += self.pending.len();
                self.chars += added;
                self.pending.clear();
                Ok(runs)
            }
            State::Lines(prior) => {
                // Complete lines, or a cut where no character continues when
                // a line is too long. (Only new bytes are searched, and only
                // new lines scanned while waiting: feeding a byte at a time
                // stays linear.)
                let searched = std::mem::replace(&mut self.searched, self.pending.len());
                if let Some(at) = memchr::memrchr(b'\n', &self.pending[searched..]) {
                    self.complete = searched + at + 1;
                }
                let end = match last {
                    true => self.pending.len(),
                    false if self.complete > 0 => self.complete,
                    false if self.pending.len() > MAX_PENDING => self
                        .pending
                        .iter()
                        .rposition(|&b| b < 0x40)
                        .map_or(self.pending.len(), |at| at + 1),
                    false => return Ok(Vec::new()),
                };
                if prior.is_none() {
                    // Legacy lines: judged once there is enough of them.
                    let new = split_runs(&self.pending[self.scanned..end]);
                    self.legacy_seen += new
                        .iter()
                        .filter(|(_, kind)| *kind == Piece::Legacy)
                        .map(|(range, _)| range.len())
                        .sum::<usize>();
                    self.scanned = end;
                    let waiting = self.legacy_seen > 0
                        && self.legacy_seen < SAMPLE_BYTES
                        && self.pending.len() <= MAX_PENDING;
                    if waiting && !last {
                        return Ok(Vec::new());
                    }
                }
                let bytes = &self.pending[..end];
                let pieces = split_runs(bytes);
                if prior.is_none() && self.legacy_seen > 0 {
                    *prior = Some(Prior::of(bytes, &pieces));
                }
                let mut decoder = RunDecoder::new(self.options.undecodable);
                match prior {
                    Some(prior) => {
                        decode_pieces(bytes, &pieces, prior, &self.options, &mut decoder)
                    }
                    // Nothing but UTF-8 so far: decoded as such.
                    None => decoder.push(bytes, 0..bytes.len(), UTF_8, 1.0),
                }
                .map_err(|e| e.shifted(self.offset))?;
                let decoded = decoder.finish(end);
                let chars = decoded.runs.last().map_or(0, |run| run.chars.end);
                out.push_str(&decoded.text);
                let runs = decoded
                    .runs
                    .into_iter()
                    .map(|run| Run {
                        bytes: run.bytes.start + self.offset..run.bytes.end + self.offset,
                        chars: run.chars.start + self.chars..run.chars.end + self.chars,
                        encoding: run.encoding,
                    })
                    .collect();
                self.offset += end;
                self.chars += chars;
                self.pending.drain(..end);
                self.searched -= end;
                self.complete = self.complete.saturating_sub(end);
                self.scanned = self.scanned.saturating_sub(end);
                Ok(runs)
            }
        }
    }

    /// How to decode the stream, judged on its start.
    fn judge_start(&mut self) -> State {
        let start = &self.pending[..self.pending.len().min(START_BYTES)];
        if let Some((encoding, bom)) = Encoding::for_bom(start) {
            if self
                .options
                .encoding
                .is_none_or(|forced| forced == encoding)
            {
                self.pending.drain(..bom);
                self.offset = bom;
                return State::Whole(Box::new(encoding.new_decoder_without_bom_handling()));
            }
        }
        if let Some(encoding) = self.options.encoding {
            return State::Whole(Box::new(encoding.new_decoder_without_bom_handling()));
        }
        if std::str::from_utf8(start).is_err() {
            // An even-length start, so that UTF-16 can be judged on it.
            let even = &start[..start.len() & !1];
            if let Some(encoding) = utf16_by_nuls(even) {
                return State::Whole(Box::new(encoding.new_decoder_without_bom_handling()));
            }
            if let Some(encoding) = utf16_by_plausibility(even) {
                return State::Whole(Box::new(encoding.new_decoder_without_bom_handling()));
            }
        }
        State::Lines(None)
    }
}

/// Decodes `bytes` with a streaming `decoder`, appending to `out`; returns
/// the text added.
fn decode_whole<'a>(
    decoder: &mut Decoder,
    bytes: &[u8],
    last: bool,
    policy: Undecodable,
    out: &'a mut String,
) -> Result<&'a str, Error> {
    let start = out.len();
    let mut src = bytes;
    let mut offset = 0;
    loop {
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len() * 4 + 16);
        out.reserve(needed);
        let (result, read) = decoder.decode_to_string_without_replacement(src, out, last);
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                let bad_start = offset + read - bad as usize - after as usize;
                for (at, byte) in (bad_start..).zip(&bytes[bad_start..bad_start + bad as usize]) {
                    match policy {
                        Undecodable::Replace => {}
                        Undecodable::Escape => out.push_str(&format!("\\x{byte:02X}")),
                        Undecodable::Error => {
                            return Err(Error::new(
                                ErrorKind::Undecodable,
                                format!("invalid {}", decoder.encoding().name()),
                            )
                            .at_offset(at))
                        }
                    }
                }
                if policy == Undecodable::Replace {
                    out.push('\u{FFFD}');
                }
            }
        }
        src = &src[read..];
        offset += read;
    }
    Ok(&out[start..])
}

/// Decodes everything `reader` gives, writing UTF-8 to `writer`, in bounded
/// memory; returns the number of bytes written.
///
/// ```
/// let mut out = Vec::new();
/// // "中文" in Big5.
/// zhfix::decode_stream(&b"\xa4\xa4\xa4\xe5\n"[..], &mut out, &Default::default())?;
/// assert_eq!(out, "中文\n".as_bytes());
/// # Ok::<(), zhfix::Error>(())
/// ```
pub fn decode_stream<R: Read, W: Write>(
    mut reader: R,
    mut writer: W,
    options: &DecodeOptions,
) -> Result<u64, Error> {
    let io = |e: std::io::Error| Error::new(ErrorKind::Io, e.to_string());
    let mut decoder = StreamDecoder::new(*options);
    let mut buffer = vec![0; 64 * 1024];
    let mut text = String::new();
    let mut written = 0;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        text.clear();
        decoder.feed(&buffer[..read], &mut text)?;
        writer.write_all(text.as_bytes()).map_err(io)?;
        written += text.len() as u64;
    }
    text.clear();
    decoder.finish(&mut text)?;
    writer.write_all(text.as_bytes()).map_err(io)?;
    writer.flush().map_err(io)?;
    Ok(written + text.len() as u64)
}
