//! Compiles OpenCC's text dictionaries (dictionaries/opencc/) into embedded
//! longest-match tables, one per distinct dictionary tree used by the 16
//! built-in configs, and generates the table of built-in plans.

#[path = "src/convert/compose.rs"]
mod compose;
#[path = "src/repair/decoded.rs"]
mod decoded;
#[path = "src/convert/dict.rs"]
#[allow(dead_code)]
mod dict;
#[path = "src/convert/engine.rs"]
#[allow(dead_code)]
mod engine;
#[path = "src/convert/spec.rs"]
#[allow(dead_code)]
mod spec;
#[path = "src/repair/syllable.rs"]
#[allow(dead_code)]
mod syllable;
#[path = "src/convert/table.rs"]
#[allow(dead_code)]
mod table;
#[path = "src/repair/variants.rs"]
mod variants;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use dict::{DictTree, Resolved};
use spec::DictSpec;

/// The built-in configs, in the order of `Config`'s variants.
const CONFIGS: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp", "t2tw",
    "tw2t", "t2hk", "hk2t", "t2jp", "jp2t",
];

/// The configs whose fused chain of two stages is composed into one table
/// (see src/convert/compose.rs): the Taiwan ones, which it makes 22% and
/// 39% less work. Each composed table is a near-copy of the 7 MB table of
/// the first stage, so the Hong Kong ones, which gain as much, are left
/// staged to keep the binary 15 MB smaller.
const COMPOSED: [&str; 2] = ["s2tw", "s2twp"];

struct Tables {
    dir: PathBuf,
    data: PathBuf,
    ids: HashMap<DictSpec, usize>,
    /// Composed tables (see src/convert/compose.rs), by the ids of the two
    /// stages composed; `None` when they do not compose.
    composed: HashMap<(usize, usize), Option<usize>>,
    files: HashMap<String, usize>,
    dicts: Vec<Vec<(String, String)>>,
}

impl Tables {
    fn id(&mut self, spec: &DictSpec) -> usize {
        if let Some(&id) = self.ids.get(spec) {
            return id;
        }
        let resolved = self.resolved(spec);
        let id = self.write(&table::Table::build(&resolved));
        self.ids.insert(spec.clone(), id);
        id
    }

    fn resolved(&mut self, spec: &DictSpec) -> Vec<Resolved> {
        let tree = self.tree(spec);
        dict::resolve(&tree, &self.dicts)
    }

    /// How many tables are written.
    fn count(&self) -> usize {
        self.ids.len() + self.composed.values().flatten().count()
    }

    /// Writes a table's files; returns its id.
    fn write(&self, table: &table::Table) -> usize {
        let (words, arena) = table.parts();
        let id = self.count();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        fs::write(self.dir.join(format!("table_{id}.words")), bytes).unwrap();
        fs::write(self.dir.join(format!("table_{id}.arena")), arena).unwrap();
        id
    }

    /// The id of the composed table of a fused chain's two stages, if they
    /// compose.
    fn composed(&mut self, first: &DictSpec, second: &DictSpec) -> Option<usize> {
        let key = (self.id(first), self.id(second));
        if let Some(&id) = self.composed.get(&key) {
            return id;
        }
        let (first, second) = (self.resolved(first), self.resolved(second));
        let id = compose::compose(&first, &second).map(|composed| {
            self.write(&table::Table::build_diverting(
                &composed.entries,
                &composed.diverted,
            ))
        });
        self.composed.insert(key, id);
        id
    }

    /// The `Stages` literal for a config; its fused chain of two stages is
    /// composed into one table where `compose` is true.
    fn stages(&mut self, config: &spec::ConfigSpec, compose: bool) -> String {
        let normalization: Vec<usize> = config.normalization.iter().map(|d| self.id(d)).collect();
        let segmentation = config.segmentation.as_ref().map(|d| self.id(d));
        let chain: Vec<usize> = config.chain.iter().map(|d| self.id(d)).collect();
        let fused = match (&config.segmentation, config.chain.first()) {
            (Some(segmentation), Some(first)) => {
                let (segmentation, first) = (self.tree(segmentation), self.tree(first));
                dict::stage_fuses_with_segmentation(&segmentation, &first, &self.dicts)
            }
            _ => false,
        };
        let composed = match config.chain.as_slice() {
            [first, second] if fused && compose => self.composed(first, second),
            _ => None,
        };
        format!(
            "Stages {{ normalization: &{normalization:?}, segmentation: {segmentation:?}, chain: &{chain:?}, fused: {fused}, composed: {composed:?} }}"
        )
    }

