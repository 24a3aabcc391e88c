//! Scores `zhfix::fix_text` on the cases of `scripts/repair-benchmark`: a case
//! is restored when the repair gives back the clean line exactly. Prints the
//! rate per row of MOJIBAKE.md, and how many clean lines came back changed.

use std::collections::BTreeMap;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: repair_benchmark CASES.jsonl");
    let text = std::fs::read_to_string(&path).expect("read the cases");
    // row -> [restored, cases, clean lines changed]
    let mut rows: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut shown = 0;
    let show_limit: usize = std::env::var("SHOW_LIMIT")
        .ok()
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(30);
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let row = case["row"].as_str().unwrap().to_string();
        let clean = case["clean"].as_str().unwrap();
        let damaged = case["damaged"].as_str().unwrap();
        let fixed = zhfix::fix_text(damaged);
        let entry = rows.entry(row.clone()).or_default();
        entry[0] += usize::from(fixed == clean);
        entry[1] += 1;
        entry[2] += usize::from(zhfix::fix_text(clean) != clean);
        // SHOW=prefix prints the first failures (SHOW_LIMIT, 30 unless
        // told) of the rows named so.
        let show = std::env::var("SHOW").is_ok_and(|prefix| row.starts_with(&prefix));
        if fixed != clean && show && shown < show_limit {
            shown += 1;
            println!("{row}\n  damaged {damaged:?}\n  fixed   {fixed:?}\n  clean   {clean:?}");
        }
    }
    println!(
        "{:<40} {:>6} {:>9} {:>14}",
        "row", "cases", "restored", "clean changed"
    );
    let (mut restored, mut total) = (0, 0);
    for (row, [r, n, harmed]) in &rows {
        println!(
            "{row:<40} {n:>6} {:>8.1}% {harmed:>14}",
            100.0 * *r as f64 / *n as f64
        );
        restored += r;
        total += n;
    }
    println!(
        "{:<40} {total:>6} {:>8.1}%",
        "ALL",
        100.0 * restored as f64 / total as f64
    );
}
