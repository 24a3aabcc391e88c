//! The `zhfix` command line, run as a real process: `zhfix convert` with each
//! of its flags, its inputs and outputs, and its failures (exit code, a
//! one-line message on stderr, and no output file left behind).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use zhfix::Config;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A directory of its own under the system's temporary directory, removed
/// (with everything in it) when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "zhfix-cli-test-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir { path }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `bytes` to `name` (creating parent directories) and returns its path.
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    /// The names of the entries of the directory, sorted.
    fn entries(&self) -> BTreeSet<String> {
        fs::read_dir(&self.path)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A test may have left a directory read-only.
        #[cfg(unix)]
        make_writable(&self.path);
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(unix)]
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o755));
                make_writable(&entry.path());
            }
        }
    }
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
}

fn zhfix_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhfix"))
}

/// Runs `cmd` with `stdin` as standard input and collects its output. The
/// input is written from another thread so that large inputs cannot
/// deadlock against a full stdout pipe.
fn run_with(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhfix");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        // zhfix may stop reading early (on an error): ignore a broken pipe.
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait for zhfix");
    feeder.join().unwrap();
    output
}

/// Runs `zhfix ARGS` with `stdin` as standard input.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = zhfix_command();
    cmd.args(args);
    run_with(cmd, stdin)
}

/// Runs `zhfix ARGS` (arguments that may be paths) in `dir`.
fn run_in(dir: &Path, args: &[&std::ffi::OsStr], stdin: &[u8]) -> Output {
    let mut cmd = zhfix_command();
    cmd.current_dir(dir).args(args);
    run_with(cmd, stdin)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ({} bytes) ---\n{}\n--- stderr ---\n{}",
        output.status.code(),
        output.stdout.len(),
        text(&output.stdout[..output.stdout.len().min(2000)]),
        text(&output.stderr)
    )
}

/// Asserts a success whose stdout is exactly `expected` and stderr empty.
#[track_caller]
fn assert_success(output: &Output, expected: &[u8]) {
    assert_eq!(output.status.code(), Some(0), "{}", describe(output));
    assert!(output.stderr.is_empty(), "{}", describe(output));
    if output.stdout != expected {
        panic!(
            "stdout differs\nexpected: {:?}\n  actual: {:?}",
            text(&expected[..expected.len().min(2000)]),
            text(&output.stdout[..output.stdout.len().min(2000)])
        );
    }
}

/// Asserts a failure with exit code `code` whose stderr is exactly one line
/// starting with `zhfix: `; returns that line (without the line break).
#[track_caller]
fn assert_failure(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    let stderr = String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8");
    assert!(
        stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
        "stderr is not exactly one line: {stderr:?}"
    );
    assert!(stderr.starts_with("zhfix: "), "stderr: {stderr:?}");
    stderr.trim_end_matches('\n').to_string()
}

/// The files in `dir` whose names look like zhfix's temporary output files.
fn leftover_temporaries(dir: &TempDir) -> Vec<String> {
    dir.entries()
        .into_iter()
        .filter(|name| name.contains(".zhfix-") || name.ends_with(".tmp"))
        .collect()
}

// ---------------------------------------------------------------------------
// --help, --version, --list
// ---------------------------------------------------------------------------

#[test]
fn version_prints_the_crate_version() {
    let output = run(&["--version"], b"");
    assert_success(
        &output,
        format!("zhfix {}\n", env!("CARGO_PKG_VERSION")).as_bytes(),
    );
    let short = run(&["-V"], b"");
    assert_eq!(short.stdout, output.stdout);
}

