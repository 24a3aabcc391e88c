//! The pipeline shared by the commands that rewrite text (`fix`, `check`,
//! `convert`): every core busy, results written in input order, memory
//! bounded by the pieces in flight rather than the input.
//!
//! A reader thread reads the inputs one after another and cuts each into
//! pieces of about `PIECE` bytes that end just after a line break (no
//! dictionary key and no repair crosses one); small files are one piece
//! each, so many files are worked on in parallel just as the pieces of a
//! large one are. Workers decode, transform and encode the pieces; the
//! calling thread writes them, in order, to where each input's result goes.
//!
//! A job that judges each piece by what its whole input shows (`fix`: ruby
//! leftovers, naive conversion) gets that evidence gathered first: an input
//! of more than a piece is read twice, the first time to gather it (a file
//! is opened again; standard input and pipes are copied to a temporary file
//! as they are read), so that the output never depends on where the pieces
//! were cut or on the number of threads.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use zhfix::Evidence;

use super::coding::Coding;
use super::convert::io_message;
use super::diff;
use super::inputs::{binary, Input, Inputs};
use super::output::{write_failure, Output};
use super::spool::{Spool, Tee};
use super::Failure;

/// Changes (or flags) by kind.
pub(crate) type Counts = BTreeMap<&'static str, u64>;

/// What a piece of text became.
#[derive(Default)]
pub(crate) struct Applied {
    pub text: String,
    /// Changes by kind.
    pub changes: Counts,
    /// Damage flagged and left (not changes).
    pub flags: Counts,
    /// Report lines (`--explain`), with `start` and `end` in characters of
    /// the piece; the writer makes them offsets into the whole input.
    pub records: Vec<serde_json::Value>,
    /// Notes on lines of the piece (0-based) to print, such as records
    /// passed through by `--jsonl-field`; `fatal` ones fail with `--strict`.
    pub notes: Vec<Note>,
}

/// A note on a line of an input.
pub(crate) struct Note {
    pub line: usize,
    pub message: String,
    pub fatal: bool,
}

/// Where a piece is in its input, and what the whole input shows (for a job
/// that [`gathers_evidence`](Job::gathers_evidence)).
#[derive(Clone, Copy)]
pub(crate) struct Place<'a> {
    /// Whether the piece starts its input.
    pub first: bool,
    /// The input's evidence, if it is more than this piece.
    pub evidence: Option<&'a Evidence>,
}

impl Place<'_> {
    /// Text that is a whole document.
    pub const WHOLE: Place<'static> = Place {
        first: true,
        evidence: None,
    };
}

/// What a command does to text.
pub(crate) trait Job: Sync {
    /// Transforms a piece of decoded text: whole lines, except in text
    /// without usable line breaks, where the piece ends at `split_point`.
    fn apply(&self, text: &str, place: Place<'_>) -> Applied;

    /// [`Job::apply`], with a spare buffer that the result's text may be
    /// written to (memory already faulted in).
    fn apply_reusing(&self, text: &str, place: Place<'_>, _buffer: String) -> Applied {
        self.apply(text, place)
    }

    /// Whether a piece is judged by evidence gathered over its whole input
    /// (by `evidence`, in a first pass over an input of more than a piece).
    fn gathers_evidence(&self) -> bool {
        false
    }

    /// What a piece (the input's first, or not) shows of its input's
    /// evidence.
    fn evidence(&self, _text: &str, _first: bool) -> Evidence {
        Evidence::default()
    }

    /// Where bytes without a line break near their end may be cut into
    /// pieces that transform independently, if anywhere (a job that never
    /// cuts inside a line need not decode them to say so).
    fn split_point(&self, _bytes: &[u8]) -> Option<usize> {
        None
    }

    /// Whether `apply` fills in `records` (which then need character
    /// offsets).
    fn explains(&self) -> bool {
        false
    }
}

/// Where results go.
#[derive(Debug, Clone)]
pub(crate) enum Destination {
    /// Standard output, all inputs concatenated.
    Stdout,
    /// One file (a single input), replaced atomically.
    File(std::path::PathBuf),
    /// Each input replaced by its result (only if it changed), atomically
    /// and synced to disk, keeping a copy under `backup` when given.
    InPlace { backup: Option<String> },
    /// A tree mirroring the inputs' under a directory.
    Directory(std::path::PathBuf),
    /// Nowhere: only what would change is reported (`check`).
    Nowhere,
    /// A unified diff of each input against its result, on standard output.
    Diff,
}

/// The size of a piece handed to one worker.
const PIECE: usize = 1 << 20;

/// At most this many buffers are kept in [`Spare`]: more than the pieces in
/// flight on two cores (read, worked on, written), few enough that they
/// hold a few MB.
const SPARE_BUFFERS: usize = 8;

/// Buffers of pieces done with (read, converted, written), handed out again
/// for the pieces to come: fresh memory for every piece cost a page fault
/// per 4 KiB in the kernel, a tenth of a conversion's time.
#[derive(Default)]
struct Spare(Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// An empty buffer, with room if one is spare.
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    /// Keeps `buffer` for later, if there is room.
    fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        if let Ok(mut spare) = self.0.lock() {
            if spare.len() < SPARE_BUFFERS && buffer.capacity() > 0 {
                spare.push(buffer);
            }
        }
    }
}

