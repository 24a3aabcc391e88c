//! The four Unicode normalization forms, exactly (by `icu_normalizer`), with
//! a quick check in front: only the stretches of text around characters
//! that a form can change are handed to the normalizer.
//!
//! A character is *inert* for a form when it has canonical combining class
//! 0, the form maps it to itself, and (for the composed forms) the first
//! character of its decomposition is a starter that never combines with a
//! character before it (U+16D68 decomposes to U+16D67 U+16D67, and the
//! first of those composes with U+16D63). Text splits at inert characters:
//! nothing before one can reorder or compose across it. So a stretch from
//! the inert character before a non-inert one up to the next inert one is
//! normalized alone, and the rest is copied. The non-inert sets are
//! generated from `icu_normalizer`'s data into `tables.rs` (see the test
//! below), so that the check and the normalizer agree.

use std::str::FromStr;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

use super::scan::{find, Table};
use super::tables;
use super::Edits;
use crate::report::Rule;

/// A Unicode normalization form (UAX #15).
///
/// ```
/// use zhfix::Form;
///
/// assert_eq!("nfkc".parse::<Form>().unwrap(), Form::Nfkc);
/// assert_eq!(Form::Nfd.name(), "nfd");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// Canonical composition.
    Nfc,
    /// Canonical decomposition.
    Nfd,
    /// Compatibility composition.
    Nfkc,
    /// Compatibility decomposition.
    Nfkd,
}

impl Form {
    /// All four forms.
    pub const ALL: [Form; 4] = [Form::Nfc, Form::Nfd, Form::Nfkc, Form::Nfkd];

    /// The form's name, as `--form` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Form::Nfc => "nfc",
            Form::Nfd => "nfd",
            Form::Nfkc => "nfkc",
            Form::Nfkd => "nfkd",
        }
    }

    /// The characters that are not inert for the form.
    fn table(self) -> &'static Table {
        match self {
            Form::Nfc => &NFC,
            Form::Nfd => &NFD,
            Form::Nfkc => &NFKC,
            Form::Nfkd => &NFKD,
        }
    }

    /// `text` in the form, by the full algorithm.
    pub(super) fn apply(self, text: &str) -> String {
        match self {
            Form::Nfc => ComposingNormalizerBorrowed::new_nfc().normalize(text),
            Form::Nfd => DecomposingNormalizerBorrowed::new_nfd().normalize(text),
            Form::Nfkc => ComposingNormalizerBorrowed::new_nfkc().normalize(text),
            Form::Nfkd => DecomposingNormalizerBorrowed::new_nfkd().normalize(text),
        }
        .into_owned()
    }
}

impl FromStr for Form {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Form, crate::Error> {
        Form::ALL
            .into_iter()
            .find(|form| form.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                crate::Error::new(
                    crate::ErrorKind::UnknownForm,
                    format!("unknown normalization form '{name}' (nfc, nfd, nfkc, nfkd)"),
                )
            })
    }
}

static NFC: Table = Table::new(&[tables::NFC_NOT_INERT], tables::NFC_NOT_INERT);
static NFD: Table = Table::new(&[tables::NFD_NOT_INERT], tables::NFD_NOT_INERT);
static NFKC: Table = Table::new(&[tables::NFKC_NOT_INERT], tables::NFKC_NOT_INERT);
static NFKD: Table = Table::new(&[tables::NFKD_NOT_INERT], tables::NFKD_NOT_INERT);

