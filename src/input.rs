//! Reading documents from what scrapers and corpus pipelines carry: plain text (a file is one document),
//! lines (a line is one), JSONL (an object per line), HTML pages (the article text), RSS and Atom feeds (an
//! item is one) and WARC files (an HTML response is one); from files, directories or standard input, plain,
//! gzip or zstd. The format is decided by extension, then by content ([`InputFormat::Auto`]).
//!
//! Records stream one at a time through a callback, so memory does not grow with the input (a feed, a
//! text file or an HTML page is read whole: each is one page). A record that cannot be read is handed
//! over in its place, with where it was and why, so that nothing is silently dropped. With
//! [`ReadOptions::keep_raw`] each record also carries its original bytes, for the gate.

pub mod feed;
pub mod html;
pub mod open;
pub mod walk;
pub mod warc;

use crate::error::Error;
pub use open::{display_name, open};
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How to cut an input into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Decide by extension (after `.gz`/`.zst`): `.jsonl`/`.ndjson` JSONL, `.html`/`.htm`/`.xhtml` HTML,
    /// `.rss`/`.atom` feed, `.warc` WARC, `.txt` text; `.xml` and anything else by the first bytes
    /// (`WARC/`, `{`, an `<rss>`/`<feed>`/`<rdf:RDF>` root, other markup is HTML); else text.
    Auto,
    /// A file is one document.
    Text,
    /// A line is one document.
    Lines,
    /// A JSON object per line.
    Jsonl,
    /// A file is one web page; its article text is the document.
    Html,
    /// An RSS or Atom feed; an item is one document.
    Feed,
    /// A WARC file; an HTML response record is one document.
    Warc,
}

impl InputFormat {
    /// Whether each record of this format has bytes of its own that can be passed on unchanged.
    pub fn has_raw_records(self) -> bool {
        !matches!(self, InputFormat::Feed | InputFormat::Warc)
    }
}

/// JSONL field names.
#[derive(Debug, Clone)]
pub struct JsonFields {
    pub text: String,
    pub id: String,
}

impl Default for JsonFields {
    fn default() -> Self {
        JsonFields { text: "text".into(), id: "id".into() }
    }
}

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub format: InputFormat,
    pub fields: JsonFields,
    /// Keep each record's original bytes in [`Item::raw`]. Feeds and WARC files are refused then:
    /// their items have no bytes of their own.
    pub keep_raw: bool,
    /// Counts the bytes read from the files as stored (compressed), for a progress bar.
    pub bytes_read: Option<Arc<AtomicU64>>,
    /// A document with more bytes of text is handed on as an unreadable record; 0 = no limit.
    pub max_doc_bytes: usize,
}

/// The default `max_doc_bytes`: 4 MiB of text, far above any news article; scoring holds about 40 bytes
/// per token, so this bounds a document's working memory to a few hundred MB.
pub const DEFAULT_MAX_DOC_BYTES: usize = 4 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::Auto,
            fields: JsonFields::default(),
            keep_raw: false,
            bytes_read: None,
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

/// One input document.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord {
    pub id: String,
    pub text: String,
}

/// One input record as read: where it was, its original bytes if asked for, and the document or the
/// reason it cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `FILE:LINE` (lines, JSONL), `FILE` (text, HTML), `FILE#itemN` (feeds), `FILE#recordN` (WARC).
    pub location: String,
    /// The line number, for lines and JSONL.
    pub line: Option<usize>,
    /// The original bytes (with [`ReadOptions::keep_raw`]): the line with its line ending, or the file.
    pub raw: Option<Vec<u8>>,
    pub record: Result<InputRecord, String>,
}

/// What was passed over while reading, by reason (e.g. WARC request records).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadStats {
    pub skipped: BTreeMap<&'static str, usize>,
}

impl ReadStats {
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    pub fn add(&mut self, other: &ReadStats) {
        for (reason, n) in &other.skipped {
            *self.skipped.entry(reason).or_default() += n;
        }
    }
}

/// Receives records in input order; an error (e.g. the output is closed) stops the reading.
pub type Sink<'a> = dyn FnMut(Item) -> Result<(), Error> + 'a;

