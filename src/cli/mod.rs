//! Argument parsing and the subcommands.

mod batch;
mod coding;
mod convert;
mod detect;
mod diff;
mod fix;
mod inputs;
mod jsonl;
mod normalize;
mod output;
mod spool;

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
    #[command(after_help = FIX_EXAMPLES)]
    Fix(fix::Args),
    /// Report what `fix` would change, without writing (exit 1 if anything).
    #[command(after_help = CHECK_EXAMPLES)]
    Check(fix::CheckArgs),
    /// Normalize Unicode: the CJK-safe profile (or exactly one form with
    /// --form), and width, space, newline and punctuation rules on request.
    #[command(after_help = NORMALIZE_EXAMPLES)]
    Normalize(normalize::Args),
    /// Convert between Simplified and Traditional Chinese with an OpenCC config.
    #[command(after_help = CONVERT_EXAMPLES)]
    Convert(convert::Args),
    /// Report each file's encoding (per run, for mixed files) and script.
    #[command(after_help = DETECT_EXAMPLES)]
    Detect(detect::Args),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const FIX_EXAMPLES: &str = "Examples:
  zhfix fix broken.txt                       repaired text on stdout
  zhfix fix --explain broken.txt             and every step as JSON Lines on stderr
  zhfix fix -r --in-place corpus/            repair a tree in place (atomically)
  zhfix fix -r corpus/ --output-dir clean/   write a repaired copy of the tree
  zhfix fix --to s2t old.txt -o new.txt      repair, then convert to Traditional
  zhfix fix --jsonl-field text data.jsonl    repair one field of each record";

const NORMALIZE_EXAMPLES: &str = "Examples:
  zhfix normalize in.txt                     the CJK-safe profile, on stdout
  zhfix normalize --form nfc --explain in.txt  exactly NFC, every step on stderr
  zhfix normalize --punct fullwidth in.txt   近日,濱州 to 近日，濱州, 18:14 kept";

const CHECK_EXAMPLES: &str = "Examples:
  zhfix check -r docs/                       list files that fix would change
  zhfix check -r -g '*.srt' subtitles/       only subtitle files";

const CONVERT_EXAMPLES: &str = "Examples:
  zhfix convert -c s2t simplified.txt        Traditional Chinese on stdout
  zhfix convert -c s2twp in.txt -o out.txt   Taiwan standard, with Taiwan phrases
  zhfix convert -c t2s -r --in-place books/  convert a tree in place
  zhfix convert -c s2t --dict mine.txt in.txt  with your own phrases first
  zhfix convert --list                       the configs";

const DETECT_EXAMPLES: &str = "Examples:
  zhfix detect old.txt                       encoding, confidence and script
  zhfix detect --json *.txt                  one JSON object per file";

const COMPLETIONS_EXAMPLES: &str = "Examples:
  zhfix completions bash > ~/.local/share/bash-completion/completions/zhfix
  zhfix completions zsh > ~/.zfunc/_zhfix
  zhfix completions fish > ~/.config/fish/completions/zhfix.fish";

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

    /// A failure while doing the work, such as an input that cannot be read
    /// (exit 2, as a usage error: exit 1 means `check` found changes).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
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
        Command::Check(args) => fix::check(args),
        Command::Normalize(args) => normalize::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Detect(args) => detect::run(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "zhfix", &mut std::io::stdout());
            Ok(())
        }
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
