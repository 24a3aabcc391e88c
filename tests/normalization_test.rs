//! Unicode's conformance test for the four forms (NormalizationTest.txt,
//! Unicode 18, as the `icu_normalizer` crate ships it), through the library
//! and through `zhfix normalize --form` as a real process: every column,
//! every line, 100%.

use std::io::Write;
use std::process::{Command, Stdio};

use zhfix::{Form, NormalizeOptions};

/// Each test line's five columns: source, NFC, NFD, NFKC, NFKD.
fn cases() -> Vec<[String; 5]> {
    let data = include_str!("data/NormalizationTest.txt");
    assert!(data.starts_with("# NormalizationTest-18."));
    let cases: Vec<[String; 5]> = data
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with('@') && !line.is_empty())
        .map(|line| {
            let columns: Vec<String> = line
                .split(';')
                .take(5)
                .map(|column| {
                    column
                        .split_whitespace()
                        .map(|hex| char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap())
                        .collect()
                })
                .collect();
            columns.try_into().unwrap()
        })
        .collect();
    assert!(cases.len() > 20_000, "{} cases", cases.len());
    cases
}

/// The column each form must give for each column (UAX #15's invariants).
fn expected(form: Form, source: usize) -> usize {
    match (form, source) {
        (Form::Nfc, 0..=2) => 1,
        (Form::Nfc, _) => 3,
        (Form::Nfd, 0..=2) => 2,
        (Form::Nfd, _) => 4,
        (Form::Nfkc, _) => 3,
        (Form::Nfkd, _) => 4,
    }
}

#[test]
fn every_form_passes_through_the_library() {
    let cases = cases();
    for form in Form::ALL {
        let options = NormalizeOptions::new().form(Some(form));
        let mut failures = 0;
        for case in &cases {
            for source in 0..5 {
                let (out, report) = zhfix::normalize_and_explain(&case[source], &options);
                if out != case[expected(form, source)] {
                    failures += 1;
                    if failures < 5 {
                        eprintln!(
                            "{form:?} of {:?}: {out:?}, not {:?}",
                            case[source],
                            case[expected(form, source)]
                        );
                    }
                }
                assert_eq!(zhfix::apply_plan(&case[source], &report).unwrap(), out);
            }
        }
        assert_eq!(failures, 0, "{form:?}");
    }
}

/// The characters not in the file's part 1 are their own normalization in
/// every form (the file's rule for the code points it leaves out).
#[test]
fn characters_the_file_leaves_out_are_unchanged() {
    let data = include_str!("data/NormalizationTest.txt");
    let part1 = data
        .split("@Part1")
        .nth(1)
        .unwrap()
        .split("@Part2")
        .next()
        .unwrap();
    let mut listed = vec![false; 0x110000];
    for line in part1.lines().filter(|line| !line.starts_with('#')) {
        if let Some(hex) = line.split(';').next().filter(|c| !c.contains(' ')) {
            if let Ok(c) = u32::from_str_radix(hex.trim(), 16) {
                listed[c as usize] = true;
            }
        }
    }
    // Each character on a line of its own: side by side, characters can
    // reorder or compose.
    let text: String = (0..0x110000u32)
        .filter(|&c| !listed[c as usize])
        .filter_map(char::from_u32)
        .flat_map(|c| [c, '\n'])
        .collect();
    for form in Form::ALL {
        let options = NormalizeOptions::new().form(Some(form));
        let out = zhfix::normalize(&text, &options);
        let changed: Vec<(&str, &str)> = text
            .split('\n')
            .zip(out.split('\n'))
            .filter(|(a, b)| a != b)
            .take(5)
            .collect();
        assert!(
            changed.is_empty() && out.len() == text.len(),
            "{form:?}: {changed:?}"
        );
    }
}

#[test]
fn every_form_passes_through_the_command_line() {
    let cases = cases();
    for form in Form::ALL {
        for source in 0..5 {
            // Each case a line, in one process per form and column.
            let mut input = String::new();
            for case in &cases {
                input.push_str(&case[source]);
                input.push('\n');
            }
            let mut child = Command::new(env!("CARGO_BIN_EXE_zhfix"))
                .args(["normalize", "--form", form.name()])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run zhfix");
            let mut stdin = child.stdin.take().unwrap();
            let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
            let output = child.wait_with_output().unwrap();
            writer.join().unwrap().unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let out = String::from_utf8(output.stdout).unwrap();
            let lines: Vec<&str> = out.split('\n').collect();
            assert_eq!(lines.len(), cases.len() + 1);
            let failures = cases
                .iter()
                .zip(&lines)
                .filter(|(case, line)| case[expected(form, source)] != **line)
                .count();
            assert_eq!(failures, 0, "{form:?}, column {source}");
        }
    }
}
