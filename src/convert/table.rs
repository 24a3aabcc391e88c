//! A compiled longest-prefix-match table: a character trie stored as flat
//! `u32` words, so the built-in tables are embedded in the binary and used in
//! place, without parsing or copying.
//!
//! This file is compiled twice: into the library and into `build.rs`, so it
//! uses nothing but `std` (and `bytemuck` through `View`, library only).
//!
//! Layout (all `u32`, little-endian when embedded):
//!
//! | section      | words           | meaning                                        |
//! |--------------|-----------------|------------------------------------------------|
//! | header       | `HEADER_WORDS`  | magic, counts, ASCII key-character bitmap      |
//! | block index  | `INDEX_WORDS`   | code point >> 8 → block number                 |
//! | blocks       | 256 per block   | per code point: its *entry* (below)            |
//! | start blocks | 256 per block   | per code point: the index of its start, if any |
//! | pair filter  | a power of two  | Bloom filter of the first two characters of    |
//! |              |                 | every key of two or more characters            |
//! | starts       | 2 per start     | node word, value                               |
//! | (padding)    | 0 to 7          | so that pair slots fill whole cache lines      |
//! | pair slots   | 8 per slot      | first and second character, node word, value,  |
//! |              |                 | mask of the third characters, short value      |
//! | edges        | 4 per slot      | parent node, char, child's node word, value    |
//! | values       | 2 per value     | byte offset and length in the arena            |
//!
//! Why this shape: the hot path of conversion is "look up this character,
//! check whether the next one continues a key", done for nearly every
//! character of the text (in classical Chinese, three characters in four
//! start some phrase of OpenCC's). A character's entry says whether it occurs
//! in keys, whether keys start with it and, when its own value is a single
//! character, that character itself. Entries are one word each, so that those
//! of a whole script fit in the CPU's caches. Whether the next character
//! continues a phrase is asked of the pair filter: one bit test in a table
//! small enough for the second-level cache, which rejects all but about one
//! pair in a hundred that starts no key. Only a pair the filter lets through
//! is looked up in the *pair slots*, one open-addressing table keyed by both
//! characters, whose slot is a whole cache line: in text where the filter
//! lets a pair in eleven through (classical Chinese, whose common characters
//! start thousands of phrases), one memory access per real phrase prefix
//! rather than a chain of them is what matching costs. Pair slots carry a
//! 64-bit mask of the hashes of the third characters, so that only real
//! phrase prefixes walk on into the hashed edge table of deeper nodes, and
//! the value of a two-character key when it is one or two characters (most
//! are), so that only longer phrases touch the string arena.
//!
//! A *node word* holds a trie node's id, how many characters its key's rule
//! consumes (0 when no key ends there), and whether the node has children.
//! Block 0 is all zeros and shared by every block of code points that occur
//! in no key.

use std::borrow::Cow;
use std::collections::HashMap;

use super::dict::Resolved;

const MAGIC: u32 = 0x7A68_7405;
const HEADER_WORDS: usize = 12;
/// Block index entries: a power of two above 0x10FFFF >> 8, so that masking
/// replaces a bounds check.
const INDEX_WORDS: usize = 0x2000;
const START_WORDS: usize = 2;
/// A pair slot: first character, second character, node word, value, the
/// 64-bit mask of third characters and the value again when it is one or two
/// characters (see [`Node::short_value`]): 32 bytes.
const PAIR_WORDS: usize = 8;
/// The first word of an empty pair slot: no character.
const EMPTY_PAIR: u32 = u32::MAX;
const SLOT_WORDS: usize = 4;

const NODE_ID_MASK: u32 = (1 << 24) - 1;
const CONSUME_SHIFT: u32 = 24;
const CONSUME_MASK: u32 = 0x1F;
const HAS_CHILDREN: u32 = 1 << 29;
/// In a pair slot's node word: the pair is diverted (see
/// [`Table::build_diverting`]); a pair slot of a pair that starts no key
/// has nothing else.
const PAIR_DIVERTED: u32 = 1 << 30;

/// Entry flag: the character occurs somewhere in a key.
const IN_KEY: u32 = 1 << 31;
/// Entry flag: keys start with the character.
const STARTS_KEY: u32 = 1 << 30;
/// Entry flag: longer keys start with the character.
const CONTINUES: u32 = 1 << 29;
/// Entry flag: the character is a key of its own.
const TERMINAL: u32 = 1 << 28;
/// Entry flag: the character is a key of its own whose value is the single
/// character in the payload.
const INLINE: u32 = 1 << 27;
/// The inline character (every character is below 1 << 21).
const PAYLOAD_MASK: u32 = (1 << 21) - 1;
/// Entry flag: the character is a key of its own before which
/// `engine::convert_until_diverted` stops when it is matched alone and
/// followed by the second character of one of its diverted pairs (which
/// are in the pair filter and the pair slots; see `compose.rs`); all other
/// matching outputs its value. Set with [`CONTINUES`], so that the pair
/// filter is asked.
const DIVERTED: u32 = 1 << 26;
/// In the start blocks: the character has no start (it starts no key longer
/// than itself, and its own value is inline).
const NO_START: u32 = u32::MAX;
/// Tables with at most this many characters in their keys are *sparse*:
/// conversion copies the runs of characters in no key between them instead
/// of deciding each character with [`QuickChars`]. That is faster only for
/// the Taiwan variants (63 key characters; t2tw 725 -> 880 MB/s); the Hong
/// Kong and Japanese variants (375 to 690), the phrase tables and the
/// character tables (thousands) convert from a fifth to a half faster with
/// `QuickChars`.
const SPARSE_KEY_CHARS: usize = 200;
/// The pair filter's largest size, in words (128 KiB): it must stay in the
/// second-level cache next to the entries.
const MAX_PAIR_FILTER_LOG2: u32 = 15;

