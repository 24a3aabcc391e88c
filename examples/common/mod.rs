//! The command line the speed examples share: `FILE [NAME...] [--rounds N]`.

/// A speed example's arguments: the rounds (`--rounds N`, else `default`),
/// and the file to read with the names after it (of configs, say).
pub struct Args {
    pub rounds: usize,
    pub text: String,
    pub names: Vec<String>,
}

impl Args {
    /// Reads the command line; with no file, prints `usage` and exits 2.
    pub fn read(usage: &str, default_rounds: usize) -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let rounds = args
            .iter()
            .position(|a| a == "--rounds")
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(default_rounds);
        // (Not the flag, nor its number.)
        let mut positional = args
            .into_iter()
            .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err());
        let Some(path) = positional.next() else {
            eprintln!("usage: {usage}");
            std::process::exit(2);
        };
        let text = std::fs::read_to_string(&path).expect("read the text");
        Args {
            rounds,
            text,
            names: positional.collect(),
        }
    }
}
