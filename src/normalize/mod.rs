//! Unicode normalization that is safe for Chinese, Japanese and Korean.
//!
//! Either exactly one of the four Unicode forms ([`Form`]), or (the default)
//! the CJK-safe profile, which changes only what is broken or invisible and
//! keeps what NFKC-style folding would destroy: full-width punctuation,
//! U+3000, compatibility ideographs. On top of either, opt-in width, space,
//! newline and punctuation rules.
//!
//! The work is a fixed sequence of stages, each a module of its own, and
//! each stage's changes are [`Step`](crate::Step)s in the report:
//!
//! 1. `cleanup`: controls, terminal escapes, invisible characters, bidi
//!    controls (profile only);
//! 2. `width`: full-width letters and digits, half-width katakana;
//! 3. `radical`: radicals standing in for ideographs (profile only);
//! 4. `space`: spaces, then line breaks;
//! 5. `punct`: punctuation;
//! 6. `forms`: the form, or NFC without compatibility ideographs (profile).
//!
//! The form comes last so that nothing after it can leave text that is not
//! in the form; cleanup comes first so that what it removes cannot hide a
//! radical's neighbour or a combining sequence. With this order,
//! normalizing twice gives what normalizing once does.

mod cleanup;
mod forms;
mod punct;
mod radical;
mod scan;
mod space;
mod tables;
mod width;

use std::borrow::Cow;

use crate::report::{Damage, Flag, Report, Rule, Step};

pub(crate) use scan::skip_printable_ascii;

pub use forms::Form;

/// What to do with CJK compatibility ideographs (U+F900..U+FAFF,
/// U+2F800..U+2FA1F), which NFC replaces by their unified equivalents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompatIdeographs {
    /// Keep them: they often carry a distinction the text's source made
    /// (Korean hanja readings, Big5 duplicates).
    #[default]
    Keep,
    /// Map them to their unified ideographs, as NFC (and OpenCC's configs)
    /// do.
    Map,
}

/// What to do with punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Punct {
    /// Leave punctuation as it is.
    #[default]
    Keep,
    /// Restore full-width punctuation that was folded to ASCII in Chinese
    /// text: `,:;!?` next to Han characters or CJK punctuation (with no
    /// ASCII letter or digit touching), and parentheses around Han text
    /// without ASCII letters. Numbers, times, URLs and code are left alone.
    Fullwidth,
    /// Fold CJK punctuation to ASCII (`，` to `,`, `。` to `.`); quotes are
    /// left alone.
    Ascii,
}

/// What to do with line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Newlines {
    /// Leave them.
    #[default]
    Keep,
    /// CRLF and CR to LF.
    Lf,
}

/// How to normalize; the default is the CJK-safe profile and nothing more.
///
/// ```
/// use zhfix::{Form, NormalizeOptions, Punct};
///
/// // The CJK-safe profile: an invisible character goes, a combining
/// // sequence is composed, full-width punctuation stays.
/// let options = NormalizeOptions::new();
/// assert_eq!(zhfix::normalize("中\u{200B}文，e\u{301}", &options), "中文，é");
///
/// // Exactly NFKC.
/// let nfkc = NormalizeOptions::new().form(Some(Form::Nfkc));
/// assert_eq!(zhfix::normalize("中文，ＡＢ", &nfkc), "中文,AB");
///
/// // Full-width punctuation restored where Chinese text had it folded.
/// let punct = NormalizeOptions::new().punct(Punct::Fullwidth);
/// assert_eq!(zhfix::normalize("近日,濱州(完) 18:14", &punct), "近日，濱州（完） 18:14");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NormalizeOptions {
    form: Option<Form>,
    compat_ideographs: CompatIdeographs,
    width: bool,
    space: bool,
    newlines: Newlines,
    punct: Punct,
    remove_bidi: bool,
}

impl NormalizeOptions {
    /// The CJK-safe profile, with no other rule.
    pub fn new() -> NormalizeOptions {
        NormalizeOptions::default()
    }

