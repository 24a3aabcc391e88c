//! Text left escaped where it is data: HTML numeric character references
//! (row 14 of MOJIBAKE.md, `&#20320;&#22909;`, double-escaped
//! `&amp;#20320;` too), `\uXXXX` escapes (row 15, surrogate pairs joined) and
//! percent-encoding (row 16, of UTF-8 or GBK bytes).
//!
//! Escapes are also what markup and code are written with, so each kind is
//! decoded only where it is data: never in a line with markup tags (for
//! references), never in a string literal of code (next to an ASCII quote,
//! or in a line with other backslash escapes), never inside a URL (for
//! percent-encoding, unless asked), and only in runs whose decoded text is
//! plausible. An escape that decodes to a line break or another control
//! character is left as it is (`fix` keeps every line as a line).
//!
//! Everything here is ASCII, which mojibake never is, so the two repairs do
//! not compete; the search is one pass over each line.

use crate::report::Rule;
use crate::score::{is_han, Plausibility};

/// An escaped stretch to decode: its range in characters of the text, the
/// decoded text and the rule.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Decoded {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: Rule,
    pub confidence: f32,
}

/// How far apart (in characters) two escapes may be and still belong to one
/// run: a Chinese phrase with an ASCII word inside is escaped as two groups.
const RUN_GAP: usize = 16;

/// The most a decoded character may cost on average: real text (the
/// rarest Han characters cost 24; private-use characters and controls 30
/// and more).
const MAX_COST_PER_CHAR: u64 = 24;

/// Whether the `&`, `\\` or `%` at `at` in `bytes` may start an escape:
/// the cheap test of `needs_work`.
pub(super) fn is_candidate(bytes: &[u8], at: usize) -> bool {
    let next = |k: usize| bytes.get(at + k).copied().unwrap_or(0);
    match bytes.get(at) {
        Some(b'&') => next(1) == b'#' || next(1).is_ascii_alphabetic(),
        Some(b'\\') => next(1) == b'u',
        Some(b'%') => next(1).is_ascii_hexdigit() && next(2).is_ascii_hexdigit(),
        _ => false,
    }
}

/// Where in `bytes` an escape may start (see [`is_candidate`]), in order:
/// a `\\` only before a `u`, searched as the pair (text with code or
/// manual pages has a backslash in most lines, and a `\\u` in hardly
/// any), `&` and `%` as bytes.
pub(super) fn candidates(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut signs = memchr::memchr2_iter(b'&', b'%', bytes)
        .filter(|&at| is_candidate(bytes, at))
        .peekable();
    let mut unicode = memchr::memmem::find_iter(bytes, b"\\u").peekable();
    // (The two searches merged, in order: a byte is at most one of them.)
    std::iter::from_fn(move || match (signs.peek(), unicode.peek()) {
        (Some(sign), Some(u)) if u < sign => unicode.next(),
        (Some(_), _) => signs.next(),
        (None, _) => unicode.next(),
    })
}

/// [`is_candidate`] for the character at `i` of `line`: whether an escape
/// may start there (every reference starts with `&#` or `&` and a letter,
/// as `amp;` and the names of [`NAMED`] do; every `\\u` escape with
/// `\\u`; every percent-encoded byte with `%` and two hex digits).
fn starts_escape(line: &[char], i: usize) -> bool {
    let next = |k: usize| line.get(i + k).copied().unwrap_or(' ');
    match line[i] {
        '&' => next(1) == '#' || next(1).is_ascii_alphabetic(),
        '\\' => next(1) == 'u',
        '%' => next(1).is_ascii_hexdigit() && next(2).is_ascii_hexdigit(),
        _ => false,
    }
}

/// The escaped stretches of `chars` to decode, in order, not overlapping.
/// `urls` says whether percent-encoding inside URLs is decoded too.
pub(super) fn find(chars: &[char], urls: bool) -> Vec<Decoded> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let end = chars[start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(chars.len(), |i| start + i);
        let line = &chars[start..end];
        // (Every escape starts where `starts_escape` says one may: most
        // lines with `&`, `\` or `%`, as a man page's troff escapes, have
        // none.)
        // (Lines without the three characters, most, take a quick look.)
        let sign = |c: &char| matches!(c, '&' | '\\' | '%');
        if line.iter().any(sign) && (0..line.len()).any(|i| starts_escape(line, i)) {
            find_in_line(line, start, urls, &mut found);
        }
        start = end + 1;
    }
    found
}