/// How far back from a line break an ideographic description operator
/// (U+2FF0..U+2FFF, which can reach 64 characters forward) forbids cutting.
const IDS_REACH_BYTES: usize = 64 * 4;

/// A run's options.
pub(crate) struct Run<'a> {
    pub job: &'a dyn Job,
    pub coding: &'a Coding,
    pub destination: Destination,
    pub threads: usize,
    /// No summary line.
    pub quiet: bool,
    /// `--explain`: report lines to standard error.
    pub explain: bool,
    /// Fatal notes fail the run.
    pub strict: bool,
    /// `--report FILE`: a JSON object per input.
    pub report: Option<std::path::PathBuf>,
}

/// What a run did, for the summary and the exit code.
#[derive(Default)]
pub(crate) struct Totals {
    pub files: u64,
    pub bytes: u64,
    pub changed_files: u64,
    pub changes: Counts,
    pub flags: Counts,
    pub skipped: Vec<String>,
    pub failed: u64,
}

enum Work {
    /// Bytes, and the evidence of their whole input if it was gathered.
    Data(Vec<u8>, Option<Arc<Evidence>>),
    /// The input could not be read: the failure, and whether it ends the
    /// run.
    Failed(Failure),
    /// Skipped (binary, found under -r).
    Skipped(String),
}

struct Piece {
    seq: u64,
    input: usize,
    offset: u64,
    last: bool,
    work: Work,
}

struct Done {
    /// The input bytes' length.
    length: u64,
    bytes: Vec<u8>,
    lines: usize,
    chars: usize,
    changed: bool,
    applied: Applied,
    /// The encoding the piece was decoded from.
    encoding: &'static str,
    /// For `--diff`.
    hunks: Vec<diff::Hunk>,
}

enum Outcome {
    Done(Done),
    Failed(Failure),
    Unencodable { line: usize, c: char },
    Skipped(String),
}