/// No inline character.
const NO_CHAR: u32 = u32::MAX;

/// What a match needs to know about a trie node.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    word: u32,
    value: u32,
    /// For a second node: the mask of its children's characters.
    next_mask: u64,
    /// For a second node whose key is matched whole and whose value is one
    /// or two characters: those characters (or [`NO_CHAR`]).
    short_value: [u32; 2],
}

impl Node {
    #[inline]
    fn id(self) -> u32 {
        self.word & NODE_ID_MASK
    }

    /// How many characters the rule of the key ending here consumes (it can
    /// be fewer than the key's length); 0 when no key ends here.
    #[inline]
    pub fn consume(self) -> usize {
        ((self.word >> CONSUME_SHIFT) & CONSUME_MASK) as usize
    }

    /// Whether longer keys continue from here.
    #[inline]
    pub fn has_children(self) -> bool {
        self.word & HAS_CHILDREN != 0
    }

    /// For a second node: whether its pair is diverted.
    #[inline]
    pub fn diverted(self) -> bool {
        self.word & PAIR_DIVERTED != 0
    }

    /// The value to output when the key ending here matches.
    #[inline]
    pub fn value(self) -> u32 {
        self.value
    }

    /// The value, when it is one or two characters kept in the node itself
    /// (two-character keys): no further memory access to output it.
    #[inline]
    pub fn short_value(self) -> Option<(char, Option<char>)> {
        let first = char::from_u32(self.short_value[0])?;
        Some((first, char::from_u32(self.short_value[1])))
    }
}

/// What the table says about a character.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    word: u32,
}

impl Entry {
    /// The character's own value, when it is a key of its own and its
    /// value a single character.
    #[inline(always)]
    pub fn inline(self) -> Option<char> {
        match self.word & INLINE {
            0 => None,
            _ => char::from_u32(self.word & PAYLOAD_MASK),
        }
    }

    /// Whether the character is a key of its own.
    #[inline(always)]
    pub fn is_key(self) -> bool {
        self.word & TERMINAL != 0
    }

    /// Whether the character occurs in any key.
    #[inline(always)]
    pub fn in_key(self) -> bool {
        self.word & IN_KEY != 0
    }

    /// Whether the character starts diverted pairs (see
    /// [`Table::build_diverting`]).
    #[inline(always)]
    pub fn diverted(self) -> bool {
        self.word & DIVERTED != 0
    }

    /// Whether longer keys start with the character.
    #[inline(always)]
    pub fn continues(self) -> bool {
        self.word & CONTINUES != 0
    }

    /// What the character becomes when converted on its own and it is
    /// [`Entry::is_own_or_no_key`]: its inline value or itself. Computed
    /// without a branch, which would be mispredicted at random in text
    /// where converted and unchanged characters alternate.
    #[inline(always)]
    pub fn quick_replacement(self, c: u32) -> u32 {
        let inline = 0u32.wrapping_sub((self.word >> INLINE.trailing_zeros()) & 1);
        (self.word & PAYLOAD_MASK & inline) | (c & !inline)
    }

    /// Whether longer keys start with the character, as 0 or 1.
    #[inline(always)]
    pub fn continues_bit(self) -> u32 {
        (self.word >> CONTINUES.trailing_zeros()) & 1
    }

    /// Whether the character, unless a longer key starts with it, is
    /// output as its inline value or unchanged: it is not a key of its own
    /// with a longer value.
    #[inline(always)]
    pub fn is_own_or_no_key(self) -> bool {
        self.word & (TERMINAL | INLINE) != TERMINAL
    }
}

/// A longest-prefix-match table over characters.
#[derive(Debug, Clone)]
pub struct Table {
    words: Cow<'static, [u32]>,
    arena: Cow<'static, str>,
    sections: Sections,
    ascii_in_keys: u128,
    sparse: bool,
    max_key_chars: usize,
    /// When keys start with at most three distinct (non-ASCII) bytes: per
    /// such lead byte, the range of the second bytes of the keys' UTF-8. A
    /// text containing none of these pairs cannot match.
    lead_ranges: Option<Vec<LeadRange>>,
    /// Made on first use, by smart segmentation only.
    adjacent_pairs: std::sync::OnceLock<AdjacentPairs>,
    /// Made on first use, by conversion only (segmentation tables never
    /// need it).
    quick_chars: std::sync::OnceLock<QuickChars>,
    /// Made on first use, by conversion with sparse tables only.
    key_char_bits: std::sync::OnceLock<KeyCharBits>,
}

/// A lead byte and the range of second bytes that follow it in keys.
#[derive(Debug, Clone, Copy)]
pub struct LeadRange {
    pub lead: u8,
    pub first: u8,
    pub last: u8,
}

/// Where each section starts in the words, and the counts that size them.
#[derive(Debug, Clone, Copy)]
struct Sections {
    blocks: usize,
    start_blocks: usize,
    pair_filter: usize,
    pair_mask: u32,
    starts: usize,
    starts_end: usize,
    pairs: usize,
    pair_slot_mask: u32,
    edges: usize,
    values: usize,
    end: usize,
    edge_mask: u32,
}

/// Why a word array is not a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptTable;

impl Table {
    /// Builds a table from resolved entries (see `dict::resolve`).
    pub fn build(entries: &[Resolved]) -> Table {
        Table::build_diverting(entries, &[])
    }

    /// [`Table::build`], with the pairs `diverted` (whose first character
    /// must be a key of its own) marked so that
    /// `engine::convert_until_diverted` stops before such a pair when it
    /// matches its first character alone.
    pub fn build_diverting(entries: &[Resolved], diverted: &[(char, char)]) -> Table {
        let (words, arena) = encode(entries, diverted);
        Table::from_parts(Cow::Owned(words), Cow::Owned(arena))
            .expect("a freshly encoded table is well formed")
    }

