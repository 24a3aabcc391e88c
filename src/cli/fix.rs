//! `zhfix fix`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use zhfix::{Fixer, Report};

use super::coding::{self, Coding};
use super::convert::io_message;
use super::normalize::Options;
use super::output::{write_failure, Output};
use super::Failure;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Remove flagged damage (`锟斤拷`, `烫烫烫`, U+FFFD runs, remnants)
    /// instead of only reporting it.
    #[arg(long)]
    remove_flagged: bool,

    #[command(flatten)]
    whole: Whole,

    #[command(flatten)]
    normalize: Options,
}

/// What the commands that take each input whole (`fix`, `normalize`) share.
#[derive(clap::Args)]
pub(crate) struct Whole {
    /// Files to read, concatenated in order; standard input when none or `-`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Write the result to this file (only with a single input), atomically.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Write every step and flag to standard error as JSON Lines.
    #[arg(long)]
    explain: bool,

    #[command(flatten)]
    coding: coding::Args,
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    let fixer = Fixer::new()
        .remove_flagged(args.remove_flagged)
        .normalize(args.normalize.resolve());
    run_whole(&args.whole, |text| fixer.fix_and_explain(text))
}

/// Runs `transform` on each input of `args` as a whole (evidence such as
/// ruby patterns is gathered over the whole document before it is used) and
/// writes the results, and the reports on request.
pub(crate) fn run_whole(
    args: &Whole,
    transform: impl Fn(&str) -> (String, Report),
) -> Result<(), Failure> {
    let coding = args.coding.resolve()?;
    if args.output.is_some() && args.files.len() > 1 {
        return Err(Failure::usage("-o/--output takes a single input file"));
    }
    let inputs: Vec<&Path> = if args.files.is_empty() {
        vec![Path::new("-")]
    } else {
        args.files.iter().map(PathBuf::as_path).collect()
    };
    for input in &inputs {
        if input != &Path::new("-") && input.is_dir() {
            return Err(Failure::runtime(format!(
                "{}: is a directory",
                input.display()
            )));
        }
    }
    let mut output = match &args.output {
        Some(path) => Output::file(path)?,
        None => Output::stdout(),
    };
    for input in inputs {
        if let Err(failure) = run_one(&transform, input, &mut output, &coding, args.explain) {
            output.abandon();
            return Err(failure);
        }
    }
    output.commit()
}

/// Transforms one input as a whole.
fn run_one(
    transform: &impl Fn(&str) -> (String, Report),
    input: &Path,
    output: &mut Output,
    coding: &Coding,
    explain: bool,
) -> Result<(), Failure> {
    let name = match input == Path::new("-") {
        true => "<stdin>".to_string(),
        false => input.display().to_string(),
    };
    let mut bytes = Vec::new();
    let read = match input == Path::new("-") {
        true => io::stdin().read_to_end(&mut bytes),
        false => std::fs::File::open(input).and_then(|mut file| file.read_to_end(&mut bytes)),
    };
    read.map_err(|e| Failure::runtime(format!("{name}: {}", io_message(&e))))?;
    let text = coding
        .decode(&bytes, 0)
        .map_err(|message| Failure::runtime(format!("{name}: {message}")))?;
    let (fixed, report) = transform(&text);
    if explain {
        write_report(&name, &report)?;
    }
    let encoded = coding.encode(&fixed).map_err(|(line, c)| {
        Failure::runtime(format!(
            "{name}: line {}: {c:?} (U+{:04X}) cannot be encoded in {}",
            line + 1,
            c as u32,
            coding.output.name()
        ))
    })?;
    output.writer().write_all(&encoded).map_err(write_failure)
}

/// A confidence with three decimals (not an `f32`'s binary noise).
fn rounded(confidence: f32) -> f64 {
    (f64::from(confidence) * 1000.0).round() / 1000.0
}

/// The report as JSON Lines on standard error: one object per step or flag.
fn write_report(path: &str, report: &Report) -> Result<(), Failure> {
    let mut stderr = io::stderr().lock();
    for step in &report.steps {
        let encodings: Vec<[&str; 2]> = step
            .encodings
            .iter()
            .map(|(read_as, was)| [read_as.name(), was.name()])
            .collect();
        let line = serde_json::json!({
            "path": path,
            "kind": "step",
            "rule": step.rule.name(),
            "start": step.start,
            "end": step.end,
            "before": step.before,
            "after": step.after,
            "encodings": encodings,
            "confidence": rounded(step.confidence),
        });
        writeln!(stderr, "{line}").map_err(write_failure)?;
    }
    for flag in &report.flags {
        let line = serde_json::json!({
            "path": path,
            "kind": "flag",
            "rule": flag.damage.name(),
            "start": flag.start,
            "end": flag.end,
            "before": flag.text,
            "after": flag.text,
            "confidence": 1.0,
        });
        writeln!(stderr, "{line}").map_err(write_failure)?;
    }
    Ok(())
}
