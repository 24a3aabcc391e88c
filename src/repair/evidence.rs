//! What a document shows as a whole, gathered piece by piece: the repairs
//! that need a document-wide pattern (ruby leftovers, naive conversion) are
//! judged by it, so that a document fixed in pieces comes out as it does
//! fixed whole.

use super::{conversion, ruby};

/// The evidence a [`Fixer`](crate::Fixer) judges a document by, as counts
/// that add up over the document's pieces: how many of its parenthesised
/// syllables read their character (the pattern of ruby leftovers) and, for
/// a fixer that repairs naive conversion, its script, standard and pattern
/// of forms.
///
/// [`Fixer::evidence`](crate::Fixer::evidence) gathers it from a piece;
/// merged over all the pieces of a document (cut after line breaks) and
/// given to [`Fixer::with_evidence`](crate::Fixer::with_evidence), it makes
/// fixing the pieces one by one (in any order, or in parallel) give what
/// fixing the whole document gives.
///
/// ```
/// use zhfix::{Evidence, Fixer};
///
/// // Three annotations that read their characters: the pattern of ruby
/// // leftovers, but no piece shows it alone.
/// let pieces = ["中新網(wǎng)山東監(jiān)督\n", "設(shè)立新聞\n"];
/// let fixer = Fixer::new();
/// assert_eq!(fixer.fix_text(pieces[1]), pieces[1]);
///
/// let mut evidence = Evidence::default();
/// for piece in pieces {
///     evidence.merge(&fixer.evidence(piece));
/// }
/// let fixer = fixer.with_evidence(evidence);
/// let first = fixer.fix_text(pieces[0]);
/// // A later piece starts after a line break, not at the document's start.
/// let second = fixer.clone().after_line_break(true).fix_text(pieces[1]);
/// assert_eq!(first + &second, "中新網山東監督\n設立新聞\n");
/// assert_eq!(zhfix::fix_text(&pieces.concat()), "中新網山東監督\n設立新聞\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub(super) ruby: ruby::Counts,
    /// Naive conversion is judged on text whose other damage is repaired,
    /// and whether ruby leftovers are removed is the document's to decide:
    /// the evidence of the text with them kept, and with them removed.
    /// (Empty unless the fixer repairs naive conversion.)
    pub(super) conversion: [conversion::Evidence; 2],
}

impl Evidence {
    /// Adds the evidence of another piece of the same document (the order
    /// does not matter).
    pub fn merge(&mut self, other: &Evidence) {
        self.ruby.add(&other.ruby);
        for (mine, theirs) in self.conversion.iter_mut().zip(&other.conversion) {
            mine.add(theirs);
        }
    }

    /// Whether the document shows the pattern of ruby leftovers.
    pub(super) fn ruby_pattern(&self) -> bool {
        self.ruby.is_pattern()
    }

    /// The conversion evidence of the text as it is repaired: with ruby
    /// leftovers removed or not.
    pub(super) fn conversion(&self, ruby_removed: bool) -> &conversion::Evidence {
        &self.conversion[usize::from(ruby_removed)]
    }
}