/// One escape found in a line: where it is, what it decodes to (`None` for
/// one that must stay, as a control character), and its kind.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    decoded: Option<char>,
}

fn find_in_line(line: &[char], offset: usize, urls: bool, found: &mut Vec<Decoded>) {
    let context = LineContext::of(line);
    let mut decoded = Vec::new();
    if !context.markup {
        decoded.extend(runs(line, &references(line), Rule::HtmlEntity, &context));
    }
    decoded.extend(runs(
        line,
        &unicode_escapes(line),
        Rule::UnicodeEscape,
        &context,
    ));
    decoded.extend(percent_runs(line, &context, urls));
    decoded.sort_by_key(|d| d.start);
    let mut at = 0;
    for mut d in decoded {
        if d.start < at {
            continue;
        }
        at = d.end;
        d.start += offset;
        d.end += offset;
        found.push(d);
    }
}

/// What a line says about the escapes in it: whether it has markup tags,
/// and where its signs of a string literal in code are (backslash escapes
/// other than `\u`), as the first and last of them.
struct LineContext {
    markup: bool,
    literal_signs: Option<(usize, usize)>,
    /// For each position, how many escapes of any kind start before it: a
    /// run of one kind does not reach over an escape of another.
    escape_starts: Vec<u32>,
    /// Where the backslash escapes that JSON writes besides `\u` start
    /// (`\\`, `\"`, `\/`), and where the other backslash escapes do
    /// (troff's `\fB`, C's `\n`): see [`LineContext::json_extent`].
    json_escapes: Vec<usize>,
    other_escapes: Vec<usize>,
    /// Whether the line is a request of troff (a man page's `.SH "…"` or
    /// `.\" comment`), whose quotes delimit arguments and whose `\"`
    /// starts a comment: not signs of code.
    troff: bool,
}

impl LineContext {
    fn of(line: &[char]) -> LineContext {
        let markup = line.windows(2).any(|pair| {
            pair[0] == '<' && (pair[1].is_ascii_alphabetic() || matches!(pair[1], '/' | '!' | '?'))
        });
        let troff = is_troff_request(line);
        let mut literal_signs: Option<(usize, usize)> = None;
        let (mut json_escapes, mut other_escapes) = (Vec::new(), Vec::new());
        // (A troff comment's `\"` is no sign of a string literal.)
        let mut i = match troff && line.get(1..3) == Some(&['\\', '"']) {
            true => 3,
            false => 0,
        };
        while i + 1 < line.len() {
            if line[i] != '\\' {
                i += 1;
                continue;
            }
            match line[i + 1] {
                '\\' | '"' | '/' => json_escapes.push(i),
                'u' => {}
                _ => other_escapes.push(i),
            }
            // `\n`, `\t`, `\r`, `\0`, `\x41`, `\'`: what string literals
            // hold and prose does not. (`\\` and `\"` are judged with the
            // run, as JSON-style escaping makes them inside it.)
            let sign = match line[i + 1] {
                'n' | 't' | 'r' | '0' | '\'' => true,
                'x' => line.get(i + 2).is_some_and(char::is_ascii_hexdigit),
                '\\' | '"' => true,
                _ => false,
            };
            if sign {
                literal_signs = Some(literal_signs.map_or((i, i), |(first, _)| (first, i)));
            }
            i += 2;
        }
        let mut escape_starts = Vec::with_capacity(line.len() + 1);
        let mut count = 0;
        for i in 0..line.len() {
            escape_starts.push(count);
            count += u32::from(starts_escape(line, i));
        }
        escape_starts.push(count);
        LineContext {
            markup,
            literal_signs,
            escape_starts,
            json_escapes,
            other_escapes,
            troff,
        }
    }

    /// [`quoted`], except in troff's requests, where quotes are not code's.
    fn quoted(&self, line: &[char], start: usize, end: usize) -> bool {
        !self.troff && quoted(line, start, end)
    }