/// The format of `path`: `format` unless it is [`InputFormat::Auto`], else by extension, else by the
/// first bytes of `reader`.
pub fn resolve(format: InputFormat, path: &str, reader: &mut dyn BufRead) -> InputFormat {
    if format != InputFormat::Auto {
        return format;
    }
    let name = open::plain_name(path);
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "jsonl" | "ndjson" => return InputFormat::Jsonl,
        "html" | "htm" | "xhtml" => return InputFormat::Html,
        "rss" | "atom" => return InputFormat::Feed,
        "warc" => return InputFormat::Warc,
        "txt" => return InputFormat::Text,
        _ => {}
    }
    let Ok(head) = reader.fill_buf() else { return InputFormat::Text };
    let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        InputFormat::Warc
    } else if head.starts_with(b"{") {
        InputFormat::Jsonl
    } else if head.starts_with(b"<") {
        let lower = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
        if ["<rss", "<feed", "<rdf:rdf"].iter().any(|root| lower.contains(root)) {
            InputFormat::Feed
        } else {
            InputFormat::Html
        }
    } else {
        InputFormat::Text
    }
}

/// Reads every record of `path` into `sink`. Returns an error when the file cannot be opened or read at
/// all, or when `sink` fails; record-level problems go to `sink` in their place.
pub fn read_path(path: &str, opts: &ReadOptions, sink: &mut Sink) -> Result<ReadStats, Error> {
    // Every record passes the size limit on its way out.
    let limit = opts.max_doc_bytes;
    let sink = &mut |mut item: Item| {
        if let Ok(r) = &item.record {
            if limit > 0 && r.text.len() > limit {
                item.record = Err(format!(
                    "document of {} bytes is larger than --max-doc-bytes {limit}: not scored (raise the limit to score it)",
                    r.text.len()
                ));
            }
        }
        sink(item)
    };
    let mut reader = open(path, opts.bytes_read.as_ref())?;
    let name = display_name(path);
    let format = resolve(opts.format, path, reader.as_mut());
    if opts.keep_raw && !format.has_raw_records() {
        return Err(Error::Unsupported(format!(
            "{name}: the items of a feed or WARC file have no bytes of their own to pass on; \
             convert it to JSONL first (mtlint extract {name})"
        )));
    }
    let mut stats = ReadStats::default();
    match format {
        InputFormat::Text | InputFormat::Auto | InputFormat::Html => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| Error::io(format!("cannot read {name}"), e))?;
            let id = name.to_string();
            let record = if format == InputFormat::Html {
                let text = html::article_text(&html::decode(&bytes, None));
                if text.is_empty() {
                    Err("no article text found in the page".to_string())
                } else {
                    Ok(InputRecord { id, text })
                }
            } else {
                decode(&bytes).map(|text| InputRecord { id, text })
            };
            let raw = opts.keep_raw.then_some(bytes);
            sink(Item { location: name.to_string(), line: None, raw, record })?;
        }
        InputFormat::Lines => for_each_line(reader, name, &mut |line_no, raw| {
            let location = line_location(name, line_no);
            let record = decode(strip_eol(raw)).map(|text| InputRecord { id: location.clone(), text });
            sink(line_item(location, line_no, raw, opts.keep_raw, record))
        })?,
        InputFormat::Jsonl => for_each_line(reader, name, &mut |line_no, raw| {
            let location = line_location(name, line_no);
            let record = decode(strip_eol(raw)).and_then(|l| {
                if l.trim().is_empty() {
                    return Err("blank line".into());
                }
                parse_json_record(&l, &opts.fields, &location)
            });
            sink(line_item(location, line_no, raw, opts.keep_raw, record))
        })?,
        InputFormat::Feed => {
            let items = feed::read_feed(reader).map_err(|message| Error::Record { location: name.to_string(), message })?;
            for (i, item) in items.into_iter().enumerate() {
                let location = format!("{name}#item{}", i + 1);
                let id = item.id.unwrap_or_else(|| location.clone());
                let record = item.text.map(|text| InputRecord { id, text });
                sink(Item { location, line: None, raw: None, record })?;
            }
        }
        InputFormat::Warc => {
            let mut records = warc::WarcReader::new(reader);
            let mut number = 0usize;
            loop {
                let next = records.next_record().map_err(|e| Error::io(format!("{name}#record{}", number + 1), e))?;
                let Some(record) = next else { break };
                number += 1;
                let location = format!("{name}#record{number}");
                let record = match record {
                    warc::WarcRecord::Skipped(reason) => {
                        *stats.skipped.entry(reason).or_default() += 1;
                        continue;
                    }
                    warc::WarcRecord::Bad { uri, message } => Err(uri.map_or(message.clone(), |u| format!("{u}: {message}"))),
                    warc::WarcRecord::Html { uri, body, charset } => {
                        let text = html::article_text(&html::decode(&body, charset.as_deref()));
                        if text.is_empty() {
                            Err(format!("{uri}: no article text found in the page"))
                        } else {
                            Ok(InputRecord { id: uri, text })
                        }
                    }
                };
                sink(Item { location, line: None, raw: None, record })?;
            }
        }
    }
    Ok(stats)
}

