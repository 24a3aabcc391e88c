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

mod standard;

pub(crate) use standard::tables as conversion_tables;
pub(crate) use standard::ScriptCounts;
pub use standard::{ScriptDetection, Standard};

include!(concat!(env!("OUT_DIR"), "/hanzi_costs.rs"));
include!(concat!(env!("OUT_DIR"), "/letter_costs.rs"));

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
    /// Characters of a few scripts, by class, and all non-ASCII ones: what
    /// decoding weighs a reading's languages by.
    pub han: u32,
    pub kana: u32,
    pub hangul: u32,
    pub non_ascii: u32,
    /// Characters outside GBK's two-byte repertoire that GB18030 encodes in
    /// four bytes (roughly: beyond the BMP, and CJK Extension A).
    pub four_byte_gb18030: u32,
}

impl Plausibility {
    /// Scores `text`.
    pub fn of(text: &str) -> Plausibility {
        let mut score = Plausibility::default();
        // The classes of the two characters before this one.
        let mut before = (Class::Other, Class::Other);
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&lead) = bytes.get(at) {
            if lead < 0x80 {
                // A run of ASCII, most text's bulk, counted in bulk; only its
                // first two characters can complete a pattern with what
                // precedes.
                let run = encoding_rs::Encoding::ascii_valid_up_to(&bytes[at..]);
                let ascii = &bytes[at..at + run];
                for &b in ascii.iter().take(2) {
                    let class = Class::of(char::from(b));
                    score.cost += u64::from(transition_cost(before, class));
                    before = (before.1, class);
                }
                if let [.., second_last, last] = ascii {
                    before = (
                        Class::of(char::from(*second_last)),
                        Class::of(char::from(*last)),
                    );
                }
                // 4 a character, 20 for controls other than tab, CR and LF
                // (a count the compiler vectorizes).
                let controls = ascii
                    .iter()
                    .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F)
                    .count();
                score.cost += 4 * run as u64 + 16 * controls as u64;
                at += run;
                continue;
            }
            score.non_ascii += 1;
            // The common case first: a run of three-byte characters in the
            // main CJK block, decoded by hand. Only the run's first character
            // can complete a pattern with what precedes.
            let run_start = at;
            while let (Some(&lead @ 0xE4..=0xE9), Some(&[second, third])) =
                (bytes.get(at), bytes.get(at + 1..at + 3))
            {
                let code = (u32::from(lead & 0x0F) << 12)
                    | (u32::from(second & 0x3F) << 6)
                    | u32::from(third & 0x3F);
                if !(0x4E00..=0x9FFF).contains(&code) {
                    break;
                }
                at += 3;
                let packed = PACKED.get((code - 0x3400) as usize).map_or(3 << 6, |&b| b);
                let scripts = packed >> 6;
                score.cost +=
                    u64::from(packed & 63) + [0, 0, 0, u64::from(RARE_HAN)][usize::from(scripts)];
                score.simplified_only += u32::from(scripts == 1);
                score.traditional_only += u32::from(scripts == 2);
            }
            if at > run_start {
                let han = ((at - run_start) / 3) as u32;
                score.non_ascii += han - 1;
                score.han += han;
                let class = Class::Wide(EastAsian::Han);
                score.cost += u64::from(transition_cost(before, class));
                before = match han {
                    1 => (before.1, class),
                    _ => (class, class),
                };
                continue;
            }
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            at += c.len_utf8();
            let class = Class::of(c);
            match class {
                Class::Wide(EastAsian::Han) => score.han += 1,
                Class::Wide(EastAsian::Kana) => score.kana += 1,
                Class::Wide(EastAsian::Hangul) => score.hangul += 1,
                _ => {}
            }
            if matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{10000}'..) {
                score.four_byte_gb18030 += 1;
            }
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
            score.cost += u64::from(transition_cost(before, class));
            before = (before.1, class);
        }
        score
    }
}

/// The pairs of Han characters seen inside words, or as collocations of
/// classical poetry (see `build.rs`).
static BIGRAMS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hanzi_bigrams.bin"));

/// Of the pairs of adjacent Han characters in `text`: how many are pairs
/// seen inside words (or poems), and how many there are. Mojibake that reads as Han
/// characters has almost none of the first.
pub(crate) fn known_pairs(text: &str) -> (u32, u32) {
    let (mut known, mut pairs) = (0, 0);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if let Some(a) = previous.filter(|_| is_han(c)) {
            pairs += 1;
            known += u32::from(is_known_pair(a, c));
        }
        previous = is_han(c).then_some(c);
    }
    (known, pairs)
}