    /// The run of `\u` escapes at `start..end` with the stretches on each
    /// side that the same JSON escaping wrote, up to the nearest backslash
    /// escape JSON does not write: `json.dumps` of a span escapes its
    /// backslashes and quotes as well (`\\fR \u800c` for `\fR 而`), and
    /// those escapes may lie farther from the run than `RUN_GAP`.
    fn json_extent(&self, start: usize, end: usize) -> (usize, usize) {
        // (Binary searches: a line may hold many runs.)
        let other_before = self.other_escapes.partition_point(|&at| at < start);
        let left_bound = match other_before {
            0 => 0,
            k => self.other_escapes[k - 1] + 2,
        };
        let right_bound = self.other_escapes[self.other_escapes.partition_point(|&at| at < end)..]
            .first()
            .map_or(usize::MAX, |&at| at);
        let first_json = self.json_escapes.partition_point(|&at| at < left_bound);
        let new_start = match self.json_escapes.get(first_json) {
            Some(&at) if at < start => at,
            _ => start,
        };
        let last_json = self
            .json_escapes
            .partition_point(|&at| at + 2 <= right_bound);
        let new_end = match last_json.checked_sub(1).map(|k| self.json_escapes[k]) {
            Some(at) if at >= end => at + 2,
            _ => end,
        };
        (new_start, new_end)
    }

    /// Whether `start..end` holds a backslash escape that JSON writes
    /// besides `\u` and none that it does not: what lies between two
    /// escaped parts of one span (`\u5728\\fI users/docs\\fR\u4e0b`).
    fn json_between(&self, start: usize, end: usize) -> bool {
        let count = |escapes: &[usize]| {
            escapes.partition_point(|&at| at < end) - escapes.partition_point(|&at| at < start)
        };
        count(&self.json_escapes) > 0 && count(&self.other_escapes) == 0
    }

    /// Whether an escape of any kind starts in `start..end`.
    fn escape_between(&self, start: usize, end: usize) -> bool {
        self.escape_starts[end] > self.escape_starts[start]
    }

    /// Whether a run at `start..end` of the line has signs of a string
    /// literal outside it.
    fn literal_outside(&self, start: usize, end: usize) -> bool {
        self.literal_signs
            .is_some_and(|(first, last)| first < start || last >= end)
    }
}

/// Whether `line` is a troff request: a `.` then a macro name of one to
/// three letters and a space (`.SH "…"`, `.It "…"`), or a comment (`.\"`).
fn is_troff_request(line: &[char]) -> bool {
    if line.first() != Some(&'.') {
        return false;
    }
    if line.get(1..3) == Some(&['\\', '"']) {
        return true;
    }
    let name = line[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    (1..=3).contains(&name) && line.get(1 + name) == Some(&' ')
}

/// Whether the run at `start..end` of `line` is (in) a string literal of
/// code or an attribute value: an ASCII quote right before or after it.
/// (Not a backtick after it: that opens a quotation of troff and TeX,
/// `` `like this' ``, which the run is not in.)
fn quoted(line: &[char], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).and_then(|i| line.get(i));
    matches!(before, Some('"' | '\'' | '`')) || matches!(line.get(end), Some('"' | '\''))
}

/// Groups `tokens` into runs and decodes the runs that pass: not code, at
/// least two escapes that decode (or one that gives a CJK character, for
/// references), plausible text.
fn runs(line: &[char], tokens: &[Token], rule: Rule, context: &LineContext) -> Vec<Decoded> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i + 1;
        while j < tokens.len()
            && (tokens[j].start <= tokens[j - 1].end + RUN_GAP
                || (rule == Rule::UnicodeEscape
                    && context.json_between(tokens[j - 1].end, tokens[j].start)))
            && !context.escape_between(tokens[j - 1].end, tokens[j].start)
        {
            j += 1;
        }
        let run = &tokens[i..j];
        i = j;
        let (start, end) = match rule {
            Rule::UnicodeEscape => context.json_extent(run[0].start, run[run.len() - 1].end),
            _ => (run[0].start, run[run.len() - 1].end),
        };
        if context.quoted(line, start, end) || context.literal_outside(start, end) {
            continue;
        }
        let decodable: Vec<char> = run.iter().filter_map(|t| t.decoded).collect();
        let enough = match rule {
            Rule::HtmlEntity => {
                decodable.len() >= 2 || decodable.first().copied().is_some_and(is_cjk)
            }
            _ => decodable.len() >= 2,
        };
        if !enough || !is_plausible(&decodable) {
            continue;
        }
        // The run decoded: its escapes that decode, and what is between
        // them as it is (with JSON's `\\`, `\"` and `\/` undone for `\u`
        // runs, as the same escaping made them).
        let mut text = String::new();
        let mut at = start;
        for token in run {
            push_between(&mut text, &line[at..token.start], rule);
            match token.decoded {
                Some(c) => text.push(c),
                None => text.extend(&line[token.start..token.end]),
            }
            at = token.end;
        }
        push_between(&mut text, &line[at..end], rule);
        out.push(Decoded {
            start,
            end,
            text,
            rule,
            confidence: confidence(decodable.len()),
        });
    }
    out
}