    fn tree(&mut self, spec: &DictSpec) -> DictTree {
        match spec {
            DictSpec::Text { file, .. } => {
                if let Some(&leaf) = self.files.get(file) {
                    return DictTree::Leaf(leaf);
                }
                let path = self.data.join(file);
                let text = fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                let entries = dict::parse_text_dict(&text)
                    .unwrap_or_else(|e| panic!("{}:{}: {}", path.display(), e.line, e.message));
                self.dicts.push(entries);
                self.files.insert(file.clone(), self.dicts.len() - 1);
                DictTree::Leaf(self.dicts.len() - 1)
            }
            DictSpec::Group { policy, dicts, .. } => {
                DictTree::Group(*policy, dicts.iter().map(|d| self.tree(d)).collect())
            }
        }
    }
}

/// The code points with dense Han cost tables: CJK Extension A and the
/// unified ideographs.
const DENSE_START: usize = 0x3400;
const DENSE_END: usize = 0x9FFF;

/// How many bits likelier than modern text says poetry may make a
/// Traditional character (see [`hanzi_costs`]): poems are one of the
/// styles a line of Chinese is written in, so what they write often is
/// likelier in any text, but only so much.
const POETRY_MAX_GAIN_BITS: u8 = 2;

/// Compiles dictionaries/hanzi/frequencies.tsv into a table of per-character
/// costs (rounded -log2 of the relative frequency, separately for Simplified
/// and Traditional text), sorted by code point, for the plausibility model.
/// A Traditional character that classical poetry writes more often
/// (dictionaries/hanzi/poetry-frequencies.tsv, counted in Traditional text)
/// costs what poetry says, by at most [`POETRY_MAX_GAIN_BITS`] less; only
/// where modern text writes it in Traditional text at all (which script
/// writes a character is modern text's to say).
fn hanzi_costs(out: &Path) {
    println!("cargo:rerun-if-changed=dictionaries/hanzi/frequencies.tsv");
    println!("cargo:rerun-if-changed=dictionaries/hanzi/poetry-frequencies.tsv");
    let text = fs::read_to_string("dictionaries/hanzi/frequencies.tsv").unwrap();
    let rows: Vec<(char, u64, u64)> = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let c = fields.next()?.chars().next()?;
            let simplified = fields.next()?.parse().ok()?;
            let traditional = fields.next()?.parse().ok()?;
            Some((c, simplified, traditional))
        })
        .collect();
    let poetry: HashMap<char, u64> =
        fs::read_to_string("dictionaries/hanzi/poetry-frequencies.tsv")
            .unwrap()
            .lines()
            .filter_map(|line| {
                let (c, count) = line.split_once('\t')?;
                Some((c.chars().next()?, count.parse().ok()?))
            })
            .collect();
    let total_simplified: u64 = rows.iter().map(|r| r.1).sum();
    let total_traditional: u64 = rows.iter().map(|r| r.2).sum();
    let total_poetry: u64 = poetry.values().sum();
    let cost = |count: u64, total: u64| -> u8 {
        match count {
            0 => u8::MAX,
            _ => (-(count as f64 / total as f64).log2())
                .round()
                .clamp(1.0, 254.0) as u8,
        }
    };
    let costs: Vec<(char, u8, u8)> = rows
        .iter()
        .map(|&(c, simplified, traditional)| {
            let traditional = match cost(traditional, total_traditional) {
                u8::MAX => u8::MAX,
                modern => {
                    let poetry = cost(poetry.get(&c).copied().unwrap_or(0), total_poetry);
                    modern.min(poetry.max(modern.saturating_sub(POETRY_MAX_GAIN_BITS)))
                }
            };
            (c, cost(simplified, total_simplified), traditional)
        })
        .collect();
    let mut code = format!(
        "pub(crate) static HANZI_COSTS: [(u32, u8, u8); {}] = [\n",
        costs.len()
    );
    for &(c, simplified, traditional) in &costs {
        writeln!(code, "    ({}, {}, {}),", c as u32, simplified, traditional).unwrap();
    }
    code.push_str("];\n");
    fs::write(out.join("hanzi_costs.rs"), code).unwrap();
    // The same for the main CJK blocks, dense: indexed by code point.
    let mut simplified_dense = vec![u8::MAX; DENSE_END - DENSE_START + 1];
    let mut traditional_dense = simplified_dense.clone();
    for &(c, simplified, traditional) in &costs {
        let c = c as usize;
        if (DENSE_START..=DENSE_END).contains(&c) {
            simplified_dense[c - DENSE_START] = simplified;
            traditional_dense[c - DENSE_START] = traditional;
        }
    }
    // Interleaved, so that one load gets both costs.
    let dense: Vec<u8> = simplified_dense
        .iter()
        .zip(&traditional_dense)
        .flat_map(|(&s, &t)| [s, t])
        .collect();
    fs::write(out.join("hanzi_dense.bin"), dense).unwrap();
    // And packed into a byte a character, half the size (it stays in the
    // first-level cache), for the scoring loop: the lower cost in the low
    // six bits, and in the top two which scripts have the character (0:
    // both, 1: Simplified only, 2: Traditional only, 3: neither).
    let packed: Vec<u8> = simplified_dense
        .iter()
        .zip(&traditional_dense)
        .map(|(&s, &t)| match (s, t) {
            (u8::MAX, u8::MAX) => 3 << 6,
            (s, u8::MAX) => 1 << 6 | s.min(63),
            (u8::MAX, t) => 2 << 6 | t.min(63),
            (s, t) => s.min(t).min(63),
        })
        .collect();
    fs::write(out.join("hanzi_packed.bin"), packed).unwrap();
}

