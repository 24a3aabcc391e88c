//! The variants of Han characters: other forms of the same character, as
//! Unihan records them (`dictionaries/unicode/unihan-variants.txt`) and as
//! OpenCC's character dictionaries map them (Simplified and Traditional,
//! Taiwan's, Hong Kong's and Japanese forms, both ways).
//!
//! The repair of Big5 read as GBK asks of a character Big5 lacks whether
//! Big5 has a form of it: clean Traditional text writes such characters
//! (`疎` for `疏`, `羣` for `群`, `続` in Japanese for `續`), while mojibake
//! gives characters of no such standing (`睤`, `穦`).
//!
//! Shared with `build.rs`, which answers that question for every character
//! at build time (reading the dictionaries into a map took a process some
//! 10 ms, paid by every `zhfix fix` whose text had a candidate swap).

/// Calls `add` with each pair of a character and a variant of it, both
/// ways (a pair may come more than once).
pub fn each_pair(mut add: impl FnMut(char, char)) {
    let mut both_ways = |a: char, b: char| {
        if a != b {
            add(a, b);
            add(b, a);
        }
    };
    for (c, forms) in pairs(include_str!(
        "../../dictionaries/unicode/unihan-variants.txt"
    )) {
        forms.chars().for_each(|v| both_ways(c, v));
    }
    for dictionary in OPENCC_CHARACTERS {
        for (c, forms) in pairs(dictionary) {
            forms
                .split(' ')
                .filter_map(single)
                .for_each(|v| both_ways(c, v));
        }
    }
}

/// The characters of the Basic Multilingual Plane with a variant that
/// `wanted` accepts, as a bit per code point (bit `c % 8` of byte `c / 8`).
pub fn bmp_with_variant(wanted: impl Fn(char) -> bool) -> Vec<u8> {
    let mut bits = vec![0u8; 0x10000 / 8];
    each_pair(|c, variant| {
        let code = c as usize;
        if code < 0x10000 && wanted(variant) {
            bits[code / 8] |= 1 << (code % 8);
        }
    });
    bits
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

    fn has_variant(c: char, wanted: impl Fn(char) -> bool) -> bool {
        let mut found = false;
        each_pair(|a, b| found |= a == c && wanted(b));
        found
    }

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

    #[test]
    fn bits_mark_the_characters_with_a_wanted_variant() {
        let bits = bmp_with_variant(|v| v == '疏');
        let marked = |c: char| bits[c as usize / 8] >> (c as usize % 8) & 1 != 0;
        assert!(marked('疎'));
        assert!(!marked('疏') && !marked('睤'));
    }
}
