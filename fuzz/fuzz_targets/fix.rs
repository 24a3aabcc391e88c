//! Repairing arbitrary text (and bytes) never panics, keeps every line
//! break, and its report replays to the same output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhfix::Fixer;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for fixer in [
        Fixer::new(),
        Fixer::new().remove_flagged(true).decode_urls(true),
    ] {
        let (fixed, report) = fixer.fix_and_explain(&text);
        assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
        assert_eq!(zhfix::apply_plan(&text, &report).unwrap(), fixed);
    }
    let fixed = zhfix::fix_text(&text);
    assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
    let _ = zhfix::fix_bytes(data);
});