    /// Exactly this Unicode form instead of the CJK-safe profile (`None`:
    /// the profile).
    pub fn form(mut self, form: Option<Form>) -> NormalizeOptions {
        self.form = form;
        self
    }

    /// What the profile does with compatibility ideographs (a form decides
    /// for itself: all four map them).
    pub fn compat_ideographs(mut self, what: CompatIdeographs) -> NormalizeOptions {
        self.compat_ideographs = what;
        self
    }

    /// Full-width ASCII letters and digits to ASCII, half-width katakana
    /// (and CJK punctuation) to full-width, voiced sound marks composed.
    pub fn width(mut self, yes: bool) -> NormalizeOptions {
        self.width = yes;
        self
    }

    /// U+3000 and no-break spaces to ASCII spaces, runs of spaces inside a
    /// line to one, spaces between two Han characters removed (a line's
    /// indentation keeps its length).
    pub fn space(mut self, yes: bool) -> NormalizeOptions {
        self.space = yes;
        self
    }

    /// What to do with line breaks.
    pub fn newlines(mut self, newlines: Newlines) -> NormalizeOptions {
        self.newlines = newlines;
        self
    }

    /// What to do with punctuation.
    pub fn punct(mut self, punct: Punct) -> NormalizeOptions {
        self.punct = punct;
        self
    }

    /// Whether the profile removes bidirectional controls (U+061C, U+200E,
    /// U+200F, U+202A..U+202E, U+2066..U+2069) instead of only flagging
    /// them.
    pub fn remove_bidi(mut self, yes: bool) -> NormalizeOptions {
        self.remove_bidi = yes;
        self
    }

    /// Whether these options leave alone all text without a character
    /// that [`profile_may_act_on`] names: the profile and no other rule
    /// (what the repairs' scan of clean text proves for the profile
    /// proves for the whole normalization).
    pub(crate) fn is_profile_alone(&self) -> bool {
        self.form.is_none()
            && !self.width
            && !self.space
            && self.newlines == Newlines::Keep
            && self.punct == Punct::Keep
    }

    /// Normalizes `text` and reports every change (and every bidi control
    /// found) in its character offsets.
    ///
    /// With a compatibility form or a punctuation rule, the stages run
    /// again on their output while it changes (at most [`PASSES`] times):
    /// the form comes last, and what it makes can be what an earlier stage
    /// acts on, as when NFKC turns `¨` into a space and a combining mark,
    /// or NFC turns U+037E into `;` and U+2329 into `〈`, after the
    /// punctuation stage. The other stages make nothing that the stages
    /// before them act on, so one pass is enough (the property tests and
    /// the fuzz target check both). Text that a pass leaves alone is not
    /// looked at again.
    ///
    /// Without `explain`, no step is made (the report comes back empty):
    /// the text is the same, but the work and the memory are those of the
    /// edits alone, not of a record per change composed stage by stage.
    fn run(&self, text: &str, explain: bool) -> (String, Report) {
        let passes = match (self.form, self.punct) {
            (Some(Form::Nfkc | Form::Nfkd), _) | (_, Punct::Fullwidth | Punct::Ascii) => PASSES,
            _ => 1,
        };
        let (mut current, mut report, changed) = self.pass(text, explain);
        for _ in 1..passes {
            if !changed {
                break;
            }
            let (next, mut more, _) = self.pass(&current, explain);
            if next == current {
                break;
            }
            if explain {
                // The first pass flagged all there is.
                more.flags.clear();
                report = report.then(text, &current, more);
            }
            current = next;
        }
        // Steps that came to nothing when joined (a comma made full-width,
        // then folded back by NFKC).
        report.steps.retain(|step| step.before != step.after);
        (current, report)
    }

