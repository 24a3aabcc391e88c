//! Smart segmentation's speed against the default's, in process, one
//! thread: each round converts the text once by default and once with
//! smart segmentation; prints the best of each and the median of the
//! rounds' ratios, which cancels a shared machine's slow phases better than
//! the ratio of the bests.
//!
//! `cargo run --release --example smart_speed -- FILE [CONFIG] [--rounds N]`
//! (default CONFIG: s2t; 15 rounds)

use std::time::Instant;

mod common;

fn main() {
    let common::Args {
        rounds,
        text,
        names,
    } = common::Args::read("smart_speed FILE [CONFIG] [--rounds N]", 15);
    let config: zhfix::Config = names
        .first()
        .map_or("s2t", |s| s.as_str())
        .parse()
        .expect("a config name");
    let default = zhfix::Converter::new(config);
    let smart = zhfix::Converter::builder(config)
        .smart(true)
        .build()
        .expect("a built-in config");
    let mut out = String::new();
    // The first smart conversion makes the adjacent-pair filter.
    smart.convert_into(&text, &mut out);
    let mut best = [f64::MAX; 2];
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let mut seconds = [0.0; 2];
        for (k, converter) in [&default, &smart].into_iter().enumerate() {
            out.clear();
            let start = Instant::now();
            converter.convert_into(&text, &mut out);
            seconds[k] = start.elapsed().as_secs_f64();
            best[k] = best[k].min(seconds[k]);
        }
        ratios.push(seconds[0] / seconds[1]);
    }
    ratios.sort_by(f64::total_cmp);
    let mb = |seconds: f64| text.len() as f64 / seconds / 1e6;
    println!(
        "{config}: default {:.1} MB/s, smart {:.1} MB/s; smart / default: median {:.3}, of the bests {:.3}",
        mb(best[0]),
        mb(best[1]),
        ratios[ratios.len() / 2],
        best[0] / best[1],
    );
}
