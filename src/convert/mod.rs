//! Simplified ↔ Traditional conversion, identical to OpenCC 1.4.2.
//!
//! A [`Converter`] runs an OpenCC config: a normalization pass over the whole
//! text (CJK compatibility ideographs to their unified forms), an optional
//! maximum-matching segmentation, and a chain of dictionary stages applied to
//! each segment in turn, so that a later stage never matches across a segment
//! boundary. Every dictionary tree (with its `short_circuit` and `union`
//! groups) is compiled into one longest-match table; the built-in ones are
//! compiled by `build.rs` and embedded in the binary.

mod builtin;
#[cfg(test)]
mod compose;
mod dict;
mod engine;
mod phrases;
mod smart;
mod spec;
mod stream;
mod table;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

pub use stream::ChunkedConverter;

use crate::error::{Error, ErrorKind};
use dict::DictTree;
use spec::{ConfigSpec, DictSpec};
use table::Table;

/// One of OpenCC's 16 conversion configs.
///
/// Parse one from its OpenCC name:
///
/// ```
/// use zhfix::Config;
///
/// let config: Config = "s2tw".parse().unwrap();
/// assert_eq!(config, Config::S2tw);
/// assert_eq!(config.name(), "s2tw");
/// assert!("s2x".parse::<Config>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Config {
    /// Simplified to Traditional (OpenCC standard).
    S2t,
    /// Traditional (OpenCC standard) to Simplified.
    T2s,
    /// Simplified to Traditional, Taiwan standard characters.
    S2tw,
    /// Traditional (Taiwan standard) to Simplified.
    Tw2s,
    /// Simplified to Traditional, Taiwan standard with Taiwan phrases.
    S2twp,
    /// Traditional (Taiwan standard) to Simplified with mainland phrases.
    Tw2sp,
    /// Simplified to Traditional, Hong Kong standard characters.
    S2hk,
    /// Traditional (Hong Kong standard) to Simplified.
    Hk2s,
    /// Simplified to Traditional, Hong Kong standard with Hong Kong phrases.
    S2hkp,
    /// Traditional (Hong Kong standard) to Simplified with mainland phrases.
    Hk2sp,
    /// Traditional (OpenCC standard) to Taiwan standard.
    T2tw,
    /// Traditional (Taiwan standard) to OpenCC standard.
    Tw2t,
    /// Traditional (OpenCC standard) to Hong Kong standard.
    T2hk,
    /// Traditional (Hong Kong standard) to OpenCC standard.
    Hk2t,
    /// Traditional (Kyūjitai) to Japanese Shinjitai.
    T2jp,
    /// Japanese Shinjitai to Traditional (Kyūjitai).
    Jp2t,
}

impl Config {
    /// Every config, in OpenCC's usual order.
    pub const ALL: [Config; 16] = [
        Config::S2t,
        Config::T2s,
        Config::S2tw,
        Config::Tw2s,
        Config::S2twp,
        Config::Tw2sp,
        Config::S2hk,
        Config::Hk2s,
        Config::S2hkp,
        Config::Hk2sp,
        Config::T2tw,
        Config::Tw2t,
        Config::T2hk,
        Config::Hk2t,
        Config::T2jp,
        Config::Jp2t,
    ];

    fn plan(self) -> &'static builtin::BuiltinPlan {
        // `build.rs` emits the plans in the order of `ALL`.
        &builtin::BUILTIN_PLANS[self as usize]
    }

    /// The OpenCC name, such as `"s2twp"`.
    pub fn name(self) -> &'static str {
        self.plan().name
    }

    /// OpenCC's one-line description of the config.
    pub fn description(self) -> &'static str {
        self.plan().description
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Config {
    type Err = Error;

    fn from_str(name: &str) -> Result<Config, Error> {
        let wanted = name.strip_suffix(".json").unwrap_or(name);
        Config::ALL
            .into_iter()
            .find(|config| config.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Config::ALL.iter().map(|c| c.name()).collect();
                Error::new(
                    ErrorKind::UnknownConfig,
                    format!("unknown config '{name}' (valid: {})", names.join(", ")),
                )
            })
    }
}

/// Converts `text` with a built-in config.
///
/// ```
/// assert_eq!(zhfix::convert("头发干了", zhfix::Config::S2t), "頭髮幹了");
/// assert_eq!(zhfix::convert("鼠标和软件", zhfix::Config::S2twp), "滑鼠和軟體");
/// ```
pub fn convert(text: &str, config: Config) -> String {
    Converter::new(config).convert(text)
}

/// A ready-to-use conversion: cheap to clone and to share between threads.
///
/// ```
/// use zhfix::{Config, Converter};
///
/// let converter = Converter::new(Config::T2s);
/// assert_eq!(converter.convert("簡體中文與繁體中文"), "简体中文与繁体中文");
/// ```
#[derive(Debug, Clone)]
pub struct Converter {
    plan: Arc<Plan>,
}

#[derive(Debug)]
struct Plan {
    normalization: Vec<Arc<Table>>,
    segmentation: Option<Arc<Table>>,
    chain: Vec<Arc<Table>>,
    /// Whether the first chain stage runs in one pass with the segmentation.
    fused: bool,
    /// The fused first stage and the second, the last, composed into one
    /// table (see `compose.rs`).
    composed: Option<Arc<Table>>,
    /// User dictionaries: their matches are output as given and bypass the
    /// config.
    user: Option<Table>,
    /// For smart segmentation (see `smart.rs`): the table of word costs.
    smart: Option<Arc<Table>>,
}

impl Converter {
    /// The converter for a built-in config, with OpenCC's default options.
    /// Only the first converter of a config does any work; later ones cost a
    /// few pointer copies.
    pub fn new(config: Config) -> Converter {
        Converter::from_stages(&config.plan().with_rare, None, false)
    }

