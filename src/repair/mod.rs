//! Text-level repair: mojibake (rows 1 to 7 of MOJIBAKE.md, and those with
//! private-use characters, row 13, or C1 controls, row 19), GBK decoded
//! out of phase (row 12), escapes left in data (HTML references, `\u`
//! escapes, percent-encoding: rows 14 to 16), ruby leftovers (row 17),
//! invisible characters between Han characters (row 18), and flags for
//! damage that cannot be undone (rows 9 to 11, U+FFFD runs, `?` remnants).
//!
//! Each repair needs evidence (a re-decoding far more plausible, a reading
//! that matches, a document-wide pattern); clean text comes back unchanged.
//! Text without a single suspect character takes a fast path.

mod conversion;
mod decoded;
mod escape;
mod evidence;
mod mojibake;
mod phase;
mod ruby;
mod swap;
pub(crate) mod syllable;
#[cfg(test)]
mod variants;

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use evidence::Evidence;

use crate::bytes::decode;
use crate::normalize::{
    normalize, normalize_and_explain, profile_may_act, profile_may_act_on, skip_printable_ascii,
    NormalizeOptions,
};
use crate::report::{Damage, Flag, Report, Rule, Step};
use crate::score::{char_cost, is_han, is_known_pair};
use encoding_rs::{GB18030, WINDOWS_1252};

/// Options for repairing text; [`Fixer::default`] is what [`fix_text`] uses.
///
/// After the repairs, the text is normalized: by default with the CJK-safe
/// profile (see [`NormalizeOptions`]).
///
/// ```
/// use zhfix::{Fixer, NormalizeOptions, Punct};
///
/// let fixer = Fixer::new().remove_flagged(true);
/// assert_eq!(fixer.fix_text("中文锟斤拷锟斤拷"), "中文");
///
/// let fixer = Fixer::new().normalize(NormalizeOptions::new().punct(Punct::Fullwidth));
/// assert_eq!(fixer.fix_text("鍙戝竷新版本,好"), "发布新版本，好");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Fixer {
    remove_flagged: bool,
    decode_urls: bool,
    fix_conversion: bool,
    normalize: NormalizeOptions,
    /// The document's evidence, if the text is a piece of it.
    evidence: Option<Arc<Evidence>>,
    after_line_break: bool,
}

impl Fixer {
    /// The default fixer: repairs, and flags without removing.
    pub fn new() -> Fixer {
        Fixer::default()
    }

    /// Whether to remove flagged damage (`锟斤拷`, `烫烫烫`, U+FFFD runs,
    /// remnants) instead of only reporting it.
    pub fn remove_flagged(mut self, yes: bool) -> Fixer {
        self.remove_flagged = yes;
        self
    }

    /// Whether to decode percent-encoded UTF-8 inside URLs too (to their
    /// display form: `%E4%B8%AD` to `中`, while `%2F` and other ASCII
    /// escapes stay). Off by default: a URL's bytes are the URL.
    ///
    /// ```
    /// use zhfix::Fixer;
    ///
    /// let url = "https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87";
    /// assert_eq!(Fixer::new().fix_text(url), url);
    /// let shown = Fixer::new().decode_urls(true).fix_text(url);
    /// assert_eq!(shown, "https://zh.wikipedia.org/wiki/中文");
    /// ```
    pub fn decode_urls(mut self, yes: bool) -> Fixer {
        self.decode_urls = yes;
        self
    }

    /// Whether to repair Traditional text converted from Simplified
    /// character by character (`干凈` for `乾淨`, `關于` for `關於`), where
    /// OpenCC's phrases and the document's pattern show it, toward the
    /// text's own standard (see [`ScriptDetection`](crate::ScriptDetection));
    /// style differences (`了解`, `瞭解`) are flagged and left. Off by
    /// default: it is the only repair that changes correct-looking
    /// characters.
    ///
    /// ```
    /// use zhfix::Fixer;
    ///
    /// let fixer = Fixer::new().fix_conversion(true);
    /// assert_eq!(fixer.fix_text("忠誠干凈，關于規范"), "忠誠乾淨，關於規範");
    /// // OpenCC's phrase-level conversion comes back unchanged.
    /// assert_eq!(fixer.fix_text("忠誠乾淨，關於規範"), "忠誠乾淨，關於規範");
    /// ```
    pub fn fix_conversion(mut self, yes: bool) -> Fixer {
        self.fix_conversion = yes;
        self
    }

    /// How to normalize the repaired text (default: the CJK-safe profile).
    pub fn normalize(mut self, options: NormalizeOptions) -> Fixer {
        self.normalize = options;
        self
    }

    /// What `text` shows of its document's evidence: to be merged with the
    /// evidence of the document's other pieces and given to
    /// [`Fixer::with_evidence`] (see [`Evidence`]). Gathered as this fixer
    /// repairs: with [`Fixer::fix_conversion`], that means repairing the
    /// text's other damage first (as much work again as fixing it);
    /// without, a scan of the lines with parentheses.
    pub fn evidence(&self, text: &str) -> Evidence {
        if self.after_line_break {
            return self
                .clone()
                .after_line_break(false)
                .evidence(&after_line_break(text));
        }
        let mut evidence = Evidence {
            ruby: ruby::Counts::of_text(text),
            ..Evidence::default()
        };
        if self.fix_conversion {
            // As the text is repaired with ruby leftovers removed, and
            // kept (which differs only where annotations read their
            // characters).
            let removed = self.repair(text, false, Some(true), Round::First).0;
            evidence.conversion[1] = conversion::Evidence::of(&removed);
            evidence.conversion[0] = match evidence.ruby.any_matching() {
                true => {
                    conversion::Evidence::of(&self.repair(text, false, Some(false), Round::First).0)
                }
                false => evidence.conversion[1].clone(),
            };
        }
        evidence
    }

    /// Judges the text by `evidence`, its whole document's (see
    /// [`Evidence`]), instead of by the text's own.
    pub fn with_evidence(mut self, evidence: Evidence) -> Fixer {
        self.evidence = Some(Arc::new(evidence));
        self
    }

    /// Whether the text follows a line break of its document (it is a
    /// later piece): its start is a line's, not the document's (where a
    /// byte-order mark marks the encoding and stays).
    pub fn after_line_break(mut self, yes: bool) -> Fixer {
        self.after_line_break = yes;
        self
    }

    /// Repairs `text`.
    pub fn fix_text(&self, text: &str) -> String {
        self.fix(text, false).0
    }

    /// Decodes `bytes` (see [`decode`](crate::decode)), then repairs the
    /// text.
    pub fn fix_bytes(&self, bytes: &[u8]) -> String {
        self.fix_text(&decode(bytes).text)
    }

    /// Repairs `text` and reports every change and every flag.
    pub fn fix_and_explain(&self, text: &str) -> (String, Report) {
        self.fix(text, true)
    }

    /// Repairs and normalizes `text`, again on the result until nothing
    /// more changes (at most `MAX_ROUNDS` times), so that fixing fixed text
    /// changes nothing: one kind of damage can hide another (HTML references
    /// that spell out mojibake decode to mojibake; a C1 control that
    /// normalization removes can leave a run of Latin-1 letters that is
    /// plainly GBK). Without `explain`, the report is left empty.
    fn fix(&self, text: &str, explain: bool) -> (String, Report) {
        if self.after_line_break && !text.is_empty() {
            // Fixed after a line break of its own, which is then taken
            // off (every repair lies within a line, and no step or flag
            // covers a bare line break).
            let placed = self.clone().after_line_break(false);
            let (fixed, mut report) = placed.fix(&after_line_break(text), explain);
            for step in &mut report.steps {
                (step.start, step.end) = (step.start.saturating_sub(1), step.end.saturating_sub(1));
            }
            for flag in &mut report.flags {
                (flag.start, flag.end) = (flag.start.saturating_sub(1), flag.end.saturating_sub(1));
            }
            let fixed = match fixed.strip_prefix('\n') {
                Some(rest) => rest.to_string(),
                None => fixed,
            };
            return (fixed, report);
        }
        let mut ruby = self.evidence.as_ref().map(|e| e.ruby_pattern());
        let (mut fixed, mut report) =
            self.fix_once(text, explain, ruby, self.fix_conversion, Round::First);
        // What the last round started from (`text` for the first).
        let mut before: Option<String> = None;
        for _ in 1..MAX_ROUNDS {
            // (Most text comes back as it was: one comparison says so.)
            if before.as_deref().unwrap_or(text) == fixed {
                break;
            }
            // A round changes lines independently: only the lines the last
            // round changed can change again.
            // (Each line of what the round started from is found as the
            // lines of `fixed` are, a search for its end each; none left is
            // an empty line, which no line of `fixed` is.)
            let last = before.as_deref().unwrap_or(text);
            let mut last_at = 0;
            let changed = WorkLines::select(&fixed, explain, |_, line| {
                let end = line_end(last, last_at);
                let last_line = &last[last_at..end];
                last_at = end;
                last_line != line && line.len() <= MAX_ROUND_LINE
            });
            if changed.lines.is_empty() {
                break;
            }
            // Later rounds judge ruby leftovers as the first did (by the
            // document's annotations) and leave naive conversion, a
            // judgement of the whole document, to the first.
            let ruby = *ruby.get_or_insert_with(|| ruby::Counts::of_text(text).is_pattern());
            let (again, more) =
                self.fix_once(&changed.work, explain, Some(ruby), false, Round::Again);
            // A round's flags count even when it changes nothing, so that a
            // line's report does not depend on whether other lines (in
            // other pieces of a chunked input) changed in the same round.
            if explain {
                report = report.then(text, &fixed, changed.report_to_original(more));
            }
            if again == changed.work {
                break;
            }
            let rebuilt = changed.rebuild(&fixed, &again);
            before = Some(std::mem::replace(&mut fixed, rebuilt));
        }
        (fixed, report)
    }

    /// One round of [`Fixer::fix`]: the repairs (ruby leftovers removed as
    /// `ruby` says, or as the text's own annotations show), then the repair
    /// of naive conversion if `conversion`, then normalization.
    fn fix_once(
        &self,
        text: &str,
        explain: bool,
        ruby: Option<bool>,
        conversion: bool,
        round: Round,
    ) -> (String, Report) {
        let (fixed, report, normalization) = self.repair(text, explain, ruby, round);
        // Conversion damage is judged on text whose other damage is
        // repaired (ruby leftovers split phrases apart).
        let (fixed, report) = match conversion {
            false if !normalization && self.normalize.is_profile_alone() => {
                // Normalization would change nothing and report nothing.
                return match explain {
                    true => {
                        let report = report.then(text, &fixed, Report::default());
                        (fixed, report)
                    }
                    false => (fixed, report),
                };
            }
            false => (fixed, report),
            true => {
                let document = self
                    .evidence
                    .as_ref()
                    .map(|e| e.conversion(e.ruby_pattern()));
                let (converted, conversion) = conversion::repair(&fixed, explain, document);
                match explain {
                    true => {
                        let report = report.then(text, &fixed, conversion);
                        (converted, report)
                    }
                    false => (converted, report),
                }
            }
        };
        if !explain {
            return (normalize(&fixed, &self.normalize), report);
        }
        let (normalized, normalization) = normalize_and_explain(&fixed, &self.normalize);
        (normalized, report.then(text, &fixed, normalization))
    }

    /// The repairs alone; ruby leftovers are removed as `ruby` says, or, if
    /// it does not, as the text's own annotations show.
    ///
    /// The third answer is whether the normalization's profile may act on
    /// the repaired text (false only where a scan proves it may not: see
    /// [`profile_may_act_on`]).
    fn repair(
        &self,
        text: &str,
        explain: bool,
        ruby: Option<bool>,
        round: Round,
    ) -> (String, Report, bool) {
        // Every repair and flag lies within a line, and a line without
        // anything to act on is left as it is: only the lines that need
        // work are searched (joined, so that a document's ruby pattern is
        // still judged as a whole), unless they are most of the text.
        let (lines, normalization) = WorkLines::of(text, explain, round);
        if lines.lines.is_empty() {
            return (text.to_string(), Report::default(), normalization);
        }
        if lines.work.len() * 2 > text.len() {
            let (fixed, report) = self.fix_all(text, explain, ruby);
            return (fixed, report, true);
        }
        let (fixed_work, report) = self.fix_all(&lines.work, explain, ruby);
        let normalization = normalization || profile_may_act(&fixed_work);
        (
            lines.rebuild(text, &fixed_work),
            lines.report_to_original(report),
            normalization,
        )
    }

