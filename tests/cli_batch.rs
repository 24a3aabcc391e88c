//! The command line's shared input and output layer, run as a real process:
//! recursive input, in-place editing, output trees, `check`, corpus mode,
//! threads, and bad input (one line on stderr, exit 2, nothing half
//! written).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn zhfix() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhfix"))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_in(Path::new("."), args, stdin)
}

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = zhfix()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhfix");
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts exit 2 with exactly one line on stderr that mentions `what`.
#[track_caller]
fn assert_one_line_error(output: &Output, what: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", describe(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{}", describe(output));
    assert!(stderr.starts_with("zhfix: "), "{}", describe(output));
    assert!(stderr.contains(what), "{}", describe(output));
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("zhfix-batch-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// UTF-8 read as GBK (`发布` as `鍙戝竷`), made forward.
fn mojibake(text: &str) -> String {
    let (decoded, _, _) = zhfix::encoding_rs::GBK.decode(text.as_bytes());
    decoded.into_owned()
}

const CLEAN: &str = "今天天气很好。\n";

fn damaged() -> String {
    format!(
        "新闻：{}会，我们的{}。\n",
        mojibake("发布"),
        mojibake("网站")
    )
}

#[test]
fn recursive_input_respects_ignore_files_hidden_files_and_globs() {
    let dir = TempDir::new("walk");
    dir.write("a.txt", "头发\n");
    dir.write("sub/b.txt", "汉字\n");
    dir.write("sub/c.md", "软件\n");
    dir.write(".hidden", "隐藏\n");
    dir.write("skipped/d.txt", "忽略\n");
    dir.write(".gitignore", "skipped/\n");
    dir.write("bin.dat", b"\x00\x01\x02binary\x00");
    let output = run(&["convert", "-c", "s2t", "-r", dir.path()], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "頭髮\n漢字\n軟件\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bin.dat: a binary file"), "{stderr}");
    // --glob includes, `!` excludes.
    let output = run(
        &["convert", "-c", "s2t", "-r", "-g", "*.txt", dir.path()],
        b"",
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "頭髮\n漢字\n");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "-r",
            "--glob",
            "!*.md",
            "-q",
            dir.path(),
        ],
        b"",
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "頭髮\n漢字\n");
    // -q: not even the note on the binary file.
    assert!(output.stderr.is_empty(), "{}", describe(&output));
}

