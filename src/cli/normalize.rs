//! `zhfix normalize`, and the normalization options `zhfix fix` shares.

use zhfix::{CompatIdeographs, Form, Newlines, NormalizeOptions, Punct};

use super::batch::OutputArgs;
use super::fix::{run_job, FixJob, Work};
use super::{coding, inputs, jsonl, Failure};

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    inputs: inputs::Args,

    #[command(flatten)]
    output: OutputArgs,

    #[command(flatten)]
    options: Options,

    /// Write every step and flag to standard error as JSON Lines (as
    /// `zhfix fix --explain`).
    #[arg(long)]
    explain: bool,

    #[command(flatten)]
    corpus: jsonl::Args,

    #[command(flatten)]
    coding: coding::Args,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FormArg {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum CompatArg {
    /// Keep compatibility ideographs (U+F900..U+FAFF, U+2F800..U+2FA1F).
    Keep,
    /// Map them to their unified ideographs, as NFC does.
    Map,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum NewlinesArg {
    /// CRLF and CR to LF.
    Lf,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum PunctArg {
    /// Leave punctuation alone.
    Keep,
    /// ASCII `,:;!?()` in Chinese text to full-width.
    Fullwidth,
    /// CJK punctuation to ASCII (quotes left alone).
    Ascii,
}

/// The normalization options.
#[derive(clap::Args, Debug)]
pub(crate) struct Options {
    /// Exactly this Unicode normalization form instead of the CJK-safe
    /// profile.
    #[arg(long, value_enum, value_name = "FORM")]
    form: Option<FormArg>,

    /// What the CJK-safe profile does with CJK compatibility ideographs.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "keep")]
    compat_ideographs: CompatArg,

    /// Full-width ASCII letters and digits to ASCII, half-width katakana to
    /// full-width.
    #[arg(long)]
    width: bool,

    /// U+3000 and no-break spaces to ASCII spaces, runs collapsed, spaces
    /// between Han characters removed.
    #[arg(long)]
    space: bool,

    /// Line breaks: `lf` turns CRLF and CR into LF.
    #[arg(long, value_enum, value_name = "STYLE")]
    newlines: Option<NewlinesArg>,

    /// Punctuation.
    #[arg(long, value_enum, value_name = "STYLE", default_value = "keep")]
    punct: PunctArg,

    /// Remove bidirectional controls instead of only reporting them.
    #[arg(long)]
    remove_bidi: bool,
}

impl Options {
    pub fn resolve(&self) -> NormalizeOptions {
        NormalizeOptions::new()
            .form(self.form.map(|form| match form {
                FormArg::Nfc => Form::Nfc,
                FormArg::Nfd => Form::Nfd,
                FormArg::Nfkc => Form::Nfkc,
                FormArg::Nfkd => Form::Nfkd,
            }))
            .compat_ideographs(match self.compat_ideographs {
                CompatArg::Keep => CompatIdeographs::Keep,
                CompatArg::Map => CompatIdeographs::Map,
            })
            .width(self.width)
            .space(self.space)
            .newlines(match self.newlines {
                Some(NewlinesArg::Lf) => Newlines::Lf,
                None => Newlines::Keep,
            })
            .punct(match self.punct {
                PunctArg::Keep => Punct::Keep,
                PunctArg::Fullwidth => Punct::Fullwidth,
                PunctArg::Ascii => Punct::Ascii,
            })
            .remove_bidi(self.remove_bidi)
    }
}

pub(crate) fn run(args: Args) -> Result<(), Failure> {
    let job = FixJob {
        work: Work::Normalize(args.options.resolve()),
        then: None,
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