/// Whether `c` is a CJK compatibility ideograph, which NFC replaces by the
/// unified ideograph it is canonically equivalent to (losing the glyph
/// distinction the text was encoded with).
pub(super) fn is_compatibility_ideograph(c: char) -> bool {
    matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// Puts `text` in `form`: each stretch that changes is an edit with `rule`.
/// With `keep_compatibility_ideographs`, those are left as they are (and
/// split the text like inert characters: nothing composes with them).
pub(super) fn normalize(
    text: &str,
    form: Form,
    keep_compatibility_ideographs: bool,
    rule: Rule,
    edits: &mut Edits,
) {
    let table = form.table();
    let kept = |c: char| keep_compatibility_ideographs && is_compatibility_ideograph(c);
    let inert = |c: char| !table.contains(c) || kept(c);
    // Where the last stretch ended: a stretch never starts before it.
    let mut floor = 0;
    let mut at = 0;
    while let Some((hit, c)) = find(text, at, table) {
        if kept(c) {
            at = hit + c.len_utf8();
            continue;
        }
        // From the inert character before, to the next inert one.
        let start = match text[floor..hit].char_indices().next_back() {
            Some((i, _)) => floor + i,
            None => hit,
        };
        let end = text[hit..]
            .char_indices()
            .find(|&(_, c)| inert(c))
            .map_or(text.len(), |(i, _)| hit + i);
        let stretch = &text[start..end];
        let normalized = form.apply(stretch);
        if normalized != stretch {
            edits.replace(start, end, &normalized, rule);
        }
        floor = end;
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icu_normalizer::properties::{
        CanonicalCombiningClassMapBorrowed, CanonicalCompositionBorrowed,
        CanonicalDecompositionBorrowed, Decomposed,
    };

    /// The non-inert code points of each form, from `icu_normalizer`'s
    /// data, as ranges.
    fn generate() -> [(Form, Vec<(u32, u32)>); 4] {
        let ccc = CanonicalCombiningClassMapBorrowed::new();
        let decompose = CanonicalDecompositionBorrowed::new();
        let compose = CanonicalCompositionBorrowed::new();
        // The characters that compose with one before them: the second of a
        // canonical pair that composes back (Hangul included).
        let mut combines_backward = vec![false; 0x110000];
        for c in (0..0x110000).filter_map(char::from_u32) {
            if let Decomposed::Expansion(first, second) = decompose.decompose(c) {
                if compose.compose(first, second) == Some(c) {
                    combines_backward[second as usize] = true;
                }
            }
        }
        Form::ALL.map(|form| {
            let composed = matches!(form, Form::Nfc | Form::Nfkc);
            let mut ranges: Vec<(u32, u32)> = Vec::new();
            for c in (0..0x110000).filter_map(char::from_u32) {
                let mut buffer = [0; 4];
                let alone: &str = c.encode_utf8(&mut buffer);
                // A composed form can also join `c` with what is before it
                // through the first character of its decomposition.
                let decomposition = match form {
                    Form::Nfc | Form::Nfd => Form::Nfd.apply(alone),
                    Form::Nfkc | Form::Nfkd => Form::Nfkd.apply(alone),
                };
                let first = decomposition.chars().next().unwrap_or(c);
                let inert = ccc.get_u8(c) == 0
                    && form.apply(alone) == alone
                    && !(composed && (ccc.get_u8(first) != 0 || combines_backward[first as usize]));
                if inert {
                    continue;
                }
                let c = u32::from(c);
                match ranges.last_mut() {
                    Some((_, last)) if *last + 1 == c => *last = c,
                    _ => ranges.push((c, c)),
                }
            }
            (form, ranges)
        })
    }

    fn rust_source(tables: &[(Form, Vec<(u32, u32)>); 4]) -> String {
        let mut out = String::from(
            "//! The code points that are not inert for each normalization form (see\n\
             //! `forms.rs`), generated from `icu_normalizer`'s data by\n\
             //! `ZHFIX_WRITE_TABLES=1 cargo test --lib normalize::forms`. Do not edit.\n",
        );
        for (form, ranges) in tables {
            let name = form.name().to_uppercase();
            out.push_str(&format!(
                "\n#[rustfmt::skip]\npub(super) const {name}_NOT_INERT: &[(u32, u32)] = &[\n"
            ));
            for chunk in ranges.chunks(6) {
                let items: Vec<String> = chunk
                    .iter()
                    .map(|(a, b)| format!("(0x{a:X}, 0x{b:X})"))
                    .collect();
                out.push_str(&format!("    {},\n", items.join(", ")));
            }
            out.push_str("];\n");
        }
        out
    }

    #[test]
    fn tables_match_icu_normalizer() {
        let generated = generate();
        if std::env::var_os("ZHFIX_WRITE_TABLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/normalize/tables.rs");
            std::fs::write(path, rust_source(&generated)).unwrap();
            return;
        }
        for (form, ranges) in &generated {
            let committed = match form {
                Form::Nfc => tables::NFC_NOT_INERT,
                Form::Nfd => tables::NFD_NOT_INERT,
                Form::Nfkc => tables::NFKC_NOT_INERT,
                Form::Nfkd => tables::NFKD_NOT_INERT,
            };
            assert!(
                committed == ranges.as_slice(),
                "src/normalize/tables.rs is out of date for {form:?}: \
                 run ZHFIX_WRITE_TABLES=1 cargo test --lib normalize::forms"
            );
        }
    }

    #[test]
    fn stretches_compose_and_compatibility_ideographs_can_stay() {
        let mut edits = Edits::default();
        let text = "中e\u{301}文\u{F900}x";
        normalize(text, Form::Nfc, true, Rule::Compose, &mut edits);
        let (out, steps, _) = edits.apply(text);
        assert_eq!(out, "中é文\u{F900}x");
        assert_eq!(steps.len(), 1);
        assert_eq!((steps[0].start, steps[0].end), (1, 3));
        let mut edits = Edits::default();
        normalize(text, Form::Nfc, false, Rule::Form, &mut edits);
        assert_eq!(edits.apply(text).0, "中é文豈x");
    }
}
