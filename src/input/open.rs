//! Opening an input: a file or standard input, decompressed when its first bytes are the gzip or zstd magic
//! numbers (so a compressed file is read right whatever its name). Gzip is read as a sequence of members,
//! which is how `.warc.gz` files and concatenated shards are written. The bytes taken from the file itself
//! (before decompression) can be counted, for a progress bar.

use crate::error::Error;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const BUFFER: usize = 1 << 16;
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// The display name of an input path ("-" is standard input).
pub fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

/// The name of `path` without a compression suffix (`.gz`, `.zst`), lower-cased, for format detection.
pub fn plain_name(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let stem = lower.strip_suffix(".gz").or_else(|| lower.strip_suffix(".zst")).unwrap_or(&lower);
    stem.to_string()
}

/// Counts the bytes read through it into a shared counter.
struct Counted<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path` (or stdin for "-"), decompressing gzip or zstd. `counter`, when given, counts the bytes
/// read from the file as stored.
pub fn open(path: &str, counter: Option<&Arc<AtomicU64>>) -> Result<Box<dyn BufRead>, Error> {
    let name = display_name(path);
    let mut raw: Box<dyn Read> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(format!("cannot open {path}"), e))?)
    };
    if let Some(counter) = counter {
        raw = Box::new(Counted { inner: raw, counter: Arc::clone(counter) });
    }
    let mut reader = BufReader::with_capacity(BUFFER, raw);
    let head = reader.fill_buf().map_err(|e| Error::io(format!("cannot read {name}"), e))?;
    if head.starts_with(GZIP_MAGIC) {
        Ok(Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(reader))))
    } else if head.starts_with(ZSTD_MAGIC) {
        let decoder = zstd::Decoder::with_buffer(reader).map_err(|e| Error::io(format!("cannot read {name} (zstd)"), e))?;
        Ok(Box::new(BufReader::with_capacity(BUFFER, decoder)))
    } else {
        Ok(Box::new(reader))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_and_zstd_are_recognised_by_content_not_name() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.data");
        let mut enc = flate2::write::GzEncoder::new(File::create(&gz).unwrap(), flate2::Compression::fast());
        enc.write_all(b"one\n").unwrap();
        enc.finish().unwrap();
        let zst = dir.path().join("b.data");
        std::fs::write(&zst, zstd::encode_all(&b"two\n"[..], 3).unwrap()).unwrap();
        let counter = Arc::new(AtomicU64::new(0));
        let mut text = String::new();
        open(gz.to_str().unwrap(), Some(&counter)).unwrap().read_to_string(&mut text).unwrap();
        open(zst.to_str().unwrap(), None).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "one\ntwo\n");
        assert_eq!(counter.load(Ordering::Relaxed), std::fs::metadata(&gz).unwrap().len());
    }

    #[test]
    fn compression_suffixes_are_dropped_for_detection() {
        assert_eq!(plain_name("Feed.RSS.gz"), "feed.rss");
        assert_eq!(plain_name("crawl.warc.zst"), "crawl.warc");
        assert_eq!(plain_name("notes.txt"), "notes.txt");
    }
}