#[test]
fn bad_inputs_fail_with_one_line_and_write_nothing() {
    let dir = TempDir::new("bad");
    let good = dir.write("good.txt", CLEAN);
    let out = dir.0.join("out.txt");
    let out_arg = out.to_str().unwrap();
    // A missing file.
    let output = run(
        &["fix", good.to_str().unwrap(), "missing.txt", "-o", out_arg],
        b"",
    );
    assert_one_line_error(&output, "missing.txt");
    assert!(!out.exists());
    // A directory without -r.
    let output = run(&["fix", dir.path()], b"");
    assert_one_line_error(&output, "is a directory");
    // A binary file named explicitly.
    let binary = dir.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    let output = run(&["convert", "-c", "s2t", binary.to_str().unwrap()], b"");
    assert_one_line_error(&output, "binary");
    assert!(output.stdout.is_empty());
    // An unreadable file (reading /proc/self/mem at its start fails, even
    // for root, whom permissions do not stop).
    let output = run(&["fix", "/proc/self/mem"], b"");
    assert_one_line_error(&output, "/proc/self/mem");
    // Undecodable bytes under --undecodable error.
    let gbk = dir.write("gbk.txt", b"\xc4\xe3\xba\xc3\xff\n");
    let output = run(
        &[
            "fix",
            "--from-encoding",
            "gbk",
            "--undecodable",
            "error",
            gbk.to_str().unwrap(),
            "-o",
            out_arg,
        ],
        b"",
    );
    assert_one_line_error(&output, "gbk.txt");
    assert!(!out.exists());
    // An unknown config.
    let output = run(&["convert", "-c", "s2x", good.to_str().unwrap()], b"");
    assert_one_line_error(&output, "s2x");
    let output = run(&["fix", "--to", "s2x", good.to_str().unwrap()], b"");
    assert_one_line_error(&output, "s2x");
    // An output directory that cannot be written (procfs takes no files).
    let output = run(
        &["fix", good.to_str().unwrap(), "-o", "/proc/zhfix-out.txt"],
        b"",
    );
    assert_one_line_error(&output, "/proc/zhfix-out.txt");
    let output = run(
        &[
            "fix",
            "-r",
            dir.path(),
            "--output-dir",
            "/proc/zhfix-tree",
            "-q",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    // --in-place with standard input.
    let output = run(&["fix", "--in-place"], CLEAN.as_bytes());
    assert_one_line_error(&output, "standard input");
    let output = run(&["fix", "--in-place", "-"], CLEAN.as_bytes());
    assert_one_line_error(&output, "standard input");
    // A failing writer: standard output on a full device.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = zhfix()
        .args(["convert", "-c", "s2t", good.to_str().unwrap()])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_one_line_error(&output, "No space left");
}

#[test]
fn in_place_rewrites_only_what_changes_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("inplace");
    let clean = dir.write("clean.txt", CLEAN);
    let broken = dir.write("sub/broken.txt", damaged());
    fs::set_permissions(&broken, fs::Permissions::from_mode(0o640)).unwrap();
    let clean_modified = fs::metadata(&clean).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = run(
        &["fix", "--in-place", "--backup", ".orig", "-r", dir.path()],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 files") && stderr.contains("1 changed"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&broken).unwrap(),
        "新闻：发布会，我们的网站。\n"
    );
    assert_eq!(
        fs::metadata(&broken).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        fs::read_to_string(dir.0.join("sub/broken.txt.orig")).unwrap(),
        damaged()
    );
    // The clean file was not rewritten, and has no backup.
    assert_eq!(
        fs::metadata(&clean).unwrap().modified().unwrap(),
        clean_modified
    );
    assert!(!dir.0.join("clean.txt.orig").exists());
    // No temporary file is left.
    let leftovers: Vec<_> = fs::read_dir(dir.0.join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn symbolic_links_are_followed_only_when_asked() {
    let dir = TempDir::new("links");
    let target = dir.write("target.txt", damaged());
    let link = dir.0.join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = run(&["fix", "--in-place", link.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("symbolic link"));
    assert_eq!(fs::read_to_string(&target).unwrap(), damaged());
    let output = run(
        &[
            "fix",
            "--in-place",
            "--follow",
            "-q",
            link.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    // The link is still a link; its target was rewritten.
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "新闻：发布会，我们的网站。\n"
    );
    // The same for `-o` naming a link.
    let out_target = dir.write("out.txt", "old\n");
    let out_link = dir.0.join("out-link.txt");
    std::os::unix::fs::symlink(&out_target, &out_link).unwrap();
    let output = run(
        &["fix", "-o", out_link.to_str().unwrap()],
        damaged().as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(fs::symlink_metadata(&out_link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(&out_target).unwrap(),
        "新闻：发布会，我们的网站。\n"
    );
}

/// `-o /dev/null` and other special files are written to, never renamed
/// over: a rename would replace the device with a regular file. Shown with
/// a FIFO, which is safe to create in a test.
#[test]
fn output_to_a_special_file_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let output = run(
        &["convert", "-c", "s2t", "-o", fifo.to_str().unwrap()],
        "头发\n".as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    // Checked before joining: a reader left on a replaced FIFO never returns.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap(), "頭髮\n");
    let names: Vec<_> = fs::read_dir(&dir.0).unwrap().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn output_dir_mirrors_the_input_tree() {
    let dir = TempDir::new("tree");
    let out = TempDir::new("tree-out");
    dir.write("a.txt", "头发\n");
    dir.write("x/y/b.txt", "汉字\n");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "-r",
            dir.path(),
            "--output-dir",
            out.path(),
            "-j",
            "1",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(fs::read_to_string(out.0.join("a.txt")).unwrap(), "頭髮\n");
    assert_eq!(
        fs::read_to_string(out.0.join("x/y/b.txt")).unwrap(),
        "漢字\n"
    );
}

#[test]
fn check_lists_what_fix_would_change_and_exits_1() {
    let dir = TempDir::new("check");
    dir.write("clean.txt", CLEAN);
    let broken = dir.write("broken.txt", damaged());
    let output = run(&["check", "-r", dir.path()], b"");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("broken.txt: 2 changes (mojibake 2)"),
        "{stdout}"
    );
    // Nothing was written.
    assert_eq!(fs::read_to_string(&broken).unwrap(), damaged());
    // Clean input: exit 0, nothing listed. Flags are not changes.
    let flagged = dir.write("clean/flagged.txt", "锟斤拷锟斤拷\n");
    let output = run(
        &[
            "check",
            "--quiet",
            "--remove-flagged",
            flagged.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let output = run(
        &[
            "check",
            "-q",
            "-j",
            "2",
            "-r",
            dir.0.join("clean").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(output.stdout.is_empty(), "{}", describe(&output));
    // Errors outrank changes.
    let output = run(&["check", broken.to_str().unwrap(), "missing.txt"], b"");
    assert_one_line_error(&output, "missing.txt");
}

#[test]
fn fix_then_convert_in_one_pass() {
    let output = run(&["fix", "--to", "s2t"], damaged().as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "新聞：發佈會，我們的網站。\n"
    );
}

#[test]
fn jsonl_field_changes_that_field_only() {
    let damaged_field = serde_json::to_string(&damaged()).unwrap();
    let input = format!(
        "{{\"id\":1,\"meta\":{{\"text\":{damaged_field},\"note\":\"\\u00e9\"}}}}\n\
         {{\"id\":2, \"meta\": {{\"text\": \"\\u4eca\\u5929\"}}}}\n\
         {{\"id\":3}}\n\
         not json\n"
    );
    let output = run(&["fix", "--jsonl-field", "meta.text"], input.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let fixed = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = fixed.lines().collect();
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["meta"]["text"], "新闻：发布会，我们的网站。\n");
    assert!(
        lines[0].ends_with(",\"note\":\"\\u00e9\"}}"),
        "{}",
        lines[0]
    );
    // Unchanged records keep every byte, escapes included.
    assert_eq!(lines[1..], input.lines().collect::<Vec<_>>()[1..]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 4: not valid JSON"), "{stderr}");
    // --strict: the invalid line fails the run.
    let output = run(
        &["fix", "--jsonl-field", "meta.text", "--strict"],
        input.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    // Conversion too.
    let output = run(
        &["convert", "-c", "s2t", "--jsonl-field", "text"],
        "{\"text\":\"头发\",\"raw\":\"头发\"}\n".as_bytes(),
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\"text\":\"頭髮\",\"raw\":\"头发\"}\n"
    );
}

#[test]
fn output_does_not_depend_on_threads() {
    let dir = TempDir::new("threads");
    let mut big = String::new();
    for i in 0..60_000 {
        big.push_str(&format!("第{i}行：头发干了，{}。\n", mojibake("发布会")));
    }
    dir.write("big.txt", &big);
    for i in 0..30 {
        dir.write(
            &format!("small/{i:02}.txt"),
            format!("{i}: {}\n", damaged()),
        );
    }
    for command in [&["fix"][..], &["convert", "-c", "s2t"][..]] {
        let outputs: Vec<Vec<u8>> = ["1", "2", "4"]
            .iter()
            .map(|threads| {
                let mut args = command.to_vec();
                args.extend(["-r", dir.path(), "-j", threads]);
                let output = run(&args, b"");
                assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
                output.stdout
            })
            .collect();
        assert!(outputs[0].len() > big.len() / 2);
        assert!(outputs.iter().all(|o| o == &outputs[0]), "{command:?}");
    }
}

#[test]
fn killed_in_place_runs_leave_each_file_original_or_fixed() {
    let dir = TempDir::new("kill");
    let originals: Vec<String> = (0..1000)
        .map(|i| format!("{i}\n{}{}", damaged().repeat(1 + i % 7), CLEAN))
        .collect();
    for (i, text) in originals.iter().enumerate() {
        dir.write(&format!("d{}/f{i:04}.txt", i % 10), text);
    }
    let fixed: Vec<String> = originals.iter().map(|t| zhfix::fix_text(t)).collect();
    assert_ne!(fixed[0], originals[0]);
    // Kill at spread-out moments (a fixed sequence, to be reproducible).
    let mut state: u64 = 2026;
    for _ in 0..20 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_millis(5 + (state >> 33) % 120);
        let mut child = zhfix()
            .args(["fix", "--in-place", "-q", "-r", dir.path()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for (i, (original, fixed)) in originals.iter().zip(&fixed).enumerate() {
            let now = fs::read_to_string(dir.0.join(format!("d{}/f{i:04}.txt", i % 10))).unwrap();
            assert!(now == *original || now == *fixed, "file {i}: {now:?}");
        }
        // Put the originals back for the next round.
        for (i, text) in originals.iter().enumerate() {
            dir.write(&format!("d{}/f{i:04}.txt", i % 10), text);
        }
    }
}

/// The long flags in a subcommand's `--help`.
fn help_flags(command: &str) -> std::collections::BTreeSet<String> {
    let output = run(&[command, "--help"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    String::from_utf8_lossy(&output.stdout)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .filter(|word| {
            word[2..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .map(String::from)
        .collect()
}

#[test]
fn fix_and_check_help_list_exactly_the_tested_flags() {
    // Each is exercised in this file, tests/cli_fix.rs, (for the coding
    // flags, shared with convert) tests/cli_convert.rs or (for the
    // normalization flags, shared with normalize) tests/cli_normalize.rs.
    let shared = [
        "--form",
        "--compat-ideographs",
        "--width",
        "--space",
        "--newlines",
        "--punct",
        "--remove-bidi",
        "--recursive",
        "--glob",
        "--follow",
        "--remove-flagged",
        "--decode-urls",
        "--fix-conversion",
        "--jsonl-field",
        "--strict",
        "--from-encoding",
        "--undecodable",
        "--to-encoding",
        "--unencodable",
        "--threads",
        "--quiet",
        "--help",
    ];
    let fix_only = [
        "--diff",
        "--report",
        "--output",
        "--in-place",
        "--backup",
        "--output-dir",
        "--explain",
        "--to",
    ];
    let fix: std::collections::BTreeSet<String> = shared
        .iter()
        .chain(&fix_only)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(help_flags("fix"), fix);
    let check: std::collections::BTreeSet<String> = shared.iter().map(|s| s.to_string()).collect();
    assert_eq!(help_flags("check"), check);
}

#[test]
fn diff_shows_changed_lines_and_writes_nothing() {
    let dir = TempDir::new("diff");
    let text = format!("a\nb\nc\nd\ne\n{}f\n", damaged());
    let file = dir.write("x.txt", &text);
    let output = run_in(&dir.0, &["fix", "--diff", "x.txt"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "--- a/x.txt\n+++ b/x.txt\n@@ -3,5 +3,5 @@\n c\n d\n e\n-{}+新闻：发布会，我们的网站。\n f\n",
            damaged()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
    // Clean input: no diff. Conversion diffs too.
    let output = run(&["fix", "--diff"], CLEAN.as_bytes());
    assert!(output.stdout.is_empty(), "{}", describe(&output));
    let output = run(&["convert", "-c", "s2t", "--diff"], "头发\n".as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "--- a/<stdin>\n+++ b/<stdin>\n@@ -1,1 +1,1 @@\n-头发\n+頭髮\n"
    );
}

#[test]
fn report_has_an_object_per_file() {
    let dir = TempDir::new("report");
    dir.write("a.txt", damaged());
    dir.write("b.txt", CLEAN);
    let report = dir.0.join("report.jsonl");
    let output = run(
        &[
            "fix",
            "-r",
            dir.path(),
            "-g",
            "*.txt",
            "--report",
            report.to_str().unwrap(),
            "-q",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let lines: Vec<serde_json::Value> = fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["path"].as_str().unwrap().ends_with("a.txt"));
    assert_eq!(lines[0]["encoding"], "UTF-8");
    assert_eq!(lines[0]["changed"], true);
    assert_eq!(lines[0]["changes"]["mojibake"], 2);
    assert_eq!(lines[0]["steps"].as_array().unwrap().len(), 2);
    assert_eq!(lines[0]["steps"][0]["after"], "发布");
    assert_eq!(lines[1]["changed"], false);
    let output = run(
        &["convert", "-c", "s2t", "--report", report.to_str().unwrap()],
        "头发\n".as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let line: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&report).unwrap().trim()).unwrap();
    assert_eq!(line["changes"]["converted lines"], 1);
}

#[test]
fn help_has_examples_and_completions_are_generated() {
    for command in ["fix", "check", "convert", "detect", "completions"] {
        let output = run(&[command, "--help"], b"");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Examples:\n  zhfix "), "{command}:\n{help}");
    }
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef zhfix"),
        ("fish", "complete -c zhfix"),
    ] {
        let output = run(&["completions", shell], b"");
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(marker),
            "{shell}"
        );
    }
    let output = run(&["--version"], b"");
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("zhfix "));
}

#[test]
fn jsonl_field_on_100_mb_changes_only_damaged_fields() {
    let dir = TempDir::new("jsonl-big");
    let sentences = [
        "今天天气很好，我们一起去公园散步。",
        "這是一個繁體中文的句子，用來測試。",
        "床前明月光，疑是地上霜。",
        "He said \"你好\" and left\\n at 18:14.",
        "价格是3,000元，详见 https://example.com/a?b=1。",
    ];
    let mut input = String::with_capacity(105_000_000);
    let mut expected = String::with_capacity(105_000_000);
    let mut index = 0usize;
    while input.len() < 100_000_000 {
        let sentence = sentences[index % sentences.len()];
        let head = format!("{{\"id\":{index},\"lang\":\"zh\\u002dCN\",\"text\":");
        let tail = format!(",\"meta\":{{\"source\":\"s\\/{index}\",\"n\":[1, 2.5e3, null]}}}}\n");
        let (text, clean) = match index % 97 {
            0 => (
                format!("新闻：{}会，{sentence}", mojibake("发布")),
                format!("新闻：发布会，{sentence}"),
            ),
            1 => (
                format!("我们的{}。{sentence}", mojibake("网站")),
                format!("我们的网站。{sentence}"),
            ),
            _ => (sentence.to_string(), sentence.to_string()),
        };
        let raw = serde_json::to_string(&text).unwrap();
        input.push_str(&head);
        input.push_str(&raw);
        input.push_str(&tail);
        expected.push_str(&head);
        match text == clean {
            // Unchanged fields keep their bytes.
            true => expected.push_str(&raw),
            false => expected.push_str(&serde_json::to_string(&clean).unwrap()),
        }
        expected.push_str(&tail);
        index += 1;
    }
    let path = dir.write("big.jsonl", &input);
    let out = dir.0.join("out.jsonl");
    let output = run(
        &[
            "fix",
            "--jsonl-field",
            "text",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let got = fs::read_to_string(&out).unwrap();
    assert_eq!(got.len(), expected.len());
    if got != expected {
        let line = got.lines().zip(expected.lines()).position(|(a, b)| a != b);
        let line = line.unwrap_or(0);
        panic!(
            "line {line}:\n  got  {}\n  want {}",
            got.lines().nth(line).unwrap_or(""),
            expected.lines().nth(line).unwrap_or("")
        );
    }
}

/// An input of several pieces whose ruby pattern shows only in its first
/// part, with leftovers near its end, and Traditional text converted
/// character by character whose pattern (`關于`, `干凈` in phrases) shows
/// only in its first part, with kept characters outside phrases (`余`,
/// `筑`) near its end: each piece is judged by the whole input, as the
/// library judges the whole text, from a file, from a pipe that delivers
/// small reads, and with any number of threads.
#[test]
fn output_does_not_depend_on_where_the_pieces_are_cut() {
    let dir = TempDir::new("evidence");
    let mut text = "中新網(wǎng)山東監(jiān)督設(shè)立\n忠誠干凈，關于規范\n".repeat(3);
    while text.len() < 3 << 20 {
        text.push_str("今天天氣很好，我們一起去公園散步。\n");
    }
    let tail = "他是新(xīn)聞記者，說中(zhōng)文。\n四千余冊，筑牢\n";
    text.push_str(tail);
    let path = dir.write("pieces.txt", &text);
    let path = path.to_str().unwrap();
    for conversion in [false, true] {
        let fixer = zhfix::Fixer::new().fix_conversion(conversion);
        let (expected, report) = fixer.fix_and_explain(&text);
        // The tail alone shows no pattern: fixed alone, it stays.
        assert_eq!(fixer.fix_text(tail), tail);
        assert!(expected.contains("他是新聞記者，說中文。\n"));
        assert_eq!(expected.ends_with("四千餘冊，築牢\n"), conversion);
        let mut args = vec!["fix"];
        if conversion {
            args.push("--fix-conversion");
        }
        for threads in ["1", "2"] {
            let mut with = args.clone();
            with.extend(["-j", threads, "--explain", path]);
            let output = run(&with, b"");
            assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
            assert!(output.stdout == expected.as_bytes(), "{with:?}");
            // The report's offsets are the whole input's.
            let mut spans: Vec<(u64, u64)> = String::from_utf8(output.stderr)
                .unwrap()
                .lines()
                .map(|line| {
                    let record: serde_json::Value = serde_json::from_str(line).unwrap();
                    (
                        record["start"].as_u64().unwrap(),
                        record["end"].as_u64().unwrap(),
                    )
                })
                .collect();
            let mut expected_spans: Vec<(u64, u64)> = report
                .steps
                .iter()
                .map(|step| (step.start as u64, step.end as u64))
                .chain(report.flags.iter().map(|f| (f.start as u64, f.end as u64)))
                .collect();
            spans.sort_unstable();
            expected_spans.sort_unstable();
            assert_eq!(spans, expected_spans, "{with:?}");
        }
        // Standard input through a pipe written in small pieces, so that
        // reads return less than asked.
        let mut child = zhfix()
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = text.clone().into_bytes();
        let writer = std::thread::spawn(move || {
            for chunk in bytes.chunks(7919) {
                stdin.write_all(chunk).unwrap();
                stdin.flush().unwrap();
            }
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        assert!(output.stdout == expected.as_bytes(), "pipe, {args:?}");
    }
}
