//! Which files a command reads: named files, directories searched with
//! `-r` (respecting ignore files and hidden files, like ripgrep), or
//! standard input.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::coding::Coding;
use super::convert::io_message;
use super::Failure;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Files, or directories with -r; standard input when none or `-`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Search directories recursively, skipping hidden files and what
    /// `.gitignore`, `.ignore` and `.git/info/exclude` leave out (as ripgrep
    /// does). Binary files found are skipped.
    #[arg(short, long)]
    pub recursive: bool,

    /// With -r, only files whose path matches this glob; `!GLOB` leaves
    /// files out. Repeatable.
    #[arg(short, long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,

    /// Follow symbolic links (otherwise, found under -r or to be edited in
    /// place, they are skipped with a note).
    #[arg(long)]
    pub follow: bool,
}

/// One input.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// Where it goes under `--output-dir`: its path below the directory
    /// searched, or as named when that is relative.
    pub relative: PathBuf,
    /// Named on the command line (a binary file is then an error, not a
    /// skip).
    pub named: bool,
}

impl Input {
    /// The name errors and reports give it.
    pub fn name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// The inputs, in order, and notes on what was skipped.
pub(crate) struct Inputs {
    pub inputs: Vec<Input>,
    pub skipped: Vec<String>,
}

/// How much of a file's start the binary check reads.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

impl Args {
    /// Resolves the paths; fails on the first that cannot be read, before
    /// anything is written.
    pub fn collect(&self, in_place: bool, coding: &Coding) -> Result<Inputs, Failure> {
        let mut inputs = Vec::new();
        let mut skipped = Vec::new();
        let stdin = Input {
            path: None,
            relative: PathBuf::from("stdin"),
            named: true,
        };
        if self.paths.is_empty() {
            if in_place {
                return Err(Failure::usage(
                    "--in-place needs files: it cannot rewrite standard input",
                ));
            }
            inputs.push(stdin.clone());
        }
        for path in &self.paths {
            if path == Path::new("-") {
                if in_place {
                    return Err(Failure::usage(
                        "--in-place cannot rewrite standard input (`-`)",
                    ));
                }
                inputs.push(stdin.clone());
                continue;
            }
            let metadata = fs::metadata(path)
                .map_err(|e| Failure::runtime(format!("{}: {}", path.display(), io_message(&e))))?;
            if metadata.is_dir() {
                if !self.recursive {
                    return Err(Failure::runtime(format!(
                        "{}: is a directory (-r searches it)",
                        path.display()
                    )));
                }
                self.walk(path, in_place, &mut inputs, &mut skipped)?;
                continue;
            }
            let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            if is_link && in_place && !self.follow {
                skipped.push(format!(
                    "{}: a symbolic link (--follow rewrites its target)",
                    path.display()
                ));
                continue;
            }
            // Open and look at it now: an unreadable or binary file named on
            // the command line fails the run before anything is written.
            let mut start = Vec::new();
            File::open(path)
                .and_then(|file| file.take(SNIFF_BYTES as u64).read_to_end(&mut start))
                .map_err(|e| Failure::runtime(format!("{}: {}", path.display(), io_message(&e))))?;
            if let Some(why) = binary(&start, coding) {
                return Err(Failure::runtime(format!(
                    "{}: a binary file ({why})",
                    path.display()
                )));
            }
            let relative = match path.is_relative()
                && path.components().all(|c| {
                    matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::CurDir
                    )
                }) {
                true => path.clone(),
                false => PathBuf::from(path.file_name().unwrap_or(path.as_os_str())),
            };
            inputs.push(Input {
                path: Some(path.clone()),
                relative,
                named: true,
            });
        }
        Ok(Inputs { inputs, skipped })
    }

    pub fn walk(
        &self,
        root: &Path,
        in_place: bool,
        inputs: &mut Vec<Input>,
        skipped: &mut Vec<String>,
    ) -> Result<(), Failure> {
        let mut overrides = ignore::overrides::OverrideBuilder::new(root);
        for glob in &self.globs {
            overrides
                .add(glob)
                .map_err(|e| Failure::usage(format!("--glob {glob}: {e}")))?;
        }
        let overrides = overrides
            .build()
            .map_err(|e| Failure::usage(format!("--glob: {e}")))?;
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(self.follow)
            .overrides(overrides)
            // Ignore files apply inside a git repository or not.
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| Failure::runtime(e.to_string()))?;
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if file_type.is_symlink() {
                let note = match in_place {
                    true => "a symbolic link (--follow rewrites its target)",
                    false => "a symbolic link (--follow reads its target)",
                };
                skipped.push(format!("{}: {note}", path.display()));
                continue;
            }
            if !file_type.is_file() {
                continue;
            }
            let relative = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            inputs.push(Input {
                path: Some(path.to_path_buf()),
                relative,
                named: false,
            });
        }
        Ok(())
    }
}

/// Why the start of a file looks binary, if it does: NUL bytes that UTF-16
/// does not explain, or undecodable bytes that no encoding explains.
pub(crate) fn binary(start: &[u8], coding: &Coding) -> Option<&'static str> {
    if start.is_empty() || coding.whole_input(start) {
        return None;
    }
    if memchr::memchr(0, start).is_some() {
        return Some("NUL bytes");
    }
    if super::coding::is_utf8_prefix(start) || coding.decode.encoding.is_some() {
        return None;
    }
    let decoded = zhfix::decode(start);
    // (The sample may end inside a character.)
    match decoded.undecodable.len() > start.len() / 64 + 1 {
        true => Some("bytes that no text encoding decodes"),
        false => None,
    }
}