/// Every long flag that `zhfix convert --help` shows, so that a new flag
/// without a test here fails this test.
#[test]
fn convert_help_lists_exactly_the_tested_flags() {
    let output = run(&["convert", "--help"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let help = text(&output.stdout);
    let flags: BTreeSet<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .filter(|word| {
            word[2..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .collect();
    let tested: BTreeSet<&str> = [
        "--config",
        "--output",
        "--dict",
        "--no-rare-forms",
        "--smart",
        "--threads",
        "--from-encoding",
        "--undecodable",
        "--to-encoding",
        "--unencodable",
        "--list",
        "--help",
        // The shared input and output layer, tested in tests/cli_batch.rs.
        "--recursive",
        "--glob",
        "--follow",
        "--in-place",
        "--backup",
        "--output-dir",
        "--quiet",
        "--jsonl-field",
        "--strict",
        "--diff",
        "--report",
    ]
    .into_iter()
    .collect();
    assert_eq!(flags, tested, "help:\n{help}");
    for short in ["-c,", "-o,", "-j,", "-h,", "-r,", "-g,", "-q,"] {
        assert!(help.contains(short), "help lacks {short}\n{help}");
    }
    // -h is the same help.
    let short = run(&["convert", "-h"], b"");
    assert_eq!(short.status.code(), Some(0));
    assert!(text(&short.stdout).contains("--no-rare-forms"));
}

#[test]
fn top_level_help_names_the_convert_command() {
    let output = run(&["--help"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(text(&output.stdout).contains("convert"));
}

#[test]
fn list_prints_the_16_configs_in_order() {
    let output = run(&["convert", "--list"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(output.stderr.is_empty());
    let listing = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 16, "{listing}");
    assert_eq!(Config::ALL.len(), 16);
    for (line, config) in lines.iter().zip(Config::ALL) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(config.name()), "{line}");
        assert_eq!(words.collect::<Vec<_>>().join(" "), config.description());
    }
}

#[test]
fn list_takes_no_other_arguments() {
    let output = run(&["convert", "--list", "-c", "s2t"], b"");
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn config_is_required() {
    let output = run(&["convert"], "汉字".as_bytes());
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(output.stdout.is_empty());
}

// ---------------------------------------------------------------------------
// -c/--config
// ---------------------------------------------------------------------------

#[test]
fn stdin_to_stdout() {
    let output = run(&["convert", "-c", "s2t"], "汉字转换\n头发干了\n".as_bytes());
    assert_success(&output, "漢字轉換\n頭髮幹了\n".as_bytes());
}

#[test]
fn long_config_flag_and_phrase_configs() {
    let output = run(
        &["convert", "--config", "s2twp"],
        "打印机的内存不够了。鼠标和软件".as_bytes(),
    );
    assert_success(&output, "印表機的記憶體不夠了。滑鼠和軟體".as_bytes());
    let output = run(
        &["convert", "--config=t2s"],
        "簡體中文與繁體中文".as_bytes(),
    );
    assert_success(&output, "简体中文与繁体中文".as_bytes());
}

#[test]
fn every_config_matches_the_library() {
    let sample = "汉字转换，头发干了。後來他去了臺灣，簡體中文與繁體中文。\
                  鼠标和软件，打印机的内存。乾隆皇帝。藝術與學問。\n";
    for config in Config::ALL {
        let output = run(&["convert", "-c", config.name()], sample.as_bytes());
        assert_success(&output, zhfix::convert(sample, config).as_bytes());
    }
}

#[test]
fn config_name_with_json_suffix_as_in_opencc() {
    let dir = TempDir::new("json-suffix");
    let output = run_in(
        dir.path(),
        &[os("convert"), os("-c"), os("s2t.json")],
        "汉字".as_bytes(),
    );
    assert_success(&output, "漢字".as_bytes());
}

#[test]
fn unknown_config_is_a_usage_error_naming_the_valid_ones() {
    let output = run(&["convert", "-c", "s2x"], "汉字".as_bytes());
    let line = assert_failure(&output, 2);
    assert!(output.stdout.is_empty());
    assert!(line.contains("s2x"), "{line}");
    for config in Config::ALL {
        assert!(
            line.contains(config.name()),
            "{line} lacks {}",
            config.name()
        );
    }
}

#[test]
fn unknown_config_with_output_writes_nothing() {
    let dir = TempDir::new("unknown-config");
    let input = dir.write("in.txt", "汉字");
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "nope",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_failure(&output, 2);
    assert_eq!(dir.entries(), BTreeSet::from(["in.txt".to_string()]));
}

#[test]
fn config_file_with_its_own_text_dictionaries() {
    let dir = TempDir::new("config-file");
    // A two-stage chain: the first stage converts with a group of two
    // dictionaries (phrases before characters), the second (named as an
    // `ocd2` file, read from the text file with the same stem) maps the
    // result on.
    dir.write(
        "some/dir/config.json",
        r#"{
  "name": "test config",
  "conversion_chain": [
    {
      "dict": {
        "type": "group",
        "dicts": [
          { "type": "text", "file": "phrases.txt" },
          { "type": "text", "file": "chars.txt" }
        ]
      }
    },
    { "dict": { "type": "ocd2", "file": "second.ocd2" } }
  ]
}
"#,
    );
    dir.write("some/dir/phrases.txt", "甲乙\t丙\n");
    dir.write("some/dir/chars.txt", "# comment\n甲\t子\n乙\t丑\n");
    dir.write("some/dir/second.txt", "丙\t寅 卯\n");
    let input = "甲乙甲乙丁甲\n乙\n";
    // Relative to the working directory, and the dictionaries relative to
    // the config.
    let output = run_in(
        dir.path(),
        &[os("convert"), os("-c"), os("some/dir/config.json")],
        input.as_bytes(),
    );
    assert_success(&output, "寅寅丁子\n丑\n".as_bytes());
    // From elsewhere, by absolute path.
    let config = dir.join("some/dir/config.json");
    let output = run(
        &["convert", "-c", config.to_str().unwrap()],
        "乙甲乙".as_bytes(),
    );
    assert_success(&output, "丑寅".as_bytes());
}

#[test]
fn config_file_that_does_not_exist() {
    let dir = TempDir::new("config-missing");
    let output = run_in(
        dir.path(),
        &[os("convert"), os("-c"), os("some/dir/config.json")],
        "汉字".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("config.json"), "{line}");
    assert!(output.stdout.is_empty());
}

#[test]
fn config_file_naming_a_missing_dictionary() {
    let dir = TempDir::new("config-missing-dict");
    let config = dir.write(
        "cfg/config.json",
        r#"{"name": "x", "conversion_chain": [{"dict": {"type": "text", "file": "absent.txt"}}]}"#,
    );
    let output = run(
        &["convert", "-c", config.to_str().unwrap()],
        "甲".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("absent.txt"), "{line}");
}

#[test]
fn invalid_config_file() {
    let dir = TempDir::new("config-invalid");
    let config = dir.write("cfg/config.json", "{ not json");
    let output = run(
        &["convert", "-c", config.to_str().unwrap()],
        "甲".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("config.json"), "{line}");
}

// ---------------------------------------------------------------------------
// Inputs: stdin, files, `-`
// ---------------------------------------------------------------------------

#[test]
fn several_files_are_concatenated_in_order() {
    let dir = TempDir::new("concat");
    let a = dir.write("a.txt", "头发\n");
    let b = dir.write("b.txt", "汉字\n");
    let c = dir.write("c.txt", "软件");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            c.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            a.to_str().unwrap(),
        ],
        b"",
    );
    assert_success(&output, "軟件頭髮\n漢字\n頭髮\n".as_bytes());
}

#[test]
fn dash_reads_standard_input_between_files() {
    let dir = TempDir::new("dash");
    let a = dir.write("a.txt", "汉字\n");
    let b = dir.write("b.txt", "转换\n");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            a.to_str().unwrap(),
            "-",
            b.to_str().unwrap(),
        ],
        "头发\n".as_bytes(),
    );
    assert_success(&output, "漢字\n頭髮\n轉換\n".as_bytes());
    // `-` alone is standard input.
    let output = run(&["convert", "-c", "s2t", "-"], "头发".as_bytes());
    assert_success(&output, "頭髮".as_bytes());
}

#[test]
fn missing_file_fails_with_one_line() {
    let dir = TempDir::new("missing");
    let missing = dir.join("no-such-file.txt");
    let output = run(&["convert", "-c", "s2t", missing.to_str().unwrap()], b"");
    let line = assert_failure(&output, 2);
    assert!(
        line.starts_with(&format!("zhfix: {}: ", missing.display())),
        "{line}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn missing_file_with_output_creates_nothing() {
    let dir = TempDir::new("missing-out");
    let missing = dir.join("no-such-file.txt");
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("no-such-file.txt"), "{line}");
    assert!(!out.exists(), "the output file was created");
    assert!(dir.entries().is_empty(), "left behind: {:?}", dir.entries());
}

#[test]
fn missing_file_keeps_an_existing_output_file() {
    let dir = TempDir::new("missing-keep");
    let missing = dir.join("no-such-file.txt");
    let out = dir.write("out.txt", "old contents");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_failure(&output, 2);
    assert_eq!(fs::read(&out).unwrap(), b"old contents");
    assert!(leftover_temporaries(&dir).is_empty(), "{:?}", dir.entries());
    assert_eq!(dir.entries(), BTreeSet::from(["out.txt".to_string()]));
}

#[test]
fn missing_second_file_fails() {
    let dir = TempDir::new("missing-second");
    let a = dir.write("a.txt", "汉字\n");
    let missing = dir.join("gone.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            a.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("gone.txt"), "{line}");
}

#[test]
fn directory_as_input_fails() {
    let dir = TempDir::new("dir-input");
    let sub = dir.join("subdir");
    fs::create_dir(&sub).unwrap();
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            sub.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("subdir"), "{line}");
    assert_eq!(dir.entries(), BTreeSet::from(["subdir".to_string()]));
    // Without -o, and after a valid file: nothing is written either.
    let a = dir.write("a.txt", "汉字\n");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            a.to_str().unwrap(),
            sub.to_str().unwrap(),
        ],
        b"",
    );
    assert_failure(&output, 2);
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

// ---------------------------------------------------------------------------
// Invalid UTF-8
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_names_the_byte_offset() {
    // "汉字" is 6 bytes; the invalid byte is at offset 6.
    let mut input = "汉字".as_bytes().to_vec();
    input.push(0xFF);
    input.extend_from_slice("转换\n".as_bytes());
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "error",
        ],
        &input,
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("<stdin>"), "{line}");
    assert!(line.contains("UTF-8"), "{line}");
    assert!(line.contains("byte 6"), "{line}");
}

