//! Normalization speed side by side, best of N runs in one process, in MB/s:
//! zhfix (NFC, the CJK-safe profile) against `icu_normalizer` and
//! `unicode-normalization` on the same text. Lines with control characters
//! (terminal colours in fortunes) are left out unless `--dirty`, so that the
//! text is what the fast paths are for: clean, already normalized.
//!
//! `cargo run --release --example normalize_speed -- [FILE] [--dirty] [--repeat N]`
//! (default FILE: target/corpus/zh-hans.txt, from scripts/fetch-corpus)

use std::time::Instant;

use icu_normalizer::ComposingNormalizerBorrowed;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use zhfix::{Form, NormalizeOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dirty = args.iter().any(|a| a == "--dirty");
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(5);
    let path = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .map_or("target/corpus/zh-hans.txt", String::as_str);
    let raw = std::fs::read_to_string(path).expect("read the text (run scripts/fetch-corpus)");
    let text: String = match dirty {
        true => raw,
        false => raw
            .split_inclusive('\n')
            .filter(|line| {
                !line
                    .chars()
                    .any(|c| c.is_control() && !"\t\r\n".contains(c))
            })
            .collect(),
    };
    let mb = text.len() as f64 / 1e6;
    println!(
        "{path}: {mb:.1} MB{}",
        if dirty { " (as is)" } else { " (clean lines)" }
    );
    let time = |name: &str, f: &dyn Fn() -> usize| {
        let mut best = f64::INFINITY;
        for _ in 0..repeat {
            let start = Instant::now();
            std::hint::black_box(f());
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{name:<40} {:>8.0} MB/s", mb / best);
        mb / best
    };
    let nfc = NormalizeOptions::new().form(Some(Form::Nfc));
    let profile = NormalizeOptions::new();
    let icu = ComposingNormalizerBorrowed::new_nfc();
    let zhfix_nfc = time("zhfix normalize --form nfc", &|| {
        zhfix::normalize(&text, &nfc).len()
    });
    let zhfix_profile = time("zhfix normalize (CJK profile)", &|| {
        zhfix::normalize(&text, &profile).len()
    });
    let icu_nfc = time("icu_normalizer NFC normalize", &|| {
        icu.normalize(&text).len()
    });
    time("icu_normalizer NFC is_normalized", &|| {
        usize::from(icu.is_normalized(&text))
    });
    let un_nfc = time("unicode-normalization nfc().collect", &|| {
        text.nfc().collect::<String>().len()
    });
    time("unicode-normalization is_nfc_quick", &|| {
        usize::from(is_nfc_quick(text.chars()) == IsNormalized::Yes)
    });
    println!(
        "zhfix NFC / icu_normalizer: {:.2}x; / unicode-normalization: {:.1}x; CJK profile / icu NFC: {:.2}x",
        zhfix_nfc / icu_nfc,
        zhfix_nfc / un_nfc,
        zhfix_profile / icu_nfc
    );
}
