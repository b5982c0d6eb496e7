//! WARC files (ISO 28500, WARC/1.0 and 1.1, as written by crawlers and Common Crawl): the HTML pages in
//! them, one per `response` record.
//!
//! A record is a `WARC/1.x` version line, header lines, a blank line, a block of exactly `Content-Length`
//! bytes, and CRLF CRLF. A response record's block is an HTTP response: its status line and headers are
//! parsed, and a 2xx response whose Content-Type is HTML yields the page (de-chunked and decompressed as
//! its headers say, with the charset they declare). Every other record (warcinfo, request, metadata,
//! non-HTML or non-2xx responses) is skipped with a reason, and its block is read past without being kept,
//! so memory stays flat whatever the records hold. A record whose framing is broken is reported, and
//! reading resumes at the next version line.

use flate2::read::{MultiGzDecoder, ZlibDecoder};
use std::io::{self, BufRead, Read};

/// HTML payloads above this size are reported, not read.
pub const MAX_PAYLOAD: u64 = 32 << 20;
/// HTTP header blocks above this size are a broken record.
const MAX_HTTP_HEAD: u64 = 1 << 16;

/// What one WARC record holds for mtlint.
#[derive(Debug)]
pub enum WarcRecord {
    /// An HTML response: the target URI, the (de-chunked, decompressed) body, and the declared charset.
    Html { uri: String, body: Vec<u8>, charset: Option<String> },
    /// Not a page: why (e.g. "request record", "non-HTML response").
    Skipped(&'static str),
    /// A record that cannot be used, with the target URI where known.
    Bad { uri: Option<String>, message: String },
}

/// Reads WARC records one at a time.
pub struct WarcReader<R> {
    reader: R,
    /// After broken framing: skip lines up to the next version line.
    resync: bool,
}

struct Head {
    version_seen: bool,
    fields: Vec<(String, String)>,
}

impl Head {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl<R: BufRead> WarcReader<R> {
    pub fn new(reader: R) -> Self {
        WarcReader { reader, resync: false }
    }

    /// The next record, `None` at the end of the input. An `Err` is an I/O error (e.g. a truncated
    /// gzip member): the rest of the input cannot be read.
    pub fn next_record(&mut self) -> io::Result<Option<WarcRecord>> {
        let Some(head) = self.read_head()? else { return Ok(None) };
        let uri = head.get("WARC-Target-URI").map(|u| u.trim_start_matches('<').trim_end_matches('>').to_string());
        if !head.version_seen {
            self.resync = true;
            return Ok(Some(WarcRecord::Bad { uri, message: "expected a WARC/1.x version line".into() }));
        }
        let Some(length) = head.get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) else {
            self.resync = true;
            return Ok(Some(WarcRecord::Bad { uri, message: "missing or invalid Content-Length".into() }));
        };
        let mut block = (&mut self.reader).take(length);
        let record = Self::read_block(&head, uri, &mut block);
        // Whatever was not read of the block is skipped, so the next record starts where it should.
        io::copy(&mut block, &mut io::sink())?;
        if block.limit() > 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the last record is cut short"));
        }
        record
    }