#[test]
fn invalid_utf8_in_a_file_names_the_file_and_offset() {
    let dir = TempDir::new("utf8-file");
    let mut bytes = b"ab\ncd".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]); // a lead byte without continuation
    let bad = dir.write("bad.txt", &bytes);
    let output = run(
        &[
            "convert",
            "-c",
            "t2s",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "error",
            bad.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("bad.txt"), "{line}");
    assert!(line.contains("byte 5"), "{line}");
}

#[test]
fn truncated_final_character_is_invalid() {
    // "汉" is E6 B1 89: end the input after two of its bytes.
    let mut input = "头发".as_bytes().to_vec();
    input.extend_from_slice(&[0xE6, 0xB1]);
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "error",
        ],
        &input,
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("byte 6"), "{line}");
}

#[test]
fn invalid_utf8_far_into_the_input_names_the_exact_offset() {
    // Past the first pieces that the parallel conversion cuts off, in a
    // line-structured part and in a long line.
    let mut input = Vec::new();
    while input.len() < 2_500_000 {
        input.extend_from_slice("这是一个很长的句子，用来测试偏移量。\n".as_bytes());
    }
    while input.len() < 3_700_000 {
        input.extend_from_slice("汉字转换头发干了".as_bytes());
    }
    let offset = input.len();
    input.push(0x80); // a lone continuation byte
    input.extend_from_slice("后面还有文字\n".as_bytes());
    for threads in ["1", "2"] {
        let output = run(
            &[
                "convert",
                "-c",
                "s2t",
                "--from-encoding",
                "utf-8",
                "--undecodable",
                "error",
                "-j",
                threads,
            ],
            &input,
        );
        let line = assert_failure(&output, 2);
        assert!(
            line.contains(&format!("byte {offset}")),
            "-j {threads}: {line}"
        );
    }
}