fn line_item(location: String, line_no: usize, raw: &[u8], keep_raw: bool, record: Result<InputRecord, String>) -> Item {
    Item { location, line: Some(line_no), raw: keep_raw.then(|| raw.to_vec()), record }
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && (line[end - 1] == b'\n' || line[end - 1] == b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// `format!("{name}:{line_no}")`, without the formatting machinery (it is made for every line).
fn line_location(name: &str, line_no: usize) -> String {
    let mut digits = [0u8; 20];
    let (mut i, mut n) = (digits.len(), line_no);
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut location = String::with_capacity(name.len() + 1 + digits.len() - i);
    location.push_str(name);
    location.push(':');
    location.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
    location
}

fn decode(bytes: &[u8]) -> Result<String, String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| format!("not valid UTF-8 (at byte {})", e.valid_up_to()))
}

/// What [`for_each_line`] calls with each line's number and bytes.
type LineFn<'a> = dyn FnMut(usize, &[u8]) -> Result<(), Error> + 'a;

/// Calls `f` with each line's number and bytes, line ending included (read into one buffer, reused).
fn for_each_line(mut reader: Box<dyn BufRead>, name: &str, f: &mut LineFn) -> Result<(), Error> {
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| Error::io(format!("{name}:{}", line_no + 1), e))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        f(line_no, &buf)?;
    }
}

