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
//! - a character between phrases whose first-stage value is one character
//!   that starts none of the second stage's multi-character keys (and is no
//!   ideographic description character) is matched alone by the second
//!   stage too, at the same place: no match of the second stage can be in
//!   progress there, since one would have to start at an earlier such
//!   character. Its value is its first-stage value's second-stage value; a
//!   character that is no key of the first stage is its own first-stage
//!   value, and becomes a key when the second stage changes it;
//! - every other character between phrases is *diverted*: where one is
//!   matched alone, the composed conversion converts the rest of its
//!   segment in two stages (see `convert_composed` in `mod.rs`).
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
/// two or more characters whose rule consumes one character) or does not
/// pay (see [`MAX_PHRASE_STARTS`]).
pub fn compose(first: &[Resolved], second: &[Resolved]) -> Option<Composed> {
    let phrase_starts: HashSet<char> = second
        .iter()
        .filter(|entry| entry.key.chars().nth(1).is_some())
        .filter_map(|entry| entry.key.chars().next())
        .collect();
    let phrase_with_one_char_rule = first
        .iter()
        .any(|entry| entry.consume_chars < 2 && entry.key.chars().nth(1).is_some());
    if phrase_starts.len() > MAX_PHRASE_STARTS || phrase_with_one_char_rule {
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
    let composes = |c: char| !phrase_starts.contains(&c) && !engine::is_ids_operator(c as u32);

    let mut entries = Vec::with_capacity(first.len());
    let mut diverted = Vec::new();
    let mut single_keys: HashMap<char, ()> = HashMap::new();
    for entry in first {
        let mut key_chars = entry.key.chars();
        if let (Some(c), None) = (key_chars.next(), key_chars.next()) {
            single_keys.insert(c, ());
            let mut value_chars = entry.value.chars();
            let one_char_value = match (value_chars.next(), value_chars.next()) {
                (Some(v), None) => Some(v),
                _ => None,
            };
            if !one_char_value.is_some_and(composes) {
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