#[test]
fn invalid_utf8_with_output_creates_no_file() {
    let dir = TempDir::new("utf8-out");
    let mut bytes = "汉字".as_bytes().to_vec();
    bytes.push(0xFE);
    let bad = dir.write("bad.txt", &bytes);
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "error",
            bad.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("byte 6"), "{line}");
    assert!(!out.exists());
    assert_eq!(dir.entries(), BTreeSet::from(["bad.txt".to_string()]));
    // The same from standard input.
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "error",
            "-o",
            out.to_str().unwrap(),
        ],
        &bytes,
    );
    assert_failure(&output, 2);
    assert_eq!(dir.entries(), BTreeSet::from(["bad.txt".to_string()]));
}

// ---------------------------------------------------------------------------
// -o/--output
// ---------------------------------------------------------------------------

#[test]
fn output_file_gets_the_conversion() {
    let dir = TempDir::new("output");
    let input = dir.write("in.txt", "汉字转换\n头发干了\n");
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_success(&output, b"");
    assert_eq!(fs::read_to_string(&out).unwrap(), "漢字轉換\n頭髮幹了\n");
    assert!(leftover_temporaries(&dir).is_empty(), "{:?}", dir.entries());
    // --output, from standard input.
    let out2 = dir.join("out2.txt");
    let output = run(
        &["convert", "-c", "t2s", "--output", out2.to_str().unwrap()],
        "頭髮乾淨\n".as_bytes(),
    );
    assert_success(&output, b"");
    assert_eq!(fs::read_to_string(&out2).unwrap(), "头发干净\n");
}

