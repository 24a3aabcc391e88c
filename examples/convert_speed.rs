//! Conversion throughput in process, one thread: the best of several rounds
//! per config, on one file. Two builds run one after the other, round for
//! round, compare fairly on a shared machine.
//!
//! `cargo run --release --example convert_speed -- FILE [CONFIG...] [--rounds N]`
//! (default CONFIG: s2t; 10 rounds)

use std::time::Instant;

mod common;

fn main() {
    let common::Args {
        rounds,
        text,
        names,
    } = common::Args::read("convert_speed FILE [CONFIG...] [--rounds N]", 10);
    let configs: Vec<zhfix::Config> = match names.is_empty() {
        true => vec![zhfix::Config::S2t],
        false => names
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
