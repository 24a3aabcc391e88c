//! `zhfix fix` and `zhfix check`.

use std::borrow::Cow;

use zhfix::{Converter, Evidence, Fixer, NormalizeOptions, Report};

use super::batch::{self, Applied, Destination, Job, OutputArgs, Place, Run};
use super::coding;
use super::convert::build_converter;
use super::inputs;
use super::jsonl::{self, FieldJob};
use super::normalize;
use super::Failure;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    inputs: inputs::Args,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    repair: RepairArgs,

    /// Write every step and flag to standard error as JSON Lines (`path`,
    /// `kind`, `rule`, `start`, `end` in characters, `before`, `after`,
    /// `encodings`, `confidence`).
    #[arg(long)]
    explain: bool,

    /// Then convert with this OpenCC config (as `zhfix convert -c`), in
    /// the same pass.
    #[arg(long, value_name = "CONFIG")]
    to: Option<String>,

    #[command(flatten)]
    corpus: jsonl::Args,

    #[command(flatten)]
    coding: coding::Args,
}

#[derive(clap::Args)]
pub(crate) struct RepairArgs {
    /// Remove flagged damage (`锟斤拷`, `烫烫烫`, U+FFFD runs, remnants)
    /// instead of only reporting it.
    #[arg(long)]
    remove_flagged: bool,

    /// Decode percent-encoded UTF-8 inside URLs too (`%E4%B8%AD` to `中`;
    /// ASCII escapes such as `%2F` stay).
    #[arg(long)]
    decode_urls: bool,
    /// Repair Traditional text converted from Simplified character by
    /// character (`干凈` to `乾淨`, `關于` to `關於`), toward the text's own
    /// standard; style differences (`了解`, `瞭解`) are flagged and left.
    #[arg(long)]
    fix_conversion: bool,

    #[command(flatten)]
    normalize: normalize::Options,
}

impl RepairArgs {
    fn fixer(&self) -> Fixer {
        Fixer::new()
            .remove_flagged(self.remove_flagged)
            .decode_urls(self.decode_urls)
            .fix_conversion(self.fix_conversion)
            .normalize(self.normalize.resolve())
    }
}

/// `zhfix check`: what `fix` would change, without writing.
#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    inputs: inputs::Args,

    #[command(flatten)]
    repair: RepairArgs,

    #[command(flatten)]
    corpus: jsonl::Args,

    #[command(flatten)]
    coding: coding::Args,

    /// Threads to work with (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    threads: Option<usize>,

    /// Print no summary on standard error.
    #[arg(short, long)]
    quiet: bool,
}

/// What a [`FixJob`] does to text before converting it.
pub(crate) enum Work {
    /// `zhfix fix`: repair, then normalize as the fixer says.
    Repair(Fixer),
    /// `zhfix normalize`.
    Normalize(NormalizeOptions),
}

impl Work {
    /// The text, and the report if `report` (else an empty one: making a
    /// step for every change is most of the work and of the memory on text
    /// with a change every few characters).
    fn run(&self, text: &str, place: Place<'_>, report: bool) -> (String, Report) {
        match (self, report) {
            (Work::Repair(fixer), true) => placed(fixer, place).fix_and_explain(text),
            (Work::Repair(fixer), false) => {
                (placed(fixer, place).fix_text(text), Report::default())
            }
            (Work::Normalize(options), true) => zhfix::normalize_and_explain(text, options),
            (Work::Normalize(options), false) => {
                (zhfix::normalize(text, options), Report::default())
            }
        }
    }
}

/// `fixer` for a piece at `place`: judged by its input's evidence, if
/// gathered, and after a line break, if not the input's first.
fn placed<'a>(fixer: &'a Fixer, place: Place<'_>) -> Cow<'a, Fixer> {
    match place {
        Place {
            first: true,
            evidence: None,
        } => Cow::Borrowed(fixer),
        Place { first, evidence } => {
            let fixer = fixer.clone().after_line_break(!first);
            Cow::Owned(match evidence {
                Some(evidence) => fixer.with_evidence(evidence.clone()),
                None => fixer,
            })
        }
    }
}

/// Repairs (or normalizes) text, then converts it if asked.
pub(crate) struct FixJob {
    pub work: Work,
    pub then: Option<Converter>,
    pub explain: bool,
    /// Whether the changes and flags are counted (for a summary that is
    /// shown, or `check`); `explain` counts them too.
    pub counts: bool,
}