fn push_between(text: &mut String, between: &[char], rule: Rule) {
    if rule != Rule::UnicodeEscape {
        text.extend(between);
        return;
    }
    let mut k = 0;
    while k < between.len() {
        if between[k] == '\\' && matches!(between.get(k + 1), Some('\\' | '"' | '/')) {
            k += 1;
        }
        text.push(between[k]);
        k += 1;
    }
}

/// How sure a decoding of `count` characters is: more escapes, more sure.
fn confidence(count: usize) -> f32 {
    1.0 - 0.5 / (count as f32 + 1.0)
}

/// Whether `c` is a CJK character: Han, kana, Hangul, CJK or full-width
/// punctuation (what a lone reference in Chinese text stands for when it is
/// data).
fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3000}'..='\u{30FF}' | '\u{AC00}'..='\u{D7A3}' | '\u{FF00}'..='\u{FFEF}')
}

/// Whether decoded characters read as text: none private-use, unassigned
/// in the model's eyes or a replacement character, and a modest cost.
fn is_plausible(decoded: &[char]) -> bool {
    if decoded.is_empty()
        || decoded
            .iter()
            .any(|&c| matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{F0000}'..))
    {
        return false;
    }
    let text: String = decoded.iter().collect();
    Plausibility::of(&text).cost <= MAX_COST_PER_CHAR * decoded.len() as u64
}

/// Whether `c` may be written by decoding an escape: not a control
/// character or line break (a line stays a line), not a noncharacter.
fn may_decode_to(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}' | '\u{FDD0}'..='\u{FDEF}'
        )
}

/// The named references decoded besides numeric ones: the typographic
/// marks Chinese web text escapes (the names of HTML's table). `&amp;`,
/// `&lt;` and their kin are markup's own and stay, unless they escape a
/// reference again (`&amp;#20320;`).
const NAMED: [(&str, char); 9] = [
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("hellip", '…'),
    ("middot", '·'),
    ("times", '×'),
];

/// The HTML references of a line that decode to non-ASCII characters:
/// `&#DDDD;`, `&#xHHHH;` or a name of [`NAMED`], after any number of
/// `amp;` (escaped again).
fn references(line: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i] != '&' {
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while line.get(k..k + 4) == Some(&['a', 'm', 'p', ';']) {
            k += 4;
        }
        let parsed = match line.get(k) {
            Some('#') => numeric_reference(line, k + 1),
            _ => named_reference(line, k),
        };
        match parsed {
            Some((end, c)) if !c.is_ascii() => {
                tokens.push(Token {
                    start: i,
                    end,
                    decoded: may_decode_to(c).then_some(c),
                });
                i = end;
            }
            // (Nothing after `&amp;amp;...` is a reference: no `&` inside
            // the chain starts one either.)
            _ => i = k.max(i + 1),
        }
    }
    tokens
}

/// `DDDD;` or `xHHHH;` at `at`: where it ends and its character.
fn numeric_reference(line: &[char], at: usize) -> Option<(usize, char)> {
    let (radix, from) = match line.get(at) {
        Some('x' | 'X') => (16, at + 1),
        _ => (10, at),
    };
    let digits = line[from.min(line.len())..]
        .iter()
        .take(8)
        .take_while(|c| c.is_digit(radix))
        .count();
    if digits == 0 || line.get(from + digits) != Some(&';') {
        return None;
    }
    let value = line[from..from + digits]
        .iter()
        .fold(0u32, |v, c| v * radix + c.to_digit(radix).unwrap_or(0));
    Some((from + digits + 1, char::from_u32(value)?))
}

