//! `mtlint scan`, `mtlint gate` and `mtlint extract`: inputs through the library's reader and scoring
//! pipeline to the chosen writer, with unreadable records and inputs reported on standard error.

use super::progress::Progress;
use anyhow::{Context, Result};
use mtlint::gate::Gate;
use mtlint::input::walk::Expanded;
use mtlint::input::{self, ReadOptions};
use mtlint::output::{self, attributes, html, tsv, Kept, TextOptions};
use mtlint::pipeline::{Pipeline, RunSummary, Scored};
use mtlint::scan::Scanner;
use mtlint::Error;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// What `scan` writes.
pub enum ScanFormat {
    Text(TextOptions),
    Jsonl,
    Tsv,
    Attributes,
    Html,
}

/// Where the inputs come from and how they are read.
pub struct Inputs {
    pub files: Vec<String>,
    pub read: ReadOptions,
    pub jobs: usize,
    /// Stop at the first unreadable record (after it has been reported in its place).
    pub strict: bool,
}

impl Inputs {
    /// The files to read (standard input when none is given) and the directories that could not be listed.
    fn files(&self) -> Expanded {
        let files = if self.files.is_empty() { vec!["-".to_string()] } else { self.files.clone() };
        input::walk::expand(&files)
    }
}

fn write_error(e: io::Error) -> Error {
    Error::io("cannot write output", e)
}

/// Reports what the run could not read or passed over; true when an input could not be read.
fn report_summary(command: &str, summary: &RunSummary) -> bool {
    for e in &summary.failed_inputs {
        eprintln!("mtlint: {e}");
    }
    if summary.stats.skipped_total() > 0 {
        let reasons: Vec<String> = summary.stats.skipped.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
        eprintln!("mtlint {command}: skipped {} records that are not HTML pages: {}", summary.stats.skipped_total(), reasons.join(", "));
    }
    !summary.failed_inputs.is_empty()
}

/// A scored record as the sink gets it: its output line already rendered, when the format streams and
/// the record could be read.
struct Prepared {
    scored: Scored,
    line: Option<Vec<u8>>,
}

/// Runs the pipeline over the inputs with a progress bar, handing each record to `sink`.
fn run(scanner: &Scanner, inputs: &Inputs, sink: &mut dyn FnMut(Scored) -> Result<(), Error>) -> Result<RunSummary> {
    run_prepared(scanner, inputs, &|scored| Prepared { scored, line: None }, &mut |p| sink(p.scored))
}

/// [`run`], with each record passed through `prepare` on the worker thread that scored it.
fn run_prepared(
    scanner: &Scanner,
    inputs: &Inputs,
    prepare: &(dyn Fn(Scored) -> Prepared + Sync),
    sink: &mut dyn FnMut(Prepared) -> Result<(), Error>,
) -> Result<RunSummary> {
    let Expanded { files, errors: unlisted } = inputs.files();
    let progress = Progress::new(&files);
    let read = ReadOptions { bytes_read: progress.counter(), ..inputs.read.clone() };
    let pipeline = Pipeline::new(inputs.jobs)?;
    let mut records = 0usize;
    let result = pipeline.run_prepared(scanner, &files, &read, prepare, &mut |prepared| {
        records += 1;
        progress.update(records);
        let item = &prepared.scored.item;
        let stop = match (&item.record, inputs.strict) {
            (Err(message), true) => Some(Error::Record { location: item.location.clone(), message: format!("{message} (--strict: stopped here)") }),
            _ => None,
        };
        sink(prepared)?;
        stop.map_or(Ok(()), Err)
    });
    progress.finish();
    // What could not be listed is reported with the inputs that could not be read, first.
    let mut summary = result?;
    summary.failed_inputs.splice(0..0, unlisted);
    Ok(summary)
}

/// The output line of a readable record in a streaming format, rendered where it was scored.
fn render_line(format: &ScanFormat, scored: &Scored) -> Option<Vec<u8>> {
    let (Ok(record), Some(report)) = (&scored.item.record, &scored.report) else { return None };
    let mut line = Vec::new();
    match format {
        // (the JSON line is rendered in a vector of its own: no copy)
        ScanFormat::Jsonl => return Some(output::jsonl_line(report)),
        ScanFormat::Tsv => tsv::write_row(&mut line, report),
        ScanFormat::Attributes => attributes::write_attributes(&mut line, report, &record.text),
        ScanFormat::Text(_) | ScanFormat::Html => return None,
    }
    .expect("writing to memory does not fail");
    Some(line)
}

/// Bytes of output held before each write call: about a batch of JSON lines (the pipeline hands output
/// over a batch at a time anyway), so that a scan makes a write call per batch instead of per 8 KiB (the
/// default): about 4,500 calls fewer per 100,000 news lines.
const OUTPUT_BUFFER: usize = 128 << 10;

/// `out`, buffered for a stream of output lines.
pub fn buffered<W: Write>(out: W) -> BufWriter<W> {
    BufWriter::with_capacity(OUTPUT_BUFFER, out)
}

