//! Conversion throughput, per config, on OpenCC's benchmark text when
//! `scripts/bench-text` has made it (target/bench/), else on a sample of
//! real text built in.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zhfix::{Config, Converter};

/// A Simplified sample (from the OpenCC test cases' style of text).
const SAMPLE_HANS: &str = "左传隐公元年，公及邾仪父盟于蔑。夏五月，郑伯克段于鄢。\
    头发干了，我们一起去打印机旁边看看内存条和鼠标。这个软件的后台服务器里面有很多数据。\n";

fn text(file: &str, fallback: &str) -> String {
    std::fs::read_to_string(format!("target/bench/{file}"))
        .unwrap_or_else(|_| fallback.repeat(20_000))
}

fn bench(c: &mut Criterion) {
    let hans = text("zuozhuan-x10.txt", SAMPLE_HANS);
    let hant = text(
        "zuozhuan-x10-hant.txt",
        &zhfix::convert(SAMPLE_HANS, Config::S2t),
    );
    let mut group = c.benchmark_group("convert");
    group.sample_size(10);
    for config in [Config::S2t, Config::T2s, Config::S2tw, Config::S2twp] {
        let input = if config == Config::T2s { &hant } else { &hans };
        let converter = Converter::new(config);
        let mut out = String::with_capacity(input.len() * 2);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(config), input, |b, input| {
            b.iter(|| {
                out.clear();
                converter.convert_into(input, &mut out);
                out.len()
            })
        });
    }
    group.finish();

    // Smart segmentation against the default, on the same text.
    let mut group = c.benchmark_group("convert smart");
    group.sample_size(10);
    for config in [Config::S2t, Config::S2twp] {
        let converter = Converter::builder(config).smart(true).build().unwrap();
        let mut out = String::with_capacity(hans.len() * 2);
        group.throughput(Throughput::Bytes(hans.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(config), &hans, |b, input| {
            b.iter(|| {
                out.clear();
                converter.convert_into(input, &mut out);
                out.len()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    let utf8 = hans.as_bytes();
    let (gbk, _, _) = zhfix::encoding_rs::GBK.encode(&hans);
    group.throughput(Throughput::Bytes(utf8.len() as u64));
    group.bench_function("std::str::from_utf8", |b| {
        b.iter(|| std::str::from_utf8(utf8).map(str::len))
    });
    group.bench_function("zhfix::decode UTF-8", |b| {
        b.iter(|| zhfix::decode(utf8).text.len())
    });
    group.throughput(Throughput::Bytes(gbk.len() as u64));
    group.bench_function("encoding_rs GBK", |b| {
        b.iter(|| {
            zhfix::encoding_rs::GBK
                .decode_without_bom_handling(&gbk)
                .0
                .len()
        })
    });
    group.bench_function("zhfix::decode GBK", |b| {
        b.iter(|| zhfix::decode(&gbk).text.len())
    });
    let (big5, _, _) = zhfix::encoding_rs::BIG5.encode(&hant);
    group.throughput(Throughput::Bytes(big5.len() as u64));
    group.bench_function("encoding_rs Big5", |b| {
        b.iter(|| {
            zhfix::encoding_rs::BIG5
                .decode_without_bom_handling(&big5)
                .0
                .len()
        })
    });
    group.bench_function("zhfix::decode Big5", |b| {
        b.iter(|| zhfix::decode(&big5).text.len())
    });
    group.finish();

    c.bench_function("converter creation (after the first)", |b| {
        let _ = Converter::new(Config::S2twp);
        b.iter(|| Converter::new(Config::S2twp))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
