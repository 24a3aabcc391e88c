use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[2]).unwrap();
    let conv = zhfix::Converter::new(args[1].parse().unwrap());
    let mut best = f64::MAX;
    let mut out = String::with_capacity(text.len() * 2);
    for _ in 0..15 {
        out.clear();
        let t = Instant::now();
        conv.convert_into(&text, &mut out);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{} {:.1} MB/s", args[1], text.len() as f64 / best / 1e6);
}