/// Compiles dictionaries/letters/frequencies.tsv into per-character costs
/// (rounded -log2 of the relative frequency in the language group where the
/// character is most frequent) for Hangul, kana and accented Latin letters.
fn letter_costs(out: &Path) {
    println!("cargo:rerun-if-changed=dictionaries/letters/frequencies.tsv");
    let text = fs::read_to_string("dictionaries/letters/frequencies.tsv").unwrap();
    let counts = |fields: std::str::Split<'_, char>| -> Vec<u64> {
        fields.map(|field| field.parse().unwrap()).collect()
    };
    let totals = text
        .lines()
        .find_map(|line| line.strip_prefix("#total\t"))
        .map(|rest| counts(rest.split('\t')))
        .unwrap();
    let mut code = String::from("pub(crate) static LETTER_COSTS: &[(u32, u8)] = &[\n");
    for line in text.lines().filter(|line| !line.starts_with("#total")) {
        let mut fields = line.split('\t');
        let c = fields.next().unwrap().chars().next().unwrap();
        let best = counts(fields)
            .iter()
            .zip(&totals)
            .filter(|(&count, _)| count > 0)
            .map(|(&count, &total)| -(count as f64 / total as f64).log2())
            .fold(f64::MAX, f64::min);
        writeln!(
            code,
            "    ({}, {}),",
            c as u32,
            best.round().clamp(1.0, 254.0) as u8
        )
        .unwrap();
    }
    code.push_str("];\n");
    fs::write(out.join("letter_costs.rs"), code).unwrap();
}

