//! Traditional text converted from Simplified character by character
//! (`干凈` for `乾淨`, `關于` for `關於`): a Simplified character with several
//! Traditional forms (`干`: `幹`, `乾`, `干`, `榦`) was given one form
//! everywhere, its first candidate or itself, where phrase-level conversion
//! picks by context.
//!
//! Each line is mapped back to Simplified and converted again, phrase by
//! phrase, to the text's own standard (OpenCC's, Taiwan's or Hong Kong's, as
//! [`ScriptDetection`] judges it); where the two differ at a character whose
//! Simplified source has several forms, the text's form is one a naive
//! converter writes, and a dictionary phrase covers the character, the
//! phrase's form is the repair. Only a document whose phrases show the
//! pattern is repaired: where the phrases' forms disagree with the text's
//! more often than they agree. In a document that keeps Simplified
//! characters as they are (`干`, `于`), those outside any phrase take
//! OpenCC's form too; and forms no standard writes (`凈` for `淨`) are
//! normalized. Pairs that are a matter of style (`了解` and `瞭解`, `爲` and
//! `為`) are flagged and left.
//!
//! OpenCC's own output maps back and converts to itself, so it comes back
//! unchanged.

use std::collections::HashMap;

use crate::convert::Converter;
use crate::report::{Damage, Flag, Report, Rule, Step};
use crate::score::{conversion_tables, Script, ScriptCounts, ScriptDetection, Standard};

/// Pairs of Traditional forms, (the one in the text, the one a phrase
/// writes), where the text's form is an accepted spelling of the phrase's
/// word too (`了解` for `瞭解`, `借鑒` for `借鑑`, `公布` for `公佈`, `占領`
/// for `佔領`: Taiwan's standard writes the plainer form): changing one to
/// the other would be a change of style, not a repair. The pairs are
/// directed: the plainer form where a phrase says the fuller one is style,
/// but the fuller one where a phrase says the plainer one (`佔卜` for
/// `占卜`) is no spelling of the word in any standard, and is repaired. So
/// are the forms of one character in two standards (`爲` and `為`, `梁` and
/// `樑`), except for [`REGIONAL_PAIRS`].
const STYLE_PAIRS: [(char, char); 5] = [
    ('了', '瞭'),
    ('鑒', '鑑'),
    ('鑑', '鑒'),
    ('布', '佈'),
    ('占', '佔'),
];

/// Forms of one character in two standards that are repaired (either way)
/// in a document that clearly shows OpenCC's standard, and left as a matter
/// of style elsewhere. Taiwan and Hong Kong write `台` and `才` (the
/// Simplified characters themselves) where OpenCC writes `臺` and `纔`
/// unless a phrase says otherwise: in OpenCC's standard, the other form
/// where a phrase says OpenCC's is what a naive converter left. Other such
/// pairs stay style: classical Traditional text writes `梁` and `煙` where
/// OpenCC's phrases say `樑` and `菸` (repairing them changed 491 characters
/// of the clean Traditional corpus; these two, none).
const REGIONAL_PAIRS: [(char, char); 2] = [('台', '臺'), ('才', '纔')];

/// How sure the detection of OpenCC's standard must be for
/// [`REGIONAL_PAIRS`] to be repaired: a document that merely lacks other
/// standards' forms may be from Taiwan or Hong Kong.
const REGIONAL_CONFIDENCE: f32 = 0.5;

/// How sure a repair is: a phrase's evidence, or only the document's pattern.
const PHRASE_CONFIDENCE: f32 = 0.95;
const PATTERN_CONFIDENCE: f32 = 0.8;

/// What a difference between the text and its phrase-level conversion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A form a naive converter writes, inside a phrase that says otherwise.
    Phrase,
    /// A Simplified character kept as it is, outside any phrase.
    Kept,
    /// A form of the character that no standard writes.
    Variant,
    /// Both forms are accepted.
    Style,
}

/// One difference, in characters of its line.
#[derive(Debug, Clone, Copy)]
struct Difference {
    at: usize,
    /// The text's character, its Simplified source and phrase-level
    /// conversion's character.
    from: char,
    source: char,
    to: char,
    kind: Kind,
    /// The phrase covering it, if any.
    phrase: Option<(usize, usize)>,
    /// Whether it is one of [`REGIONAL_PAIRS`], repaired only in a document
    /// that shows OpenCC's standard.
    regional: bool,
}