    fn read_block(head: &Head, uri: Option<String>, block: &mut impl BufRead) -> io::Result<Option<WarcRecord>> {
        let kind = head.get("WARC-Type").unwrap_or("").trim().to_ascii_lowercase();
        let skipped = match kind.as_str() {
            "response" => None,
            "warcinfo" => Some("warcinfo record"),
            "request" => Some("request record"),
            "metadata" => Some("metadata record"),
            "resource" => Some("resource record"),
            "revisit" => Some("revisit record"),
            "conversion" => Some("conversion record"),
            _ => Some("record of another type"),
        };
        if let Some(reason) = skipped {
            return Ok(Some(WarcRecord::Skipped(reason)));
        }
        if !head.get("Content-Type").is_some_and(|c| c.to_ascii_lowercase().contains("application/http")) {
            return Ok(Some(WarcRecord::Skipped("response record without an HTTP message")));
        }
        let http = match read_http_head(block)? {
            Ok(http) => http,
            Err(message) => return Ok(Some(WarcRecord::Bad { uri, message })),
        };
        if !(200..300).contains(&http.status) {
            return Ok(Some(WarcRecord::Skipped("non-2xx HTTP response")));
        }
        let content_type = http.get("Content-Type").unwrap_or("").to_string();
        let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if mime != "text/html" && mime != "application/xhtml+xml" {
            return Ok(Some(WarcRecord::Skipped("non-HTML response")));
        }
        let Some(uri) = uri else {
            return Ok(Some(WarcRecord::Bad { uri: None, message: "response record without WARC-Target-URI".into() }));
        };
        let mut body = Vec::new();
        block.take(MAX_PAYLOAD + 1).read_to_end(&mut body)?;
        if body.len() as u64 > MAX_PAYLOAD {
            let message = format!("HTML payload larger than {} MiB", MAX_PAYLOAD >> 20);
            return Ok(Some(WarcRecord::Bad { uri: Some(uri), message }));
        }
        match decode_body(body, &http) {
            Ok(body) => {
                let charset = super::html::charset_param(&content_type).map(str::to_string);
                Ok(Some(WarcRecord::Html { uri, body, charset }))
            }
            Err(message) => Ok(Some(WarcRecord::Bad { uri: Some(uri), message })),
        }
    }

    /// Reads a record's version line and header lines; `None` at the end of the input.
    fn read_head(&mut self) -> io::Result<Option<Head>> {
        let mut line = Vec::new();
        // Blank lines between records (the CRLF CRLF after each block), and after broken framing
        // everything up to the next version line.
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            if line.starts_with(b"WARC/") {
                self.resync = false;
                break;
            }
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            if !blank && !self.resync {
                // A record that does not start with a version line: read its headers anyway, to report it.
                self.resync = true;
                return Ok(Some(Head { version_seen: false, fields: parse_field(&line).into_iter().collect() }));
            }
        }
        let mut fields: Vec<(String, String)> = Vec::new();
        loop {
            line.clear();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if line == b"\r\n" || line == b"\n" {
                break;
            }
            if line[0] == b' ' || line[0] == b'\t' {
                if let Some(last) = fields.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(String::from_utf8_lossy(&line).trim());
                }
                continue;
            }
            fields.extend(parse_field(&line));
        }
        Ok(Some(Head { version_seen: true, fields }))
    }
}

fn parse_field(line: &[u8]) -> Option<(String, String)> {
    let line = String::from_utf8_lossy(line);
    let (k, v) = line.split_once(':')?;
    Some((k.trim().to_string(), v.trim().to_string()))
}

struct HttpHead {
    status: u16,
    head: Head,
}

impl HttpHead {
    fn get(&self, name: &str) -> Option<&str> {
        self.head.get(name)
    }
}

