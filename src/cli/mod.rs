//! Argument parsing and the subcommands.

mod coding;
mod convert;
mod detect;
mod fix;
mod normalize;
mod output;
mod parallel;

use clap::{Parser, Subcommand};

/// Repairs damaged Chinese text and converts between Simplified and
/// Traditional Chinese (output identical to OpenCC 1.4.2).
#[derive(Parser)]
#[command(name = "zhfix", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Repair mojibake, out-of-phase GBK, ruby leftovers and invisible
    /// characters; flag damage that cannot be undone.
    Fix(fix::Args),
    /// Normalize Unicode: the CJK-safe profile (or exactly one form with
    /// --form), and width, space, newline and punctuation rules on request.
    Normalize(normalize::Args),
    /// Convert between Simplified and Traditional Chinese with an OpenCC config.
    Convert(convert::Args),
    /// Report each file's encoding (per run, for mixed files) and script.
    Detect(detect::Args),
}

/// A failure to report: one line on stderr and an exit code.
pub(crate) struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    /// A failure of the invocation itself (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// A failure while doing the work (exit 1).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Fix(args) => fix::run(args),
        Command::Normalize(args) => normalize::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Detect(args) => detect::run(args),
    };
    match result {
        Ok(()) => 0,
        Err(failure) => {
            // An empty message is a closed pipe: nothing worth saying.
            if !failure.message.is_empty() {
                eprintln!("zhfix: {}", failure.message);
            }
            failure.code
        }
    }
}
