//! The variants of Han characters: other forms of the same character, as
//! Unihan records them (`dictionaries/unicode/unihan-variants.txt`) and as
//! OpenCC's character dictionaries map them (Simplified and Traditional,
//! Taiwan's, Hong Kong's and Japanese forms, both ways).
//!
//! The repair of Big5 read as GBK asks of a character Big5 lacks whether
//! Big5 has a form of it: clean Traditional text writes such characters
//! (`疎` for `疏`, `羣` for `群`, `続` in Japanese for `續`), while mojibake
//! gives characters of no such standing (`睤`, `穦`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Whether any variant of `c` is one `wanted` accepts.
pub(crate) fn has_variant(c: char, wanted: impl Fn(char) -> bool) -> bool {
    variants()
        .get(&c)
        .is_some_and(|forms| forms.iter().any(|&v| wanted(v)))
}

/// Each character's variants, read once (on the first question: most text
/// never asks).
fn variants() -> &'static HashMap<char, Vec<char>> {
    static VARIANTS: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    VARIANTS.get_or_init(|| {
        let mut variants: HashMap<char, Vec<char>> = HashMap::new();
        let mut add = |a: char, b: char| {
            if a != b {
                variants.entry(a).or_default().push(b);
                variants.entry(b).or_default().push(a);
            }
        };
        for (c, forms) in pairs(include_str!(
            "../../dictionaries/unicode/unihan-variants.txt"
        )) {
            forms.chars().for_each(|v| add(c, v));
        }
        for dictionary in OPENCC_CHARACTERS {
            for (c, forms) in pairs(dictionary) {
                forms.split(' ').filter_map(single).for_each(|v| add(c, v));
            }
        }
        variants
    })
}

/// OpenCC's dictionaries of single characters (each maps one way; the
/// relation is taken both ways).
const OPENCC_CHARACTERS: [&str; 5] = [
    include_str!("../../dictionaries/opencc/STCharacters.txt"),
    include_str!("../../dictionaries/opencc/TSCharacters.txt"),
    include_str!("../../dictionaries/opencc/TWVariants.txt"),
    include_str!("../../dictionaries/opencc/HKVariants.txt"),
    include_str!("../../dictionaries/opencc/JPShinjitaiCharacters.txt"),
];

/// The lines of a `KEY<TAB>VALUES` file whose key is one character (not
/// comments, not phrases), with their values.
fn pairs(text: &'static str) -> impl Iterator<Item = (char, &'static str)> {
    text.lines().filter_map(|line| {
        let (key, values) = line.split_once('\t')?;
        Some((single(key)?, values))
    })
}

/// The one character `text` is, if it is one.
fn single(text: &str) -> Option<char> {
    let mut chars = text.chars();
    chars.next().filter(|_| chars.as_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_come_from_unihan_and_opencc_both_ways() {
        // Unihan: `疎` is a variant of `疏`; OpenCC: `緼` of `縕` (Hong
        // Kong's), `続` of `續` (Japanese), and the reverse of each.
        for (a, b) in [('疎', '疏'), ('緼', '縕'), ('続', '續')] {
            assert!(has_variant(a, |v| v == b), "{a} {b}");
            assert!(has_variant(b, |v| v == a), "{b} {a}");
        }
        assert!(!has_variant('睤', |_| true));
        assert!(!has_variant('a', |_| true));
    }
}
