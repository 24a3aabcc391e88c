//! `zhfix::fix_text` speed, in process: best of N runs on a file, in MB/s
//! (read by scripts/compare-fix-speed, which times ftfy and plsfix beside
//! it on the same text).
//!
//! `cargo run --release --example fix_speed -- FILE [--repeat N]`

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(5);
    let Some(path) = args.first() else {
        eprintln!("usage: fix_speed FILE [--repeat N]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).expect("read the text");
    let mut best = f64::MAX;
    let mut fixed = String::new();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        fixed = zhfix::fix_text(&text);
        best = best.min(start.elapsed().as_secs_f64());
    }
    let changed = text
        .lines()
        .zip(fixed.lines())
        .filter(|(a, b)| a != b)
        .count();
    println!(
        "{:.1} MB/s {} lines changed",
        text.len() as f64 / best / 1e6,
        changed
    );
}
