//! A compiled longest-prefix-match table: a character trie stored as flat
//! `u32` words, so the built-in tables are embedded in the binary and used in
//! place, without parsing or copying.
//!
//! This file is compiled twice: into the library and into `build.rs`, so it
//! uses nothing but `std`.
//!
//! Layout (all `u32`, little-endian when embedded):
//!
//! | section      | words            | meaning                                   |
//! |--------------|------------------|-------------------------------------------|
//! | header       | `HEADER_WORDS`   | magic, counts, ASCII key-character bitmap |
//! | block index  | `BLOCK_COUNT`    | code point >> 8 → block number            |
//! | blocks       | 256 per block    | code point & 0xFF → trie node of the char |
//! | nodes        | 2 per node       | value index, consumed chars + child flag  |
//! | edges        | 3 per slot       | (parent node, char) → child node, hashed  |
//! | values       | 2 per value      | byte offset and length in the arena       |
//!
//! Node 0 means "none"; block 0 is all zeros and shared by every code point
//! block that starts no key.

use std::borrow::Cow;
use std::collections::HashMap;

use super::dict::Resolved;

const MAGIC: u32 = 0x7A68_7401;
/// Number of 256-code-point blocks covering U+0000..=U+10FFFF.
const BLOCK_COUNT: usize = 0x1100;
const HEADER_WORDS: usize = 10;
const HAS_CHILDREN: u32 = 1 << 8;
/// Set in a character's block entry when the character occurs anywhere in a
/// key; the low bits are the trie node of keys starting with it, if any.
const IN_KEY: u32 = 1 << 31;

/// A longest-prefix-match table over characters.
#[derive(Debug, Clone)]
pub struct Table {
    words: Cow<'static, [u32]>,
    arena: Cow<'static, str>,
    blocks: usize,
    nodes: usize,
    edges: usize,
    edge_mask: u32,
    values: usize,
    max_key_chars: usize,
    ascii_in_keys: u128,
}

/// Why a word array is not a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptTable;

impl Table {
    /// Builds a table from resolved entries (see `dict::resolve`).
    pub fn build(entries: &[Resolved]) -> Table {
        let (words, arena) = encode(entries);
        Table::from_parts(Cow::Owned(words), Cow::Owned(arena))
            .expect("a freshly encoded table is well formed")
    }

    /// Wraps words and an arena produced by `encode`, checking the layout so
    /// that every later lookup stays in bounds.
    pub fn from_parts(
        words: Cow<'static, [u32]>,
        arena: Cow<'static, str>,
    ) -> Result<Table, CorruptTable> {
        if words.len() < HEADER_WORDS || words[0] != MAGIC {
            return Err(CorruptTable);
        }
        let n_blocks = words[1] as usize;
        let n_nodes = words[2] as usize;
        let edge_mask = words[3];
        let n_values = words[4] as usize;
        let ascii_in_keys = (words[6] as u128)
            | (words[7] as u128) << 32
            | (words[8] as u128) << 64
            | (words[9] as u128) << 96;
        let index = HEADER_WORDS;
        let blocks = index + BLOCK_COUNT;
        let nodes = blocks + n_blocks * 256;
        let edges = nodes + n_nodes * 2;
        let values = edges + (edge_mask as usize + 1) * 3;
        let end = values + n_values * 2;
        if n_blocks == 0 || n_nodes == 0 || !(edge_mask + 1).is_power_of_two() || words.len() != end
        {
            return Err(CorruptTable);
        }
        let block_ok = words[index..blocks].iter().all(|&b| (b as usize) < n_blocks);
        let node_ok = words[blocks..nodes]
            .iter()
            .all(|&n| ((n & !IN_KEY) as usize) < n_nodes);
        let edge_ok = words[edges..values]
            .chunks_exact(3)
            .all(|e| (e[0] as usize) < n_nodes && (e[2] as usize) < n_nodes);
        let value_ok = words[nodes..edges]
            .chunks_exact(2)
            .all(|n| (n[0] as usize) < n_values.max(1));
        let arena_ok = words[values..end].chunks_exact(2).all(|v| {
            let (start, len) = (v[0] as usize, v[1] as usize);
            arena.get(start..start + len).is_some()
        });
        if !(block_ok && node_ok && edge_ok && value_ok && arena_ok) {
            return Err(CorruptTable);
        }
        Ok(Table {
            blocks,
            nodes,
            edges,
            edge_mask,
            values,
            max_key_chars: words[5] as usize,
            ascii_in_keys,
            words,
            arena,
        })
    }

    /// The longest key, in characters.
    pub fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether the ASCII character `byte` occurs anywhere in any key.
    #[inline]
    pub fn ascii_in_keys(&self, byte: u8) -> bool {
        byte < 128 && self.ascii_in_keys & (1u128 << byte) != 0
    }

    /// The trie node of keys starting with `c`, or 0.
    #[inline]
    pub fn root_child(&self, c: u32) -> u32 {
        self.char_entry(c) & !IN_KEY
    }

    /// Whether `c` occurs anywhere in any key: a match can never span a
    /// character for which this is false.
    #[inline]
    pub fn in_keys(&self, c: u32) -> bool {
        self.char_entry(c) & IN_KEY != 0
    }

    #[inline]
    fn char_entry(&self, c: u32) -> u32 {
        let block = self.words[HEADER_WORDS + (c as usize >> 8).min(BLOCK_COUNT - 1)];
        self.words[self.blocks + block as usize * 256 + (c as usize & 0xFF)]
    }

