//! The mixed-file check of issue 3: generates files that are UTF-8 with GBK
//! or Big5 lines, and with GBK or Big5 runs inside UTF-8 lines, decodes each
//! with `zhfix::decode`, and checks that the text comes back and that every
//! run is reported with its encoding. Exits non-zero when any file of the
//! UTF-8 with GBK and UTF-8 with Big5 sets has a mistake. A third set, files
//! that mix UTF-8, GBK and Big5, is reported but not required: short runs
//! of GBK and Big5 are often valid, plausible text both ways.
//!
//! Usage: `mixed_files CORPUS_DIR [FILES]`, where CORPUS_DIR holds the
//! `zh-hans.txt` and `zh-hant.txt` of `scripts/fetch-corpus` (Debian and npm
//! text, not the frequency model's source). The generator is seeded, so the
//! set is the same on every run.

use std::ops::Range;
use std::process::ExitCode;

use encoding_rs::{Encoding, BIG5, GBK, UTF_8};

/// A small deterministic generator (xorshift64*), to need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Lines with at least two Han characters that `encoding` can encode.
fn lines(path: &str, encoding: &'static Encoding) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/fetch-corpus first)"));
    text.lines()
        .map(str::trim)
        .filter(|line| {
            let han = line
                .chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                .count();
            han >= 2 && line.chars().count() <= 100 && !encoding.encode(line).2
        })
        .map(String::from)
        .collect()
}

/// Up to `max` characters of `line` from a random start, beginning and
/// ending with a non-ASCII character.
fn fragment(rng: &mut Rng, line: &str, max: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let start = rng.below(chars.len());
    let taken: String = chars[start..].iter().take(2 + rng.below(max)).collect();
    let trimmed = taken.trim_matches(|c: char| c.is_ascii());
    match trimmed.chars().count() >= 2 {
        true => trimmed.to_string(),
        false => line.trim_matches(|c: char| c.is_ascii()).to_string(),
    }
}

/// A generated file: its bytes, its text, and the byte ranges of its
/// non-ASCII segments with their encodings.
struct File {
    bytes: Vec<u8>,
    text: String,
    segments: Vec<(Range<usize>, &'static Encoding)>,
}

impl File {
    fn push(&mut self, text: &str, encoding: &'static Encoding) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&encoding.encode(text).0);
        self.text.push_str(text);
        if !text.is_ascii() {
            // The non-ASCII part: ASCII at either end can belong to any run.
            let leading = text.len() - text.trim_start_matches(|c: char| c.is_ascii()).len();
            let trailing = text.len() - text.trim_end_matches(|c: char| c.is_ascii()).len();
            self.segments
                .push((start + leading..self.bytes.len() - trailing, encoding));
        }
    }
}

fn generate(
    rng: &mut Rng,
    legacy: &[&'static Encoding],
    simplified: &[String],
    traditional: &[String],
) -> File {
    let mut file = File {
        bytes: Vec::new(),
        text: String::new(),
        segments: Vec::new(),
    };
    let text_for = |rng: &mut Rng, encoding: &'static Encoding| -> String {
        match encoding == BIG5 {
            true => rng.pick(traditional).clone(),
            false => rng.pick(simplified).clone(),
        }
    };
    let delimiters = [" ", ": ", "\t", " \"", "=", ", ", " (", "] "];
    for _ in 0..3 + rng.below(28) {
        let encoding = *rng.pick(legacy);
        match rng.below(10) {
            // A whole UTF-8 line (of either script).
            0..=4 => {
                let script = *rng.pick(&[GBK, BIG5]);
                let line = text_for(rng, script);
                file.push(&line, UTF_8);
            }
            // A whole legacy line.
            5..=7 => {
                let line = text_for(rng, encoding);
                file.push(&line, encoding);
            }
            // A UTF-8 line with a legacy run inside it, set off by ASCII
            // (as in logs: `用户 "张三" 登录`).
            _ => {
                let mut fragment_of = |encoding, max| {
                    let line = text_for(rng, encoding);
                    fragment(rng, &line, max)
                };
                let before = fragment_of(GBK, 12);
                let run = fragment_of(encoding, 20);
                let after = fragment_of(GBK, 12);
                file.push(&before, UTF_8);
                file.push(delimiters[rng.below(delimiters.len())], UTF_8);
                file.push(&run, encoding);
                file.push(delimiters[rng.below(delimiters.len())], UTF_8);
                file.push(&after, UTF_8);
            }
        }
        file.push("\n", UTF_8);
    }
    file
}

/// What is wrong with the decoding of `file`, if anything.
fn check(file: &File) -> Option<String> {
    let decoded = zhfix::decode(&file.bytes);
    if decoded.text != file.text {
        let (want, got) = file
            .text
            .lines()
            .zip(decoded.text.lines())
            .find(|(want, got)| want != got)
            .unwrap_or_default();
        let legacy: Vec<&str> = file.segments.iter().map(|s| s.1.name()).collect();
        return Some(format!("{legacy:?}\n  want {want:?}\n  got  {got:?}"));
    }
    for (segment, encoding) in &file.segments {
        let run = decoded
            .runs
            .iter()
            .find(|run| run.bytes.contains(&segment.start));
        match run {
            Some(run) if run.encoding == *encoding && run.bytes.end >= segment.end => {}
            _ => {
                return Some(format!(
                    "bytes {segment:?} are {} but the runs are {:?}",
                    encoding.name(),
                    decoded.runs
                ))
            }
        }
    }
    None
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(corpus) = args.get(1) else {
        eprintln!("usage: mixed_files CORPUS_DIR [FILES]");
        return ExitCode::from(2);
    };
    let count: usize = args
        .get(2)
        .map_or(500, |n| n.parse().expect("a number of files"));
    let simplified = lines(&format!("{corpus}/zh-hans.txt"), GBK);
    let traditional = lines(&format!("{corpus}/zh-hant.txt"), BIG5);
    let mut rng = Rng(2026);
    // The acceptance set: UTF-8 with GBK, or with Big5. Then, reported but
    // not required, files that mix UTF-8, GBK and Big5, where short runs of
    // either legacy encoding are often ambiguous.
    let sets: [(&str, usize, &[&'static Encoding]); 3] = [
        ("UTF-8 with GBK", count / 2, &[GBK]),
        ("UTF-8 with Big5", count - count / 2, &[BIG5]),
        (
            "UTF-8 with GBK and Big5 (not required)",
            count / 5,
            &[GBK, BIG5],
        ),
    ];
    // Mistakes in the required sets, and their files.
    let (mut required_wrong, mut required_files) = (0, 0);
    for (name, files, legacy) in sets {
        let (mut wrong, mut runs) = (0, 0);
        for index in 0..files {
            let file = generate(&mut rng, legacy, &simplified, &traditional);
            runs += file.segments.len();
            if let Some(problem) = check(&file) {
                wrong += 1;
                if std::env::var_os("MIXED_FILES_DUMP").is_some() {
                    let _ = std::fs::write(
                        format!(
                            "/tmp/mixed-{}{}-{index}.txt",
                            legacy[0].name(),
                            legacy.len()
                        ),
                        &file.bytes,
                    );
                }
                if wrong <= 5 {
                    eprintln!("{name}, file {index}: {problem}");
                }
            }
        }
        println!("{name}: {files} files, {runs} non-ASCII runs, {wrong} files decoded wrong");
        if legacy.len() == 1 {
            required_wrong += wrong;
            required_files += files;
        }
    }
    println!("required: {required_files} files, {required_wrong} decoded wrong");
    match required_wrong {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
