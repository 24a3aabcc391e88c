//! What a repair changed and what it found but left alone: [`Step`]s and
//! [`Flag`]s, with offsets in the text they were found in, and
//! [`apply_plan`] to replay the steps.

use encoding_rs::Encoding;

use crate::error::{Error, ErrorKind};

/// The rule behind a [`Step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Text decoded with the wrong encoding (one or more times), encoded
    /// back and decoded right.
    Mojibake,
    /// GBK text decoded one byte out of phase, re-synchronized with its lost
    /// byte put back.
    OutOfPhase,
    /// Mojibake whose wrong decoding hit a user-defined area of GBK or
    /// Big5 (private-use characters), encoded back with the same table
    /// (GB18030-2005's or -2022's, Windows' for Big5) and decoded right.
    PrivateUse,
    /// Mojibake with C1 controls: legacy or UTF-8 bytes read as ISO-8859-1
    /// (not windows-1252), encoded back and decoded right.
    C1Control,
    /// HTML numeric character references (`&#20320;`, `&#x4f60;`, escaped
    /// again as `&amp;#20320;`) outside markup, decoded.
    HtmlEntity,
    /// A run of `\uXXXX` escapes outside code, decoded (surrogate pairs
    /// joined).
    UnicodeEscape,
    /// A run of percent-encoded UTF-8 or GBK bytes outside URLs (unless
    /// asked), decoded.
    PercentEncoding,
    /// A ruby (pinyin) annotation flattened into the text, removed.
    Ruby,
    /// An invisible character between Han characters, removed.
    Invisible,
    /// A span flagged as irreversible damage, removed on request.
    RemovedFlagged,
    /// C0 or C1 control characters (other than tab, CR and LF), removed.
    Control,
    /// A terminal escape sequence (CSI or OSC), removed.
    TerminalEscape,
    /// Bidirectional controls, removed on request.
    Bidi,
    /// A sequence that is not in NFC, composed (the CJK-safe profile).
    Compose,
    /// A stretch put in the Unicode normalization form asked for.
    Form,
    /// Radicals standing in for ideographs inside Han text, mapped to them.
    Radical,
    /// Full-width letters and digits to ASCII, half-width kana to full-width.
    Width,
    /// Spaces made ASCII, collapsed, or removed between Han characters.
    Space,
    /// A CRLF or CR line break made LF.
    Newline,
    /// Punctuation made full-width or ASCII.
    Punct,
    /// Traditional text converted character by character from Simplified,
    /// repaired where a phrase of OpenCC's dictionaries (or the document's
    /// pattern) says which Traditional character was meant.
    Conversion,
}

impl Rule {
    /// The rule's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Mojibake => "mojibake",
            Rule::OutOfPhase => "out-of-phase",
            Rule::PrivateUse => "private-use",
            Rule::C1Control => "c1-control",
            Rule::HtmlEntity => "html-entity",
            Rule::UnicodeEscape => "unicode-escape",
            Rule::PercentEncoding => "percent-encoding",
            Rule::Ruby => "ruby",
            Rule::Invisible => "invisible",
            Rule::RemovedFlagged => "removed-flagged",
            Rule::Control => "control",
            Rule::TerminalEscape => "terminal-escape",
            Rule::Bidi => "bidi",
            Rule::Compose => "compose",
            Rule::Form => "form",
            Rule::Radical => "radical",
            Rule::Width => "width",
            Rule::Space => "space",
            Rule::Newline => "newline",
            Rule::Punct => "punct",
            Rule::Conversion => "conversion",
        }
    }
}

/// The kind of damage a [`Flag`] marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Damage {
    /// `锟斤拷`: replacement characters encoded as UTF-8 and read as GBK.
    Kunjinkao,
    /// `烫烫烫` or `屯屯屯`: uninitialized memory (0xCC or 0xCD) read as GBK.
    FillBytes,
    /// A run of U+FFFD: bytes that were lost before the text reached us.
    Replacement,
    /// What is left of damage next to a repair or inside Han text: a lone
    /// `?` where a byte was lost, with any syllable and parenthesis after it.
    Remnant,
    /// Bidirectional controls, which can make text read differently from
    /// how it is stored.
    Bidi,
    /// In Traditional text converted character by character, a form that
    /// phrase-level conversion would write otherwise, where both are
    /// accepted (`了解` for `瞭解`, `爲` for `為`): a choice of style, left.
    StyleVariant,
}

impl Damage {
    /// The damage's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Damage::Kunjinkao => "kunjinkao",
            Damage::FillBytes => "fill-bytes",
            Damage::Replacement => "replacement",
            Damage::Remnant => "remnant",
            Damage::Bidi => "bidi",
            Damage::StyleVariant => "style-variant",
        }
    }
}