impl Run<'_> {
    /// Runs over `inputs`; returns the totals, or the failure that ended
    /// the run.
    pub fn run(&self, inputs: Inputs) -> Result<Totals, Failure> {
        let started = Instant::now();
        let Inputs { inputs, skipped } = inputs;
        let threads = self.threads.max(1);
        let (piece_tx, piece_rx) = sync_channel::<Piece>(threads);
        let (done_tx, done_rx) = sync_channel::<(Piece, Outcome)>(threads);
        let piece_rx = Mutex::new(piece_rx);
        let stop = AtomicBool::new(false);
        let spare = Spare::default();
        let mut totals = Totals {
            skipped,
            ..Totals::default()
        };
        let result = std::thread::scope(|scope| {
            let inputs = &inputs;
            let stop = &stop;
            let spare = &spare;
            let reading = scope.spawn(move || {
                self.read_all(inputs, spare, |piece| {
                    !stop.load(Ordering::Relaxed) && piece_tx.send(piece).is_ok()
                })
            });
            for _ in 0..threads {
                let done_tx = done_tx.clone();
                let piece_rx = &piece_rx;
                scope.spawn(move || {
                    self.work(piece_rx, spare, |piece, outcome| {
                        done_tx.send((piece, outcome)).is_ok()
                    })
                });
            }
            drop(done_tx);
            let written = self.write_in_order(&done_rx, inputs, spare, &mut totals);
            // On a failure, stop the reader (which may be waiting to send)
            // and the workers (which fail to send once `done_rx` is gone).
            stop.store(true, Ordering::Relaxed);
            drop(done_rx);
            while let Ok(receiver) = piece_rx.lock() {
                if receiver.recv().is_err() {
                    break;
                }
            }
            let _ = reading.join();
            written
        });
        if !self.quiet {
            self.summarize(&totals, inputs.len(), started.elapsed().as_secs_f64());
        }
        result.map(|()| totals)
    }

    /// Reads the inputs in order and sends them on in pieces.
    fn read_all(&self, inputs: &[Input], spare: &Spare, mut send: impl FnMut(Piece) -> bool) {
        let mut seq = 0;
        for (index, input) in inputs.iter().enumerate() {
            let mut send_piece = |offset: u64, last: bool, work: Work| {
                let piece = Piece {
                    seq,
                    input: index,
                    offset,
                    last,
                    work,
                };
                seq += 1;
                send(piece)
            };
            let reader: Box<dyn Read> = match &input.path {
                None => Box::new(io::stdin()),
                Some(path) => match File::open(path) {
                    Ok(file) => Box::new(file),
                    Err(e) => {
                        let failure =
                            Failure::runtime(format!("{}: {}", input.name(), io_message(&e)));
                        if !send_piece(0, true, Work::Failed(failure)) {
                            return;
                        }
                        continue;
                    }
                },
            };
            if !self.cut_pieces(input, reader, spare, &mut send_piece) {
                return;
            }
        }
    }

    /// Sends one input in pieces; false when the run is over.
    fn cut_pieces(
        &self,
        input: &Input,
        mut reader: impl Read,
        spare: &Spare,
        send: &mut impl FnMut(u64, bool, Work) -> bool,
    ) -> bool {
        let name = input.name();
        let mut pending: Vec<u8> = Vec::new();
        let mut at_end = false;
        while pending.len() < PIECE && !at_end {
            match read_more(&mut reader, &mut pending) {
                Ok(more) => at_end = !more,
                Err(e) => return send(0, true, Work::Failed(read_failure(&name, &e))),
            }
        }
        // A binary file found under -r is skipped whole.
        let start = &pending[..pending.len().min(super::inputs::SNIFF_BYTES)];
        if !input.named {
            if let Some(why) = binary(start, self.coding) {
                return send(
                    0,
                    true,
                    Work::Skipped(format!("{name}: a binary file ({why})")),
                );
            }
        }
        // UTF-16 cannot be cut at line-break bytes: read it all, then
        // decode and transform it as one piece.
        let whole = self.coding.whole_input(start);
        let sent = match whole || at_end || !self.job.gathers_evidence() {
            true => self.split(
                &name,
                pending,
                at_end,
                whole,
                &mut reader,
                spare,
                &mut |offset, last, bytes| send(offset, last, Work::Data(bytes, None)),
            ),
            // More than a piece, judged by the whole input: a first pass
            // gathers its evidence, a second sends the pieces with it.
            false => {
                self.gather(input, pending, reader, spare)
                    .and_then(|(evidence, mut again)| {
                        let evidence = Arc::new(evidence);
                        self.split(
                            &name,
                            Vec::new(),
                            false,
                            false,
                            &mut again,
                            spare,
                            &mut |offset, last, bytes| {
                                send(offset, last, Work::Data(bytes, Some(Arc::clone(&evidence))))
                            },
                        )
                    })
            }
        };
        match sent {
            Ok(go_on) => go_on,
            Err((offset, failure)) => send(offset, true, Work::Failed(failure)),
        }
    }

    /// Cuts an input into pieces, from what is `pending` and what `reader`
    /// has left, and hands each to `each` with its offset and whether it is
    /// the last; `Ok(false)` when `each` says the run is over, `Err` (with
    /// where) on a read error.
    // (The reader and the spare buffers are where the pieces come from; a
    // struct of the two would only be unpacked again.)
    #[allow(clippy::too_many_arguments)]
    fn split(
        &self,
        name: &str,
        mut pending: Vec<u8>,
        mut at_end: bool,
        whole: bool,
        reader: &mut impl Read,
        spare: &Spare,
        each: &mut dyn FnMut(u64, bool, Vec<u8>) -> bool,
    ) -> Result<bool, (u64, Failure)> {
        let mut offset = 0u64;
        // Without a cut, `pending` grows: the line breaks already rejected
        // are not looked at again, and the job is asked again only once the
        // text has doubled, which keeps the work linear.
        let mut scanned = 0;
        let mut ask_job_at = 0;
        let mut read_on = |pending: &mut Vec<u8>, offset: u64| {
            read_more(reader, pending)
                .map(|more| !more)
                .map_err(|e| (offset, read_failure(name, &e)))
        };
        loop {
            while pending.len() < PIECE && !at_end {
                at_end = read_on(&mut pending, offset)?;
            }
            while whole && !at_end {
                at_end = read_on(&mut pending, offset)?;
            }
            let mut cut = match at_end {
                true => Some(pending.len()),
                false => line_cut(&pending, scanned),
            };
            if cut.is_none() && pending.len() >= ask_job_at {
                cut = self.job.split_point(&pending);
                ask_job_at = pending.len() * 2;
            }
            let Some(cut) = cut else {
                // No cut yet: read on.
                scanned = pending.len();
                at_end = read_on(&mut pending, offset)?;
                continue;
            };
            scanned = 0;
            ask_job_at = 0;
            let mut rest = spare.take();
            rest.extend_from_slice(&pending[cut..]);
            pending.truncate(cut);
            let bytes = std::mem::replace(&mut pending, rest);
            let length = bytes.len() as u64;
            let last = at_end && pending.is_empty();
            if !each(offset, last, bytes) {
                return Ok(false);
            }
            offset += length;
            if last {
                return Ok(true);
            }
        }
    }

    /// The first pass over an input of more than a piece (`pending` is its
    /// start, `reader` the rest): the evidence of its pieces, gathered a
    /// batch of pieces at a time on the run's threads, and the input to
    /// read again for the second pass: a file opened again, or a copy of
    /// what cannot be read twice (standard input, a pipe).
    fn gather(
        &self,
        input: &Input,
        pending: Vec<u8>,
        reader: impl Read,
        spare: &Spare,
    ) -> Result<(Evidence, Box<dyn Read>), (u64, Failure)> {
        let name = input.name();
        let file = input
            .path
            .as_deref()
            .filter(|path| std::fs::metadata(path).is_ok_and(|m| m.is_file()));
        let spool_failure = |e: io::Error| {
            (
                0,
                Failure::runtime(format!(
                    "{name}: cannot copy to a temporary file: {}",
                    io_message(&e)
                )),
            )
        };
        let mut evidence = Evidence::default();
        let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
        let threads = self.threads.max(1);
        let mut each = |offset: u64, last: bool, bytes: Vec<u8>| {
            batch.push((offset, bytes));
            if batch.len() >= threads || last {
                for found in self.gather_batch(&batch) {
                    evidence.merge(&found);
                }
                for (_, bytes) in batch.drain(..) {
                    spare.give(bytes);
                }
            }
            true
        };
        let again: Box<dyn Read> = match file {
            Some(path) => {
                let mut reader = reader;
                self.split(&name, pending, false, false, &mut reader, spare, &mut each)?;
                let file = File::open(path)
                    .map_err(|e| (0, Failure::runtime(format!("{name}: {}", io_message(&e)))))?;
                Box::new(file)
            }
            None => {
                let mut spool = Spool::new().map_err(spool_failure)?;
                spool.write_all(&pending).map_err(spool_failure)?;
                let mut tee = Tee {
                    reader,
                    spool: &mut spool,
                };
                self.split(&name, pending, false, false, &mut tee, spare, &mut each)?;
                Box::new(spool.rewound().map_err(spool_failure)?)
            }
        };
        Ok((evidence, again))
    }

    /// The evidence of each piece of `batch` (bytes at an offset), gathered
    /// in parallel. (A piece that cannot be decoded shows nothing: the
    /// second pass reports it.)
    fn gather_batch(&self, batch: &[(u64, Vec<u8>)]) -> Vec<Evidence> {
        let one = |(offset, bytes): &(u64, Vec<u8>)| match self.coding.decode_named(bytes, *offset)
        {
            Ok((text, _)) => self.job.evidence(&text, *offset == 0),
            Err(_) => Evidence::default(),
        };
        if batch.len() < 2 {
            return batch.iter().map(one).collect();
        }
        std::thread::scope(|scope| {
            let gathering: Vec<_> = batch
                .iter()
                .map(|piece| scope.spawn(move || one(piece)))
                .collect();
            gathering
                .into_iter()
                .map(|thread| thread.join().unwrap_or_default())
                .collect()
        })
    }

    /// A worker: decodes, transforms and encodes pieces until there are
    /// none.
    fn work(
        &self,
        pieces: &Mutex<Receiver<Piece>>,
        spare: &Spare,
        mut done: impl FnMut(Piece, Outcome) -> bool,
    ) {
        loop {
            let piece = match pieces.lock() {
                Ok(receiver) => receiver.recv(),
                Err(_) => return,
            };
            let Ok(mut piece) = piece else { return };
            let outcome = match std::mem::replace(&mut piece.work, Work::Data(Vec::new(), None)) {
                Work::Data(bytes, evidence) => {
                    let place = Place {
                        first: piece.offset == 0,
                        evidence: evidence.as_deref(),
                    };
                    let outcome = self.transform(&bytes, piece.offset, place, spare);
                    spare.give(bytes);
                    outcome
                }
                Work::Failed(failure) => Outcome::Failed(failure),
                Work::Skipped(note) => Outcome::Skipped(note),
            };
            if !done(piece, outcome) {
                return;
            }
        }
    }

    fn transform(&self, bytes: &[u8], offset: u64, place: Place<'_>, spare: &Spare) -> Outcome {
        let (text, encoding) = match self.coding.decode_named(bytes, offset) {
            Ok(decoded) => decoded,
            Err(message) => return Outcome::Failed(Failure::runtime(message)),
        };
        // (An empty buffer is valid UTF-8.)
        let buffer = String::from_utf8(spare.take()).unwrap_or_default();
        let mut applied = self.job.apply_reusing(&text, place, buffer);
        let chars = match self.job.explains() {
            true => text.chars().count(),
            false => 0,
        };
        let lines = memchr::memchr_iter(b'\n', applied.text.as_bytes()).count();
        let hunks = match self.destination {
            Destination::Diff if applied.text != *text => diff::hunks(&text, &applied.text),
            _ => Vec::new(),
        };
        let encoded = match self.coding.encode(&applied.text) {
            Ok(Cow::Borrowed(_)) => None,
            Ok(Cow::Owned(encoded)) => Some(encoded),
            Err((line, c)) => return Outcome::Unencodable { line, c },
        };
        // UTF-8 out: the text's own bytes, not a copy.
        let text_bytes = std::mem::take(&mut applied.text).into_bytes();
        let bytes_out = match encoded {
            Some(encoded) => {
                spare.give(text_bytes);
                encoded
            }
            None => text_bytes,
        };
        let changed = bytes_out != bytes;
        Outcome::Done(Done {
            encoding,
            hunks,
            length: bytes.len() as u64,
            bytes: bytes_out,
            lines,
            chars,
            changed,
            applied: Applied {
                text: String::new(),
                ..applied
            },
        })
    }

    /// Writes the pieces in order, each to its input's destination.
    fn write_in_order(
        &self,
        done: &Receiver<(Piece, Outcome)>,
        inputs: &[Input],
        spare: &Spare,
        totals: &mut Totals,
    ) -> Result<(), Failure> {
        let mut next = 0;
        let mut waiting = BTreeMap::new();
        let mut stdout = match self.destination {
            Destination::Stdout | Destination::Diff => Some(Output::stdout()),
            Destination::File(ref path) => Some(Output::file(path)?),
            _ => None,
        };
        let mut report_file = self.report.as_deref().map(Output::file).transpose()?;
        let mut progress = Progress::new(self.quiet, inputs);
        let mut current: Option<Current> = None;
        for (piece, outcome) in done {
            waiting.insert(piece.seq, (piece, outcome));
            while let Some((piece, outcome)) = waiting.remove(&next) {
                next += 1;
                let input = &inputs[piece.input];
                if current.as_ref().is_none_or(|c| c.input != piece.input) {
                    current = Some(Current::new(piece.input));
                    totals.files += 1;
                }
                let state = current.as_mut().expect("set above");
                if let Outcome::Done(done) = &outcome {
                    progress.advance(done.length);
                }
                let result =
                    self.write_piece(input, outcome, state, stdout.as_mut(), spare, totals);
                let result = result.and_then(|()| match piece.last {
                    true => self.finish_input(input, state, totals, report_file.as_mut()),
                    false => Ok(()),
                });
                if let Err(failure) = result {
                    if let Some(file) = state.file.take() {
                        file.abandon();
                    }
                    match self.destination {
                        // Results of other inputs go elsewhere: report it
                        // and go on.
                        Destination::InPlace { .. }
                        | Destination::Directory(_)
                        | Destination::Nowhere => {
                            report(&failure);
                            totals.failed += 1;
                            state.failed = true;
                        }
                        _ => {
                            progress.finish();
                            if let Some(output) = stdout.take() {
                                output.abandon();
                            }
                            if let Some(output) = report_file.take() {
                                output.abandon();
                            }
                            return Err(failure);
                        }
                    }
                }
            }
        }
        progress.finish();
        if let Some(output) = report_file {
            output.commit()?;
        }
        match stdout {
            Some(output) => output.commit(),
            None => Ok(()),
        }
    }

    fn write_piece(
        &self,
        input: &Input,
        outcome: Outcome,
        state: &mut Current,
        mut stdout: Option<&mut Output>,
        spare: &Spare,
        totals: &mut Totals,
    ) -> Result<(), Failure> {
        if state.failed {
            return Ok(());
        }
        let name = input.name();
        let done = match outcome {
            Outcome::Done(done) => done,
            Outcome::Failed(failure) => {
                // (Decoding errors name an offset but not the input.)
                return Err(match failure.message.starts_with(&name) {
                    true => failure,
                    false => Failure::runtime(format!("{name}: {}", failure.message)),
                });
            }
            Outcome::Unencodable { line, c } => {
                return Err(Failure::runtime(format!(
                    "{name}: {c:?} (U+{:04X}) on output line {} cannot be encoded in {} \
                     (--unencodable replace writes ? instead)",
                    c as u32,
                    state.lines + line + 1,
                    self.coding.output.name()
                )))
            }
            Outcome::Skipped(note) => {
                totals.files -= 1;
                state.skipped = true;
                totals.skipped.push(note);
                return Ok(());
            }
        };
        totals.bytes += done.length;
        state.changed |= done.changed;
        state.encoding = match state.encoding {
            Some(encoding) if encoding != done.encoding => Some("mixed"),
            _ => Some(done.encoding),
        };
        for (kind, count) in &done.applied.changes {
            *state.changes.entry(kind).or_default() += count;
        }
        for (kind, count) in &done.applied.flags {
            *state.flags.entry(kind).or_default() += count;
        }
        let mut stderr = io::stderr().lock();
        for mut record in done.applied.records {
            for key in ["start", "end"] {
                if let Some(at) = record.get(key).and_then(serde_json::Value::as_u64) {
                    record[key] = (at + state.chars as u64).into();
                }
            }
            record["path"] = name.clone().into();
            if self.explain {
                writeln!(stderr, "{record}").map_err(write_failure)?;
            }
            if self.report.is_some() {
                state.records.push(record);
            }
        }
        drop(stderr);
        if let (Destination::Diff, Some(output), false) = (
            &self.destination,
            stdout.as_deref_mut(),
            done.hunks.is_empty(),
        ) {
            let colour = io::stdout().is_terminal();
            let mut text = String::new();
            if !state.diff_started {
                state.diff_started = true;
                // (`a/` and `b/` as git writes them; an absolute path
                // keeps its own slash.)
                let shown = name.trim_start_matches('/');
                text.push_str(&format!("--- a/{shown}\n+++ b/{shown}\n"));
            }
            text.push_str(&diff::format(&done.hunks, state.lines, colour));
            output
                .writer()
                .write_all(text.as_bytes())
                .map_err(write_failure)?;
        }
        for note in &done.applied.notes {
            eprintln!(
                "zhfix: {name}: line {}: {}",
                state.lines + note.line + 1,
                note.message
            );
            state.fatal |= note.fatal;
        }
        state.lines += done.lines;
        state.chars += done.chars;
        let writer: &mut dyn Write = match (&self.destination, stdout) {
            (Destination::Nowhere | Destination::Diff, _) => return Ok(()),
            (Destination::Stdout | Destination::File(_), Some(output)) => output.writer(),
            (Destination::InPlace { .. }, _) => {
                let path = input.path.as_deref().expect("in-place inputs are files");
                if state.file.is_none() {
                    state.file = Some(Output::file(path)?.synced());
                }
                state.file.as_mut().expect("set above").writer()
            }
            (Destination::Directory(dir), _) => {
                if state.file.is_none() {
                    let target = dir.join(&input.relative);
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| {
                            Failure::runtime(format!(
                                "{}: cannot create: {}",
                                parent.display(),
                                io_message(&e)
                            ))
                        })?;
                    }
                    state.file = Some(Output::file(&target)?);
                }
                state.file.as_mut().expect("set above").writer()
            }
            (_, None) => return Ok(()),
        };
        let written = writer.write_all(&done.bytes).map_err(|e| match state.file {
            Some(_) => Failure::runtime(format!("{name}: cannot write: {}", io_message(&e))),
            None => write_failure(e),
        });
        spare.give(done.bytes);
        written
    }

    /// An input's last piece is written: commit its file, count it, report
    /// it.
    fn finish_input(
        &self,
        input: &Input,
        state: &mut Current,
        totals: &mut Totals,
        report_file: Option<&mut Output>,
    ) -> Result<(), Failure> {
        if state.failed {
            return Ok(());
        }
        if let Some(output) = report_file {
            let line = match state.skipped {
                true => serde_json::json!({
                    "path": input.name(),
                    "skipped": totals.skipped.last(),
                }),
                false => serde_json::json!({
                    "path": input.name(),
                    "encoding": state.encoding,
                    "changed": state.changed,
                    "changes": state.changes,
                    "flags": state.flags,
                    "steps": std::mem::take(&mut state.records),
                }),
            };
            writeln!(output.writer(), "{line}").map_err(|e| {
                Failure::runtime(format!(
                    "{}: cannot write: {}",
                    self.report
                        .as_deref()
                        .unwrap_or(std::path::Path::new(""))
                        .display(),
                    io_message(&e)
                ))
            })?;
        }
        if state.skipped {
            return Ok(());
        }
        if state.fatal && self.strict {
            return Err(Failure::runtime(format!(
                "{}: --strict: records were passed through (see above)",
                input.name()
            )));
        }
        for (kind, count) in &state.changes {
            *totals.changes.entry(kind).or_default() += count;
        }
        for (kind, count) in &state.flags {
            *totals.flags.entry(kind).or_default() += count;
        }
        if state.changed {
            totals.changed_files += 1;
        }
        if let Destination::Nowhere = self.destination {
            if state.changed {
                println!(
                    "{}: {}",
                    input.name(),
                    describe(&state.changes, &state.flags)
                );
            }
        }
        let Some(file) = state.file.take() else {
            return Ok(());
        };
        match &self.destination {
            // A file that would not change is not rewritten.
            Destination::InPlace { .. } if !state.changed => {
                file.abandon();
                Ok(())
            }
            Destination::InPlace {
                backup: Some(suffix),
            } => {
                let path = input.path.as_deref().expect("in-place inputs are files");
                let mut backup = path.as_os_str().to_owned();
                backup.push(suffix);
                std::fs::copy(path, &backup).map_err(|e| {
                    Failure::runtime(format!(
                        "{}: cannot back up: {}",
                        input.name(),
                        io_message(&e)
                    ))
                })?;
                file.commit()
            }
            _ => file.commit(),
        }
    }

    fn summarize(&self, totals: &Totals, inputs: usize, seconds: f64) {
        let several = inputs > 1 || !totals.skipped.is_empty();
        for note in &totals.skipped {
            eprintln!("zhfix: skipped {note}");
        }
        if !shows_summary(&self.destination, self.report.is_some(), several) {
            return;
        }
        let megabytes = totals.bytes as f64 / 1e6;
        eprintln!(
            "zhfix: {} file{}, {:.1} MB, {} changed: {}{}; {:.2} s, {:.1} MB/s",
            totals.files,
            if totals.files == 1 { "" } else { "s" },
            megabytes,
            totals.changed_files,
            describe(&totals.changes, &totals.flags),
            match totals.skipped.len() {
                0 => String::new(),
                n => format!(", {n} skipped"),
            },
            seconds,
            megabytes / seconds.max(1e-9),
        );
    }
}