    /// A builder for options and user dictionaries.
    pub fn builder(config: Config) -> ConverterBuilder {
        ConverterBuilder::new(Source::Builtin(config))
    }

    /// A converter for an OpenCC JSON config file whose text dictionaries
    /// are named relative to the file. Binary `ocd2` dictionaries are read
    /// from the text file with the same stem.
    pub fn from_config_file(path: impl AsRef<Path>) -> Result<Converter, Error> {
        ConverterBuilder::from_config_file(path).build()
    }

    fn from_stages(stages: &builtin::Stages, user: Option<Table>, smart: bool) -> Converter {
        let tables = |ids: &[usize]| ids.iter().map(|&id| builtin::table(id)).collect();
        Converter {
            plan: Arc::new(Plan {
                normalization: tables(stages.normalization),
                segmentation: stages.segmentation.map(builtin::table),
                chain: tables(stages.chain),
                fused: stages.fused,
                composed: stages.composed.map(builtin::table),
                user,
                smart: smart.then(smart_costs),
            }),
        }
    }

    /// Converts `text`.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.convert_into(text, &mut out);
        out
    }

    /// Converts `text`, appending the result to `out`.
    pub fn convert_into(&self, text: &str, out: &mut String) {
        let normalized = self.normalize(text);
        let mut run = Run {
            segmentation: self.plan.segmentation.as_ref().map(|t| t.view()),
            composed: self.plan.composed.as_ref().map(|t| Composed {
                view: t.view(),
                second_reach: self.plan.chain.last().map_or(0, |t| t.max_key_chars()),
                units: Vec::new(),
            }),
            chain: self.plan.chain.iter().map(|t| t.view()).collect(),
            fused: self.plan.fused,
            scratch: (String::new(), String::new()),
            segment_ends: Vec::new(),
            smart: self.plan.smart.as_ref().map(|costs| SmartRun {
                costs: costs.view(),
                segmentation: self
                    .plan
                    .segmentation
                    .as_deref()
                    .map(|t| smart::Stage::of(t, costs)),
                chain: self
                    .plan
                    .chain
                    .iter()
                    .map(|t| smart::Stage::of(t, costs))
                    .collect(),
                segments: smart::Lattice::default(),
                stages: smart::Lattice::default(),
                gap: String::new(),
                keys: Vec::new(),
                scratch: vec![String::new(); self.plan.chain.len()],
            }),
        };
        match &self.plan.user {
            None => run.convert(&normalized, out),
            Some(user) => {
                let view = user.view();
                let mut gap = 0;
                engine::for_each_match(&view, &normalized, |start, end, value| {
                    run.convert(&normalized[gap..start], out);
                    engine::push_replacement(&view, value, out);
                    gap = end;
                });
                run.convert(&normalized[gap..], out);
            }
        }
    }

    /// The normalization pre-pass over the whole text.
    fn normalize<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let mut normalized = std::borrow::Cow::Borrowed(text);
        for table in &self.plan.normalization {
            if let std::borrow::Cow::Owned(changed) = engine::convert_cow(table, &normalized) {
                normalized = std::borrow::Cow::Owned(changed);
            }
        }
        normalized
    }

    /// A converter for text that arrives in pieces (see [`ChunkedConverter`]).
    pub fn chunked(&self) -> ChunkedConverter<'_> {
        ChunkedConverter::new(self)
    }

    /// Converts UTF-8 from `reader` to `writer` in bounded memory; the output
    /// is byte-identical to converting the whole text at once.
    pub fn convert_stream(
        &self,
        reader: impl std::io::Read,
        writer: impl std::io::Write,
    ) -> Result<(), Error> {
        stream::convert_stream(self, reader, writer)
    }

    /// Every table the conversion uses.
    fn tables(&self) -> impl Iterator<Item = &Table> {
        let plan = &*self.plan;
        plan.normalization
            .iter()
            .chain(&plan.segmentation)
            .chain(&plan.chain)
            .chain(&plan.composed)
            .chain(&plan.smart)
            .map(|table| &**table)
            .chain(&plan.user)
    }

    /// Whether the converter uses smart segmentation (see
    /// [`ConverterBuilder::smart`]).
    pub fn is_smart(&self) -> bool {
        self.plan.smart.is_some()
    }

    /// Whether no match of any stage can span `c` (nor start or end in it):
    /// conversion then splits around `c` exactly.
    fn is_boundary_char(&self, c: char) -> bool {
        self.tables().all(|table| !table.in_keys(c))
    }
}

/// One conversion call's views of the segmentation and chain tables, made
/// once per call rather than once per segment.
struct Run<'t> {
    segmentation: Option<table::View<'t>>,
    composed: Option<Composed<'t>>,
    chain: Vec<table::View<'t>>,
    fused: bool,
    scratch: (String, String),
    /// Where the segments in the first of `scratch` end (see
    /// `convert_fused_then_batched`).
    segment_ends: Vec<usize>,
    smart: Option<SmartRun<'t>>,
}

/// The composed table of a chain of two stages (see `compose.rs`) in one
/// conversion call.
struct Composed<'t> {
    view: table::View<'t>,
    /// The second stage's longest key, in characters: how far its decisions
    /// look ahead (ideographic description sequences aside).
    second_reach: usize,
    /// Scratch for [`convert_diverted`]: where the first stage's units end,
    /// in the text and in its output.
    units: Vec<(usize, usize)>,
}

