//! Converting one input on all cores: the text is cut where the library says
//! pieces convert independently (`Converter::split_point`), a batch of
//! pieces is converted in parallel, and the results are written in order.
//! Memory stays bounded by the batch, whatever the input's size.

use std::io::{ErrorKind, Read, Write};

use zhfix::Converter;

use super::output::write_failure;
use super::Failure;

/// The size of a piece handed to one thread.
const PIECE: usize = 1 << 21;

/// Reads UTF-8 text from `reader`, converts it with `threads` threads and
/// writes it to `writer`. `name` labels errors.
pub(crate) fn convert(
    converter: &Converter,
    mut reader: impl Read,
    writer: &mut dyn Write,
    threads: usize,
    name: &str,
) -> Result<(), Failure> {
    let mut text = Utf8Reader::default();
    let mut pending = String::new();
    loop {
        let mut pieces: Vec<String> = Vec::with_capacity(threads);
        let mut at_end = false;
        while pieces.len() < threads && !at_end {
            while pending.len() < PIECE && !at_end {
                at_end = !text.read_into(&mut reader, &mut pending, name)?;
            }
            let cut = match at_end {
                true => pending.len(),
                // No cut yet (rare): read on; `split_point` finds one once
                // the text is long enough.
                false => match converter.split_point(&pending) {
                    Some(cut) => cut,
                    None => {
                        at_end = !text.read_into(&mut reader, &mut pending, name)?;
                        continue;
                    }
                },
            };
            let rest = pending.split_off(cut);
            pieces.push(std::mem::replace(&mut pending, rest));
        }
        let outputs: Vec<String> = match pieces.len() {
            0 => Vec::new(),
            1 => vec![converter.convert(&pieces[0])],
            _ => std::thread::scope(|scope| {
                let handles: Vec<_> = pieces
                    .iter()
                    .map(|piece| scope.spawn(|| converter.convert(piece)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            }),
        };
        for output in outputs {
            writer.write_all(output.as_bytes()).map_err(write_failure)?;
        }
        if at_end {
            return Ok(());
        }
    }
}

/// Decodes UTF-8 read in blocks, keeping a character split between reads.
#[derive(Default)]
struct Utf8Reader {
    carry: Vec<u8>,
    offset: u64,
}

impl Utf8Reader {
    /// Appends the next block of text to `out`; false at the end of input.
    fn read_into(
        &mut self,
        reader: &mut impl Read,
        out: &mut String,
        name: &str,
    ) -> Result<bool, Failure> {
        let mut buffer = std::mem::take(&mut self.carry);
        let kept = buffer.len();
        buffer.resize(kept + PIECE, 0);
        let read = loop {
            match reader.read(&mut buffer[kept..]) {
                Ok(read) => break read,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Failure::runtime(format!("{name}: read error: {e}"))),
            }
        };
        buffer.truncate(kept + read);
        let valid = match std::str::from_utf8(&buffer) {
            Ok(_) => buffer.len(),
            Err(e) if e.error_len().is_none() && read > 0 => e.valid_up_to(),
            Err(e) => {
                return Err(Failure::runtime(format!(
                    "{name}: invalid UTF-8 at byte {}",
                    self.offset + e.valid_up_to() as u64
                )))
            }
        };
        self.carry = buffer.split_off(valid);
        self.offset += valid as u64;
        // `buffer` is now exactly the valid prefix.
        out.push_str(std::str::from_utf8(&buffer).unwrap_or_default());
        Ok(read > 0)
    }
}
