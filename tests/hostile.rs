//! Hostile input over the built binary: every input gets a result or a clear message naming the file and
//! record, in bounded time and memory, and the good records around a bad one are still scored.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output};

fn mtlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtlint")).args(args).output().expect("mtlint runs")
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn an_oversize_document_is_reported_not_truncated_and_its_neighbours_are_scored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    // 6 MB of words with no sentence end, between two ordinary lines.
    let mut text = String::from("The talks resumed on Monday.\n");
    text.push_str(&"word ".repeat(1_200_000));
    text.push_str("\nThe ministry said so.\n");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let out = mtlint(&["scan", "--input-format", "lines", "--format", "jsonl", p]);
    assert_eq!(out.status.code(), Some(2));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3);
    assert!(docs[0]["score"].is_number() && docs[2]["score"].is_number());
    assert_eq!(docs[1]["id"], format!("{p}:2"));
    assert!(docs[1]["error"].as_str().unwrap().contains("larger than --max-doc-bytes"), "{}", docs[1]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{p}:2")));
    // Raising the limit scores it.
    let out = mtlint(&["scan", "--input-format", "lines", "--format", "jsonl", "--max-doc-bytes", "0", p]);
    assert!(out.status.success());
    assert!(lines(&out)[1]["score"].is_number());
}

#[test]
fn html_nested_200000_levels_gives_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.html");
    let page = format!(
        "<html><body>{}<p>The talks resumed on Monday after a long break.</p>{}</body></html>",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    std::fs::write(&path, page).unwrap();
    let out = mtlint(&["scan", "--format", "jsonl", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines(&out)[0]["sentences"][0]["text"], "The talks resumed on Monday after a long break.");
}

#[test]
fn a_truncated_gzip_gives_the_records_before_the_damage_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(gz, "{{\"id\":\"r{i}\",\"text\":\"Record number {i} says the talks resumed on Monday.\"}}").unwrap();
    }
    let bytes = gz.finish().unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let out = mtlint(&["scan", "--format", "jsonl", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let docs = lines(&out);
    assert!(docs.len() > 100 && docs.len() < 2000, "{} records", docs.len());
    assert!(docs.iter().all(|d| d["score"].is_number()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut.jsonl.gz"), "{stderr}");
}

#[test]
fn binary_and_entity_bombs_get_a_clear_answer() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("blob.bin");
    std::fs::write(&bin, (0..100_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<u8>>()).unwrap();
    let out = mtlint(&["scan", "--format", "jsonl", bin.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));

    let rss = dir.path().join("laughs.rss");
    let mut entities = String::from("<!ENTITY lol \"lol\">");
    for k in 2..=9 {
        entities.push_str(&format!("<!ENTITY lol{k} \"{}\">", format!("&lol{};", if k == 2 { String::new() } else { (k - 1).to_string() }).repeat(10)));
    }
    let feed = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [{entities}<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>t</title>\
         <item><title>x</title><link>http://example.org/1</link><description>&lol9; &xxe; The talks resumed.</description></item></channel></rss>"
    );
    std::fs::write(&rss, feed).unwrap();
    let out = mtlint(&["scan", "--format", "jsonl", rss.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("root:"), "an external entity was read");
    assert!(stdout.len() < 100_000, "entities were expanded: {} bytes", stdout.len());
}

#[test]
fn strict_stops_at_the_first_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"text\":\"The talks resumed.\"}\n{\"id\":\"b\",\"text\":7}\n{\"id\":\"c\",\"text\":\"The ministry said so.\"}\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    // Without --strict every record is answered.
    let out = mtlint(&["scan", "--format", "jsonl", p]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lines(&out).len(), 3);
    // With --strict the run stops at line 2, after reporting it.
    let out = mtlint(&["scan", "--format", "jsonl", "--strict", "--jobs", "1", p]);
    assert_eq!(out.status.code(), Some(2));
    let docs = lines(&out);
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(docs[0]["id"], "a");
    assert!(docs[1]["error"].is_string());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{p}:2")) && stderr.contains("--strict"), "{stderr}");
}

#[test]
fn truncated_zstd_and_warc_give_what_came_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    // zstd: varied records, so the stream has many blocks before the cut.
    let mut data = String::new();
    let words = ["talks", "resumed", "ministry", "said", "taxes", "capital", "government", "would", "raise", "year"];
    for i in 0..60_000usize {
        let text: Vec<&str> = (0..12).map(|k| words[(i * 7 + k * 13 + i / 3) % words.len()]).collect();
        data.push_str(&format!("{{\"id\":\"r{i}\",\"text\":\"The {}.\"}}\n", text.join(" ")));
    }
    let z = zstd::encode_all(data.as_bytes(), 3).unwrap();
    let zpath = dir.path().join("cut.jsonl.zst");
    std::fs::write(&zpath, &z[..z.len() / 2]).unwrap();
    let out = mtlint(&["scan", "--format", "tsv", zpath.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let rows = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(rows > 1000 && rows < 60_000, "{rows} rows");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.jsonl.zst:"));

    // WARC: the fixture cut inside its last record.
    let warc = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/crawl.warc.gz")).unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&warc[..]), &mut plain).unwrap();
    let wpath = dir.path().join("cut.warc");
    std::fs::write(&wpath, &plain[..plain.len() * 7 / 10]).unwrap();
    let out = mtlint(&["scan", "--format", "jsonl", wpath.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!lines(&out).is_empty(), "the complete records before the cut are scored");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.warc#record"), "{}", String::from_utf8_lossy(&out.stderr));
}