/// Whether a run shows its summary line (with the changes by kind): a run
/// that writes files or a report does, and one of several inputs (or
/// skipped ones) when standard error is a terminal. (A filter in a pipeline
/// stays silent; a person at a terminal, or a run that writes files, hears
/// what happened.)
pub(crate) fn shows_summary(destination: &Destination, report: bool, several: bool) -> bool {
    let writes_files = matches!(
        destination,
        Destination::InPlace { .. } | Destination::Directory(_) | Destination::Nowhere
    ) || report;
    writes_files || several && io::stderr().is_terminal()
}

/// The state of the input being written.
struct Current {
    input: usize,
    file: Option<Output>,
    changed: bool,
    skipped: bool,
    failed: bool,
    fatal: bool,
    lines: usize,
    chars: usize,
    changes: Counts,
    flags: Counts,
    encoding: Option<&'static str>,
    /// Report lines kept for `--report`.
    records: Vec<serde_json::Value>,
    diff_started: bool,
}

impl Current {
    fn new(input: usize) -> Current {
        Current {
            input,
            encoding: None,
            records: Vec::new(),
            diff_started: false,
            file: None,
            changed: false,
            skipped: false,
            failed: false,
            fatal: false,
            lines: 0,
            chars: 0,
            changes: Counts::new(),
            flags: Counts::new(),
        }
    }
}

