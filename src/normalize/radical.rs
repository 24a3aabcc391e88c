//! Kangxi radicals (U+2F00..U+2FD5) and CJK Radicals Supplement characters
//! (U+2E80..U+2EF3) that stand in for ideographs: PDF text extraction and
//! some fonts produce `⼈⺠` for `人民`. They are mapped to the ideograph
//! Unicode names as their equivalent (`EquivalentUnifiedIdeograph.txt`, in
//! `dictionaries/unicode/`), but only where they read as characters: a run
//! of radicals is mapped when a Han character or kana stands right next to
//! it, every radical in it stands for a common character (a radical whose
//! ideograph is rare, such as `⻊` for `𧾷`, is a component, not a word),
//! and it does not open a description of a character (`{⻊兀}`, `⿰⻊兀`).
//! A radical among punctuation, spaces or other radicals alone (a list of
//! radicals, a dictionary's index) is a radical and stays one.

use icu_normalizer::properties::CanonicalCombiningClassMapBorrowed;

use super::scan::{find, Table};
use super::Edits;
use crate::report::Rule;

/// The data file: `RADICAL;IDEOGRAPH` in hexadecimal, one a line.
const DATA: &[u8] = include_bytes!("../../dictionaries/unicode/equivalent-unified-ideographs.txt");

/// The two blocks of radicals.
pub(super) const RADICALS: &[(u32, u32)] = &[(0x2E80, 0x2EF3), (0x2F00, 0x2FD5)];

/// The ideograph of each radical, indexed by `radical - 0x2E80` (0: none).
static IDEOGRAPHS: [u32; 0x2FD6 - 0x2E80] = parse(DATA);

/// Parses the data file at compile time.
const fn parse(data: &[u8]) -> [u32; 0x2FD6 - 0x2E80] {
    let mut table = [0u32; 0x2FD6 - 0x2E80];
    let mut at = 0;
    while at < data.len() {
        if data[at] == b'#' {
            while at < data.len() && data[at] != b'\n' {
                at += 1;
            }
            at += 1;
            continue;
        }
        let (radical, next) = hex(data, at);
        let (ideograph, next) = hex(data, next + 1);
        if radical >= 0x2E80 && radical < 0x2FD6 {
            table[(radical - 0x2E80) as usize] = ideograph;
        }
        at = next + 1;
    }
    table
}

/// The hexadecimal number at `at`, and where it ends.
const fn hex(data: &[u8], mut at: usize) -> (u32, usize) {
    let mut value = 0;
    while at < data.len() {
        let digit = match data[at] {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        value = value * 16 + digit as u32;
        at += 1;
    }
    (value, at)
}

static TABLE: Table = Table::new(&[RADICALS], &[]);

/// The ideograph `c` stands for, if it is a radical that has one and the
/// ideograph is a common character.
fn ideograph(c: char) -> Option<char> {
    equivalent(c).filter(|&i| crate::score::char_cost(i) < COMMON_COST)
}

/// The ideograph Unicode names as the equivalent of `c`, if it is a radical
/// that has one.
fn equivalent(c: char) -> Option<char> {
    let index = u32::from(c).checked_sub(0x2E80)? as usize;
    IDEOGRAPHS
        .get(index)
        .filter(|&&i| i != 0)
        .and_then(|&i| char::from_u32(i))
}

/// [`ideograph`], or a rarer one where it makes a word with a character
/// beside it (`before`, `after`: the characters there, radicals as their
/// equivalents): `⾈` after `扁` is `舟` (rare in today's text, not in
/// classical poetry); a component such as `⻊` (`𧾷`) makes none.
fn ideograph_between(c: char, before: Option<char>, after: Option<char>) -> Option<char> {
    use crate::score::is_known_pair;
    ideograph(c).or_else(|| {
        let rare = equivalent(c)?;
        let word = before.is_some_and(|b| is_known_pair(b, rare))
            || after.is_some_and(|a| is_known_pair(rare, a));
        word.then_some(rare)
    })
}

/// Below this cost (the plausibility model's), a character is common
/// enough to be what a radical stands in for.
const COMMON_COST: u32 = 15;

/// What opens the description of a character that has no code point:
/// a bracket, or an ideographic description character.
fn opens_description(c: char) -> bool {
    matches!(
        c,
        '{' | '[' | '［' | '｛' | '〔' | '\u{2FF0}'..='\u{2FFF}' | '\u{31EF}'
    )
}

/// Text a radical can stand in: Han characters and kana (letters, not the
/// combining voiced sound marks, which NFC may move).
fn is_cjk_text(c: char) -> bool {
    crate::score::is_han(c) || matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}')
}