/// Parses one JSONL line into a record; `location` is its id when it has none.
pub fn parse_json_record(line: &str, fields: &JsonFields, location: &str) -> Result<InputRecord, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("malformed JSON: {e}"))?;
    let obj = value.as_object().ok_or("not a JSON object")?;
    let text = match obj.get(&fields.text) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(format!("field \"{}\" is not a string", fields.text)),
        None => return Err(format!("missing text field \"{}\"", fields.text)),
    };
    let id = match obj.get(&fields.id) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => location.to_string(),
        Some(other) => other.to_string(),
    };
    Ok(InputRecord { id, text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::Write;

    fn read(path: &str, format: InputFormat, keep_raw: bool) -> (Vec<Item>, ReadStats) {
        let mut out = Vec::new();
        let opts = ReadOptions { format, keep_raw, ..ReadOptions::default() };
        let stats = read_path(path, &opts, &mut |i| {
            out.push(i);
            Ok(())
        })
        .unwrap();
        (out, stats)
    }

    fn collect(path: &str, format: InputFormat) -> Vec<Result<InputRecord, String>> {
        read(path, format, false).0.into_iter().map(|i| i.record).collect()
    }

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn jsonl_records_keep_order_and_report_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"text\":\"Two.\"}\n{\"id\":7,\"text\":3}\n").unwrap();
        let p = path.to_str().unwrap();
        let (items, _) = read(p, InputFormat::Auto, false);
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].record.as_ref().unwrap().id, "a");
        assert_eq!(items[1].location, format!("{p}:2"));
        assert_eq!(items[1].line, Some(2));
        assert!(items[1].record.as_ref().unwrap_err().contains("malformed JSON"));
        assert_eq!(items[2].record.as_ref().unwrap().id, format!("{p}:3"));
        assert!(items[3].record.as_ref().unwrap_err().contains("not a string"));
    }

    #[test]
    fn raw_lines_keep_their_bytes_and_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        let lines: [&[u8]; 3] = [b"{\"text\": \"A.\"}\r\n", b"\xff broken\n", b"{\"text\":\"last, no newline\"}"];
        std::fs::write(&path, lines.concat()).unwrap();
        let (items, _) = read(path.to_str().unwrap(), InputFormat::Auto, true);
        let raws: Vec<&[u8]> = items.iter().map(|i| i.raw.as_deref().unwrap()).collect();
        assert_eq!(raws, lines);
        assert!(items[1].record.as_ref().unwrap_err().contains("UTF-8"));
        let (items, _) = read(path.to_str().unwrap(), InputFormat::Auto, false);
        assert!(items.iter().all(|i| i.raw.is_none()));
    }

    #[test]
    fn gzip_lines_are_read_transparently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt.gz");
        let mut gz = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::fast());
        gz.write_all(b"first line\nsecond line\n").unwrap();
        gz.finish().unwrap();
        let texts: Vec<_> = collect(path.to_str().unwrap(), InputFormat::Lines).into_iter().map(|i| i.unwrap().text).collect();
        assert_eq!(texts, vec!["first line", "second line"]);
    }

    #[test]
    fn line_locations_are_formatted() {
        for n in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            assert_eq!(line_location("a/b.txt", n), format!("a/b.txt:{n}"));
        }
        assert_eq!(line_location("", 7), ":7");
    }

    #[test]
    fn text_file_is_one_document_and_invalid_utf8_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("a.txt");
        std::fs::write(&good, "Line one.\nLine two.\n").unwrap();
        assert_eq!(collect(good.to_str().unwrap(), InputFormat::Auto).len(), 1);
        let bad = dir.path().join("b.txt");
        std::fs::write(&bad, b"ok \xff\xfe bad").unwrap();
        assert!(collect(bad.to_str().unwrap(), InputFormat::Text)[0].as_ref().unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn formats_are_detected_by_extension_then_content() {
        let cases: [(&str, &[u8], InputFormat); 9] = [
            ("a.jsonl.gz", b"x", InputFormat::Jsonl),
            ("page.HTM", b"x", InputFormat::Html),
            ("news.atom", b"x", InputFormat::Feed),
            ("crawl.warc.zst", b"x", InputFormat::Warc),
            ("notes.txt", b"{not json}", InputFormat::Text),
            ("feed.xml", b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">", InputFormat::Feed),
            ("-", b"\xef\xbb\xbf  {\"text\": 1}", InputFormat::Jsonl),
            ("CC-MAIN-0001", b"WARC/1.0\r\n", InputFormat::Warc),
            ("index", b"<!DOCTYPE html><html>", InputFormat::Html),
        ];
        for (path, head, expected) in cases {
            assert_eq!(resolve(InputFormat::Auto, path, &mut &head[..]), expected, "{path}");
        }
        assert_eq!(resolve(InputFormat::Lines, "a.jsonl", &mut &b"{"[..]), InputFormat::Lines, "an explicit format wins");
    }

    #[test]
    fn html_feed_and_warc_files_yield_their_documents() {
        let page = collect(&fixture("page.html"), InputFormat::Auto);
        let text = &page[0].as_ref().unwrap().text;
        assert!(text.starts_with("Hackers sought vaccine data\n\nNorth Korea trató"), "{text}");
        let items = collect(&fixture("feed.rss"), InputFormat::Auto);
        assert_eq!(items.len(), 3);
        let (records, stats) = read(&fixture("crawl.warc.gz"), InputFormat::Auto, false);
        let ids: Vec<_> = records.iter().map(|r| r.record.as_ref().unwrap().id.as_str()).collect();
        assert_eq!(ids, ["https://news.example/mt-vaccine", "https://news.example/storm-power"]);
        assert_eq!(records[1].location, format!("{}#record5", fixture("crawl.warc.gz")));
        assert!(records[1].record.as_ref().unwrap().text.contains("stay open “as long as they are needed,” the county’s"), "charset decoded");
        assert_eq!(stats.skipped_total(), 6);
        assert_eq!(stats.skipped["request record"], 3);
    }

    #[test]
    fn feeds_and_warc_files_are_refused_when_raw_records_are_needed() {
        let opts = ReadOptions { keep_raw: true, ..ReadOptions::default() };
        let err = read_path(&fixture("feed.atom"), &opts, &mut |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)) && err.to_string().contains("mtlint extract"), "{err}");
    }

    #[test]
    fn a_failing_sink_stops_the_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt");
        std::fs::write(&path, "a\nb\nc\n").unwrap();
        let mut seen = 0;
        let opts = ReadOptions { format: InputFormat::Lines, ..ReadOptions::default() };
        let err = read_path(path.to_str().unwrap(), &opts, &mut |_| {
            seen += 1;
            Err(Error::io("cannot write output", std::io::ErrorKind::BrokenPipe.into()))
        });
        assert!(err.is_err());
        assert_eq!(seen, 1);
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let err = read_path("/nonexistent/x.txt", &ReadOptions::default(), &mut |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.txt"));
    }
}