/// Whether the Han characters `a` then `b` are a pair seen inside words,
/// or a collocation of classical poetry.
pub(crate) fn is_known_pair(a: char, b: char) -> bool {
    let dense = 0x3400..=0x9FFF;
    let (a, b) = (a as u32, b as u32);
    if !dense.contains(&a) || !dense.contains(&b) {
        return false;
    }
    let key = (a - 0x3400) << 16 | (b - 0x3400);
    let at = |i: usize| {
        let bytes = &BIGRAMS[4 * i..4 * i + 4];
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    };
    // Only the pairs that start with `a` are searched (a few dozen at
    // most, against hundreds of thousands): the swap search asks for pairs
    // at every character of a window.
    let starts = pair_starts();
    let first = (a - 0x3400) as usize;
    let (mut low, mut high) = (starts[first] as usize, starts[first + 1] as usize);
    while low < high {
        let middle = (low + high) / 2;
        match at(middle).cmp(&key) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// For each first character of the dense range (and one past its end),
/// where its pairs start in `BIGRAMS`, built once.
fn pair_starts() -> &'static [u32] {
    static STARTS: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        let count = BIGRAMS.len() / 4;
        let firsts = 0x9FFF - 0x3400 + 1;
        let mut starts = vec![0u32; firsts + 1];
        // Count the pairs of each first character, then sum up.
        for i in 0..count {
            let first = usize::from(u16::from_le_bytes([BIGRAMS[4 * i + 2], BIGRAMS[4 * i + 3]]));
            if let Some(slot) = starts.get_mut(first + 1) {
                *slot += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        starts
    })
}

/// Whether `c` is a Han character (the CJK Unified Ideographs, their
/// extensions and the compatibility ideographs).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// The cost of a single character (as part of no pattern).
pub(crate) fn char_cost(c: char) -> u32 {
    match han_costs(c) {
        Some((simplified, traditional)) => u32::from(simplified.min(traditional)),
        None => class_cost(c),
    }
}

/// The cost of a single character in text of one script: a Han character
/// costs what its frequency in that script says, and one the script does
/// not write (a Simplified form in Traditional text, or the reverse) its
/// frequency in the other plus `OTHER_SCRIPT_COST`. Text sometimes mixes
/// forms, a misreading between GBK and Big5 nearly always does.
pub(crate) fn script_cost(c: char, script: Script) -> u32 {
    let Some((simplified, traditional)) = han_costs(c) else {
        return class_cost(c);
    };
    let (own, other) = match script {
        Script::Traditional => (traditional, simplified),
        Script::Simplified => (simplified, traditional),
        Script::Mixed | Script::None => return u32::from(simplified.min(traditional)),
    };
    match own {
        u8::MAX => u32::from(other) + OTHER_SCRIPT_COST,
        own => u32::from(own),
    }
}

/// What a Han character costs extra in text of the script that does not
/// write it (see [`script_cost`]).
const OTHER_SCRIPT_COST: u32 = 8;

/// Coarse character classes, for the costs of what stands next to what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    AsciiLetter,
    /// Han, kana or Hangul: the characters of East Asian words.
    Wide(EastAsian),
    /// Accented Latin letters of Latin-1.
    Latin1Letter,
    /// Letters of the other alphabets that two-byte UTF-8 encodes (Latin
    /// extensions, IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac),
    /// by script: what legacy bytes read as UTF-8 give, a mix of them.
    Alphabet(u8),
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EastAsian {
    Han,
    Kana,
    Hangul,
}

impl Class {
    fn of(c: char) -> Class {
        match c {
            // Han first: most non-ASCII text is.
            '\u{4E00}'..='\u{9FFF}' => Class::Wide(EastAsian::Han),
            'a'..='z' | 'A'..='Z' => Class::AsciiLetter,
            '\u{C0}'..='\u{FF}' if c != '×' && c != '÷' => Class::Latin1Letter,
            '\u{100}'..='\u{24F}' => Class::Alphabet(0),
            '\u{250}'..='\u{2FF}' => Class::Alphabet(1),
            '\u{370}'..='\u{3FF}' => Class::Alphabet(2),
            '\u{400}'..='\u{52F}' => Class::Alphabet(3),
            '\u{530}'..='\u{58F}' => Class::Alphabet(4),
            '\u{590}'..='\u{5FF}' => Class::Alphabet(5),
            '\u{600}'..='\u{6FF}' | '\u{750}'..='\u{77F}' => Class::Alphabet(6),
            '\u{700}'..='\u{74F}' | '\u{780}'..='\u{7FF}' => Class::Alphabet(7),
            '\u{3040}'..='\u{30FF}' => Class::Wide(EastAsian::Kana),
            '\u{AC00}'..='\u{D7A3}' => Class::Wide(EastAsian::Hangul),
            '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' => Class::Wide(EastAsian::Han),
            _ => Class::Other,
        }
    }
}

/// What it costs for a character of class `class` to follow the classes
/// `before`: patterns people rarely write and misreadings often make.
fn transition_cost(before: (Class, Class), class: Class) -> u32 {
    use Class::*;
    match (before, class) {
        // One East Asian character inside a Latin word, as when an accented
        // letter and the next one are read as a double-byte character
        // (`t鈉he`, `l뭓rgument`).
        ((AsciiLetter, Wide(_)), AsciiLetter) => 12,
        // Accented Latin letters (or other alphabets) next to East Asian
        // characters: Chinese bytes read as Latin-1, or the reverse.
        ((_, Latin1Letter | Alphabet(_)), Wide(_)) | ((_, Wide(_)), Latin1Letter | Alphabet(_)) => {
            10
        }
        // One alphabet straight after another (`ٹӽ`, `Ϫɳ`); accented Latin
        // letters count as the Latin extensions.
        ((_, Alphabet(a)), Alphabet(b)) if a != b => 12,
        ((_, Alphabet(a)), Latin1Letter) | ((_, Latin1Letter), Alphabet(a)) if a != 0 => 12,
        // Kana next to Hangul: no language writes that.
        ((_, Wide(EastAsian::Kana)), Wide(EastAsian::Hangul))
        | ((_, Wide(EastAsian::Hangul)), Wide(EastAsian::Kana)) => 12,
        _ => 0,
    }
}

/// `DENSE` packed into a byte a character: the lower cost in the low six
/// bits; in the top two, 1 for Simplified only, 2 for Traditional only and 3
/// for neither (see `build.rs`).
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hanzi_packed.bin"));

/// Dense copies of `HANZI_COSTS` for U+3400..=U+9FFF, where nearly all Han
/// text is, interleaved (Simplified, Traditional): one load per character
/// instead of a search.
static DENSE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hanzi_dense.bin"));

/// The costs of a Han character in Simplified and in Traditional text
/// (`u8::MAX` where it does not occur), if it is one the list knows.
#[inline]
/// Whether `c` is a Han character seen only in Simplified text, and
/// whether one seen only in Traditional text: what [`Plausibility::of`]
/// counts, for one character (so that a script can be kept up to date over
/// a moving stretch of text).
pub(crate) fn script_only(c: char) -> (bool, bool) {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // (As `Plausibility::of` reads the main block.)
        let packed = PACKED
            .get((c as u32 - 0x3400) as usize)
            .map_or(3 << 6, |&b| b);
        let scripts = packed >> 6;
        return (scripts == 1, scripts == 2);
    }
    match han_costs(c) {
        Some((u8::MAX, t)) if t < u8::MAX => (false, true),
        Some((s, u8::MAX)) if s < u8::MAX => (true, false),
        _ => (false, false),
    }
}