/// Maps runs of radicals next to Han text.
pub(super) fn map(text: &str, edits: &mut Edits) {
    // Combining marks go with the character before them: the neighbours
    // that count are the characters they sit on (NFC may compose or
    // reorder marks, never move a base character).
    let ccc = CanonicalCombiningClassMapBorrowed::new();
    let is_mark = |c: char| ccc.get_u8(c) != 0;
    let mut at = 0;
    while let Some((start, _)) = find(text, at, &TABLE) {
        let before = text[..start].chars().rev().find(|&c| !is_mark(c));
        // Radicals, each with its marks.
        let mut run = String::new();
        let mut end = start;
        // (The character before each, and after it, as read: a radical as
        // its equivalent.)
        let mut previous = before;
        let mut chars = text[start..].chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().map(|&n| equivalent(n).unwrap_or(n));
            match ideograph_between(c, previous, next) {
                Some(ideograph) => {
                    run.push(ideograph);
                    previous = Some(ideograph);
                }
                None if is_mark(c) && end > start => run.push(c),
                None => break,
            }
            end += c.len_utf8();
        }
        if end == start {
            // A radical with no equivalent.
            at = start + 3;
            continue;
        }
        let after = text[end..].chars().next();
        let next_to_text = before.is_some_and(is_cjk_text) || after.is_some_and(is_cjk_text);
        // After a bracket, a description of a character (`{⾜兀}`), unless
        // the run makes a word with what follows (`[⽤户列表]`).
        let describes = before.is_some_and(opens_description)
            && !run
                .chars()
                .last()
                .zip(after)
                .is_some_and(|(last, after)| crate::score::is_known_pair(last, after));
        if next_to_text && !describes {
            edits.replace(start, end, &run, Rule::Radical);
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(text: &str) -> String {
        let mut edits = Edits::default();
        map(text, &mut edits);
        edits.apply(text).0
    }

    #[test]
    fn the_data_is_there() {
        assert_eq!(ideograph('⼈'), Some('人'));
        assert_eq!(ideograph('⺠'), Some('民'));
        assert_eq!(IDEOGRAPHS[0x2FD5 - 0x2E80], u32::from('龠'));
        assert_eq!(ideograph('\u{2E9A}'), None);
        assert_eq!(IDEOGRAPHS.iter().filter(|&&i| i != 0).count(), 328);
        // 𧾷 is a component, not a word.
        assert_eq!(IDEOGRAPHS[0x2ECA - 0x2E80], 0x27FB7);
        assert_eq!(ideograph('⻊'), None);
    }

    #[test]
    fn only_inside_cjk_text() {
        let cases = [
            ("中华⼈⺠共和国", "中华人民共和国"),
            ("⽇本語", "日本語"),
            ("⾒る", "見る"),
            ("部首：⼈、⼝、⼿", "部首：⼈、⼝、⼿"),
            ("⼈ ⼉ ⼊", "⼈ ⼉ ⼊"),
            ("⼈⼝", "⼈⼝"),
            ("a⼈b", "a⼈b"),
            ("咿呦叫冤{⻊兀}。", "咿呦叫冤{⻊兀}。"),
            ("冤{⾜兀}", "冤{⾜兀}"),
            ("⿰⾜兀", "⿰⾜兀"),
            ("⻓城⻔口", "长城门口"),
            // Rarer equivalents where they make a word beside them; after
            // a bracket where the run makes a word with what follows.
            ("一叶扁⾈行", "一叶扁舟行"),
            ("设置⺴余级别", "设置冗余级别"),
            ("[⽤户列表]", "[用户列表]"),
            ("部首⻊在左", "部首⻊在左"),
            ("カ\u{3099}⼈", "カ\u{3099}人"),
            ("中⼈\u{301}⼈", "中人\u{301}人"),
            ("⼈\u{301}\u{3099}", "⼈\u{301}\u{3099}"),
        ];
        for (input, expected) in cases {
            assert_eq!(mapped(input), expected, "{input}");
        }
    }
}
