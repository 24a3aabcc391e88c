//! Properties of conversion over generated text: streaming and cutting give
//! exactly the whole-text output, and line structure is kept.

use proptest::prelude::*;
use zhfix::{Config, Converter};

/// Pieces text is made of: dictionary keys of several configs (so that
/// phrases, their prefixes and overlaps occur), single characters, and the
/// characters that need care (line breaks, ideographic description
/// operators, compatibility ideographs, ASCII that occurs in keys).
fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for dict in [
        include_str!("../dictionaries/opencc/STPhrases.txt"),
        include_str!("../dictionaries/opencc/TSPhrases.txt"),
        include_str!("../dictionaries/opencc/TWPhrases.txt"),
        include_str!("../dictionaries/opencc/HKVariantsRevPhrases.txt"),
        include_str!("../dictionaries/opencc/JPShinjitaiPhrases.txt"),
    ] {
        let keys = dict
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split('\t').next());
        // Every 97th key keeps the vocabulary small but varied.
        words.extend(keys.step_by(97).map(str::to_string));
    }
    let extra = [
        "\n", "\r\n", " ", "，", "。", "“", "”", "a", "U", "-", "·", "盘", "\u{2FF0}", "\u{2FF2}",
        "\u{F967}", "\u{F914}", "后", "发", "干", "面", "里", "了", "于", "余", "乾", "髮", "著",
        "𫝈", "㑮", "😀", "\u{0}",
    ];
    words.extend(extra.iter().map(|s| s.to_string()));
    words
}

fn text_strategy() -> impl Strategy<Value = String> {
    let words = vocabulary();
    proptest::collection::vec(0..words.len(), 0..200)
        .prop_map(move |picks| picks.into_iter().map(|i| words[i].as_str()).collect())
}

fn config_strategy() -> impl Strategy<Value = Config> {
    (0..Config::ALL.len()).prop_map(|i| Config::ALL[i])
}