/// Compiles dictionaries/pinyin/readings.tsv into a sorted table of each
/// character's readings in canonical form (`wang3`), comma-separated, and
/// the sorted list of the syllables they read (`wang`).
fn pinyin_readings(out: &Path) {
    println!("cargo:rerun-if-changed=dictionaries/pinyin/readings.tsv");
    println!("cargo:rerun-if-changed=src/repair/syllable.rs");
    let text = fs::read_to_string("dictionaries/pinyin/readings.tsv").unwrap();
    let mut code = String::from("pub(crate) static READINGS: &[(u32, &str)] = &[\n");
    let mut syllables = std::collections::BTreeSet::new();
    for line in text.lines() {
        let Some((c, readings)) = line.split_once('\t') else {
            continue;
        };
        let c = c.chars().next().unwrap();
        let canonical: Vec<String> = readings
            .split(',')
            .filter_map(syllable::canonical)
            .collect();
        if !canonical.is_empty() {
            writeln!(code, "    ({}, {:?}),", c as u32, canonical.join(",")).unwrap();
        }
        for reading in &canonical {
            syllables.insert(
                reading
                    .trim_end_matches(|d: char| d.is_ascii_digit())
                    .to_string(),
            );
        }
    }
    code.push_str("];\n");
    // Every syllable some character reads as, without its tone, sorted.
    code.push_str("pub(crate) static SYLLABLES: &[&str] = &[\n");
    for syllable in &syllables {
        writeln!(code, "    {syllable:?},").unwrap();
    }
    code.push_str("];\n");
    fs::write(out.join("pinyin_readings.rs"), code).unwrap();
}

/// The pair lists compiled together into the known pairs of the
/// plausibility model: the pairs inside modern words (jieba's word list)
/// and the collocations of classical poetry, whose words are mostly one
/// character long (see dictionaries/README.md).
const BIGRAM_FILES: [&str; 2] = [
    "dictionaries/hanzi/bigrams.tsv",
    "dictionaries/hanzi/poetry-bigrams.tsv",
];

/// Compiles the pair lists of [`BIGRAM_FILES`] into one sorted table of
/// the pairs of characters in U+3400..=U+9FFF, each a little-endian u32 of
/// the two offsets from U+3400.
fn hanzi_bigrams(out: &Path) {
    let mut text = String::new();
    for path in BIGRAM_FILES {
        println!("cargo:rerun-if-changed={path}");
        text.push_str(&fs::read_to_string(path).unwrap());
    }
    let mut keys: Vec<u32> = text
        .lines()
        .filter_map(|line| {
            let mut chars = line.chars();
            let (a, b) = (chars.next()? as u32, chars.next()? as u32);
            let dense = 0x3400..=0x9FFF;
            (dense.contains(&a) && dense.contains(&b)).then(|| (a - 0x3400) << 16 | (b - 0x3400))
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let bytes: Vec<u8> = keys.iter().flat_map(|key| key.to_le_bytes()).collect();
    fs::write(out.join("hanzi_bigrams.bin"), bytes).unwrap();
}

/// The smallest code point of the one-character values that encode a word's
/// cost in the segmentation table (see `src/convert/smart.rs`).
const COST_BASE: u32 = 0x100;

/// Compiles dictionaries/segmentation/words.tsv into a match table whose keys
/// are the words and whose values encode each word's cost, in tenths of a
/// nat: -ln(count / total) * 10, rounded, as the character `COST_BASE + cost`.
fn segmentation_costs(out: &Path, id: usize) {
    println!("cargo:rerun-if-changed=dictionaries/segmentation/words.tsv");
    let text = fs::read_to_string("dictionaries/segmentation/words.tsv").unwrap();
    let total: f64 = text
        .lines()
        .find_map(|line| line.strip_prefix("#total\t"))
        .and_then(|total| total.parse().ok())
        .unwrap();
    let entries: Vec<Resolved> = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (word, count) = line.split_once('\t')?;
            let count: f64 = count.parse().ok()?;
            let cost = ((total / count).ln() * 10.0).round().clamp(0.0, 250.0) as u32;
            Some(Resolved {
                key: word.to_string(),
                consume_chars: word.chars().count(),
                value: char::from_u32(COST_BASE + cost)?.to_string(),
            })
        })
        .collect();
    let table = table::Table::build(&entries);
    let (words, arena) = table.parts();
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    fs::write(out.join(format!("table_{id}.words")), bytes).unwrap();
    fs::write(out.join(format!("table_{id}.arena")), arena).unwrap();
}

