//! Corpus mode: `--jsonl-field PATH` cleans one string field of each JSON
//! Lines record and leaves every other byte of the record as it was.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::value::RawValue;

use super::batch::{Applied, Job, Note, Place};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Treat the input as JSON Lines and work on this string field of each
    /// record only (dotted for nested objects: `meta.text`). Records without
    /// it, and lines that are not JSON, are passed through and noted.
    #[arg(long, value_name = "PATH")]
    pub jsonl_field: Option<String>,

    /// With --jsonl-field, fail (exit 2) when a line is not valid JSON.
    #[arg(long, requires = "jsonl_field")]
    pub strict: bool,
}

/// A job applied to one field of each record.
pub(crate) struct FieldJob<'a> {
    pub inner: &'a dyn Job,
    pub path: Vec<String>,
}

impl<'a> FieldJob<'a> {
    pub fn new(inner: &'a dyn Job, path: &str) -> FieldJob<'a> {
        FieldJob {
            inner,
            path: path.split('.').map(String::from).collect(),
        }
    }
}

impl Job for FieldJob<'_> {
    /// (Each record is a document of its own: nothing is gathered over
    /// the input.)
    fn apply(&self, text: &str, _place: Place<'_>) -> Applied {
        let mut applied = Applied {
            text: String::with_capacity(text.len()),
            ..Applied::default()
        };
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                applied.text.push_str(line);
                continue;
            }
            let span = match field_span(body, &self.path) {
                Err(()) => {
                    applied.notes.push(Note {
                        line: index,
                        message: "not valid JSON; passed through".to_string(),
                        fatal: true,
                    });
                    applied.text.push_str(line);
                    continue;
                }
                Ok(span) => span,
            };
            let value = span
                .clone()
                .and_then(|span| serde_json::from_str::<String>(&body[span]).ok());
            let (Some(span), Some(value)) = (span, value) else {
                *applied
                    .flags
                    .entry("record without a string field")
                    .or_default() += 1;
                applied.text.push_str(line);
                continue;
            };
            let inner = self.inner.apply(&value, Place::WHOLE);
            for (kind, count) in inner.changes {
                *applied.changes.entry(kind).or_default() += count;
            }
            for (kind, count) in inner.flags {
                *applied.flags.entry(kind).or_default() += count;
            }
            // A field that does not change keeps its bytes, escapes and all.
            if inner.text == value {
                applied.text.push_str(line);
                continue;
            }
            applied.text.push_str(&body[..span.start]);
            applied
                .text
                .push_str(&serde_json::to_string(&inner.text).unwrap_or_default());
            applied.text.push_str(&line[span.end..]);
        }
        applied
    }
}

/// The byte range of the value at `path` in the JSON text `line`: `Err` if
/// the line is not JSON, `Ok(None)` if there is no such value.
fn field_span(line: &str, path: &[String]) -> Result<Option<Range<usize>>, ()> {
    let mut value: &RawValue = serde_json::from_str(line).map_err(|_| ())?;
    for key in path {
        // (Each raw value borrows from `line`, so its position is known.)
        let Ok(object) =
            serde_json::from_str::<HashMap<std::borrow::Cow<'_, str>, &RawValue>>(value.get())
        else {
            return Ok(None);
        };
        match object.get(key.as_str()) {
            Some(inner) => value = inner,
            None => return Ok(None),
        }
    }
    let start = value.get().as_ptr() as usize - line.as_ptr() as usize;
    Ok(Some(start..start + value.get().len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Upper;

    impl Job for Upper {
        fn apply(&self, text: &str, _place: Place<'_>) -> Applied {
            Applied {
                text: text.to_uppercase(),
                ..Applied::default()
            }
        }
    }

    #[test]
    fn only_the_field_changes() {
        let job = FieldJob::new(&Upper, "meta.text");
        let input = "{\"id\": 1,  \"meta\": {\"text\": \"ab\\u0063\", \"x\": \"y\"}}\n\
                     {\"meta\": {\"text\": \"\\u00c9T\\u00c9\"}}\n\
                     {\"meta\": {}}\n\
                     not json\n\
                     {\"meta\": {\"text\": 3}}";
        let applied = job.apply(input, Place::WHOLE);
        assert_eq!(
            applied.text,
            "{\"id\": 1,  \"meta\": {\"text\": \"ABC\", \"x\": \"y\"}}\n\
             {\"meta\": {\"text\": \"\\u00c9T\\u00c9\"}}\n\
             {\"meta\": {}}\n\
             not json\n\
             {\"meta\": {\"text\": 3}}"
        );
        assert_eq!(applied.notes.len(), 1);
        assert_eq!(applied.notes[0].line, 3);
        assert_eq!(applied.flags.get("record without a string field"), Some(&2));
    }
}
