//! Where a config's phrases match: what the repair of character-by-character
//! conversions takes as evidence (a dictionary phrase decides a character
//! that the character table alone cannot).

use super::{engine, Converter};

impl Converter {
    /// The multi-character matches of the config's segmentation (its
    /// phrases) over `text`, as ranges of
    /// characters, in order; empty for a config without phrases, or
    /// when the normalization pre-pass changes `text` (offsets would not
    /// be `text`'s).
    pub(crate) fn phrase_spans(&self, text: &str) -> Vec<(usize, usize)> {
        // (A fused plan segments with its first stage, and a built-in
        // plan whose segmentation would change nothing has none: the first
        // stage's multi-character matches are the phrases.)
        let segmentation = match (&self.plan.segmentation, self.plan.fused) {
            (Some(table), false) => table,
            _ => match self.plan.chain.first() {
                Some(table) => table,
                None => return Vec::new(),
            },
        };
        if !matches!(self.normalize(text), std::borrow::Cow::Borrowed(_)) {
            return Vec::new();
        }
        let view = segmentation.view();
        let mut spans = Vec::new();
        // Byte offsets to characters, with a cursor that only moves forward.
        let (mut byte, mut char_at) = (0, 0);
        let mut to_chars = |target: usize| {
            char_at += text[byte..target].chars().count();
            byte = target;
            char_at
        };
        engine::for_each_match(&view, text, |start, end, _| {
            let start = to_chars(start);
            let end = to_chars(end);
            if end - start >= 2 {
                spans.push((start, end));
            }
        });
        spans
    }
}

#[cfg(test)]
mod tests {
    use crate::Config;
    use crate::Converter;

    #[test]
    fn phrase_spans_are_the_segmentation_matches_in_characters() {
        let s2t = Converter::new(Config::S2t);
        // `干净` and `头发` are phrases of STPhrases; `的` starts none.
        assert_eq!(s2t.phrase_spans("a的干净头发"), vec![(2, 4), (4, 6)]);
        assert_eq!(
            Converter::new(Config::S2tw).phrase_spans("干净了"),
            vec![(0, 2)]
        );
        assert!(Converter::new(Config::T2tw).phrase_spans("乾淨").is_empty());
    }
}