#[test]
fn output_file_name_without_a_directory() {
    let dir = TempDir::new("output-bare");
    dir.write("in.txt", "软件\n");
    let output = run_in(
        dir.path(),
        &[
            os("convert"),
            os("-c"),
            os("s2t"),
            os("in.txt"),
            os("-o"),
            os("out.txt"),
        ],
        b"",
    );
    assert_success(&output, b"");
    assert_eq!(fs::read_to_string(dir.join("out.txt")).unwrap(), "軟件\n");
    assert_eq!(
        dir.entries(),
        BTreeSet::from(["in.txt".to_string(), "out.txt".to_string()])
    );
}

#[test]
fn output_replaces_an_existing_file_and_keeps_its_permissions() {
    let dir = TempDir::new("output-replace");
    let out = dir.write(
        "out.txt",
        "a much longer old content that must disappear entirely\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&out, fs::Permissions::from_mode(0o604)).unwrap();
    }
    let output = run(
        &["convert", "-c", "s2t", "-o", out.to_str().unwrap()],
        "头发".as_bytes(),
    );
    assert_success(&output, b"");
    assert_eq!(fs::read_to_string(&out).unwrap(), "頭髮");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o604, "permissions became {mode:o}");
    }
    assert_eq!(dir.entries(), BTreeSet::from(["out.txt".to_string()]));
}

#[test]
fn output_with_an_empty_input_creates_an_empty_file() {
    let dir = TempDir::new("output-empty");
    let out = dir.join("out.txt");
    let output = run(&["convert", "-c", "s2t", "-o", out.to_str().unwrap()], b"");
    assert_success(&output, b"");
    assert_eq!(fs::read(&out).unwrap(), b"");
}

#[test]
fn output_with_two_inputs_is_a_usage_error() {
    let dir = TempDir::new("output-two");
    let a = dir.write("a.txt", "汉字\n");
    let b = dir.write("b.txt", "转换\n");
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_failure(&output, 2);
    assert!(output.stdout.is_empty());
    assert!(!out.exists());
    assert_eq!(
        dir.entries(),
        BTreeSet::from(["a.txt".to_string(), "b.txt".to_string()])
    );
}

#[test]
fn output_in_a_missing_directory_fails() {
    let dir = TempDir::new("output-nodir");
    let out = dir.join("no/such/dir/out.txt");
    let output = run(
        &["convert", "-c", "s2t", "-o", out.to_str().unwrap()],
        "汉字".as_bytes(),
    );
    assert_failure(&output, 2);
    assert!(dir.entries().is_empty());
}

#[cfg(unix)]
#[test]
fn output_in_a_read_only_directory_fails() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("output-readonly");
    let locked = dir.join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    // Privileged users (root) can write there anyway: nothing to test then.
    let probe = locked.join("probe");
    if fs::write(&probe, b"").is_ok() {
        let _ = fs::remove_file(&probe);
        eprintln!("skipped: the read-only directory is writable for this user (root?)");
        return;
    }
    let out = locked.join("out.txt");
    let output = run(
        &["convert", "-c", "s2t", "-o", out.to_str().unwrap()],
        "汉字".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("out.txt"), "{line}");
    assert!(fs::read_dir(&locked).unwrap().next().is_none());
}