    /// One pass of the stages: the text, the report (empty without
    /// `explain`), and whether any stage changed the text.
    fn pass(&self, text: &str, explain: bool) -> (String, Report, bool) {
        let mut current = Cow::Borrowed(text);
        let mut report = Report::default();
        let mut changed = false;
        // Clean text takes one scan for the whole profile.
        let profile = self.form.is_none() && cleanup::may_act(text);
        for stage in Stage::ALL {
            let mut edits = Edits::default();
            match stage {
                Stage::Cleanup if profile => cleanup::clean(&current, self.remove_bidi, &mut edits),
                Stage::Width if self.width => width::normalize(&current, &mut edits),
                Stage::Radical if profile => radical::map(&current, &mut edits),
                Stage::Space if self.space => space::spaces(&current, &mut edits),
                Stage::Newlines if self.newlines == Newlines::Lf => {
                    space::newlines(&current, &mut edits)
                }
                Stage::Punct => punct::normalize(&current, self.punct, &mut edits),
                Stage::Form => match self.form {
                    Some(form) => forms::normalize(&current, form, false, Rule::Form, &mut edits),
                    // Stages before may have left what the first scan found
                    // nothing of (a full-width letter before a combining
                    // mark, say): unless all were off, the scan runs.
                    None if profile || self.width || self.punct != Punct::Keep => forms::normalize(
                        &current,
                        Form::Nfc,
                        self.compat_ideographs == CompatIdeographs::Keep,
                        Rule::Compose,
                        &mut edits,
                    ),
                    None => {}
                },
                _ => {}
            }
            changed |= !edits.edits.is_empty();
            if explain && !edits.is_empty() {
                let (next, steps, flags) = edits.apply(&current);
                report = report.then(text, &current, Report { steps, flags });
                current = Cow::Owned(next);
            } else if !edits.edits.is_empty() {
                current = Cow::Owned(edits.apply_text(&current));
            }
        }
        (current.into_owned(), report, changed)
    }
}

/// Whether the CJK-safe profile may act on `c`: text without such a
/// character comes back from options that [`NormalizeOptions::is_profile_alone`]
/// unchanged, with an empty report.
pub(crate) fn profile_may_act_on(c: char) -> bool {
    cleanup::may_act_on(c)
}

/// Whether the CJK-safe profile may act on any character of `text` (see
/// [`profile_may_act_on`]).
pub(crate) fn profile_may_act(text: &str) -> bool {
    cleanup::may_act(text)
}

/// How many times at most the stages run with a compatibility form (see
/// [`NormalizeOptions::run`]).
const PASSES: usize = 4;

/// The stages, in the order they run (see the module's documentation).
#[derive(Debug, Clone, Copy)]
enum Stage {
    Cleanup,
    Width,
    Radical,
    Space,
    Newlines,
    Punct,
    Form,
}

impl Stage {
    const ALL: [Stage; 7] = [
        Stage::Cleanup,
        Stage::Width,
        Stage::Radical,
        Stage::Space,
        Stage::Newlines,
        Stage::Punct,
        Stage::Form,
    ];
}

/// Normalizes `text` with `options`.
///
/// ```
/// use zhfix::NormalizeOptions;
///
/// // Clean text comes back unchanged: full-width punctuation, U+3000 and
/// // compatibility ideographs included.
/// let clean = "　　中文，（完）\u{F900}";
/// assert_eq!(zhfix::normalize(clean, &NormalizeOptions::new()), clean);
/// // Terminal colours, a stray control, a Kangxi radical inside Han text.
/// assert_eq!(
///     zhfix::normalize("\u{1B}[31m中华⼈民\u{1B}[0m\u{7}", &NormalizeOptions::new()),
///     "中华人民"
/// );
/// ```
pub fn normalize(text: &str, options: &NormalizeOptions) -> String {
    options.run(text, false).0
}