/// The state of smart segmentation in one conversion call.
struct SmartRun<'t> {
    costs: table::View<'t>,
    segmentation: Option<smart::Stage<'t>>,
    chain: Vec<smart::Stage<'t>>,
    /// Scratch for the segmentation's lattice and for the stages'.
    segments: smart::Lattice,
    stages: smart::Lattice,
    /// The text between the segmentation's key units.
    gap: String,
    /// The intermediate stages' text, one string per stage.
    scratch: Vec<String>,
    /// Where the fused first stage's output of each key lies.
    keys: Vec<(usize, usize)>,
}

/// The table of word costs for smart segmentation, shared by all converters.
fn smart_costs() -> Arc<Table> {
    builtin::table(builtin::SEGMENTATION_COSTS)
}

impl Run<'_> {
    fn convert(&mut self, text: &str, out: &mut String) {
        if let Some(smart) = &mut self.smart {
            return convert_smart(self.fused, smart, text, out);
        }
        let Run {
            segmentation,
            composed,
            chain,
            fused,
            scratch,
            segment_ends,
            smart: _,
        } = self;
        if let (Some(composed), [first, second]) = (composed, chain.as_slice()) {
            return convert_composed(composed, first, second, text, out, &mut scratch.0);
        }
        match (segmentation, chain.split_first()) {
            (Some(_), Some((first, [second]))) if *fused => {
                convert_fused_then_batched(first, second, text, out, scratch, segment_ends)
            }
            (Some(_), Some((first, rest))) if *fused => {
                // One pass of the first stage: its multi-character matches
                // are the segments, and the text between them (converted
                // character by character) is one segment each.
                let (run, next) = scratch;
                run.clear();
                engine::convert_with_phrases(first, text, run, |run, phrase| {
                    convert_segment(rest, run, out, next);
                    run.clear();
                    convert_segment(rest, phrase, out, next);
                });
                convert_segment(rest, run, out, next);
            }
            (Some(view), _) => {
                engine::segment(view, text, |segment| {
                    convert_segment(chain, segment, out, &mut scratch.0)
                });
            }
            (None, _) => convert_segment(chain, text, out, &mut scratch.0),
        }
    }
}

/// The fused first stage's output is converted by the second stage a
/// batch of segments of about this many bytes at a time (a batch stays in
/// the second-level cache between the stages).
const SEGMENT_BATCH: usize = 64 * 1024;

/// A fused chain of two stages (s2twp: the Taiwan phrases and variants;
/// s2hk): the first stage's segments (see `Run::convert`) are gathered in
/// `scratch` with where they end, and the second converts a batch of them
/// in one call (see [`engine::convert_segments`]) instead of a call per
/// segment, which cost more than converting them (a segment is a few
/// characters long).
#[inline(never)]
fn convert_fused_then_batched(
    first: &table::View<'_>,
    second: &table::View<'_>,
    text: &str,
    out: &mut String,
    scratch: &mut (String, String),
    ends: &mut Vec<usize>,
) {
    let staged = &mut scratch.0;
    staged.clear();
    ends.clear();
    engine::convert_with_phrases(first, text, staged, |staged, phrase| {
        ends.push(staged.len());
        staged.push_str(phrase);
        ends.push(staged.len());
        if staged.len() >= SEGMENT_BATCH {
            engine::convert_segments(second, staged, ends, out);
            staged.clear();
            ends.clear();
        }
    });
    engine::convert_segments(second, staged, ends, out);
}

/// A fused chain of two stages composed into one table (see `compose.rs`):
/// the text is converted with the composed table up to a diverted
/// character, from there in two stages (see [`convert_diverted`]), and so
/// on.
#[inline(never)]
fn convert_composed(
    composed: &mut Composed<'_>,
    first: &table::View<'_>,
    second: &table::View<'_>,
    text: &str,
    out: &mut String,
    staged: &mut String,
) {
    let mut i = 0;
    while i < text.len() {
        i += engine::convert_until_diverted(&composed.view, &text[i..], out);
        if i < text.len() {
            i = convert_diverted(composed, first, second, text, i, out, staged);
        }
    }
}

/// Converts `text` from `start`, where the composed table diverted a
/// character matched alone, in two stages, until the second stage makes
/// its next decision where a unit of the first stage ends, or the first
/// stage's segment ends (where a phrase of the first stage starts): from
/// there on the composed table is exact again, and this returns where.
/// The first stage is run only as far as the second stage's decisions look
/// ahead, so that a diverted character costs a few characters' two-stage
/// conversion, not the rest of its segment's.
fn convert_diverted(
    composed: &mut Composed<'_>,
    first: &table::View<'_>,
    second: &table::View<'_>,
    text: &str,
    start: usize,
    out: &mut String,
    staged: &mut String,
) -> usize {
    let bytes = text.as_bytes();
    let units = &mut composed.units;
    staged.clear();
    units.clear();
    let (mut first_ids, mut second_ids) =
        (engine::IdsUnits::default(), engine::IdsUnits::default());
    // Where the first stage's next unit starts; whether the segment ended
    // before it; where the second stage's next decision is, in `staged`.
    let (mut source, mut segment_ended, mut at) = (start, false, 0);
    // (A decision looks at the next character too, for the pair filter.)
    let reach = composed.second_reach.max(2);
    loop {
        // An ideographic description sequence reaches further: to the end
        // of the segment.
        while !segment_ended
            && (staged[at..].chars().take(reach).count() < reach
                || staged[at..].starts_with(|c| engine::is_ids_operator(c as u32)))
        {
            if source >= bytes.len() {
                segment_ended = true;
                break;
            }
            let (c, len) = engine::char_at(bytes, source);
            let next = engine::next_char(bytes, source + len);
            let (end, replacement) =
                engine::decide(first, bytes, source, c, len, next, &mut first_ids);
            match replacement {
                Some(_) if end > source + len => segment_ended = true,
                Some(replacement) => engine::push_replacement(first, replacement, staged),
                None => staged.push_str(&text[source..end]),
            }
            if !segment_ended {
                source = end;
                units.push((source, staged.len()));
            }
        }
        if at >= staged.len() {
            return source;
        }
        let staged_bytes = staged.as_bytes();
        let (c, len) = engine::char_at(staged_bytes, at);
        let next = engine::next_char(staged_bytes, at + len);
        let (end, replacement) =
            engine::decide(second, staged_bytes, at, c, len, next, &mut second_ids);
        match replacement {
            Some(replacement) => engine::push_replacement(second, replacement, out),
            None => out.push_str(&staged[at..end]),
        }
        at = end;
        if let Some(&(unit_end, _)) = units.iter().find(|&&(_, staged_end)| staged_end == at) {
            return unit_end;
        }
    }
}

