//! Smart segmentation (`ConverterBuilder::smart`): its hard-case set, and
//! OpenCC's own test cases, where it may differ from OpenCC only where the
//! expected output is itself a known segmentation error.

mod common;

use zhfix::{Config, Converter};

/// One line of tests/data/smart-cases.tsv.
struct Case<'a> {
    config: Config,
    input: &'a str,
    expected: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    include_str!("data/smart-cases.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "config, input, expected, source: {line}");
            Case {
                config: fields[0].parse().expect("a config"),
                input: fields[1],
                expected: fields[2],
            }
        })
        .collect()
}

/// How many cases a converter (smart or not) gets right, and the misses.
fn score(smart: bool, cases: &[Case<'_>]) -> (usize, Vec<String>) {
    let mut right = 0;
    let mut misses = Vec::new();
    for case in cases {
        let converter = Converter::builder(case.config)
            .smart(smart)
            .build()
            .unwrap();
        let got = converter.convert(case.input);
        if got == case.expected {
            right += 1;
        } else {
            misses.push(format!(
                "{} {}: expected {}, got {got}",
                case.config, case.input, case.expected
            ));
        }
    }
    (right, misses)
}

#[test]
fn smart_segmentation_gets_nine_hard_cases_in_ten_right() {
    let cases = cases();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    let (smart, misses) = score(true, &cases);
    let (greedy, _) = score(false, &cases);
    let percent = |n: usize| 100.0 * n as f64 / cases.len() as f64;
    eprintln!(
        "hard cases: smart {smart}/{} ({:.1}%), default (OpenCC) {greedy}/{} ({:.1}%)",
        cases.len(),
        percent(smart),
        cases.len(),
        percent(greedy)
    );
    assert!(
        smart * 10 >= cases.len() * 9,
        "smart gets {smart} of {} right; misses:\n{}",
        cases.len(),
        misses.join("\n")
    );
    assert!(smart > greedy);
}

/// The cases of OpenCC's testcases.json where smart segmentation gives
/// another output, by id and config, with why the expected output is
/// itself a segmentation error.
const KNOWN_OPENCC_ERRORS: [(&str, &str, &str); 1] = [(
    "BYVoid_OpenCC_Issue_475_tw2sp",
    "tw2sp",
    "`圖示覆蓋[sic]` is expected to give `图示复盖`: the greedy segmentation \
     takes `示覆` (a TSPhrases key), so the phrase `圖示` → `图标` of \
     TWPhrasesRev no longer matches; split as `圖示` `覆蓋`, it gives `图标覆盖`, \
     as `圖示` alone does earlier in the same case",
)];

#[test]
fn smart_segmentation_differs_from_opencc_testcases_only_on_known_errors() {
    let json = common::opencc_testcases();
    let mut differences = Vec::new();
    let mut checked = 0;
    for case in json["cases"].as_array().expect("a list of cases") {
        let input = case["input"].as_str().expect("an input");
        let id = case["id"].as_str().expect("an id");
        for (name, expected) in case["expected"].as_object().expect("expectations") {
            let config: Config = name.parse().expect("a known config");
            let smart = Converter::builder(config).smart(true).build().unwrap();
            checked += 1;
            if smart.convert(input) != expected.as_str().unwrap() {
                differences.push((id.to_string(), name.clone()));
            }
        }
    }
    assert_eq!(checked, 556);
    let known: Vec<(String, String)> = KNOWN_OPENCC_ERRORS
        .iter()
        .map(|(id, config, _)| (id.to_string(), config.to_string()))
        .collect();
    assert_eq!(differences, known);
}

#[test]
fn smart_segmentation_is_opt_in() {
    let text = "它被发明了";
    assert_eq!(Converter::new(Config::S2t).convert(text), "它被髮明瞭");
    let smart = Converter::builder(Config::S2t).smart(true).build().unwrap();
    assert!(smart.is_smart() && !Converter::new(Config::S2t).is_smart());
    assert_eq!(smart.convert(text), "它被發明了");
}