/// One change, in character offsets (Unicode scalar values) of the text it
/// was found in.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What was done.
    pub rule: Rule,
    /// Where it starts, in characters.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
    /// The text there before.
    pub before: String,
    /// The text there after.
    pub after: String,
    /// For mojibake, the chain undone, outermost first: each pair is (the
    /// encoding the text was wrongly decoded with, the one it was in).
    pub encodings: Vec<(&'static Encoding, &'static Encoding)>,
    /// How sure the repair is, from 0 to 1.
    pub confidence: f32,
}

/// Damage found and, unless asked, left as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// What kind of damage.
    pub damage: Damage,
    /// Where it starts, in characters.
    pub start: usize,
    /// Where it ends (exclusive), in characters.
    pub end: usize,
    /// The text there.
    pub text: String,
}

/// Everything a repair did and found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The changes, in order, not overlapping.
    pub steps: Vec<Step>,
    /// The damage left alone (or removed, with a step, on request).
    pub flags: Vec<Flag>,
}

/// Replays the steps of `report` on `original` (the text they were found
/// in), giving the same output as the repair that made them.
///
/// Fails if a step does not match the text (its `before` is not there).
///
/// ```
/// let original = "鍙戝竷新版本";
/// let (fixed, report) = zhfix::fix_and_explain(original);
/// assert_eq!(fixed, "发布新版本");
/// assert_eq!(zhfix::apply_plan(original, &report).unwrap(), fixed);
/// ```
pub fn apply_plan(original: &str, report: &Report) -> Result<String, Error> {
    let mismatch = |step: &Step| {
        Error::new(
            ErrorKind::Plan,
            format!(
                "step {} at {}..{} does not match the text",
                step.rule.name(),
                step.start,
                step.end
            ),
        )
    };
    let mut out = String::with_capacity(original.len());
    // One pass: a cursor over the characters, in character and byte offsets.
    let mut cursor = Cursor {
        text: original,
        chars: 0,
        bytes: 0,
    };
    for step in &report.steps {
        let copied = cursor.bytes;
        let start = cursor
            .advance_to(step.start)
            .ok_or_else(|| mismatch(step))?;
        let end = cursor.advance_to(step.end).ok_or_else(|| mismatch(step))?;
        if original.get(start..end) != Some(step.before.as_str()) {
            return Err(mismatch(step));
        }
        out.push_str(&original[copied..start]);
        out.push_str(&step.after);
    }
    out.push_str(&original[cursor.bytes..]);
    Ok(out)
}

/// A position in a text, in characters and bytes, that only moves forward.
struct Cursor<'a> {
    text: &'a str,
    chars: usize,
    bytes: usize,
}

impl Cursor<'_> {
    /// Moves to character `index` and returns its byte offset; `None` if it
    /// is behind the cursor or past the end.
    fn advance_to(&mut self, index: usize) -> Option<usize> {
        if index < self.chars {
            return None;
        }
        while self.chars < index {
            let c = self.text[self.bytes..].chars().next()?;
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        Some(self.bytes)
    }
}

