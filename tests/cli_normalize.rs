//! The normalization flags as real processes: on `zhfix normalize`, and the
//! same flags on `zhfix fix` (after the repairs) and `zhfix check`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhfix");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(args: &[&str], stdin: &str) -> String {
    let output = run(args, stdin);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// (flags, input, output): each flag on its own, and the default profile.
const CASES: &[(&[&str], &str, &str)] = &[
    (
        &[],
        "中\u{200B}文，e\u{301}\u{1B}[31m紅\u{7}\n",
        "中文，é紅\n",
    ),
    (&[], "中\u{F900}\n", "中\u{F900}\n"),
    (&["--compat-ideographs", "map"], "中\u{F900}\n", "中豈\n"),
    (
        &["--form", "nfkc"],
        "（完）ＡＢ a\u{200B}b\n",
        "(完)AB a\u{200B}b\n",
    ),
    (&["--form", "nfd"], "é\n", "e\u{301}\n"),
    (&["--width"], "ＡＢ１ｶﾞ\n", "AB1ガ\n"),
    (&["--space"], "中 文\u{3000}a\u{A0}\u{A0}b\n", "中文 a b\n"),
    (&["--newlines", "lf"], "a\r\nb\rc\n", "a\nb\nc\n"),
    (
        &["--punct", "fullwidth"],
        "近日,濱州(完) 18:14\n",
        "近日，濱州（完） 18:14\n",
    ),
    (
        &["--punct", "ascii"],
        "近日，濱州（完）。\n",
        "近日,濱州(完).\n",
    ),
    (&["--remove-bidi"], "a\u{202E}b\n", "ab\n"),
    (&[], "a\u{202E}b\n", "a\u{202E}b\n"),
];

#[test]
fn each_flag_on_normalize_and_fix() {
    for (flags, input, expected) in CASES {
        for command in ["normalize", "fix"] {
            let args: Vec<&str> = std::iter::once(command)
                .chain(flags.iter().copied())
                .collect();
            assert_eq!(&stdout(&args, input), expected, "{args:?}");
        }
    }
}

#[test]
fn check_reports_what_the_flags_would_change() {
    let clean = "近日，濱州\n";
    assert_eq!(
        run(&["check", "--punct", "fullwidth"], clean).status.code(),
        Some(0)
    );
    let output = run(&["check", "--punct", "fullwidth"], "近日,濱州\n");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn explain_names_the_normalization_rules_and_bidi_flags() {
    let output = run(
        &["normalize", "--explain"],
        "e\u{301}\u{1B}[1m\u{AD}\u{202E}\n",
    );
    assert_eq!(output.status.code(), Some(0));
    let report = String::from_utf8(output.stderr).unwrap();
    let rules: Vec<(String, String)> = report
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                value["kind"].as_str().unwrap().into(),
                value["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("step", "compose"),
        ("step", "terminal-escape"),
        ("step", "invisible"),
        ("flag", "bidi"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, r)| (k.to_string(), r.to_string()))
        .collect();
    assert_eq!(rules, expected);
}

#[test]
fn a_bad_form_is_a_usage_error() {
    let output = run(&["normalize", "--form", "nfx"], "");
    assert_eq!(output.status.code(), Some(2));
}
