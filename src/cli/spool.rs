//! A temporary copy of input that cannot be read twice (standard input, a
//! pipe), made as it is read the first time: the second pass reads the
//! copy. It lives in the temporary directory and is gone when dropped, on
//! success or failure (on Unix, as soon as it is made: only the open file
//! remains).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The copy: written by a [`Tee`], then read back from its start.
pub(crate) struct Spool {
    file: File,
    path: PathBuf,
}

impl Spool {
    pub fn new() -> io::Result<Spool> {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "zhfix-spool-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        // (Where an open file cannot be removed, it is removed on drop.)
        let _ = std::fs::remove_file(&path);
        Ok(Spool { file, path })
    }

    /// Appends `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    /// The copy, to be read from its start.
    pub fn rewound(mut self) -> io::Result<Spool> {
        self.file.flush()?;
        self.file.seek(SeekFrom::Start(0))?;
        Ok(self)
    }
}

impl Read for Spool {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A reader that copies what it reads to a spool.
pub(crate) struct Tee<'a, R> {
    pub reader: R,
    pub spool: &'a mut Spool,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.reader.read(buf)?;
        self.spool.write_all(&buf[..read]).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot copy to a temporary file: {e}"))
        })?;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_read_through_the_tee_reads_back_and_the_file_goes() {
        let mut spool = Spool::new().unwrap();
        let path = spool.path.clone();
        let mut read = Vec::new();
        let mut tee = Tee {
            reader: &b"line one\nline two\n"[..],
            spool: &mut spool,
        };
        tee.read_to_end(&mut read).unwrap();
        let mut again = Vec::new();
        let mut spool = spool.rewound().unwrap();
        spool.read_to_end(&mut again).unwrap();
        assert_eq!(again, read);
        assert_eq!(again, b"line one\nline two\n");
        drop(spool);
        assert!(!path.exists());
    }
}