fn named_reference(line: &[char], at: usize) -> Option<(usize, char)> {
    NAMED.iter().find_map(|&(name, c)| {
        let len = name.len();
        let matches = line.get(at..at + len)?.iter().copied().eq(name.chars())
            && line.get(at + len) == Some(&';');
        matches.then_some((at + len + 1, c))
    })
}

/// The `\uXXXX` escapes of a line (a pair of surrogates as one), those
/// after an escaped backslash (`\\u4f60`, a backslash and text) left out.
fn unicode_escapes(line: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i] != '\\' {
            i += 1;
            continue;
        }
        if line.get(i + 1) != Some(&'u') {
            // A backslash escapes what follows: skip both.
            i += 2;
            continue;
        }
        let Some(unit) = hex4(line, i + 2) else {
            i += 2;
            continue;
        };
        let (end, decoded) = match unit {
            0xD800..=0xDBFF => {
                let low = (line.get(i + 6) == Some(&'\\') && line.get(i + 7) == Some(&'u'))
                    .then(|| hex4(line, i + 8))
                    .flatten()
                    .filter(|low| (0xDC00..=0xDFFF).contains(low));
                match low {
                    Some(low) => (
                        i + 12,
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)),
                    ),
                    None => (i + 6, None),
                }
            }
            _ => (i + 6, char::from_u32(unit)),
        };
        tokens.push(Token {
            start: i,
            end,
            decoded: decoded.filter(|&c| may_decode_to(c)),
        });
        i = end;
    }
    tokens
}

/// Four hex digits at `at`.
fn hex4(line: &[char], at: usize) -> Option<u32> {
    let digits = line.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0u32, |v, c| Some(v * 16 + c.to_digit(16)?))
}

/// Runs of `%HH` that decode, as UTF-8 or else as GBK, to plausible
/// non-ASCII text; split at bytes of control characters (left escaped).
/// A run takes in the letters, digits and `_.~-` between its escapes:
/// `urllib.parse.quote` and browsers leave them as they are, and GBK's
/// trail bytes are often letters (`%C5c` is `與`). Inside a URL (a stretch
/// with `://` or `www.`, or right after `=`, `?`, `&` or `#`) only when
/// `urls`, and then only the non-ASCII characters are decoded (a URL's
/// `%2F` is not a `/`).
fn percent_runs(line: &[char], context: &LineContext, urls: bool) -> Vec<Decoded> {
    let mut out = Vec::new();
    let escaped = |i: usize| -> Option<u8> {
        if line.get(i) != Some(&'%') {
            return None;
        }
        let high = line.get(i + 1)?.to_digit(16)?;
        let low = line.get(i + 2)?.to_digit(16)?;
        Some((high * 16 + low) as u8)
    };
    // A byte of a run: escaped (3 characters) or as it is (1).
    let unit = |i: usize| -> Option<(u8, usize)> {
        match escaped(i) {
            Some(b) => Some((b, 3)),
            None => line
                .get(i)
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '~' | '-'))
                .map(|&c| (c as u8, 1)),
        }
    };
    // The start of the current stretch of URL characters, and whether it
    // holds `://` or starts with `www.`, kept as the scan moves.
    let mut url = UrlStretch::default();
    let mut i = 0;
    while i < line.len() {
        url.see(line, i);
        if escaped(i).is_none() {
            i += 1;
            continue;
        }
        let in_url = url.is_url(line, i);
        // (byte, its start in the line, its length there)
        let mut units = Vec::new();
        while let Some((b, len)) = unit(i) {
            units.push((b, i, len));
            i += len;
        }
        // Split at control bytes, which stay escaped.
        for piece in units.split(|&(b, _, _)| b < 0x20 || b == 0x7F) {
            let bytes: Vec<u8> = piece.iter().map(|&(b, _, _)| b).collect();
            if bytes.iter().filter(|b| !b.is_ascii()).count() < 2 || (in_url && !urls) {
                continue;
            }
            let (start, end) = (
                piece[0].1,
                piece[piece.len() - 1].1 + piece[piece.len() - 1].2,
            );
            if context.quoted(line, start, end) || context.literal_outside(start, end) {
                continue;
            }
            let Some(text) = decode_percent(&bytes) else {
                continue;
            };
            let text = match in_url {
                // Only the non-ASCII characters of a URL: its ASCII escapes
                // mean something there.
                true => match url_display(line, piece) {
                    Some(text) => text,
                    None => continue,
                },
                false => text,
            };
            // Only what changes: not the words the run took in at its ends.
            let decoded: Vec<char> = text.chars().collect();
            let original = &line[start..end];
            let same_start = original
                .iter()
                .zip(&decoded)
                .take_while(|(a, b)| a == b)
                .count();
            let same_end = original[same_start..]
                .iter()
                .rev()
                .zip(decoded[same_start..].iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            let count = text.chars().filter(|c| !c.is_ascii()).count();
            out.push(Decoded {
                start: start + same_start,
                end: end - same_end,
                text: decoded[same_start..decoded.len() - same_end]
                    .iter()
                    .collect(),
                rule: Rule::PercentEncoding,
                confidence: confidence(count),
            });
        }
    }
    out
}

