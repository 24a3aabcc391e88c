//! One table for a fused first stage followed by a second stage whose
//! multi-character keys start with few characters (s2tw: the Taiwan
//! variants after Simplified to Traditional), so that most of the text is
//! converted in one pass instead of two.
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
//!   second stage decides where the first did. A character whose value
//!   starts none of the second stage's multi-character keys is matched
//!   alone by the second stage too: no match of the second stage can be in
//!   progress there, since one would have to start at an earlier such
//!   character. Its value is its first-stage value's second-stage value; a
//!   character that is no key of the first stage is its own first-stage
//!   value, and becomes a key when the second stage changes it;
//! - every other character between phrases is *diverted*: where one is
//!   matched alone, the composed conversion converts from there in two
//!   stages until the second stage decides at a character's end again
//!   (see `convert_diverted` in `mod.rs`).
//!
//! This file is compiled twice: into the library (for its tests) and into
//! `build.rs`, which composes the built-in tables, so it uses nothing but
//! `std` and its sibling modules.

use std::collections::{HashMap, HashSet};

use super::dict::Resolved;
use super::engine;
use super::table::Table;

/// Compose only when the second stage's multi-character keys start with at
/// most this many characters: each of them (and each character the first
/// stage turns into one) is diverted to the two-stage path. The Taiwan
/// variants' start with 10 (one character in 700 of Chinese text is
/// diverted); the Hong Kong variants' with 129 and the Taiwan phrases' with
/// over 400 (one in 17 and one in 5), for which the diverted characters
/// would cost more than the composition saves.
pub const MAX_PHRASE_STARTS: usize = 16;

/// A composed table's entries and its diverted characters.
pub struct Composed {
    pub entries: Vec<Resolved>,
    pub diverted: Vec<char>,
}

/// Composes the resolved entries of a fused first stage with those of the
/// second stage, or `None` when that is not known to be exact (a key of
/// two or more characters whose rule consumes one character, a character
/// whose value is not one character or is an ideographic description
/// character) or does not pay (see [`MAX_PHRASE_STARTS`]).
pub fn compose(first: &[Resolved], second: &[Resolved]) -> Option<Composed> {
    let phrase_starts: HashSet<char> = second
        .iter()
        .filter(|entry| entry.key.chars().nth(1).is_some())
        .filter_map(|entry| entry.key.chars().next())
        .collect();
    let one_char = |text: &str| {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    let exact = first.iter().all(|entry| match one_char(&entry.key) {
        Some(_) => one_char(&entry.value).is_some_and(|v| !engine::is_ids_operator(v as u32)),
        None => entry.consume_chars >= 2,
    });
    if phrase_starts.len() > MAX_PHRASE_STARTS || !exact {
        return None;
    }
    let second_table = Table::build(second);
    let second_view = second_table.view();
    let convert_second = |text: &str| {
        let mut out = String::new();
        engine::convert(&second_view, text, &mut out);
        out
    };
    // Whether the character, a first-stage value, keeps the second stage
    // matching character by character.
    let composes = |c: char| !phrase_starts.contains(&c);

    let mut entries = Vec::with_capacity(first.len());
    let mut diverted = Vec::new();
    let mut single_keys: HashMap<char, ()> = HashMap::new();
    for entry in first {
        if let Some(c) = one_char(&entry.key) {
            single_keys.insert(c, ());
            if !one_char(&entry.value).is_some_and(composes) {
                diverted.push(c);
            }
        }
        entries.push(Resolved {
            key: entry.key.clone(),
            consume_chars: entry.consume_chars,
            value: convert_second(&entry.value),
        });
    }
    // Characters that are no key of the first stage: their own value.
    let mut unkeyed: Vec<char> = second
        .iter()
        .filter_map(|entry| entry.key.chars().next())
        .chain(phrase_starts.iter().copied())
        .filter(|c| !single_keys.contains_key(c))
        .collect();
    unkeyed.sort_unstable();
    unkeyed.dedup();
    for c in unkeyed {
        let own = c.to_string();
        let value = convert_second(&own);
        if !composes(c) {
            diverted.push(c);
        } else if value == own {
            continue;
        }
        entries.push(Resolved {
            key: own,
            consume_chars: 1,
            value,
        });
    }
    diverted.sort_unstable();
    Some(Composed { entries, diverted })
}