/// The document's pattern: a naive converter writes each Simplified
/// character one way everywhere, phrases or not. For each source character
/// with several forms: how often the text writes each form, and each form
/// it writes where a phrase says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pattern {
    forms: HashMap<char, HashMap<char, u32>>,
    disagreements: HashMap<char, HashMap<char, u32>>,
    /// For each source character with several forms: how often the text
    /// writes each form where phrase-level conversion writes it too.
    agreements: HashMap<char, HashMap<char, u32>>,
}

/// How much of a source character's occurrences one form must have for the
/// text to write it one way everywhere.
const ONE_WAY: f32 = 0.9;

impl Pattern {
    /// Whether the text writes `source` mostly as `form`.
    fn mostly(&self, source: char, form: char) -> bool {
        self.forms.get(&source).is_some_and(|forms| {
            let total: u32 = forms.values().sum();
            forms.get(&form).copied().unwrap_or(0) as f32 >= ONE_WAY * total as f32
        })
    }

    /// The form the text writes `source` in where phrases say otherwise,
    /// if it writes `source` that way everywhere: the naive converter's.
    /// Where phrase-level conversion writes another form, the text must
    /// write this one more often than that other: text converted by phrase
    /// (OpenCC's own output, say) writes `於` for `于` nearly everywhere
    /// too, but `于` in `于飛` and `于歸`, except where its Simplified
    /// source already had `於`.
    fn naive_form(&self, source: char) -> Option<char> {
        let disagreements = self.disagreements.get(&source)?;
        let (&form, &disagreeing) = disagreements.iter().max_by_key(|&(&c, &n)| (n, c))?;
        let agreeing: u32 = self.agreements.get(&source).map_or(0, |forms| {
            forms
                .iter()
                .filter(|&(&f, _)| f != form)
                .map(|(_, &n)| n)
                .sum()
        });
        (self.mostly(source, form) && disagreeing > agreeing).then_some(form)
    }

    /// Adds `other`'s counts.
    fn add(&mut self, other: &Pattern) {
        for (mine, theirs) in [
            (&mut self.forms, &other.forms),
            (&mut self.disagreements, &other.disagreements),
            (&mut self.agreements, &other.agreements),
        ] {
            for (&source, forms) in theirs {
                let counts = mine.entry(source).or_default();
                for (&form, &n) in forms {
                    let count = counts.entry(form).or_default();
                    *count = count.saturating_add(n);
                }
            }
        }
    }

    /// The naive forms found: (source, form) pairs.
    fn naive(&self) -> impl Iterator<Item = (char, char)> + '_ {
        self.disagreements
            .keys()
            .filter_map(|&s| self.naive_form(s).map(|f| (s, f)))
    }
}

/// What the pattern says about a document.
struct Verdict<'a> {
    pattern: &'a Pattern,
    /// The document shows OpenCC's standard: [`REGIONAL_PAIRS`] are no
    /// matter of style there.
    regional: bool,
    /// Some source character is kept as it is where phrases say otherwise:
    /// the converter keeps characters that are one of their own forms.
    keeps: bool,
    /// Some source character is written naively.
    naive: bool,
}

impl Verdict<'_> {
    fn new(pattern: &Pattern, regional: bool) -> Verdict<'_> {
        Verdict {
            pattern,
            regional,
            keeps: pattern.naive().any(|(s, f)| s == f),
            naive: pattern.naive().next().is_some(),
        }
    }

    /// Whether `difference` is a matter of style here: flagged and left.
    fn style(&self, difference: &Difference) -> bool {
        difference.kind == Kind::Style || (difference.regional && !self.regional)
    }

    /// Whether `difference` (at the text's `c`, from `source`) is repaired.
    fn repairs(&self, difference: &Difference) -> bool {
        if difference.regional && !self.regional {
            return false;
        }
        match difference.kind {
            // Only the naive converter's own form: another one (`乾` copied
            // from a Simplified `乾`) is not its doing.
            Kind::Phrase => self.pattern.naive_form(difference.source) == Some(difference.from),
            Kind::Kept => self.keeps && self.pattern.mostly(difference.source, difference.source),
            Kind::Variant => self.naive,
            Kind::Style => false,
        }
    }
}

/// What a document shows about its conversion, as counts that add up over
/// its pieces: its script and standard, and its pattern as each standard
/// would see it (the standard is the whole document's to decide, and the
/// pattern depends on it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Evidence {
    script: ScriptCounts,
    /// In the order of `Standard::ALL`.
    patterns: [Pattern; 3],
}

impl Evidence {
    /// The evidence of `text` (repaired of other damage).
    pub fn of(text: &str) -> Evidence {
        let mut evidence = Evidence {
            script: ScriptCounts::of(text),
            ..Evidence::default()
        };
        for (standard, pattern) in Standard::ALL.iter().zip(&mut evidence.patterns) {
            let back = Converter::new(standard.simplifying());
            let forth = Converter::new(standard.converting_simplified());
            for line in text.split_inclusive('\n') {
                differences(line, &back, &forth, *standard, pattern);
            }
        }
        evidence
    }