/// Where the stretch of URL characters (ASCII, no space, quote or angle
/// bracket) that the scan is in started, and whether it is a URL so far.
#[derive(Default)]
struct UrlStretch {
    start: usize,
    scheme: bool,
}

impl UrlStretch {
    fn see(&mut self, line: &[char], i: usize) {
        let c = line[i];
        let url_char = c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '`');
        if !url_char {
            *self = UrlStretch {
                start: i + 1,
                scheme: false,
            };
            return;
        }
        if i == self.start + 3 && line[self.start..=i] == ['w', 'w', 'w', '.'] {
            self.scheme = true;
        }
        if c == '/' && i >= 2 && line[i - 2..=i] == [':', '/', '/'] && i - 2 > self.start {
            self.scheme = true;
        }
    }

    fn is_url(&self, line: &[char], at: usize) -> bool {
        self.scheme || (at > self.start && matches!(line.get(at - 1), Some('=' | '?' | '&' | '#')))
    }
}

/// `bytes` as text: as UTF-8 or as GBK (GB18030), whichever decodes them
/// to the more plausible text (UTF-8 on a tie: a GBK character can be
/// valid UTF-8, `学` is `ѧ`); GBK's text must be Chinese (Han characters,
/// CJK punctuation). `None` if neither is plausible.
fn decode_percent(bytes: &[u8]) -> Option<String> {
    let utf8 = std::str::from_utf8(bytes).ok().map(str::to_string);
    let gbk = super::mojibake::decode(bytes, encoding_rs::GB18030)
        .filter(|text| text.chars().filter(|c| !c.is_ascii()).all(is_cjk));
    [utf8, gbk]
        .into_iter()
        .flatten()
        .filter(|text| {
            let non_ascii: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
            text.chars().all(may_decode_to) && is_plausible(&non_ascii)
        })
        .min_by_key(|text| Plausibility::of(text).cost)
}