/// The reverse of the decoders of GB18030, Big5 and Shift_JIS (see
/// src/repair/decoded.rs), as little-endian `u16`s, for re-encoding mojibake.
fn reverse_tables(out: &Path) {
    println!("cargo:rerun-if-changed=src/repair/decoded.rs");
    for (name, encoding) in [
        ("gb18030", encoding_rs::GB18030),
        ("big5", encoding_rs::BIG5),
        ("shift_jis", encoding_rs::SHIFT_JIS),
    ] {
        let table = decoded::reverse_of_decoder(encoding);
        let bytes: Vec<u8> = table.iter().flat_map(|code| code.to_le_bytes()).collect();
        fs::write(out.join(format!("reverse_{name}.bin")), bytes).unwrap();
    }
}

/// For each character of the Basic Multilingual Plane, whether a form of it
/// is in Big5 (see src/repair/variants.rs), as a bit per code point.
fn big5_variants(out: &Path) {
    println!("cargo:rerun-if-changed=src/repair/variants.rs");
    println!("cargo:rerun-if-changed=dictionaries/unicode/unihan-variants.txt");
    let big5 = decoded::reverse_of_decoder(encoding_rs::BIG5);
    let bits = variants::bmp_with_variant(|c| {
        big5.get(c as usize)
            .is_some_and(|&code| decoded::is_big5_proper(code))
    });
    fs::write(out.join("big5_variants.bin"), bits).unwrap();
}

fn main() {
    let data = Path::new("dictionaries/opencc");
    println!("cargo:rerun-if-changed=dictionaries/opencc");
    println!("cargo:rerun-if-changed=src/convert/dict.rs");
    println!("cargo:rerun-if-changed=src/convert/spec.rs");
    println!("cargo:rerun-if-changed=src/convert/table.rs");
    println!("cargo:rerun-if-changed=src/convert/engine.rs");
    println!("cargo:rerun-if-changed=src/convert/compose.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    hanzi_costs(&out);
    letter_costs(&out);
    pinyin_readings(&out);
    hanzi_bigrams(&out);
    reverse_tables(&out);
    big5_variants(&out);
    let mut tables = Tables {
        dir: out.clone(),
        data: data.to_path_buf(),
        ids: HashMap::new(),
        composed: HashMap::new(),
        files: HashMap::new(),
        dicts: Vec::new(),
    };

    let mut plans = String::new();
    for name in CONFIGS {
        let path = data.join("config").join(format!("{name}.json"));
        let json = fs::read_to_string(&path).unwrap();
        let config =
            spec::parse_config(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let compose = COMPOSED.contains(&name);
        let with_rare = tables.stages(&config, compose);
        let without_rare = tables.stages(&config.without_rare_forms(), compose);
        writeln!(
            plans,
            "    BuiltinPlan {{ name: {name:?}, description: {desc:?}, with_rare: {with_rare}, without_rare: {without_rare} }},",
            desc = config.name,
        )
        .unwrap();
    }

    let costs_id = tables.count();
    segmentation_costs(&out, costs_id);
    let count = costs_id + 1;
    let mut code = String::new();
    writeln!(
        code,
        "/// The table of word costs for smart segmentation.\npub(crate) const SEGMENTATION_COSTS: usize = {costs_id};"
    )
    .unwrap();
    for id in 0..count {
        let len = fs::metadata(out.join(format!("table_{id}.words")))
            .unwrap()
            .len();
        writeln!(
            code,
            "static WORDS_{id}: Aligned<[u8; {len}]> = Aligned(*include_bytes!(concat!(env!(\"OUT_DIR\"), \"/table_{id}.words\")));"
        )
        .unwrap();
    }
    writeln!(code, "pub(crate) static TABLE_WORDS: [&[u8]; {count}] = [").unwrap();
    for id in 0..count {
        writeln!(code, "    &WORDS_{id}.0,").unwrap();
    }
    writeln!(code, "];").unwrap();
    writeln!(code, "pub(crate) static TABLE_ARENAS: [&str; {count}] = [").unwrap();
    for id in 0..count {
        writeln!(
            code,
            "    include_str!(concat!(env!(\"OUT_DIR\"), \"/table_{id}.arena\")),"
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
    writeln!(
        code,
        "pub(crate) static BUILTIN_PLANS: [BuiltinPlan; 16] = [\n{plans}];"
    )
    .unwrap();
    fs::write(out.join("builtin.rs"), code).unwrap();
}