    pub fn add(&mut self, other: &Evidence) {
        self.script.add(&other.script);
        for (mine, theirs) in self.patterns.iter_mut().zip(&other.patterns) {
            mine.add(theirs);
        }
    }

    fn pattern(&self, standard: Standard) -> &Pattern {
        let at = Standard::ALL.iter().position(|&s| s == standard);
        &self.patterns[at.unwrap_or(0)]
    }
}

/// Repairs `text` (see the module's documentation), judged by the
/// `document`'s evidence if it is given, else by the text's own; without
/// `explain`, the report is left empty.
pub(crate) fn repair(text: &str, explain: bool, document: Option<&Evidence>) -> (String, Report) {
    let detection = match document {
        Some(evidence) => evidence.script.detection(),
        None => ScriptDetection::of(text),
    };
    if detection.script != Script::Traditional {
        return (text.to_string(), Report::default());
    }
    let standard = detection.standard.unwrap_or(Standard::Opencc);
    let back = Converter::new(standard.simplifying());
    let forth = Converter::new(standard.converting_simplified());
    // First pass: each line's differences, and the text's pattern.
    let mut pattern = Pattern::default();
    let mut lines: Vec<(usize, Vec<Difference>)> = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let chars = line.chars().count();
        let differences = differences(line, &back, &forth, standard, &mut pattern);
        if !differences.is_empty() {
            lines.push((line_start, differences));
        }
        line_start += chars;
    }
    let pattern = match document {
        Some(evidence) => evidence.pattern(standard),
        None => &pattern,
    };
    let shows_opencc = detection.standard == Some(Standard::Opencc)
        && detection.standard_confidence >= REGIONAL_CONFIDENCE;
    let verdict = Verdict::new(pattern, shows_opencc);
    if lines.is_empty() || !verdict.naive {
        return (text.to_string(), Report::default());
    }
    // Second pass: the repairs, a step per phrase (or character outside
    // phrases), and a flag per style difference.
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut report = Report::default();
    let mut copied = 0;
    for (line_start, differences) in lines {
        let mut i = 0;
        while i < differences.len() {
            // The differences of one phrase (or one character).
            let unit = differences[i].phrase;
            let group_len = differences[i..]
                .iter()
                .take_while(|d| d.phrase.is_some() && d.phrase == unit)
                .count()
                .max(1);
            let group = &differences[i..i + group_len];
            i += group_len;
            let repaired = group.iter().any(|d| verdict.repairs(d));
            let (start, end) = unit.unwrap_or((group[0].at, group[0].at + 1));
            let (start, end) = (line_start + start, line_start + end);
            if explain {
                for d in group.iter().filter(|d| verdict.style(d)) {
                    let (s, e) = match d.phrase {
                        Some(_) => (start, end),
                        None => (line_start + d.at, line_start + d.at + 1),
                    };
                    report.flags.push(Flag {
                        damage: Damage::StyleVariant,
                        start: s,
                        end: e,
                        text: chars[s..e].iter().collect(),
                    });
                }
            }
            if !repaired {
                continue;
            }
            let mut after: Vec<char> = chars[start..end].to_vec();
            let mut phrase_evidence = false;
            for d in group {
                if verdict.repairs(d) {
                    after[line_start + d.at - start] = d.to;
                    phrase_evidence |= d.kind == Kind::Phrase;
                }
            }
            out.extend(&chars[copied..start]);
            out.extend(&after);
            copied = end;
            if explain {
                report.steps.push(Step {
                    rule: Rule::Conversion,
                    start,
                    end,
                    before: chars[start..end].iter().collect(),
                    after: after.iter().collect(),
                    encodings: Vec::new(),
                    confidence: match phrase_evidence {
                        true => PHRASE_CONFIDENCE,
                        false => PATTERN_CONFIDENCE,
                    },
                });
            }
        }
    }
    out.extend(&chars[copied..]);
    (out, report)
}

