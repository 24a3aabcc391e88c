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
    /// A ruby (pinyin) annotation flattened into the text, removed.
    Ruby,
    /// An invisible character between Han characters, removed.
    Invisible,
    /// A span flagged as irreversible damage, removed on request.
    RemovedFlagged,
}

impl Rule {
    /// The rule's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Mojibake => "mojibake",
            Rule::OutOfPhase => "out-of-phase",
            Rule::Ruby => "ruby",
            Rule::Invisible => "invisible",
            Rule::RemovedFlagged => "removed-flagged",
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
}

impl Damage {
    /// The damage's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Damage::Kunjinkao => "kunjinkao",
            Damage::FillBytes => "fill-bytes",
            Damage::Replacement => "replacement",
            Damage::Remnant => "remnant",
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
