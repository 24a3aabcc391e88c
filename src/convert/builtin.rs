//! The built-in tables, compiled by `build.rs` and embedded in the binary.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::table::Table;

/// Aligns embedded table words so that they can be used as `&[u32]` in
/// place, and on a cache line, so that each 32-byte pair slot (see
/// `table.rs`) sits in one line.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

/// A built-in config: which tables its stages use, with and without the
/// rare-form dictionaries.
pub(crate) struct BuiltinPlan {
    pub name: &'static str,
    pub description: &'static str,
    pub with_rare: Stages,
    pub without_rare: Stages,
}

/// The tables of a config's stages, by index into `TABLE_WORDS`.
pub(crate) struct Stages {
    pub normalization: &'static [usize],
    pub segmentation: Option<usize>,
    pub chain: &'static [usize],
    /// Whether the first stage can run in one pass with the segmentation
    /// (see `dict::stage_fuses_with_segmentation`).
    pub fused: bool,
    /// The first and second stages of a fused chain of two composed into
    /// one table (see `compose.rs`), when that is exact and pays.
    pub composed: Option<usize>,
}

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

static LOADED: [OnceLock<Arc<Table>>; TABLE_WORDS.len()] =
    [const { OnceLock::new() }; TABLE_WORDS.len()];

/// The built-in table `id`, loaded once: on little-endian machines the
/// embedded words are used in place; elsewhere they are copied once.
pub(crate) fn table(id: usize) -> Arc<Table> {
    LOADED[id]
        .get_or_init(|| {
            let table = Table::from_built_parts(words(id), Cow::Borrowed(TABLE_ARENAS[id]))
                .expect("build.rs embeds well-formed tables");
            Arc::new(table)
        })
        .clone()
}

/// The words of built-in table `id`.
fn words(id: usize) -> Cow<'static, [u32]> {
    let bytes: &'static [u8] = TABLE_WORDS[id];
    match bytemuck::try_cast_slice::<u8, u32>(bytes) {
        Ok(words) if cfg!(target_endian = "little") => Cow::Borrowed(words),
        _ => Cow::Owned(
            bytes
                .chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_table_passes_the_full_check() {
        // (`table` checks only their layout, trusting build.rs.)
        for (id, &arena) in TABLE_ARENAS.iter().enumerate() {
            assert!(
                Table::from_parts(words(id), Cow::Borrowed(arena)).is_ok(),
                "table {id}"
            );
        }
    }

    #[test]
    fn the_full_check_finds_a_value_out_of_bounds_that_the_layout_check_does_not() {
        let mut corrupt = words(0).into_owned();
        // The last word is the length of the last value in the arena.
        if let Some(last) = corrupt.last_mut() {
            *last = u32::MAX / 2;
        }
        let arena = || Cow::Borrowed(TABLE_ARENAS[0]);
        assert!(Table::from_parts(Cow::Owned(corrupt.clone()), arena()).is_err());
        assert!(Table::from_built_parts(Cow::Owned(corrupt), arena()).is_ok());
    }
}
