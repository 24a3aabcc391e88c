//! User dictionaries: parsing arbitrary text as an OpenCC text dictionary
//! never panics, and a converter built with it converts without panicking,
//! the same whole as cut where `split_point` says and as pushed through
//! `chunked()`.
//!
//! Input: byte 0 picks the converter as in the `convert` target (config,
//! rare forms, smart segmentation); the rest, decoded lossily as UTF-8, is
//! the dictionary up to the first NUL and the text to convert after it (or
//! the dictionary's own text when there is no NUL).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::{Config, Converter};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let input = String::from_utf8_lossy(rest);
    let (dictionary, text) = input.split_once('\0').unwrap_or((&input, &input));
    let config = Config::ALL[selector as usize % Config::ALL.len()];
    let builder = Converter::builder(config)
        .rare_forms(selector & 0x10 == 0)
        .smart(selector & 0x20 != 0);
    let Ok(builder) = builder.dictionary_text(dictionary) else {
        return;
    };
    // One more phrase through the other entry point: the text's first line.
    let first_line = text.lines().next().unwrap_or_default();
    let converter = match builder.phrase(first_line, "詞").build() {
        Ok(converter) => converter,
        Err(e) => panic!("a dictionary that parsed did not build: {e}"),
    };
    let whole = converter.convert(text);

    if let Some(cut) = converter.split_point(text) {
        assert!(cut > 0 && cut < text.len() && text.is_char_boundary(cut));
        let (left, right) = text.split_at(cut);
        let mut pieces = converter.convert(left);
        pieces.push_str(&converter.convert(right));
        assert!(pieces == whole, "cutting at {cut} changes the output");
    }

    let mut chunked = converter.chunked();
    let mut out = String::new();
    for piece in text.split_inclusive(|c: char| c == '\n' || c == '，') {
        chunked.push(piece, &mut out);
    }
    chunked.finish(&mut out);
    assert!(out == whole, "chunked differs\nwhole: {whole:?}\n  out: {out:?}");
});
