//! OpenCC text dictionaries and the match policy of dictionary groups.
//!
//! This file is compiled twice: into the library (for user dictionaries and
//! configs loaded at run time) and into `build.rs` (for the built-in ones), so
//! it uses nothing but `std`.

use std::collections::HashMap;

/// An error in a text dictionary: the 1-based line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictError {
    pub line: usize,
    pub message: String,
}

/// Parses an OpenCC text dictionary the way OpenCC 1.4.2 does: one
/// `key<TAB>candidate[ candidate…]` per line (`\n`, `\r\n` or `\r`), a
/// leading BOM skipped, empty lines and lines starting with `#` skipped.
///
/// The key is everything before the first tab (spaces included); only the
/// first space-separated candidate is kept, since OpenCC converts to it, and it
/// may be empty. A duplicated key is an error, as in OpenCC.
pub fn parse_text_dict(text: &str) -> Result<Vec<(String, String)>, DictError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    // A lone `\r` also ends a line; line numbers count `\n`-terminated lines.
    let lines = text
        .lines()
        .enumerate()
        .flat_map(|(index, line)| line.split('\r').map(move |part| (index + 1, part)));
    for (number, line) in lines {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let error = |message: String| DictError {
            line: number,
            message,
        };
        let (key, candidates) = line
            .split_once('\t')
            .ok_or_else(|| error("expected a key, a tab and a candidate".to_string()))?;
        let value = candidates.split(' ').next().unwrap_or("");
        if key.is_empty() {
            return Err(error("the key is empty".to_string()));
        }
        if key.contains('\0') {
            return Err(error("the key contains a NUL character".to_string()));
        }
        if seen.insert(key, ()).is_some() {
            return Err(error(format!("the key {key:?} is duplicated")));
        }
        entries.push((key.to_string(), value.to_string()));
    }
    Ok(entries)
}

/// How a dictionary group chooses between the matches of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchPolicy {
    /// The first member with any match decides, with its longest match, even
    /// when a later member has a longer one.
    ShortCircuit,
    /// The longest match over all members wins; on a tie, the earlier member.
    Union,
}

/// A dictionary or a (nested) group of dictionaries; leaves index a list of
/// parsed dictionaries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DictTree {
    Leaf(usize),
    Group(MatchPolicy, Vec<DictTree>),
}

/// One resolved entry of a dictionary tree: when `key` is the longest key of
/// the whole tree that matches at a position, the tree's rule consumes the
/// first `consume_chars` characters and outputs `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub key: String,
    pub consume_chars: usize,
    pub value: String,
}

/// Flattens a dictionary tree into a single longest-match table.
///
/// At any position, every key that matches is a prefix of the longest key
/// that matches, so the tree's decision is a function of that longest key
/// alone. Resolving every key once here lets the run-time matcher do one
/// plain longest-prefix walk whatever the group policies are.
pub fn resolve(tree: &DictTree, dicts: &[Vec<(String, String)>]) -> Vec<Resolved> {
    let maps: Vec<HashMap<&str, &str>> = dicts
        .iter()
        .map(|entries| {
            entries
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        })
        .collect();
    let mut leaves = Vec::new();
    collect_leaves(tree, &mut leaves);
    let mut keys: Vec<&str> = leaves
        .iter()
        .flat_map(|&leaf| dicts[leaf].iter().map(|(k, _)| k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let prefix_ends: Vec<usize> =
                key.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
            let (end, value) = best_match(tree, &maps, key, &prefix_ends)?;
            let consume_chars = prefix_ends.iter().position(|&e| e == end)? + 1;
            Some(Resolved {
                key: key.to_string(),
                consume_chars,
                value: value.to_string(),
            })
        })
        .collect()
}

/// Whether segmenting with `segmentation` and then converting each segment
/// with `first_stage` is the same as one pass of `first_stage` over the whole
/// text whose multi-character matches are the segments: true when the stage
/// is `short_circuit[segmentation, …]` with only single-character keys after
/// the segmentation dictionary, and the segmentation has no single-character
/// key. (Then a segment matched by the segmentation converts whole to the
/// stage's value, and between such segments the stage can only convert
/// character by character.) OpenCC's s2tw, s2twp, s2hk and s2hkp are so.
pub fn stage_fuses_with_segmentation(
    segmentation: &DictTree,
    first_stage: &DictTree,
    dicts: &[Vec<(String, String)>],
) -> bool {
    let DictTree::Group(MatchPolicy::ShortCircuit, members) = first_stage else {
        return false;
    };
    let Some((head, rest)) = members.split_first() else {
        return false;
    };
    let key_lengths = |tree: &DictTree| {
        let mut leaves = Vec::new();
        collect_leaves(tree, &mut leaves);
        leaves
            .into_iter()
            .flat_map(|leaf| dicts[leaf].iter().map(|(k, _)| k.chars().count()))
            .collect::<Vec<usize>>()
    };
    head == segmentation
        && key_lengths(segmentation).iter().all(|&n| n >= 2)
        && rest.iter().all(|m| key_lengths(m).iter().all(|&n| n == 1))
}

fn collect_leaves(tree: &DictTree, out: &mut Vec<usize>) {
    match tree {
        DictTree::Leaf(index) => out.push(*index),
        DictTree::Group(_, members) => members.iter().for_each(|m| collect_leaves(m, out)),
    }
}

/// The match the tree makes on text starting with `key`: the end (in bytes)
/// of the matched prefix and its value.
fn best_match<'a>(
    tree: &DictTree,
    maps: &[HashMap<&str, &'a str>],
    key: &str,
    prefix_ends: &[usize],
) -> Option<(usize, &'a str)> {
    match tree {
        DictTree::Leaf(index) => prefix_ends
            .iter()
            .rev()
            .find_map(|&end| maps[*index].get(&key[..end]).map(|value| (end, *value))),
        DictTree::Group(MatchPolicy::ShortCircuit, members) => members
            .iter()
            .find_map(|m| best_match(m, maps, key, prefix_ends)),
        DictTree::Group(MatchPolicy::Union, members) => {
            let mut best: Option<(usize, &str)> = None;
            for found in members
                .iter()
                .filter_map(|m| best_match(m, maps, key, prefix_ends))
            {
                if best.is_none_or(|(end, _)| found.0 > end) {
                    best = Some(found);
                }
            }
            best
        }
    }
}
