//! One table for a fused first stage followed by a second stage (s2tw: the
//! Taiwan variants after Simplified to Traditional; s2twp: the Taiwan
//! phrases too), so that nearly all of the text is converted in one pass
//! instead of two.
//!
//! In the staged conversion (see `Run::convert`), the first stage's matches
//! of two or more characters are segments of their own and the text between
//! them, converted character by character, is one segment; the second stage
//! converts each segment on its own. The composed table has the first
//! stage's keys, so it matches exactly where the first stage does, with
//! their values passed through the second stage:
//!
//! - a phrase's value is its segment: the second stage converts it alone;
//! - between phrases, every character's first-stage value must be one
//!   character and no ideographic description character (or there is no
//!   composed table): the first stage's output then has the text's
//!   ideographic description sequences where the text has them, and the
//!   second stage decides where the first did. A character whose value and
//!   the next character's start none of the second stage's keys of two or
//!   more characters is matched alone by the second stage too: no match of
//!   the second stage can be in progress there, since one would have had
//!   to start at an earlier such pair. Its value is its first-stage value's
//!   second-stage value; a character that is no key of the first stage is
//!   its own first-stage value, and becomes a key when the second stage
//!   changes it or it starts a diverted pair;
//! - the other pairs are *diverted*: where the first character of one is
//!   matched alone, the composed conversion converts from there in two
//!   stages until the second stage decides at a character's end again (see
//!   `convert_diverted` in `mod.rs`).
//!
//! This file is compiled twice: into the library (for its tests) and into
//! `build.rs`, which composes the built-in tables, so it uses nothing but
//! `std` and its sibling modules.

use std::collections::{BTreeSet, HashMap};

use super::dict::Resolved;
use super::engine;
use super::table::Table;

/// A composed table's entries and its diverted pairs.
pub struct Composed {
    pub entries: Vec<Resolved>,
    pub diverted: Vec<(char, char)>,
}

/// Composes the resolved entries of a fused first stage with those of the
/// second stage, or `None` when that is not known to be exact: a key of two
/// or more characters whose rule consumes one character, or a character
/// whose value is not one character or is an ideographic description
/// character.
pub fn compose(first: &[Resolved], second: &[Resolved]) -> Option<Composed> {
    let one_char = |text: &str| {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    // Per single-character key of the first stage: its value.
    let mut single: HashMap<char, char> = HashMap::new();
    for entry in first {
        match one_char(&entry.key) {
            Some(c) => {
                let value =
                    one_char(&entry.value).filter(|&v| !engine::is_ids_operator(v as u32))?;
                single.insert(c, value);
            }
            None if entry.consume_chars < 2 => return None,
            None => {}
        }
    }
    // The characters whose first-stage value is `value`.
    let mut sources_of: HashMap<char, Vec<char>> = HashMap::new();
    for (&c, &value) in &single {
        sources_of.entry(value).or_default().push(c);
    }
    let sources = |value: char| {
        let own = (!single.contains_key(&value)).then_some(value);
        let keyed = sources_of.get(&value).into_iter().flatten().copied();
        keyed.chain(own).collect::<Vec<char>>()
    };
    let mut diverted: BTreeSet<(char, char)> = BTreeSet::new();
    for entry in second {
        let mut chars = entry.key.chars();
        if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
            for c in sources(a) {
                diverted.extend(sources(b).into_iter().map(|d| (c, d)));
            }
        }
    }

    let second_table = Table::build(second);
    let second_view = second_table.view();
    let convert_second = |text: &str| {
        let mut out = String::new();
        engine::convert(&second_view, text, &mut out);
        out
    };
    let mut entries: Vec<Resolved> = first
        .iter()
        .map(|entry| Resolved {
            key: entry.key.clone(),
            consume_chars: entry.consume_chars,
            value: convert_second(&entry.value),
        })
        .collect();
    // Characters that are no key of the first stage: their own value.
    let mut unkeyed: Vec<char> = second
        .iter()
        .filter_map(|entry| one_char(&entry.key))
        .chain(diverted.iter().map(|&(c, _)| c))
        .filter(|c| !single.contains_key(c))
        .collect();
    unkeyed.sort_unstable();
    unkeyed.dedup();
    for c in unkeyed {
        let own = c.to_string();
        let value = convert_second(&own);
        let starts_diverted = diverted.range((c, '\0')..=(c, char::MAX)).next().is_some();
        if value != own || starts_diverted {
            entries.push(Resolved {
                key: own,
                consume_chars: 1,
                value,
            });
        }
    }
    Some(Composed {
        entries,
        diverted: diverted.into_iter().collect(),
    })
}