// ---------------------------------------------------------------------------
// Line structure
// ---------------------------------------------------------------------------

#[test]
fn line_structure_is_preserved() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("\n", "\n"),
        ("\n\n\n", "\n\n\n"),
        ("汉字", "漢字"),
        ("汉字\n", "漢字\n"),
        ("汉字\r\n头发\r\n", "漢字\r\n頭髮\r\n"),
        ("汉字\r\n头发", "漢字\r\n頭髮"),
        ("\r\n\r\n汉字\r\n\r\n", "\r\n\r\n漢字\r\n\r\n"),
        ("汉字\n\n\n头发\n\n", "漢字\n\n\n頭髮\n\n"),
        ("汉字\r头发\r", "漢字\r頭髮\r"),
        ("  汉字 \t\n\t头发  ", "  漢字 \t\n\t頭髮  "),
        ("\u{feff}汉字\n", "\u{feff}漢字\n"),
    ];
    for (input, expected) in cases {
        let output = run(&["convert", "-c", "s2t"], input.as_bytes());
        assert_success(&output, expected.as_bytes());
    }
}

#[test]
fn empty_file_gives_empty_output() {
    let dir = TempDir::new("empty");
    let empty = dir.write("empty.txt", "");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            empty.to_str().unwrap(),
            empty.to_str().unwrap(),
        ],
        b"",
    );
    assert_success(&output, b"");
}

// ---------------------------------------------------------------------------
// -j/--threads
// ---------------------------------------------------------------------------

