//! Script and regional-standard detection: Simplified or Traditional, and
//! for Traditional, which standard's forms it writes (OpenCC's, Taiwan's or
//! Hong Kong's: `爲` or `為`, `裏` or `裡`), judged from the characters that
//! only some of them use. OpenCC's own character tables say which those are.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::{script_only, Script};

/// A standard of Traditional Chinese characters, as OpenCC's configs write
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    /// OpenCC's own standard (what `s2t` writes: `爲`, `裏`, `衆`).
    Opencc,
    /// Taiwan's (what `s2tw` writes: `為`, `裡`, `眾`).
    Taiwan,
    /// Hong Kong's (what `s2hk` writes: `為`, `裏`, `眾`).
    HongKong,
}

impl Standard {
    /// Every standard, in the order ties are broken.
    pub const ALL: [Standard; 3] = [Standard::Opencc, Standard::Taiwan, Standard::HongKong];

    /// The lowercase name used in reports: `opencc`, `taiwan`, `hong-kong`.
    pub fn name(self) -> &'static str {
        match self {
            Standard::Opencc => "opencc",
            Standard::Taiwan => "taiwan",
            Standard::HongKong => "hong-kong",
        }
    }

    /// The config converting Simplified text to this standard.
    pub(crate) fn converting_simplified(self) -> crate::Config {
        match self {
            Standard::Opencc => crate::Config::S2t,
            Standard::Taiwan => crate::Config::S2tw,
            Standard::HongKong => crate::Config::S2hk,
        }
    }

    /// The config converting this standard's text to Simplified.
    pub(crate) fn simplifying(self) -> crate::Config {
        match self {
            Standard::Opencc => crate::Config::T2s,
            Standard::Taiwan => crate::Config::Tw2s,
            Standard::HongKong => crate::Config::Hk2s,
        }
    }
}

/// The script of a text and, for Traditional text, its standard, each with a
/// confidence.
///
/// ```
/// use zhfix::{Script, ScriptDetection, Standard};
///
/// let taiwan = ScriptDetection::of("這裡的人們為了大眾，說話");
/// assert_eq!(taiwan.script, Script::Traditional);
/// assert_eq!(taiwan.standard, Some(Standard::Taiwan));
/// let opencc = ScriptDetection::of("這裏的人們爲了大衆，說話");
/// assert_eq!(opencc.standard, Some(Standard::Opencc));
/// let simplified = ScriptDetection::of("这里的人们为了大众，说话");
/// assert_eq!(simplified.script, Script::Simplified);
/// assert_eq!(simplified.standard, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScriptDetection {
    /// Simplified, Traditional, mixed, or no evidence.
    pub script: Script,
    /// How sure the script is, from 0 to 1: the share of the script-only
    /// characters that agree with it, weighed down when there are few.
    pub confidence: f32,
    /// For Traditional text with characters that tell the standards apart,
    /// the standard they fit best.
    pub standard: Option<Standard>,
    /// How sure the standard is, from 0 to 1: the share of the telling
    /// characters that fit it, weighed down when there are few, and halved
    /// when another standard fits as well (Taiwan's and Hong Kong's share
    /// most forms).
    pub standard_confidence: f32,
}

impl ScriptDetection {
    /// Judges `text` (in one pass).
    pub fn of(text: &str) -> ScriptDetection {
        ScriptCounts::of(text).detection()
    }
}

/// What [`ScriptDetection`] counts in a text: sums over its characters, so
/// that the counts of a document's pieces add up to the document's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ScriptCounts {
    simplified: u32,
    traditional: u32,
    /// Characters that some standards never write, and how many of them
    /// each standard does not write.
    telling: u32,
    misfits: [u32; 3],
}

impl ScriptCounts {
    /// The counts of `text`.
    pub fn of(text: &str) -> ScriptCounts {
        let tables = tables();
        let mut counts = ScriptCounts::default();
        for c in text.chars() {
            let (s, t) = script_only(c);
            let (s, t) = (
                s || tables.simplified_only(c),
                t || tables.traditional_only(c),
            );
            counts.simplified += u32::from(s);
            counts.traditional += u32::from(t);
            if let Some(fits) = tables.fits(c) {
                counts.telling += 1;
                for (misfit, fit) in counts.misfits.iter_mut().zip(fits) {
                    *misfit += u32::from(!fit);
                }
            }
        }
        counts
    }