/// Runs one segment through the chain; `scratch` holds the intermediate
/// stages' text.
fn convert_segment(
    chain: &[table::View<'_>],
    segment: &str,
    out: &mut String,
    scratch: &mut String,
) {
    match chain {
        [] => out.push_str(segment),
        [only] => engine::convert(only, segment, out),
        [first, rest @ ..] => {
            let mut current = std::mem::take(scratch);
            current.clear();
            engine::convert(first, segment, &mut current);
            convert_segment(rest, &current, out, scratch);
            *scratch = current;
        }
    }
}

/// Smart conversion: the segmentation (when the config has one) and every
/// stage of the chain split their text into units by word frequencies
/// (`smart.rs`) instead of by forward maximum matching; each unit is then
/// converted as usual. As in OpenCC, the segmentation's key units are
/// segments of their own and the text between them is one segment.
fn convert_smart(fused: bool, smart: &mut SmartRun<'_>, text: &str, out: &mut String) {
    let SmartRun {
        costs,
        segmentation,
        chain,
        segments,
        stages,
        gap,
        scratch,
        keys,
    } = smart;
    let Some(segmentation) = segmentation else {
        return convert_segment_smart(chain, costs, stages, scratch, text, out);
    };
    let chain = &chain[..];
    gap.clear();
    if let (true, Some((first, rest))) = (fused, chain.split_first()) {
        // The first stage has the segmentation's phrases and single
        // characters only, so its own split of a segment would weigh the
        // same edges again: the segmentation's units are converted by it
        // directly, in one split of the text instead of two.
        let (converted, deeper) = scratch.split_at_mut(1);
        let converted = &mut converted[0];
        converted.clear();
        keys.clear();
        smart::convert(first, costs, text, segments, converted, Some(keys));
        let mut gap = 0;
        for &(start, end) in keys.iter() {
            convert_segment_smart(rest, costs, stages, deeper, &converted[gap..start], out);
            convert_segment_smart(rest, costs, stages, deeper, &converted[start..end], out);
            gap = end;
        }
        return convert_segment_smart(rest, costs, stages, deeper, &converted[gap..], out);
    }
    let mut segment = |start: usize, end: usize, key: bool, gap: &mut String| {
        if key {
            convert_segment_smart(chain, costs, stages, scratch, gap, out);
            gap.clear();
            convert_segment_smart(chain, costs, stages, scratch, &text[start..end], out);
        } else {
            gap.push_str(&text[start..end]);
        }
    };
    smart::for_each_unit(segmentation, costs, text, segments, |unit| match unit {
        smart::Unit::Word(start, end, key) => segment(start, end, key, gap),
        smart::Unit::Plain(start, end) => {
            // Greedy segmentation, as OpenCC's.
            let mut unmatched = start;
            engine::for_each_match(&segmentation.view, &text[start..end], |from, to, _| {
                segment(unmatched, start + from, false, gap);
                segment(start + from, start + to, true, gap);
                unmatched = start + to;
            });
            segment(unmatched, end, false, gap);
        }
    });
    convert_segment_smart(chain, costs, stages, scratch, gap, out);
}

/// Runs one segment through the chain, each stage splitting its input
/// into units by word frequencies; `scratch` holds the intermediate stages'
/// text, one string per stage.
fn convert_segment_smart(
    chain: &[smart::Stage<'_>],
    costs: &table::View<'_>,
    lattice: &mut smart::Lattice,
    scratch: &mut [String],
    segment: &str,
    out: &mut String,
) {
    let Some((stage, rest)) = chain.split_first() else {
        out.push_str(segment);
        return;
    };
    if segment.is_empty() {
        return;
    }
    if rest.is_empty() {
        return convert_stage_smart(stage, costs, lattice, segment, out);
    }
    let (mut current, deeper) = match scratch.split_first_mut() {
        Some((converted, deeper)) => (std::mem::take(converted), deeper),
        None => (String::new(), &mut [][..]),
    };
    current.clear();
    convert_stage_smart(stage, costs, lattice, segment, &mut current);
    convert_segment_smart(rest, costs, lattice, deeper, &current, out);
    if let Some(converted) = scratch.first_mut() {
        *converted = current;
    }
}

/// The longest segment that smart conversion first converts greedily, in
/// the hope that it has no phrase.
const OPTIMISTIC_BYTES: usize = 256;

/// Converts `segment` with one stage, split into units by word frequencies.
fn convert_stage_smart(
    stage: &smart::Stage<'_>,
    costs: &table::View<'_>,
    lattice: &mut smart::Lattice,
    segment: &str,
    out: &mut String,
) {
    // Smart splitting only differs from greedy matching around the phrases
    // greedy matching finds (see `smart::for_each_unit`), and most segments
    // have none: convert greedily, and only split when a phrase turns up.
    // On long text, though, a phrase is sure to turn up.
    let mark = out.len();
    let mut phrases = segment.len() > OPTIMISTIC_BYTES;
    if !phrases {
        engine::convert_with_phrases(&stage.view, segment, out, |out, phrase| {
            phrases = true;
            out.push_str(phrase);
        });
    }
    if phrases {
        out.truncate(mark);
        smart::convert(stage, costs, segment, lattice, out, None);
    }
}

enum Source {
    Builtin(Config),
    File(PathBuf),
}

/// Options and user dictionaries for a [`Converter`].
///
/// User dictionaries take priority over the config: wherever one of their keys
/// matches (the longest, the earlier dictionary on a tie), its value is output
/// as given and the config converts only the text between such matches.
///
/// ```
/// use zhfix::{Config, Converter};
///
/// let converter = Converter::builder(Config::S2twp)
///     .phrase("软件", "軟件")
///     .build()
///     .unwrap();
/// assert_eq!(converter.convert("软件和鼠标"), "軟件和滑鼠");
/// ```
pub struct ConverterBuilder {
    source: Source,
    rare_forms: bool,
    smart: bool,
    user: Vec<(String, String)>,
}

impl ConverterBuilder {
    /// A builder for an OpenCC JSON config file (see
    /// [`Converter::from_config_file`]); the file is read by `build`.
    pub fn from_config_file(path: impl AsRef<Path>) -> ConverterBuilder {
        ConverterBuilder::new(Source::File(path.as_ref().to_path_buf()))
    }

    fn new(source: Source) -> ConverterBuilder {
        ConverterBuilder {
            source,
            rare_forms: true,
            smart: false,
            user: Vec::new(),
        }
    }

    /// Whether to split the text by word frequencies instead of OpenCC's
    /// forward maximum matching, which goes wrong where a phrase of its
    /// dictionary overlaps the real word boundary. Off by default: the
    /// default output is identical to OpenCC's. Smart segmentation weighs
    /// every possible split with word frequencies from jieba's word list and
    /// keeps the greedy split unless another is clearly more likely; it
    /// converts a little more slowly (see the README).
    ///
    /// ```
    /// use zhfix::{Config, Converter};
    ///
    /// let smart = Converter::builder(Config::S2t).smart(true).build().unwrap();
    /// // Greedy matching takes `被发` ("with dishevelled hair") first.
    /// assert_eq!(zhfix::convert("它被发明了", Config::S2t), "它被髮明瞭");
    /// assert_eq!(smart.convert("它被发明了"), "它被發明了");
    /// assert_eq!(smart.convert("参与制造"), "參與製造");
    /// ```
    pub fn smart(mut self, yes: bool) -> ConverterBuilder {
        self.smart = yes;
        self
    }

    /// Whether to use the dictionaries OpenCC marks `may_output_tofu`: rare
    /// Simplified forms (such as `㑮` → `𫝈`) that many fonts lack. On by
    /// default, as in OpenCC's library and its test cases; OpenCC's
    /// command-line tools leave them off.
    pub fn rare_forms(mut self, yes: bool) -> ConverterBuilder {
        self.rare_forms = yes;
        self
    }

    /// Adds one user phrase. An earlier phrase with the same key wins.
    pub fn phrase(mut self, from: impl Into<String>, to: impl Into<String>) -> ConverterBuilder {
        let from = from.into();
        if !from.is_empty() && !from.contains('\0') {
            self.user.push((from, to.into()));
        }
        self
    }

    /// Adds the phrases of an OpenCC text dictionary (`key<TAB>value` lines).
    pub fn dictionary_text(mut self, text: &str) -> Result<ConverterBuilder, Error> {
        let entries = dict::parse_text_dict(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidDictionary,
                format!("line {}: {}", e.line, e.message),
            )
        })?;
        self.user.extend(entries);
        Ok(self)
    }

    /// Adds the phrases of an OpenCC text dictionary file.
    pub fn dictionary_file(self, path: impl AsRef<Path>) -> Result<ConverterBuilder, Error> {
        let path = path.as_ref();
        let text = read_text(path)?;
        self.dictionary_text(&text).map_err(|e| e.in_file(path))
    }

    /// Builds the converter.
    pub fn build(self) -> Result<Converter, Error> {
        let user = (!self.user.is_empty()).then(|| {
            let mut seen = std::collections::HashSet::new();
            let entries: Vec<(String, String)> = self
                .user
                .into_iter()
                .filter(|(key, _)| seen.insert(key.clone()))
                .collect();
            Table::build(&dict::resolve(&DictTree::Leaf(0), &[entries]))
        });
        match self.source {
            Source::Builtin(config) => {
                let plan = config.plan();
                let stages = if self.rare_forms {
                    &plan.with_rare
                } else {
                    &plan.without_rare
                };
                Ok(Converter::from_stages(stages, user, self.smart))
            }
            Source::File(path) => {
                let json = read_text(&path)?;
                let spec = spec::parse_config(&json)
                    .map_err(|m| Error::new(ErrorKind::InvalidConfig, m).in_file(&path))?;
                let spec = if self.rare_forms {
                    spec
                } else {
                    spec.without_rare_forms()
                };
                let dir = path.parent().unwrap_or(Path::new("."));
                let mut loader = FileTables::new(dir);
                loader.plan(&spec, user, self.smart)
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(e, path))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        )
        .in_file(path)
    })
}