/// `3 changes (mojibake 2, ruby 1), 1 flag (replacement 1)`.
pub(crate) fn describe(changes: &Counts, flags: &Counts) -> String {
    let part = |counts: &Counts, noun: &str| {
        let total: u64 = counts.values().sum();
        let kinds: Vec<String> = counts
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        match total {
            0 => format!("0 {noun}s"),
            _ => format!(
                "{total} {noun}{} ({})",
                if total == 1 { "" } else { "s" },
                kinds.join(", ")
            ),
        }
    };
    match flags.is_empty() {
        true => part(changes, "change"),
        false => format!("{}, {}", part(changes, "change"), part(flags, "flag")),
    }
}

/// Prints a failure that does not end the run.
pub(crate) fn report(failure: &Failure) {
    if !failure.message.is_empty() {
        eprintln!("zhfix: {}", failure.message);
    }
}

fn read_failure(name: &str, e: &io::Error) -> Failure {
    Failure::runtime(format!("{name}: read error: {}", io_message(e)))
}

/// Appends up to `PIECE` more bytes (fewer only at the end of input); false
/// at the end of input.
fn read_more(reader: &mut (impl Read + ?Sized), pending: &mut Vec<u8>) -> io::Result<bool> {
    // `read_to_end` reads into the vector's spare capacity without filling
    // it with zeros first (which cost 5% of a conversion's instructions).
    pending.reserve(PIECE);
    let start = pending.len();
    match Read::take(&mut *reader, PIECE as u64).read_to_end(pending) {
        Ok(read) => Ok(read > 0),
        Err(e) => {
            pending.truncate(start);
            Err(e)
        }
    }
}

