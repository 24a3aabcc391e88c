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
