//! `--punct fullwidth` and `--punct ascii`.
//!
//! Full-width, line by line:
//!
//! - a pair of ASCII parentheses becomes `（）` when what is inside has a
//!   Han character and no ASCII letter (`電(趙偉偉 劉美芳)`, `(完)`, but not
//!   `(wǎng)` or `(GDP)`);
//! - `,:;!?` becomes full-width when no ASCII letter or digit touches it
//!   (`3,000`, `18:14`, `00:01:02,500` and `Yahoo!` stay) and the nearest
//!   character on either side, past spaces, is a Han character or CJK
//!   punctuation, or another such mark that becomes full-width (so that
//!   `中文?!` converts both);
//! - nothing inside a URL or a `code span`.
//!
//! ASCII: full-width punctuation, `。` and `、` to ASCII; quotes (`“”`,
//! `「」`, `＂`, `＇`) are left alone.

use icu_normalizer::properties::CanonicalCombiningClassMapBorrowed;

use super::Edits;
use crate::report::Rule;
use crate::score::is_han;

use super::Punct;

/// Normalizes the punctuation of `text`.
pub(super) fn normalize(text: &str, punct: Punct, edits: &mut Edits) {
    match punct {
        Punct::Keep => {}
        Punct::Ascii => to_ascii(text, edits),
        Punct::Fullwidth => {
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                to_fullwidth(line, offset, edits);
                offset += line.len();
            }
        }
    }
}

fn to_ascii(text: &str, edits: &mut Edits) {
    for (at, c) in text.char_indices() {
        let ascii = match c {
            '。' => '.',
            '、' => ',',
            '＂' | '＇' => continue,
            '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => continue,
        };
        edits.replace(
            at,
            at + c.len_utf8(),
            ascii.encode_utf8(&mut [0; 4]),
            Rule::Punct,
        );
    }
}

/// CJK punctuation: the context that makes an ASCII mark full-width.
fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'
        | '\u{FE10}'..='\u{FE1F}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}')
}

fn fullwidth(c: char) -> char {
    match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        c => c,
    }
}

/// What a character is to the marks around it.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    /// Han or CJK punctuation.
    Cjk,
    /// A mark that becomes full-width if its other side is CJK.
    Mark,
    /// Looked past.
    Space,
    /// Anything else.
    Other,
}

/// What is known of each character of a line, one byte each (the line can
/// be the whole text: a few bytes per character, not a few words, keep the
/// memory near the text's own).
const PROTECTED: u8 = 1;
/// An ASCII letter or digit (without a combining mark on it).
const ASCII: u8 = 2;
/// A parenthesis that becomes full-width.
const PAREN: u8 = 4;
/// The nearest character before (`LEFT`) or after (`RIGHT`), past marks and
/// spaces, is CJK.
const LEFT: u8 = 8;
const RIGHT: u8 = 16;
/// The [`Context`], in bits 5 and 6.
const CONTEXT_SHIFT: u8 = 5;

impl Context {
    const ALL: [Context; 4] = [Context::Cjk, Context::Mark, Context::Space, Context::Other];

    fn bits(self) -> u8 {
        (self as u8) << CONTEXT_SHIFT
    }

    fn of_bits(bits: u8) -> Context {
        Context::ALL[usize::from(bits >> CONTEXT_SHIFT & 3)]
    }
}

