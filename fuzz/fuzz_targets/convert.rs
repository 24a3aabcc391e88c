//! Whole-text conversion with every config: must not panic, and cutting the
//! text where `split_point` says must not change the output.
//!
//! Input: the first byte picks the converter (its low 4 bits index
//! `Config::ALL`; bit 4 turns the rare forms off, bit 5 turns smart
//! segmentation on), the rest is the text, decoded lossily as UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
mod shared;

use shared::converter;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let converter = converter(selector);
    let text = String::from_utf8_lossy(rest);
    let whole = converter.convert(&text);

    // `convert_into` appends to what is there.
    let mut appended = String::from("前");
    converter.convert_into(&text, &mut appended);
    assert_eq!(appended.strip_prefix("前"), Some(whole.as_str()));

    if let Some(cut) = converter.split_point(&text) {
        assert!(
            cut > 0 && cut < text.len() && text.is_char_boundary(cut),
            "split_point {cut} out of range in a text of {} bytes",
            text.len()
        );
        let (left, right) = text.split_at(cut);
        let mut pieces = converter.convert(left);
        pieces.push_str(&converter.convert(right));
        assert!(
            pieces == whole,
            "cutting at {cut} changes the output\n text: {text:?}\nwhole: {whole:?}\ncut:   {pieces:?}"
        );
    }
});
