//! Forward maximum matching over a compiled table: the inner loop of every
//! conversion and segmentation.

use super::table::Table;

/// Decodes the character starting at `i` of valid UTF-8: its code point and
/// its length in bytes.
#[inline(always)]
fn char_at(bytes: &[u8], i: usize) -> (u32, usize) {
    let b0 = bytes[i] as u32;
    let cont = |j: usize| (bytes.get(i + j).copied().unwrap_or(0x80) & 0x3F) as u32;
    if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | cont(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    }
}

/// The byte offset `chars` characters after `start`.
fn advance_chars(bytes: &[u8], start: usize, chars: usize) -> usize {
    let mut end = start;
    for _ in 0..chars {
        if end >= bytes.len() {
            break;
        }
        end += char_at(bytes, end).1;
    }
    end
}

/// The table's match at `start`, given the trie node of the character there:
/// the end of the consumed text and the value to output.
#[inline]
fn match_at(
    table: &Table,
    bytes: &[u8],
    start: usize,
    first_node: u32,
    first_len: usize,
) -> Option<(usize, u32)> {
    let (consume, mut has_children, value) = table.node(first_node);
    let mut end = start + first_len;
    // (depth, end, chars consumed, value) of the longest key seen so far.
    let mut best = (consume > 0).then_some((1, end, consume, value));
    let mut node = first_node;
    let mut depth = 1;
    while has_children && end < bytes.len() {
        let (c, len) = char_at(bytes, end);
        let child = table.child(node, c);
        if child == 0 {
            break;
        }
        node = child;
        end += len;
        depth += 1;
        let (consume, children, value) = table.node(node);
        if consume > 0 {
            best = Some((depth, end, consume, value));
        }
        has_children = children;
    }
    let (depth, end, consume, value) = best?;
    // A group policy may make a longer key give way to a shorter one.
    let end = if consume == depth {
        end
    } else {
        advance_chars(bytes, start, consume)
    };
    Some((end, value))
}

/// Calls `on_match(start, end, value)` for every match of forward maximum
/// matching over `text`, in order.
#[inline]
pub(crate) fn for_each_match(table: &Table, text: &str, mut on_match: impl FnMut(usize, usize, u32)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !table.ascii_in_keys(b) {
            i += 1;
            continue;
        }
        let (c, len) = char_at(bytes, i);
        let node = table.root_child(c);
        if node != 0 {
            if let Some((end, value)) = match_at(table, bytes, i, node, len) {
                on_match(i, end, value);
                i = end;
                continue;
            }
        }
        i = match is_ids_operator(c) {
            true => ids_end(bytes, i).unwrap_or(i + len),
            false => i + len,
        };
    }
}

/// Ideographic description characters, U+2FF0..=U+2FFF.
#[inline]
fn is_ids_operator(c: u32) -> bool {
    (0x2FF0..=0x2FFF).contains(&c)
}

/// OpenCC 1.4 copies a complete ideographic description sequence (such as
/// `⿰说话`) unconverted, as one unit. Returns the end of the sequence starting
/// at `start`, or `None` when it is incomplete or exceeds OpenCC's limits.
fn ids_end(bytes: &[u8], start: usize) -> Option<usize> {
    const MAX_DEPTH: usize = 16;
    const MAX_CODE_POINTS: usize = 64;

    fn operand(bytes: &[u8], at: usize, depth: usize, seen: &mut usize) -> Option<usize> {
        if at >= bytes.len() || depth > MAX_DEPTH {
            return None;
        }
        *seen += 1;
        if *seen > MAX_CODE_POINTS {
            return None;
        }
        let (c, len) = char_at(bytes, at);
        if !is_ids_operator(c) {
            return Some(at + len);
        }
        let arity = match c {
            0x2FF2 | 0x2FF3 => 3,
            0x2FFE | 0x2FFF => 1,
            _ => 2,
        };
        (0..arity).try_fold(at + len, |next, _| operand(bytes, next, depth + 1, seen))
    }

    operand(bytes, start, 1, &mut 0)
}

/// Converts `text` with one table, appending the result to `out`.
pub(crate) fn convert(table: &Table, text: &str, out: &mut String) {
    let mut copied = 0;
    for_each_match(table, text, |start, end, value| {
        out.push_str(&text[copied..start]);
        out.push_str(table.value(value));
        copied = end;
    });
    out.push_str(&text[copied..]);
}

/// Splits `text` into OpenCC segments: each match is a segment, and the
/// unmatched text between matches is one segment.
pub(crate) fn segment(table: &Table, text: &str, mut on_segment: impl FnMut(&str)) {
    let mut pending = 0;
    for_each_match(table, text, |start, end, _| {
        if pending < start {
            on_segment(&text[pending..start]);
        }
        on_segment(&text[start..end]);
        pending = end;
    });
    if pending < text.len() {
        on_segment(&text[pending..]);
    }
}

/// Converts `text` with one table, borrowing it when nothing matches.
pub(crate) fn convert_cow<'a>(table: &Table, text: &'a str) -> std::borrow::Cow<'a, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    for_each_match(table, text, |start, end, value| {
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..start]);
        out.push_str(table.value(value));
        copied = end;
    });
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}
