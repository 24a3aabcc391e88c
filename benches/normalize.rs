//! Normalization throughput side by side with `icu_normalizer` and
//! `unicode-normalization` on the same text: NFC of Chinese text that is
//! already in NFC (the common case: a quick check decides), and the CJK-safe
//! profile. The text is the Simplified corpus `scripts/fetch-corpus` makes
//! (target/corpus/zh-hans.txt) when it is there, else a built-in sample.
//!
//! `cargo bench --bench normalize`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use icu_normalizer::ComposingNormalizerBorrowed;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use zhfix::{Form, NormalizeOptions};

const SAMPLE: &str = "左传隐公元年，公及邾仪父盟于蔑。夏五月，郑伯克段于鄢。\
    头发干了，我们一起去打印机旁边看看内存条和鼠标。这个软件的后台服务器里面有很多数据。\n";

fn text() -> String {
    std::fs::read_to_string("target/corpus/zh-hans.txt").unwrap_or_else(|_| SAMPLE.repeat(50_000))
}

fn bench(c: &mut Criterion) {
    let text = text();
    let mut group = c.benchmark_group("normalize");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    let nfc = NormalizeOptions::new().form(Some(Form::Nfc));
    group.bench_function("zhfix NFC", |b| {
        b.iter(|| zhfix::normalize(&text, &nfc).len())
    });
    let profile = NormalizeOptions::new();
    group.bench_function("zhfix CJK profile", |b| {
        b.iter(|| zhfix::normalize(&text, &profile).len())
    });
    let icu = ComposingNormalizerBorrowed::new_nfc();
    group.bench_function("icu_normalizer NFC", |b| {
        b.iter(|| icu.normalize(&text).len())
    });
    group.bench_function("icu_normalizer is_normalized", |b| {
        b.iter(|| icu.is_normalized(&text))
    });
    group.bench_function("unicode-normalization nfc()", |b| {
        b.iter(|| text.nfc().collect::<String>().len())
    });
    group.bench_function("unicode-normalization is_nfc_quick", |b| {
        b.iter(|| is_nfc_quick(text.chars()) == IsNormalized::Yes)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