pub fn scan(scanner: &Scanner, inputs: &Inputs, format: ScanFormat, out: &mut dyn Write) -> Result<ExitCode> {
    let mut kept: Vec<Kept> = Vec::new();
    let mut unreadable = false;
    let prepare = |scored: Scored| {
        let line = render_line(&format, &scored);
        // A rendered record's report is not needed any more.
        let scored = if line.is_some() { Scored { report: None, ..scored } } else { scored };
        Prepared { scored, line }
    };
    let summary = run_prepared(scanner, inputs, &prepare, &mut |Prepared { scored: Scored { item, report }, line }| {
        if let Some(line) = line {
            return out.write_all(&line).map_err(write_error);
        }
        let (record, report) = match (item.record, report) {
            (Ok(record), Some(report)) => (record, report),
            (record, _) => {
                let message = record.err().unwrap_or_default();
                unreadable = true;
                eprintln!("mtlint: {}: {message}", item.location);
                let location = item.location.as_str();
                return match format {
                    ScanFormat::Jsonl => output::write_jsonl_error(out, location, &message),
                    ScanFormat::Tsv => tsv::write_error_row(out, location, &message),
                    ScanFormat::Attributes => attributes::write_error(out, location, &message),
                    ScanFormat::Text(_) | ScanFormat::Html => Ok(()),
                }
                .map_err(write_error);
            }
        };
        match &format {
            ScanFormat::Jsonl => output::write_jsonl(out, &report),
            ScanFormat::Tsv => tsv::write_row(out, &report),
            ScanFormat::Attributes => attributes::write_attributes(out, &report, &record.text),
            ScanFormat::Text(opt) => {
                kept.push(Kept::for_text_report(report, opt));
                Ok(())
            }
            ScanFormat::Html => {
                kept.push(Kept::new(report, Some(record.text), html::highlighted));
                Ok(())
            }
        }
        .map_err(write_error)
    })?;
    let failed = report_summary("scan", &summary);
    match format {
        ScanFormat::Text(opt) => output::write_text_report(out, &kept, opt).context("cannot write output")?,
        ScanFormat::Html => html::write_html_report(out, &kept, scanner.threshold).context("cannot write output")?,
        _ => {}
    }
    out.flush().context("cannot write output")?;
    Ok(if failed || unreadable { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

pub fn gate(scanner: &Scanner, inputs: &Inputs, rejects_path: &str, max_reject_rate: Option<f64>) -> Result<ExitCode> {
    let rejects = File::create(rejects_path).with_context(|| format!("cannot create {rejects_path}"))?;
    let stdout = io::stdout();
    let mut gate = Gate::new(scanner.threshold, buffered(stdout.lock()), buffered(rejects), rejects_path);
    let inputs = Inputs {
        read: ReadOptions { keep_raw: true, ..inputs.read.clone() },
        files: inputs.files.clone(),
        jobs: inputs.jobs,
        strict: inputs.strict,
    };
    let result = run(scanner, &inputs, &mut |scored| gate.handle(scored));
    let counts = gate.counts();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) if is_broken_pipe(&e) => {
            // A reader that stops early (`| head`) is not an error; what was read is accounted for.
            gate.finish().ok();
            eprintln!("mtlint gate: standard output closed; stopped after {}", counts.summary(scanner.threshold));
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(e),
    };
    let counts = gate.finish()?;
    let failed_inputs = report_summary("gate", &summary);
    eprintln!("mtlint gate: {}", counts.summary(scanner.threshold));
    Ok(if failed_inputs {
        ExitCode::from(2)
    } else if counts.failed(max_reject_rate) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `{"id", "text"}` per readable record (`{"id", "error"}` for the others), in input order: the
/// text mtlint scores, as JSONL that `scan` and `gate` read.
pub fn extract(inputs: &Inputs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut stats = input::ReadStats::default();
    let mut failed = false;
    let mut write_failure: Option<io::Error> = None;
    let Expanded { files, errors: unlisted } = inputs.files();
    for e in &unlisted {
        failed = true;
        eprintln!("mtlint: {e}");
    }
    for path in files {
        let read = input::read_path(&path, &inputs.read, &mut |item| {
            let line = match &item.record {
                Ok(r) => serde_json::json!({"id": r.id, "text": r.text}),
                Err(message) => {
                    failed = true;
                    eprintln!("mtlint: {}: {message}", item.location);
                    serde_json::json!({"id": item.location, "error": message})
                }
            };
            let written = serde_json::to_writer(&mut *out, &line).map_err(io::Error::from).and_then(|_| out.write_all(b"\n"));
            written.map_err(|e| {
                write_failure = Some(e);
                Error::Closed
            })
        });
        if let Some(e) = write_failure.take() {
            return Err(anyhow::Error::new(e).context("cannot write output"));
        }
        match read {
            Ok(s) => stats.add(&s),
            Err(e) => {
                failed = true;
                eprintln!("mtlint: {e}");
            }
        }
    }
    report_summary("extract", &RunSummary { stats, failed_inputs: Vec::new() });
    out.flush().context("cannot write output")?;
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Whether an error chain ends in a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}