    /// [`Fixer::fix_and_explain`] on all of `text`.
    fn fix_all(&self, text: &str, explain: bool, ruby: Option<bool>) -> (String, Report) {
        // (Counted first: collected blind, a long text's characters would be
        // copied over and over as the vector grows.)
        let mut chars: Vec<char> = Vec::with_capacity(text.chars().count());
        chars.extend(text.chars());
        let mut edits = Edits::default();
        let starts = Starts::of(&chars);
        let flags = match starts.flags {
            true => find_flags(&chars),
            false => Vec::new(),
        };
        for flag in &flags {
            edits.claim(flag.start, flag.end);
        }
        find_escapes(&chars, self.decode_urls, &mut edits);
        find_ruby(&chars, ruby, &mut edits);
        find_mojibake(&chars, &mut edits);
        for edit in &mut edits.edits {
            if matches!(
                edit.rule,
                Rule::Mojibake | Rule::PrivateUse | Rule::C1Control
            ) {
                edit.after = polish(std::mem::take(&mut edit.after), POLISH_ROUNDS);
            }
        }
        if starts.invisible {
            find_invisible(&chars, &mut edits);
        }
        let mut flags = flags;
        if starts.question {
            flags.extend(find_remnants(&chars, &edits));
        }
        flags.sort_by_key(|flag| flag.start);
        if self.remove_flagged {
            for flag in &flags {
                edits.push(Edit {
                    start: flag.start,
                    end: flag.end,
                    after: String::new(),
                    rule: Rule::RemovedFlagged,
                    chain: Vec::new(),
                    confidence: 1.0,
                    claims: false,
                });
            }
        }
        let (fixed, steps) = edits.apply(text, &chars, explain);
        let flags = match explain {
            true => flags,
            false => Vec::new(),
        };
        (fixed, Report { steps, flags })
    }
}

/// Which of the searches of `Fixer::fix_all` that start from a character
/// of their own have one to start from: found in one pass for the three,
/// as most text has none of them.
struct Starts {
    /// `锟`, `烫`, `屯` or U+FFFD (see `find_flags`).
    flags: bool,
    /// An invisible character (see `find_invisible`).
    invisible: bool,
    /// `?` or `？` (see `find_remnants`).
    question: bool,
}

impl Starts {
    fn of(chars: &[char]) -> Starts {
        let mut starts = Starts {
            flags: false,
            invisible: false,
            question: false,
        };
        for &c in chars {
            match c {
                '锟' | '烫' | '屯' | '\u{FFFD}' => starts.flags = true,
                '\u{200B}' | '\u{2060}' | '\u{FEFF}' => starts.invisible = true,
                '?' | '？' => starts.question = true,
                _ => {}
            }
        }
        starts
    }
}

/// How many rounds of repair run at most (see `Fixer::fix`), and the
/// longest line (in bytes) that rounds after the first look at again: a
/// bound on their work, since each round repeats the work of the first on
/// the lines it changed. (Natural lines are far shorter; a megabyte-long line
/// of adversarial text is repaired once.)
const MAX_ROUNDS: usize = 4;
const MAX_ROUND_LINE: usize = 1 << 14;
/// Where the line of `text` that starts at byte `start` ends: after its
/// line break, or at the end of the text (`start` itself there).
fn line_end(text: &str, start: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at + 1)
}

/// `text` after a line break: a piece that does not start its document,
/// as the document has it.
fn after_line_break(text: &str) -> String {
    let mut placed = String::with_capacity(text.len() + 1);
    placed.push('\n');
    placed.push_str(text);
    placed
}

/// Repairs `text` with the default [`Fixer`].
///
/// ```
/// // UTF-8 read as GBK, GBK read as Latin-1, UTF-8 read as windows-1252.
/// assert_eq!(zhfix::fix_text("鍙戝竷新版本"), "发布新版本");
/// assert_eq!(zhfix::fix_text("ÄãºÃ"), "你好");
/// assert_eq!(zhfix::fix_text("ç®€ä½“ä¸\u{AD}æ–‡"), "简体中文");
/// // Clean text comes back unchanged.
/// assert_eq!(zhfix::fix_text("王鍙戝先生"), "王鍙戝先生");
/// ```
pub fn fix_text(text: &str) -> String {
    Fixer::default().fix_text(text)
}

/// Decodes `bytes`, then repairs the text, with the default [`Fixer`].
pub fn fix_bytes(bytes: &[u8]) -> String {
    Fixer::default().fix_bytes(bytes)
}

/// Repairs `text` with the default [`Fixer`] and reports what it did.
pub fn fix_and_explain(text: &str) -> (String, Report) {
    Fixer::default().fix_and_explain(text)
}

/// A change to make, in character offsets of the input.
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    after: String,
    rule: Rule,
    chain: Vec<(
        &'static encoding_rs::Encoding,
        &'static encoding_rs::Encoding,
    )>,
    confidence: f32,
    /// Whether the range is claimed against later repairs (removing a
    /// flagged span does not claim: flags were claimed before).
    claims: bool,
}

/// The changes found so far, which never overlap, and the characters
/// claimed, a bit each: a lookup reads the bits of its range, which is short
/// (a repair's) or, for a long run, claimed once, so that text with
/// thousands of flags and repairs stays linear (and a lookup per character
/// costs a bit, not a search).
#[derive(Debug, Default)]
struct Edits {
    edits: Vec<Edit>,
    claimed: Vec<u64>,
}

impl Edits {
    /// Whether no character of `start..end` (of `start` if it is empty) is
    /// claimed.
    fn is_free(&self, start: usize, end: usize) -> bool {
        (start..end.max(start + 1)).all(|i| {
            self.claimed
                .get(i / 64)
                .is_none_or(|&word| word >> (i % 64) & 1 == 0)
        })
    }

    /// Claims `start..end` (`start` if it is empty).
    fn claim(&mut self, start: usize, end: usize) {
        let end = end.max(start + 1);
        if self.claimed.len() < end.div_ceil(64) {
            self.claimed.resize(end.div_ceil(64), 0);
        }
        for i in start..end {
            self.claimed[i / 64] |= 1 << (i % 64);
        }
    }

    /// Adds `edit` unless its range is claimed.
    fn push(&mut self, edit: Edit) -> bool {
        if edit.claims && !self.is_free(edit.start, edit.end) {
            return false;
        }
        if edit.claims {
            self.claim(edit.start, edit.end);
        }
        self.edits.push(edit);
        true
    }

    /// `text` (whose characters are `chars`) with the edits made, and the
    /// steps (none without `explain`).
    fn apply(mut self, text: &str, chars: &[char], explain: bool) -> (String, Vec<Step>) {
        self.edits.sort_by_key(|edit| (edit.start, edit.end));
        let mut out = String::with_capacity(chars.len() * 3);
        let mut steps = Vec::new();
        let mut at = 0;
        // (What stays is copied from `text`, a slice at a time, not pushed
        // a character at a time: `byte` is where character `at` starts.)
        let mut byte = 0;
        for edit in self.edits {
            if edit.start < at {
                continue;
            }
            let kept = utf8_len(&chars[at..edit.start]);
            out.push_str(&text[byte..byte + kept]);
            out.push_str(&edit.after);
            byte += kept + utf8_len(&chars[edit.start..edit.end]);
            at = edit.end;
            if !explain {
                continue;
            }
            steps.push(Step {
                rule: edit.rule,
                start: edit.start,
                end: edit.end,
                before: chars[edit.start..edit.end].iter().collect(),
                after: edit.after,
                encodings: edit.chain,
                confidence: edit.confidence,
            });
        }
        out.push_str(&text[byte..]);
        (out, steps)
    }
}

/// The lines of a text that need work, joined: where each came from, to
/// map offsets back and to put the repaired lines in place.
struct WorkLines {
    /// The lines, each with its line break; after a line break of its own
    /// when the first is not the text's first line (so that the start of
    /// the joined text is a line start but not the document's start, as in
    /// the text).
    work: String,
    /// For each line: its start in `work` and in the text, in characters
    /// (counted only for a report: see `WorkLines::of_lines`) and in
    /// bytes.
    lines: Vec<WorkLine>,
}

#[derive(Debug, Clone, Copy)]
struct WorkLine {
    work_char: usize,
    text_char: usize,
    work_byte: usize,
    text_byte: usize,
}

impl WorkLines {
    /// The lines of `text` that need work (see `needs_work`), and
    /// whether any other line holds what the normalization's profile may
    /// act on.
    ///
    /// The lines' offsets in characters are counted only where a report
    /// needs them (`explain`: see `WorkLines::to_original`).
    fn of(text: &str, explain: bool, round: Round) -> (WorkLines, bool) {
        // Escapes are looked for in the whole text at once (a search per
        // line would cost more than the rest of the test).
        let mut escapes = escape::candidates(text.as_bytes()).peekable();
        let mut normalization = false;
        let mut start = 0;
        let lines = std::iter::from_fn(|| {
            while start < text.len() {
                let line_start = start;
                let (needs, stop) = scan_line(text, start, round);
                start = match needs {
                    // (The rest of the line is not looked at.)
                    Needs::Repair => line_end(text, stop),
                    _ => stop,
                };
                while escapes.next_if(|&at| at < line_start).is_some() {}
                let escape = escapes.peek().is_some_and(|&at| at < start);
                if needs == Needs::Repair || escape {
                    return Some(line_start..start);
                }
                normalization |= needs == Needs::Normalization;
            }
            None
        });
        let lines = WorkLines::of_lines(text, lines, explain);
        (lines, normalization)
    }

    /// The lines of `text` that `wanted` (asked of each line in order, with
    /// its offset) picks; their offsets in characters counted only with
    /// `explain`.
    fn select(text: &str, explain: bool, mut wanted: impl FnMut(usize, &str) -> bool) -> WorkLines {
        let mut start = 0;
        let lines = std::iter::from_fn(|| {
            while start < text.len() {
                let line = start..line_end(text, start);
                start = line.end;
                if wanted(line.start, &text[line.clone()]) {
                    return Some(line);
                }
            }
            None
        });
        WorkLines::of_lines(text, lines, explain)
    }

    /// The lines of `text` at `lines` (byte ranges of whole lines, in
    /// order); their offsets in characters counted only with `explain` (a
    /// count of all the text before the last line: most of it, in text
    /// whose lines are mostly clean).
    fn of_lines(
        text: &str,
        lines: impl Iterator<Item = std::ops::Range<usize>>,
        explain: bool,
    ) -> WorkLines {
        let mut work = String::new();
        let mut work_lines = Vec::new();
        let mut work_char = 0;
        // The characters of the text before `counted`, a byte offset:
        // counted only up to the lines wanted, as most are not.
        let (mut text_char, mut counted) = (0, 0);
        for range in lines {
            let (text_byte, line) = (range.start, &text[range]);
            if explain {
                text_char += text[counted..text_byte].chars().count();
            }
            if work_lines.is_empty() && text_byte > 0 {
                work.push('\n');
                work_char += 1;
            }
            work_lines.push(WorkLine {
                work_char,
                text_char,
                work_byte: work.len(),
                text_byte,
            });
            work.push_str(line);
            let chars = match explain {
                true => line.chars().count(),
                false => 0,
            };
            work_char += chars;
            text_char += chars;
            counted = text_byte + line.len();
        }
        WorkLines {
            work,
            lines: work_lines,
        }
    }

    /// A range of characters of `work` as a range of the text. (Repairs
    /// and flags never cross a line break.)
    fn to_original(&self, start: usize, end: usize) -> (usize, usize) {
        let at = self
            .lines
            .partition_point(|line| line.work_char <= start)
            .saturating_sub(1);
        match self.lines.get(at) {
            Some(line) if start >= line.work_char => {
                let shift = line.text_char - line.work_char;
                (start + shift, end + shift)
            }
            _ => (start, end),
        }
    }

    /// `report` (of the work) with its offsets in the text.
    fn report_to_original(&self, mut report: Report) -> Report {
        for step in &mut report.steps {
            (step.start, step.end) = self.to_original(step.start, step.end);
        }
        for flag in &mut report.flags {
            (flag.start, flag.end) = self.to_original(flag.start, flag.end);
        }
        report
    }