/// Normalizes `text` with `options` and reports every change as a
/// [`Step`](crate::Step) (which [`apply_plan`](crate::apply_plan) replays)
/// and every bidi control as a [`Flag`](crate::Flag).
///
/// ```
/// use zhfix::{NormalizeOptions, Rule};
///
/// let text = "e\u{301}\u{AD}中";
/// let (normalized, report) = zhfix::normalize_and_explain(text, &NormalizeOptions::new());
/// assert_eq!(normalized, "é中");
/// let rules: Vec<Rule> = report.steps.iter().map(|step| step.rule).collect();
/// assert_eq!(rules, [Rule::Compose, Rule::Invisible]);
/// assert_eq!(zhfix::apply_plan(text, &report).unwrap(), normalized);
/// ```
pub fn normalize_and_explain(text: &str, options: &NormalizeOptions) -> (String, Report) {
    options.run(text, true)
}

/// One stage's changes to its input, in byte offsets, in order and not
/// overlapping, and what it flagged.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    edits: Vec<Edit>,
    /// The replacements, one after another (not a string each: a stage can
    /// make a change every few characters).
    after: String,
    flags: Vec<(usize, usize, Damage)>,
}

/// `text[start..end]` replaced by `after[after_start..after_end]` of
/// [`Edits`].
#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    after_start: usize,
    after_end: usize,
    rule: Rule,
}

impl Edits {
    /// Replaces `text[start..end]` (after every earlier edit) by `after`.
    fn replace(&mut self, start: usize, end: usize, after: &str, rule: Rule) {
        let after_start = self.after.len();
        self.after.push_str(after);
        self.edits.push(Edit {
            start,
            end,
            after_start,
            after_end: self.after.len(),
            rule,
        });
    }

    /// Removes `text[start..end]`, as part of the previous removal by the
    /// same rule when the two touch (a run of controls is one step).
    fn remove(&mut self, start: usize, end: usize, rule: Rule) {
        if let Some(last) = self.edits.last_mut() {
            if last.end == start && last.after_start == last.after_end && last.rule == rule {
                last.end = end;
                return;
            }
        }
        self.replace(start, end, "", rule);
    }

    /// Flags `text[start..end]`.
    fn flag(&mut self, start: usize, end: usize, damage: Damage) {
        self.flags.push((start, end, damage));
    }

    fn is_empty(&self) -> bool {
        self.edits.is_empty() && self.flags.is_empty()
    }

    /// The text with the edits made, the steps and the flags, in character
    /// offsets of `text`.
    fn apply(self, text: &str) -> (String, Vec<Step>, Vec<Flag>) {
        let mut steps = Vec::with_capacity(self.edits.len());
        let mut chars = CharOffsets::new(text);
        let out = splice(text, &self.edits, &self.after, |edit, after| {
            steps.push(Step {
                rule: edit.rule,
                start: chars.at(edit.start),
                end: chars.at(edit.end),
                before: text[edit.start..edit.end].to_string(),
                after: after.to_string(),
                encodings: Vec::new(),
                confidence: 1.0,
            });
        });
        let mut chars = CharOffsets::new(text);
        let flags = self
            .flags
            .into_iter()
            .map(|(start, end, damage)| Flag {
                damage,
                start: chars.at(start),
                end: chars.at(end),
                text: text[start..end].to_string(),
            })
            .collect();
        (out, steps, flags)
    }

    /// The text with the edits made, and nothing else.
    fn apply_text(self, text: &str) -> String {
        splice(text, &self.edits, &self.after, |_, _| {})
    }
}

/// `text` with `edits` (in order, not overlapping, their replacements in
/// `after`) made; `each` is given every edit and its replacement.
fn splice(text: &str, edits: &[Edit], after: &str, mut each: impl FnMut(&Edit, &str)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for edit in edits {
        let replacement = &after[edit.after_start..edit.after_end];
        out.push_str(&text[copied..edit.start]);
        out.push_str(replacement);
        copied = edit.end;
        each(edit, replacement);
    }
    out.push_str(&text[copied..]);
    out
}

/// Character offsets of byte offsets that only move forward.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> CharOffsets<'a> {
        CharOffsets {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `byte` (a character boundary,
    /// not before the last one asked).
    fn at(&mut self, byte: usize) -> usize {
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}
