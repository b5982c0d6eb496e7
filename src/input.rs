//! Reading documents: plain text (a file is one document), lines (a line is one document) and JSONL (an
//! object per line), from files or standard input, gzip-compressed or not.
//!
//! Records stream one at a time through a callback, so memory does not grow with the input. A record that
//! cannot be read is handed to the callback as a [`RecordError`] naming its file and line, in its place in
//! the input order, so that nothing is silently dropped.

use crate::error::Error;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// How to cut an input into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Decide by file extension (`.jsonl`/`.ndjson` -> JSONL, else text); on stdin, by the first byte.
    Auto,
    Text,
    Lines,
    Jsonl,
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

/// One input document.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord {
    pub id: String,
    pub text: String,
}

/// An input record that could not be read, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// `FILE:LINE` (or `FILE` for a whole-file document).
    pub location: String,
    pub message: String,
}

/// What the reader hands over for each record.
pub type Item = Result<InputRecord, RecordError>;

/// The display name of an input path ("-" is standard input).
fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

/// Opens `path` (or stdin for "-"), decompressing gzip when the data starts with the gzip magic bytes.
pub fn open(path: &str) -> Result<Box<dyn BufRead>, Error> {
    let raw: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(format!("cannot open {path}"), e))?)
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let head = reader.fill_buf().map_err(|e| Error::io(format!("cannot read {}", display_name(path)), e))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}

fn resolve(format: InputFormat, path: &str, reader: &mut dyn BufRead) -> InputFormat {
    if format != InputFormat::Auto {
        return format;
    }
    let name = path.strip_suffix(".gz").unwrap_or(path).to_ascii_lowercase();
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        return InputFormat::Jsonl;
    }
    if path == "-" {
        if let Ok(head) = reader.fill_buf() {
            if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
                return InputFormat::Jsonl;
            }
        }
    }
    InputFormat::Text
}

/// Reads every record of `path` into `sink`. Returns an error only when the file cannot be opened or
/// read at all; record-level problems go to `sink` as [`RecordError`]s.
pub fn read_path(path: &str, format: InputFormat, fields: &JsonFields, sink: &mut dyn FnMut(Item)) -> Result<(), Error> {
    let mut reader = open(path)?;
    let name = display_name(path);
    match resolve(format, path, reader.as_mut()) {
        InputFormat::Text | InputFormat::Auto => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| Error::io(format!("cannot read {name}"), e))?;
            let id = if path == "-" { "<stdin>".to_string() } else { path.to_string() };
            sink(decode(bytes, name).map(|text| InputRecord { id, text }));
        }
        InputFormat::Lines => for_each_line(reader, name, &mut |line_no, line| {
            sink(line.map(|text| InputRecord { id: format!("{name}:{line_no}"), text }));
        })?,
        InputFormat::Jsonl => for_each_line(reader, name, &mut |line_no, line| {
            let item = line.and_then(|l| {
                if l.trim().is_empty() {
                    return Err(RecordError { location: format!("{name}:{line_no}"), message: "blank line".into() });
                }
                parse_json_record(&l, fields, &format!("{name}:{line_no}"))
            });
            sink(item);
        })?,
    }
    Ok(())
}

fn decode(bytes: Vec<u8>, location: &str) -> Result<String, RecordError> {
    String::from_utf8(bytes).map_err(|e| RecordError {
        location: location.to_string(),
        message: format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
    })
}

fn for_each_line(mut reader: Box<dyn BufRead>, name: &str, f: &mut dyn FnMut(usize, Result<String, RecordError>)) -> Result<(), Error> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| Error::io(format!("{name}:{}", line_no + 1), e))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        let location = format!("{name}:{line_no}");
        f(line_no, decode(std::mem::take(&mut buf), &location));
    }
}

/// Parses one JSONL line into a record.
pub fn parse_json_record(line: &str, fields: &JsonFields, location: &str) -> Result<InputRecord, RecordError> {
    let err = |message: String| RecordError { location: location.to_string(), message };
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| err(format!("malformed JSON: {e}")))?;
    let obj = value.as_object().ok_or_else(|| err("not a JSON object".into()))?;
    let text = match obj.get(&fields.text) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(err(format!("field \"{}\" is not a string", fields.text))),
        None => return Err(err(format!("missing text field \"{}\"", fields.text))),
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
    use std::io::Write;

    fn collect(path: &str, format: InputFormat) -> Vec<Item> {
        let mut out = Vec::new();
        read_path(path, format, &JsonFields::default(), &mut |i| out.push(i)).unwrap();
        out
    }

    #[test]
    fn jsonl_records_keep_order_and_report_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"text\":\"Two.\"}\n{\"id\":7,\"text\":3}\n").unwrap();
        let p = path.to_str().unwrap();
        let items = collect(p, InputFormat::Auto);
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap().id, "a");
        assert_eq!(items[1].as_ref().unwrap_err().location, format!("{p}:2"));
        assert_eq!(items[2].as_ref().unwrap().id, format!("{p}:3"));
        assert!(items[3].as_ref().unwrap_err().message.contains("not a string"));
    }

    #[test]
    fn gzip_lines_are_read_transparently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt.gz");
        let mut gz = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::fast());
        gz.write_all(b"first line\nsecond line\n").unwrap();
        gz.finish().unwrap();
        let items = collect(path.to_str().unwrap(), InputFormat::Lines);
        let texts: Vec<_> = items.into_iter().map(|i| i.unwrap().text).collect();
        assert_eq!(texts, vec!["first line", "second line"]);
    }

    #[test]
    fn text_file_is_one_document_and_invalid_utf8_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("a.txt");
        std::fs::write(&good, "Line one.\nLine two.\n").unwrap();
        let items = collect(good.to_str().unwrap(), InputFormat::Auto);
        assert_eq!(items.len(), 1);
        let bad = dir.path().join("b.txt");
        std::fs::write(&bad, b"ok \xff\xfe bad").unwrap();
        let items = collect(bad.to_str().unwrap(), InputFormat::Text);
        assert!(items[0].as_ref().unwrap_err().message.contains("UTF-8"));
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let err = read_path("/nonexistent/x.txt", InputFormat::Auto, &JsonFields::default(), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.txt"));
    }
}
