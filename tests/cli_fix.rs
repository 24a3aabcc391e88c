//! `zhfix fix` run as a real process: repairs, the report on stderr, and
//! failures.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhfix");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

const SAMPLE: &str = "tests/data/sample-000.txt";

#[test]
fn fix_repairs_the_sample_and_keeps_its_lines() {
    let output = run(&["fix", "--remove-flagged", SAMPLE], b"");
    assert_eq!(output.status.code(), Some(0));
    let fixed = String::from_utf8(output.stdout).unwrap();
    let original = std::fs::read_to_string(SAMPLE).unwrap();
    assert_eq!(fixed.matches('\n').count(), original.matches('\n').count());
    assert!(fixed.ends_with("擔當的政治本色。”濱州市紀委監委主要負責同志如是說。(完)"));
    assert!(!fixed.contains("(wǎng)"));
}

#[test]
fn explain_writes_one_json_object_per_step_and_flag() {
    let output = run(&["fix", "--explain", SAMPLE], b"");
    assert_eq!(output.status.code(), Some(0));
    let report = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<serde_json::Value> = report
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // 124 ruby leftovers, the out-of-phase tail, and the flagged remnant.
    assert_eq!(lines.len(), 126);
    for line in &lines {
        for field in [
            "path",
            "kind",
            "rule",
            "start",
            "end",
            "before",
            "after",
            "confidence",
        ] {
            assert!(line.get(field).is_some(), "{line} lacks {field}");
        }
        assert_eq!(line["path"], SAMPLE);
    }
    let count = |kind: &str, rule: &str| {
        lines
            .iter()
            .filter(|l| l["kind"] == kind && l["rule"] == rule)
            .count()
    };
    assert_eq!(count("step", "ruby"), 124);
    assert_eq!(count("step", "out-of-phase"), 1);
    assert_eq!(count("flag", "remnant"), 1);
    // Offsets are characters of the input.
    let original: Vec<char> = std::fs::read_to_string(SAMPLE).unwrap().chars().collect();
    for line in &lines {
        let (start, end) = (
            line["start"].as_u64().unwrap(),
            line["end"].as_u64().unwrap(),
        );
        let there: String = original[start as usize..end as usize].iter().collect();
        assert_eq!(there, line["before"].as_str().unwrap());
    }
}

#[test]
fn fix_reads_bytes_through_the_decoder() {
    // "你好" in GBK, read as windows-1252 then saved as UTF-8; and GBK
    // bytes of the same, decoded as such.
    let output = run(&["fix"], "ÄãºÃ£¬ÊÀ½ç\n".as_bytes());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "你好，世界\n");
    let gbk = zhfix::encoding_rs::GBK
        .encode("你好，世界\n")
        .0
        .into_owned();
    let output = run(&["fix"], &gbk);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "你好，世界\n");
}

#[test]
fn clean_text_passes_through_unchanged() {
    let clean = "王鍙戝先生说：今天天气很好。\nCafé au lait, naïve résumé.\n";
    let output = run(&["fix"], clean.as_bytes());
    assert_eq!(output.stdout, clean.as_bytes());
    assert!(output.stderr.is_empty());
}

#[test]
fn a_missing_file_is_a_one_line_error() {
    let output = run(&["fix", "no-such-file.txt"], b"");
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8(output.stderr).unwrap();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("no-such-file.txt"), "{message}");
    let output = run(&["fix", "tests"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("is a directory"));
}

#[test]
fn escapes_in_data_are_decoded_and_urls_only_when_asked() {
    let input =
        "标题：\\u4f60\\u597d &#19990;&#30028;\nhttps://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87\n";
    let output = run(&["fix"], input.as_bytes());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "标题：你好 世界\nhttps://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87\n"
    );
    let output = run(&["fix", "--decode-urls", "--explain"], input.as_bytes());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "标题：你好 世界\nhttps://zh.wikipedia.org/wiki/中文\n"
    );
    let rules: Vec<String> = String::from_utf8(output.stderr)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["rule"].to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "\"unicode-escape\"",
            "\"html-entity\"",
            "\"percent-encoding\""
        ]
    );
}

#[test]
fn fix_conversion_repairs_naive_traditional_and_check_reports_it() {
    let naive = "他的頭發干凈了，關于規范的了解。\n";
    let output = run(&["fix", "--fix-conversion", "--explain"], naive.as_bytes());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "他的頭髮乾淨了，關於規範的了解。\n"
    );
    let report: Vec<serde_json::Value> = String::from_utf8(output.stderr)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let rules: Vec<&str> = report.iter().map(|l| l["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"conversion"), "{rules:?}");
    assert!(rules.contains(&"style-variant"), "{rules:?}");
    // Without the flag, and on phrase-level output, nothing changes.
    let output = run(&["fix"], naive.as_bytes());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), naive);
    let output = run(&["check", "--fix-conversion"], naive.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let correct = "他的頭髮乾淨了，關於規範的瞭解。\n";
    let output = run(&["check", "--fix-conversion"], correct.as_bytes());
    assert_eq!(output.status.code(), Some(0));
}
