//! Properties of repair over generated text (mojibake, escapes, flags): the report replays to the
//! output, line breaks are kept, a second pass changes nothing, text of
//! common words comes back unchanged, and text fixed in pieces with its
//! document's evidence comes out as it does fixed whole.

use proptest::prelude::*;
use zhfix::encoding_rs::{Encoding, BIG5, GBK, SHIFT_JIS, UTF_8, WINDOWS_1252};
use zhfix::{Evidence, Fixer};

/// Common words of one script: the first column of jieba-derived bigrams is
/// not available to tests, so words come from OpenCC's phrase keys.
fn words() -> Vec<String> {
    include_str!("../dictionaries/opencc/STPhrases.txt")
        .lines()
        .filter_map(|line| line.split('\t').next())
        .filter(|key| key.chars().count() == 2)
        .step_by(53)
        .map(str::to_string)
        .collect()
}

/// Damage applied forward: `text` encoded with `was` and decoded with
/// `read_as`, as a program that guessed wrong would.
fn damage(text: &str, was: &'static Encoding, read_as: &'static Encoding) -> String {
    read_as
        .decode_without_bom_handling(&was.encode(text).0)
        .0
        .into_owned()
}

/// Lines of common words, some spans damaged, some invisible characters and
/// flagged damage, joined by line breaks; the pieces of a line joined by
/// `separator`.
fn damaged_text(separator: &'static str) -> impl Strategy<Value = String> {
    let words = words();
    let pairs: [(&'static Encoding, &'static Encoding); 5] = [
        (UTF_8, GBK),
        (UTF_8, WINDOWS_1252),
        (GBK, WINDOWS_1252),
        (BIG5, GBK),
        (UTF_8, SHIFT_JIS),
    ];
    let piece = (0..words.len(), 0..15usize);
    proptest::collection::vec(proptest::collection::vec(piece, 1..12), 1..6).prop_map(
        move |lines| {
            lines
                .into_iter()
                .map(|pieces| {
                    pieces
                        .into_iter()
                        .map(|(word, how)| match how {
                            0..=4 => damage(&words[word], pairs[how].0, pairs[how].1),
                            5 => format!("{}\u{200B}", words[word]),
                            6 => "锟斤拷".to_string(),
                            7 => format!("{}(wǎng)", words[word]),
                            8 => "\u{FFFD}?".to_string(),
                            12 => escape(&words[word], |c| format!("&#{};", u32::from(c))),
                            13 => escape(&words[word], |c| {
                                let mut units = [0; 2];
                                c.encode_utf16(&mut units)
                                    .iter()
                                    .map(|unit| format!("\\u{unit:04x}"))
                                    .collect()
                            }),
                            14 => escape(&words[word], |c| {
                                c.encode_utf8(&mut [0; 4])
                                    .bytes()
                                    .map(|b| format!("%{b:02X}"))
                                    .collect()
                            }),
                            _ => words[word].clone(),
                        })
                        .collect::<Vec<String>>()
                        .join(separator)
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
    )
}

/// `text` with each non-ASCII character escaped by `how` (HTML references,
/// `\\u` escapes, percent-encoding), forward.
fn escape(text: &str, how: impl Fn(char) -> String) -> String {
    text.chars()
        .map(|c| match c.is_ascii() {
            true => c.to_string(),
            false => how(c),
        })
        .collect()
}

/// The `count` most frequent characters of one script (`column` 1 for
/// Simplified, 2 for Traditional text) by the embedded hanzi frequencies.
fn common_characters(column: usize, count: usize) -> Vec<char> {
    let mut counted: Vec<(u64, char)> = include_str!("../dictionaries/hanzi/frequencies.tsv")
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let c = fields.first()?.chars().next()?;
            Some((fields.get(column)?.parse().ok()?, c))
        })
        .collect();
    counted.sort_unstable_by(|a, b| b.cmp(a));
    counted.into_iter().take(count).map(|(_, c)| c).collect()
}

/// NFC text made only of common characters of one script (Simplified or
/// Traditional), with CJK punctuation, spaces and line breaks between runs.
fn one_script_text() -> impl Strategy<Value = String> {
    let scripts = [common_characters(1, 2500), common_characters(2, 2500)];
    (
        0..2usize,
        proptest::collection::vec((0..2500usize, 0..12usize), 1..200),
    )
        .prop_map(move |(script, picks)| {
            let characters = &scripts[script];
            picks
                .into_iter()
                .map(|(pick, gap)| {
                    let gap = ["，", "。", "\n", " ", "、", "：", "“", "”"]
                        .get(gap)
                        .copied();
                    format!("{}{}", characters[pick], gap.unwrap_or(""))
                })
                .collect()
        })
}

/// Anything: the damage above, Unicode at large, and the characters repair
/// reacts to (Latin-1 letters, C1 controls, private use, half-width kana,
/// U+FFFD, escapes' and entities' pieces, syllables in parentheses, zero
/// width), in any order.
fn hostile_text() -> impl Strategy<Value = String> {
    let tokens = prop_oneof![
        "\\PC{1,4}",
        "[\u{80}-\u{FF}]{1,6}",
        "[\u{E000}-\u{E0FF}\u{FF61}-\u{FF9F}\u{FFFD}?]{1,3}",
        "[一-龥]{1,6}",
        "(&#|&amp;|\\\\u|\\\\x|%)[0-9a-fA-F]{1,5};?",
        "\\((w|zh|x)(ǎ|a|ē|ü)(ng|n)?[1-5]?\\)",
        "[\u{200B}\u{FEFF}\u{2060}\n ]",
    ];
    (damaged_text(""), proptest::collection::vec(tokens, 0..24)).prop_map(|(damaged, tokens)| {
        let mut text = String::new();
        let mut damaged = damaged.split_inclusive(' ');
        for token in tokens {
            text.push_str(&token);
            text.push_str(damaged.next().unwrap_or(""));
        }
        text.extend(damaged);
        text
    })
}

fn clean_text() -> impl Strategy<Value = String> {
    let words = words();
    proptest::collection::vec((0..words.len(), 0..6usize), 1..80).prop_map(move |picks| {
        picks
            .into_iter()
            .map(|(word, gap)| format!("{}{}", words[word], ["", "，", "。", "\n", " ", ""][gap]))
            .collect()
    })
}

/// Stretches that need the document's evidence, or sit where a piece
/// starts: ruby annotations that read their character (one or two to a
/// line, so that the pattern often shows only across lines) and some that
/// do not, Traditional text made character by character (`干凈`, `頭發`,
/// kept characters outside phrases) next to OpenCC's and Taiwan's, and
/// invisible characters and a `?` that can start a line.
const DOCUMENT_STRETCHES: [&str; 22] = [
    "中新網(wǎng)",
    "監(jiān)督",
    "設(shè)立",
    "山(shān)東",
    "新(xīn)聞",
    "頭(tóu)發干凈",
    "的(wǎng)",
    "大(xiǎo)",
    "忠誠干凈，",
    "關于規范",
    "他的頭發幹凈了。",
    "四千余冊，筑牢",
    "干部",
    "他的頭髮乾淨了。",
    "關於規範的領導幹部。",
    "台灣的朋友說了解。",
    "這裡的人們為了大眾",
    "這裏的人們爲了大衆",
    "\u{FEFF}中文",
    "\u{200B}中文",
    "?\u{FFFD}",
    "鍙戝竷",
];

/// Damaged text (see `damaged_text`) with lines of `DOCUMENT_STRETCHES`
/// among its lines, and where to cut it into pieces: a flag per line.
fn document() -> impl Strategy<Value = (String, Vec<bool>)> {
    let extra = proptest::collection::vec(
        (
            any::<usize>(),
            proptest::collection::vec(0..DOCUMENT_STRETCHES.len(), 1..5),
        ),
        0..10,
    );
    (
        damaged_text(""),
        extra,
        proptest::collection::vec(any::<bool>(), 24),
        any::<bool>(),
    )
        .prop_map(|(text, extra, cuts, final_break)| {
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            for (at, stretches) in extra {
                let line = stretches.iter().map(|&i| DOCUMENT_STRETCHES[i]).collect();
                lines.insert(at % (lines.len() + 1), line);
            }
            let mut text = lines.join("\n");
            if final_break {
                text.push('\n');
            }
            (text, cuts)
        })
}

/// `text` cut after the line breaks that `cuts` marks.
fn pieces<'a>(text: &'a str, cuts: &[bool]) -> Vec<&'a str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (line, end) in text.match_indices('\n').map(|(at, _)| at + 1).enumerate() {
        if cuts.get(line).copied().unwrap_or(false) {
            pieces.push(&text[start..end]);
            start = end;
        }
    }
    pieces.push(&text[start..]);
    pieces
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Each piece fixed with the merged evidence of all (gathered in any
    /// order), the results concatenated, is the whole text fixed; the
    /// reports agree once each piece's is offset by the characters before
    /// it, and a piece's steps and flags lie within it.
    #[test]
    fn output_is_independent_of_chunking(
        (text, cuts) in document(),
        fix_conversion in any::<bool>(),
        remove in any::<bool>(),
    ) {
        let fixer = Fixer::new().fix_conversion(fix_conversion).remove_flagged(remove);
        let pieces = pieces(&text, &cuts);
        let placed = |i: usize| fixer.clone().after_line_break(i > 0);
        let gathered: Vec<Evidence> = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| placed(i).evidence(piece))
            .collect();
        let mut evidence = Evidence::default();
        for piece in &gathered {
            evidence.merge(piece);
        }
        let mut backwards = Evidence::default();
        for piece in gathered.iter().rev() {
            backwards.merge(piece);
        }
        prop_assert_eq!(&backwards, &evidence);
        let (whole, whole_report) = fixer.fix_and_explain(&text);
        let mut fixed = String::new();
        let mut report = zhfix::Report::default();
        let mut offset = 0;
        for (i, piece) in pieces.iter().enumerate() {
            let judged = placed(i).with_evidence(evidence.clone());
            let (piece_fixed, piece_report) = judged.fix_and_explain(piece);
            prop_assert_eq!(judged.fix_text(piece), piece_fixed.clone());
            fixed.push_str(&piece_fixed);
            let chars = piece.chars().count();
            for mut step in piece_report.steps {
                prop_assert!(step.end <= chars);
                (step.start, step.end) = (step.start + offset, step.end + offset);
                report.steps.push(step);
            }
            for mut flag in piece_report.flags {
                prop_assert!(flag.end <= chars);
                (flag.start, flag.end) = (flag.start + offset, flag.end + offset);
                report.flags.push(flag);
            }
            offset += chars;
        }
        prop_assert_eq!(&fixed, &whole);
        prop_assert_eq!(report, whole_report);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_report_replays_and_lines_are_kept(text in damaged_text(""), remove in any::<bool>()) {
        let fixer = Fixer::new().remove_flagged(remove);
        let (fixed, report) = fixer.fix_and_explain(&text);
        prop_assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), fixed.clone());
        // Without the report, the same text (made without steps).
        prop_assert_eq!(fixer.fix_text(&text), fixed.clone());
        prop_assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
        let chars = text.chars().count();
        for step in &report.steps {
            prop_assert!(step.start <= step.end && step.end <= chars);
        }
        for flag in &report.flags {
            prop_assert!(flag.start < flag.end && flag.end <= chars);
        }
    }

    /// (Damage of different kinds run together, with nothing between, can
    /// still need a second pass.)
    #[test]
    fn fixing_twice_changes_nothing_more(text in damaged_text(" ")) {
        let once = zhfix::fix_text(&text);
        prop_assert_eq!(zhfix::fix_text(&once), once);
    }

    #[test]
    fn fixing_anything_twice_changes_nothing_more(text in hostile_text()) {
        let once = zhfix::fix_text(&text);
        prop_assert_eq!(zhfix::fix_text(&once), once);
    }

    #[test]
    fn the_report_of_anything_replays(text in hostile_text()) {
        let fixer = Fixer::new().remove_flagged(true).decode_urls(true);
        let (fixed, report) = fixer.fix_and_explain(&text);
        prop_assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), fixed.clone());
        prop_assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
        let chars = text.chars().count();
        for step in &report.steps {
            prop_assert!(step.start <= step.end && step.end <= chars);
        }
        for flag in &report.flags {
            prop_assert!(flag.start < flag.end && flag.end <= chars);
        }
    }

    #[test]
    fn common_characters_of_one_script_come_back_unchanged(text in one_script_text()) {
        let (fixed, report) = zhfix::fix_and_explain(&text);
        prop_assert_eq!(&fixed, &text, "{:?}", report.steps);
    }

    #[test]
    fn common_words_come_back_unchanged(text in clean_text()) {
        let (fixed, report) = zhfix::fix_and_explain(&text);
        prop_assert_eq!(&fixed, &text, "{:?}", report.steps);
    }
}