    /// Wraps words and an arena produced by `encode`, checking the layout so
    /// that every later lookup stays in bounds.
    pub fn from_parts(
        words: Cow<'static, [u32]>,
        arena: Cow<'static, str>,
    ) -> Result<Table, CorruptTable> {
        Table::from_checked_parts(words, arena, true)
    }

    /// [`Table::from_parts`] for the tables build.rs embeds, which it made
    /// with [`Table::build`] (and so checked): only their layout is
    /// checked again, not every word, which would read every page of them
    /// in every process that converts.
    pub fn from_built_parts(
        words: Cow<'static, [u32]>,
        arena: Cow<'static, str>,
    ) -> Result<Table, CorruptTable> {
        Table::from_checked_parts(words, arena, false)
    }

    fn from_checked_parts(
        words: Cow<'static, [u32]>,
        arena: Cow<'static, str>,
        check_words: bool,
    ) -> Result<Table, CorruptTable> {
        if words.len() < HEADER_WORDS || words[0] != MAGIC {
            return Err(CorruptTable);
        }
        let n_blocks = words[1] as usize;
        let n_starts = words[2] as usize;
        let pair_slots_log2 = words[3];
        let edge_mask = words[4];
        let n_values = words[5] as usize;
        let ascii_in_keys = (words[6] as u128)
            | (words[7] as u128) << 32
            | (words[8] as u128) << 64
            | (words[9] as u128) << 96;
        let pair_filter_log2 = words[11];
        if pair_filter_log2 > MAX_PAIR_FILTER_LOG2 || pair_slots_log2 > 24 {
            return Err(CorruptTable);
        }
        let blocks = HEADER_WORDS + INDEX_WORDS;
        let start_blocks = blocks + n_blocks * 256;
        let pair_filter = start_blocks + n_blocks * 256;
        let starts = pair_filter + (1 << pair_filter_log2);
        let starts_end = starts + n_starts * START_WORDS;
        let pair_slots_at = starts_end.next_multiple_of(PAIR_WORDS);
        let edges = pair_slots_at + (PAIR_WORDS << pair_slots_log2);
        let values = edges + (edge_mask as usize + 1) * SLOT_WORDS;
        let end = values + n_values * 2;
        if n_blocks == 0 || !(edge_mask + 1).is_power_of_two() || words.len() != end {
            return Err(CorruptTable);
        }
        // Every word that a lookup follows must lead in bounds.
        let words_ok = !check_words || {
            let value_ok = |v: u32| (v as usize) < n_values.max(1);
            let index_ok = words[HEADER_WORDS..blocks]
                .iter()
                .all(|&b| (b as usize) < n_blocks);
            let start_index_ok = words[start_blocks..pair_filter]
                .iter()
                .all(|&s| s == NO_START || (s as usize) < n_starts);
            let start_ok = words[starts..starts_end]
                .chunks_exact(START_WORDS)
                .all(|s| value_ok(s[1]));
            let pair_slots = &words[pair_slots_at..edges];
            // Lookups end at an empty slot: there must be one.
            let char_ok = |c: u32| c == NO_CHAR || char::from_u32(c).is_some();
            let pair_ok = pair_slots
                .chunks_exact(PAIR_WORDS)
                .all(|p| value_ok(p[3]) && char_ok(p[6]) && char_ok(p[7]))
                && pair_slots
                    .chunks_exact(PAIR_WORDS)
                    .any(|p| p[0] == EMPTY_PAIR);
            let edge_ok = words[edges..values]
                .chunks_exact(SLOT_WORDS)
                .all(|e| value_ok(e[3]));
            let arena_ok = words[values..end].chunks_exact(2).all(|v| {
                let (start, len) = (v[0] as usize, v[1] as usize);
                arena.get(start..start + len).is_some()
            });
            index_ok && start_index_ok && start_ok && pair_ok && edge_ok && arena_ok
        };
        if !words_ok {
            return Err(CorruptTable);
        }
        // The first two bytes of every key's UTF-8, as a set of bits by
        // lead byte and second byte. Characters from U+0800 on share their
        // first two bytes with the other 63 of their aligned group of 64,
        // so one character of a group tells them for all: this runs at
        // every table load, in every process.
        let mut pairs = [0u64; 256 * 256 / 64];
        for (high, &block) in words[HEADER_WORDS..blocks].iter().enumerate() {
            if block == 0 {
                continue;
            }
            let entries = &words[blocks + block as usize * 256..][..256];
            for (group, entries) in entries.chunks_exact(64).enumerate() {
                if entries.iter().fold(0, |all, &entry| all | entry) & STARTS_KEY == 0 {
                    continue;
                }
                let first = (high << 8 | group << 6) as u32;
                for (low, &entry) in entries.iter().enumerate() {
                    let first_char = char::from_u32(first + low as u32);
                    if let (true, Some(c)) = (entry & STARTS_KEY != 0, first_char) {
                        let mut utf8 = [0; 4];
                        c.encode_utf8(&mut utf8);
                        let pair = (utf8[0] as usize) << 8 | utf8[1] as usize;
                        pairs[pair / 64] |= 1 << (pair % 64);
                        if first >= 0x800 {
                            break;
                        }
                    }
                }
            }
        }
        let mut lead_ranges: Vec<LeadRange> = Vec::new();
        for (at, &bits) in pairs.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let pair = at * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let (lead, second) = ((pair >> 8) as u8, pair as u8);
                match lead_ranges.last_mut() {
                    Some(range) if range.lead == lead => range.last = second,
                    _ => lead_ranges.push(LeadRange {
                        lead,
                        first: second,
                        last: second,
                    }),
                }
            }
        }
        let prefilter = lead_ranges.len() <= 3 && lead_ranges.iter().all(|r| r.lead >= 0x80);
        let key_chars = words[blocks..start_blocks]
            .iter()
            .filter(|&&entry| entry & IN_KEY != 0)
            .count();
        Ok(Table {
            adjacent_pairs: std::sync::OnceLock::new(),
            quick_chars: std::sync::OnceLock::new(),
            key_char_bits: std::sync::OnceLock::new(),
            lead_ranges: prefilter.then_some(lead_ranges),
            sparse: key_chars <= SPARSE_KEY_CHARS,
            max_key_chars: words[10] as usize,
            words,
            arena,
            sections: Sections {
                blocks,
                start_blocks,
                pair_filter,
                pair_mask: (1 << pair_filter_log2) - 1,
                starts,
                starts_end,
                pairs: pair_slots_at,
                pair_slot_mask: (1 << pair_slots_log2) - 1,
                edges,
                values,
                end,
                edge_mask,
            },
            ascii_in_keys,
        })
    }

    /// A borrowed view with each section as a typed slice, for the matching
    /// loops: it is made once per call so that the loops index plain slices.
    #[inline]
    pub fn view(&self) -> View<'_> {
        let s = self.sections;
        let words: &[u32] = &self.words;
        View {
            index: words[HEADER_WORDS..s.blocks]
                .try_into()
                .unwrap_or(&[0; INDEX_WORDS]),
            blocks: bytemuck::cast_slice(&words[s.blocks..s.start_blocks]),
            start_blocks: bytemuck::cast_slice(&words[s.start_blocks..s.pair_filter]),
            pair_filter: &words[s.pair_filter..s.starts],
            pair_mask: s.pair_mask,
            starts: bytemuck::cast_slice(&words[s.starts..s.starts_end]),
            pairs: bytemuck::cast_slice(&words[s.pairs..s.edges]),
            pair_slot_mask: s.pair_slot_mask,
            edges: bytemuck::cast_slice(&words[s.edges..s.values]),
            edge_mask: s.edge_mask,
            values: bytemuck::cast_slice(&words[s.values..s.end]),
            arena: &self.arena,
            ascii_in_keys: self.ascii_in_keys,
            sparse: self.sparse,
            quick_chars: &self.quick_chars,
            key_char_bits: &self.key_char_bits,
        }
    }

    /// The length of the longest key, in characters.
    pub fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// The first two bytes of all keys, as ranges of second bytes per lead
    /// byte, when the keys start with at most three distinct non-ASCII bytes.
    pub fn lead_ranges(&self) -> Option<&[LeadRange]> {
        self.lead_ranges.as_deref()
    }

    /// Whether `c` occurs anywhere in any key: a match can never span a
    /// character for which this is false.
    pub fn in_keys(&self, c: char) -> bool {
        let c = c as u32;
        if c < 128 {
            return self.ascii_in_keys & (1u128 << c) != 0;
        }
        let block = self.words[HEADER_WORDS + ((c >> 8) as usize & (INDEX_WORDS - 1))] as usize;
        let entry = self.words[self.sections.blocks + block * 256 + (c & 0xFF) as usize];
        entry & IN_KEY != 0
    }

    /// The pairs of characters that stand next to each other anywhere in a
    /// key of this table or of `words`, made on first use: `words` must be
    /// the same table at every call (smart segmentation's word costs).
    #[allow(dead_code)]
    pub fn adjacent_pairs_with(&self, words: &Table) -> &AdjacentPairs {
        self.adjacent_pairs
            .get_or_init(|| AdjacentPairs::of(&[self.view(), words.view()]))
    }

    /// The words and arena, for embedding (by `build.rs`).
    #[allow(dead_code)]
    pub fn parts(&self) -> (&[u32], &str) {
        (&self.words, &self.arena)
    }
}

