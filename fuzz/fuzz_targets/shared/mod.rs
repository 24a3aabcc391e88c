//! What the conversion targets share: the converter a selector byte picks.

use std::sync::OnceLock;

use zhfix::{Config, Converter};

/// The converter `selector` picks, built when first asked for: its low 4
/// bits index `Config::ALL`, bit 4 turns the rare forms off, bit 5 turns
/// smart segmentation on (64 converters in all).
pub fn converter(selector: u8) -> &'static Converter {
    static CONVERTERS: [OnceLock<Converter>; 64] = [const { OnceLock::new() }; 64];
    let config = Config::ALL[selector as usize % Config::ALL.len()];
    CONVERTERS[usize::from(selector & 0x3F)].get_or_init(|| {
        Converter::builder(config)
            .rare_forms(selector & 0x10 == 0)
            .smart(selector & 0x20 != 0)
            .build()
            .expect("a built-in config builds")
    })
}
