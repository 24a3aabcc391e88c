//! `zhfix detect`.

use std::path::PathBuf;

use serde_json::json;
use zhfix::{Decoded, ScriptDetection};

use super::inputs;
use super::Failure;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    inputs: inputs::Args,

    /// Print JSON Lines: one object per file with `path`, `encoding`,
    /// `confidence`, `script`, `script_confidence`, `standard` (for
    /// Traditional text: `opencc`, `taiwan`, `hong-kong`, or null),
    /// `standard_confidence`, `runs` (`start`, `end` in bytes, `encoding`)
    /// and `undecodable`; or `path` and `error`.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    if args.inputs.paths.is_empty() {
        return Err(Failure::usage("detect needs files (or -r and directories)"));
    }
    // Directories searched as the other commands do (binary files
    // included: detect describes bytes); other paths as named, each
    // reported on its own, errors too.
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &args.inputs.paths {
        if args.inputs.recursive && path.is_dir() {
            let (mut found, mut skipped) = (Vec::new(), Vec::new());
            args.inputs.walk(path, false, &mut found, &mut skipped)?;
            files.extend(found.into_iter().filter_map(|input| input.path));
        } else {
            files.push(path.clone());
        }
    }
    let mut failed = false;
    for path in &files {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let decoded = zhfix::decode(&bytes);
                let script = ScriptDetection::of(&decoded.text);
                match args.json {
                    true => println!("{}", report(&shown, &decoded, script)),
                    false => println!(
                        "{shown}: {} (confidence {:.2}, {}, {} run{}, {} undecodable)",
                        decoded.encoding.name(),
                        decoded.confidence,
                        describe(&script),
                        decoded.runs.len(),
                        if decoded.runs.len() == 1 { "" } else { "s" },
                        decoded.undecodable.len()
                    ),
                }
            }
            Err(e) => {
                failed = true;
                let message = super::convert::io_message(&e);
                match args.json {
                    true => println!("{}", json!({ "path": shown, "error": message })),
                    false => eprintln!("zhfix: {shown}: {message}"),
                }
            }
        }
    }
    match failed {
        true => Err(Failure::runtime(String::new())),
        false => Ok(()),
    }
}

/// `traditional 0.98, taiwan 0.77`: the script and, if judged, the standard,
/// with their confidences.
fn describe(script: &ScriptDetection) -> String {
    let mut text = format!("{} {:.2}", script.script.name(), script.confidence);
    if let Some(standard) = script.standard {
        text.push_str(&format!(
            ", {} {:.2}",
            standard.name(),
            script.standard_confidence
        ));
    }
    text
}

/// A confidence rounded to three decimals.
fn rounded(confidence: f32) -> f64 {
    (f64::from(confidence) * 1000.0).round() / 1000.0
}

fn report(path: &str, decoded: &Decoded, script: ScriptDetection) -> serde_json::Value {
    let runs: Vec<_> = decoded
        .runs
        .iter()
        .map(|run| {
            json!({
                "start": run.bytes.start,
                "end": run.bytes.end,
                "encoding": run.encoding.name(),
            })
        })
        .collect();
    json!({
        "path": path,
        "encoding": decoded.encoding.name(),
        "confidence": rounded(decoded.confidence),
        "script": script.script.name(),
        "script_confidence": rounded(script.confidence),
        "standard": script.standard.map(|s| s.name()),
        "standard_confidence": rounded(script.standard_confidence),
        "runs": runs,
        "undecodable": decoded.undecodable.len(),
    })
}