/// A table's sections as typed slices.
pub struct View<'t> {
    index: &'t [u32; INDEX_WORDS],
    blocks: &'t [[u32; 256]],
    start_blocks: &'t [[u32; 256]],
    pair_filter: &'t [u32],
    pair_mask: u32,
    starts: &'t [[u32; START_WORDS]],
    pairs: &'t [[u32; PAIR_WORDS]],
    pair_slot_mask: u32,
    edges: &'t [[u32; SLOT_WORDS]],
    edge_mask: u32,
    values: &'t [[u32; 2]],
    arena: &'t str,
    ascii_in_keys: u128,
    sparse: bool,
    quick_chars: &'t std::sync::OnceLock<QuickChars>,
    key_char_bits: &'t std::sync::OnceLock<KeyCharBits>,
}

impl View<'_> {
    /// Whether the ASCII character `byte` occurs anywhere in any key.
    #[inline(always)]
    pub fn ascii_in_keys(&self, byte: u8) -> bool {
        byte < 128 && self.ascii_in_keys & (1u128 << byte) != 0
    }

    /// Whether few characters occur in keys (variant tables, for
    /// example), so that text is mostly runs of characters in no key.
    #[inline(always)]
    pub fn sparse(&self) -> bool {
        self.sparse
    }

    /// What the table says about `c`.
    #[inline(always)]
    pub fn entry(&self, c: u32) -> Entry {
        Entry {
            word: block_word(self.index, self.blocks, c),
        }
    }

    /// Whether a key of two or more characters may start with `first` and
    /// `second` (false means certainly not).
    #[inline(always)]
    pub fn may_start_pair(&self, first: u32, second: u32) -> bool {
        self.pair_bit(first, second) != 0
    }

    /// [`View::may_start_pair`] as 0 or 1, computed without a branch.
    #[inline(always)]
    pub fn pair_bit(&self, first: u32, second: u32) -> u32 {
        let (word, bits) = pair_filter_bits(first, second, self.pair_mask);
        let w = self.pair_filter.get(word).copied().unwrap_or(0);
        ((w & bits) == bits) as u32
    }

    /// The table's [`QuickChars`], made on first use.
    #[inline]
    pub fn quick_chars(&self) -> &QuickChars {
        self.quick_chars.get_or_init(|| QuickChars::of(self))
    }

    /// The table's [`KeyCharBits`], made on first use.
    #[inline]
    pub fn key_char_bits(&self) -> &KeyCharBits {
        self.key_char_bits.get_or_init(|| KeyCharBits::of(self))
    }

    /// The trie node of the key `c` alone (when its entry says that keys
    /// start with it; an empty node otherwise).
    #[inline]
    pub fn start(&self, c: u32) -> Node {
        let index = block_word(self.index, self.start_blocks, c);
        let [word, value] = self
            .starts
            .get(index as usize)
            .copied()
            .unwrap_or([0; START_WORDS]);
        Node {
            word,
            value,
            next_mask: 0,
            short_value: [NO_CHAR; 2],
        }
    }

    /// The node of the keys starting with `first` and `second`, if any.
    #[inline(always)]
    pub fn second(&self, first: u32, second: u32) -> Option<Node> {
        let mut slot = pair_slot(first, second, self.pair_slot_mask);
        loop {
            let pair = self.pairs.get(slot as usize)?;
            if pair[0] == first && pair[1] == second {
                return Some(Node {
                    word: pair[2],
                    value: pair[3],
                    next_mask: pair[4] as u64 | (pair[5] as u64) << 32,
                    short_value: [pair[6], pair[7]],
                });
            }
            if pair[0] == EMPTY_PAIR {
                return None;
            }
            slot = (slot + 1) & self.pair_slot_mask;
        }
    }

    /// The child of a node of depth two or more along `c`, if any.
    #[inline]
    pub fn child(&self, parent: Node, c: u32) -> Option<Node> {
        if parent.next_mask != 0 && parent.next_mask & mask_bit(c) == 0 {
            return None;
        }
        let parent = parent.id();
        let mut slot = edge_hash(parent, c) & self.edge_mask;
        loop {
            let edge = self.edges.get(slot as usize)?;
            if edge[0] == 0 {
                return None;
            }
            if edge[0] == parent && edge[1] == c {
                return Some(Node {
                    word: edge[2],
                    value: edge[3],
                    next_mask: 0,
                    short_value: [NO_CHAR; 2],
                });
            }
            slot = (slot + 1) & self.edge_mask;
        }
    }

    /// The text of a value.
    #[inline]
    pub fn value(&self, value: u32) -> &str {
        match self.values.get(value as usize) {
            Some(&[start, len]) => self
                .arena
                .get(start as usize..(start + len) as usize)
                .unwrap_or(""),
            None => "",
        }
    }
}

