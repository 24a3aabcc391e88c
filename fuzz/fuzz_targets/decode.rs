//! Decoding arbitrary bytes never panics, accounts for every byte, and with
//! the escape policy loses nothing; streamed in pieces (cut where the first
//! byte says), it accounts for every byte too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::{decode_with, DecodeOptions, StreamDecoder, Undecodable};

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

    let piece = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut stream = StreamDecoder::new(DecodeOptions::default());
    let (mut text, mut runs) = (String::new(), Vec::new());
    for chunk in data.chunks(piece) {
        runs.extend(stream.feed(chunk, &mut text).expect("replacing never fails"));
    }
    runs.extend(stream.finish(&mut text).expect("replacing never fails"));
    let mut at = zhfix::encoding_rs::Encoding::for_bom(data).map_or(0, |(_, len)| len);
    for run in &runs {
        assert_eq!(run.bytes.start, at);
        at = run.bytes.end;
    }
    assert_eq!(at, data.len());
    assert_eq!(runs.last().map_or(0, |r| r.chars.end), text.chars().count());
});