/// Reads an HTTP response's status line and headers from the start of a block. The inner `Err` says
/// why the message is not HTTP.
fn read_http_head(block: &mut impl BufRead) -> io::Result<Result<HttpHead, String>> {
    let mut limited = block.take(MAX_HTTP_HEAD);
    let mut line = Vec::new();
    limited.read_until(b'\n', &mut line)?;
    let status_line = String::from_utf8_lossy(&line).trim().to_string();
    let mut parts = status_line.split_whitespace();
    let status = match (parts.next(), parts.next().and_then(|s| s.parse::<u16>().ok())) {
        (Some(v), Some(status)) if v.starts_with("HTTP/") => status,
        _ => return Ok(Err(format!("not an HTTP response (status line {:?})", truncate(&status_line, 60)))),
    };
    let mut fields = Vec::new();
    loop {
        line.clear();
        if limited.read_until(b'\n', &mut line)? == 0 {
            return Ok(Err("HTTP headers do not end (no blank line)".into()));
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        fields.extend(parse_field(&line));
    }
    Ok(Ok(HttpHead { status, head: Head { version_seen: true, fields } }))
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Undoes `Transfer-Encoding: chunked` and `Content-Encoding: gzip/deflate`.
fn decode_body(body: Vec<u8>, http: &HttpHead) -> Result<Vec<u8>, String> {
    let mut body = body;
    if http.get("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        body = dechunk(&body).ok_or("broken chunked transfer encoding")?;
    }
    match http.get("Content-Encoding").map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("identity") => Ok(body),
        Some("gzip") | Some("x-gzip") => inflate(MultiGzDecoder::new(body.as_slice())),
        Some("deflate") => inflate(ZlibDecoder::new(body.as_slice())),
        Some(other) => Err(format!("unsupported Content-Encoding {other:?}")),
    }
}

fn inflate(mut decoder: impl Read) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decoder.by_ref().take(MAX_PAYLOAD + 1).read_to_end(&mut out).map_err(|e| format!("cannot decompress the body: {e}"))?;
    if out.len() as u64 > MAX_PAYLOAD {
        return Err(format!("HTML payload larger than {} MiB", MAX_PAYLOAD >> 20));
    }
    Ok(out)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n")?;
        let size_field = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_field.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?.strip_prefix(b"\r\n")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<WarcRecord> {
        let mut reader = WarcReader::new(bytes);
        let mut out = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            out.push(r);
        }
        out
    }

    fn record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    #[test]
    fn the_gzipped_fixture_yields_its_html_responses_and_skips_the_rest() {
        let file = include_bytes!("../../tests/fixtures/crawl.warc.gz");
        let mut bytes = Vec::new();
        MultiGzDecoder::new(file.as_slice()).read_to_end(&mut bytes).unwrap();
        let records = all(&bytes);
        let pages: Vec<&str> = records.iter().filter_map(|r| match r { WarcRecord::Html { uri, .. } => Some(uri.as_str()), _ => None }).collect();
        assert_eq!(pages, ["https://news.example/mt-vaccine", "https://news.example/storm-power"]);
        let skipped: Vec<&str> = records.iter().filter_map(|r| match r { WarcRecord::Skipped(s) => Some(*s), _ => None }).collect();
        assert_eq!(skipped, ["warcinfo record", "request record", "request record", "request record", "non-HTML response", "metadata record"]);
        match &records[4] {
            WarcRecord::Html { charset, body, .. } => {
                assert_eq!(charset.as_deref(), Some("windows-1252"));
                assert!(body.windows(8).any(|w| w == b"open \x93as"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_decoded() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"<p>Hello there.</p>").unwrap();
        let gz = gz.finish().unwrap();
        let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        http.extend_from_slice(format!("{:x}\r\n", gz.len()).as_bytes());
        http.extend_from_slice(&gz);
        http.extend_from_slice(b"\r\n0\r\n\r\n");
        let records = all(&record("response", "https://a.example/", "application/http; msgtype=response", &http));
        match &records[0] {
            WarcRecord::Html { body, .. } => assert_eq!(body, b"<p>Hello there.</p>"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_framing_is_reported_and_reading_resumes_at_the_next_record() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Fine.</p>";
        let mut data = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/broken\r\n\r\ngarbage without length\r\n\r\n".to_vec();
        data.extend(record("response", "https://a.example/ok", "application/http; msgtype=response", ok));
        data.extend(record("response", "https://a.example/redirect", "application/http", b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"));
        data.extend(record("response", "https://a.example/nothttp", "application/http", b"hello\r\n\r\n"));
        let records = all(&data);
        assert!(matches!(&records[0], WarcRecord::Bad { message, .. } if message.contains("Content-Length")), "{records:?}");
        assert!(matches!(&records[1], WarcRecord::Html { uri, .. } if uri == "https://a.example/ok"), "{records:?}");
        assert!(matches!(&records[2], WarcRecord::Skipped("non-2xx HTTP response")));
        assert!(matches!(&records[3], WarcRecord::Bad { message, .. } if message.contains("not an HTTP response")));
        assert_eq!(records.len(), 4);
    }

    #[test]
    fn a_truncated_last_record_is_an_io_error() {
        let mut data = record("response", "https://a.example/", "application/http", b"HTTP/1.1 200 OK\r\n\r\nbody");
        data.truncate(data.len() - 8);
        let mut reader = WarcReader::new(data.as_slice());
        assert_eq!(reader.next_record().unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
