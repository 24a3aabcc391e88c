//! GBK decoded one byte out of phase: a lead byte was lost, so every
//! character after it was read from a trail byte and the next lead byte,
//! giving private-use characters and rare ones, until an ASCII trail byte
//! (0x40..=0x7E) put the decoder back in phase as a lone ASCII letter.
//!
//! The repair re-encodes the span as GBK (with any full-width punctuation
//! that NFKC folded to ASCII unfolded: inside an out-of-phase span, ASCII
//! would have put the decoder back in phase), puts back the lost lead byte
//! the model likes best, and decodes again.

use encoding_rs::GB18030;

use super::mojibake::{decode, encode};
use crate::score::Plausibility;

/// How far before the first private-use character, and after the last, the
/// span may reach, in characters: bounding the search to `REACH * REACH *
/// 126` decodings of a short span.
const REACH: usize = 8;

/// How long the stretch between the first and last private-use character
/// may be, and how many there may be.
const MAX_STRETCH: usize = 24;
const MAX_PRIVATE_USE: usize = 4;

/// How much the repair must lower the span's cost.
const MIN_GAIN: u64 = 30;

/// A repair of part of `chars`: the part's start and end, and its text.
pub(crate) fn repair(chars: &[char]) -> Option<(usize, usize, String)> {
    let first = chars.iter().position(|&c| is_private_use(c))?;
    let last = chars.iter().rposition(|&c| is_private_use(c))?;
    // A lost byte garbles a short stretch, with a private-use character or
    // a few in it; text full of them is something else, and not worth the
    // search.
    let private_use = chars.iter().filter(|&&c| is_private_use(c)).count();
    if last - first > MAX_STRETCH || private_use > MAX_PRIVATE_USE {
        return None;
    }
    let mut best: Option<(u64, usize, usize, String)> = None;
    for start in first.saturating_sub(REACH)..=first {
        // Ends: after an ASCII letter or digit (the byte that put the
        // decoder back in phase), or at the end of the reach.
        let reach = (last + REACH + 1).min(chars.len());
        for end in last + 1..=reach {
            let back_in_phase = chars[end - 1].is_ascii_alphanumeric();
            if !back_in_phase && end != chars.len() {
                continue;
            }
            // ASCII before the end would have put the decoder in phase:
            // only full-width forms folded to ASCII can be there.
            let span: String = chars[start..end - 1]
                .iter()
                .map(|&c| unfold(c))
                .chain([chars[end - 1]])
                .collect();
            if span[..span.len() - chars[end - 1].len_utf8()].is_ascii() {
                continue;
            }
            let Some(bytes) = encode(&span, GB18030) else {
                continue;
            };
            // When the first byte is a trail byte, any lead makes one
            // character with it and the rest decodes the same whatever the
            // lead: if the rest does not decode, or has a private-use
            // character, no lead will do (and the 126 decodings are saved).
            if matches!(bytes.first(), Some(0x40..=0x7E | 0x80..=0xFE)) {
                match decode(&bytes[1..], GB18030) {
                    Some(rest) if !rest.chars().any(is_private_use) => {}
                    _ => continue,
                }
            }
            let original: String = chars[start..end].iter().collect();
            let original_cost = Plausibility::of(&original).cost;
            for lead in 0x81..=0xFEu8 {
                let mut shifted = Vec::with_capacity(bytes.len() + 1);
                shifted.push(lead);
                shifted.extend_from_slice(&bytes);
                let Some(text) = decode(&shifted, GB18030) else {
                    continue;
                };
                if text.chars().any(is_private_use) {
                    continue;
                }
                let cost = Plausibility::of(&text).cost;
                if cost + MIN_GAIN > original_cost {
                    continue;
                }
                let score = original_cost - cost;
                if best.as_ref().is_none_or(|(best, ..)| score > *best) {
                    best = Some((score, start, end, text));
                }
            }
        }
    }
    best.map(|(_, start, end, text)| (start, end, text))
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The full-width form of ASCII punctuation (which NFKC folds).
fn unfold(c: char) -> char {
    match c {
        '!'..='~' if !c.is_ascii_alphanumeric() => {
            char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
        }
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_tail_is_put_back_in_phase() {
        // The GBK bytes of `的政治本色。”濱` decoded from the second byte,
        // with `！` folded to `!` by NFKC, then `州市`.
        let chars: Vec<char> = "擔當恼\u{E49D}伪旧\u{E05E}!睘I州市".chars().collect();
        let (start, end, text) = repair(&chars).unwrap();
        assert_eq!((start, end), (2, 10));
        assert_eq!(text, "的政治本色。”濱");
    }

    #[test]
    fn text_without_private_use_characters_is_left_alone() {
        let chars: Vec<char> = "的政治本色。”濱州市".chars().collect();
        assert!(repair(&chars).is_none());
    }
}
