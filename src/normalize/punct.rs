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
        edits.replace(at, at + c.len_utf8(), ascii.to_string(), Rule::Punct);
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

fn to_fullwidth(line: &str, offset: usize, edits: &mut Edits) {
    if line.is_ascii() {
        return;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let protected = protected(&chars);
    let mut out: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    // Parentheses, by a stack; what is inside a pair is counted with prefix
    // sums, so nesting stays linear.
    // An ASCII letter or digit with a combining mark on it is not ASCII
    // text (NFC may compose the two: `e\u{301}` is `é`).
    let ccc = CanonicalCombiningClassMapBorrowed::new();
    let marked = |i: usize| chars.get(i + 1).is_some_and(|&(_, c)| ccc.get_u8(c) != 0);
    let ascii: Vec<bool> = (0..chars.len())
        .map(|i| chars[i].1.is_ascii_alphanumeric() && !marked(i))
        .collect();
    let mut han = vec![0usize; chars.len() + 1];
    let mut letters = vec![0usize; chars.len() + 1];
    for (i, &(_, c)) in chars.iter().enumerate() {
        han[i + 1] = han[i] + usize::from(is_han(c));
        letters[i + 1] = letters[i] + usize::from(ascii[i] && c.is_ascii_alphabetic());
    }
    let mut open = Vec::new();
    for (i, &(_, c)) in chars.iter().enumerate() {
        match c {
            '(' if !protected[i] => open.push(i),
            ')' if !protected[i] => {
                if let Some(j) = open.pop() {
                    if han[i] > han[j + 1] && letters[i] == letters[j + 1] {
                        out[j] = '（';
                        out[i] = '）';
                    }
                }
            }
            _ => {}
        }
    }
    // Marks: what each character is, then a sweep from each side.
    let touches_alphanumeric = |i: usize| {
        let alnum = |k: Option<usize>| k.and_then(|k| ascii.get(k)).is_some_and(|&yes| yes);
        alnum(i.checked_sub(1)) || alnum(Some(i + 1))
    };
    let context: Vec<Context> = (0..out.len())
        .map(|i| match out[i] {
            ',' | ':' | ';' | '!' | '?' if !protected[i] && !touches_alphanumeric(i) => {
                Context::Mark
            }
            ' ' => Context::Space,
            c if is_han(c) || is_cjk_punct(c) => Context::Cjk,
            _ => Context::Other,
        })
        .collect();
    let sweep = |order: &mut dyn Iterator<Item = usize>| {
        let mut cjk_side = vec![false; out.len()];
        let mut seen = false;
        for i in order {
            cjk_side[i] = seen;
            seen = match context[i] {
                Context::Cjk => true,
                Context::Mark | Context::Space => seen,
                Context::Other => false,
            };
        }
        cjk_side
    };
    let left = sweep(&mut (0..out.len()));
    let right = sweep(&mut (0..out.len()).rev());
    for i in 0..out.len() {
        if context[i] == Context::Mark && (left[i] || right[i]) {
            out[i] = fullwidth(out[i]);
        }
    }
    for (i, &(at, c)) in chars.iter().enumerate() {
        if out[i] != c {
            let start = offset + at;
            edits.replace(start, start + c.len_utf8(), out[i].to_string(), Rule::Punct);
        }
    }
}

/// Which characters of a line are inside a URL (from `scheme://` or
/// `www.` to the next space) or a code span (between backticks).
fn protected(chars: &[(usize, char)]) -> Vec<bool> {
    let mut protected = vec![false; chars.len()];
    let starts_with = |i: usize, word: &str| {
        let mut k = i;
        word.chars().all(|w| {
            let matched = chars
                .get(k)
                .is_some_and(|&(_, c)| c.eq_ignore_ascii_case(&w));
            k += 1;
            matched
        })
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let url = c.is_ascii_alphabetic()
            && (i == 0 || !chars[i - 1].1.is_ascii_alphanumeric())
            && (starts_with(i, "www.") || {
                let scheme = chars[i..]
                    .iter()
                    .take(16)
                    .take_while(|&&(_, c)| {
                        c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')
                    })
                    .count();
                starts_with(i + scheme, "://")
            });
        if url {
            while i < chars.len() && !chars[i].1.is_whitespace() {
                protected[i] = true;
                i += 1;
            }
            continue;
        }
        if c == '`' {
            if let Some(close) = chars[i + 1..].iter().position(|&(_, c)| c == '`') {
                protected[i..=i + 1 + close].fill(true);
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