/// Just after the last line break at or after `from` that no ideographic
/// description operator precedes closely. (A line break never occurs inside
/// a UTF-8 sequence, so this needs no decoding.)
fn line_cut(bytes: &[u8], from: usize) -> Option<usize> {
    let from = from.saturating_sub(1);
    memchr::memrchr_iter(b'\n', &bytes[from..])
        .map(|at| from + at + 1)
        .find(|&cut| {
            let before = &bytes[cut.saturating_sub(IDS_REACH_BYTES)..cut];
            !before
                .windows(3)
                .any(|w| w[0] == 0xE2 && w[1] == 0xBF && w[2] >= 0xB0)
        })
}

/// Where results go, and how the work is run: options shared by the
/// commands that rewrite text.
#[derive(clap::Args, Debug)]
pub(crate) struct OutputArgs {
    /// Write the result to this file (a single input), atomically.
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["in_place", "output_dir"])]
    pub output: Option<std::path::PathBuf>,

    /// Rewrite each input file with its result: a temporary file in the
    /// same directory, synced and renamed over it, with its permissions.
    /// Files that would not change are not touched.
    #[arg(long, conflicts_with = "output_dir")]
    pub in_place: bool,

    /// With --in-place, keep each original file changed as its name plus
    /// SUFFIX (e.g. `.orig`).
    #[arg(long, value_name = "SUFFIX", requires = "in_place")]
    pub backup: Option<String>,

    /// Write each result under DIR, mirroring the input tree.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<std::path::PathBuf>,

    /// Threads to work with (default: all cores). The output does not
    /// depend on it.
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// Print a unified diff of each input against its result instead of
    /// the result (coloured on a terminal); nothing is written.
    #[arg(long, conflicts_with_all = ["output", "in_place", "output_dir"])]
    pub diff: bool,

    /// Write a JSON object per input to FILE: `path`, `encoding`,
    /// `changed`, `changes` and `flags` by kind, and `steps`.
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,

    /// Print no summary and no notes on standard error (errors still).
    #[arg(short, long)]
    pub quiet: bool,
}

