//! `zhfix convert`.

use std::io;
use std::path::{Path, PathBuf};

use zhfix::{Config, Converter, ConverterBuilder, ErrorKind};

use super::batch::{self, Applied, Job, OutputArgs, Place, Run};
use super::coding;
use super::inputs;
use super::jsonl::{self, FieldJob};
use super::Failure;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// An OpenCC config name (see --list) or the path of an OpenCC JSON config.
    #[arg(short, long, value_name = "CONFIG", required_unless_present = "list")]
    config: Option<String>,

    #[command(flatten)]
    inputs: inputs::Args,

    #[command(flatten)]
    output: OutputArgs,

    /// A user dictionary (`key<TAB>value` lines, OpenCC's text format) whose
    /// phrases take priority over the config; repeatable, earlier first.
    #[arg(long = "dict", value_name = "FILE")]
    dicts: Vec<PathBuf>,

    /// Leave out the rare Simplified forms that OpenCC marks as possible
    /// "tofu" (used by default, as in OpenCC's library).
    #[arg(long)]
    no_rare_forms: bool,

    /// Split the text by word frequencies instead of OpenCC's greedy longest
    /// match, which fixes errors such as 被发明 → 被髮明 (the output then
    /// differs from OpenCC's).
    #[arg(long)]
    smart: bool,

    #[command(flatten)]
    corpus: jsonl::Args,

    #[command(flatten)]
    coding: coding::Args,

    /// List the configs with a one-line description.
    #[arg(long, exclusive = true)]
    list: bool,
}

/// Converts text.
struct ConvertJob {
    converter: Converter,
    /// Whether changed lines are counted (for a summary or report that is
    /// shown); comparing every line costs a few percent of a conversion.
    counts: bool,
}

impl Job for ConvertJob {
    fn apply(&self, text: &str, place: Place<'_>) -> Applied {
        self.apply_reusing(text, place, String::new())
    }

    fn apply_reusing(&self, text: &str, _place: Place<'_>, mut converted: String) -> Applied {
        converted.clear();
        // (Room for the usual growth at once: `convert_into` alone would
        // reallocate as it goes.)
        converted.reserve(text.len() + text.len() / 8);
        self.converter.convert_into(text, &mut converted);
        let mut applied = Applied::default();
        let lines = match self.counts {
            true => changed_lines(text, &converted),
            false => 0,
        };
        if lines > 0 {
            applied.changes.insert("converted lines", lines);
        }
        applied.text = converted;
        applied
    }

    fn split_point(&self, bytes: &[u8]) -> Option<usize> {
        // (In the valid UTF-8 prefix: what follows is decoded with it.)
        let valid = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        };
        self.converter.split_point(valid)
    }
}

/// How many lines of `before` differ in `after` (conversion keeps lines one
/// to one).
pub(crate) fn changed_lines(before: &str, after: &str) -> u64 {
    if before == after {
        return 0;
    }
    before
        .split('\n')
        .zip(after.split('\n'))
        .filter(|(a, b)| a != b)
        .count() as u64
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    if args.list {
        for config in Config::ALL {
            println!("{:<6} {}", config.name(), config.description());
        }
        return Ok(());
    }
    let converter = build_converter(
        args.config.as_deref().unwrap_or_default(),
        &args.dicts,
        !args.no_rare_forms,
        args.smart,
    )?;
    let coding = args.coding.resolve()?;
    let inputs = args.inputs.collect(args.output.in_place, &coding)?;
    let destination = args.output.destination(inputs.inputs.len())?;
    let job = ConvertJob {
        converter,
        counts: batch::shows_summary(
            &destination,
            args.output.report.is_some(),
            inputs.inputs.len() > 1 || !inputs.skipped.is_empty(),
        ),
    };
    let field_job;
    let job: &dyn Job = match &args.corpus.jsonl_field {
        Some(path) => {
            field_job = FieldJob::new(&job, path);
            &field_job
        }
        None => &job,
    };
    let run = Run {
        job,
        coding: &coding,
        destination,
        threads: batch::threads(args.output.threads),
        quiet: args.output.quiet,
        explain: false,
        strict: args.corpus.strict,
        report: args.output.report.clone(),
    };
    let totals = run.run(inputs)?;
    match totals.failed {
        0 => Ok(()),
        _ => Err(Failure::runtime(String::new())),
    }
}

/// The converter for a config name or JSON config file, with user
/// dictionaries, optionally with smart segmentation.
pub(crate) fn build_converter(
    name: &str,
    dicts: &[PathBuf],
    rare_forms: bool,
    smart: bool,
) -> Result<Converter, Failure> {
    let looks_like_file = name.ends_with(".json") && Path::new(name).is_file()
        || name.contains(std::path::MAIN_SEPARATOR);
    let builder = if looks_like_file {
        ConverterBuilder::from_config_file(name)
    } else {
        Converter::builder(name.parse().map_err(to_failure)?)
    };
    let mut builder = builder.rare_forms(rare_forms).smart(smart);
    for dict in dicts {
        builder = builder.dictionary_file(dict).map_err(to_failure)?;
    }
    builder.build().map_err(to_failure)
}

fn to_failure(error: zhfix::Error) -> Failure {
    match error.kind() {
        ErrorKind::UnknownConfig => Failure::usage(error.to_string()),
        _ => Failure::runtime(error.to_string()),
    }
}

/// The OS message without Rust's " (os error N)" suffix.
pub(crate) fn io_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
