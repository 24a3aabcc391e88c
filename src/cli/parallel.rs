//! Converting one input on all cores, in bounded memory.
//!
//! A reader thread cuts the input into pieces of about `PIECE` bytes, workers
//! validate and convert the pieces, and the calling thread writes the results
//! in order. A piece ends just after a line break, which no dictionary key
//! contains, so pieces convert independently (see `Converter::split_point`);
//! a piece without a usable line break is cut where the library says.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use zhfix::Converter;

use super::coding::Coding;
use super::output::write_failure;
use super::Failure;

/// The size of a piece handed to one worker.
const PIECE: usize = 1 << 20;

/// How far back from a line break an ideographic description operator
/// (U+2FF0..U+2FFF, which can reach 64 characters forward) forbids cutting.
const IDS_REACH_BYTES: usize = 64 * 4;

/// A piece of input: its position in the input, and its bytes.
struct Piece {
    seq: u64,
    offset: u64,
    bytes: Vec<u8>,
}

/// A converted piece: its output bytes and how many lines it holds.
struct Done {
    bytes: Vec<u8>,
    lines: usize,
}

/// Why a piece could not be converted.
enum PieceError {
    Failed(Failure),
    /// A character the output encoding cannot encode, on the given line of
    /// the piece's output.
    Unencodable {
        line: usize,
        c: char,
    },
}

/// Reads UTF-8 text from `reader`, converts it with `threads` threads and
/// writes it to `writer`. `name` labels errors.
pub(crate) fn convert(
    converter: &Converter,
    reader: impl Read + Send,
    writer: &mut dyn Write,
    threads: usize,
    name: &str,
    coding: &Coding,
) -> Result<(), Failure> {
    let (piece_tx, piece_rx) = sync_channel::<Piece>(threads);
    let (done_tx, done_rx) = sync_channel::<(u64, Result<Done, PieceError>)>(threads);
    let piece_rx = Mutex::new(piece_rx);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            cut_pieces(converter, reader, name, coding, |piece| {
                piece_tx.send(piece).is_ok()
            })
        });
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let piece_rx = &piece_rx;
            scope.spawn(move || {
                work(converter, piece_rx, name, coding, |seq, result| {
                    done_tx.send((seq, result)).is_ok()
                })
            });
        }
        drop(done_tx);
        let written = write_in_order(&done_rx, writer, name, coding);
        // Dropping the receiver stops the workers and the reader early on a
        // failure.
        drop(done_rx);
        let read = reading
            .join()
            .unwrap_or_else(|_| Err(Failure::runtime(format!("{name}: the reader failed"))));
        written.and(read)
    })
}

/// Writes the converted pieces in input order; stops at the first failure.
fn write_in_order(
    done: &Receiver<(u64, Result<Done, PieceError>)>,
    writer: &mut dyn Write,
    name: &str,
    coding: &Coding,
) -> Result<(), Failure> {
    let mut next = 0;
    let mut lines = 0;
    let mut waiting = BTreeMap::new();
    for (seq, result) in done {
        waiting.insert(seq, result);
        while let Some(result) = waiting.remove(&next) {
            let piece = result.map_err(|error| match error {
                PieceError::Failed(failure) => failure,
                PieceError::Unencodable { line, c } => Failure::runtime(format!(
                    "{name}: {c:?} (U+{:04X}) on output line {} cannot be encoded in {} \
                     (--unencodable replace writes ? instead)",
                    c as u32,
                    lines + line + 1,
                    coding.output.name()
                )),
            })?;
            writer.write_all(&piece.bytes).map_err(write_failure)?;
            lines += piece.lines;
            next += 1;
        }
    }
    Ok(())
}

