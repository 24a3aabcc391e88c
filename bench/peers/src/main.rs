//! `peers`: time zhfix's peer crates (zhconv, ferrous-opencc) in-process on one file.
//!
//! Usage:
//!   peers --engine zhconv|ferrous --config s2t|t2s|s2tw|s2twp --input FILE
//!         [--repeat N] [--output FILE] [--variant zh-XX]
//!
//! Prints one line of JSON:
//!   {"engine":..,"config":..,"api":..,"bytes":..,"best_seconds":..,"mb_per_s":..,
//!    "setup_seconds":..,"repeat":..,"output_bytes":..}
//! where MB = 10^6 bytes of UTF-8 input. Reading the input, building/loading the converter
//! (reported as `setup_seconds`) and writing `--output` are outside the timed region; each
//! timed run is one `convert(&whole_text) -> String` call, and the best of N is reported.

use std::process::ExitCode;
use std::time::Instant;

use ferrous_opencc::config::BuiltinConfig;
use zhconv::{get_builtin_converter, Variant};

const USAGE: &str = "usage: peers --engine zhconv|ferrous --config s2t|t2s|s2tw|s2twp \
--input FILE [--repeat N] [--output FILE] [--variant zh-Hant|zh-Hans|zh-TW|zh-CN|...]";

struct Args {
    engine: String,
    config: String,
    input: String,
    repeat: usize,
    output: Option<String>,
    variant: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut engine = None;
    let mut config = None;
    let mut input = None;
    let mut repeat = 3usize;
    let mut output = None;
    let mut variant = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if key == "-h" || key == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let mut val = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("missing value for {key}"))
        };
        match key.as_str() {
            "--engine" | "-e" => engine = Some(val()?),
            "--config" | "-c" => config = Some(val()?),
            "--input" | "-i" => input = Some(val()?),
            "--output" | "-o" => output = Some(val()?),
            "--variant" => variant = Some(val()?),
            "--repeat" | "-n" => {
                repeat = val()?
                    .parse()
                    .map_err(|e| format!("bad --repeat: {e}"))?;
                if repeat == 0 {
                    return Err("--repeat must be >= 1".into());
                }
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Args {
        engine: engine.ok_or("--engine is required")?,
        config: config.ok_or("--config is required")?.trim_end_matches(".json").to_string(),
        input: input.ok_or("--input is required")?,
        repeat,
        output,
        variant,
    })
}

/// Which zhconv target best matches an OpenCC config (see README.md for the reasoning).
fn zhconv_variant(config: &str) -> Result<Variant, String> {
    let twp = cfg!(feature = "zhconv-twp");
    match config {
        // zh-Hant = OpenCC [STCharacters, STPhrases] (+ MediaWiki if enabled): s2t.
        "s2t" => Ok(Variant::ZhHant),
        // zh-Hans = OpenCC [TSCharacters, TSPhrases]: t2s. (zh-CN adds tw2s/hk2s rev phrases.)
        "t2s" => Ok(Variant::ZhHans),
        // zh-TW = [STPhrases, STCharacters] -> [TWVariants]: s2tw, unless built with opencc-twp.
        "s2tw" if !twp => Ok(Variant::ZhTW),
        // zh-TW with opencc-twp = [STPhrases, STCharacters] -> [TWPhrases] -> [TWVariants]: s2twp.
        "s2twp" if twp => Ok(Variant::ZhTW),
        "s2tw" => Err("zhconv: this build has feature zhconv-twp, whose zh-TW table is s2twp, \
                       not s2tw; use a build without it (or force --variant zh-TW)"
            .into()),
        "s2twp" => Err("zhconv: s2twp needs zhconv's compile-time `opencc-twp` feature: \
                        build with `--features zhconv-twp` (or force --variant zh-TW)"
            .into()),
        other => Err(format!("zhconv: unsupported config {other}")),
    }
}