/// Deterministic text of about `size` bytes: varied sentences in lines of
/// varied lengths (some empty, some CRLF), then long lines without a line
/// break, with and without punctuation.
fn generated_text(size: usize) -> String {
    const SENTENCES: &[&str] = &[
        "头发干了，我们去吃面条吧。",
        "打印机的内存不够了，请检查一下软件设置。",
        "后来他去了台湾，在那里发展了自己的事业",
        "鼠标和键盘都放在桌子上",
        "这个程序的用户界面非常友好！",
        "一丝不挂的云彩里面有太阳",
        "他说⿰说话是一个表意文字描述序列",
        "乾隆皇帝下江南的故事流传很广？",
        "我们在网络上下载了一个视频文件",
        "台风过后，里面的钟表都停了",
        "Rust 编程语言 1.85 版本发布了",
        "只有一个人知道这个秘密",
        "复杂的历史和系统的发展",
        "于是他们决定出发去云南旅游",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::with_capacity(size + 1024);
    let lines_part = size * 6 / 10;
    while text.len() < lines_part {
        let count = (next() % 12) as usize;
        for _ in 0..count {
            text.push_str(SENTENCES[(next() % SENTENCES.len() as u64) as usize]);
        }
        match next() % 10 {
            0 => text.push_str("\r\n"),
            _ => text.push('\n'),
        }
    }
    // A long line with punctuation (boundary characters) but no line break.
    let long_part = size * 8 / 10;
    while text.len() < long_part {
        text.push_str(SENTENCES[(next() % SENTENCES.len() as u64) as usize]);
    }
    text.push('\n');
    // A long line of Han characters only: no line break, no punctuation.
    const HAN: &[&str] = &["汉字", "头发", "干", "面", "后", "里", "发展", "钟表", "一"];
    while text.len() < size {
        text.push_str(HAN[(next() % HAN.len() as u64) as usize]);
    }
    text
}

#[test]
fn thread_count_does_not_change_the_output() {
    let input = generated_text(4_500_000);
    for config in [Config::S2t, Config::S2twp] {
        let expected = zhfix::convert(&input, config);
        let one = run(
            &["convert", "-c", config.name(), "-j", "1"],
            input.as_bytes(),
        );
        assert_eq!(one.status.code(), Some(0), "{}", describe(&one));
        let two = run(
            &["convert", "-c", config.name(), "--threads", "2"],
            input.as_bytes(),
        );
        assert_eq!(two.status.code(), Some(0), "{}", describe(&two));
        assert!(one.stdout == two.stdout, "{config}: -j 1 and -j 2 differ");
        assert!(
            one.stdout == expected.as_bytes(),
            "{config}: the command differs from the library"
        );
    }
}

#[test]
fn thread_count_does_not_change_file_output() {
    let dir = TempDir::new("threads-file");
    let input = generated_text(2_500_000);
    let path = dir.write("in.txt", &input);
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.join(&format!("out-{threads}.txt"));
        let output = run(
            &[
                "convert",
                "-c",
                "tw2sp",
                "-j",
                threads,
                path.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
            b"",
        );
        assert_success(&output, b"");
        outputs.push(fs::read(&out).unwrap());
    }
    assert!(outputs[0] == outputs[1] && outputs[1] == outputs[2]);
    assert!(outputs[0] == zhfix::convert(&input, Config::Tw2sp).as_bytes());
}

/// Inputs longer than the pieces the command converts in parallel, in
/// which the library finds no cut: no line break, and either ideographic
/// description operators everywhere or characters that the segmentation
/// never matches.
#[test]
fn inputs_without_a_cut_convert_as_a_whole() {
    let cases = [
        ("\u{2FF0}".repeat(700_000), Config::T2s),
        (
            "\u{2FF0}".repeat(400_000) + &"头发".repeat(200_000) + "\u{2FF0}说话",
            Config::S2t,
        ),
        ("一".repeat(800_000), Config::S2twp),
        ("一".repeat(800_000) + "丝不挂", Config::S2tw),
    ];
    for (input, config) in cases {
        let expected = zhfix::convert(&input, config);
        for threads in ["1", "2"] {
            let output = run(
                &["convert", "-c", config.name(), "-j", threads],
                input.as_bytes(),
            );
            assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
            assert!(
                output.stdout == expected.as_bytes(),
                "{config} -j {threads}: differs from the library"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// --dict, --no-rare-forms
// ---------------------------------------------------------------------------

#[test]
fn user_dictionary_takes_priority() {
    let dir = TempDir::new("dict");
    let dict = dir.write("user.txt", "软件\t軟件\n");
    let input = "软件和鼠标\n";
    let plain = run(&["convert", "-c", "s2twp"], input.as_bytes());
    assert_success(&plain, "軟體和滑鼠\n".as_bytes());
    let output = run(
        &["convert", "-c", "s2twp", "--dict", dict.to_str().unwrap()],
        input.as_bytes(),
    );
    assert_success(&output, "軟件和滑鼠\n".as_bytes());
}

#[test]
fn earlier_user_dictionary_wins_and_longest_match_applies() {
    let dir = TempDir::new("dict-order");
    let first = dir.write("first.txt", "头发\t頭发一\n");
    let second = dir.write("second.txt", "头发\t頭发二\n头发干\tXYZ\n");
    let input = "头发。头发干了\n";
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--dict",
            first.to_str().unwrap(),
            "--dict",
            second.to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_success(&output, "頭发一。XYZ了\n".as_bytes());
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--dict",
            second.to_str().unwrap(),
            "--dict",
            first.to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_success(&output, "頭发二。XYZ了\n".as_bytes());
}

#[test]
fn user_dictionary_that_does_not_exist() {
    let dir = TempDir::new("dict-missing");
    let missing = dir.join("absent.txt");
    let out = dir.join("out.txt");
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--dict",
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "汉字".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("absent.txt"), "{line}");
    assert!(dir.entries().is_empty());
}

#[test]
fn invalid_user_dictionary() {
    let dir = TempDir::new("dict-invalid");
    let dict = dir.write("bad.txt", "汉字\t漢字\nno tab on this line\n");
    let output = run(
        &["convert", "-c", "s2t", "--dict", dict.to_str().unwrap()],
        "汉字".as_bytes(),
    );
    let line = assert_failure(&output, 2);
    assert!(line.contains("bad.txt"), "{line}");
    assert!(line.contains("line 2"), "{line}");
}

#[test]
fn rare_forms_are_used_unless_disabled() {
    let output = run(&["convert", "-c", "t2s"], "㑮\n".as_bytes());
    assert_success(&output, "𫝈\n".as_bytes());
    let output = run(
        &["convert", "-c", "t2s", "--no-rare-forms"],
        "㑮\n".as_bytes(),
    );
    assert_success(&output, "㑮\n".as_bytes());
    // Configs without rare forms are unaffected, and the rest of t2s too.
    let output = run(
        &["convert", "-c", "t2s", "--no-rare-forms"],
        "頭髮乾淨\n".as_bytes(),
    );
    assert_success(&output, "头发干净\n".as_bytes());
    let output = run(
        &["convert", "-c", "s2t", "--no-rare-forms"],
        "头发".as_bytes(),
    );
    assert_success(&output, "頭髮".as_bytes());
}

#[test]
fn smart_segmentation_is_used_when_asked() {
    let output = run(&["convert", "-c", "s2t"], "它被发明了\n".as_bytes());
    assert_success(&output, "它被髮明瞭\n".as_bytes());
    let output = run(
        &["convert", "-c", "s2t", "--smart"],
        "它被发明了\n".as_bytes(),
    );
    assert_success(&output, "它被發明了\n".as_bytes());
    let output = run(
        &["convert", "-c", "s2twp", "--smart"],
        "电视频段\n".as_bytes(),
    );
    assert_success(&output, "電視頻段\n".as_bytes());
}

// ---------------------------------------------------------------------------
// Encodings: --from-encoding, --undecodable, --to-encoding, --unencodable
// ---------------------------------------------------------------------------

#[test]
fn legacy_input_is_detected_and_decoded() {
    // "中文测试，头发干了" in GBK.
    let gbk = b"\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4\xa3\xac\xcd\xb7\xb7\xa2\xb8\xc9\xc1\xcb\n";
    let output = run(&["convert", "-c", "s2t"], gbk);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(text(&output.stdout), "中文測試，頭髮幹了\n");
    // The same bytes forced through another encoding read differently.
    let forced = run(&["convert", "-c", "s2t", "--from-encoding", "big5"], gbk);
    assert_eq!(forced.status.code(), Some(0));
    assert_ne!(text(&forced.stdout), "中文測試，頭髮幹了\n");
}

#[test]
fn utf16_input_with_a_bom_is_decoded_whole() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        "头发干了\n第二行\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    let output = run(&["convert", "-c", "s2t"], &bytes);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(text(&output.stdout), "頭髮幹了\n第二行\n");
}

#[test]
fn undecodable_bytes_can_be_escaped() {
    let output = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "escape",
        ],
        b"a\xffb\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(text(&output.stdout), "a\\xFFb\n");
    let replaced = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--from-encoding",
            "utf-8",
            "--undecodable",
            "replace",
        ],
        b"a\xffb\n",
    );
    assert_eq!(text(&replaced.stdout), "a\u{FFFD}b\n");
}

