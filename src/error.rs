//! The error type shared by the library's fallible operations.

use std::fmt;
use std::path::Path;

/// What went wrong, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A config name that is not one of OpenCC's.
    UnknownConfig,
    /// A config file that is not a valid OpenCC config.
    InvalidConfig,
    /// A dictionary line that is not `key<TAB>value`.
    InvalidDictionary,
    /// Input that is not valid UTF-8.
    InvalidUtf8,
    /// Bytes that the chosen encoding cannot decode (with
    /// `Undecodable::Error`).
    Undecodable,
    /// Reading or writing failed.
    Io,
    /// A repair plan that does not fit the text it is applied to.
    Plan,
    /// A normalization form name that is not nfc, nfd, nfkc or nfkd.
    UnknownForm,
}

/// An error with a one-line, self-contained message.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    offset: Option<usize>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            offset: None,
        }
    }

    /// Notes the byte offset in the input that the error is about.
    pub(crate) fn at_offset(mut self, offset: usize) -> Error {
        self.offset = Some(offset);
        self
    }

    /// The byte offset in the input that the error is about, if any (the
    /// first undecodable byte, say).
    pub fn byte_offset(&self) -> Option<usize> {
        self.offset
    }

    /// The same error with its byte offset moved by `by`: for input that was
    /// decoded in pieces.
    pub fn shifted(mut self, by: usize) -> Error {
        self.offset = self.offset.map(|offset| offset + by);
        self
    }

    pub(crate) fn io(error: std::io::Error, path: &Path) -> Error {
        Error::new(ErrorKind::Io, format!("{}: {error}", path.display()))
    }

    /// Prefixes the message with the file it concerns.
    pub(crate) fn in_file(self, path: &Path) -> Error {
        Error {
            kind: self.kind,
            message: format!("{}: {}", path.display(), self.message),
            offset: self.offset,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match self.offset {
            Some(offset) => write!(f, " at byte {offset}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {}