/// Code points below this are in [`QuickChars`]: the Basic Multilingual
/// Plane, whose characters from U+0800 on (nearly all of Chinese text) are
/// three bytes of UTF-8.
const QUICK_CHARS: usize = 0x10000;
/// Quick flag: longer keys start with the character (the pair filter must
/// be asked about it and the next one).
pub const QUICK_CONTINUES: u32 = 1 << 24;
/// Quick flag: the character always needs a full decision: it is a key of
/// its own with a value longer than one character, an ideographic
/// description character, or not a three-byte character, or its own value
/// is not one.
pub const QUICK_SLOW: u32 = 1 << 25;

/// Per code point of the Basic Multilingual Plane, in one word, all that
/// conversion asks of the table about a three-byte character before it
/// looks at the next one: the flags [`QUICK_CONTINUES`] and
/// [`QUICK_SLOW`] and, when neither stops it, the UTF-8 of what it becomes
/// on its own (itself, or its inline value), in the low three bytes. The
/// entries of [`View::entry`] answer the same through a block index and
/// several flags, each a few instructions per character; this dense array
/// (256 KiB, of which Chinese text touches the CJK blocks) answers with one
/// load, which is what the hot loop of conversion does for every
/// character. With it, a copy of the pair filter at its largest size (a
/// smaller one repeated), so that the loop indexes it with a constant mask
/// and no bounds check.
#[derive(Debug, Clone)]
pub struct QuickChars {
    words: Box<[u32; QUICK_CHARS]>,
    pair_filter: Box<[u32; PAIR_FILTER_WORDS]>,
}

/// The words of the largest pair filter.
const PAIR_FILTER_WORDS: usize = 1 << MAX_PAIR_FILTER_LOG2;

impl QuickChars {
    fn of(view: &View<'_>) -> QuickChars {
        let mut words: Box<[u32; QUICK_CHARS]> = vec![QUICK_SLOW; QUICK_CHARS]
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("the vector has QUICK_CHARS words"));
        // By blocks of 256 code points, those in no key (most blocks) at
        // once: this runs once per table in every process that converts.
        for (high, words) in words.chunks_exact_mut(256).enumerate().skip(0x800 >> 8) {
            let first = (high << 8) as u32;
            let entries = view.blocks.get(view.index[high] as usize);
            for (low, word) in words.iter_mut().enumerate() {
                let c = first + low as u32;
                let entry = Entry {
                    word: entries.map_or(0, |entries| entries[low]),
                };
                *word = QuickChars::word_of(c, entry);
            }
        }
        // A filter of `mask + 1` words asks word `h & mask`, which is word
        // `h & (PAIR_FILTER_WORDS - 1)` of the filter repeated.
        let mut pair_filter: Box<[u32; PAIR_FILTER_WORDS]> = vec![0; PAIR_FILTER_WORDS]
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("the vector has PAIR_FILTER_WORDS words"));
        for (at, word) in pair_filter.iter_mut().enumerate() {
            *word = view
                .pair_filter
                .get(at & view.pair_mask as usize)
                .copied()
                .unwrap_or(0);
        }
        QuickChars { words, pair_filter }
    }

    /// The word of `c`, from U+0800 to U+FFFF, whose entry is `entry`.
    #[inline(always)]
    fn word_of(c: u32, entry: Entry) -> u32 {
        // (Ideographic description characters.)
        if (0x2FF0..=0x2FFF).contains(&c) || !entry.is_own_or_no_key() {
            return QUICK_SLOW;
        }
        let r = entry.quick_replacement(c);
        let three_bytes = (0x800..0x10000).contains(&r) && !(0xD800..0xE000).contains(&r);
        if !three_bytes {
            return QUICK_SLOW;
        }
        // The UTF-8 of `r`, first byte lowest.
        let utf8 = (0xE0 | r >> 12) | (0x80 | (r >> 6 & 0x3F)) << 8 | (0x80 | (r & 0x3F)) << 16;
        utf8 | (entry.continues_bit() * QUICK_CONTINUES)
    }

    /// The word of the three-byte character `c`.
    #[inline(always)]
    pub fn word(&self, c: u32) -> u32 {
        self.words[c as usize & (QUICK_CHARS - 1)]
    }

    /// [`View::pair_bit`], from the copy of the pair filter.
    #[inline(always)]
    pub fn pair_bit(&self, first: u32, second: u32) -> u32 {
        let (word, bits) = pair_filter_bits(first, second, PAIR_FILTER_WORDS as u32 - 1);
        let w = self.pair_filter[word & (PAIR_FILTER_WORDS - 1)];
        ((w & bits) == bits) as u32
    }
}