fn to_fullwidth(line: &str, offset: usize, edits: &mut Edits) {
    if line.is_ascii() {
        return;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut known = protected(&chars);
    // An ASCII letter or digit with a combining mark on it is not ASCII
    // text (NFC may compose the two: `e\u{301}` is `é`).
    let ccc = CanonicalCombiningClassMapBorrowed::new();
    for i in 0..chars.len() {
        let marked = chars.get(i + 1).is_some_and(|&c| ccc.get_u8(c) != 0);
        if chars[i].is_ascii_alphanumeric() && !marked {
            known[i] |= ASCII;
        }
    }
    // Parentheses, by a stack; what is inside a pair is counted with
    // running totals (kept on the stack for each open one), so nesting
    // stays linear.
    let (mut han, mut letters) = (0usize, 0usize);
    let mut open = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' if known[i] & PROTECTED == 0 => open.push((i, han, letters)),
            ')' if known[i] & PROTECTED == 0 => {
                if let Some((j, han_then, letters_then)) = open.pop() {
                    if han > han_then && letters == letters_then {
                        known[j] |= PAREN;
                        known[i] |= PAREN;
                    }
                }
            }
            _ => {}
        }
        han += usize::from(is_han(c));
        letters += usize::from(known[i] & ASCII != 0 && c.is_ascii_alphabetic());
    }
    // Marks: what each character is, then a sweep from each side.
    let ascii = |k: Option<usize>| {
        k.and_then(|k| known.get(k))
            .is_some_and(|&k| k & ASCII != 0)
    };
    let contexts: Vec<Context> = (0..chars.len())
        .map(|i| match chars[i] {
            ',' | ':' | ';' | '!' | '?'
                if known[i] & PROTECTED == 0 && !ascii(i.checked_sub(1)) && !ascii(Some(i + 1)) =>
            {
                Context::Mark
            }
            ' ' => Context::Space,
            // (A parenthesis made full-width is CJK punctuation.)
            '(' | ')' if known[i] & PAREN != 0 => Context::Cjk,
            c if is_han(c) || is_cjk_punct(c) => Context::Cjk,
            _ => Context::Other,
        })
        .collect();
    for (i, context) in contexts.into_iter().enumerate() {
        known[i] |= context.bits();
    }
    let mut sweep = |order: &mut dyn Iterator<Item = usize>, side: u8| {
        let mut seen = false;
        for i in order {
            if seen {
                known[i] |= side;
            }
            seen = match Context::of_bits(known[i]) {
                Context::Cjk => true,
                Context::Mark | Context::Space => seen,
                Context::Other => false,
            };
        }
    };
    sweep(&mut (0..chars.len()), LEFT);
    sweep(&mut (0..chars.len()).rev(), RIGHT);
    for ((at, c), &k) in line.char_indices().zip(&known) {
        let change =
            k & PAREN != 0 || Context::of_bits(k) == Context::Mark && k & (LEFT | RIGHT) != 0;
        if change {
            let start = offset + at;
            let after = fullwidth(c);
            edits.replace(
                start,
                start + c.len_utf8(),
                after.encode_utf8(&mut [0; 4]),
                Rule::Punct,
            );
        }
    }
}

/// For each character of a line, `PROTECTED` if it is in a URL or a code
/// span (and no other bit).
fn protected(chars: &[char]) -> Vec<u8> {
    let mut protected = vec![0; chars.len()];
    let starts_with = |i: usize, word: &str| {
        let mut k = i;
        word.chars().all(|w| {
            let matched = chars.get(k).is_some_and(|c| c.eq_ignore_ascii_case(&w));
            k += 1;
            matched
        })
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let url = c.is_ascii_alphabetic()
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            && (starts_with(i, "www.") || {
                let scheme = chars[i..]
                    .iter()
                    .take(16)
                    .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    .count();
                starts_with(i + scheme, "://")
            });
        if url {
            while i < chars.len() && !chars[i].is_whitespace() {
                protected[i] = PROTECTED;
                i += 1;
            }
            continue;
        }
        if c == '`' {
            if let Some(close) = chars[i + 1..].iter().position(|&c| c == '`') {
                protected[i..=i + 1 + close].fill(PROTECTED);
                i += close + 2;
                continue;
            }
        }
        i += 1;
    }
    protected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(punct: Punct, text: &str) -> String {
        let mut edits = Edits::default();
        normalize(text, punct, &mut edits);
        edits.apply(text).0
    }

    #[test]
    fn fullwidth_table() {
        let cases = [
            ("近日,濱州", "近日，濱州"),
            ("電(趙偉偉 劉美芳)“絕不", "電（趙偉偉 劉美芳）“絕不"),
            ("如是說。(完)", "如是說。（完）"),
            ("中文?!", "中文？！"),
            ("2022年11月20日 18:14 來源", "2022年11月20日 18:14 來源"),
            ("共3,000人", "共3,000人"),
            ("網(wǎng)山", "網(wǎng)山"),
            ("見 https://例子.com/a,b 頁", "見 https://例子.com/a,b 頁"),
            ("用 `a,中` 命令", "用 `a,中` 命令"),
            ("我说: hello", "我说： hello"),
            ("Yahoo!中国", "Yahoo!中国"),
            ("He said “yes”, then", "He said “yes”, then"),
            ("((中)) (a(中)b)", "（（中）） (a（中）b)"),
            (
                "00:01:02,500 --> 00:01:04,000 字幕",
                "00:01:02,500 --> 00:01:04,000 字幕",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(run(Punct::Fullwidth, input), expected, "{input}");
        }
    }

    #[test]
    fn ascii_table() {
        assert_eq!(
            run(Punct::Ascii, "中文，（完）。“引”「號」＂"),
            "中文,(完).“引”「號」＂"
        );
    }
}