fn han_costs(c: char) -> Option<(u8, u8)> {
    let code = c as u32;
    if code < 0x3400 {
        return None;
    }
    if code <= 0x9FFF {
        let at = 2 * (code - 0x3400) as usize;
        let costs = (*DENSE.get(at)?, *DENSE.get(at + 1)?);
        return (costs != (u8::MAX, u8::MAX)).then_some(costs);
    }
    // (Full-width punctuation, most of what is left, is not Han: no search.)
    if !is_han(c) {
        return None;
    }
    HANZI_COSTS
        .binary_search_by(|&(entry, _, _)| entry.cmp(&code))
        .ok()
        .map(|i| (HANZI_COSTS[i].1, HANZI_COSTS[i].2))
}

/// The cost of a character that is not in the Han frequency list: from the
/// letter frequencies for Hangul, kana and accented Latin letters and the
/// punctuation around them, else from its class.
fn class_cost(c: char) -> u32 {
    let code = c as u32;
    if matches!(code, 0xA0..=0x24F | 0x2010..=0x203A | 0x3040..=0x30FF | 0xAC00..=0xD7A3) {
        if let Ok(at) = LETTER_COSTS.binary_search_by(|&(entry, _)| entry.cmp(&code)) {
            return u32::from(LETTER_COSTS[at].1);
        }
    }
    match code {
        0x09 | 0x0A | 0x0D | 0x20..=0x7E => 4,
        0x00..=0x1F | 0x7F => 20,
        0x80..=0x9F => 30,
        0xA0..=0xFF => 14,
        // Full-width letters are rarer than full-width punctuation.
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => 14,
        0x3000..=0x3003 | 0x3005 | 0x3007..=0x3011 | 0x3014 | 0x3015 | 0xFF01..=0xFF5E => 7,
        0x3000..=0x303F => 14,
        0x3040..=0x30FF => 14,
        0xAC00..=0xD7A3 if common_hangul(c) => 16,
        0xAC00..=0xD7A3 => 22,
        0x2500..=0x257F => 11,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x3FFFF => RARE_HAN,
        0xF900..=0xFAFF => 22,
        0xE000..=0xF8FF | 0xF0000..=0x10FFFF => 30,
        0xFFFD => 40,
        // Latin Extended-B: pinyin's tone marks on ǎ ǐ ǒ ǔ ü, Vietnamese
        // ơ ư and Romanian ș ț are common; the rest rarely written (and
        // what GBK read as UTF-8 gives: `飘飘` as `ƮƮ`).
        0x01A0 | 0x01A1 | 0x01AF | 0x01B0 | 0x01CD..=0x01DC | 0x0218..=0x021B => 14,
        0x0180..=0x024F => 20,
        0x0100..=0x017F | 0x0370..=0x04FF => 14,
        0x2000..=0x206F => 8,
        0xFF61..=0xFF9F => 18,
        _ => 16,
    }
}

