//! Where results go: standard output, or a file replaced atomically.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::Failure;

/// A destination that is either stdout or a file that only appears, whole,
/// when `commit` succeeds: it is written to a temporary file in the same
/// directory and renamed over the target, so that a failure or a killed
/// process never leaves a partial file. (Syncing to disk before the rename,
/// which only matters for power loss and costs about a second per 100 MB
/// here, is left to in-place editing of the inputs themselves.)
///
/// A target that is not a regular file (`/dev/null`, a FIFO, a terminal) is
/// written directly: renaming over it would replace the device with a file.
/// A symbolic link is followed, so the link survives and its target changes.
pub(crate) enum Output {
    Stdout(BufWriter<io::Stdout>),
    Device {
        target: PathBuf,
        writer: BufWriter<File>,
    },
    File {
        target: PathBuf,
        temporary: PathBuf,
        writer: BufWriter<File>,
        /// Synced to disk before the rename (for files edited in place).
        sync: bool,
    },
}

impl Output {
    pub fn stdout() -> Output {
        Output::Stdout(BufWriter::with_capacity(256 * 1024, io::stdout()))
    }

    pub fn file(named: &Path) -> Result<Output, Failure> {
        let cannot_write =
            |e: io::Error| Failure::runtime(format!("{}: cannot write: {e}", named.display()));
        // A link to an existing file is replaced through its target.
        let resolved = match fs::symlink_metadata(named) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(named).ok(),
            _ => None,
        };
        let target = resolved.as_deref().unwrap_or(named);
        match fs::metadata(target) {
            Ok(m) if m.is_dir() => {
                return Err(Failure::runtime(format!(
                    "{}: cannot write: is a directory",
                    named.display()
                )))
            }
            Ok(m) if !m.is_file() => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(cannot_write)?;
                return Ok(Output::Device {
                    target: named.to_path_buf(),
                    writer: BufWriter::with_capacity(256 * 1024, file),
                });
            }
            _ => {}
        }
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| Failure::usage(format!("{}: not a file name", target.display())))?;
        let temporary = dir.join(format!(
            ".{}.zhfix-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(cannot_write)?;
        // Keep the permissions of a file that is being replaced.
        if let Ok(metadata) = fs::metadata(target) {
            let _ = fs::set_permissions(&temporary, metadata.permissions());
        }
        Ok(Output::File {
            target: target.to_path_buf(),
            temporary,
            writer: BufWriter::with_capacity(256 * 1024, file),
            sync: false,
        })
    }

    /// The same output, synced to disk before it replaces its target: an
    /// input edited in place survives a power loss as the old file or the
    /// new one.
    pub fn synced(self) -> Output {
        match self {
            Output::File {
                target,
                temporary,
                writer,
                ..
            } => Output::File {
                target,
                temporary,
                writer,
                sync: true,
            },
            stdout => stdout,
        }
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(writer) => writer,
            Output::Device { writer, .. } => writer,
            Output::File { writer, .. } => writer,
        }
    }

    /// Makes the output final.
    pub fn commit(self) -> Result<(), Failure> {
        match self {
            Output::Stdout(mut writer) => writer.flush().map_err(write_failure),
            Output::Device { target, writer } => writer.into_inner().map(drop).map_err(|e| {
                Failure::runtime(format!("{}: cannot write: {}", target.display(), e.error()))
            }),
            Output::File {
                target,
                temporary,
                writer,
                sync,
            } => {
                let result = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|file| match sync {
                        true => file.sync_all(),
                        false => Ok(()),
                    })
                    .and_then(|()| fs::rename(&temporary, &target));
                result.map_err(|e| {
                    let _ = fs::remove_file(&temporary);
                    Failure::runtime(format!("{}: cannot write: {e}", target.display()))
                })
            }
        }
    }

    /// Gives up: a file output leaves no trace.
    pub fn abandon(self) {
        if let Output::File { temporary, .. } = self {
            let _ = fs::remove_file(temporary);
        }
    }
}

/// A failed write to stdout. A closed pipe (`zhfix … | head`) is not worth a
/// message; the exit code still says the output is incomplete.
pub(crate) fn write_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::runtime(String::new())
    } else {
        Failure::runtime(format!("write error: {e}"))
    }
}