    /// The text with its work lines replaced by those of `fixed` (the work
    /// repaired, with as many line breaks).
    fn rebuild(&self, text: &str, fixed: &str) -> String {
        let mut fixed_lines = fixed.split_inclusive('\n');
        if self.lines.first().is_some_and(|line| line.work_byte > 0) {
            fixed_lines.next();
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for line in &self.lines {
            out.push_str(&text[at..line.text_byte]);
            let original_len = text[line.text_byte..]
                .find('\n')
                .map_or(text.len() - line.text_byte, |i| i + 1);
            // (The work keeps its line breaks, so its lines are these; the
            // text's last line, without a line break, may have been fixed
            // to nothing, which `split_inclusive` does not yield.)
            out.push_str(fixed_lines.next().unwrap_or(""));
            at = line.text_byte + original_len;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Whether `text` has anything a repair could act on: a suspect character,
/// a syllable in parentheses or the rest of a broken annotation after a Han
/// character, something that looks like an escape. Most clean text does
/// not. (A `?` next to other damage needs that damage to be acted on.) The
/// repairs ask it line by line (`WorkLines::of`).
#[cfg(test)]
fn needs_work(text: &str) -> bool {
    !WorkLines::of(text, false, Round::First).0.lines.is_empty()
}

/// What a line needs, as far as `scan_line` can tell: a repair may act on
/// it (see `needs_work`, escapes aside), or only normalization (it holds
/// a character that [`profile_may_act_on`] names), or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    Normalization,
    Repair,
}

/// Which round of [`Fixer::fix`] a scan is for. The first passes over rare
/// Han characters that a known pair vouches for (see `is_vouched_for`);
/// later rounds look again, whole, at lines an earlier one changed, whose
/// damage is proven (a repair of part of a span can leave such a pair, as
/// `浜洪潤` for `人静` leaves `洪潤`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    First,
    Again,
}

/// What the line of `text` that starts at byte `start` needs (see
/// [`Needs`]), and where the scan stopped: after the line's line break (or
/// at the text's end), or, where a repair may act, at the character it may
/// act on. The scan all clean text goes through, for the repairs and the
/// normalization's profile at once.
fn scan_line(text: &str, start: usize, round: Round) -> (Needs, usize) {
    // It skips what it can: printable ASCII eight bytes at a time, runs of
    // three-byte characters (all of the Basic Multilingual Plane's Han
    // characters) in a loop of their own, each asked of a bit table of the
    // characters that need no second look (by its block, from its first
    // two bytes, and its bit, from the third: no character is put
    // together). A parenthesis or question mark matters only right after a
    // Han character (`annotation_after`), so only the character before one
    // is decoded and asked whether it is Han.
    let bytes = text.as_bytes();
    // (An annotation is looked for within the line.)
    let opens_after = |at: usize| {
        text[..at].chars().next_back().is_some_and(is_han)
            && annotation_after(&text[..line_end(text, at)], at)
    };
    let mut needs = Needs::Nothing;
    let mut at = start;
    while at < bytes.len() {
        let lead = bytes[at];
        if lead < 0x80 {
            // (After a character that is not ASCII, or at the start.)
            if matches!(lead, b'(' | b'?') && opens_after(at) {
                return (Needs::Repair, at);
            }
            // Printable ASCII in words, the rest of ASCII (line breaks, and
            // controls, which the profile removes but for tab and carriage
            // return) a byte at a time.
            loop {
                at += skip_printable_ascii(&bytes[at..]);
                match bytes.get(at) {
                    Some(b'\n') => return (needs, at + 1),
                    Some(&b) if b < 0x80 => {
                        if profile_may_act_on(char::from(b)) {
                            needs = Needs::Normalization;
                        }
                        at += 1;
                    }
                    _ => break,
                }
            }
            continue;
        }
        if lead >> 4 == 0xE && at + 3 <= bytes.len() {
            // A run of three-byte characters. (In pieces of three: a
            // character is looked at without a test of the text's length.)
            for chunk in bytes[at..].chunks_exact(3) {
                let &[lead, b1, b2] = chunk else { break };
                if lead >> 4 != 0xE {
                    break;
                }
                let block = usize::from(lead & 0x0F) << 6 | usize::from(b1 & 0x3F);
                let bit = b2 & 0x3F;
                if !QUIET.contains_in_block(block, bit) {
                    let code = (block as u32) << 6 | u32::from(bit);
                    if PLAIN.contains_in_block(block, bit) {
                        needs = Needs::Normalization;
                    } else if is_annotation_opener(code) {
                        if opens_after(at) {
                            return (Needs::Repair, at);
                        }
                    } else if round == Round::Again || !is_vouched_for(text, at) {
                        return (Needs::Repair, at);
                    }
                }
                at += 3;
            }
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if is_suspect(c) && (round == Round::Again || !is_vouched_for(text, at)) {
            return (Needs::Repair, at);
        }
        if profile_may_act_on(c) {
            needs = Needs::Normalization;
        }
        at += c.len_utf8();
    }
    (needs, at)
}

/// Whether the character at byte `at` of `text` is a rare Han character
/// (suspect only for its rarity) that a known pair with the character
/// before or after it vouches for: `串` in `字符串`, `删` in `删除`. The
/// frequencies that make a character rare come from literary text, where
/// the words of technical writing are rare; mojibake makes such a pair
/// with clean text by chance alone, and hardly ever without other suspect
/// characters beside it (which the scan stops at).
fn is_vouched_for(text: &str, at: usize) -> bool {
    let Some(c) = text[at..].chars().next() else {
        return false;
    };
    if !is_han(c) || matches!(c, '烫' | '屯') {
        return false;
    }
    let before = text[..at].chars().next_back();
    let after = text[at + c.len_utf8()..].chars().next();
    before.is_some_and(|b| is_known_pair(b, c)) || after.is_some_and(|a| is_known_pair(c, a))
}

/// Whether what starts at `at` in `text` (after a Han character) is what a
/// repair acts on: a syllable in parentheses (a ruby leftover), or the rest
/// of a broken one (`?shù)`).
fn annotation_after(text: &str, at: usize) -> bool {
    let Some(rest) = text.get(at..) else {
        return false;
    };
    let mut chars = rest.chars();
    match chars.next() {
        Some(open @ ('(' | '（')) => ruby::syllable_in_parentheses(open, chars).is_some(),
        Some('?' | '？') => rest_of_broken_annotation(chars).is_some(),
        _ => false,
    }
}

/// A character that mojibake is made of far more often than clean text:
/// rare Han characters, private-use ones, Latin-1 and other alphabets,
/// half-width katakana, U+FFFD, C1 controls, invisible characters, what
/// GBK's punctuation read as Big5 gives, and the two characters of `烫烫烫`
/// and `屯屯屯`.
pub(crate) fn is_suspect(c: char) -> bool {
    let code = c as u32;
    match code < 0x10000 {
        true => is_suspect_in_bmp(code),
        false => classify_suspect(c),
    }
}

/// [`is_suspect`] for a code point of the Basic Multilingual Plane.
#[inline]
fn is_suspect_in_bmp(code: u32) -> bool {
    !PLAIN.contains(code) && !is_annotation_opener(code)
}

/// `（` and `？`, which `scan_line` looks at after a Han character (an
/// annotation may start there).
fn is_annotation_opener(code: u32) -> bool {
    matches!(code, 0xFF08 | 0xFF1F)
}

/// The code points of the Basic Multilingual Plane that are neither
/// suspect nor an annotation opener: most of what text holds, asked of
/// every character of every line.
static PLAIN: LazyBits = LazyBits::new(is_plain);

/// [`PLAIN`] less what the normalization's profile may act on: what
/// `scan_line` passes over without a second look.
static QUIET: LazyBits = LazyBits::new(is_quiet);

/// Whether `code` belongs in [`PLAIN`]. (Surrogates are no characters, and
/// no suspect ones.)
fn is_plain(code: u32) -> bool {
    char::from_u32(code).is_none_or(|c| !classify_suspect(c) && !is_annotation_opener(code))
}

/// Whether `code` belongs in [`QUIET`].
fn is_quiet(code: u32) -> bool {
    is_plain(code) && char::from_u32(code).is_none_or(|c| !profile_may_act_on(c))
}

/// A set of the Basic Multilingual Plane's code points, a bit per code
/// point, worked out 64 at a time as text asks for them (a process that
/// fixes a line pays for that line's blocks, not for all 1,024: 65,536
/// characters worked out took longer than fixing a short file). A block
/// not worked out yet reads as empty, so that the common answer takes one
/// load and the others a second look.
struct LazyBits {
    bits: [AtomicU64; 1024],
    /// Which blocks are worked out, a bit each.
    done: [AtomicU64; 16],
    /// Whether a code point belongs.
    member: fn(u32) -> bool,
}

impl LazyBits {
    const fn new(member: fn(u32) -> bool) -> LazyBits {
        LazyBits {
            bits: [const { AtomicU64::new(0) }; 1024],
            done: [const { AtomicU64::new(0) }; 16],
            member,
        }
    }

    /// Whether `code` (below U+10000) belongs.
    #[inline]
    fn contains(&self, code: u32) -> bool {
        self.contains_in_block((code / 64) as usize % 1024, (code % 64) as u8)
    }

    /// Whether code point `bit` of block `block` (below 1,024 and 64)
    /// belongs.
    #[inline]
    fn contains_in_block(&self, block: usize, bit: u8) -> bool {
        self.bits[block].load(Ordering::Relaxed) >> bit & 1 != 0 || {
            let done = self.done[block / 64].load(Ordering::Acquire) >> (block % 64) & 1 != 0;
            !done && self.work_out(block) >> bit & 1 != 0
        }
    }

    /// The bits of block `block`, worked out and stored. (Threads that
    /// meet here work out the same bits.)
    #[cold]
    fn work_out(&self, block: usize) -> u64 {
        let first = block as u32 * 64;
        let bits = (0..64)
            .filter(|&k| (self.member)(first + k))
            .fold(0u64, |bits, k| bits | 1 << k);
        self.bits[block].store(bits, Ordering::Relaxed);
        self.done[block / 64].fetch_or(1 << (block % 64), Ordering::Release);
        bits
    }
}

/// [`is_suspect`], worked out.
fn classify_suspect(c: char) -> bool {
    match c {
        '\u{80}'..='\u{2FF}' | '\u{370}'..='\u{7FF}' => true,
        '€' | '™' | '†' | '‡' | '‰' | '‹' | '›' | '‚' | '„' | '•' => true,
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' => true,
        '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{FF61}'..='\u{FF9F}' => true,
        '\u{3040}'..='\u{30FF}' => true,
        // What GBK's `，。、` and `—` read as Big5 give (bopomofo, small
        // forms, a quotation mark), which ends a misread span as often as
        // its commonest characters.
        '\u{3105}'..='\u{3129}' | '\u{FE5C}'..='\u{FE5E}' | '\u{301E}' => true,
        // What GBK's symbol rows give Big5 read as GBK (vertical forms,
        // squared units, the diagonal arrows that are Big5's `沉沅沛汪`),
        // which clean text hardly writes.
        '\u{FE30}'..='\u{FE4F}' | '\u{3300}'..='\u{33FF}' | '\u{2196}'..='\u{2199}' => true,
        '烫' | '屯' => true,
        _ if is_han(c) => char_cost(c) >= RARE_HAN_COST,
        _ => false,
    }
}

/// From this cost up, a Han character is rare enough to make a span
/// suspect.
const RARE_HAN_COST: u32 = 15;

/// Characters that end a span searched for mojibake: whitespace, except
/// what Latin-1 decodes bytes 0x85 and 0xA0 to (NEL and no-break space are
/// inside most UTF-8 read as windows-1252). Not CJK punctuation: UTF-8 read
/// as GBK gives `」`, `。` and their kin from pairs of continuation bytes;
/// the search for repaired parts of a span finds mojibake next to clean
/// text.
fn is_delimiter(c: char) -> bool {
    // (Unicode's `White_Space`, spelled out: `char::is_whitespace` looks
    // every character above ASCII up in a table, and this is asked of
    // every character of every line searched.)
    matches!(c,
        '\t'..='\r' | ' ' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}'
        | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// Mojibake and out-of-phase GBK, span by span; then, line by line, Big5
/// and GBK swapped across the spaces between spans.
fn find_mojibake(chars: &[char], edits: &mut Edits) {
    find_mojibake_with(chars, Gates::On, edits);
}

/// Whether the searches for mojibake skip what a cheap test proves they
/// would find nothing in (see `LineFacts`): always, but in the tests that
/// compare the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gates {
    On,
    #[cfg(test)]
    Off,
}

/// [`find_mojibake`], with or without its `gates`.
fn find_mojibake_with(chars: &[char], gates: Gates, edits: &mut Edits) {
    let mut buffers = WindowBuffers::default();
    // (The windows of a span, and of a line, in vectors kept from span to
    // span and line to line: nearly every line of classical poetry has a
    // rare character, and so windows.)
    let (mut windows, mut line_windows) = (Vec::new(), Vec::new());
    let mut line_start = 0;
    while line_start < chars.len() {
        // (Spans never hold a line break.)
        let len = chars[line_start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(chars.len() - line_start, |at| at + 1);
        let line = &chars[line_start..line_start + len];
        let first_edit = edits.edits.len();
        let facts = LineFacts::of(line, gates);
        let line_scripts = LineScripts::new(line);
        // The windows of the spans, in the line, joined as the line's
        // (the suspect characters are the same).
        line_windows.clear();
        let mut start = 0;
        while start < line.len() {
            if is_delimiter(line[start]) {
                start += 1;
                continue;
            }
            let end = start
                + line[start..]
                    .iter()
                    .position(|&c| is_delimiter(c))
                    .unwrap_or(line.len() - start);
            let span = &line[start..end];
            suspect_windows(span, &mut windows);
            for &(first, last) in &windows {
                let (first, last) = (start + first, start + last);
                match line_windows.last_mut() {
                    Some((_, end)) if first <= *end + WINDOW_GAP => *end = last,
                    _ => line_windows.push((first, last)),
                }
            }
            repair_span(
                span,
                &windows,
                line_start + start,
                facts,
                &line_scripts,
                &mut buffers,
                edits,
            );
            start = end;
        }
        line_windows.retain(|&(first, last)| line[first..last].iter().any(|&c| is_delimiter(c)));
        repair_swaps_across_spaces(line, &line_windows, line_start, facts, &mut buffers, edits);
        // (The searches below act only on characters most lines lack: see
        // `LineFacts`.)
        if facts.latin1 {
            let gbk_as_latin = |edit: &Edit| edit.chain == [(WINDOWS_1252, GB18030)];
            let next_to_han = !edits.edits[first_edit..].iter().any(gbk_as_latin);
            repair_short_gbk_runs(line, line_start, next_to_han, edits);
        }
        if facts.table_border {
            repair_table_borders(line, line_start, edits);
        }
        repair_leftover_swaps(line, line_start, first_edit, edits);
        line_start += len;
    }
}

/// The buffers the searches of a text's windows work in, kept from window
/// to window (see `mojibake::SearchBuffers`): the text of a short span,
/// where each character of the window searched starts (see
/// `mojibake::Searched`), and the searches' own.
#[derive(Default)]
struct WindowBuffers {
    /// A short span's text (see `repair_span`).
    span_text: String,
    offsets: Vec<usize>,
    search: mojibake::SearchBuffers,
}

/// What the searches of a line's spans need to know of the whole line: a
/// line is decoded at once, by one decoder, so what shows anywhere in it
/// bears on every span.
#[derive(Debug, Clone, Copy)]
struct LineFacts {
    /// Whether the line has private-use characters of Big5's user-defined
    /// areas (see `mojibake::SwapContext`).
    big5_user_defined: bool,
    /// The kana the line holds: Japanese writes them everywhere, so kana
    /// mark Big5 read as GBK only where a line has few (Japanese text
    /// split by spaces leaves a span with one).
    kana: usize,
    /// The Han characters the line holds.
    han: usize,
    /// Whether the line has a character of U+0080..=U+00FF, which
    /// `repair_short_gbk_runs` repairs runs of.
    latin1: bool,
    /// Whether the line has a character other than ASCII that
    /// windows-1252 decodes a byte to (see `mojibake::is_single_byte`),
    /// which a run `repair_single_byte_runs` repairs must hold.
    single_byte: bool,
    /// Whether the line has a `岫`, which `repair_table_borders` repairs.
    table_border: bool,
}

/// The counts of `ScriptCounts` over a whole line, counted where a span
/// first asks: most spans show a script of their own.
struct LineScripts<'a> {
    line: &'a [char],
    counts: std::cell::OnceCell<[u32; 5]>,
}

impl<'a> LineScripts<'a> {
    fn new(line: &'a [char]) -> LineScripts<'a> {
        LineScripts {
            line,
            counts: std::cell::OnceCell::new(),
        }
    }

    fn counts(&self) -> [u32; 5] {
        *self.counts.get_or_init(|| script_counts_of(self.line))
    }
}

impl LineFacts {
    /// The facts of `line`, in one pass over it (every line searched for
    /// mojibake pays for it); without `gates`, the characters the searches
    /// need are taken to be there.
    fn of(line: &[char], gates: Gates) -> LineFacts {
        let mut facts = LineFacts {
            big5_user_defined: false,
            kana: 0,
            han: 0,
            latin1: false,
            single_byte: false,
            table_border: false,
        };
        for &c in line {
            if c.is_ascii() {
                continue;
            }
            if is_han(c) {
                facts.han += 1;
                facts.table_border |= c == '岫';
                continue;
            }
            facts.big5_user_defined |= mojibake::is_big5_user_defined(c);
            facts.kana += usize::from(mojibake::is_kana(c));
            facts.latin1 |= c <= '\u{FF}';
            facts.single_byte |= mojibake::is_single_byte(c);
        }
        if gates != Gates::On {
            (facts.latin1, facts.single_byte, facts.table_border) = (true, true, true);
        }
        facts
    }
}

/// How far apart suspect characters may be and still belong to one window,
/// and how far a window reaches past its first and last: mojibake is made of
/// suspect characters, with now and then a common one among them or at an
/// edge.
const WINDOW_GAP: usize = 4;
const WINDOW_MARGIN: usize = 3;

/// How much text on each side of a window tells the script around it.
const CONTEXT: usize = 256;

/// How far apart the overlapping pieces of a long window start.
const WINDOW_STEP: usize = mojibake::MAX_PART_SPAN - 32;

/// A short span is tried as a whole; in a longer one, only windows around
/// its suspect characters are searched, so that the work follows the
/// damage, not the length of the text.
const WHOLE_SPAN: usize = 64;

/// Repairs `span` (at `offset`, with `windows` its `suspect_windows`, in a
/// line with `facts` and `line_scripts`, searching in `buffers`).
fn repair_span(
    span: &[char],
    windows: &[(usize, usize)],
    offset: usize,
    facts: LineFacts,
    line_scripts: &LineScripts,
    buffers: &mut WindowBuffers,
    edits: &mut Edits,
) {
    if windows.is_empty() {
        return;
    }
    // A short span's text, tried as a whole; its pieces' texts are then
    // slices of it.
    let whole = (span.len() <= WHOLE_SPAN).then(|| {
        let text = &mut buffers.span_text;
        text.clear();
        text.extend(span);
        &text[..]
    });
    if let Some(text) = whole {
        if let Some(repair) = mojibake::repair(text) {
            edits.push(mojibake_edit(offset, span, repair));
            return;
        }
    }
    // What is around each piece: stretches that move forward with the
    // pieces.
    let (mut before, mut after) = (ScriptCounts::new(span), ScriptCounts::new(span));
    for (start, end) in pieces(windows, span.len()) {
        let window = &span[start..end];
        let text: Cow<str> = match whole {
            Some(whole) => {
                let from = utf8_len(&span[..start]);
                Cow::Borrowed(&whole[from..from + utf8_len(window)])
            }
            None => Cow::Owned(text_of(window)),
        };
        // The Han characters only one script writes in the text around the
        // window, and the kana there and in it (a bounded stretch, to keep
        // the work linear), counted once where a search asks.
        let mut around = None;
        let mut context = || {
            *around.get_or_insert_with(|| {
                let [s0, t0, k0, g0, b0] = before.counts(start.saturating_sub(CONTEXT), start);
                let [s1, t1, k1, g1, b1] = after.counts(end, (end + CONTEXT).min(span.len()));
                let kana = window.iter().filter(|&&c| mojibake::is_kana(c)).count();
                // (Where the span shows no script, its line does: words
                // between spaces, `不湔婓 或者 是 一个`, were decoded by one
                // decoder with the rest of their line.)
                let [mut s, mut t, mut g, mut b] = [s0 + s1, t0 + t1, g0 + g1, b0 + b1];
                if s + t + g + b == 0 {
                    let (line, own) = (line_scripts.counts(), script_counts_of(window));
                    let rest = |k: usize| line[k] - own[k];
                    [s, t, g, b] = [rest(0), rest(1), rest(3), rest(4)];
                }
                mojibake::SwapContext {
                    simplified: s,
                    traditional: t,
                    kana: ((k0 + k1) as usize + kana).max(facts.kana),
                    gb2312_only: g,
                    big5_only: b,
                    big5_user_defined: facts.big5_user_defined,
                    line_han: facts.han,
                    across_spaces: false,
                }
            })
        };
        let searched = mojibake::Searched::new(&text, window, &mut buffers.offsets);
        let parts = mojibake::repair_parts(&searched, &mut context, &mut buffers.search);
        let swaps = mojibake::repair_swaps(&searched, &mut context, &mut buffers.search);
        for (part_start, part_end, repair) in parts.into_iter().chain(swaps) {
            edits.push(mojibake_edit(
                offset + start + part_start,
                &window[part_start..part_end],
                repair,
            ));
        }
        if let Some((part_start, part_end, text)) = phase::repair(window) {
            edits.push(Edit {
                start: offset + start + part_start,
                end: offset + start + part_end,
                after: text,
                rule: Rule::OutOfPhase,
                chain: vec![(encoding_rs::GBK, encoding_rs::GBK)],
                confidence: 0.9,
                claims: true,
            });
        }
    }
    // Runs of Latin-1 (and windows-1252) characters next to Han ones, or
    // left between the parts repaired above: GBK or UTF-8 read as
    // windows-1252 or ISO-8859-1. (A run repaired holds a character other
    // than ASCII that windows-1252 decodes a byte to: only in lines with
    // one.)
    if facts.single_byte {
        repair_single_byte_runs(span, offset, edits);
    }
}

/// `chars` as a string, sized first (collected blind, a string of Han
/// characters grows a few times: this runs for every window searched).
fn text_of(chars: &[char]) -> String {
    let mut text = String::with_capacity(utf8_len(chars));
    text.extend(chars);
    text
}

/// How many bytes `chars` take in UTF-8.
fn utf8_len(chars: &[char]) -> usize {
    chars.iter().map(|c| c.len_utf8()).sum()
}

/// Into `windows` (emptied first), the windows around the suspect
/// characters of `span` (made as they are found: a span can be millions of
/// them), each from its first suspect character to past its last.
fn suspect_windows(span: &[char], windows: &mut Vec<(usize, usize)>) {
    windows.clear();
    for at in (0..span.len()).filter(|&i| !span[i].is_ascii() && is_suspect(span[i])) {
        match windows.last_mut() {
            Some((_, end)) if at <= *end + WINDOW_GAP => *end = at + 1,
            _ => windows.push((at, at + 1)),
        }
    }
}

/// `windows` (of a span `len` long) with their margins, long ones in
/// overlapping pieces, as the searches inside look at a bounded length.
fn pieces(windows: &[(usize, usize)], len: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    windows.iter().flat_map(move |&(first, last)| {
        let (start, end) = (
            first.saturating_sub(WINDOW_MARGIN),
            (last + WINDOW_MARGIN).min(len),
        );
        (start..end)
            .step_by(WINDOW_STEP)
            .map(move |from| (from, (from + mojibake::MAX_PART_SPAN).min(end)))
    })
}

/// Big5 read as GBK, or GBK read as Big5, across the spaces of `line` (at
/// `offset`): words of text that puts spaces between them (`使它 不在 指砃
/// 睡 恅璃`), or damage with ASCII inside, are searched as one stretch,
/// which the evidence of one word then vouches for. Only the windows that
/// hold a space between suspect characters are searched (the others were,
/// span by span: `windows` are those that do), and only the runs that
/// cross one are repaired, where nothing else was.
fn repair_swaps_across_spaces(
    line: &[char],
    windows: &[(usize, usize)],
    offset: usize,
    facts: LineFacts,
    buffers: &mut WindowBuffers,
    edits: &mut Edits,
) {
    if windows.is_empty() {
        return;
    }
    let (mut before, mut after) = (ScriptCounts::new(line), ScriptCounts::new(line));
    for (start, end) in pieces(windows, line.len()) {
        let window = &line[start..end];
        let text = text_of(window);
        let searched = mojibake::Searched::new(&text, window, &mut buffers.offsets);
        let context = || {
            let [s0, t0, k0, g0, b0] = before.counts(start.saturating_sub(CONTEXT), start);
            let [s1, t1, k1, g1, b1] = after.counts(end, (end + CONTEXT).min(line.len()));
            let kana = window.iter().filter(|&&c| mojibake::is_kana(c)).count();
            mojibake::SwapContext {
                simplified: s0 + s1,
                traditional: t0 + t1,
                kana: ((k0 + k1) as usize + kana).max(facts.kana),
                gb2312_only: g0 + g1,
                big5_only: b0 + b1,
                big5_user_defined: facts.big5_user_defined,
                line_han: facts.han,
                across_spaces: true,
            }
        };
        let swaps = mojibake::repair_swaps(&searched, context, &mut buffers.search);
        for (part_start, part_end, repair) in swaps {
            let part = &window[part_start..part_end];
            if !part.iter().any(|&c| is_delimiter(c)) {
                continue;
            }
            // (A swap maps each character to one: the pieces of the run
            // that nothing else repaired are repaired as pieces.)
            let swapped: Vec<char> = repair.text.chars().collect();
            if swapped.len() != part.len() {
                continue;
            }
            let at = offset + start + part_start;
            let free: Vec<bool> = (0..part.len())
                .map(|i| edits.is_free(at + i, at + i + 1))
                .collect();
            // (Nor the clean words beside the damage: see `is_clean_word`.)
            let mut kept = vec![false; part.len()];
            for (word_start, word_end) in words(part) {
                if is_clean_word(&part[word_start..word_end], &swapped[word_start..word_end]) {
                    kept[word_start..word_end].fill(true);
                }
            }
            let mut i = 0;
            while i < part.len() {
                if !free[i] || kept[i] {
                    i += 1;
                    continue;
                }
                let from = i;
                while i < part.len() && free[i] && !kept[i] {
                    i += 1;
                }
                if swapped[from..i] != part[from..i] {
                    let piece = mojibake::Repair {
                        text: swapped[from..i].iter().collect(),
                        chain: repair.chain.clone(),
                        confidence: repair.confidence,
                    };
                    edits.push(mojibake_edit(at + from, &part[from..i], piece));
                }
            }
        }
    }
}

/// How many characters of `chars` (at `offset` in the text) from `at` on
/// are `wanted` and not claimed by an edit yet.
fn free_run(
    chars: &[char],
    at: usize,
    offset: usize,
    edits: &Edits,
    wanted: impl Fn(char) -> bool,
) -> usize {
    chars[at..]
        .iter()
        .enumerate()
        .take_while(|&(i, &c)| wanted(c) && edits.is_free(offset + at + i, offset + at + i + 1))
        .count()
}

/// Runs of Latin-1 (and windows-1252) characters whose characters are not
/// claimed yet, each undone as a whole if it can be.
fn repair_single_byte_runs(span: &[char], offset: usize, edits: &mut Edits) {
    let mut at = 0;
    while at < span.len() {
        let run = free_run(span, at, offset, edits, mojibake::is_single_byte);
        let run_span = &span[at..at + run];
        // (A short span that is one run was tried as a whole.)
        let tried = run == span.len() && span.len() <= WHOLE_SPAN;
        if run >= 2 && run_span.iter().any(|&c| !c.is_ascii() && is_suspect(c)) {
            // The run, else without the punctuation windows-1252 has
            // beyond Latin-1 at its ends (`“` before GBK read so is more
            // often the text's own than a lead byte), else without the
            // ASCII at its ends (`ÊÖ²á£º\fBhttps://…`: a long tail of
            // clean ASCII dilutes the gain).
            let is_punctuation = |c: &char| u32::from(*c) > 0xFF;
            let inner_start = run_span.iter().take_while(|c| is_punctuation(c)).count();
            let inner_end = run
                - run_span
                    .iter()
                    .rev()
                    .take_while(|c| is_punctuation(c))
                    .count();
            let core_start = run_span.iter().take_while(|c| c.is_ascii()).count();
            let core_end = run - run_span.iter().rev().take_while(|c| c.is_ascii()).count();
            let candidates = [
                (0, run),
                (inner_start, inner_end.max(inner_start)),
                (core_start, core_end.max(core_start)),
            ];
            for (index, &(from, to)) in candidates.iter().enumerate() {
                let whole = (from, to) == (0, run);
                if to < from + 2
                    || (whole && tried)
                    || (index > 0 && whole)
                    || candidates[..index].contains(&(from, to))
                {
                    continue;
                }
                let text: String = run_span[from..to].iter().collect();
                let before = (at + from).checked_sub(1).map(|i| span[i]);
                let after = span.get(at + to).copied();
                if let Some(repair) = mojibake::repair_between(before, &text, after) {
                    edits.push(mojibake_edit(
                        offset + at + from,
                        &run_span[from..to],
                        repair,
                    ));
                    break;
                }
            }
        }
        at += run.max(1);
    }
}

/// Runs of Latin-1 characters too short to repair on their own evidence
/// (`µÄ` is `的`, `©¦` is `│`, `£¬` is `，`), in `line` (at `offset`)
/// where GBK read as windows-1252 or ISO-8859-1 was repaired elsewhere:
/// the line shows the damage, so a run whose bytes read as GBK give
/// common Chinese characters or CJK punctuation and symbols, a byte pair
/// each, is the same damage. Elsewhere (`next_to_han`), only runs that
/// touch a Han character (`中µÄ` is `中的`, `文¼þ` is `文件`): Latin
/// letters stand next to Han characters only as words of their own, which
/// two accented letters alone hardly make.
fn repair_short_gbk_runs(line: &[char], offset: usize, next_to_han: bool, edits: &mut Edits) {
    let mut at = 0;
    while at < line.len() {
        let run = free_run(line, at, offset, edits, |c| {
            ('\u{80}'..='\u{FF}').contains(&c)
        });
        // (Longer runs had their chance in `repair_single_byte_runs`.)
        let touches_han = || {
            at.checked_sub(1).is_some_and(|i| is_han(line[i]))
                || line.get(at + run).is_some_and(|&c| is_han(c))
        };
        if (2..=SHORT_GBK_RUN).contains(&run) && run % 2 == 0 && (!next_to_han || touches_han()) {
            let part = &line[at..at + run];
            let text: String = part.iter().collect();
            let decoded = mojibake::encode(&text, WINDOWS_1252)
                .and_then(|bytes| mojibake::decode(&bytes, GB18030))
                .filter(|decoded| {
                    decoded.chars().count() * 2 == run && decoded.chars().all(is_common_in_gbk_text)
                });
            if let Some(decoded) = decoded {
                let repair = mojibake::Repair {
                    text: decoded,
                    chain: vec![(WINDOWS_1252, GB18030)],
                    confidence: SHORT_GBK_RUN_CONFIDENCE,
                };
                edits.push(mojibake_edit(offset + at, part, repair));
            }
        }
        at += run.max(1);
    }
}

/// Big5 and GBK swapped, left between the repairs of the same damage in
/// `line` (at `offset`; its repairs are `edits.edits[first_edit..]`): runs
/// of Han characters that the searches passed over as too short or without
/// text around to judge them (`曹講` before ASCII, `衾linux`, the first
/// word of a line), bounded by the line's edges, ASCII, punctuation or a
/// repair, each swapped as the line's repairs were where the swap vouches
/// for itself (see `mojibake::leftover_swap`).
fn repair_leftover_swaps(line: &[char], offset: usize, first_edit: usize, edits: &mut Edits) {
    let swapped = |read_as| {
        edits.edits[first_edit..]
            .iter()
            .filter(|edit| edit.chain == [(read_as, swap_partner(read_as))])
            .count()
    };
    let read_as = match (swapped(encoding_rs::BIG5), swapped(GB18030)) {
        (0, 0) => return,
        (gbk_as_big5, big5_as_gbk) if gbk_as_big5 >= big5_as_gbk => encoding_rs::BIG5,
        _ => GB18030,
    };
    let mut at = 0;
    while at < line.len() {
        // (A misread quotation mark is a run of its own: `※仕而优则学` is
        // `“仕而优则学`.)
        let quotation = |c| mojibake::is_quotation_read_as_big5(c, read_as);
        let run = match free_run(line, at, offset, edits, quotation) {
            0 => free_run(line, at, offset, edits, |c| {
                mojibake::is_leftover(c, read_as) && !quotation(c)
            }),
            _ => 1,
        };
        if run > 0 {
            let part = &line[at..at + run];
            if let Some(repair) = mojibake::leftover_swap(part, read_as) {
                edits.push(mojibake_edit(offset + at, part, repair));
            }
        }
        at += run.max(1);
    }
}

/// The other of GBK and Big5, for swaps.
fn swap_partner(read_as: &'static encoding_rs::Encoding) -> &'static encoding_rs::Encoding {
    match read_as == GB18030 {
        true => encoding_rs::BIG5,
        false => GB18030,
    }
}

/// The words of `chars` (between delimiters), as ranges.
fn words(chars: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        at += chars[at..].iter().take_while(|&&c| is_delimiter(c)).count();
        let start = at;
        at += chars[at..]
            .iter()
            .take_while(|&&c| !is_delimiter(c))
            .count();
        (at > start).then_some((start, at))
    })
}

/// Whether `word` of a run swapped across spaces is a clean word beside
/// the damage, not part of it: Han characters that make as many known
/// pairs as they stand as swapped (`swapped`), and at least one (`蝴蝶`
/// before a misread phrase, which would swap to `焦胶`).
fn is_clean_word(word: &[char], swapped: &[char]) -> bool {
    let pairs = |chars: &[char]| {
        chars
            .windows(2)
            .filter(|pair| is_known_pair(pair[0], pair[1]))
            .count()
    };
    word.len() >= 2 && word.iter().all(|&c| is_han(c)) && pairs(word) >= pairs(swapped).max(1)
}

/// GBK's `│` read as Big5 is `岫`: in a line that draws a table (with two
/// of `│` and `岫` at least), each `岫` beside the table's other text (with
/// something other than a Han character on one side, or the line's edge)
/// is a border (in `line`, at `offset`). Clean text writes `岫`, a
/// mountain's cave, between Han characters, and not twice in a line with
/// box drawing (no line of the clean corpora does).
fn repair_table_borders(line: &[char], offset: usize, edits: &mut Edits) {
    let borders = line.iter().filter(|&&c| matches!(c, '│' | '岫')).count();
    if borders < 2 || !line.contains(&'岫') {
        return;
    }
    let beside_other =
        |at: Option<usize>| at.and_then(|at| line.get(at)).is_none_or(|&c| !is_han(c));
    for at in (0..line.len()).filter(|&at| line[at] == '岫') {
        if beside_other(at.checked_sub(1)) || beside_other(Some(at + 1)) {
            let repair = mojibake::Repair {
                text: "│".to_string(),
                chain: vec![(encoding_rs::BIG5, GB18030)],
                confidence: TABLE_BORDER_CONFIDENCE,
            };
            edits.push(mojibake_edit(offset + at, &line[at..at + 1], repair));
        }
    }
}

/// How sure `repair_table_borders` is.
const TABLE_BORDER_CONFIDENCE: f32 = 0.8;

/// The longest run `repair_short_gbk_runs` repairs (two characters of
/// GBK), and how sure it is.
const SHORT_GBK_RUN: usize = 4;
const SHORT_GBK_RUN_CONFIDENCE: f32 = 0.6;

/// Whether `c` is what GBK text is mostly written in: a Han character that
/// is not rare, CJK or full-width punctuation, or a box-drawing line.
fn is_common_in_gbk_text(c: char) -> bool {
    match c {
        '\u{2500}'..='\u{257F}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}' => true,
        '—' | '…' | '‘' | '’' | '“' | '”' | '·' => true,
        _ => is_han(c) && char_cost(c) < RARE_HAN_COST,
    }
}

/// The characters seen only in Simplified and only in Traditional text (see
/// `score::script_only`), the kana, and the Han characters only one of
/// GB2312 and Big5 has (see `mojibake::charset_only`), in a stretch of a
/// span, kept up to
/// date as the stretch moves forward: a character at a time, not a scoring
/// of the whole stretch for each piece of a window.
struct ScriptCounts<'a> {
    span: &'a [char],
    start: usize,
    end: usize,
    /// The five counts, `COUNT_BITS` each (see `SPREAD`): a character is
    /// added with one addition, not five.
    counts: u64,
}

/// How many bits each count of `ScriptCounts` takes: the stretches it is
/// asked for are at most `CONTEXT` characters long, and a count is at most
/// a stretch's length.
const COUNT_BITS: u32 = 12;
const _: () = assert!(CONTEXT < 1 << COUNT_BITS && 5 * COUNT_BITS <= 64);

impl<'a> ScriptCounts<'a> {
    fn new(span: &'a [char]) -> ScriptCounts<'a> {
        ScriptCounts {
            span,
            start: 0,
            end: 0,
            counts: 0,
        }
    }

    /// The counts over `span[start..end]` (at most `CONTEXT` long):
    /// Simplified only, Traditional only, kana, and Han characters only
    /// GB2312 and only Big5 has.
    fn counts(&mut self, start: usize, end: usize) -> [u32; 5] {
        debug_assert!(end - start <= CONTEXT);
        if start < self.start || end < self.end || start >= self.end {
            // (Not asked by the pieces, which move forward, or past all
            // that is counted: start over there.)
            *self = ScriptCounts {
                start,
                end: start,
                ..ScriptCounts::new(self.span)
            };
        }
        let main_block = main_block_counts();
        let of = |c: char| -> u64 {
            let bits = match (c as usize).checked_sub(MAIN_BLOCK) {
                Some(at) if at < main_block.len() => main_block[at],
                // (Nothing below the kana is counted: most of what is not
                // Han is ASCII and punctuation.)
                _ if c < FIRST_COUNTED => 0,
                _ => counted_bits(c),
            };
            SPREAD[usize::from(bits & 31)]
        };
        // (What leaves the stretch first, so that no count ever holds more
        // than the longer of the two stretches.)
        while self.start < start {
            self.counts -= of(self.span[self.start]);
            self.start += 1;
        }
        while self.end < end {
            self.counts += of(self.span[self.end]);
            self.end += 1;
        }
        std::array::from_fn(|k| {
            (self.counts >> (COUNT_BITS * k as u32) & ((1 << COUNT_BITS) - 1)) as u32
        })
    }
}

/// The counts of `ScriptCounts` over all of `chars`.
fn script_counts_of(chars: &[char]) -> [u32; 5] {
    let main_block = main_block_counts();
    let mut counts = [0; 5];
    for &c in chars.iter().filter(|&&c| c >= FIRST_COUNTED) {
        let bits = match (c as usize).checked_sub(MAIN_BLOCK) {
            Some(at) if at < main_block.len() => main_block[at],
            _ => counted_bits(c),
        };
        for (k, count) in counts.iter_mut().enumerate() {
            *count += u32::from(bits >> k & 1);
        }
    }
    counts
}

/// The bits of `counted_bits` (five), each as one to its count of
/// `ScriptCounts::counts`, by the bits.
const SPREAD: [u64; 32] = {
    let mut table = [0; 32];
    let mut bits = 0;
    while bits < 32 {
        let mut k = 0;
        while k < 5 {
            table[bits] |= ((bits as u64) >> k & 1) << (COUNT_BITS * k as u32);
            k += 1;
        }
        bits += 1;
    }
    table
};

/// The first character `counted_bits` counts anything of (the first kana).
const FIRST_COUNTED: char = '\u{3040}';

/// What `ScriptCounts` counts of `c`, a bit each, in the order of its
/// counts.
fn counted_bits(c: char) -> u8 {
    let (s, t) = crate::score::script_only(c);
    let (g, b) = mojibake::charset_only(c);
    [s, t, mojibake::is_kana(c), g, b]
        .iter()
        .enumerate()
        .fold(0, |bits, (k, &yes)| bits | u8::from(yes) << k)
}

/// Where the main block of Han characters starts (it ends at U+9FFF).
const MAIN_BLOCK: usize = 0x4E00;

/// `counted_bits` of the main block of Han characters, worked out once:
/// the counts step over every character around a window, and one load
/// a character is what that can afford.
fn main_block_counts() -> &'static [u8] {
    static COUNTS: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    COUNTS.get_or_init(|| {
        (MAIN_BLOCK as u32..=0x9FFF)
            .map(|code| char::from_u32(code).map_or(0, counted_bits))
            .collect()
    })
}

/// The edit that replaces `before` (at `start`) with `repair`; its rule
/// says what the mojibake held that marks rows of its own: private-use
/// characters (a user-defined area hit), C1 controls (ISO-8859-1).
fn mojibake_edit(start: usize, before: &[char], repair: mojibake::Repair) -> Edit {
    let rule = if before.iter().any(|c| ('\u{E000}'..='\u{F8FF}').contains(c)) {
        Rule::PrivateUse
    } else if before.iter().any(|c| ('\u{80}'..='\u{9F}').contains(c)) {
        Rule::C1Control
    } else {
        Rule::Mojibake
    };
    Edit {
        start,
        end: start + before.len(),
        after: repair.text,
        rule,
        chain: repair.chain,
        confidence: repair.confidence,
        claims: true,
    }
}

/// How many more times a repaired span is searched for mojibake: a span can
/// hold two kinds side by side (UTF-8 and GBK, both read as windows-1252),
/// and undoing one as a whole can leave the other. Searching the repair
/// again makes one pass of `fix` do what a second would.
const POLISH_ROUNDS: usize = 2;

/// `text` (a repaired span) with any mojibake left in it repaired too, in
/// at most `rounds` more searches. (A loop, not a recursion through
/// `find_mojibake`: each search could find a repair to polish again.)
fn polish(text: String, rounds: usize) -> String {
    if rounds == 0 || !text.chars().any(|c| !c.is_ascii() && is_suspect(c)) {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut edits = Edits::default();
    find_mojibake(&chars, &mut edits);
    if edits.edits.is_empty() {
        return text;
    }
    let (polished, _) = edits.apply(&text, &chars, false);
    polish(polished, rounds - 1)
}

/// HTML references, `\u` escapes and percent-encoding left in data (see
/// `escape`); the decoded text is searched for mojibake too, as escapes of
/// mojibake are decoded to mojibake (`\u00e4\u00bd\u00a0`).
fn find_escapes(chars: &[char], urls: bool, edits: &mut Edits) {
    for decoded in escape::find(chars, urls) {
        edits.push(Edit {
            start: decoded.start,
            end: decoded.end,
            after: polish(decoded.text, POLISH_ROUNDS),
            rule: decoded.rule,
            chain: Vec::new(),
            confidence: decoded.confidence,
            claims: true,
        });
    }
}

/// Ruby leftovers, if the document shows the pattern (as `pattern` says,
/// or else as `chars` show).
fn find_ruby(chars: &[char], pattern: Option<bool>, edits: &mut Edits) {
    if pattern == Some(false) {
        return;
    }
    let annotations = ruby::annotations(chars);
    if !pattern.unwrap_or_else(|| ruby::Counts::of(&annotations).is_pattern()) {
        return;
    }
    for annotation in annotations.iter().filter(|a| a.matches) {
        edits.push(Edit {
            start: annotation.start,
            end: annotation.end,
            after: String::new(),
            rule: Rule::Ruby,
            chain: Vec::new(),
            confidence: 0.95,
            claims: true,
        });
    }
}

/// Zero-width spaces, word joiners and byte-order marks next to Han
/// characters or CJK punctuation, where they do nothing (Chinese has no
/// spaces to mark); elsewhere, as between Latin words, they may mark where a
/// line can break. (A byte-order mark at the very start is not mid-text.)
fn find_invisible(chars: &[char], edits: &mut Edits) {
    let cjk = |c: Option<&char>| {
        c.is_some_and(|&c| {
            is_han(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
        })
    };
    for i in 1..chars.len() {
        if matches!(chars[i], '\u{200B}' | '\u{2060}' | '\u{FEFF}')
            && (cjk(chars.get(i - 1)) || cjk(chars.get(i + 1)))
        {
            edits.push(Edit {
                start: i,
                end: i + 1,
                after: String::new(),
                rule: Rule::Invisible,
                chain: Vec::new(),
                confidence: 1.0,
                claims: true,
            });
        }
    }
}

/// Damage that cannot be undone: `锟斤拷` runs, runs of three or more `烫`
/// or `屯`, and U+FFFD runs.
fn find_flags(chars: &[char]) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // (Nearly every character starts none of them: one test says so.)
        if !matches!(chars[i], '锟' | '烫' | '屯' | '\u{FFFD}') {
            i += 1;
            continue;
        }
        let run =
            |pattern: &dyn Fn(usize) -> bool| (i..chars.len()).take_while(|&j| pattern(j)).count();
        let kunjinkao = run(&|j| chars[j] == ['锟', '斤', '拷'][(j - i) % 3]);
        let (damage, len) = if kunjinkao >= 3 {
            (Damage::Kunjinkao, kunjinkao - kunjinkao % 3)
        } else if matches!(chars[i], '烫' | '屯') && run(&|j| chars[j] == chars[i]) >= 3 {
            (Damage::FillBytes, run(&|j| chars[j] == chars[i]))
        } else if chars[i] == '\u{FFFD}' {
            (Damage::Replacement, run(&|j| chars[j] == '\u{FFFD}'))
        } else {
            i += 1;
            continue;
        };
        flags.push(Flag {
            damage,
            start: i,
            end: i + len,
            text: chars[i..i + len].iter().collect(),
        });
        i += len;
    }
    flags
}

/// If `after` (what follows a `?` after a Han character) is the rest of a
/// broken annotation, letters (with tone marks) then `)` then a Han
/// character: how many letters.
fn rest_of_broken_annotation(mut after: impl Iterator<Item = char>) -> Option<usize> {
    let mut letters = 0;
    let close = loop {
        match after.next() {
            Some(c) if letters < 8 && c.is_alphabetic() && !is_han(c) => letters += 1,
            next => break next,
        }
    };
    (letters > 0 && close == Some(')') && after.next().is_some_and(is_han)).then_some(letters)
}

/// `?` where a byte was lost: after a Han character and before the rest of
/// a broken annotation (`?shù)`), or next to U+FFFD or to a repaired span.
/// (A `?` between Han characters alone is often a question mark that NFKC
/// folded.)
fn find_remnants(chars: &[char], edits: &Edits) -> Vec<Flag> {
    let mut flags = Vec::new();
    // Where repaired spans start and end.
    let edges: std::collections::HashSet<usize> = edits
        .edits
        .iter()
        .filter(|edit| edit.claims)
        .flat_map(|edit| [edit.start, edit.end])
        .collect();
    for i in 1..chars.len() {
        if !matches!(chars[i], '?' | '？') {
            continue;
        }
        let letters = match is_han(chars[i - 1]) {
            true => rest_of_broken_annotation(chars[i + 1..].iter().copied()),
            false => None,
        };
        let broken_annotation = letters.is_some();
        let end = match letters {
            Some(letters) => i + 2 + letters,
            None => i + 1,
        };
        let next_to_damage = chars[i - 1] == '\u{FFFD}'
            || chars.get(end) == Some(&'\u{FFFD}')
            || edges.contains(&end)
            || edges.contains(&i);
        if (broken_annotation || next_to_damage) && edits.is_free(i, end) {
            flags.push(Flag {
                damage: Damage::Remnant,
                start: i,
                end,
                text: chars[i..end].iter().collect(),
            });
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big5_and_gbk_swapped_are_repaired_across_spaces() {
        // Words with spaces between them, each too short to show the
        // misreading, and the damage going on past ASCII (`3`, `. `).
        let damage = |text: &str,
                      was: &'static encoding_rs::Encoding,
                      read_as: &'static encoding_rs::Encoding| {
            read_as
                .decode_without_bom_handling(&was.encode(text).0)
                .0
                .into_owned()
        };
        let (gbk, big5) = (encoding_rs::GB18030, encoding_rs::BIG5);
        for (before, part, after, was, read_as) in [
            (
                "一共是 3 个 ",
                "回答记录, 3 个 名字服务记录",
                " 和 7 个管理结构记录.",
                gbk,
                big5,
            ),
            (
                "此處的 M+1 ",
                "是 所有",
                " 鍵定義行 中 發現 的 最大項數.",
                big5,
                gbk,
            ),
            (
                "指定智慧卡(smartcard)",
                "裝置. 引數",
                "是裝置檔案,",
                big5,
                gbk,
            ),
        ] {
            let damaged = format!("{before}{}{after}", damage(part, was, read_as));
            let clean = format!("{before}{part}{after}");
            assert_ne!(damaged, clean);
            assert_eq!(fix_text(&damaged), clean, "{damaged}");
        }
        // Letters of GBK's pinyin and Greek rows (what Big5 read as GBK
        // leaves) in words of their own, across ASCII, stay.
        for clean in [
            "王先生说：今天天气很好。Café au lait, naïve résumé.",
            "參數 α, β 表示兩個角度。",
        ] {
            assert_eq!(fix_text(clean), clean);
        }
    }

    #[test]
    fn gbk_read_as_latin_is_repaired_without_the_ascii_at_its_ends() {
        // The run of single-byte characters is the whole span; its clean
        // ASCII tail made the gain of the whole too small.
        assert_eq!(
            fix_text("ÊÖ²áÒ³¼Æ»®£º\\fBhttps://github.com/man-pages-zh/manpages-zh\\fR"),
            "手册页计划：\\fBhttps://github.com/man-pages-zh/manpages-zh\\fR"
        );
    }

    #[test]
    fn latin1_with_c1_controls_may_repair_to_rare_characters() {
        // C1 controls show the misreading, so the repair may be as rare as
        // classical poetry is (`敧` in GBK's extension rows).
        assert_eq!(fix_text("相Èç\u{94}ªÕíÍÆºì\u{9A}Û。"), "相如敧枕推红氎。");
        // Not to letters of other alphabets: `á\u{83}½` is valid UTF-8 for
        // `ჽ`, which the C1 control does not vouch for.
        assert_eq!(fix_text("õ©á\u{83}½¿Èí难禁摘。"), "酴醿娇软难禁摘。");
    }

    #[test]
    fn short_gbk_runs_are_repaired_where_the_line_shows_the_damage() {
        // One character of GBK read as Latin-1 is too short to repair on
        // its own (`ÓÃ`, `µÄ`, `©¦`), but not in a line with more of it.
        assert_eq!(
            fix_text("Ä¿Â¼ ÏÂÃæ. ÓÃ ``\\-e'' ¿ª¹Ø ¿ÉÒÔ Ö¸¶¨ µÄ Ö´ÐÐ³ÌÐò."),
            "目录 下面. 用 ``\\-e'' 开关 可以 指定 的 执行程序."
        );
        assert_eq!(
            fix_text("©¦    Èí¼þ°ü    ©¦Á÷ÐÐ¶È ©¦´óÐ¡ ©¦"),
            "│    软件包    │流行度 │大小 │"
        );
        // Alone, or in a line with no other damage, such runs stay.
        for clean in ["Prix: 20 µÄ, café Ä", "©¦ tiger ©¦", "名字 µÄ 王先生"] {
            assert_eq!(fix_text(clean), clean);
        }
    }

    #[test]
    fn a_word_between_spaces_is_judged_in_the_script_of_its_line() {
        // GBK read as Big5, one word of text that puts spaces between its
        // words: the word shows no script, its line is Simplified.
        assert_eq!(
            fix_text(") 不湔婓 或者 是 一个 悬空 的 符号 联接."),
            ") 不存在 或者 是 一个 悬空 的 符号 联接."
        );
        // Clean words of rare characters there stay.
        for clean in ["饕餮 或者 是 一个 悬空 的 符号", "耄耋 之年 的 老人 们 说"]
        {
            assert_eq!(fix_text(clean), clean);
        }
    }

    #[test]
    fn swaps_left_between_a_lines_repairs_are_repaired_as_they_were() {
        // GBK read as Big5: the first word, before ASCII, and a character
        // at the line's start are too short for the searches, but the
        // line's repairs vouch for them.
        assert_eq!(
            fix_text("曹講 G0 and G1 硌砃趼睫茬扞壽炵桶,甜ブ涴笱硌砃壽炵褫眕蚕蚚誧蜊曹."),
            "变量 G0 and G1 指向字符映射关系表,并且这种指向关系可以由用户改变."
        );
        assert_eq!(
            fix_text("衾linux麼岆［坳紱釬炵苀祥珨隅岆斛剕腔﹝"),
            "于linux或是其它操作系统不一定是必须的。"
        );
        // A word between ASCII words (`睿` is `和`).
        assert_eq!(
            fix_text("牖衾涴虳祥瞳腔誑薊厙ロ錶睿癹秶ㄛ砉 Yahoo.com 睿 Gmail.com 涴欴腔"),
            "鉴于这些不利的互联网情况和限制，像 Yahoo.com 和 Gmail.com 这样的"
        );
        // A clean word there stays: `鹦鹉` swaps to no better words.
        assert_eq!(
            fix_text("鹦鹉 硌砃趼睫茬扞壽炵桶"),
            "鹦鹉 指向字符映射关系表"
        );
        // GBK's `“` read as Big5 is `※`, a symbol of its own: alone, or
        // before clean text, it is one run.
        assert_eq!(
            fix_text("是特殊字符 ※ ㄩ§ㄛ寀眳綴不能建立任何超级链接"),
            "是特殊字符 “ ：”，则之后不能建立任何超级链接"
        );
        assert_eq!(
            fix_text("参阅儕貌Е※软件开发”目录"),
            "参阅精华区“软件开发”目录"
        );
        // `‘’` are `＆＊`.
        assert_eq!(
            fix_text(
                "む淕燴唗蹈靡趼岆＆\\fBESC\\fR＊腔趼睫ㄛ\u{F831}彆郭彸囮啖ㄛ涴跺趼睫衄匐輛秶硉 033"
            ),
            "其整理序列名字是‘\\fBESC\\fR’的字符，如果尝试失败，这个字符有八进制值 033"
        );
        // Not in a line without the misreading.
        assert_eq!(
            fix_text("参阅精华区※软件开发目录"),
            "参阅精华区※软件开发目录"
        );
    }

    #[test]
    fn a_clean_word_beside_a_swap_across_spaces_stays() {
        // The run swapped across the space took in `蝴蝶` (`焦胶`), a word
        // as it stands.
        assert_eq!(
            fix_text("蝴蝶 硌砃趼睫茬扞壽炵桶"),
            "蝴蝶 指向字符映射关系表"
        );
    }

    #[test]
    fn box_drawing_read_as_big5_is_repaired_in_table_lines() {
        // GBK's `│` read as Big5 is `岫`.
        assert_eq!(
            fix_text("岫dia    岫V:20,    岫3916    岫"),
            "│dia    │V:20,    │3916    │"
        );
        assert_eq!(fix_text("│video  岫V:0,  │"), "│video  │V:0,  │");
        // `岫` in clean text: once in a line, or between Han characters.
        for clean in ["岫边红日初斜", "云岫 2", "出岫云，归岫鸟。│"] {
            assert_eq!(fix_text(clean), clean);
        }
    }

    #[test]
    fn one_gbk_character_read_as_latin1_next_to_han_is_repaired() {
        // `的` and `件` as windows-1252, touching Han text; the same pair
        // between spaces, and accented words, stay.
        assert_eq!(
            crate::fix_text("使用 perlfunc 中µÄ 函数"),
            "使用 perlfunc 中的 函数"
        );
        assert_eq!(crate::fix_text("分享文¼þ"), "分享文件");
        for clean in ["分享 ¼þ 文", "法语的 café 和 crème", "芬兰语 kää 的意思"]
        {
            assert_eq!(crate::fix_text(clean), clean);
        }
    }

    #[test]
    fn a_last_line_fixed_to_nothing_stays_fixed() {
        // (Found by fuzzing: only the last line needs work, and removing
        // its flagged damage leaves it empty.)
        let fixer = Fixer::new().remove_flagged(true);
        assert_eq!(fixer.fix_text("端拱承休命\n\u{FFFD}"), "端拱承休命\n");
        assert_eq!(fixer.fix_text("端拱承休命\n锟斤拷"), "端拱承休命\n");
        assert_eq!(fixer.fix_text("端拱\n\u{FFFD}\n时清"), "端拱\n\n时清");
    }

    #[test]
    fn escapes_private_use_and_c1_mojibake_have_rules_of_their_own() {
        // UTF-8 read as ISO-8859-1 (C1 controls among the letters), and
        // UTF-8 read as GB18030 hitting GBK's user-defined area.
        let latin1: String = "简体中文".bytes().map(char::from).collect();
        let (private_use, _, _) = encoding_rs::GB18030.decode("默认设置".as_bytes());
        assert!(latin1.contains('\u{87}'));
        assert!(private_use.contains(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)));
        let text = format!(
            "标题：\\u4f60\\u597d\n他说&#20320;&#22909;。\n搜索%E4%BD%A0%E5%A5%BD。\n这是{latin1}的\n这是{private_use}的\n"
        );
        let (fixed, report) = fix_and_explain(&text);
        assert_eq!(
            fixed,
            "标题：你好\n他说你好。\n搜索你好。\n这是简体中文的\n这是默认设置的\n"
        );
        let rules: Vec<&str> = report.steps.iter().map(|step| step.rule.name()).collect();
        assert_eq!(
            rules,
            [
                "unicode-escape",
                "html-entity",
                "percent-encoding",
                "c1-control",
                "private-use"
            ]
        );
        assert_eq!(crate::apply_plan(&text, &report).unwrap(), fixed);
        // Clean technical text stays as it is.
        let clean = "printf(\"\\u4f60\\u597d\");\n<p title=\"&#20320;&#22909;\">&#20320;</p>\n见 https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87\n";
        assert_eq!(fix_text(clean), clean);
    }

    #[test]
    fn only_lines_that_need_work_are_searched_and_offsets_are_the_texts() {
        let clean = "今天天气很好，我们一起去公园散步。\n".repeat(30);
        let text = format!("{clean}新闻：鍙戝竷会\n{clean}这是\u{200B}中文\n{clean}");
        let (fixed, report) = fix_and_explain(&text);
        assert_eq!(
            fixed,
            format!("{clean}新闻：发布会\n{clean}这是中文\n{clean}")
        );
        assert_eq!(report.steps.len(), 2);
        let chars: Vec<char> = text.chars().collect();
        for step in &report.steps {
            let before: String = chars[step.start..step.end].iter().collect();
            assert_eq!(before, step.before);
        }
        assert_eq!(crate::apply_plan(&text, &report).unwrap(), fixed);
        // A work line at the very start, and a byte-order mark that starts
        // a later line (mid-text) before Han characters.
        let text = format!("鍙戝竷\n{clean}\u{FEFF}中文\n");
        let (fixed, report) = fix_and_explain(&text);
        assert_eq!(fixed, format!("发布\n{clean}中文\n"));
        assert_eq!(crate::apply_plan(&text, &report).unwrap(), fixed);
    }

    #[test]
    fn a_line_needs_work_only_for_what_a_repair_acts_on() {
        // Parentheses after a Han character: only a syllable is a ruby
        // leftover; a `?` only before the rest of a broken annotation.
        assert!(!needs_work("关于连接时间(以小时为单位)的报告(见下)。"));
        assert!(!needs_work("重新引导(reboot records)记录"));
        // (Nor a word that no character reads as: a gloss.)
        assert!(!needs_work("使用一个 http 头(HEAD) 来替换 GET"));
        assert!(needs_work("中新網(wǎng)山東"));
        assert!(needs_work("監（jiān）督"));
        assert!(!needs_work("是吗?好的？"));
        assert!(needs_work("設?hè)立"));
        // Escapes, and a rare character or any other suspect one.
        assert!(!needs_work("A & B 与 50% 的用户"));
        assert!(needs_work("&#20320;好"));
        assert!(needs_work("\\u4e2d 文"));
        assert!(needs_work("%E4%B8%AD"));
        assert!(needs_work("新闻：鍙戝竷会"));
        assert!(needs_work("中\u{200B}文"));
    }

    #[test]
    fn rare_characters_in_known_pairs_need_no_search_until_a_repair_is_proven() {
        // `串` and `删` are rare in the model's literary frequencies; a
        // known pair with a neighbour vouches for each in the first round.
        for clean in ["把字符串删除", "串联", "删除"] {
            assert!(!needs_work(clean), "{clean}");
        }
        // Alone, or next to no known partner, they are suspect.
        assert!(needs_work("串"));
        assert!(needs_work("「串」"));
        // A later round looks again at a line an earlier one changed.
        let again = |text: &str| !WorkLines::of(text, false, Round::Again).0.lines.is_empty();
        assert!(again("把字符串删除"));
        // As in the first round's `浜洪潤` (for `人静`) left by a repair of
        // the rest of its span.
        assert_eq!(
            fix_text("秋鍗冨贩闄岋紝浜洪潤鐨庢湀初斜。"),
            "秋千巷陌，人静皎月初斜。"
        );
    }

    #[test]
    fn the_diagonal_arrows_are_big5_read_as_gbk() {
        // `沅` is Big5's A84A, GBK's `↗`.
        assert_eq!(
            fix_text("（見《↗答耆舊集》卷十三。"),
            "（見《沅湘耆舊集》卷十三。"
        );
        assert_eq!(fix_text("方向：↗ 东北"), "方向：↗ 东北");
    }

    #[test]
    fn delimiters_are_whitespace_but_what_latin_1_decodes_bytes_to() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected = c.is_whitespace() && !matches!(c, '\u{85}' | '\u{A0}');
            assert_eq!(is_delimiter(c), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_table_of_suspect_characters_says_what_the_rules_say() {
        for code in (0..0x11000).chain(0x20000..0x20100) {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_suspect(c), classify_suspect(c), "U+{code:04X}");
            }
        }
        // What `scan_line` looks at twice: the suspect characters and
        // `（？`, and what the normalization's profile may act on, nothing
        // else.
        for code in (0..0x10000).rev() {
            let second_look = char::from_u32(code)
                .is_some_and(|c| classify_suspect(c) || matches!(c, '（' | '？'));
            assert_eq!(!PLAIN.contains(code), second_look, "U+{code:04X}");
            let profile = char::from_u32(code).is_some_and(profile_may_act_on);
            assert_eq!(
                !QUIET.contains(code),
                second_look || profile,
                "U+{code:04X}"
            );
        }
    }

    /// What `scan_line` says of `text`, a character at a time.
    fn scan_line_slowly(text: &str, round: Round) -> Needs {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let annotation = |k: usize| {
            let (at, c) = chars[k];
            matches!(c, '(' | '?' | '（' | '？')
                && k > 0
                && is_han(chars[k - 1].1)
                && annotation_after(text, at)
        };
        let suspect = |k: usize| {
            let c = chars[k].1;
            let vouched = match round {
                Round::First => {
                    let before = k.checked_sub(1).map(|j| chars[j].1);
                    let after = chars.get(k + 1).map(|&(_, a)| a);
                    is_han(c)
                        && !matches!(c, '烫' | '屯')
                        && (before.is_some_and(|b| is_known_pair(b, c))
                            || after.is_some_and(|a| is_known_pair(c, a)))
                }
                Round::Again => false,
            };
            is_suspect(c) && !vouched
        };
        if (0..chars.len()).any(|k| suspect(k) || annotation(k)) {
            Needs::Repair
        } else if chars.iter().any(|&(_, c)| profile_may_act_on(c)) {
            Needs::Normalization
        } else {
            Needs::Nothing
        }
    }

    use proptest::prelude::*;

    /// Lines made of what the scan tells apart: common and rare Han
    /// characters, printable ASCII, controls, annotations and their
    /// openers, combining marks, radicals, invisible characters, letters
    /// of two and four bytes.
    fn scanned_text() -> impl Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "的",
            "中文",
            "鍙戝竷",
            "龘",
            // (Rare characters that a known pair vouches for, and one
            // alone.)
            "字符",
            "串",
            "删除",
            "abcdefgh",
            "x",
            " ",
            "\t",
            "\r",
            "\u{1}",
            "\u{7F}",
            "(",
            "(shù)",
            "?shù)中",
            "（jiān）",
            "？",
            "é",
            "e\u{301}",
            "⼈",
            "\u{200B}",
            "\u{AD}",
            "\u{FEFF}",
            "\u{F900}",
            "Ä",
            "𠀋",
            "😀",
            "，",
            "。",
            "ア",
        ]);
        let piece = prop_oneof![
            4 => pieces.prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    /// Lines of what the searches for mojibake act on: clean text of
    /// both scripts and of rare characters, ASCII and spaces, and the
    /// damage of each route (UTF-8 read as GBK, Big5 and Shift_JIS, GBK
    /// and UTF-8 read as windows-1252, Big5 and GBK swapped, GBK out of
    /// phase, table borders), with the characters each route's gate asks
    /// for (Latin-1 letters, windows-1252's punctuation, C1 controls,
    /// private-use characters, kana, `岫`).
    fn mojibake_text() -> impl Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "的",
            "中文",
            "发布新版本",
            "乾淨的頭髮",
            "串",
            "龘",
            "翠帘",
            "倚阑",
            "鴞",
            "abc",
            "x",
            " ",
            "  ",
            "\t",
            "，",
            "。",
            "（",
            "）",
            "(",
            ")",
            "“",
            "”",
            "—",
            "鍙戝竷",
            "锛屽簡",
            "ÄãºÃ",
            "µÄ",
            "ç®€ä½“ä¸\u{AD}æ–‡",
            "Œ",
            "™",
            "\u{94}",
            "Ã©",
            "é",
            "·",
            "×",
            "ㄢㄢ栏‵ヅ",
            "珆尨潠猁",
            "曹講",
            "衾",
            "ア",
            "ｱ",
            "・",
            "\u{E000}",
            "\u{F6B1}",
            "│",
            "岫",
            "│岫│",
            "ふマ螟笆",
            "さら瑈",
            "霸官",
            "宸茬粡",
            "鏂囦欢",
            "渚嬪",
            "涓枃",
            "绗竴",
            "\u{FFFD}",
            "锟斤拷",
            "?",
        ]);
        let piece = prop_oneof![
            8 => pieces.prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..32).prop_map(|pieces| pieces.concat())
    }

    /// What `find_mojibake_with` finds in `text`, as comparable values.
    fn mojibake_found(text: &str, gates: Gates) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut edits = Edits::default();
        find_mojibake_with(&chars, gates, &mut edits);
        edits.edits.iter().map(|edit| format!("{edit:?}")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_gated_mojibake_search_finds_what_the_full_one_finds(
            lines in proptest::collection::vec(mojibake_text(), 1..4),
        ) {
            let text = lines.join("\n");
            prop_assert_eq!(mojibake_found(&text, Gates::On), mojibake_found(&text, Gates::Off));
        }
    }

    proptest! {
        #[test]
        fn searches_skipped_for_want_of_a_start_find_nothing(
            text in mojibake_text(),
            invisible in proptest::sample::select(vec!["", "\u{200B}", "\u{FEFF}", "？"]),
        ) {
            let text = format!("{text}{invisible}中");
            let chars: Vec<char> = text.chars().collect();
            let starts = Starts::of(&chars);
            let mut edits = Edits::default();
            let flags = find_flags(&chars);
            find_invisible(&chars, &mut edits);
            prop_assert!(starts.flags || flags.is_empty());
            prop_assert!(starts.invisible || edits.edits.is_empty());
            for flag in &flags {
                edits.claim(flag.start, flag.end);
            }
            find_mojibake(&chars, &mut edits);
            prop_assert!(starts.question || find_remnants(&chars, &edits).is_empty());
        }
    }

    #[test]
    fn gates_skip_lines_without_what_a_route_needs() {
        // (Each line gated, and each found by the full search: the gate
        // must let it through.)
        for text in ["中µÄ文件", "ÊÖ²á£º说明", "│ 岫 名称 │", "鍙戝竷新版本"]
        {
            let found = mojibake_found(text, Gates::On);
            assert!(!found.is_empty(), "{text}");
            assert_eq!(found, mojibake_found(text, Gates::Off));
        }
        let facts = LineFacts::of(&"字符串 abc".chars().collect::<Vec<_>>(), Gates::On);
        assert!(!facts.latin1 && !facts.single_byte && !facts.table_border);
        let facts = LineFacts::of(&"“串”".chars().collect::<Vec<_>>(), Gates::On);
        assert!(!facts.latin1 && facts.single_byte && !facts.table_border);
    }

    #[test]
    fn single_byte_characters_are_what_windows_1252_encodes_to_one_byte() {
        for c in (0..0x11000).filter_map(char::from_u32) {
            let slow = u32::from(c) <= 0xFF
                || mojibake::encode(c.encode_utf8(&mut [0; 4]), WINDOWS_1252)
                    .is_some_and(|bytes| bytes.len() == 1);
            assert_eq!(mojibake::is_single_byte(c), slow, "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn the_line_scan_says_what_a_character_walk_says(
            line in scanned_text(),
            before in scanned_text(),
        ) {
            // A line after another, which the scan does not look at.
            let (line, before) = (line.replace('\n', " "), before.replace('\n', " "));
            let text = format!("{before}\n{line}\n{before}");
            let start = before.len() + 1;
            for round in [Round::First, Round::Again] {
                let (needs, stop) = scan_line(&text, start, round);
                prop_assert_eq!(needs, scan_line_slowly(&line, round));
                match needs {
                    Needs::Repair => prop_assert!(stop < start + line.len()),
                    _ => prop_assert_eq!(stop, start + line.len() + 1),
                }
            }
        }

        #[test]
        fn normalization_skipped_after_repair_would_have_changed_nothing(
            lines in proptest::collection::vec(scanned_text(), 1..6),
        ) {
            // Clean lines among others, so that some texts have work lines
            // and some lines stay out of them.
            let text = lines.join("\n我们一起去公园散步。\n");
            let fixer = Fixer::default();
            let (repaired, _, normalization) = fixer.repair(&text, false, None, Round::First);
            if !normalization {
                prop_assert!(!profile_may_act(&repaired));
                prop_assert_eq!(normalize(&repaired, &fixer.normalize), repaired.clone());
            }
            let (fixed, report) = fixer.fix_and_explain(&text);
            prop_assert_eq!(fixer.fix_text(&text), fixed.clone());
            prop_assert_eq!(crate::apply_plan(&text, &report).unwrap(), fixed);
        }
    }

    #[test]
    fn script_counts_moved_anyhow_are_the_counts_of_their_stretch() {
        // Every kind counted, among what counts nothing (ASCII, punctuation,
        // the planes above), in stretches that move forward, jump past what
        // was counted and go back.
        let line: Vec<char> = "后來她说的話，あア，時麥 ok 峯𠀋。"
            .chars()
            .cycle()
            .take(600)
            .collect();
        let direct = |start: usize, end: usize| -> [u32; 5] {
            std::array::from_fn(|k| {
                line[start..end]
                    .iter()
                    .filter(|&&c| counted_bits(c) >> k & 1 != 0)
                    .count() as u32
            })
        };
        let mut counts = ScriptCounts::new(&line);
        let stretches = [
            (0, 0),
            (0, 200),
            (3, 256),
            (40, 280),
            (300, 556),
            (301, 557),
            (10, 20),
            (0, 600 - 344),
        ];
        for (start, end) in stretches {
            assert_eq!(
                counts.counts(start, end),
                direct(start, end),
                "{start}..{end}"
            );
        }
        assert!((0..0x3040)
            .filter_map(char::from_u32)
            .all(|c| counted_bits(c) == 0));
        assert!(direct(0, 600).iter().all(|&count| count > 0));
    }

    #[test]
    fn edits_keep_what_they_do_not_touch_byte_for_byte() {
        // Characters of one to four bytes on both sides of each edit, an
        // edit at the start and one at the end, one that overlaps another.
        let text = "a中é😀b中文c";
        let chars: Vec<char> = text.chars().collect();
        let mut edits = Edits::default();
        for (start, end, after) in [(0, 1, "A"), (2, 4, "<>"), (3, 5, "x"), (7, 8, "")] {
            edits.edits.push(Edit {
                start,
                end,
                after: after.to_string(),
                rule: Rule::Mojibake,
                chain: Vec::new(),
                confidence: 1.0,
                claims: false,
            });
        }
        let (fixed, steps) = edits.apply(text, &chars, true);
        assert_eq!(fixed, "A中<>b中文");
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[1].before, "é😀");
    }
}