/// Whether `c` is one of the 2,350 Hangul syllables of KS X 1001, which
/// cover nearly all modern Korean text. Bytes misread as Korean (EUC-KR's
/// extension in windows-949, or UTF-16) give mostly the other 8,822.
fn common_hangul(c: char) -> bool {
    static COMMON: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let common = COMMON.get_or_init(|| {
        // KS X 1001 rows 16 to 40 (lead bytes 0xB0..=0xC8 in EUC-KR) are
        // exactly those syllables.
        let mut bytes = Vec::with_capacity(25 * 94 * 2);
        for lead in 0xB0..=0xC8u8 {
            for trail in 0xA1..=0xFEu8 {
                bytes.extend([lead, trail]);
            }
        }
        let mut bits = vec![0u64; (0xD7A4 - 0xAC00) / 64 + 1];
        for syllable in encoding_rs::EUC_KR
            .decode_without_bom_handling(&bytes)
            .0
            .chars()
        {
            if let Some(at) = (syllable as usize).checked_sub(0xAC00) {
                if let Some(word) = bits.get_mut(at / 64) {
                    *word |= 1 << (at % 64);
                }
            }
        }
        bits
    });
    let at = (c as usize).wrapping_sub(0xAC00);
    common
        .get(at / 64)
        .is_some_and(|word| word & (1 << (at % 64)) != 0)
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
        Script::of_counts(score.simplified_only, score.traditional_only)
    }

    /// The script shown by `s` Han characters seen only in Simplified text
    /// and `t` seen only in Traditional text (see [`script_only`]).
    pub(crate) fn of_counts(s: u32, t: u32) -> Script {
        // (In 64 bits: the counts of a whole document can be large.)
        let (s, t) = (u64::from(s), u64::from(t));
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
    fn script_only_counts_what_plausibility_counts() {
        let text = "头发干了，頭髮乾了。后來他去了臺灣，后来发展𠀋㐀豈abc";
        let score = Plausibility::of(text);
        let (s, t) = text
            .chars()
            .map(script_only)
            .fold((0, 0), |(s, t), (a, b)| {
                (s + u32::from(a), t + u32::from(b))
            });
        assert_eq!((s, t), (score.simplified_only, score.traditional_only));
        assert!(s > 0 && t > 0);
    }

    #[test]
    fn ascii_costs_as_its_class_and_patterns() {
        for b in 0..128u8 {
            let c = char::from(b);
            let alone = Plausibility::of(&c.to_string()).cost;
            assert_eq!(alone, u64::from(class_cost(c)), "{b:#x}");
        }
        // Patterns across an ASCII run's start count as elsewhere.
        let inside = Plausibility::of("ab中cd").cost;
        let apart = Plausibility::of("ab 中 cd").cost;
        assert!(inside > apart - 8 + 10, "{inside} vs {apart}");
    }

    #[test]
    fn the_fast_path_for_han_costs_as_the_general_one() {
        for c in ['\u{4E00}', '的', '這', '这', '\u{9FFF}', '\u{9FA5}', '䲁'] {
            let score = Plausibility::of(&c.to_string());
            let general = han_costs(c).map_or(RARE_HAN, |(s, t)| u32::from(s.min(t)));
            assert_eq!(score.cost, u64::from(general), "{c}");
            assert_eq!(score.han, 1, "{c}");
            let (simplified_only, traditional_only) = match han_costs(c) {
                Some((u8::MAX, t)) if t < u8::MAX => (0, 1),
                Some((s, u8::MAX)) if s < u8::MAX => (1, 0),
                _ => (0, 0),
            };
            assert_eq!(score.simplified_only, simplified_only, "{c}");
            assert_eq!(score.traditional_only, traditional_only, "{c}");
        }
    }

    #[test]
    fn common_text_costs_less_than_mojibake() {
        let clean = Plausibility::of("你好世界，发布新版本");
        let mojibake = Plausibility::of("浣犲ソ涓栫晫锛屽彂甯冩柊鐗堟湰");
        assert!(clean.cost * 2 < mojibake.cost, "{clean:?} vs {mojibake:?}");
        let latin1 = Plausibility::of("ÄãºÃÊÀ½ç");
        assert!(Plausibility::of("你好世界").cost * 2 < latin1.cost);
    }

    #[test]
    fn common_hangul_is_the_ks_x_1001_set() {
        assert!(common_hangul('한') && common_hangul('국') && common_hangul('어'));
        // Syllables only windows-949's extension or UTF-16 misreadings give.
        assert!(!common_hangul('궕') && !common_hangul('뭓') && !common_hangul('퓆'));
        assert!(!common_hangul('a') && !common_hangul('中'));
    }

    #[test]
    fn east_asian_characters_inside_latin_words_cost_extra() {
        let word = Plausibility::of("exécution").cost;
        let misread = Plausibility::of("ex閏ution").cost;
        assert!(word < misread, "{word} vs {misread}");
    }

    #[test]
    fn words_have_known_pairs_and_mojibake_does_not() {
        assert!(known_pairs("发布新版本").0 >= 3);
        assert_eq!(known_pairs("鍙戝竷鏂扮増"), (0, 5));
        assert_eq!(known_pairs("發佈"), (1, 1));
        assert_eq!(known_pairs("a b"), (0, 0));
    }

    #[test]
    fn known_pairs_are_found_through_the_index_as_by_a_search() {
        let count = BIGRAMS.len() / 4;
        let at = |i: usize| {
            let bytes = &BIGRAMS[4 * i..4 * i + 4];
            u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
        };
        let pair = |key: u32| {
            let a = char::from_u32(0x3400 + (key >> 16)).unwrap();
            let b = char::from_u32(0x3400 + (key & 0xFFFF)).unwrap();
            (a, b)
        };
        let keys: Vec<u32> = (0..count).map(at).collect();
        for i in (0..count).step_by(97).chain([0, count - 1]) {
            let (a, b) = pair(keys[i]);
            assert!(is_known_pair(a, b), "{a}{b}");
            // Neighbours are found exactly when the table has them.
            for other in [b as u32 - 1, b as u32 + 1] {
                if !(0x3400..=0x9FFF).contains(&other) {
                    continue;
                }
                let c = char::from_u32(other).unwrap();
                let key = (a as u32 - 0x3400) << 16 | (other - 0x3400);
                let listed = keys.binary_search(&key).is_ok();
                assert_eq!(is_known_pair(a, c), listed, "{a}{c}");
            }
        }
        assert!(is_known_pair('发', '布') && !is_known_pair('鍙', '戝'));
    }

    #[test]
    fn scripts_are_told_apart() {
        assert_eq!(Script::of("这是简体中文的句子，说话"), Script::Simplified);
        assert_eq!(Script::of("這是繁體中文的句子，說話"), Script::Traditional);
        assert_eq!(Script::of("hello"), Script::None);
    }
}