/// Cuts `text` at the given fractions, moved to character boundaries.
fn pieces<'a>(text: &'a str, cuts: &[f64]) -> Vec<&'a str> {
    let mut positions: Vec<usize> = cuts
        .iter()
        .map(|f| {
            let mut at = (f * text.len() as f64) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect();
    positions.sort_unstable();
    let mut out = Vec::new();
    let mut previous = 0;
    for at in positions {
        out.push(&text[previous..at]);
        previous = at;
    }
    out.push(&text[previous..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn chunked_equals_whole(
        config in config_strategy(),
        text in text_strategy(),
        cuts in proptest::collection::vec(0.0..1.0f64, 0..12),
    ) {
        let converter = Converter::new(config);
        let mut chunked = converter.chunked();
        let mut out = String::new();
        for piece in pieces(&text, &cuts) {
            chunked.push(piece, &mut out);
        }
        chunked.finish(&mut out);
        prop_assert_eq!(out, converter.convert(&text));
    }

    #[test]
    fn smart_chunked_and_streamed_equal_whole(
        config in config_strategy(),
        text in text_strategy(),
        cuts in proptest::collection::vec(0.0..1.0f64, 0..12),
        read_size in 1..64usize,
    ) {
        let converter = Converter::builder(config).smart(true).build().unwrap();
        let whole = converter.convert(&text);
        let mut chunked = converter.chunked();
        let mut out = String::new();
        for piece in pieces(&text, &cuts) {
            chunked.push(piece, &mut out);
        }
        chunked.finish(&mut out);
        prop_assert_eq!(&out, &whole);
        if let Some(cut) = converter.split_point(&text) {
            let (left, right) = text.split_at(cut);
            prop_assert_eq!(converter.convert(left) + &converter.convert(right), whole.clone());
        }
        let mut streamed = Vec::new();
        let reader = TinyReads { bytes: text.as_bytes(), size: read_size };
        converter.convert_stream(reader, &mut streamed).unwrap();
        prop_assert_eq!(String::from_utf8(streamed).unwrap(), whole);
    }

    #[test]
    fn split_point_cuts_cleanly_whatever_follows(
        config in config_strategy(),
        text in text_strategy(),
        suffix in text_strategy(),
    ) {
        let converter = Converter::new(config);
        if let Some(cut) = converter.split_point(&text) {
            prop_assert!(cut > 0 && cut < text.len());
            let whole = format!("{text}{suffix}");
            let (left, right) = whole.split_at(cut);
            prop_assert_eq!(
                converter.convert(left) + &converter.convert(right),
                converter.convert(&whole)
            );
        }
    }

    #[test]
    fn stream_equals_whole(
        config in config_strategy(),
        text in text_strategy(),
        read_size in 1..64usize,
    ) {
        let converter = Converter::new(config);
        let mut out = Vec::new();
        let reader = TinyReads { bytes: text.as_bytes(), size: read_size };
        converter.convert_stream(reader, &mut out).unwrap();
        prop_assert_eq!(String::from_utf8(out).unwrap(), converter.convert(&text));
    }

    #[test]
    fn conversion_keeps_line_structure(config in config_strategy(), text in text_strategy()) {
        let out = zhfix::convert(&text, config);
        let breaks = |s: &str| s.match_indices(['\n', '\r']).map(|(_, b)| b.to_string()).collect::<Vec<_>>();
        prop_assert_eq!(breaks(&out), breaks(&text));
    }
}

/// A reader that returns at most `size` bytes at a time.
struct TinyReads<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl std::io::Read for TinyReads<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.size.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn long_text_without_boundaries_streams_in_bounded_memory() {
    // No character here is a boundary (all occur in keys), so cuts must come
    // from matching, whether the segmentation matches (phrases) or never
    // does (a run of 一); the held-back text must stay small.
    for config in [
        Config::S2t,
        Config::S2twp,
        Config::Tw2sp,
        Config::T2s,
        Config::S2hk,
    ] {
        for unit in [
            "头发干了面条里后来",
            "一一一一一一一一",
            "\u{2FF0}\u{2FF0}一",
        ] {
            let converter = Converter::new(config);
            let mut chunked = converter.chunked();
            let mut out = String::new();
            let mut whole = String::new();
            let mut most_pending = 0;
            for _ in 0..20_000 {
                chunked.push(unit, &mut out);
                whole.push_str(unit);
                most_pending = most_pending.max(chunked.pending_len());
            }
            chunked.finish(&mut out);
            assert_eq!(out, converter.convert(&whole), "{config} {unit}");
            assert!(
                most_pending < 256 * 1024,
                "{config} {unit}: held back {most_pending} bytes"
            );
        }
    }
}

proptest! {
    #[test]
    fn valid_utf8_is_never_decoded_as_anything_else(text in "\\PC*") {
        let decoded = zhfix::decode(text.as_bytes());
        // A UTF-8 byte-order mark is taken as one.
        let expected = text.strip_prefix('\u{feff}').unwrap_or(&text);
        prop_assert_eq!(&decoded.text, expected);
        prop_assert_eq!(decoded.encoding, zhfix::encoding_rs::UTF_8);
        prop_assert!(decoded.runs.iter().all(|r| r.encoding == zhfix::encoding_rs::UTF_8));
    }

    #[test]
    fn decoding_never_loses_track_of_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let decoded = zhfix::decode(&bytes);
        // Runs cover the input (after a BOM) in order, without gaps.
        let bom = zhfix::encoding_rs::Encoding::for_bom(&bytes).map_or(0, |(_, len)| len);
        let mut at = bom;
        for run in &decoded.runs {
            prop_assert_eq!(run.bytes.start, at);
            at = run.bytes.end;
        }
        prop_assert_eq!(at, bytes.len());
        prop_assert!(decoded.undecodable.iter().all(|&b| b < bytes.len()));
        prop_assert_eq!(decoded.runs.last().map_or(0, |r| r.chars.end), decoded.text.chars().count());
    }
}

/// Lines of a file that mixes UTF-8 with GBK and Big5 (and ASCII), as bytes.
fn mixed_lines() -> impl Strategy<Value = Vec<u8>> {
    use zhfix::encoding_rs::{BIG5, GBK};
    let lines = [
        ("我们今天发布了新版本，欢迎大家下载使用。", 0),
        ("我們今天發佈了新版本，歡迎大家下載使用。", 1),
        ("这是一行用GBK编码的中文文字", 2),
        ("plain ASCII line with numbers 12345", 0),
        ("記錄檔裡的一行繁體中文", 1),
        ("服务器返回了错误信息：连接超时", 2),
    ];
    proptest::collection::vec((0..lines.len(), 0..3usize), 1..400).prop_map(move |choices| {
        let mut bytes = Vec::new();
        for (line, encoding) in choices {
            let (text, script) = lines[line];
            // UTF-8, or the legacy encoding of the line's script.
            let encoded = match (encoding, script) {
                (0, _) => text.as_bytes().to_vec(),
                (_, 1) => BIG5.encode(text).0.into_owned(),
                _ => GBK.encode(text).0.into_owned(),
            };
            bytes.extend(encoded);
            bytes.push(b'\n');
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn streamed_decoding_equals_whole_decoding(
        bytes in mixed_lines(),
        sizes in proptest::collection::vec(1..5000usize, 1..40),
    ) {
        let whole = zhfix::decode(&bytes);
        let mut decoder = zhfix::StreamDecoder::new(Default::default());
        let (mut text, mut runs) = (String::new(), Vec::new());
        let mut rest = &bytes[..];
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, after) = rest.split_at((*size).min(rest.len()));
            runs.extend(decoder.feed(piece, &mut text).unwrap());
            rest = after;
        }
        runs.extend(decoder.finish(&mut text).unwrap());
        prop_assert_eq!(&text, &whole.text);
        // The runs cover the stream in order, with its offsets.
        let mut at = 0;
        for run in &runs {
            prop_assert_eq!(run.bytes.start, at);
            at = run.bytes.end;
        }
        prop_assert_eq!(at, bytes.len());
        prop_assert_eq!(runs.last().map_or(0, |r| r.chars.end), text.chars().count());
    }
}

#[test]
fn streamed_decoding_reports_undecodable_bytes_where_they_are() {
    use zhfix::{DecodeOptions, ErrorKind, StreamDecoder, Undecodable};
    // GBK lines, then a lead byte cut off by the end of the stream.
    let mut bytes = zhfix::encoding_rs::GBK
        .encode(&"中文的一行\n".repeat(1000))
        .0
        .into_owned();
    let end = bytes.len();
    bytes.push(0xD6);
    let options = DecodeOptions {
        undecodable: Undecodable::Error,
        encoding: None,
    };
    let mut decoder = StreamDecoder::new(options);
    let mut text = String::new();
    let mut result = Ok(Vec::new());
    for piece in bytes.chunks(777) {
        result = decoder.feed(piece, &mut text);
        if result.is_err() {
            break;
        }
    }
    let error = result.and_then(|_| decoder.finish(&mut text)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Undecodable);
    assert_eq!(error.byte_offset(), Some(end));
    // What was decoded before the failing batch is kept, and nothing else.
    assert!("中文的一行\n".repeat(1000).starts_with(&text));
}

#[test]
fn streamed_utf16_and_boms_split_anywhere() {
    let text = "第一行 line\n第二行\n".repeat(500);
    let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let without_bom: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
    utf8_bom.extend(text.as_bytes());
    for bytes in [utf16, without_bom, utf8_bom] {
        let mut out = Vec::new();
        let reader = std::io::BufReader::with_capacity(333, &bytes[..]);
        zhfix::decode_stream(reader, &mut out, &Default::default()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }
}

#[test]
fn long_streams_decode_as_a_whole_does_whatever_the_pieces() {
    // 300 KB or so of mixed lines, more than the sample the file's legacy
    // encoding is judged on, so that most of it is decoded as it streams.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let bytes: Vec<u8> = (0..30)
        .flat_map(|_| {
            use proptest::strategy::ValueTree;
            mixed_lines().new_tree(&mut runner).unwrap().current()
        })
        .collect();
    assert!(bytes.len() > 200_000, "{}", bytes.len());
    let whole = zhfix::decode(&bytes);
    for sizes in [&[1usize, 7, 4096, 65536, 333][..], &[100_000], &[3]] {
        let mut decoder = zhfix::StreamDecoder::new(Default::default());
        let mut text = String::new();
        let mut rest = &bytes[..];
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, after) = rest.split_at((*size).min(rest.len()));
            decoder.feed(piece, &mut text).unwrap();
            rest = after;
        }
        decoder.finish(&mut text).unwrap();
        assert!(text == whole.text, "pieces of {sizes:?}");
    }
}