    /// Adds `other`'s counts (saturating: a text of billions of characters
    /// is judged by its first four billion).
    pub fn add(&mut self, other: &ScriptCounts) {
        self.simplified = self.simplified.saturating_add(other.simplified);
        self.traditional = self.traditional.saturating_add(other.traditional);
        self.telling = self.telling.saturating_add(other.telling);
        for (misfit, other) in self.misfits.iter_mut().zip(other.misfits) {
            *misfit = misfit.saturating_add(other);
        }
    }

    /// What the counts say.
    pub fn detection(&self) -> ScriptDetection {
        let ScriptCounts {
            simplified,
            traditional,
            telling,
            misfits,
        } = *self;
        let script = Script::of_counts(simplified, traditional);
        let found = simplified.saturating_add(traditional);
        let confidence = match script {
            Script::None => 0.0,
            Script::Simplified | Script::Traditional => {
                simplified.max(traditional) as f32 / found as f32
            }
            // Mixed: sure when both are well represented.
            Script::Mixed => (simplified.min(traditional) as f32 / (0.2 * found as f32)).min(1.0),
        } * weight(found);
        let (standard, standard_confidence) = match (script, telling) {
            (Script::Traditional, 1..) => {
                let best = (0..3).min_by_key(|&i| misfits[i]).expect("three standards");
                let tied = (0..3).any(|i| i != best && misfits[i] == misfits[best]);
                let share = 1.0 - misfits[best] as f32 / telling as f32;
                let sure = share * weight(telling) * if tied { 0.5 } else { 1.0 };
                (Some(Standard::ALL[best]), sure)
            }
            _ => (None, 0.0),
        };
        ScriptDetection {
            script,
            confidence,
            standard,
            standard_confidence,
        }
    }
}

/// How much `n` pieces of evidence weigh, from 0 towards 1.
fn weight(n: u32) -> f32 {
    n as f32 / (n as f32 + 3.0)
}

/// OpenCC's character tables, as the repair of naive conversions and the
/// detection of standards read them.
pub(crate) struct Tables {
    /// `STCharacters`: each Simplified character's Traditional candidates,
    /// the first being what OpenCC writes when no phrase decides.
    pub candidates: HashMap<char, Vec<char>>,
    /// `TSCharacters`: each Traditional character's first Simplified form.
    pub simplified: HashMap<char, char>,
    /// The Traditional characters that are also Simplified ones
    /// (`TSCharacters` lists them among their own forms: `乾`, `於`).
    pub also_simplified: HashSet<char>,
    /// `TWVariants` and `HKVariants`: OpenCC's form to the standard's.
    pub taiwan: HashMap<char, char>,
    pub hong_kong: HashMap<char, char>,
    /// The characters each standard writes for some Simplified character
    /// (in `Standard::ALL` order).
    pub written: [HashSet<char>; 3],
}

/// Parses an OpenCC dictionary text: `key<TAB>value value...` lines.
fn entries(text: &'static str) -> impl Iterator<Item = (char, Vec<char>)> {
    text.lines().filter_map(|line| {
        let (key, values) = line.split_once('\t')?;
        let mut key_chars = key.chars();
        let key = key_chars.next().filter(|_| key_chars.as_str().is_empty())?;
        let values = values.split(' ').filter_map(|v| v.chars().next()).collect();
        Some((key, values))
    })
}

pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let candidates: HashMap<char, Vec<char>> =
            entries(include_str!("../../dictionaries/opencc/STCharacters.txt")).collect();
        let simplified_forms: Vec<(char, Vec<char>)> =
            entries(include_str!("../../dictionaries/opencc/TSCharacters.txt")).collect();
        let also_simplified = simplified_forms
            .iter()
            .filter(|(k, v)| v.contains(k))
            .map(|&(k, _)| k)
            .collect();
        let simplified = simplified_forms
            .into_iter()
            .map(|(k, v)| (k, v[0]))
            .collect();
        let first = |(k, v): (char, Vec<char>)| (k, v[0]);
        let taiwan: HashMap<char, char> =
            entries(include_str!("../../dictionaries/opencc/TWVariants.txt"))
                .map(first)
                .collect();
        let hong_kong: HashMap<char, char> =
            entries(include_str!("../../dictionaries/opencc/HKVariants.txt"))
                .map(first)
                .collect();
        let opencc: HashSet<char> = candidates.values().flatten().copied().collect();
        let through = |map: &HashMap<char, char>| -> HashSet<char> {
            opencc
                .iter()
                .map(|c| map.get(c).copied().unwrap_or(*c))
                .collect()
        };
        let written = [opencc.clone(), through(&taiwan), through(&hong_kong)];
        Tables {
            candidates,
            simplified,
            also_simplified,
            taiwan,
            hong_kong,
            written,
        }
    })
}

