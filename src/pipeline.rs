//! Scoring a stream of records on all cores, in input order, in flat memory. A reader thread cuts the
//! input into batches (at most [`BatchLimits::records`] records or [`BatchLimits::text_bytes`] bytes of
//! text) and hands each to a rayon pool of `jobs` threads, which scores it in parallel, in groups of
//! records scored together (each record also prepared for output there, see [`Pipeline::run_prepared`]).
//! The calling thread delivers the batches in input order as they are done. Several batches are in the
//! pool at once, so no worker waits for the others at the end of a batch; and a batch holds one of
//! `BATCHES_IN_FLIGHT` (4) permits from when it is handed over until it is delivered, so at most that
//! many batches, and the one being read, are in memory, whatever the size of the input.

use crate::error::Error;
use crate::input::{self, Item, ReadOptions, ReadStats};
use crate::scan::{DocumentReport, Scanner};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel};

/// Records a worker scores together ([`Scanner::scan_batch`]): enough sentences for the profile lookups
/// to stream, few enough that a batch still splits evenly over the workers.
const DOCUMENTS_TOGETHER: usize = 16;

/// Batches handed over and not yet delivered: scored, waiting in the pool, or waiting for those before them
/// to be delivered. More than one in the pool keeps every worker busy while the last parts of a batch are
/// scored (a batch at a time, a worker waited at each batch's end for the others to finish theirs).
const BATCHES_IN_FLIGHT: usize = 4;

/// A record as read, with its report when it could be read (`report.is_some() == item.record.is_ok()`).
#[derive(Debug)]
pub struct Scored {
    pub item: Item,
    pub report: Option<DocumentReport>,
}

/// How large a batch may grow.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    pub records: usize,
    pub text_bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        // Each batch is handed from the reader to the workers and on to the writer, each hand-over a
        // thread waking another (tens of microseconds on a VM): 1,024 records make a quarter of the
        // hand-overs of 256 (the commit that chose it gives the timings).
        BatchLimits { records: 1024, text_bytes: 4 << 20 }
    }
}

/// What a run read: the records passed over, and the inputs that could not be read at all (each
/// reported, the others still read).
#[derive(Debug, Default)]
pub struct RunSummary {
    pub stats: ReadStats,
    pub failed_inputs: Vec<Error>,
}

enum Message<T> {
    Batch(Vec<T>),
    Failed(Error),
}

/// Scores records on a pool of worker threads.
pub struct Pipeline {
    pool: rayon::ThreadPool,
    pub limits: BatchLimits,
}

impl Pipeline {
    /// A pipeline on `jobs` threads (0: one per core).
    pub fn new(jobs: usize) -> Result<Pipeline, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("mtlint-score-{i}"))
            .build()
            .map_err(|e| Error::Unsupported(format!("cannot start {jobs} worker threads: {e}")))?;
        Ok(Pipeline { pool, limits: BatchLimits::default() })
    }

    /// The number of scoring threads.
    pub fn jobs(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Reads `paths` (directories expanded), scores every readable record with `scanner`, and hands each
    /// record to `sink` in input order. An input that cannot be opened, read or listed is reported in
    /// [`RunSummary::failed_inputs`] and the others are still read. Stops at the first error of `sink` and
    /// returns it.
    pub fn run(&self, scanner: &Scanner, paths: &[String], opts: &ReadOptions, sink: &mut dyn FnMut(Scored) -> Result<(), Error>) -> Result<RunSummary, Error> {
        self.run_prepared(scanner, paths, opts, &|scored| scored, sink)
    }

    /// [`Pipeline::run`], with each record passed through `prepare` on the worker thread that scored
    /// it (to render its output line there, in parallel) before `sink` gets it, in input order.
    pub fn run_prepared<T: Send>(
        &self,
        scanner: &Scanner,
        paths: &[String],
        opts: &ReadOptions,
        prepare: &(dyn Fn(Scored) -> T + Sync),
        sink: &mut dyn FnMut(T) -> Result<(), Error>,
    ) -> Result<RunSummary, Error> {
        let input::walk::Expanded { files: paths, errors: unlisted } = input::walk::expand(paths);
        let limits = self.limits;
        // A message (a batch, or an input's failure) holds a permit from the moment the reader hands it over
        // until it is delivered: the reader takes one (waiting while all are out), the delivering loop gives
        // it back.
        let (take_permit, permit_taken) = sync_channel::<()>(BATCHES_IN_FLIGHT);
        let (done_tx, done_rx) = channel::<(usize, Message<T>)>();
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                self.pool.in_place_scope(|pool| {
                    let mut next = 0usize;
                    read_batches(&paths, opts, limits, &mut |message| {
                        take_permit.send(()).map_err(|_| Error::Closed)?;
                        let (number, done) = (next, done_tx.clone());
                        next += 1;
                        match message {
                            Message::Failed(e) => {
                                let _ = done.send((number, Message::Failed(e)));
                            }
                            // (a closed channel means the sink stopped; the batch is dropped)
                            Message::Batch(batch) => pool.spawn(move |_| {
                                let _ = done.send((number, Message::Batch(self.score(scanner, batch, prepare))));
                            }),
                        }
                        Ok(())
                    })
                })
            });
            // Batches can be done out of order (a worker waiting for its part of one picks up the next):
            // each waits here until those before it are delivered.
            let mut failed_inputs = unlisted;
            let mut delivered = Ok(());
            let mut waiting = BTreeMap::new();
            let mut next = 0usize;
            'deliver: for (number, message) in done_rx.iter() {
                waiting.insert(number, message);
                while let Some(message) = waiting.remove(&next) {
                    next += 1;
                    match message {
                        Message::Failed(e) => failed_inputs.push(e),
                        Message::Batch(batch) => delivered = batch.into_iter().try_for_each(&mut *sink),
                    }
                    if delivered.is_err() {
                        break 'deliver;
                    }
                    let _ = permit_taken.recv();
                }
            }
            // Dropping the permits stops the reader at its next batch.
            drop(permit_taken);
            drop(done_rx);
            let stats = reader.join().expect("the reader thread does not panic");
            delivered.map(|_| RunSummary { stats, failed_inputs })
        })
    }

    fn score<T: Send>(&self, scanner: &Scanner, batch: Vec<Item>, prepare: &(dyn Fn(Scored) -> T + Sync)) -> Vec<T> {
        // Records go to the workers in groups of DOCUMENTS_TOGETHER, scored together (see
        // Scanner::scan_batch), and come back in input order.
        let groups: Vec<Vec<T>> = self.pool.install(|| {
            batch
                .into_par_iter()
                .chunks(DOCUMENTS_TOGETHER)
                .map(|items| {
                    let mut reports = scanner.scan_batch(items.iter().filter_map(|item| item.record.as_ref().ok().map(|r| (r.id.clone(), r.text.as_str())))).into_iter();
                    items
                        .into_iter()
                        .map(|item| {
                            let report = if item.record.is_ok() { reports.next() } else { None };
                            prepare(Scored { item, report })
                        })
                        .collect()
                })
                .collect()
        });
        // (into a vector of the right size: collecting the flattened groups grows it step by step,
        // copying the records each time)
        let mut scored = Vec::with_capacity(groups.iter().map(Vec::len).sum());
        groups.into_iter().for_each(|group| scored.extend(group));
        scored
    }
}