/// The differences between `line` and its phrase-level conversion, in
/// order, and the line's evidence added to `pattern`.
fn differences(
    line: &str,
    back: &Converter,
    forth: &Converter,
    standard: Standard,
    pattern: &mut Pattern,
) -> Vec<Difference> {
    let tables = conversion_tables();
    let simplified = back.convert(line);
    // Every form of a character with several, counted.
    let text: Vec<char> = line.chars().collect();
    let sources: Vec<char> = simplified.chars().collect();
    if sources.len() != text.len() {
        return Vec::new();
    }
    for (&c, &source) in text.iter().zip(&sources) {
        let candidates = tables.candidates.get(&source).map_or(&[][..], |v| &v[..]);
        // A form that is also a Simplified character of its own (`乾`,
        // which Simplified text writes in `乾坤` and `淚不乾`) may have been
        // copied from the source as it was, by any converter: where the
        // naive converter writes another character (`幹` for `干`), it says
        // nothing of how the text writes the character. (Where the naive
        // form is the character itself, as for `溪` and `克`, ignoring such
        // forms changed clean classical text: `谿`, `剋`.)
        let copied = c != source
            && candidates
                .first()
                .is_some_and(|&naive| naive != c && naive != source)
            && tables.also_simplified.contains(&c);
        if candidates.len() > 1 && !copied {
            *pattern
                .forms
                .entry(source)
                .or_default()
                .entry(c)
                .or_default() += 1;
        }
    }
    let converted = forth.convert(&simplified);
    let targets: Vec<char> = converted.chars().collect();
    // (Every OpenCC table maps characters to as many characters; a line
    // where that does not hold is left alone.)
    if targets.len() != text.len() {
        return Vec::new();
    }
    for ((&c, &source), &target) in text.iter().zip(&sources).zip(&targets) {
        if c == target && tables.candidates.get(&source).is_some_and(|v| v.len() > 1) {
            *pattern
                .agreements
                .entry(source)
                .or_default()
                .entry(c)
                .or_default() += 1;
        }
    }
    if converted == line {
        return Vec::new();
    }
    let phrases = forth.phrase_spans(&simplified);
    let mut phrase_at = phrases.iter().peekable();
    let mut differences = Vec::new();
    for at in 0..text.len() {
        while phrase_at.next_if(|&&(_, end)| end <= at).is_some() {}
        let phrase = phrase_at
            .peek()
            .filter(|&&&(start, _)| start <= at)
            .copied()
            .copied();
        let (c, source, target) = (text[at], sources[at], targets[at]);
        if c == target {
            continue;
        }
        let candidates = tables.candidates.get(&source).map_or(&[][..], |v| &v[..]);
        let written = |x: char| {
            candidates
                .iter()
                .any(|&f| tables.in_standard(f, standard) == x)
        };
        // (Counted in OpenCC's standard, judged by the whole document.)
        let regional = standard == Standard::Opencc
            && REGIONAL_PAIRS
                .iter()
                .any(|&(x, y)| (c, target) == (x, y) || (c, target) == (y, x));
        let variants = tables.standard_variants(c, target);
        let kind = if is_style(c, target) || (variants && !regional) {
            Kind::Style
        } else if candidates.len() > 1 && written(c) && written(target) {
            match phrase {
                Some(_) => {
                    *pattern
                        .disagreements
                        .entry(source)
                        .or_default()
                        .entry(c)
                        .or_default() += 1;
                    Kind::Phrase
                }
                None if c == source => Kind::Kept,
                None => continue,
            }
        } else if candidates.len() == 1
            && written(target)
            && tables.simplified.get(&c) == Some(&source)
            && !tables.written.iter().any(|w| w.contains(&c))
        {
            Kind::Variant
        } else {
            continue;
        };
        differences.push(Difference {
            at,
            from: c,
            source,
            to: target,
            kind,
            phrase,
            regional,
        });
    }
    differences
}

