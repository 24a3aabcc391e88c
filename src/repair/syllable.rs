//! Pinyin syllables in one canonical form, so that a reading written with
//! tone marks (`wǎng`), tone numbers (`wang3`) or `v`/`u:` for `ü` compares
//! equal. Shared with `build.rs`, which compiles the readings of
//! `dictionaries/pinyin/readings.tsv` into this form.

/// `syllable` as ASCII letters (`ü` as `v`) followed by its tone number, 1
/// to 4, or by nothing for the neutral tone: `wǎng` → `wang3`, `lǜ` → `lv4`,
/// `lu:4` → `lv4`, `de` and `de5` → `de`. `None` if it is not shaped like a
/// syllable (letters, at most one tone, at most 7 letters).
pub fn canonical(syllable: &str) -> Option<String> {
    let mut letters = String::with_capacity(8);
    let mut tone = None;
    let set_tone = |t: u8, tone: &mut Option<u8>| match tone {
        Some(_) => false,
        None => {
            *tone = Some(t);
            true
        }
    };
    let mut chars = syllable.chars().peekable();
    while let Some(c) = chars.next() {
        let (base, marked) = match c {
            'a'..='z' => (c, 0),
            'A'..='Z' => (c.to_ascii_lowercase(), 0),
            'ü' | 'Ü' => ('v', 0),
            ':' if letters.ends_with('u') => {
                letters.pop();
                ('v', 0)
            }
            '1'..='5' | '0' if chars.peek().is_none() => {
                let t = c as u8 - b'0';
                if !set_tone(t, &mut tone) {
                    return None;
                }
                continue;
            }
            // Combining marks (decomposed text).
            '\u{304}' => ('\0', 1),
            '\u{301}' => ('\0', 2),
            '\u{30C}' => ('\0', 3),
            '\u{300}' => ('\0', 4),
            '\u{308}' if letters.ends_with('u') => {
                letters.pop();
                ('v', 0)
            }
            _ => match marked_vowel(c) {
                Some((base, t)) => (base, t),
                None => return None,
            },
        };
        if marked > 0 && !set_tone(marked, &mut tone) {
            return None;
        }
        if base != '\0' {
            letters.push(base);
        }
    }
    let vowel = letters.contains(['a', 'e', 'i', 'o', 'u', 'v'])
        || matches!(&letters[..], "m" | "n" | "ng" | "hm" | "hng");
    if letters.is_empty() || letters.len() > 7 || !vowel {
        return None;
    }
    if let Some(t @ 1..=4) = tone {
        letters.push(char::from(b'0' + t));
    }
    Some(letters)
}

/// A precomposed vowel with a tone mark: its letter and tone.
fn marked_vowel(c: char) -> Option<(char, u8)> {
    const MARKED: [(char, [char; 4]); 8] = [
        ('a', ['ā', 'á', 'ǎ', 'à']),
        ('e', ['ē', 'é', 'ě', 'è']),
        ('i', ['ī', 'í', 'ǐ', 'ì']),
        ('o', ['ō', 'ó', 'ǒ', 'ò']),
        ('u', ['ū', 'ú', 'ǔ', 'ù']),
        ('v', ['ǖ', 'ǘ', 'ǚ', 'ǜ']),
        ('m', ['\0', 'ḿ', '\0', '\0']),
        ('n', ['\0', 'ń', 'ň', 'ǹ']),
    ];
    let lower = c.to_lowercase().next()?;
    MARKED.iter().find_map(|&(base, marks)| {
        let tone = marks.iter().position(|&m| m == lower && m != '\0')?;
        Some((base, tone as u8 + 1))
    })
}