/// Reads `paths` into batches of at most `limits`, handing each to `hand_over` in input order; an input
/// that cannot be read is handed over as a failure after the records read before it. Stops when
/// `hand_over` fails (the run has stopped), and returns what was read.
fn read_batches(paths: &[String], opts: &ReadOptions, limits: BatchLimits, hand_over: &mut dyn FnMut(Message<Item>) -> Result<(), Error>) -> ReadStats {
    let mut stats = ReadStats::default();
    // (room for a batch of records from the start: a vector grown to it copies them twice over)
    let room = limits.records.min(BatchLimits::default().records);
    let mut batch: Vec<Item> = Vec::with_capacity(room);
    let mut text_bytes = 0usize;
    for path in paths {
        let read = input::read_path(path, opts, &mut |item| {
            text_bytes += item.record.as_ref().map_or(0, |r| r.text.len());
            batch.push(item);
            if batch.len() >= limits.records || text_bytes >= limits.text_bytes {
                text_bytes = 0;
                hand_over(Message::Batch(std::mem::replace(&mut batch, Vec::with_capacity(room))))?;
            }
            Ok(())
        });
        match read {
            Ok(s) => stats.add(&s),
            Err(Error::Closed) => return stats,
            Err(e) => {
                // Records read before the failure go first, then the failure, in order.
                let sent = hand_over(Message::Batch(std::mem::take(&mut batch))).and_then(|_| hand_over(Message::Failed(e)));
                text_bytes = 0;
                if sent.is_err() {
                    return stats;
                }
            }
        }
    }
    let _ = hand_over(Message::Batch(batch));
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputFormat;
    use crate::model::default_model;

    /// A pipeline on `jobs` workers with batches of `records` records, and the options to read lines.
    fn lines_pipeline(jobs: usize, records: usize) -> (Pipeline, ReadOptions) {
        let mut pipeline = Pipeline::new(jobs).unwrap();
        pipeline.limits = BatchLimits { records, text_bytes: 1 << 20 };
        (pipeline, ReadOptions { format: InputFormat::Lines, ..ReadOptions::default() })
    }

    /// Writes `text` to `name` in `dir`; its path.
    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    #[test]
    fn records_come_out_in_input_order_across_batches_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..40).map(|i| format!("Sentence number {i} is here.")).collect();
        let (a, b) = (write(&dir, "a.txt", &lines[..25].join("\n")), write(&dir, "b.txt", &lines[25..].join("\n")));
        let scanner = Scanner::new(default_model());
        let (pipeline, opts) = lines_pipeline(2, 3);
        let paths = [a, "/no/such/file".to_string(), b];
        let mut texts = Vec::new();
        let summary = pipeline
            .run(&scanner, &paths, &opts, &mut |s| {
                texts.push(s.item.record.unwrap().text);
                assert!(s.report.is_some());
                Ok(())
            })
            .unwrap();
        assert_eq!(texts, lines);
        assert_eq!(summary.failed_inputs.len(), 1);
        assert!(summary.failed_inputs[0].to_string().contains("/no/such/file"));
    }

    #[test]
    fn records_that_cannot_be_read_keep_their_place_within_a_group() {
        // Bad JSONL lines among good ones, more records than a group: every good record gets the report of
        // its own text, every bad one none, in input order.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let mut lines = Vec::new();
        for i in 0..(DOCUMENTS_TOGETHER * 3 + 5) {
            lines.push(if i % 7 == 3 { format!("{{not json {i}") } else { format!("{{\"id\": \"d{i}\", \"text\": \"Record {i} says the council met on day {i}.\"}}") });
        }
        std::fs::write(&path, lines.join("\n")).unwrap();
        let scanner = Scanner::new(default_model());
        let pipeline = Pipeline::new(2).unwrap();
        let opts = ReadOptions { format: InputFormat::Jsonl, ..ReadOptions::default() };
        let mut seen = Vec::new();
        pipeline
            .run(&scanner, &[path.to_str().unwrap().to_string()], &opts, &mut |s| {
                match (&s.item.record, &s.report) {
                    (Ok(record), Some(report)) => {
                        assert_eq!(report.id, record.id);
                        assert_eq!(report.sentences[0].text, record.text);
                        seen.push(Some(record.id.clone()));
                    }
                    (Err(_), None) => seen.push(None),
                    _ => panic!("a report for a record that could not be read, or none for one that could"),
                }
                Ok(())
            })
            .unwrap();
        let expected: Vec<Option<String>> = (0..lines.len()).map(|i| (i % 7 != 3).then(|| format!("d{i}"))).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn batches_done_out_of_order_are_delivered_in_input_order() {
        // One record a batch, long and short in turn on 2 workers: a short record's batch is done while the
        // long one before it is still scored, and still comes out after it.
        let dir = tempfile::tempdir().unwrap();
        let long = "The minister said that the talks would go on for another week. ".repeat(200);
        let lines: Vec<String> = (0..60).map(|i| if i % 2 == 0 { format!("{i} {long}") } else { format!("Line {i} is short.") }).collect();
        let path = write(&dir, "mixed.txt", &lines.join("\n"));
        let scanner = Scanner::new(default_model());
        let (pipeline, opts) = lines_pipeline(2, 1);
        let mut texts = Vec::new();
        pipeline
            .run(&scanner, &[path], &opts, &mut |s| {
                texts.push(s.item.record.unwrap().text);
                Ok(())
            })
            .unwrap();
        assert_eq!(texts, lines);
    }

    #[test]
    fn no_more_than_the_batches_in_flight_are_alive_while_the_sink_is_slow() {
        // Records are counted from when a worker has prepared them until the sink has them: a slow sink
        // must hold the workers back, not let scored batches pile up.
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "many.txt", &(0..300).map(|i| format!("Sentence number {i} is here.\n")).collect::<String>());
        let scanner = Scanner::new(default_model());
        let records = 3;
        let (pipeline, opts) = lines_pipeline(2, records);
        let (alive, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let prepare = |scored: Scored| {
            let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            scored
        };
        let mut delivered = 0;
        pipeline
            .run_prepared(&scanner, &[path], &opts, &prepare, &mut |_| {
                std::thread::sleep(std::time::Duration::from_micros(200));
                alive.fetch_sub(1, Ordering::SeqCst);
                delivered += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(delivered, 300);
        let most = most.load(Ordering::SeqCst);
        assert!(most <= BATCHES_IN_FLIGHT * records, "{most} records alive at once, more than {BATCHES_IN_FLIGHT} batches of {records}");
        assert!(most > records, "the workers never ran ahead of the sink ({most} records alive at most)");
    }

    #[test]
    fn a_failing_sink_stops_the_run_with_its_error() {
        // On 1 worker at the first record; on 2, with batches in flight, at the 25th.
        let dir = tempfile::tempdir().unwrap();
        let a = write(&dir, "a.txt", &"The council met on Monday.\n".repeat(5000));
        let scanner = Scanner::new(default_model());
        for (jobs, stop_at) in [(1, 1), (2, 25)] {
            let (pipeline, opts) = lines_pipeline(jobs, 10);
            let mut seen = 0;
            let err = pipeline
                .run(&scanner, std::slice::from_ref(&a), &opts, &mut |_| {
                    seen += 1;
                    if seen == stop_at {
                        return Err(Error::io("cannot write output", std::io::ErrorKind::BrokenPipe.into()));
                    }
                    Ok(())
                })
                .unwrap_err();
            assert!(err.to_string().contains("cannot write output"));
            assert_eq!(seen, stop_at, "{jobs} jobs");
        }
    }
}