    /// The child of `parent` along `c`, or 0.
    #[inline]
    pub fn child(&self, parent: u32, c: u32) -> u32 {
        let mut slot = edge_hash(parent, c) & self.edge_mask;
        loop {
            let at = self.edges + slot as usize * 3;
            let stored = self.words[at];
            if stored == 0 {
                return 0;
            }
            if stored == parent && self.words[at + 1] == c {
                return self.words[at + 2];
            }
            slot = (slot + 1) & self.edge_mask;
        }
    }

    /// For a node: how many characters its key's rule consumes (0 when no key
    /// ends here), whether it has children, and its value index.
    #[inline]
    pub fn node(&self, node: u32) -> (usize, bool, u32) {
        let at = self.nodes + node as usize * 2;
        let meta = self.words[at + 1];
        ((meta & 0xFF) as usize, meta & HAS_CHILDREN != 0, self.words[at])
    }

    /// The text of a value.
    #[inline]
    pub fn value(&self, value: u32) -> &str {
        let at = self.values + value as usize * 2;
        let start = self.words[at] as usize;
        let len = self.words[at + 1] as usize;
        self.arena.get(start..start + len).unwrap_or("")
    }

    /// The words and arena, for embedding.
    pub fn parts(&self) -> (&[u32], &str) {
        (&self.words, &self.arena)
    }
}

#[inline]
fn edge_hash(parent: u32, c: u32) -> u32 {
    let h = parent.wrapping_mul(0x9E37_79B1) ^ c.wrapping_mul(0x85EB_CA77);
    h ^ (h >> 15)
}

/// Encodes resolved entries into table words and a string arena.
fn encode(entries: &[Resolved]) -> (Vec<u32>, String) {
    // Trie nodes: [value, meta]; node 0 is the unused "none".
    let mut nodes: Vec<[u32; 2]> = vec![[0, 0]];
    let mut first: HashMap<u32, u32> = HashMap::new();
    let mut edges: HashMap<(u32, u32), u32> = HashMap::new();
    let mut arena = String::new();
    let mut values: Vec<(u32, u32)> = Vec::new();
    let mut value_index: HashMap<&str, u32> = HashMap::new();
    let mut max_key_chars = 0;
    let mut ascii_in_keys = 0u128;

    for entry in entries {
        let mut chars = entry.key.chars();
        let Some(c0) = chars.next() else { continue };
        let mut node = *first.entry(c0 as u32).or_insert_with(|| {
            nodes.push([0, 0]);
            nodes.len() as u32 - 1
        });
        let mut depth = 1;
        for c in chars {
            nodes[node as usize][1] |= HAS_CHILDREN;
            let parent = node;
            node = *edges.entry((parent, c as u32)).or_insert_with(|| {
                nodes.push([0, 0]);
                nodes.len() as u32 - 1
            });
            depth += 1;
        }
        for c in entry.key.chars().filter(char::is_ascii) {
            ascii_in_keys |= 1u128 << (c as u32);
        }
        max_key_chars = max_key_chars.max(depth);
        let value = *value_index.entry(entry.value.as_str()).or_insert_with(|| {
            let start = arena.len() as u32;
            arena.push_str(&entry.value);
            values.push((start, entry.value.len() as u32));
            values.len() as u32 - 1
        });
        let consume = entry.consume_chars.clamp(1, 255) as u32;
        nodes[node as usize][0] = value;
        nodes[node as usize][1] = (nodes[node as usize][1] & HAS_CHILDREN) | consume;
    }

    // Blocks of 256 code points; block 0 is the shared empty block.
    let mut block_of: HashMap<u32, u32> = HashMap::new();
    let mut block_words: Vec<u32> = vec![0; 256];
    let mut chars: HashMap<u32, u32> = entries
        .iter()
        .flat_map(|e| e.key.chars())
        .map(|c| (c as u32, IN_KEY))
        .collect();
    for (&c, &node) in &first {
        chars.insert(c, IN_KEY | node);
    }
    let mut chars: Vec<(u32, u32)> = chars.into_iter().collect();
    chars.sort_unstable();
    for (c, entry) in chars {
        let block = *block_of.entry(c >> 8).or_insert_with(|| {
            block_words.extend(std::iter::repeat_n(0, 256));
            (block_words.len() / 256 - 1) as u32
        });
        block_words[block as usize * 256 + (c & 0xFF) as usize] = entry;
    }
    let mut index = vec![0u32; BLOCK_COUNT];
    for (&high, &block) in &block_of {
        index[high as usize] = block;
    }

    // Edges in an open-addressing table at most half full.
    let slots = (edges.len() * 2).next_power_of_two().max(2);
    let mask = slots as u32 - 1;
    let mut edge_words = vec![0u32; slots * 3];
    let mut sorted_edges: Vec<_> = edges.into_iter().collect();
    sorted_edges.sort_unstable();
    for ((parent, c), child) in sorted_edges {
        let mut slot = edge_hash(parent, c) & mask;
        while edge_words[slot as usize * 3] != 0 {
            slot = (slot + 1) & mask;
        }
        let at = slot as usize * 3;
        edge_words[at..at + 3].copy_from_slice(&[parent, c, child]);
    }

    let mut words = vec![
        MAGIC,
        (block_words.len() / 256) as u32,
        nodes.len() as u32,
        mask,
        values.len() as u32,
        max_key_chars as u32,
        ascii_in_keys as u32,
        (ascii_in_keys >> 32) as u32,
        (ascii_in_keys >> 64) as u32,
        (ascii_in_keys >> 96) as u32,
    ];
    words.extend(index);
    words.extend(block_words);
    words.extend(nodes.iter().flatten());
    words.extend(edge_words);
    words.extend(values.iter().flat_map(|&(s, l)| [s, l]));
    (words, arena)
}