#[test]
fn output_can_be_written_in_another_encoding() {
    let big5 = run(
        &["convert", "-c", "s2t", "--to-encoding", "big5"],
        "头发\n".as_bytes(),
    );
    assert_eq!(big5.status.code(), Some(0), "{}", describe(&big5));
    // 頭髮 in Big5.
    assert_eq!(big5.stdout, b"\xc0\x59\xbe\x76\n");
    let utf16 = run(
        &["convert", "-c", "s2t", "--to-encoding", "utf-16le"],
        "头\n".as_bytes(),
    );
    let expected: Vec<u8> = "頭\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    assert_eq!(utf16.stdout, expected);
}

#[test]
fn unencodable_characters_fail_or_are_replaced() {
    // s2t gives 㑮 for 𫝈, which Big5 lacks; it is on the second line.
    let input = "头发\n在𫝈\n".as_bytes();
    let failed = run(&["convert", "-c", "s2t", "--to-encoding", "big5"], input);
    let line = assert_failure(&failed, 2);
    assert!(line.contains("U+346E") && line.contains("line 2"), "{line}");
    let replaced = run(
        &[
            "convert",
            "-c",
            "s2t",
            "--to-encoding",
            "big5",
            "--unencodable",
            "replace",
        ],
        input,
    );
    assert_eq!(replaced.status.code(), Some(0), "{}", describe(&replaced));
    assert!(replaced.stdout.ends_with(b"?\n"));
    let unknown = run(&["convert", "-c", "s2t", "--to-encoding", "klingon"], input);
    let line = assert_failure(&unknown, 2);
    assert!(line.contains("klingon"), "{line}");
}
