//! Repairing arbitrary text (and bytes) never panics, keeps every line
//! break, and its report replays to the same output; cut after a line break
//! into two pieces fixed with the document's merged evidence, it gives the
//! whole text's output; detecting the text's script and standard never
//! panics, and its confidences are in range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::{Evidence, Fixer, Form, NormalizeOptions, Punct, ScriptDetection};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fixers = [
        Fixer::new(),
        Fixer::new().remove_flagged(true).decode_urls(true),
        // Naive-conversion repair, with the normalizations `fix` can add.
        Fixer::new().fix_conversion(true).normalize(
            NormalizeOptions::new()
                .form(Some(Form::Nfkc))
                .width(true)
                .space(true)
                .punct(Punct::Fullwidth),
        ),
    ];
    for fixer in fixers {
        let (fixed, report) = fixer.fix_and_explain(&text);
        assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
        assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), fixed);
        let chars = text.chars().count();
        for step in &report.steps {
            assert!(step.start <= step.end && step.end <= chars, "{step:?}");
        }
        for flag in &report.flags {
            assert!(flag.start < flag.end && flag.end <= chars, "{flag:?}");
        }
        // Without the report, the same text.
        assert_eq!(fixer.fix_text(&text), fixed);

        // In two pieces, cut after the middle line break, with the
        // document's evidence.
        let lines: Vec<usize> = text.match_indices('\n').map(|(at, _)| at + 1).collect();
        if let Some(&cut) = lines.get(lines.len() / 2) {
            let (first, second) = text.split_at(cut);
            let mut evidence = Evidence::default();
            evidence.merge(&fixer.evidence(second));
            evidence.merge(&fixer.evidence(first));
            let judged = fixer.clone().with_evidence(evidence);
            let mut pieces = judged.fix_text(first);
            pieces.push_str(&judged.after_line_break(true).fix_text(second));
            assert!(pieces == fixed, "two pieces differ from the whole: {text:?}");
        }
    }
    let _ = zhfix::fix_bytes(data);

    let detection = ScriptDetection::of(&text);
    assert!((0.0..=1.0).contains(&detection.confidence), "{detection:?}");
    assert!((0.0..=1.0).contains(&detection.standard_confidence), "{detection:?}");
});