fn ferrous_config(config: &str) -> Result<BuiltinConfig, String> {
    Ok(match config {
        "s2t" => BuiltinConfig::S2t,
        "t2s" => BuiltinConfig::T2s,
        "s2tw" => BuiltinConfig::S2tw,
        "s2twp" => BuiltinConfig::S2twp,
        "tw2s" => BuiltinConfig::Tw2s,
        "tw2sp" => BuiltinConfig::Tw2sp,
        "s2hk" => BuiltinConfig::S2hk,
        "hk2s" => BuiltinConfig::Hk2s,
        "t2tw" => BuiltinConfig::T2tw,
        "tw2t" => BuiltinConfig::Tw2t,
        "t2hk" => BuiltinConfig::T2hk,
        "hk2t" => BuiltinConfig::Hk2t,
        other => return Err(format!("ferrous: unsupported config {other}")),
    })
}

/// Time `f` on the whole text `repeat` times; return (best seconds, last output).
fn time_best(repeat: usize, mut f: impl FnMut() -> String) -> (f64, String) {
    let mut best = f64::INFINITY;
    let mut out = String::new();
    for _ in 0..repeat {
        drop(std::mem::take(&mut out)); // free the previous result outside the timed region
        let t = Instant::now();
        let r = f();
        let dt = t.elapsed().as_secs_f64();
        out = std::hint::black_box(r);
        best = best.min(dt);
    }
    (best, out)
}

fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

enum Plan {
    Zhconv(Variant, String),
    Ferrous(BuiltinConfig, String),
}

/// Resolve engine + config to a concrete API call before touching the input.
fn plan(args: &Args) -> Result<Plan, String> {
    match args.engine.as_str() {
        "zhconv" => {
            let variant = match &args.variant {
                Some(v) => v
                    .parse::<Variant>()
                    .map_err(|e| format!("bad --variant {v}: {e:?}"))?,
                None => zhconv_variant(&args.config)?,
            };
            let mut api = format!("zhconv::get_builtin_converter(Variant::{variant:?})");
            if cfg!(feature = "zhconv-twp") {
                api.push_str(" [opencc-twp]");
            }
            if cfg!(feature = "zhconv-mediawiki") {
                api.push_str(" [+mediawiki]");
            }
            Ok(Plan::Zhconv(variant, api))
        }
        "ferrous" | "ferrous-opencc" => {
            let cfg = ferrous_config(&args.config)?;
            let api = format!("ferrous_opencc::OpenCC::from_config(BuiltinConfig::{cfg:?})");
            Ok(Plan::Ferrous(cfg, api))
        }
        other => Err(format!("unknown engine {other} (zhconv|ferrous)")),
    }
}

fn run(args: Args) -> Result<(), String> {
    let plan = plan(&args)?;
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input))?;
    let bytes = text.len();

    let (api, setup, best, out) = match plan {
        Plan::Zhconv(variant, api) => {
            // Built-in converters are lazily deserialized (zstd + daachorse) on first access.
            let t = Instant::now();
            let conv = get_builtin_converter(variant);
            let setup = t.elapsed().as_secs_f64();
            let (best, out) = time_best(args.repeat, || conv.convert(&text));
            (api, setup, best, out)
        }
        Plan::Ferrous(cfg, api) => {
            let t = Instant::now();
            let cc = ferrous_opencc::OpenCC::from_config(cfg)
                .map_err(|e| format!("ferrous-opencc: {e}"))?;
            let setup = t.elapsed().as_secs_f64();
            let (best, out) = time_best(args.repeat, || cc.convert(&text));
            (api, setup, best, out)
        }
    };

    if let Some(path) = &args.output {
        std::fs::write(path, out.as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let engine = if args.engine == "ferrous-opencc" { "ferrous" } else { &args.engine };
    println!(
        "{{\"engine\":{},\"config\":{},\"api\":{},\"bytes\":{},\"best_seconds\":{:.6},\
         \"mb_per_s\":{:.3},\"setup_seconds\":{:.6},\"repeat\":{},\"output_bytes\":{}}}",
        json_str(engine),
        json_str(&args.config),
        json_str(&api),
        bytes,
        best,
        bytes as f64 / 1e6 / best,
        setup,
        args.repeat,
        out.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("peers: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peers: {e}");
            ExitCode::FAILURE
        }
    }
}
