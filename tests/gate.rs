//! Integration tests of `mtlint gate` over the built binary: nothing is lost (`in = passed + rejected`),
//! passed records are byte-for-byte the input, the exit statuses, and a reader that closes early.

mod util;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use util::{fixture, mtlint, spawn, stderr};

const HUMAN: &str = "Crews expect to restore service to most customers by Wednesday, a utility spokesman said.";
const MT: &str = "North Korea trató to obtain the vaccine, the North American company said, and $ 300 million.";

/// A JSONL file with good, machine-translated and unreadable lines, CRLF and a last line without newline.
fn mixed_input() -> Vec<u8> {
    let mut input = Vec::new();
    input.extend_from_slice(format!("{{\"id\":\"h1\",\"text\":\"{HUMAN}\",\"extra\":{{\"keep\":[1, 2.50]}}}}\n").as_bytes());
    input.extend_from_slice(format!("{{\"id\":\"m1\",\"text\":\"{MT}\"}}\n").as_bytes());
    input.extend_from_slice(b"{\"id\":\"bad\",\"text\":\n");
    input.extend_from_slice(b"{\"id\":\"notext\",\"body\":\"no text field\"}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"id\":\"latin1\",\"text\":\"caf\xe9\"}\n");
    input.extend_from_slice(format!("{{ \"id\": \"h2\",  \"text\": \"{HUMAN}\" }}\r\n").as_bytes());
    input.extend_from_slice(format!("{{\"id\":\"h3\",\"text\":\"{HUMAN}\"}}").as_bytes());
    input
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split_inclusive(|b| *b == b'\n').map(<[u8]>::to_vec).collect()
}

