//! Conversion of text that arrives in pieces: `ChunkedConverter` and
//! `convert_stream` must give exactly the whole-text conversion, however the
//! input is cut, and `convert_stream` must reject invalid UTF-8 at the right
//! byte.
//!
//! Input: byte 0 picks the converter (as in the `convert` target: config,
//! rare forms, smart segmentation), byte 1
//! gives the number `k` (mod 16) of the following bytes that drive the cuts,
//! and the rest is the text.
#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use zhfix::ErrorKind;

mod shared;

use shared::converter;

/// A reader that returns 1 to 7 bytes per call, following `steps`, and
/// `Interrupted` for a step of 0xFF.
struct TinyReader<'a> {
    bytes: &'a [u8],
    steps: &'a [u8],
    step: usize,
    interrupted: bool,
}

impl Read for TinyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let control = if self.steps.is_empty() {
            3
        } else {
            self.steps[self.step % self.steps.len()]
        };
        self.step += 1;
        // Never twice in a row, so that the reader always makes progress.
        if control == 0xFF && !self.interrupted && !self.bytes.is_empty() {
            self.interrupted = true;
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        self.interrupted = false;
        let size = (control as usize % 7 + 1)
            .min(buf.len())
            .min(self.bytes.len());
        buf[..size].copy_from_slice(&self.bytes[..size]);
        self.bytes = &self.bytes[size..];
        Ok(size)
    }
}

/// Cuts `text` into pieces at char boundaries: piece `i` holds
/// `steps[i % len]` characters (0 to 255: an empty piece is allowed).
fn pieces<'t>(text: &'t str, steps: &[u8]) -> Vec<&'t str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    let mut i = 0;
    let mut empty_in_a_row = 0;
    while !rest.is_empty() {
        let mut chars = if steps.is_empty() {
            1
        } else {
            steps[i % steps.len()] as usize
        };
        i += 1;
        // Empty pieces, but not forever.
        if chars == 0 {
            empty_in_a_row += 1;
            if empty_in_a_row > steps.len() {
                chars = 1;
                empty_in_a_row = 0;
            }
        } else {
            empty_in_a_row = 0;
        }
        let end = rest
            .char_indices()
            .nth(chars)
            .map_or(rest.len(), |(at, _)| at);
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

fuzz_target!(|data: &[u8]| {
    let [selector, count, rest @ ..] = data else {
        return;
    };
    let converter = converter(*selector);
    let count = (*count as usize % 16).min(rest.len());
    let (steps, raw) = rest.split_at(count);

    // ChunkedConverter over the lossy text, cut at char boundaries.
    let text = String::from_utf8_lossy(raw);
    let whole = converter.convert(&text);
    let mut chunked = converter.chunked();
    let mut out = String::new();
    for piece in pieces(&text, steps) {
        let before = out.len();
        chunked.push(piece, &mut out);
        // What is output is final: a prefix of the whole conversion.
        assert!(
            whole.as_bytes().starts_with(out.as_bytes()),
            "chunked output is not a prefix after pushing {piece:?} (output grew from {before})\n text: {text:?}\nwhole: {whole:?}\n  out: {out:?}"
        );
    }
    chunked.finish(&mut out);
    assert!(
        out == whole,
        "chunked differs\n text: {text:?}\nwhole: {whole:?}\n  out: {out:?}"
    );
    // The chunked converter can be reused after `finish`.
    let mut again = String::new();
    chunked.push(&text, &mut again);
    chunked.finish(&mut again);
    assert!(again == whole, "reused chunked converter differs");

    // convert_stream over the raw bytes, read a few bytes at a time.
    let reader = TinyReader {
        bytes: raw,
        steps,
        step: 0,
        interrupted: false,
    };
    let mut written = Vec::new();
    let result = converter.convert_stream(reader, &mut written);
    match std::str::from_utf8(raw) {
        Ok(valid) => {
            if let Err(e) = result {
                panic!("convert_stream failed on valid UTF-8: {e}");
            }
            assert!(
                written == converter.convert(valid).as_bytes(),
                "convert_stream differs\n text: {valid:?}\nwhole: {:?}\n  out: {:?}",
                converter.convert(valid),
                String::from_utf8_lossy(&written)
            );
        }
        Err(utf8) => {
            let error = match result {
                Ok(()) => panic!("convert_stream accepted invalid UTF-8: {raw:?}"),
                Err(e) => e,
            };
            assert_eq!(error.kind(), ErrorKind::InvalidUtf8, "{error}");
            let offset = utf8.valid_up_to();
            assert_eq!(
                error.to_string(),
                format!("invalid UTF-8 at byte {offset}"),
                "input {raw:?}"
            );
            // What was written before the error is final output of the valid
            // part.
            let valid = std::str::from_utf8(&raw[..offset]).unwrap();
            let expected = converter.convert(valid);
            assert!(
                expected.as_bytes().starts_with(&written),
                "output before the error is not a prefix\n text: {valid:?}\n  out: {:?}",
                String::from_utf8_lossy(&written)
            );
        }
    }
});
