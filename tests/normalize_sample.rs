//! Normalization on real text: the CJK-safe profile leaves clean text in
//! Chinese, Japanese, Korean and Latin scripts byte-identical, and
//! `--punct fullwidth` restores the sample article's folded punctuation
//! while leaving times, numbers, URLs and Latin text alone.

use std::io::Write;
use std::process::{Command, Stdio};

use zhfix::{Fixer, NormalizeOptions, Punct};

const SAMPLE: &str = include_str!("data/sample-000.txt");
const CLEAN: &str = include_str!("data/clean-sample.txt");

/// Lines in Latin context to check the punctuation rules on, after the
/// article.
const LATIN: &str =
    "Install man\\-db, then run mandb; see https://www.debian.org/doc/?a=1,2 for 3,000 pages!\n\
    參見 https://zh.wikipedia.org/wiki/中文,漢字 和 3,000 個頁面: 好\n";

#[test]
fn the_profile_leaves_clean_text_unchanged() {
    let (out, report) = zhfix::normalize_and_explain(CLEAN, &NormalizeOptions::new());
    assert!(
        report.steps.is_empty(),
        "{:?}",
        &report.steps[..report.steps.len().min(5)]
    );
    assert!(out == CLEAN);
    // Every script is there.
    for range in [
        '\u{4E00}'..='\u{9FFF}',
        '\u{3040}'..='\u{30FF}',
        '\u{AC00}'..='\u{D7A3}',
        'à'..='ü',
    ] {
        assert!(CLEAN.chars().any(|c| range.contains(&c)), "{range:?}");
    }
    // And `zhfix fix` (repair, then the profile) leaves it too.
    assert!(zhfix::fix_text(CLEAN) == CLEAN);
}

fn fixed_sample() -> String {
    let fixed = Fixer::new().remove_flagged(true).fix_text(SAMPLE);
    assert!(fixed.contains("近日,濱州") && fixed.ends_with("(完)"));
    format!("{fixed}\n{LATIN}")
}

fn check_fullwidth(out: &str, input: &str) {
    assert!(out.contains("近日，濱州"));
    assert!(out.contains("電（趙偉偉 劉美芳）"));
    assert!(out.contains("如是說。（完）"));
    assert!(out.contains("2022年11月20日 18:14 來源：中新網山東"));
    assert!(out.contains("“絕不利用職權或職務上的影響，為配偶"));
    assert!(out.ends_with(LATIN.replace("頁面: 好", "頁面： 好").as_str()));
    // Only ASCII marks changed, each to its full-width form, one for one.
    assert_eq!(out.chars().count(), input.chars().count());
    for (a, b) in input.chars().zip(out.chars()) {
        if a != b {
            assert!(
                ",:;!?()".contains(a) && u32::from(b) == u32::from(a) + 0xFEE0,
                "{a} {b}"
            );
        }
    }
}

#[test]
fn fullwidth_restores_the_samples_punctuation() {
    let input = fixed_sample();
    let options = NormalizeOptions::new().punct(Punct::Fullwidth);
    let (out, report) = zhfix::normalize_and_explain(&input, &options);
    check_fullwidth(&out, &input);
    assert_eq!(zhfix::apply_plan(&input, &report).unwrap(), out);
    // And through `zhfix fix --punct fullwidth` on the damaged article.
    let fixer = Fixer::new().remove_flagged(true).normalize(options);
    let (fixed, report) = fixer.fix_and_explain(SAMPLE);
    assert!(fixed.ends_with("如是說。（完）"));
    assert_eq!(zhfix::apply_plan(SAMPLE, &report).unwrap(), fixed);
}

#[test]
fn the_command_line_does_the_same() {
    let input = fixed_sample();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .args(["normalize", "--punct", "fullwidth"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    check_fullwidth(&String::from_utf8(output.stdout).unwrap(), &input);
}
