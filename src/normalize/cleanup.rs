//! The profile's first stage: what no text should carry. C0 and C1 controls
//! other than tab, CR and LF; terminal escape sequences (CSI, as in colours,
//! and OSC, as in titles and links) as a whole; invisible characters (zero
//! width space, word joiner, a byte-order mark after the start, soft
//! hyphen). Bidi controls can change how text reads, so they are flagged,
//! and removed only on request.

use super::scan::{find, Table};
use super::{radical, tables, Edits};
use crate::report::{Damage, Rule};

/// What this stage acts on.
const CLEANED: &[(u32, u32)] = &[
    (0x00, 0x08),
    (0x0B, 0x0C),
    (0x0E, 0x1F),
    (0x7F, 0x9F),
    (0xAD, 0xAD),
    (0x61C, 0x61C),
    (0x200B, 0x200B),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2060),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
];

static CLEANUP: Table = Table::new(&[CLEANED], &[]);

/// Everything the profile acts on: this stage's characters, radicals, and
/// what NFC may change.
static PROFILE: Table = Table::new(
    &[CLEANED, radical::RADICALS, tables::NFC_NOT_INERT],
    tables::NFC_NOT_INERT,
);

/// Whether the profile may change anything in `text` (one scan; most clean
/// text has nothing).
pub(super) fn may_act(text: &str) -> bool {
    find(text, 0, &PROFILE).is_some()
}

/// Whether `c` is one of the characters that make [`may_act`] say yes.
pub(super) fn may_act_on(c: char) -> bool {
    PROFILE.contains(c)
}

fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Removes controls, escapes and invisible characters from `text`, and
/// flags (or removes) bidi controls.
pub(super) fn clean(text: &str, remove_bidi: bool, edits: &mut Edits) {
    let mut at = 0;
    while let Some((hit, c)) = find(text, at, &CLEANUP) {
        let mut end = hit + c.len_utf8();
        match c {
            '\u{1B}' | '\u{9B}' | '\u{9D}' => {
                end = escape_end(text, hit, c).unwrap_or(end);
                edits.remove(hit, end, Rule::TerminalEscape);
            }
            // A byte-order mark at the very start marks the encoding.
            '\u{FEFF}' if hit == 0 => {}
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => {
                edits.remove(hit, end, Rule::Invisible)
            }
            _ if is_bidi(c) => {
                edits.flag(hit, end, Damage::Bidi);
                if remove_bidi {
                    edits.remove(hit, end, Rule::Bidi);
                }
            }
            _ => edits.remove(hit, end, Rule::Control),
        }
        at = end;
    }
}

/// Where the escape sequence that starts at `start` with `c` (ESC, or the
/// C1 CSI or OSC) ends, if it is a complete CSI or OSC sequence.
///
/// CSI: parameter bytes (0x30..=0x3F), intermediate bytes (0x20..=0x2F),
/// one final byte (0x40..=0x7E). OSC: anything up to BEL or ESC `\`, on one
/// line; the search stops at the next ESC, so it stays linear.
fn escape_end(text: &str, start: usize, c: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let (kind, mut at) = match c {
        '\u{1B}' => (*bytes.get(start + 1)?, start + 2),
        '\u{9B}' => (b'[', start + 2),
        _ => (b']', start + 2),
    };
    match kind {
        b'[' => {
            while bytes.get(at).is_some_and(|b| (0x30..=0x3F).contains(b)) {
                at += 1;
            }
            while bytes.get(at).is_some_and(|b| (0x20..=0x2F).contains(b)) {
                at += 1;
            }
            bytes
                .get(at)
                .is_some_and(|b| (0x40..=0x7E).contains(b))
                .then_some(at + 1)
        }
        b']' => loop {
            match *bytes.get(at)? {
                0x07 => return Some(at + 1),
                0x1B => return (bytes.get(at + 1) == Some(&b'\\')).then_some(at + 2),
                b'\n' | b'\r' => return None,
                _ => at += 1,
            }
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str, remove_bidi: bool) -> (String, Vec<Rule>, usize) {
        let mut edits = Edits::default();
        clean(text, remove_bidi, &mut edits);
        let (out, steps, flags) = edits.apply(text);
        (out, steps.iter().map(|s| s.rule).collect(), flags.len())
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("中文", "中文"),
            ("\u{FEFF}中文", "\u{FEFF}中文"),
            ("中\u{FEFF}文\u{200B}\u{2060}字\u{AD}", "中文字"),
            ("a\tb\r\nc\u{0}\u{1}\u{7F}\u{85}d", "a\tb\r\ncd"),
            ("\u{1B}[1;31m紅\u{1B}[0m", "紅"),
            (
                "\u{1B}]0;title\u{7}文\u{1B}]8;;http://x\u{1B}\\鏈\u{1B}]8;;\u{1B}\\",
                "文鏈",
            ),
            // Incomplete: only the ESC goes.
            ("\u{1B}[31", "[31"),
            ("\u{1B}]0;title\n", "]0;title\n"),
            ("\u{9B}2J清", "清"),
        ];
        for (input, expected) in cases {
            assert_eq!(&cleaned(input, false).0, expected, "{input:?}");
        }
    }

    #[test]
    fn bidi_is_flagged_and_removed_on_request() {
        let text = "abc\u{202E}def\u{202C}";
        assert_eq!(cleaned(text, false), (text.to_string(), vec![], 2));
        assert_eq!(
            cleaned(text, true),
            ("abcdef".to_string(), vec![Rule::Bidi, Rule::Bidi], 2)
        );
    }
}
