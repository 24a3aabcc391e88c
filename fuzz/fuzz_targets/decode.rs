//! Decoding arbitrary bytes never panics, accounts for every byte, and with
//! the escape policy loses nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::{decode_with, DecodeOptions, Undecodable};

fuzz_target!(|data: &[u8]| {
    let decoded = zhfix::decode(data);
    let mut at = zhfix::encoding_rs::Encoding::for_bom(data).map_or(0, |(_, len)| len);
    for run in &decoded.runs {
        assert_eq!(run.bytes.start, at);
        at = run.bytes.end;
    }
    assert_eq!(at, data.len());
    let escaped = decode_with(
        data,
        &DecodeOptions {
            undecodable: Undecodable::Escape,
            encoding: None,
        },
    )
    .expect("escaping never fails");
    assert!(!escaped.text.contains('\u{FFFD}') || decoded.text.contains('\u{FFFD}'));
});
