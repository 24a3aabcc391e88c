//! What gathering a document's evidence costs next to fixing it: the text
//! cut into pieces of about 1 MiB at line breaks (as the command line cuts
//! an input), the evidence of each gathered and merged, then each fixed
//! with it; without and with `fix_conversion`, one thread, in seconds.
//!
//! `cargo run --release --example evidence_cost -- [FILE]`
//! (default FILE: target/corpus/zh-hans.txt, from scripts/fetch-corpus;
//! undecodable bytes become U+FFFD)

use std::time::Instant;

use zhfix::{Evidence, Fixer};

const PIECE: usize = 1 << 20;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/corpus/zh-hans.txt".to_string());
    let bytes = std::fs::read(&path).expect("read the text (run scripts/fetch-corpus)");
    let text = String::from_utf8_lossy(&bytes);
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < text.len() {
        // (A line break is a byte of its own: any byte offset may start
        // the search.)
        let from = (start + PIECE).min(text.len());
        let end = text.as_bytes()[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| from + i + 1);
        pieces.push(&text[start..end]);
        start = end;
    }
    println!(
        "{path}: {:.1} MB, {} pieces",
        text.len() as f64 / 1e6,
        pieces.len()
    );
    for conversion in [false, true] {
        let fixer = Fixer::new().fix_conversion(conversion);
        let started = Instant::now();
        let mut evidence = Evidence::default();
        for (i, piece) in pieces.iter().enumerate() {
            evidence.merge(&fixer.clone().after_line_break(i > 0).evidence(piece));
        }
        let gathering = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let judged = fixer.with_evidence(evidence);
        for (i, piece) in pieces.iter().enumerate() {
            std::hint::black_box(judged.clone().after_line_break(i > 0).fix_text(piece));
        }
        let fixing = started.elapsed().as_secs_f64();
        println!(
            "fix_conversion {conversion}: gathering {gathering:.2} s, fixing {fixing:.2} s ({:.0}%)",
            100.0 * gathering / fixing
        );
    }
}