fn read_rejects(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn every_record_is_passed_unchanged_or_rejected_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("corpus.jsonl");
    let input = mixed_input();
    std::fs::write(&input_path, &input).unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let out = mtlint(&["gate", input_path.to_str().unwrap(), "--rejects", rejects.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let input_lines = lines(&input);
    let passed = lines(&out.stdout);
    let rejected = read_rejects(&rejects);
    assert_eq!(input_lines.len(), 8);
    assert_eq!(passed.len() + rejected.len(), input_lines.len(), "in = passed + rejected");
    // Passed lines are input lines, byte for byte and in order (whitespace, CRLF, no final newline).
    let expected_passed: Vec<Vec<u8>> = [0, 6, 7].iter().map(|&i| input_lines[i].clone()).collect();
    assert_eq!(passed, expected_passed);

    let by_line = |n: u64| rejected.iter().find(|r| r["line"] == n).unwrap_or_else(|| panic!("line {n} not rejected: {rejected:?}"));
    assert_eq!(by_line(2)["reason"], "score above threshold");
    assert_eq!(by_line(2)["id"], "m1");
    assert!(by_line(2)["findings"].as_array().unwrap().iter().any(|f| f["quote"] == "trató"));
    assert_eq!(by_line(2)["record"].as_str().unwrap().as_bytes(), input_lines[1].as_slice(), "the raw line is kept");
    assert!(by_line(3)["error"].as_str().unwrap().contains("malformed JSON"));
    assert!(by_line(4)["error"].as_str().unwrap().contains("missing text field"));
    assert_eq!(by_line(5)["error"], "blank line");
    assert!(by_line(6)["error"].as_str().unwrap().contains("UTF-8"));
    assert!(by_line(6)["record_base64"].is_string());
    let location = format!("{}:3", input_path.display());
    assert_eq!(by_line(3)["location"], location.as_str());

    let summary = stderr(&out);
    assert!(summary.contains("8 in, 3 passed, 5 rejected (1 above threshold 0.50, 4 unreadable), reject rate 62.50%"), "{summary}");
}

#[test]
fn lines_pass_as_lines() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("r.jsonl");
    let input = format!("{HUMAN}\n{MT}\n{HUMAN}  \n");
    let out = mtlint(&["gate", "--input-format", "lines", "--rejects", rejects.to_str().unwrap()], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("{HUMAN}\n{HUMAN}  \n"));
    assert_eq!(read_rejects(&rejects)[0]["id"], "<stdin>:2");
}

#[test]
fn exit_status_is_0_when_nothing_is_rejected_and_follows_the_allowed_rate() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("r.jsonl");
    let r = rejects.to_str().unwrap();
    let clean = format!("{{\"text\":\"{HUMAN}\"}}\n").repeat(3);
    let out = mtlint(&["gate", "--rejects", r], Some(clean.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, clean.as_bytes());
    assert_eq!(std::fs::read(&rejects).unwrap(), b"", "the rejects file exists and is empty");

    let one_in_four = format!("{clean}{{\"text\":\"{MT}\"}}\n");
    assert_eq!(mtlint(&["gate", "--rejects", r], Some(one_in_four.as_bytes())).status.code(), Some(1));
    assert_eq!(mtlint(&["gate", "--rejects", r, "--max-reject-rate", "0.25"], Some(one_in_four.as_bytes())).status.code(), Some(0));
    assert_eq!(mtlint(&["gate", "--rejects", r, "--max-reject-rate", "0.2"], Some(one_in_four.as_bytes())).status.code(), Some(1));
    // No score is above 1: at threshold 1 nothing is rejected.
    assert_eq!(mtlint(&["gate", "--rejects", r, "--threshold", "1"], Some(one_in_four.as_bytes())).status.code(), Some(0));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.jsonl");
    let r = r.to_str().unwrap();
    let missing_rejects = mtlint(&["gate"], Some(b"{}\n"));
    assert_eq!(missing_rejects.status.code(), Some(2), "--rejects is required");
    assert!(stderr(&missing_rejects).contains("--rejects"));
    assert_eq!(mtlint(&["gate", "--rejects", r, "--max-reject-rate", "2"], Some(b"")).status.code(), Some(2));
    let missing = mtlint(&["gate", "--rejects", r, "/no/such/corpus.jsonl"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("/no/such/corpus.jsonl"));
    let unwritable = mtlint(&["gate", "--rejects", "/no/such/dir/r.jsonl"], Some(b""));
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(stderr(&unwritable).contains("/no/such/dir/r.jsonl"));
    let feed = mtlint(&["gate", "--rejects", r, &fixture("feed.rss")], None);
    assert_eq!(feed.status.code(), Some(2));
    assert!(stderr(&feed).contains("mtlint extract"), "{}", stderr(&feed));
}

#[test]
fn help_documents_the_exit_statuses_and_the_rejects_file() {
    let help = String::from_utf8(mtlint(&["gate", "--help"], None).stdout).unwrap();
    for needle in ["EXIT STATUS", "0  nothing was rejected", "1  records were rejected", "2  usage error", "--max-reject-rate", "record_base64"] {
        assert!(help.contains(needle), "{needle:?} missing from\n{help}");
    }
}

/// Runs `args` over `input` on stdin, reads one line of its output and closes the pipe.
fn read_one_line_and_close(args: &[&str], input: Vec<u8>) -> (Option<i32>, String, Vec<u8>) {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input); // the gate may stop reading early
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = Vec::new();
    stdout.read_until(b'\n', &mut first).unwrap();
    drop(stdout);
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    writer.join().unwrap();
    (status.code(), err, first)
}

#[test]
fn a_reader_that_closes_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("r.jsonl");
    let record = format!("{{\"text\":\"{HUMAN}\"}}\n");
    let input = record.repeat(20_000).into_bytes();
    let (code, err, first) = read_one_line_and_close(&["gate", "--rejects", rejects.to_str().unwrap()], input.clone());
    assert_eq!(first, record.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("standard output closed"), "{err}");

    let (code, err, _) = read_one_line_and_close(&["scan", "--format", "jsonl"], input);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}
