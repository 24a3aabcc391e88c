//! Conversion throughput in process, one thread: the best of several rounds
//! per config, on one file. Two builds run one after the other, round for
//! round, compare fairly on a shared machine.
//!
//! `cargo run --release --example convert_speed -- FILE [CONFIG...] [--rounds N]`
//! (default CONFIG: s2t; 10 rounds)

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(10);
    let positional: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .collect();
    let Some(path) = positional.first() else {
        eprintln!("usage: convert_speed FILE [CONFIG...] [--rounds N]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).expect("read the text");
    let configs: Vec<zhfix::Config> = match positional.len() {
        1 => vec![zhfix::Config::S2t],
        _ => positional[1..]
            .iter()
            .map(|name| name.parse().expect("a config name"))
            .collect(),
    };
    let mut out = String::with_capacity(text.len() * 2);
    for config in configs {
        let converter = zhfix::Converter::new(config);
        converter.convert_into(&text, &mut out);
        let mut best = f64::INFINITY;
        for _ in 0..rounds {
            out.clear();
            let start = Instant::now();
            converter.convert_into(&text, &mut out);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{config:6} {:7.1} MB/s", text.len() as f64 / 1e6 / best);
    }
}
