//! `zhfix convert`.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zhfix::{Config, Converter, ConverterBuilder, ErrorKind};

use super::coding::{self, Coding};
use super::output::Output;
use super::parallel;
use super::Failure;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// An OpenCC config name (see --list) or the path of an OpenCC JSON config.
    #[arg(short, long, value_name = "CONFIG", required_unless_present = "list")]
    config: Option<String>,

    /// Files to convert, concatenated in order; standard input when none or `-`.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Write the result to this file (only with a single input), atomically.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// A user dictionary (`key<TAB>value` lines, OpenCC's text format) whose
    /// phrases take priority over the config; repeatable, earlier first.
    #[arg(long = "dict", value_name = "FILE")]
    dicts: Vec<PathBuf>,

    /// Leave out the rare Simplified forms that OpenCC marks as possible
    /// "tofu" (used by default, as in OpenCC's library).
    #[arg(long)]
    no_rare_forms: bool,

    /// Threads to convert with (default: all cores). The output does not
    /// depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,

    #[command(flatten)]
    coding: coding::Args,

    /// List the configs with a one-line description.
    #[arg(long, exclusive = true)]
    list: bool,
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    if args.list {
        for config in Config::ALL {
            println!("{:<6} {}", config.name(), config.description());
        }
        return Ok(());
    }
    let converter = build_converter(&args)?;
    let coding = args.coding.resolve()?;
    if args.output.is_some() && args.files.len() > 1 {
        return Err(Failure::usage("-o/--output takes a single input file"));
    }
    let inputs: Vec<&Path> = if args.files.is_empty() {
        vec![Path::new("-")]
    } else {
        args.files.iter().map(PathBuf::as_path).collect()
    };
    // Check every input before writing anything.
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
    let threads = args
        .threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
    for input in inputs {
        if let Err(failure) = convert_one(&converter, input, &mut output, threads, &coding) {
            output.abandon();
            return Err(failure);
        }
    }
    output.commit()
}

fn build_converter(args: &Args) -> Result<Converter, Failure> {
    let name = args.config.as_deref().unwrap_or_default();
    let looks_like_file = name.ends_with(".json") && Path::new(name).is_file()
        || name.contains(std::path::MAIN_SEPARATOR);
    let builder = if looks_like_file {
        ConverterBuilder::from_config_file(name)
    } else {
        Converter::builder(name.parse().map_err(to_failure)?)
    };
    let mut builder = builder.rare_forms(!args.no_rare_forms);
    for dict in &args.dicts {
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

fn convert_one(
    converter: &Converter,
    input: &Path,
    output: &mut Output,
    threads: usize,
    coding: &Coding,
) -> Result<(), Failure> {
    let (reader, name): (Box<dyn Read + Send>, String) = if input == Path::new("-") {
        (Box::new(io::stdin()), "<stdin>".to_string())
    } else {
        let file = File::open(input)
            .map_err(|e| Failure::runtime(format!("{}: {}", input.display(), io_message(&e))))?;
        (Box::new(file), input.display().to_string())
    };
    parallel::convert(converter, reader, output.writer(), threads, &name, coding)
}

/// The OS message without Rust's " (os error N)" suffix.
pub(crate) fn io_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