/// Per code point of the Basic Multilingual Plane, one bit: whether the
/// character occurs in a key or is an ideographic description character,
/// that is, whether it ends a run of characters that conversion copies
/// unchanged. Sparse tables scan their text for such characters; their
/// entries and block index take tens of KiB that the other stages of a
/// chain push out of the first-level cache, where these 8 KiB (of which
/// the CJK blocks are under 3) stay.
#[derive(Debug, Clone)]
pub struct KeyCharBits {
    bits: Box<[u64; QUICK_CHARS / 64]>,
}

impl KeyCharBits {
    fn of(view: &View<'_>) -> KeyCharBits {
        let mut bits = Box::new([0u64; QUICK_CHARS / 64]);
        for (at, bits) in bits.iter_mut().enumerate() {
            for bit in 0..64 {
                let c = (at * 64 + bit) as u32;
                if view.entry(c).in_key() || (0x2FF0..=0x2FFF).contains(&c) {
                    *bits |= 1 << bit;
                }
            }
        }
        KeyCharBits { bits }
    }

    /// Whether the character `c`, below U+10000, occurs in a key or is an
    /// ideographic description character.
    #[inline(always)]
    pub fn stops(&self, c: u32) -> bool {
        let c = c as usize & (QUICK_CHARS - 1);
        self.bits[c / 64] & (1 << (c % 64)) != 0
    }
}

/// A Bloom filter of the pairs of characters that stand next to each other
/// in some key of a table. Smart segmentation asks it whether any key can
/// span the boundary between two characters: when none can, the best split
/// of the text passes through that boundary, and the text on either side is
/// split on its own.
#[derive(Debug, Clone)]
pub struct AdjacentPairs {
    bits: Vec<u64>,
    mask: u32,
}

/// No node: no character is this.
const NO_LAST_CHAR: u32 = u32::MAX;

impl AdjacentPairs {
    /// Every pair of the tables' tries: the first two characters of each
    /// pair slot, and each edge's character after its parent's last one.
    #[allow(dead_code)]
    fn of(views: &[View<'_>]) -> AdjacentPairs {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for view in views {
            // Per node id (ids are dense): the last character of its key.
            // (Made once per process, at smart conversion's first use; a
            // vector, not a hash map, keeps that to a few milliseconds.)
            let slots = view.pairs.iter().filter(|pair| pair[0] != EMPTY_PAIR);
            let edges = view.edges.iter().filter(|edge| edge[0] != 0);
            let nodes = slots
                .clone()
                .map(|pair| pair[2] & NODE_ID_MASK)
                .chain(edges.clone().map(|edge| edge[2] & NODE_ID_MASK))
                .max()
                .map_or(0, |id| id as usize + 1);
            let mut last_char = vec![NO_LAST_CHAR; nodes];
            for pair in slots {
                last_char[(pair[2] & NODE_ID_MASK) as usize] = pair[1];
                pairs.push((pair[0], pair[1]));
            }
            for edge in edges.clone() {
                last_char[(edge[2] & NODE_ID_MASK) as usize] = edge[1];
            }
            pairs.extend(edges.filter_map(|edge| {
                let last = *last_char.get(edge[0] as usize)?;
                (last != NO_LAST_CHAR).then_some((last, edge[1]))
            }));
        }
        // About eight bits per pair: with two bits set per pair, one pair in
        // twenty that no key has passes.
        let words = (pairs.len() / 8 + 1).next_power_of_two();
        let mut filter = AdjacentPairs {
            bits: vec![0; words],
            mask: (words - 1) as u32,
        };
        for (first, second) in pairs {
            let (word, bits) = filter.bits_of(first, second);
            filter.bits[word] |= bits;
        }
        filter
    }