/// The display form of a run of a URL (see `percent_runs`): its UTF-8
/// characters decoded, its ASCII bytes as they were written. `None` if
/// the bytes are not UTF-8.
fn url_display(line: &[char], piece: &[(u8, usize, usize)]) -> Option<String> {
    let bytes: Vec<u8> = piece.iter().map(|&(b, _, _)| b).collect();
    let text = std::str::from_utf8(&bytes).ok()?;
    let mut out = String::new();
    let mut at = 0;
    for c in text.chars() {
        match c.is_ascii() {
            true => {
                let (_, start, len) = piece[at];
                out.extend(&line[start..start + len]);
            }
            false => out.push(c),
        }
        at += c.len_utf8();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `find` passes over lines where no escape may start: an escape
        /// found elsewhere would be lost.
        #[test]
        fn escapes_are_found_only_where_one_may_start(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "&", "#", "amp;", "ldquo;", "x", "4F60", "20320", ";", "\\", "u", "U",
                "%", "E4", "B8", "AD", "G", "中文", "你", " ", "\"", "http://", "<p>",
            ]), 0..16),
        ) {
            let line: Vec<char> = pieces.concat().chars().collect();
            let mut found = Vec::new();
            find_in_line(&line, 0, true, &mut found);
            if !found.is_empty() {
                prop_assert!((0..line.len()).any(|i| starts_escape(&line, i)));
            }
        }
    }

    proptest! {
        /// The candidates searched as byte pairs are those every `&`, `\\`
        /// and `%` asked gives.
        #[test]
        fn candidates_are_where_is_candidate_says(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "&", "#", "amp;", "x", "\\", "\\\\", "u", "\\u", "\\fB", "U", "%", "E4",
                "%%", "4", "G", "中文", " ", "\n",
            ]), 0..24),
        ) {
            let text = pieces.concat();
            let bytes = text.as_bytes();
            let slow: Vec<usize> = memchr::memchr3_iter(b'&', b'\\', b'%', bytes)
                .filter(|&at| is_candidate(bytes, at))
                .collect();
            prop_assert_eq!(candidates(bytes).collect::<Vec<_>>(), slow);
        }
    }

    #[test]
    fn every_named_reference_starts_with_a_letter() {
        // (What `starts_escape` counts on.)
        for (name, _) in NAMED {
            assert!(
                name.starts_with(|c: char| c.is_ascii_alphabetic()),
                "{name}"
            );
        }
    }

    fn decode_all(text: &str) -> String {
        decode_with(text, false)
    }

    fn decode_with(text: &str, urls: bool) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for d in find(&chars, urls) {
            out.extend(&chars[at..d.start]);
            out.push_str(&d.text);
            at = d.end;
        }
        out.extend(&chars[at..]);
        out
    }

    #[test]
    fn references_are_decoded_where_they_are_data() {
        assert_eq!(decode_all("他说&#20320;&#22909;。"), "他说你好。");
        assert_eq!(decode_all("&#x4f60;&#X597D;，世界"), "你好，世界");
        assert_eq!(decode_all("中&amp;#25991;字"), "中文字");
        assert_eq!(decode_all("&amp;amp;#20320;&amp;amp;#22909;"), "你好");
        assert_eq!(decode_all("GPL&#21327;&#35758;"), "GPL协议");
        assert_eq!(decode_all("他说&ldquo;走&rdquo;"), "他说“走”");
        // Before a quotation of troff's, which a backtick opens.
        assert_eq!(
            decode_all("&#21487;&#20197; &#20351;&#29992;`\\|\\c'"),
            "可以 使用`\\|\\c'"
        );
    }

    #[test]
    fn references_of_markup_and_code_stay() {
        for clean in [
            "<p>&#20320;&#22909;</p>",
            "<a title=\"x\">&#20320;&#22909;",
            "s = \"&#20320;&#22909;\";",
            "x = `&#20320;&#22909;`",
            // A lone reference to a sign, in a man page.
            "\\fBe&#177;\\fR\\fIzz",
            "a &lt; b &amp;&amp; c &gt; d",
            "&#38;#20320;",
            // Decoding to a line break or a control character.
            "&#10;&#13;&#133;&#133;",
            "&#57344;&#57345;",
        ] {
            assert_eq!(decode_all(clean), clean);
        }
    }

    #[test]
    fn unicode_escapes_are_decoded_in_runs_of_two() {
        assert_eq!(decode_all("标题：\\u4f60\\u597d"), "标题：你好");
        assert_eq!(
            decode_all("\\u4F60\\u597D\\uFF0C\\u4e16\\u754c"),
            "你好，世界"
        );
        assert_eq!(decode_all("\\ud840\\udc0b\\u4e00"), "𠀋一");
        assert_eq!(decode_all("\\u4f60 a\\\"b\\\" \\u597d"), "你 a\"b\" 好");
        // A run of one kind does not take in an escape of another.
        assert_eq!(
            decode_all("\\u34e6\\u5212 &#23398; \\u34e6\\u5212"),
            "㓦划 学 㓦划"
        );
    }

    #[test]
    fn json_escaping_around_a_run_is_undone_with_it() {
        // `json.dumps` of a span escapes its quotes and backslashes too,
        // farther from the `\u` escapes than a run reaches.
        assert_eq!(
            decode_all(".SH \\\"\\u300a\\u4e2d\\u6587\\u300b:\\\""),
            ".SH \"《中文》:\""
        );
        assert_eq!(
            decode_all("\\\\&    perlcall            \\u4ece C \\u8f6c\\u6362"),
            "\\&    perlcall            从 C 转换"
        );
        // Two escaped parts of one span, joined by what JSON escaped.
        assert_eq!(
            decode_all("\\u5728\\\\fI users/docs\\\\fR\\u4e0b\\u5efa"),
            "在\\fI users/docs\\fR下建"
        );
        // Up to the nearest escape JSON does not write (troff's `\f`).
        assert_eq!(
            decode_all("\\f(CW\"Animal\\\"\\\\fR \\u800C\\u4E0D\\u662F"),
            "\\f(CW\"Animal\"\\fR 而不是"
        );
        // A C escape outside the run still marks a string literal.
        let literal = "hu\\t\\u79fb\\u52d5 \\\\";
        assert_eq!(decode_all(literal), literal);
    }

    #[test]
    fn quotes_of_troff_requests_are_not_code() {
        // A man page's macro arguments and comments.
        assert_eq!(
            decode_all(".SH \"&#x300a;&#x4e2d;&#x6587;&#x300b;\""),
            ".SH \"《中文》\""
        );
        assert_eq!(decode_all(".\\\" &#x7684;&#x8003;&#x616e;"), ".\\\" 的考慮");
        // Quotes elsewhere still mark code.
        let code = "x = \"&#x4e2d;&#x6587;\"";
        assert_eq!(decode_all(code), code);
    }

    #[test]
    fn unicode_escapes_in_code_or_alone_stay() {
        for clean in [
            "printf(\"\\u4f60\");",
            "printf(\"\\u4f60\\u597d\");",
            "{\"text\": \"\\u4f60\\u597d\"}",
            "x = '\\u4f60\\u597d'",
            "\\u4f60\\u597d\\n",
            "只有\\u4f60一个",
            "将返回 Unicode 字符串 \"\\\\u306F\"，它是 Hiragana 字母 HA。",
            "值小于 \\\\u0080 的任何字符",
            "\\u000a\\u000d\\u0085\\u2028",
            "\\ud800\\ud800",
        ] {
            assert_eq!(decode_all(clean), clean);
        }
    }

    #[test]
    fn percent_runs_are_decoded_outside_urls() {
        assert_eq!(decode_all("搜索%E4%BD%A0%E5%A5%BD结果"), "搜索你好结果");
        assert_eq!(decode_all("%C4%E3%BA%C3%A3%AC%CA%C0%BD%E7"), "你好，世界");
        assert_eq!(decode_all("%E4%BD%A0%20%E5%A5%BD"), "你 好");
        assert_eq!(decode_all("%E4%BD%A0%0A%E5%A5%BD"), "你%0A好");
        // GBK's trail bytes left as letters, and words next to a run.
        assert_eq!(decode_all("春%C5c%C8%CB%CD%AC老"), "春與人同老");
        assert_eq!(
            decode_all("the%20%E4%BD%A0%E5%A5%BD%20world"),
            "the 你好 world"
        );
    }

    #[test]
    fn percent_runs_in_urls_and_formats_stay() {
        for clean in [
            "https://zh.wikipedia.org/zh-cn/%E4%B8%AD%E5%9C%8B",
            "见 www.example.com/%E4%B8%AD%E6%96%87",
            "search?q=%E4%BD%A0%E5%A5%BD",
            "printf(\"%d%%\", x); 100%",
            "%E4",
            "%FF%FE%00",
            "%20%2F",
        ] {
            assert_eq!(decode_all(clean), clean);
        }
        assert_eq!(
            decode_with(
                "见 https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87%2Fa",
                true
            ),
            "见 https://zh.wikipedia.org/wiki/中文%2Fa"
        );
        assert_eq!(decode_with("?q=%E4%BD%A0%20%E5%A5%BD", true), "?q=你%20好");
    }

    #[test]
    fn nested_references_take_linear_time_to_reject() {
        let line = format!("&{}#x;", "amp;".repeat(100_000));
        assert_eq!(decode_all(&line), line);
        let escapes = "\\u4f60".repeat(50_000);
        assert_eq!(decode_all(&escapes), "你".repeat(50_000));
    }
}
