//! `--diff`: unified diffs of what a command changes.
//!
//! Repair, conversion and corpus mode keep lines one to one, so a diff pairs
//! lines by number: linear time, no edit-distance search. (Should the line
//! counts differ, the piece is one hunk.)

use std::fmt::Write;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A hunk, with line numbers (0-based) relative to the piece it is from.
pub(crate) struct Hunk {
    old_start: usize,
    new_start: usize,
    /// Each line with its prefix: ' ', '-' or '+'.
    lines: Vec<(char, String)>,
}

/// The hunks that turn `before` into `after`.
pub(crate) fn hunks(before: &str, after: &str) -> Vec<Hunk> {
    if before == after {
        return Vec::new();
    }
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    if old.len() != new.len() {
        let mut lines: Vec<(char, String)> = old.iter().map(|l| ('-', l.to_string())).collect();
        lines.extend(new.iter().map(|l| ('+', l.to_string())));
        return vec![Hunk {
            old_start: 0,
            new_start: 0,
            lines,
        }];
    }
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    let mut hunks = Vec::new();
    let mut at = 0;
    while at < changed.len() {
        // Changes closer than twice the context share a hunk.
        let mut end = at;
        while end + 1 < changed.len() && changed[end + 1] - changed[end] <= 2 * CONTEXT {
            end += 1;
        }
        let first = changed[at].saturating_sub(CONTEXT);
        let last = (changed[end] + CONTEXT + 1).min(old.len());
        let mut lines = Vec::new();
        let mut line = first;
        while line < last {
            if old[line] == new[line] {
                lines.push((' ', old[line].to_string()));
                line += 1;
                continue;
            }
            // A block of changed lines: all removals, then all additions.
            let block_end = (line..last).find(|&i| old[i] == new[i]).unwrap_or(last);
            lines.extend((line..block_end).map(|i| ('-', old[i].to_string())));
            lines.extend((line..block_end).map(|i| ('+', new[i].to_string())));
            line = block_end;
        }
        hunks.push(Hunk {
            old_start: first,
            new_start: first,
            lines,
        });
        at = end + 1;
    }
    hunks
}

/// Formats `hunks` (from a piece starting at 0-based line `offset`) in
/// unified format, coloured for a terminal if `colour`.
pub(crate) fn format(hunks: &[Hunk], offset: usize, colour: bool) -> String {
    let paint = |code: &str, text: &str| match colour {
        true => format!("\x1b[{code}m{text}\x1b[0m"),
        false => text.to_string(),
    };
    let mut out = String::new();
    for hunk in hunks {
        let count = |side: char| {
            hunk.lines
                .iter()
                .filter(|(p, _)| *p == ' ' || *p == side)
                .count()
        };
        let (old_count, new_count) = (count('-'), count('+'));
        // (An empty side is numbered by the line before it.)
        let start = |start: usize, count: usize| match count {
            0 => offset + start,
            _ => offset + start + 1,
        };
        let header = format!(
            "@@ -{},{old_count} +{},{new_count} @@",
            start(hunk.old_start, old_count),
            start(hunk.new_start, new_count)
        );
        let _ = writeln!(out, "{}", paint("36", &header));
        for (prefix, line) in &hunk.lines {
            let body = line.strip_suffix('\n');
            let text = format!("{prefix}{}", body.unwrap_or(line));
            let _ = match prefix {
                '-' => writeln!(out, "{}", paint("31", &text)),
                '+' => writeln!(out, "{}", paint("32", &text)),
                _ => writeln!(out, "{text}"),
            };
            if body.is_none() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_with_context() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16";
        let after: String = before
            .split_inclusive('\n')
            .map(|line| match line {
                "2\n" => "two\n",
                "16" => "sixteen",
                line => line,
            })
            .collect();
        let hunks = hunks(before, &after);
        assert_eq!(hunks.len(), 2);
        let text = format(&hunks, 10, false);
        assert_eq!(
            text,
            "@@ -11,5 +11,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n\
             @@ -23,4 +23,4 @@\n 13\n 14\n 15\n-16\n\\ No newline at end of file\n\
             +sixteen\n\\ No newline at end of file\n"
        );
        assert!(super::hunks("same\n", "same\n").is_empty());
    }
}
