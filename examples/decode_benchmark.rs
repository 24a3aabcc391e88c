//! Scores `zhfix::decode` and chardetng on the samples made by
//! `scripts/decode-benchmark`: a sample is right when the decoded text equals
//! the original text. Prints a table by encoding and length.

use std::collections::BTreeMap;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: decode_benchmark SAMPLES.jsonl");
    let text = std::fs::read_to_string(&path).expect("read the samples");
    // (encoding, short?) -> [zhfix right, chardetng right, count]
    let mut table: BTreeMap<(String, bool), [usize; 3]> = BTreeMap::new();
    let (mut valid_utf8, mut table_differs) = (0, 0);
    for line in text.lines() {
        let sample: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let encoding = sample["encoding"].as_str().unwrap().to_string();
        let expected = sample["text"].as_str().unwrap();
        let hex = sample["hex"].as_str().unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        if encoding != "UTF-8" && std::str::from_utf8(&bytes).is_ok() {
            valid_utf8 += 1;
            continue;
        }
        let own = encoding_rs::Encoding::for_label(encoding.as_bytes()).expect("a WHATWG label");
        if own.decode_without_bom_handling(&bytes).0 != expected {
            table_differs += 1;
            continue;
        }
        let zhfix_right = zhfix::decode(&bytes).text == expected;
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(&bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
        let chardetng_right = guess.decode_without_bom_handling(&bytes).0 == expected;
        let row = table.entry((encoding, bytes.len() < 16)).or_default();
        row[0] += usize::from(zhfix_right);
        row[1] += usize::from(chardetng_right);
        row[2] += 1;
    }
    println!(
        "{:<14} {:<7} {:>7} {:>9} {:>9}",
        "encoding", "length", "samples", "zhfix", "chardetng"
    );
    let mut totals: BTreeMap<bool, [usize; 3]> = BTreeMap::new();
    for ((encoding, short), [z, c, n]) in &table {
        let pct = |x: usize| 100.0 * x as f64 / *n as f64;
        let length = if *short { "4-15" } else { "16+" };
        println!(
            "{encoding:<14} {length:<7} {n:>7} {:>8.1}% {:>8.1}%",
            pct(*z),
            pct(*c)
        );
        let total = totals.entry(*short).or_default();
        total[0] += z;
        total[1] += c;
        total[2] += n;
    }
    println!(
        "left out: {valid_utf8} samples that are valid UTF-8, \
         {table_differs} that their own encoding's WHATWG table decodes differently"
    );
    for (short, [z, c, n]) in totals {
        let pct = |x: usize| 100.0 * x as f64 / n as f64;
        let length = if short { "4-15" } else { "16+" };
        println!(
            "{:<14} {length:<7} {n:>7} {:>8.1}% {:>8.1}%",
            "ALL",
            pct(z),
            pct(c)
        );
    }
}