impl Report {
    /// The report of two passes in a row, in `original`'s offsets: `self`
    /// was found in `original` and made it `middle`, `next` was found in
    /// `middle`. A step of `next` that overlaps steps of `self` becomes one
    /// step with them, from `original` to the final text, under the first
    /// one's rule; so the steps still replay with [`apply_plan`].
    pub(crate) fn then(self, original: &str, middle: &str, next: Report) -> Report {
        if self.steps.is_empty() {
            let mut flags = self.flags;
            flags.extend(next.flags);
            return Report {
                steps: next.steps,
                flags: sorted_without_repeats(flags),
            };
        }
        let map = Placement::new(&self.steps);
        let mut flags = self.flags;
        flags.extend(next.flags.into_iter().map(|flag| Flag {
            start: map.start(flag.start, &self.steps),
            end: map.end(flag.end, &self.steps),
            ..flag
        }));
        let flags = sorted_without_repeats(flags);

        let mut firsts = self.steps.into_iter().zip(map.ranges.iter()).peekable();
        let mut seconds = next.steps.into_iter().peekable();
        let mut original_at = Cursor {
            text: original,
            chars: 0,
            bytes: 0,
        };
        let mut middle_at = Cursor {
            text: middle,
            chars: 0,
            bytes: 0,
        };
        let mut steps = Vec::new();
        // Clusters of overlapping steps, by their ranges in `middle` (a
        // step of `self` first where both start at the same place).
        loop {
            let first_start = firsts.peek().map(|(_, range)| range.0);
            let second_start = seconds.peek().map(|step| step.start);
            let mut cluster_firsts = Vec::new();
            let mut cluster_seconds = Vec::new();
            let (m0, mut m1) = match (first_start, second_start) {
                (None, None) => break,
                (Some(a), b) if b.is_none_or(|b| a <= b) => {
                    let (step, range) = firsts.next().expect("peeked");
                    cluster_firsts.push(step);
                    (range.0, range.1)
                }
                _ => {
                    let step = seconds.next().expect("peeked");
                    let range = (step.start, step.end);
                    cluster_seconds.push(step);
                    range
                }
            };
            loop {
                if let Some((step, range)) = firsts.next_if(|(_, range)| range.0 < m1) {
                    m1 = m1.max(range.1);
                    cluster_firsts.push(step);
                } else if let Some(step) = seconds.next_if(|step| step.start < m1) {
                    m1 = m1.max(step.end);
                    cluster_seconds.push(step);
                } else {
                    break;
                }
            }
            if cluster_seconds.is_empty() && cluster_firsts.len() == 1 {
                steps.extend(cluster_firsts);
                continue;
            }
            let (o0, o1) = (map.start(m0, &[]), map.end(m1, &[]));
            if cluster_firsts.is_empty() && cluster_seconds.len() == 1 {
                let step = cluster_seconds.pop().expect("one step");
                steps.push(Step {
                    start: o0,
                    end: o1,
                    ..step
                });
                continue;
            }
            // One step for the cluster.
            let before = original_at.slice(o0, o1).to_string();
            let mut after = String::new();
            let mut at = m0;
            for step in &cluster_seconds {
                after.push_str(middle_at.slice(at, step.start));
                after.push_str(&step.after);
                at = step.end;
            }
            after.push_str(middle_at.slice(at, m1));
            let confidence = cluster_firsts
                .iter()
                .chain(&cluster_seconds)
                .map(|step| step.confidence)
                .fold(1.0, f32::min);
            let lead = cluster_firsts
                .into_iter()
                .next()
                .or_else(|| cluster_seconds.into_iter().next())
                .expect("a cluster has a step");
            steps.push(Step {
                start: o0,
                end: o1,
                before,
                after,
                confidence,
                ..lead
            });
        }
        Report { steps, flags }
    }
}

/// Where steps put their outputs: for each, its range in the text after it
/// and the shift (characters after minus before) once it is made.
struct Placement {
    ranges: Vec<(usize, usize, isize)>,
}

impl Placement {
    fn new(steps: &[Step]) -> Placement {
        let mut shift = 0isize;
        let ranges = steps
            .iter()
            .map(|step| {
                let start = step.start.saturating_add_signed(shift);
                let len = step.after.chars().count();
                shift += len as isize - (step.end as isize - step.start as isize);
                (start, start + len, shift)
            })
            .collect();
        Placement { ranges }
    }

    /// The offset before the steps of the start of something at `at` after
    /// them (the start of the step it is inside, if any: `steps` are the
    /// steps, or empty when `at` is inside none).
    fn start(&self, at: usize, steps: &[Step]) -> usize {
        let i = self.ranges.partition_point(|range| range.1 <= at);
        match self.ranges.get(i) {
            Some(range) if range.0 < at => steps.get(i).map_or(at, |step| step.start),
            _ => self.shifted(at, i),
        }
    }

    /// The same for an end: a removal right at `at` comes after it.
    fn end(&self, at: usize, steps: &[Step]) -> usize {
        let i = self
            .ranges
            .partition_point(|range| range.1 < at || (range.1 == at && range.0 < at));
        match self.ranges.get(i) {
            Some(range) if range.0 < at && at < range.1 => steps.get(i).map_or(at, |step| step.end),
            _ => self.shifted(at, i),
        }
    }

    /// `at` moved back by the shift of the first `count` steps.
    fn shifted(&self, at: usize, count: usize) -> usize {
        let shift = match count {
            0 => 0,
            _ => self.ranges[count - 1].2,
        };
        at.saturating_add_signed(-shift)
    }
}

impl<'a> Cursor<'a> {
    /// The text from character `start` to `end`, neither behind the cursor
    /// (empty if they are).
    fn slice(&mut self, start: usize, end: usize) -> &'a str {
        let text = self.text;
        match (self.advance_to(start), self.advance_to(end)) {
            (Some(s), Some(e)) => &text[s..e],
            _ => "",
        }
    }
}

/// `flags` by where they start, each once: the same damage found again by a
/// later pass (repair runs until nothing changes) is one flag.
fn sorted_without_repeats(mut flags: Vec<Flag>) -> Vec<Flag> {
    flags.sort_by_key(|flag| flag.start);
    let mut unique: Vec<Flag> = Vec::with_capacity(flags.len());
    for flag in flags {
        let seen = unique
            .iter()
            .rev()
            .take_while(|kept| kept.start == flag.start)
            .any(|kept| *kept == flag);
        if !seen {
            unique.push(flag);
        }
    }
    unique
}