/// Whether the text's `a` where a phrase writes `b` is a pair of
/// [`STYLE_PAIRS`], or `a` is one of their forms and `b` is `a`.
fn is_style(a: char, b: char) -> bool {
    STYLE_PAIRS
        .iter()
        .any(|&(x, y)| (a, b) == (x, y) || (a == b && (a == x || a == y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        repair(text, false, None).0
    }

    #[test]
    fn naive_conversions_are_repaired_by_phrase() {
        // Kept Simplified characters (`干`, `于`), `凈` for `淨`.
        assert_eq!(fixed("忠誠干凈，關于規范"), "忠誠乾淨，關於規範");
        // First candidates (`發` for `髮`, `幹` for `乾`).
        assert_eq!(fixed("他的頭發幹凈了。"), "他的頭髮乾淨了。");
    }

    #[test]
    fn a_form_copied_from_the_source_does_not_hide_the_naive_one() {
        // `幹` for every `干`, and `乾` where the Simplified text already
        // had it (`泪不乾`): `干` is still written one way.
        assert_eq!(
            fixed("頭發幹凈，若幹年後幹涉了，淚不乾。"),
            "頭髮乾淨，若干年後干涉了，淚不乾。"
        );
    }

    #[test]
    fn correct_text_and_simplified_text_come_back_unchanged() {
        for text in [
            "他的頭髮乾淨了，關於規範的領導幹部。",
            "他的头发干净了。",
            "台灣的朋友說了解。",
            "hello",
            "",
        ] {
            let (out, report) = repair(text, true, None);
            assert_eq!(out, text);
            assert!(report.steps.is_empty());
        }
    }

    #[test]
    fn style_differences_are_flagged_and_left() {
        let (out, report) = repair("關于了解和借鑒", true, None);
        assert_eq!(out, "關於了解和借鑒");
        assert_eq!(report.steps.len(), 1);
        assert_eq!(
            (
                report.steps[0].before.as_str(),
                report.steps[0].after.as_str()
            ),
            ("關于", "關於")
        );
        let flagged: Vec<&str> = report.flags.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(flagged, ["了解", "借鑒"]);
        assert!(report
            .flags
            .iter()
            .all(|f| f.damage == Damage::StyleVariant));
    }

    #[test]
    fn style_pairs_are_style_only_toward_the_fuller_form() {
        // A naive converter that writes `佔` for every `占`: `佔卜` is no
        // spelling of `占卜`, so it is repaired; `占領` for `佔領` would be
        // style, but this text writes `佔領`, which agrees with the phrase.
        assert_eq!(fixed("關于佔卜和佔領"), "關於占卜和佔領");
        // A converter that keeps `占`: `占領` is Taiwan's spelling, left and
        // flagged.
        let (out, report) = repair("關于占卜和占領", true, None);
        assert_eq!(out, "關於占卜和占領");
        assert!(report
            .flags
            .iter()
            .any(|f| f.text.contains('占') && f.damage == Damage::StyleVariant));
    }

    #[test]
    fn kept_characters_outside_phrases_follow_the_documents_pattern() {
        // `余` and `筑` are in no phrase: repaired because the document keeps
        // Simplified characters, as its phrases show.
        assert_eq!(
            fixed("關于干凈，四千余冊，筑牢"),
            "關於乾淨，四千餘冊，築牢"
        );
        // Alone, without the pattern, they stay.
        assert_eq!(fixed("四千余冊，筑牢"), "四千余冊，筑牢");
    }

    #[test]
    fn regional_pairs_are_repaired_only_in_openccs_standard() {
        // OpenCC's standard (`爲`), keeping Simplified characters: `台` and
        // `才` too.
        assert_eq!(
            fixed("關于干凈，爲了這裏衆人的舞台，剛才"),
            "關於乾淨，爲了這裏衆人的舞臺，剛纔"
        );
        // Taiwan's standard (`為`, `裡`, `眾`) writes `台` as a matter of
        // style: left, and flagged; so does text that shows no standard.
        let (out, report) = repair("關于干凈，為了這裡眾人的舞台，剛才", true, None);
        assert_eq!(out, "關於乾淨，為了這裡眾人的舞台，剛才");
        assert!(report
            .flags
            .iter()
            .any(|f| f.text.contains('台') && f.damage == Damage::StyleVariant));
    }

    #[test]
    fn a_form_that_phrases_agree_with_elsewhere_is_not_naive() {
        // Converted by phrase: `於` nearly everywhere, `于` in `于歸`; `於飛`
        // from a Simplified source that had `於` already.
        let by_phrase = format!("{}燕燕於飛，之子于歸。", "關於此事，".repeat(10));
        assert_eq!(fixed(&by_phrase), by_phrase);
        // Converted naively: `於` in `于歸` too.
        let naive = format!("{}燕燕於飛，之子於歸。", "關於此事，".repeat(10));
        assert_eq!(
            fixed(&naive),
            format!("{}燕燕于飛，之子于歸。", "關於此事，".repeat(10))
        );
    }

    #[test]
    fn a_piece_is_judged_by_its_documents_evidence() {
        let (first, later) = ("關于干凈，\n", "四千余冊，筑牢");
        let mut evidence = Evidence::of(first);
        evidence.add(&Evidence::of(later));
        assert_eq!(evidence, Evidence::of(&format!("{first}{later}")));
        // The later piece shows no pattern; the document does.
        assert_eq!(repair(later, false, None).0, later);
        assert_eq!(repair(later, false, Some(&evidence)).0, "四千餘冊，築牢");
        // A Simplified document's evidence repairs nothing.
        let simplified = Evidence::of("这是简体中文的句子，关于干净");
        assert_eq!(repair(first, false, Some(&simplified)).0, first);
    }
}
