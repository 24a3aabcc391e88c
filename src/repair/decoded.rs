//! The reverse of a legacy decoder: for each BMP character, the byte
//! sequence (one or two bytes, as a big-endian `u16`; 0 for none) that
//! decodes to it. Shared with `build.rs`, which makes the tables of
//! GB18030, Big5 and Shift_JIS at build time (decoding 32,000 sequences
//! per encoding took a process some 10 ms, paid by every `zhfix fix` whose
//! text had a single suspect character).

use encoding_rs::{Encoding, BIG5};

/// Where several sequences decode to one character, the first wins, as in
/// the encoders.
// (Made by build.rs; the library only checks them against it, in tests.)
#[cfg_attr(not(test), allow(dead_code))]
pub fn reverse_of_decoder(encoding: &'static Encoding) -> Vec<u16> {
    let mut table = vec![0u16; 0x10000];
    let mut record = |code: u16, bytes: &[u8]| {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            let mut chars = text.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if let Some(slot) = table.get_mut(c as usize) {
                    // Big5 proper (leads 0xA1 and up) over the HKSCS codes
                    // below that repeat some of its characters (Cyrillic,
                    // kana, circled digits): Big5 text, and GBK read as
                    // Big5, have the former.
                    let proper = |code: u16| encoding != BIG5 || code >> 8 >= 0xA1;
                    if !c.is_ascii() && (*slot == 0 || (!proper(*slot) && proper(code))) {
                        *slot = code;
                    }
                }
            }
        }
    };
    for single in 0x80..=0xFFu8 {
        record(u16::from(single), &[single]);
    }
    for lead in 0x81..=0xFEu8 {
        for trail in 0x40..=0xFEu8 {
            record(u16::from_be_bytes([lead, trail]), &[lead, trail]);
        }
    }
    table
}

/// Whether a Big5 code (as [`reverse_of_decoder`] gives it) is of Big5
/// proper: its standard rows, without the rows of the ETEN extensions and
/// the user-defined areas, which decoders lay out differently.
pub fn is_big5_proper(code: u16) -> bool {
    (0xA140..=0xF9FE).contains(&code) && !(0xC6A1..=0xC8FE).contains(&code)
}