impl OutputArgs {
    pub fn destination(&self, inputs: usize) -> Result<Destination, Failure> {
        Ok(match (&self.output, self.in_place, &self.output_dir) {
            (Some(_), _, _) if inputs > 1 => {
                return Err(Failure::usage("-o/--output takes a single input file"))
            }
            (Some(path), _, _) => Destination::File(path.clone()),
            (None, false, None) if self.diff => Destination::Diff,
            (None, true, _) => Destination::InPlace {
                backup: self.backup.clone(),
            },
            (None, false, Some(dir)) => Destination::Directory(dir.clone()),
            (None, false, None) => Destination::Stdout,
        })
    }
}

/// The number of threads to use: `requested`, or all cores.
pub(crate) fn threads(requested: Option<usize>) -> usize {
    requested
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

/// A progress bar on standard error, for a person watching a long run: it
/// appears only on a terminal, and only after a second.
struct Progress {
    total: Option<u64>,
    done: u64,
    started: Instant,
    bar: Option<indicatif::ProgressBar>,
    shown: bool,
}

impl Progress {
    fn new(quiet: bool, inputs: &[Input]) -> Progress {
        let wanted = !quiet && io::stderr().is_terminal();
        // (Standard input's size is unknown: a spinner then.)
        let total = inputs
            .iter()
            .map(|input| {
                let path = input.path.as_ref()?;
                std::fs::metadata(path).ok().map(|m| m.len())
            })
            .sum();
        Progress {
            total,
            done: 0,
            started: Instant::now(),
            bar: None,
            shown: !wanted,
        }
    }

    fn advance(&mut self, bytes: u64) {
        self.done += bytes;
        if !self.shown && self.started.elapsed().as_secs_f64() > 1.0 {
            self.shown = true;
            let bar = match self.total {
                Some(total) => indicatif::ProgressBar::new(total).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                ),
                None => indicatif::ProgressBar::new_spinner(),
            };
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.bytes.len().min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn read_more_appends_a_whole_piece_until_the_end() {
        let input: Vec<u8> = (0..PIECE * 2 + 1000).map(|i| (i % 251) as u8).collect();
        let mut reader = Trickle {
            bytes: &input,
            step: 10_000,
        };
        let mut pending = b"kept".to_vec();
        assert!(read_more(&mut reader, &mut pending).unwrap());
        assert_eq!(pending.len(), 4 + PIECE);
        assert!(read_more(&mut reader, &mut pending).unwrap());
        assert!(read_more(&mut reader, &mut pending).unwrap());
        assert_eq!(pending.len(), 4 + input.len());
        assert!(!read_more(&mut reader, &mut pending).unwrap());
        assert_eq!(&pending[..4], b"kept");
        assert_eq!(&pending[4..], &input[..]);
    }
}
