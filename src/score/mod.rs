//! The plausibility model: how likely a piece of text is to be what a person
//! wrote, as a cost (lower is more plausible). Decoding uses it to choose
//! between the readings of the same bytes; repair will use it to judge
//! re-decodings.
//!
//! A character's cost is about -log2 of its frequency: Han characters from
//! the frequencies of `dictionaries/hanzi/frequencies.tsv` (jieba's word list,
//! Simplified, and the same converted to Traditional), every other class of
//! character from fixed costs that make mojibake expensive: private-use
//! characters, U+FFFD, C1 controls and unassigned code points most of all.

include!(concat!(env!("OUT_DIR"), "/hanzi_costs.rs"));

/// The cost of a Han character absent from the frequency list.
const RARE_HAN: u32 = 24;

/// How plausible a text is, from the costs of its characters.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Plausibility {
    /// The summed cost of the characters.
    pub cost: u64,
    /// Han characters seen only in Simplified, or only in Traditional, text.
    pub simplified_only: u32,
    pub traditional_only: u32,
}

impl Plausibility {
    /// Scores `text`.
    pub fn of(text: &str) -> Plausibility {
        let mut score = Plausibility::default();
        for c in text.chars() {
            score.cost += match han_costs(c) {
                Some((simplified, traditional)) => {
                    match (simplified, traditional) {
                        (u8::MAX, t) if t < u8::MAX => score.traditional_only += 1,
                        (s, u8::MAX) if s < u8::MAX => score.simplified_only += 1,
                        _ => {}
                    }
                    u32::from(simplified.min(traditional))
                }
                None => class_cost(c),
            } as u64;
        }
        score
    }
}

/// Dense copies of `HANZI_COSTS` for U+3400..=U+9FFF, where nearly all Han
/// text is: one load per character instead of a search.
static SIMPLIFIED_DENSE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hanzi_simplified.bin"));
static TRADITIONAL_DENSE: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/hanzi_traditional.bin"));

/// The costs of a Han character in Simplified and in Traditional text
/// (`u8::MAX` where it does not occur), if it is one the list knows.
#[inline]
fn han_costs(c: char) -> Option<(u8, u8)> {
    let code = c as u32;
    if code < 0x3400 {
        return None;
    }
    if code <= 0x9FFF {
        let at = (code - 0x3400) as usize;
        let costs = (*SIMPLIFIED_DENSE.get(at)?, *TRADITIONAL_DENSE.get(at)?);
        return (costs != (u8::MAX, u8::MAX)).then_some(costs);
    }
    HANZI_COSTS
        .binary_search_by(|&(entry, _, _)| entry.cmp(&code))
        .ok()
        .map(|i| (HANZI_COSTS[i].1, HANZI_COSTS[i].2))
}

/// The cost of a character that is not in the Han frequency list.
fn class_cost(c: char) -> u32 {
    match c as u32 {
        0x09 | 0x0A | 0x0D | 0x20..=0x7E => 4,
        0x00..=0x1F | 0x7F => 20,
        0x80..=0x9F => 30,
        0xA0..=0xFF => 14,
        0x3000..=0x303F | 0xFF01..=0xFF5E => 7,
        0x3040..=0x30FF => 9,
        0xAC00..=0xD7A3 => 10,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => RARE_HAN,
        0xF900..=0xFAFF => 22,
        0xE000..=0xF8FF | 0xF0000..=0x10FFFF => 30,
        0xFFFD => 40,
        0x0100..=0x024F | 0x0370..=0x04FF => 14,
        0x2000..=0x206F => 8,
        0xFF61..=0xFF9F => 18,
        _ => 16,
    }
}

/// The Han script of a text, judged by the characters only one of the
/// scripts uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Simplified Chinese.
    Simplified,
    /// Traditional Chinese.
    Traditional,
    /// Both, substantially.
    Mixed,
    /// No evidence either way.
    None,
}

impl Script {
    /// Judges `text`.
    pub fn of(text: &str) -> Script {
        let score = Plausibility::of(text);
        let (s, t) = (score.simplified_only, score.traditional_only);
        match (s, t) {
            (0, 0) => Script::None,
            _ if t * 10 <= s => Script::Simplified,
            _ if s * 10 <= t => Script::Traditional,
            _ => Script::Mixed,
        }
    }

    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Script::Simplified => "simplified",
            Script::Traditional => "traditional",
            Script::Mixed => "mixed",
            Script::None => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_text_costs_less_than_mojibake() {
        let clean = Plausibility::of("你好世界，发布新版本");
        let mojibake = Plausibility::of("浣犲ソ涓栫晫锛屽彂甯冩柊鐗堟湰");
        assert!(clean.cost * 2 < mojibake.cost, "{clean:?} vs {mojibake:?}");
        let latin1 = Plausibility::of("ÄãºÃÊÀ½ç");
        assert!(Plausibility::of("你好世界").cost * 2 < latin1.cost);
    }

    #[test]
    fn scripts_are_told_apart() {
        assert_eq!(Script::of("这是简体中文的句子，说话"), Script::Simplified);
        assert_eq!(Script::of("這是繁體中文的句子，說話"), Script::Traditional);
        assert_eq!(Script::of("hello"), Script::None);
    }
}
