//! `zhfix detect`: per-file encoding, runs and script, as text or JSON Lines.

use std::process::Command;

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zhfix-detect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn json_reports_runs_of_a_mixed_file_and_errors() {
    // "中文测试" in GBK, then a UTF-8 line.
    let mut bytes = b"\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4\n".to_vec();
    bytes.extend("第二行是统一码\n".as_bytes());
    let mixed = temp_file("mixed.txt", &bytes);
    let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .args(["detect", "--json"])
        .arg(&mixed)
        .arg("/nonexistent/zhfix-file")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let runs = lines[0]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["encoding"], "GBK");
    assert_eq!(
        (runs[0]["start"].as_u64(), runs[0]["end"].as_u64()),
        (Some(0), Some(9))
    );
    assert_eq!(runs[1]["encoding"], "UTF-8");
    assert_eq!(lines[0]["script"], "simplified");
    assert!(lines[0]["script_confidence"].as_f64().unwrap() > 0.5);
    assert_eq!(lines[0]["standard"], serde_json::Value::Null);
    assert_eq!(lines[0]["undecodable"], 0);
    assert!(lines[1]["error"].as_str().unwrap().contains("No such file"));
    std::fs::remove_file(mixed).unwrap();
}

#[test]
fn the_standard_of_traditional_text_is_shown() {
    let taiwan = temp_file("taiwan.txt", "這裡的人們為了大眾，說話\n".as_bytes());
    let opencc = temp_file("opencc.txt", "這裏的人們爲了大衆，說話\n".as_bytes());
    let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .args(["detect", "--json"])
        .arg(&taiwan)
        .arg(&opencc)
        .output()
        .unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["script"], "traditional");
    assert_eq!(lines[0]["standard"], "taiwan");
    assert_eq!(lines[1]["standard"], "opencc");
    for line in &lines {
        let sure = line["standard_confidence"].as_f64().unwrap();
        assert!(sure > 0.5 && sure <= 1.0, "{line}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .arg("detect")
        .arg(&taiwan)
        .output()
        .unwrap();
    let line = String::from_utf8(output.stdout).unwrap();
    assert!(
        line.contains("traditional 0.") && line.contains(", taiwan 0."),
        "{line}"
    );
    std::fs::remove_file(taiwan).unwrap();
    std::fs::remove_file(opencc).unwrap();
}

#[test]
fn text_output_names_the_encoding() {
    // "繁體中文" in Big5.
    let big5 = temp_file(
        "big5.txt",
        b"\xc1\x63\xc5\xe9\xa4\xa4\xa4\xe5\xa1\x41\xb4\xfa\xb8\xd5\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .arg("detect")
        .arg(&big5)
        .output()
        .unwrap();
    assert!(output.status.success());
    let line = String::from_utf8(output.stdout).unwrap();
    assert!(line.contains(": Big5 ("), "{line}");
    assert!(line.contains("traditional"), "{line}");
    std::fs::remove_file(big5).unwrap();
}

#[test]
fn recursive_detection_with_globs() {
    let dir = std::env::temp_dir().join(format!("zhfix-detect-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), "简体中文的文字\n").unwrap();
    std::fs::write(dir.join("sub/b.txt"), b"\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4\n").unwrap();
    std::fs::write(dir.join("sub/c.md"), "繁體中文的文字\n").unwrap();
    let link = dir.join("link.txt");
    std::os::unix::fs::symlink(dir.join("a.txt"), &link).unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
            .arg("detect")
            .args(args)
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let all = run(&["-r"]);
    assert_eq!(all.lines().count(), 3, "{all}");
    assert!(all.contains("b.txt: GBK"), "{all}");
    let txt = run(&["--recursive", "--glob", "*.txt"]);
    assert_eq!(txt.lines().count(), 2, "{txt}");
    let followed = run(&["-r", "-g", "*.txt", "--follow"]);
    assert_eq!(followed.lines().count(), 3, "{followed}");
    // A directory without -r is an error for that path.
    let output = Command::new(env!("CARGO_BIN_EXE_zhfix"))
        .arg("detect")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
