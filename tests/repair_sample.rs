//! The sample article of MOJIBAKE.md (a real scraped page): `fix` removes its
//! 124 ruby leftovers, puts its out-of-phase GBK tail back in phase, flags
//! the `?shù)` remnant, and changes nothing else.

use zhfix::{Damage, Fixer, Rule};

const SAMPLE: &str = include_str!("data/sample-000.txt");

#[test]
fn the_sample_is_repaired_and_nothing_else_changes() {
    let (fixed, report) = zhfix::fix_and_explain(SAMPLE);
    let ruby: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.rule == Rule::Ruby)
        .collect();
    assert_eq!(ruby.len(), 124);
    for step in &ruby {
        // `(wǎng)`: a parenthesised syllable, removed.
        assert!(
            step.before.starts_with('(') && step.before.ends_with(')'),
            "{step:?}"
        );
        assert!(step.before[1..step.before.len() - 1]
            .chars()
            .all(char::is_alphabetic));
        assert_eq!(step.after, "");
    }
    let others: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.rule != Rule::Ruby)
        .collect();
    assert_eq!(others.len(), 1, "{others:?}");
    assert_eq!(others[0].rule, Rule::OutOfPhase);
    assert_eq!(others[0].before, "恼\u{E49D}伪旧\u{E05E}!睘I");
    assert_eq!(others[0].after, "的政治本色。”濱");
    // Nothing else: the steps replay to the output.
    assert_eq!(zhfix::apply_plan(SAMPLE, &report).unwrap(), fixed);
    assert_eq!(fixed.lines().count(), SAMPLE.lines().count());
    assert!(fixed.contains("中新網山東"));
    assert!(
        fixed.contains("永葆忠誠干凈擔當?shù)的政治本色。”濱州市紀委監委主要負責同志如是說。(完)")
    );
    // The remnant is flagged, and removed on request.
    assert_eq!(report.flags.len(), 1);
    assert_eq!(report.flags[0].damage, Damage::Remnant);
    assert_eq!(report.flags[0].text, "?shù)");
    let removed = Fixer::new().remove_flagged(true).fix_text(SAMPLE);
    assert!(removed.contains("永葆忠誠干凈擔當的政治本色。”濱州市紀委監委主要負責同志如是說。(完)"));
}

#[test]
fn fixing_the_fixed_sample_changes_nothing() {
    let fixed = Fixer::new().remove_flagged(true).fix_text(SAMPLE);
    let (again, report) = zhfix::fix_and_explain(&fixed);
    assert_eq!(again, fixed);
    assert!(report.steps.is_empty(), "{:?}", report.steps);
}

/// The sample was converted from Simplified character by character: with
/// the conversion repair, every `干凈`, `規范`, `扎實`, `筑牢`, `余冊`, `關于`
/// and `干部` takes its phrase-level form; the style variants `了解` and
/// `借鑒` stay and are flagged; nothing else changes beyond plain `fix`.
#[test]
fn the_conversion_repair_fixes_the_samples_naive_conversion_and_nothing_else() {
    let plain = zhfix::fix_text(SAMPLE);
    let fixer = Fixer::new().fix_conversion(true);
    let (fixed, report) = fixer.fix_and_explain(SAMPLE);
    assert_eq!(fixer.fix_text(SAMPLE), fixed);
    assert_eq!(zhfix::apply_plan(SAMPLE, &report).unwrap(), fixed);
    for (naive, repaired) in [
        ("干凈", "乾淨"),
        ("規范", "規範"),
        ("扎實", "紮實"),
        ("筑牢", "築牢"),
        ("余冊", "餘冊"),
        ("關于", "關於"),
        ("干部", "幹部"),
    ] {
        assert!(plain.contains(naive), "{naive}");
        assert!(!fixed.contains(naive), "{naive}");
        assert_eq!(
            fixed.matches(repaired).count(),
            plain.matches(naive).count() + plain.matches(repaired).count(),
            "{repaired}"
        );
    }
    // Character for character, only those characters changed.
    assert_eq!(fixed.chars().count(), plain.chars().count());
    let mut changed: Vec<(char, char)> = plain
        .chars()
        .zip(fixed.chars())
        .filter(|(a, b)| a != b)
        .collect();
    changed.sort();
    changed.dedup();
    assert_eq!(
        changed,
        [
            ('于', '於'),
            ('余', '餘'),
            ('凈', '淨'),
            ('干', '乾'),
            ('干', '幹'),
            ('扎', '紮'),
            ('筑', '築'),
            ('范', '範')
        ]
    );
    // `干預` (correct) stays.
    assert!(fixed.contains("插手干預"));
    // The style variants stay, flagged.
    assert_eq!(fixed.matches("了解").count(), plain.matches("了解").count());
    assert!(fixed.contains("借鑒"));
    let styles: Vec<&str> = report
        .flags
        .iter()
        .filter(|f| f.damage == Damage::StyleVariant)
        .map(|f| f.text.as_str())
        .collect();
    assert_eq!(
        styles.iter().filter(|t| t.contains("了解")).count(),
        plain.matches("了解").count()
    );
    assert!(styles.contains(&"借鑒"), "{styles:?}");
    assert!(report.steps.iter().any(|s| s.rule == Rule::Conversion));
    // Fixing again changes nothing.
    assert_eq!(fixer.fix_text(&fixed), fixed);
}