    #[inline(always)]
    fn bits_of(&self, first: u32, second: u32) -> (usize, u64) {
        let h = ((first as u64) << 21 | second as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let word = (h >> 32) as u32 & self.mask;
        (word as usize, 1 << ((h >> 52) & 63) | 1 << ((h >> 58) & 63))
    }

    /// Whether `first` may stand right before `second` in a key (false
    /// means certainly not).
    #[inline]
    #[allow(dead_code)]
    pub fn may_contain(&self, first: u32, second: u32) -> bool {
        let (word, bits) = self.bits_of(first, second);
        self.bits.get(word).is_some_and(|&w| w & bits == bits)
    }
}

/// The word of `c` in a section of blocks (0 for a missing block).
#[inline(always)]
fn block_word(index: &[u32; INDEX_WORDS], blocks: &[[u32; 256]], c: u32) -> u32 {
    let block = index[(c >> 8) as usize & (INDEX_WORDS - 1)] as usize;
    match blocks.get(block) {
        Some(block) => block[(c & 0xFF) as usize],
        None => 0,
    }
}

/// The word of the pair filter (of `mask + 1` words) and its two bits that
/// stand for the pair `first`, `second`: one 64-bit multiply mixes both
/// characters into every bit used.
#[inline(always)]
fn pair_filter_bits(first: u32, second: u32, mask: u32) -> (usize, u32) {
    let h = ((first as u64) << 21 | second as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let word = (h >> 32) as u32 & mask;
    let bits = 1 << ((h >> 52) & 31) | 1 << ((h >> 57) & 31);
    (word as usize, bits)
}

/// The bit of `c` in a 64-bit character mask.
#[inline(always)]
fn mask_bit(c: u32) -> u64 {
    1 << (c.wrapping_mul(0x9E37_79B1) >> 26)
}

/// The home slot of the pair `first`, `second` in the pair slots.
#[inline(always)]
fn pair_slot(first: u32, second: u32, mask: u32) -> u32 {
    let h = ((first as u64) << 21 | second as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> 40) as u32 & mask
}

#[inline]
fn edge_hash(parent: u32, c: u32) -> u32 {
    let h = parent.wrapping_mul(0x9E37_79B1) ^ c.wrapping_mul(0x85EB_CA77);
    h ^ (h >> 15)
}

/// Encodes resolved entries into table words and a string arena.
fn encode(entries: &[Resolved], diverted: &[(char, char)]) -> (Vec<u32>, String) {
    // Per trie node: [node word without id, value]; node 0 is "none".
    let mut nodes: Vec<[u32; 2]> = vec![[0, 0]];
    let mut first: HashMap<u32, u32> = HashMap::new();
    let mut edges: HashMap<(u32, u32), u32> = HashMap::new();
    let mut arena = String::new();
    let mut values: Vec<(u32, u32)> = Vec::new();
    let mut value_index: HashMap<&str, u32> = HashMap::new();
    let mut ascii_in_keys = 0u128;
    let mut max_key_chars = 0;

    for entry in entries {
        max_key_chars = max_key_chars.max(entry.key.chars().count());
        let mut chars = entry.key.chars();
        let Some(c0) = chars.next() else { continue };
        let mut node = *first.entry(c0 as u32).or_insert_with(|| {
            nodes.push([0, 0]);
            nodes.len() as u32 - 1
        });
        for c in chars {
            nodes[node as usize][0] |= HAS_CHILDREN;
            let parent = node;
            node = *edges.entry((parent, c as u32)).or_insert_with(|| {
                nodes.push([0, 0]);
                nodes.len() as u32 - 1
            });
        }
        for c in entry.key.chars().filter(char::is_ascii) {
            ascii_in_keys |= 1u128 << (c as u32);
        }
        let value = *value_index.entry(entry.value.as_str()).or_insert_with(|| {
            let start = arena.len() as u32;
            arena.push_str(&entry.value);
            values.push((start, entry.value.len() as u32));
            values.len() as u32 - 1
        });
        let consume = entry.consume_chars.clamp(1, CONSUME_MASK as usize) as u32;
        let slot = &mut nodes[node as usize];
        slot[0] = (slot[0] & HAS_CHILDREN) | consume << CONSUME_SHIFT;
        slot[1] = value;
    }
    let node_word = |id: u32| nodes[id as usize][0] | id;
    let mut child_masks: HashMap<u32, u64> = HashMap::new();
    for &(parent, c) in edges.keys() {
        *child_masks.entry(parent).or_default() |= mask_bit(c);
    }

    // Edges from depth-1 nodes go to their start's second-character set,
    // deeper ones to the hashed edge table.
    let is_start: std::collections::HashSet<u32> = first.values().copied().collect();
    let mut seconds_of: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut deep_edges: Vec<((u32, u32), u32)> = Vec::new();
    for (&(parent, c), &child) in &edges {
        if is_start.contains(&parent) {
            seconds_of.entry(parent).or_default().push((c, child));
        } else {
            deep_edges.push(((parent, c), child));
        }
    }

    let mut entry_of: HashMap<u32, u32> = entries
        .iter()
        .flat_map(|e| e.key.chars())
        .map(|c| (c as u32, IN_KEY))
        .collect();
    let mut starts: Vec<(u32, u32)> = first.iter().map(|(&c, &id)| (c, id)).collect();
    starts.sort_unstable();
    let mut start_of: HashMap<u32, u32> = HashMap::new();
    // (first, second, node word, value, mask of third characters)
    let mut pairs: Vec<(u32, u32, u32, u32, u64)> = Vec::new();
    let value_text = |value: u32| {
        values
            .get(value as usize)
            .map(|&(at, len)| &arena[at as usize..(at + len) as usize])
            .unwrap_or_default()
    };
    let mut start_words = Vec::new();
    for &(c, id) in &starts {
        let [meta, value] = nodes[id as usize];
        let mut value_chars = value_text(value).chars();
        let consume = meta >> CONSUME_SHIFT & CONSUME_MASK;
        let inline = match (consume, value_chars.next()) {
            (1, Some(v)) if value_chars.next().is_none() => v as u32,
            _ => NO_CHAR,
        };
        let diverted = diverted.iter().any(|&(first, _)| first as u32 == c);
        if meta & HAS_CHILDREN == 0 && inline != NO_CHAR && !diverted {
            entry_of.insert(c, IN_KEY | STARTS_KEY | TERMINAL | INLINE | inline);
            continue;
        }
        for (second, child) in seconds_of.remove(&id).unwrap_or_default() {
            let mask = child_masks.get(&child).copied().unwrap_or(0);
            pairs.push((c, second, node_word(child), nodes[child as usize][1], mask));
        }
        let mut flags = IN_KEY | STARTS_KEY;
        if meta & HAS_CHILDREN != 0 {
            flags |= CONTINUES;
        }
        if consume > 0 {
            flags |= TERMINAL;
        }
        if diverted {
            flags |= DIVERTED | CONTINUES;
        }
        if inline != NO_CHAR {
            flags |= INLINE | inline;
        }
        entry_of.insert(c, flags);
        start_of.insert(c, (start_words.len() / START_WORDS) as u32);
        start_words.extend([node_word(id), value]);
    }

    // Diverted pairs: a flag in their slot, which those that start no key
    // have alone.
    let slot_of: HashMap<(u32, u32), usize> = pairs
        .iter()
        .enumerate()
        .map(|(at, &(first, second, ..))| ((first, second), at))
        .collect();
    for &(first, second) in diverted {
        match slot_of.get(&(first as u32, second as u32)) {
            Some(&at) => pairs[at].2 |= PAIR_DIVERTED,
            None => pairs.push((first as u32, second as u32, PAIR_DIVERTED, 0, 0)),
        }
    }

    // The pair filter: about 32 bits per pair, so that two bits per pair
    // leave roughly one false positive in a hundred.
    let mut pair_filter_log2 = 0;
    while pair_filter_log2 < MAX_PAIR_FILTER_LOG2 && (1usize << pair_filter_log2) < pairs.len() {
        pair_filter_log2 += 1;
    }
    let pair_mask = (1u32 << pair_filter_log2) - 1;
    let mut pair_filter = vec![0u32; 1 << pair_filter_log2];
    for &(first, second, ..) in &pairs {
        let (word, bits) = pair_filter_bits(first, second, pair_mask);
        pair_filter[word] |= bits;
    }

    // The pair slots: open addressing, at most half full, so that a lookup
    // ends after a probe or two (and always finds an empty slot).
    pairs.sort_unstable_by_key(|&(first, second, ..)| (first, second));
    let pair_slots_log2 = (pairs.len() * 2 + 1).next_power_of_two().trailing_zeros();
    let pair_slot_mask = (1u32 << pair_slots_log2) - 1;
    let mut pair_words = vec![0u32; PAIR_WORDS << pair_slots_log2];
    for slot in pair_words.chunks_exact_mut(PAIR_WORDS) {
        slot[0] = EMPTY_PAIR;
    }
    for (first, second, word, value, mask) in pairs {
        let mut slot = pair_slot(first, second, pair_slot_mask) as usize;
        while pair_words[slot * PAIR_WORDS] != EMPTY_PAIR {
            slot = (slot + 1) & pair_slot_mask as usize;
        }
        let mut short_value = [NO_CHAR; 2];
        let mut chars = value_text(value).chars();
        if word >> CONSUME_SHIFT & CONSUME_MASK == 2 {
            if let (Some(a), b, None) = (chars.next(), chars.next(), chars.next()) {
                short_value = [a as u32, b.map_or(NO_CHAR, |b| b as u32)];
            }
        }
        pair_words[slot * PAIR_WORDS..][..PAIR_WORDS].copy_from_slice(&[
            first,
            second,
            word,
            value,
            mask as u32,
            (mask >> 32) as u32,
            short_value[0],
            short_value[1],
        ]);
    }

    // Character entries, in blocks of 256 code points; block 0 is the shared
    // empty block.
    let mut chars: Vec<(u32, u32)> = entry_of.into_iter().collect();
    chars.sort_unstable();
    let mut block_of: HashMap<u32, u32> = HashMap::new();
    let mut block_words: Vec<u32> = vec![0; 256];
    let mut start_block_words: Vec<u32> = vec![NO_START; 256];
    for (c, entry) in chars {
        let block = *block_of.entry(c >> 8).or_insert_with(|| {
            block_words.extend(std::iter::repeat_n(0, 256));
            start_block_words.extend(std::iter::repeat_n(NO_START, 256));
            (block_words.len() / 256 - 1) as u32
        });
        let at = block as usize * 256 + (c & 0xFF) as usize;
        block_words[at] = entry;
        if let Some(&start) = start_of.get(&c) {
            start_block_words[at] = start;
        }
    }
    let mut index = vec![0u32; INDEX_WORDS];
    for (&high, &block) in &block_of {
        index[high as usize] = block;
    }

    // Deeper edges in an open-addressing table at most half full.
    let slots = (deep_edges.len() * 2).next_power_of_two().max(2);
    let mask = slots as u32 - 1;
    let mut edge_words = vec![0u32; slots * SLOT_WORDS];
    deep_edges.sort_unstable();
    for ((parent, c), child) in deep_edges {
        let mut slot = edge_hash(parent, c) & mask;
        while edge_words[slot as usize * SLOT_WORDS] != 0 {
            slot = (slot + 1) & mask;
        }
        let at = slot as usize * SLOT_WORDS;
        edge_words[at..at + SLOT_WORDS].copy_from_slice(&[
            parent,
            c,
            node_word(child),
            nodes[child as usize][1],
        ]);
    }

    let mut words = vec![
        MAGIC,
        (block_words.len() / 256) as u32,
        (start_words.len() / START_WORDS) as u32,
        pair_slots_log2,
        mask,
        values.len() as u32,
        ascii_in_keys as u32,
        (ascii_in_keys >> 32) as u32,
        (ascii_in_keys >> 64) as u32,
        (ascii_in_keys >> 96) as u32,
        max_key_chars as u32,
        pair_filter_log2,
    ];
    words.extend(index);
    words.extend(block_words);
    words.extend(start_block_words);
    words.extend(pair_filter);
    words.extend(start_words);
    words.resize(words.len().next_multiple_of(PAIR_WORDS), 0);
    words.extend(pair_words);
    words.extend(edge_words);
    words.extend(values.iter().flat_map(|&(s, l)| [s, l]));
    (words, arena)
}