impl Tables {
    /// Whether `c` is a character OpenCC's `s2t` always changes: written
    /// in Simplified text only (`这`, `说`).
    fn simplified_only(&self, c: char) -> bool {
        self.candidates
            .get(&c)
            .is_some_and(|candidates| !candidates.contains(&c))
            && !self.written[0].contains(&c)
    }

    /// Whether `c` is a character OpenCC's `t2s` always changes and `s2t`
    /// never converts: written in Traditional text only
    /// (`這`, `說`, `為`).
    fn traditional_only(&self, c: char) -> bool {
        self.simplified.get(&c).is_some_and(|&s| s != c) && !self.candidates.contains_key(&c)
    }

    /// For a Traditional-only character (one `TSCharacters` simplifies)
    /// that some standard never writes: whether each standard writes it.
    fn fits(&self, c: char) -> Option<[bool; 3]> {
        if !self.simplified.contains_key(&c) {
            return None;
        }
        let fits = [0, 1, 2].map(|i| self.written[i].contains(&c));
        (fits != [true; 3] && fits != [false; 3]).then_some(fits)
    }

    /// `c` (one of OpenCC's forms) in `standard`'s form.
    pub fn in_standard(&self, c: char, standard: Standard) -> char {
        let map = match standard {
            Standard::Opencc => return c,
            Standard::Taiwan => &self.taiwan,
            Standard::HongKong => &self.hong_kong,
        };
        map.get(&c).copied().unwrap_or(c)
    }

    /// Whether `a` and `b` are one character's forms in two standards
    /// (`爲` and `為`, `裏` and `裡`).
    pub fn standard_variants(&self, a: char, b: char) -> bool {
        let pair = |x: char, y: char| {
            self.taiwan.get(&x) == Some(&y) || self.hong_kong.get(&x) == Some(&y)
        };
        a != b
            && (pair(a, b)
                || pair(b, a)
                || Standard::ALL
                    .iter()
                    .any(|&s| self.in_standard(a, s) == b || self.in_standard(b, s) == a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_are_told_apart_by_their_forms() {
        // (Hong Kong writes `説`, not `說`.)
        let hong_kong = ScriptDetection::of("這裏的人們為了大眾，説話");
        assert_eq!(hong_kong.standard, Some(Standard::HongKong));
        assert!(hong_kong.standard_confidence > 0.5);
        // `為` and `眾` fit Taiwan and Hong Kong alike: a tie, less sure.
        let either = ScriptDetection::of("人們為了大眾");
        assert_eq!(either.standard, Some(Standard::Taiwan));
        assert!(either.standard_confidence < 0.5);
        // No telling character: Traditional, no standard.
        let none = ScriptDetection::of("時間");
        assert_eq!(none.script, Script::Traditional);
        assert_eq!((none.standard, none.standard_confidence), (None, 0.0));
        let empty = ScriptDetection::of("hello");
        assert_eq!((empty.script, empty.confidence), (Script::None, 0.0));
    }

    #[test]
    fn confidence_grows_with_the_evidence() {
        let short = ScriptDetection::of("說話");
        let long = ScriptDetection::of("說話的時間，這是繁體中文的句子，還有漢字");
        assert!(short.confidence < long.confidence);
        assert!(long.confidence > 0.7 && long.confidence <= 1.0);
        let mixed = ScriptDetection::of("這是繁體中文的句子，这是简体中文的句子");
        assert_eq!(mixed.script, Script::Mixed);
        assert!(mixed.confidence > 0.5, "{mixed:?}");
    }

    #[test]
    fn variant_pairs_come_from_the_standards_tables() {
        let tables = tables();
        assert!(tables.standard_variants('爲', '為'));
        assert!(tables.standard_variants('裡', '裏'));
        assert!(!tables.standard_variants('乾', '干'));
        assert!(!tables.standard_variants('爲', '爲'));
        assert_eq!(tables.in_standard('裏', Standard::Taiwan), '裡');
        assert_eq!(tables.in_standard('裏', Standard::HongKong), '裏');
        assert_eq!(tables.candidates[&'干'], ['幹', '乾', '干', '榦']);
    }
}
