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
}

/// An error with a one-line, self-contained message.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn io(error: std::io::Error, path: &Path) -> Error {
        Error::new(ErrorKind::Io, format!("{}: {error}", path.display()))
    }

    /// Prefixes the message with the file it concerns.
    pub(crate) fn in_file(self, path: &Path) -> Error {
        Error {
            kind: self.kind,
            message: format!("{}: {}", path.display(), self.message),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