/// A worker: decodes, converts and encodes pieces until there are none.
fn work(
    converter: &Converter,
    pieces: &Mutex<Receiver<Piece>>,
    name: &str,
    coding: &Coding,
    mut done: impl FnMut(u64, Result<Done, PieceError>) -> bool,
) {
    loop {
        let piece = match pieces.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(piece) = piece else { return };
        let result = coding
            .decode(&piece.bytes, piece.offset)
            .map_err(|message| PieceError::Failed(Failure::runtime(format!("{name}: {message}"))))
            .and_then(|text| {
                let converted = converter.convert(&text);
                let lines = converted.matches('\n').count();
                let bytes = match coding.output == zhfix::encoding_rs::UTF_8 {
                    true => converted.into_bytes(),
                    false => coding
                        .encode(&converted)
                        .map_err(|(line, c)| PieceError::Unencodable { line, c })?
                        .into_owned(),
                };
                Ok(Done { bytes, lines })
            });
        if !done(piece.seq, result) {
            return;
        }
    }
}

/// Reads the input and sends it on in pieces that convert independently.
fn cut_pieces(
    converter: &Converter,
    mut reader: impl Read,
    name: &str,
    coding: &Coding,
    mut send: impl FnMut(Piece) -> bool,
) -> Result<(), Failure> {
    let mut pending: Vec<u8> = Vec::new();
    let mut seq = 0;
    let mut offset = 0u64;
    let mut at_end = false;
    // Without a cut, `pending` grows: the line breaks already rejected are
    // not looked at again, and the library is asked again only once the
    // text has doubled, which keeps the work linear.
    let mut scanned = 0;
    let mut ask_library_at = 0;
    let mut whole = None;
    while !at_end || !pending.is_empty() {
        while pending.len() < PIECE && !at_end {
            at_end = !read_more(&mut reader, &mut pending, name)?;
        }
        // UTF-16 cannot be cut at line-break bytes: read it all, then
        // decode and convert it as one piece.
        if *whole.get_or_insert_with(|| coding.whole_input(&pending)) {
            while !at_end {
                at_end = !read_more(&mut reader, &mut pending, name)?;
            }
        }
        let mut cut = match at_end {
            true => Some(pending.len()),
            false => line_cut(&pending, scanned),
        };
        if cut.is_none() && pending.len() >= ask_library_at {
            cut = text_cut(converter, &pending);
            ask_library_at = pending.len() * 2;
        }
        let Some(cut) = cut else {
            // No cut yet: read on (the library finds one in any real text).
            scanned = pending.len();
            at_end = !read_more(&mut reader, &mut pending, name)?;
            continue;
        };
        scanned = 0;
        ask_library_at = 0;
        let rest = pending.split_off(cut);
        let bytes = std::mem::replace(&mut pending, rest);
        let length = bytes.len() as u64;
        if !send(Piece { seq, offset, bytes }) {
            return Ok(());
        }
        seq += 1;
        offset += length;
    }
    Ok(())
}

/// Appends up to `PIECE` more bytes; false at the end of input.
fn read_more(reader: &mut impl Read, pending: &mut Vec<u8>, name: &str) -> Result<bool, Failure> {
    let start = pending.len();
    pending.resize(start + PIECE, 0);
    let read = loop {
        match reader.read(&mut pending[start..]) {
            Ok(read) => break read,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::runtime(format!("{name}: read error: {e}"))),
        }
    };
    pending.truncate(start + read);
    Ok(read > 0)
}

/// Just after the last line break at or after `from` that no ideographic
/// description operator precedes closely. (A line break never occurs inside
/// a UTF-8 sequence, so this needs no decoding.)
fn line_cut(bytes: &[u8], from: usize) -> Option<usize> {
    let from = from.saturating_sub(1);
    memchr::memrchr_iter(b'\n', &bytes[from..])
        .map(|at| from + at + 1)
        .find(|&cut| {
            let before = &bytes[cut.saturating_sub(IDS_REACH_BYTES)..cut];
            !before
                .windows(3)
                .any(|w| w[0] == 0xE2 && w[1] == 0xBF && w[2] >= 0xB0)
        })
}

/// A cut chosen by the library, in text without line breaks. (For text in a
/// legacy encoding, the UTF-8 prefix is usually short and gives none: such
/// text is cut at line breaks only.)
fn text_cut(converter: &Converter, bytes: &[u8]) -> Option<usize> {
    // Up to the last complete character; an invalid sequence stops there
    // too and is reported by the worker that gets it.
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    converter.split_point(valid)
}
