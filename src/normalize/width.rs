//! `--width`: full-width ASCII letters and digits (`ＡＢＣ１２３`) to
//! ASCII, half-width katakana and CJK punctuation (`ｶﾞｷﾞ｡`) to full-width
//! (`ガギ。`), a half-width voiced sound mark composed with the kana before
//! it. Full-width punctuation is left to `--punct`.

use icu_normalizer::ComposingNormalizerBorrowed;

use super::scan::{find, Table};
use super::Edits;
use crate::report::Rule;

/// Full-width digits and letters, half-width CJK punctuation and katakana.
const WIDE_OR_NARROW: &[(u32, u32)] = &[
    (0xFF10, 0xFF19),
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
    (0xFF61, 0xFF9F),
];

static TABLE: Table = Table::new(&[WIDE_OR_NARROW], &[]);

fn is_voiced_mark(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

/// Maps runs of full-width letters and digits and of half-width kana.
pub(super) fn normalize(text: &str, edits: &mut Edits) {
    let nfkc = ComposingNormalizerBorrowed::new_nfkc();
    let mut at = 0;
    while let Some((mut start, c)) = find(text, at, &TABLE) {
        let run_len: usize = text[start..]
            .chars()
            .take_while(|&c| TABLE.contains(c))
            .map(char::len_utf8)
            .sum();
        let end = start + run_len;
        // A voiced sound mark after a full-width kana composes with it.
        if is_voiced_mark(c) {
            if let Some(kana) = text[..start]
                .chars()
                .next_back()
                .filter(|k| matches!(k, '\u{3041}'..='\u{30FF}'))
            {
                start -= kana.len_utf8();
            }
        }
        // NFKC maps each of these to its other width, composing kana with a
        // voiced sound mark after it; a mark left alone becomes the
        // spacing one (NFKC gives the combining one).
        let mapped: String = nfkc
            .normalize(&text[start..end])
            .chars()
            .map(|c| match c {
                '\u{3099}' => '\u{309B}',
                '\u{309A}' => '\u{309C}',
                c => c,
            })
            .collect();
        edits.replace(start, end, &mapped, Rule::Width);
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("ＡＢＣ１２３ｘ", "ABC123x"),
            ("ｶﾞｷﾞｸｹｺ｡ｱｲｳｴｵﾊﾟ", "ガギクケコ。アイウエオパ"),
            ("カﾞ", "ガ"),
            ("ﾞｰ", "゛ー"),
            ("中文，（）", "中文，（）"),
        ];
        for (input, expected) in cases {
            let mut edits = Edits::default();
            normalize(input, &mut edits);
            assert_eq!(edits.apply(input).0, expected, "{input}");
        }
    }
}