/// Compiles the dictionaries of a config loaded from disk.
struct FileTables<'a> {
    dir: &'a Path,
    files: Vec<(String, usize)>,
    dicts: Vec<Vec<(String, String)>>,
}

impl<'a> FileTables<'a> {
    fn new(dir: &'a Path) -> FileTables<'a> {
        FileTables {
            dir,
            files: Vec::new(),
            dicts: Vec::new(),
        }
    }

    fn plan(
        &mut self,
        spec: &ConfigSpec,
        user: Option<Table>,
        smart: bool,
    ) -> Result<Converter, Error> {
        let normalization = spec
            .normalization
            .iter()
            .map(|d| self.table(d))
            .collect::<Result<_, _>>()?;
        let segmentation = spec
            .segmentation
            .as_ref()
            .map(|d| self.table(d))
            .transpose()?;
        let chain = spec
            .chain
            .iter()
            .map(|d| self.table(d))
            .collect::<Result<_, _>>()?;
        let fused = match (&spec.segmentation, spec.chain.first()) {
            (Some(segmentation), Some(first)) => {
                let (segmentation, first) = (self.tree(segmentation)?, self.tree(first)?);
                dict::stage_fuses_with_segmentation(&segmentation, &first, &self.dicts)
            }
            _ => false,
        };
        Ok(Converter {
            plan: Arc::new(Plan {
                normalization,
                segmentation,
                chain,
                fused,
                composed: None,
                user,
                smart: smart.then(smart_costs),
            }),
        })
    }

    fn table(&mut self, spec: &DictSpec) -> Result<Arc<Table>, Error> {
        let tree = self.tree(spec)?;
        Ok(Arc::new(Table::build(&dict::resolve(&tree, &self.dicts))))
    }

    fn tree(&mut self, spec: &DictSpec) -> Result<DictTree, Error> {
        match spec {
            DictSpec::Text { file, .. } => {
                if let Some((_, leaf)) = self.files.iter().find(|(f, _)| f == file) {
                    return Ok(DictTree::Leaf(*leaf));
                }
                let path = self.dir.join(file);
                let text = read_text(&path)?;
                let entries = dict::parse_text_dict(&text).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidDictionary,
                        format!("line {}: {}", e.line, e.message),
                    )
                    .in_file(&path)
                })?;
                self.dicts.push(entries);
                self.files.push((file.clone(), self.dicts.len() - 1));
                Ok(DictTree::Leaf(self.dicts.len() - 1))
            }
            DictSpec::Group { policy, dicts, .. } => Ok(DictTree::Group(
                *policy,
                dicts
                    .iter()
                    .map(|d| self.tree(d))
                    .collect::<Result<_, _>>()?,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use dict::MatchPolicy;

    #[test]
    fn group_policies_decide_between_members() {
        let dicts = vec![
            vec![("AB".to_string(), "1".to_string())],
            vec![("ABC".to_string(), "2".to_string())],
            vec![
                ("AB".to_string(), "3".to_string()),
                ("A".to_string(), "4".to_string()),
            ],
            vec![
                ("A".to_string(), "a".to_string()),
                ("B".to_string(), "b".to_string()),
                ("C".to_string(), "c".to_string()),
            ],
        ];
        let run = |tree: DictTree, text: &str| {
            let table = Table::build(&dict::resolve(&tree, &dicts));
            let mut out = String::new();
            engine::convert(&table.view(), text, &mut out);
            out
        };
        use DictTree::{Group, Leaf};
        use MatchPolicy::{ShortCircuit, Union};
        assert_eq!(run(Group(Union, vec![Leaf(0), Leaf(1)]), "ABC"), "2");
        assert_eq!(
            run(Group(ShortCircuit, vec![Leaf(0), Leaf(1)]), "ABC"),
            "1C"
        );
        assert_eq!(run(Group(Union, vec![Leaf(0), Leaf(2)]), "AB"), "1");
        assert_eq!(run(Group(Union, vec![Leaf(2), Leaf(0)]), "AB"), "3");
        let nested = Group(
            Union,
            vec![Group(ShortCircuit, vec![Leaf(3), Leaf(1)]), Leaf(0)],
        );
        assert_eq!(run(nested, "ABC"), "1c");
        assert_eq!(run(Leaf(0), "ABD"), "1D");
    }

    #[test]
    fn quick_path_decides_as_the_full_decision() {
        // `engine::convert` decides most characters from `QuickChars`;
        // `engine::convert_cow` always takes the full decision. Characters
        // of every kind: one-character values of three bytes and of four
        // (which the quick path leaves to the full decision), a longer
        // value, phrase starts, an ideographic description character, a
        // character in no key, two-byte and ASCII characters.
        let entries: Vec<(String, String)> = [
            ("说", "說"),
            ("话", "話"),
            ("说话", "説話"),
            ("后", "𠢕"),
            ("长", "長長"),
            ("一", "壹"),
            ("一个人", "一個人"),
            ("é", "è"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        // Enough key characters that the table is not sparse: sparse
        // tables take another path.
        .chain((0x6000..0x6900).filter_map(|c| {
            let (from, to) = (char::from_u32(c)?, char::from_u32(c + 0x1000)?);
            Some((from.to_string(), to.to_string()))
        }))
        .collect();
        let table = Table::build(&dict::resolve(&DictTree::Leaf(0), &[entries]));
        let alphabet: Vec<char> = "说话后长一个人中⿰é\na，\u{6000}".chars().collect();
        // Every text of up to four characters of the alphabet, and longer
        // ones made by a fixed pseudo-random walk.
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        let mut random = pseudo_random(1);
        for _ in 0..500 {
            let text: String = (0..40).map(|_| alphabet[random(alphabet.len())]).collect();
            texts.push(text);
        }
        let view = table.view();
        for text in &texts {
            let mut quick = String::new();
            engine::convert(&view, text, &mut quick);
            assert_eq!(quick, engine::convert_cow(&table, text), "{text:?}");
        }
    }

    #[test]
    fn segments_convert_as_one_by_one() {
        // `engine::convert_segments` converts a run of segments in one
        // call: each segment as `engine::convert` converts it alone, with
        // no match across a segment's end (说话 cut between its characters
        // is two matches), however the runs of characters in no key cross
        // them. Keys of every length of UTF-8, a phrase, an ideographic
        // description character; a sparse table and one whose characters
        // are decided by `QuickChars`.
        let entries: Vec<(String, String)> = [
            ("说", "說"),
            ("话", "話"),
            ("说话", "説話"),
            ("a", "b"),
            ("é", "è"),
            ("𠀀", "丂"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let dense: Vec<(String, String)> = entries
            .iter()
            .cloned()
            .chain((0x6000..0x6900).filter_map(|c| {
                let (from, to) = (char::from_u32(c)?, char::from_u32(c + 0x1000)?);
                Some((from.to_string(), to.to_string()))
            }))
            .collect();
        let tables =
            [entries, dense].map(|e| Table::build(&dict::resolve(&DictTree::Leaf(0), &[e])));
        let [sparse, dense] = tables.each_ref().map(|t| t.view());
        assert!(sparse.sparse() && !dense.sparse());
        let alphabet: Vec<char> = "说话一人⿰éa𠀀\nx，\u{6000}\u{6001}".chars().collect();
        let mut random = pseudo_random(7);
        let mut cases: Vec<(String, Vec<usize>)> = vec![
            ("说话说话".to_string(), vec![3, 6]),
            ("⿰说话".to_string(), vec![6]),
        ];
        for _ in 0..2000 {
            let text: String = (0..random(30))
                .map(|_| alphabet[random(alphabet.len())])
                .collect();
            let mut ends: Vec<usize> = (0..random(6))
                .map(|_| random(text.len() + 1))
                .filter(|&at| text.is_char_boundary(at))
                .collect();
            ends.sort_unstable();
            cases.push((text, ends));
        }
        for view in [&sparse, &dense] {
            for (text, ends) in &cases {
                let mut one_by_one = String::new();
                let mut start = 0;
                for &end in ends.iter().chain([&text.len()]) {
                    engine::convert(view, &text[start..end.max(start)], &mut one_by_one);
                    start = end.max(start);
                }
                let mut at_once = String::new();
                engine::convert_segments(view, text, ends, &mut at_once);
                assert_eq!(at_once, one_by_one, "{text:?} {ends:?}");
            }
            let mut cut = String::new();
            engine::convert_segments(view, "说话说话", &[3, 6], &mut cut);
            assert_eq!(cut, "說話説話");
        }
    }

    #[test]
    fn quick_words_hold_complete_utf8() {
        // The quick loop appends these bytes to a string unchecked.
        for id in 0..17 {
            let table = builtin::table(id);
            let quick = table.view().quick_chars().clone();
            for c in (0x800..0x10000).filter_map(char::from_u32) {
                let word = quick.word(c as u32);
                if word & table::QUICK_SLOW == 0 {
                    let utf8 = &word.to_le_bytes()[..3];
                    // (A single character is decided in full.)
                    let mut converted = String::new();
                    engine::convert(&table.view(), &c.to_string(), &mut converted);
                    assert!(std::str::from_utf8(utf8).is_ok(), "{c}");
                    if word & table::QUICK_CONTINUES == 0 {
                        assert_eq!(utf8, converted.as_bytes(), "{c}");
                    }
                }
            }
        }
    }

    #[test]
    fn key_char_bits_stop_runs_where_entries_do() {
        for id in 0..17 {
            let table = builtin::table(id);
            let view = table.view();
            let bits = view.key_char_bits();
            for c in 0..0x10000 {
                let stops = view.entry(c).in_key() || engine::is_ids_operator(c);
                assert_eq!(bits.stops(c), stops, "table {id}, U+{c:04X}");
            }
        }
    }

    #[test]
    fn ideographic_description_sequences_are_copied_whole() {
        let s2t = Converter::new(Config::S2t);
        assert_eq!(s2t.convert("⿰说话说话"), "⿰说话說話");
        assert_eq!(s2t.convert("说⿰说话"), "說⿰说话");
        assert_eq!(s2t.convert("⿰⿰说"), "⿰⿰說");
        assert_eq!(s2t.convert("⿲说话"), "⿲說話");
        assert_eq!(s2t.convert("⿻后后后"), "⿻后后後");
        assert_eq!(s2t.convert("㇯后后"), "㇯後後");
    }

    #[test]
    fn segments_persist_through_the_chain() {
        assert_eq!(convert("低级别产品", Config::S2twp), "低級別產品");
        assert_eq!(
            convert("畫素藉由 圖示覆蓋", Config::Tw2sp),
            "画素借由 图示复盖"
        );
    }

    #[test]
    fn compatibility_ideographs_are_normalized_first() {
        assert_eq!(
            convert("一丝\u{F967}挂", Config::S2tw),
            convert("一丝不挂", Config::S2tw)
        );
    }

    #[test]
    fn rare_forms_are_optional() {
        assert_eq!(convert("㑮", Config::T2s), "𫝈");
        let plain = Converter::builder(Config::T2s)
            .rare_forms(false)
            .build()
            .unwrap();
        assert_eq!(plain.convert("㑮"), "㑮");
    }

    #[test]
    fn union_policy_prefers_the_longer_member() {
        assert_eq!(convert("布列兹", Config::S2t), "布列茲");
    }

    /// A pseudo-random number generator from `seed` (a linear congruential
    /// one): each call gives a number below the one asked.
    fn pseudo_random(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % below
        }
    }

    /// Pseudo-random texts of up to `max_chars` characters of `alphabet`.
    fn random_texts(alphabet: &str, count: usize, max_chars: usize) -> Vec<String> {
        let alphabet: Vec<char> = alphabet.chars().collect();
        let mut random = pseudo_random(11);
        (0..count)
            .map(|_| {
                (0..random(max_chars + 1))
                    .map(|_| alphabet[random(alphabet.len())])
                    .collect()
            })
            .collect()
    }

    /// The staged conversion of a fused chain of two stages (see
    /// `Run::convert`): the first stage's phrases are segments, and so is
    /// the text between them.
    fn staged(first: &table::View<'_>, second: &table::View<'_>, text: &str) -> String {
        let mut out = String::new();
        let mut run = String::new();
        engine::convert_with_phrases(first, text, &mut run, |run, phrase| {
            engine::convert(second, run, &mut out);
            run.clear();
            engine::convert(second, phrase, &mut out);
        });
        engine::convert(second, &run, &mut out);
        out
    }

    #[test]
    fn composed_stages_convert_as_staged() {
        // A first stage with phrases, characters whose values start the
        // second stage's phrases (纯 吃, 长 长: diverted) and one whose value
        // the second stage changes (为); a second stage with phrases of two
        // and three characters and single characters, some of which no key
        // of the first stage has (爲, 喫).
        let entries = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|&(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let dicts = vec![
            entries(&[("头发", "頭髮"), ("茶头", "茶頭")]),
            entries(&[
                ("纯", "純"),
                ("吃", "喫"),
                ("为", "爲"),
                ("长", "長"),
                ("发", "發"),
            ]),
            entries(&[
                ("純喫茶", "純喫茶"),
                ("喫茶", "吃茶"),
                ("長長", "丈"),
                ("長", "镸"),
            ]),
            entries(&[("喫", "吃"), ("爲", "為"), ("純", "纯"), ("發", "発")]),
        ];
        use DictTree::{Group, Leaf};
        let first_entries = dict::resolve(
            &Group(MatchPolicy::ShortCircuit, vec![Leaf(0), Leaf(1)]),
            &dicts,
        );
        let second_entries = dict::resolve(
            &Group(MatchPolicy::ShortCircuit, vec![Leaf(2), Leaf(3)]),
            &dicts,
        );
        let composed = compose::compose(&first_entries, &second_entries).unwrap();
        // The pairs whose first-stage values start the second stage's
        // phrases: 純喫 and 喫茶 and 長長 from 纯 or 純, 吃 or 喫, 长 or 長.
        assert_eq!(composed.diverted.len(), 10);
        assert!(composed.diverted.contains(&('纯', '吃')));
        let tables = [
            Table::build_diverting(&composed.entries, &composed.diverted),
            Table::build(&first_entries),
            Table::build(&second_entries),
        ];
        let [composed, first, second] = tables.each_ref().map(|t| t.view());
        let mut state = Composed {
            view: composed,
            second_reach: 3,
            units: Vec::new(),
        };
        let mut texts = random_texts("纯吃茶头发为长喫爲純長⿰a\n", 3000, 12);
        texts.push("纯吃茶".to_string());
        for text in &texts {
            let mut out = String::new();
            convert_composed(
                &mut state,
                &first,
                &second,
                text,
                &mut out,
                &mut String::new(),
            );
            assert_eq!(out, staged(&first, &second, text), "{text:?}");
        }
        // Without its diverted characters, the composed table alone is
        // wrong: the second stage's phrase 純喫茶 is missed.
        let mut plain = String::new();
        engine::convert(&state.view, "纯吃茶", &mut plain);
        assert_eq!(plain, "纯吃茶");
        assert_eq!(staged(&first, &second, "纯吃茶"), "純喫茶");
        // A value of two characters would make an ideographic description
        // sequence of the first stage's output out of an incomplete one of
        // the text (⿰长 as ⿰長長, which the second stage keeps whole): no
        // composition then.
        let mut two_chars = dicts.clone();
        two_chars[1].push(("个".to_string(), "個個".to_string()));
        let first_entries = dict::resolve(
            &Group(MatchPolicy::ShortCircuit, vec![Leaf(0), Leaf(1)]),
            &two_chars,
        );
        assert!(compose::compose(&first_entries, &second_entries).is_none());
    }

    #[test]
    fn fused_configs_convert_as_staged_composed_or_not() {
        // Characters of the Taiwan variants' and phrases' keys and their
        // sources, of phrases of the first stage, variants, an ideographic
        // description character.
        let alphabet =
            "纯純吃喫茶小铺舖张張栋棟梁樑林杨楊国國杰士牛骥驥同一皁皂罗羅兴叶葉步蒋蔣黄黃东\
                        头发干了为爲着里裏么麼鼠标软件信息网络程序打印台湾⿰a，\n";
        let mut texts = random_texts(alphabet, 3000, 16);
        texts
            .extend(["纯吃茶", "张栋梁", "牛骥同一皂", "⿰张栋梁", "鼠标和软件"].map(String::from));
        for config in [Config::S2tw, Config::S2twp, Config::S2hk, Config::S2hkp] {
            let converter = Converter::new(config);
            let plan = &*converter.plan;
            // (The Hong Kong configs are left staged: see build.rs.)
            let composed = matches!(config, Config::S2tw | Config::S2twp);
            assert_eq!(plan.composed.is_some(), composed, "{config}");
            let [first, second] = [&plan.chain[0], &plan.chain[1]].map(|t| t.view());
            for text in &texts {
                let staged = staged(&first, &second, text);
                assert_eq!(converter.convert(text), staged, "{config} {text:?}");
            }
        }
    }
}