impl Job for FixJob {
    fn apply(&self, text: &str, place: Place<'_>) -> Applied {
        let (fixed, report) = self.work.run(text, place, self.explain || self.counts);
        let mut applied = Applied::default();
        for step in &report.steps {
            *applied.changes.entry(step.rule.name()).or_default() += 1;
        }
        for flag in &report.flags {
            *applied.flags.entry(flag.damage.name()).or_default() += 1;
        }
        if self.explain {
            applied.records = records(&report);
        }
        applied.text = match &self.then {
            Some(converter) => {
                let converted = converter.convert(&fixed);
                let lines = super::convert::changed_lines(&fixed, &converted);
                if lines > 0 {
                    applied.changes.insert("converted lines", lines);
                }
                converted
            }
            None => fixed,
        };
        applied
    }

    fn explains(&self) -> bool {
        self.explain
    }

    fn gathers_evidence(&self) -> bool {
        matches!(self.work, Work::Repair(_))
    }

    fn evidence(&self, text: &str, first: bool) -> Evidence {
        match &self.work {
            Work::Repair(fixer) => placed(
                fixer,
                Place {
                    first,
                    evidence: None,
                },
            )
            .evidence(text),
            Work::Normalize(_) => Evidence::default(),
        }
    }
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    let then = args
        .to
        .as_deref()
        .map(|config| build_converter(config, &[], true, false))
        .transpose()?;
    let job = FixJob {
        work: Work::Repair(args.repair.fixer()),
        then,
        explain: args.explain || args.output.report.is_some(),
        counts: false,
    };
    run_job(
        job,
        &args.inputs,
        &args.output,
        &args.corpus,
        &args.coding,
        args.explain,
    )
}

/// Runs `job` over the inputs to the destination (`fix` and `normalize`),
/// counting its changes if the summary shows them.
pub(crate) fn run_job(
    mut job: FixJob,
    inputs: &inputs::Args,
    output: &OutputArgs,
    corpus: &jsonl::Args,
    coding: &coding::Args,
    explain: bool,
) -> Result<(), Failure> {
    let coding = coding.resolve()?;
    let inputs = inputs.collect(output.in_place, &coding)?;
    let destination = output.destination(inputs.inputs.len())?;
    job.counts = batch::shows_summary(
        &destination,
        output.report.is_some(),
        inputs.inputs.len() > 1 || !inputs.skipped.is_empty(),
    );
    let field_job;
    let job: &dyn Job = match &corpus.jsonl_field {
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
        threads: batch::threads(output.threads),
        quiet: output.quiet,
        explain,
        strict: corpus.strict,
        report: output.report.clone(),
    };
    let totals = run.run(inputs)?;
    match totals.failed {
        0 => Ok(()),
        _ => Err(Failure::runtime(String::new())),
    }
}

pub(crate) fn check(args: CheckArgs) -> Result<(), Failure> {
    let coding = args.coding.resolve()?;
    let job = FixJob {
        work: Work::Repair(args.repair.fixer()),
        then: None,
        explain: false,
        counts: true,
    };
    let inputs = args.inputs.collect(false, &coding)?;
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
        destination: Destination::Nowhere,
        threads: batch::threads(args.threads),
        quiet: args.quiet,
        explain: false,
        strict: args.corpus.strict,
        report: None,
    };
    let totals = run.run(inputs)?;
    match (totals.failed, totals.changed_files) {
        (0, 0) => Ok(()),
        (0, _) => Err(Failure {
            message: String::new(),
            code: 1,
        }),
        _ => Err(Failure::runtime(String::new())),
    }
}

/// A confidence with three decimals (not an `f32`'s binary noise).
fn rounded(confidence: f32) -> f64 {
    (f64::from(confidence) * 1000.0).round() / 1000.0
}

/// The report as JSON objects: one per step or flag.
fn records(report: &zhfix::Report) -> Vec<serde_json::Value> {
    let steps = report.steps.iter().map(|step| {
        let encodings: Vec<[&str; 2]> = step
            .encodings
            .iter()
            .map(|(read_as, was)| [read_as.name(), was.name()])
            .collect();
        serde_json::json!({
            "path": "",
            "kind": "step",
            "rule": step.rule.name(),
            "start": step.start,
            "end": step.end,
            "before": step.before,
            "after": step.after,
            "encodings": encodings,
            "confidence": rounded(step.confidence),
        })
    });
    let flags = report.flags.iter().map(|flag| {
        serde_json::json!({
            "path": "",
            "kind": "flag",
            "rule": flag.damage.name(),
            "start": flag.start,
            "end": flag.end,
            "before": flag.text,
            "after": flag.text,
            "confidence": 1.0,
        })
    });
    steps.chain(flags).collect()
}
