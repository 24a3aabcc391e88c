//! Finding the few characters a stage acts on in text that is mostly
//! others, byte by byte, without decoding most of it.
//!
//! A [`Table`] is a set of code points: a bitmap of the Basic Multilingual
//! Plane, built at compile time from ranges, and the ranges themselves for
//! the planes above. A 3-byte UTF-8 sequence (all of CJK) is looked up by its
//! first two bytes, which name a block of 64 code points: a block with none
//! of the set's characters (nearly every CJK block) is skipped without
//! reading the third byte. Runs of ASCII are skipped eight bytes at a time.

/// A set of code points, for [`find`].
pub(super) struct Table {
    /// Bit `c % 64` of word `c / 64` for each code point `c` below U+10000.
    bmp: [u64; 1024],
    /// Code points from U+10000 up, as sorted, disjoint, inclusive ranges.
    supplementary: &'static [(u32, u32)],
    /// Whether the only ASCII characters in the set are controls (so that
    /// printable ASCII can be skipped eight bytes at a time).
    ascii_controls_only: bool,
    /// Whether the set has no ASCII character (so that all of ASCII can be).
    no_ascii: bool,
}

impl Table {
    /// The set of all code points in `ranges` (sorted, inclusive); the ones
    /// from U+10000 up must be in `ranges` too, as they are looked up there.
    pub(super) const fn new(
        ranges: &[&'static [(u32, u32)]],
        supplementary: &'static [(u32, u32)],
    ) -> Table {
        let mut bmp = [0u64; 1024];
        let mut list = 0;
        while list < ranges.len() {
            let mut i = 0;
            while i < ranges[list].len() {
                let (first, last) = ranges[list][i];
                let mut c = first;
                while c <= last && c < 0x10000 {
                    bmp[(c >> 6) as usize] |= 1 << (c & 63);
                    c += 1;
                }
                i += 1;
            }
            list += 1;
        }
        // Printable ASCII (0x20..=0x7E) is bits 32..=63 of word 0 and 0..=62
        // of word 1.
        let printable = (bmp[0] >> 32) | (bmp[1] & !(1 << 63));
        Table {
            bmp,
            supplementary,
            ascii_controls_only: printable == 0,
            no_ascii: bmp[0] == 0 && bmp[1] == 0,
        }
    }

    /// Whether `c` is in the set.
    pub(super) fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        if c < 0x10000 {
            self.bmp[(c >> 6) as usize] >> (c & 63) & 1 != 0
        } else {
            self.contains_supplementary(c)
        }
    }

    fn contains_supplementary(&self, c: u32) -> bool {
        let i = self.supplementary.partition_point(|&(_, last)| last < c);
        self.supplementary
            .get(i)
            .is_some_and(|&(first, _)| first <= c)
    }
}

/// The byte offset of the first character of `text[from..]` that is in
/// `table`, and the character; `from` must be a character boundary.
pub(super) fn find(text: &str, from: usize, table: &Table) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        let b = bytes[at];
        if b < 0x80 {
            if table.no_ascii {
                at += skip_ascii(&bytes[at..]);
                continue;
            }
            if table.ascii_controls_only {
                at += skip_printable_ascii(&bytes[at..]);
                match bytes.get(at) {
                    Some(&b) if b < 0x80 => {}
                    _ => continue,
                }
            }
            let b = bytes[at];
            if table.bmp[usize::from(b >> 6)] >> (b & 63) & 1 != 0 {
                return Some((at, char::from(b)));
            }
            at += 1;
        } else if b < 0xE0 {
            let c = (u32::from(b & 0x1F) << 6) | u32::from(bytes[at + 1] & 0x3F);
            if table.bmp[(c >> 6) as usize] >> (c & 63) & 1 != 0 {
                return Some((at, decode(text, at)));
            }
            at += 2;
        } else if b < 0xF0 {
            // The first two bytes give the block of 64, the third the bit;
            // a run of 3-byte characters (CJK text) stays in this loop.
            let mut lead = b;
            loop {
                let word =
                    table.bmp[(usize::from(lead & 0x0F) << 6) | usize::from(bytes[at + 1] & 0x3F)];
                if word != 0 && word >> (bytes[at + 2] & 0x3F) & 1 != 0 {
                    return Some((at, decode(text, at)));
                }
                at += 3;
                match bytes.get(at) {
                    Some(&next) if (0xE0..0xF0).contains(&next) => lead = next,
                    _ => break,
                }
            }
        } else {
            let c = decode(text, at);
            if table.contains_supplementary(u32::from(c)) {
                return Some((at, c));
            }
            at += 4;
        }
    }
    None
}

/// The character at byte offset `at` (a character boundary) of `text`.
fn decode(text: &str, at: usize) -> char {
    text[at..].chars().next().unwrap_or('\0')
}

/// How many bytes at the start of `bytes` are ASCII, counted eight at a
/// time and then one by one.
fn skip_ascii(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        if u64::from_le_bytes(word) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at += 8;
    }
    while bytes.get(at).is_some_and(u8::is_ascii) {
        at += 1;
    }
    at
}

/// How many bytes at the start of `bytes` are printable ASCII (0x20 to
/// 0x7E), counted eight at a time and then one by one.
pub(crate) fn skip_printable_ascii(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte at or above 0x80, below 0x20, or equal to 0x7F stops the
        // run (the usual tests for a byte below n and a zero byte).
        let below_space = w.wrapping_sub(ONES * 0x20) & !w;
        let del = w ^ (ONES * 0x7F);
        let is_del = del.wrapping_sub(ONES) & !del;
        let stops = (w | below_space | is_del) & HIGHS;
        if stops != 0 {
            // (The tests can mark bytes after the first that stops, where
            // a borrow runs on, never one before it: the lowest marked
            // byte is the first.)
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while bytes.get(at).is_some_and(|&b| (0x20..0x7F).contains(&b)) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGES: &[(u32, u32)] = &[
        (0x01, 0x08),
        (0x300, 0x36F),
        (0x2F00, 0x2FD5),
        (0x1D15E, 0x1D164),
    ];
    static TABLE: Table = Table::new(&[RANGES], &[(0x1D15E, 0x1D164)]);

    #[test]
    fn finds_what_a_character_walk_finds() {
        let text = "abc\u{1}中文e\u{301}⼈字😀\u{1D15E}x\tend \u{7F}";
        let mut found = Vec::new();
        let mut at = 0;
        while let Some((i, c)) = find(text, at, &TABLE) {
            found.push((i, c));
            at = i + c.len_utf8();
        }
        let expected: Vec<(usize, char)> = text
            .char_indices()
            .filter(|&(_, c)| TABLE.contains(c))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 4);
    }

    proptest::proptest! {
        #[test]
        fn printable_ascii_runs_are_what_a_byte_walk_finds(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    12 => 0x20u8..0x7F,
                    1 => proptest::sample::select(vec![0u8, 0x1F, 0x7F, 0x80, 0xE4, 0xFF]),
                ],
                0..40,
            ),
        ) {
            let walked = bytes.iter().take_while(|&&b| (0x20..0x7F).contains(&b)).count();
            proptest::prop_assert_eq!(skip_printable_ascii(&bytes), walked);
        }
    }

    #[test]
    fn printable_ascii_runs() {
        assert_eq!(skip_printable_ascii(b"0123456789abcdef\nx"), 16);
        assert_eq!(skip_printable_ascii(b"0123456\x7F89"), 7);
        assert_eq!(skip_printable_ascii("abcdefgh中".as_bytes()), 8);
    }
}
