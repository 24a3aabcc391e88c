//! Ruby leftovers: pinyin annotations that lost their markup and were
//! flattened into the text after their character, as in `中新網(wǎng)山東`.
//!
//! An annotation is removed only if its syllable is a reading of the
//! character before it and the document shows the pattern: at least
//! `MIN_EVIDENCE` such annotations, and far more of them than parenthesised
//! syllables that are not readings. A textbook's occasional gloss, `妈(mā)`,
//! stays.

use crate::score::is_han;

use super::syllable::canonical;

include!(concat!(env!("OUT_DIR"), "/pinyin_readings.rs"));

/// How many annotations that match their character a document needs.
const MIN_EVIDENCE: u64 = 3;

/// An annotation found: the character offsets of its parentheses and
/// contents (`(wǎng)`), and whether its syllable reads the character.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Annotation {
    pub start: usize,
    pub end: usize,
    pub matches: bool,
}

/// The annotations of `chars` (a whole document): a Han character, then a
/// syllable in ASCII or full-width parentheses.
pub(crate) fn annotations(chars: &[char]) -> Vec<Annotation> {
    let mut found = Vec::new();
    let mut i = 1;
    while i < chars.len() {
        let open = chars[i];
        // (The parenthesis asked first: most characters are none.)
        if matches!(open, '(' | '（') && is_han(chars[i - 1]) {
            if let Some((len, syllable)) =
                syllable_in_parentheses(open, chars[i + 1..].iter().copied())
            {
                let inner_end = i + 1 + len;
                found.push(Annotation {
                    start: i,
                    end: inner_end + 1,
                    matches: reads(chars[i - 1], &syllable),
                });
                i = inner_end + 1;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// If `open` is an opening parenthesis (ASCII or full-width) and `after`
/// (what follows it) holds a syllable and the matching closing parenthesis:
/// the syllable's length in characters and its canonical form.
pub(crate) fn syllable_in_parentheses(
    open: char,
    after: impl Iterator<Item = char>,
) -> Option<(usize, String)> {
    let close = match open {
        '(' => ')',
        '（' => '）',
        _ => return None,
    };
    // A syllable is at most 7 letters, plus marks and a tone; it starts
    // with a letter (most parentheses after Han characters hold none, and
    // are passed over without a string made).
    let mut after = after.take(12).peekable();
    if !after.peek().is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    let mut inner = String::new();
    for c in after {
        if c == close {
            let len = inner.chars().count();
            return canonical(&inner)
                .filter(|syllable| is_syllable(syllable))
                .map(|syllable| (len, syllable));
        }
        inner.push(c);
    }
    None
}

/// How many annotations of a document read their character and how many
/// do not: counts that add up over its pieces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    matching: u64,
    other: u64,
}

impl Counts {
    /// The counts of `annotations`.
    pub fn of(annotations: &[Annotation]) -> Counts {
        let matching = annotations.iter().filter(|a| a.matches).count() as u64;
        Counts {
            matching,
            other: annotations.len() as u64 - matching,
        }
    }

    /// The counts of the annotations in `text` (the openings found by a
    /// byte search: most text has few).
    pub fn of_text(text: &str) -> Counts {
        let bytes = text.as_bytes();
        let mut counts = Counts::default();
        // (Both kinds of parenthesis, in order: two searches merged.)
        let mut ascii = memchr::memchr_iter(b'(', bytes).peekable();
        let mut fullwidth = memchr::memmem::find_iter(bytes, "（".as_bytes()).peekable();
        let openings = std::iter::from_fn(|| match (ascii.peek(), fullwidth.peek()) {
            (Some(a), Some(f)) if f < a => fullwidth.next(),
            (Some(_), _) => ascii.next(),
            (None, _) => fullwidth.next(),
        });
        for at in openings {
            // Each opening is judged as `annotations` judges it: after a
            // Han character, a syllable and its closing parenthesis. (An
            // annotation holds no parenthesis, so no opening found inside
            // one is judged twice; nor does one cross a line break. Text
            // with code or manual pages has many other parentheses.)
            let Some(before) = text[..at].chars().next_back().filter(|&c| is_han(c)) else {
                continue;
            };
            let mut after = text[at..].chars();
            let Some(open) = after.next() else {
                continue;
            };
            if let Some((_, syllable)) = syllable_in_parentheses(open, after) {
                match reads(before, &syllable) {
                    true => counts.matching = counts.matching.saturating_add(1),
                    false => counts.other = counts.other.saturating_add(1),
                }
            }
        }
        counts
    }

    /// Whether some annotation reads its character.
    pub fn any_matching(&self) -> bool {
        self.matching > 0
    }

    pub fn add(&mut self, other: &Counts) {
        self.matching = self.matching.saturating_add(other.matching);
        self.other = self.other.saturating_add(other.other);
    }

    /// Whether the document's annotations show the pattern of ruby
    /// leftovers.
    pub fn is_pattern(&self) -> bool {
        self.matching >= MIN_EVIDENCE && self.matching >= self.other.saturating_mul(4)
    }
}

/// Whether `syllable` (canonical) is one that Mandarin has: some character
/// reads as its letters. (Not `head` or `apm`: a word in parentheses,
/// `头(HEAD)`, is a gloss, no annotation, and no evidence either way.)
fn is_syllable(syllable: &str) -> bool {
    let letters = syllable.trim_end_matches(|d: char| d.is_ascii_digit());
    SYLLABLES.binary_search(&letters).is_ok()
}

/// Whether `syllable` (canonical) is a reading of `c`, or, written without
/// a tone, of any of its readings' letters.
fn reads(c: char, syllable: &str) -> bool {
    let Ok(at) = READINGS.binary_search_by_key(&(c as u32), |&(code, _)| code) else {
        return false;
    };
    let toneless = !syllable.ends_with(|d: char| d.is_ascii_digit());
    READINGS[at].1.split(',').any(|reading| {
        reading == syllable
            || (toneless && reading.trim_end_matches(|d: char| d.is_ascii_digit()) == syllable)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_that_read_their_character_are_found() {
        let chars: Vec<char> = "中新網(wǎng)山東監(jiān)督設(shè)立(ma)头(HEAD)"
            .chars()
            .collect();
        let found = annotations(&chars);
        let matching: Vec<String> = found
            .iter()
            .filter(|a| a.matches)
            .map(|a| chars[a.start..a.end].iter().collect())
            .collect();
        assert_eq!(matching, ["(wǎng)", "(jiān)", "(shè)"]);
        // `(ma)` is a syllable but reads nothing here; `(HEAD)`, shaped
        // like one, is none that Mandarin has: a gloss, no annotation.
        assert_eq!(found.len(), 4);
        assert!(!found[3].matches);
        assert!(Counts::of(&found[..3]).is_pattern());
        assert!(!Counts::of(&found[..2]).is_pattern());
        assert_eq!(
            Counts::of_text("中新網(wǎng)山東\n監(jiān)督設(shè)立(ma)头(HEAD)"),
            Counts::of(&found)
        );
        // A parenthesis after no Han character is passed over, not the
        // annotations after it in its line.
        assert_eq!(
            Counts::of_text("printf(3)\nf(x) 中新網(wǎng)山東"),
            Counts::of(&found[..1])
        );
    }

    proptest::proptest! {
        #[test]
        fn the_counts_of_a_text_are_those_of_its_annotations(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "中", "網", "立", "(", "（", ")", "）", "wǎng", "wang3", "ma", "HEAD",
                    "jiān", "e\u{301}", "\u{304}a", "\n", " ", "1", "?", "(shè)",
                ]),
                0..24,
            )
        ) {
            let text = pieces.concat();
            let chars: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(Counts::of_text(&text), Counts::of(&annotations(&chars)));
        }
    }

    #[test]
    fn a_lone_gloss_is_not_a_pattern() {
        let chars: Vec<char> = "妈(mā)妈在家".chars().collect();
        let found = annotations(&chars);
        assert_eq!(found.len(), 1);
        assert!(found[0].matches);
        assert!(!Counts::of(&found).is_pattern());
        // Tone numbers and v for ü count as readings too.
        assert!(reads('绿', "lv4") && reads('網', "wang3") && !reads('網', "wang2"));
    }
}
