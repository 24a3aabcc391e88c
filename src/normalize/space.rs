//! `--space` and `--newlines lf`.
//!
//! Spaces: U+3000 and no-break spaces become ASCII spaces; a run of spaces
//! inside a line becomes one, or none between two Han characters (Chinese
//! and Japanese put no spaces between words, so one there is an artefact of
//! line wrapping or extraction). A line's indentation keeps its length: it
//! is layout, not spacing.

use super::Edits;
use crate::report::Rule;
use crate::score::is_han;

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{A0}')
}

/// Normalizes the spaces of `text`.
pub(super) fn spaces(text: &str, edits: &mut Edits) {
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_space(c) {
            previous = Some(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut count = 1;
        while let Some((i, c)) = chars.next_if(|&(_, c)| is_space(c)) {
            end = i + c.len_utf8();
            count += 1;
        }
        let run = &text[start..end];
        let next = chars.peek().map(|&(_, c)| c);
        let after = match previous {
            None | Some('\n') | Some('\r') => " ".repeat(count),
            Some(before) if is_han(before) && next.is_some_and(is_han) => String::new(),
            Some(_) => " ".to_string(),
        };
        if after != run {
            edits.replace(start, end, &after, Rule::Space);
        }
        previous = Some(' ');
    }
}

/// CRLF and CR to LF.
pub(super) fn newlines(text: &str, edits: &mut Edits) {
    for (at, _) in text.match_indices('\r') {
        let end = match text.as_bytes().get(at + 1) {
            Some(b'\n') => at + 2,
            _ => at + 1,
        };
        edits.replace(at, end, "\n", Rule::Newline);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&str, &mut Edits), text: &str) -> String {
        let mut edits = Edits::default();
        f(text, &mut edits);
        edits.apply(text).0
    }

    #[test]
    fn spaces_table() {
        let cases = [
            ("中 文", "中文"),
            ("中\u{3000} 文字", "中文字"),
            ("　　中文\n\u{A0}x", "  中文\n x"),
            ("a  b\u{A0}c", "a b c"),
            ("中文 abc 中文", "中文 abc 中文"),
            ("end  ", "end "),
        ];
        for (input, expected) in cases {
            assert_eq!(run(spaces, input), expected, "{input:?}");
        }
    }

    #[test]
    fn newlines_table() {
        assert_eq!(run(newlines, "a\r\nb\rc\n\r\n"), "a\nb\nc\n\n");
    }
}
