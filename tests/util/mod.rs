//! Shared helpers of the integration tests: run the built binary, read fixtures, parse JSON lines.
#![allow(dead_code)] // each test binary uses a different part

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// Starts `mtlint` with `args`, its standard streams piped.
pub fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mtlint"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mtlint runs")
}

/// Runs `mtlint` with `args`, feeding `stdin` (none: an empty stdin).
pub fn mtlint(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = spawn(args);
    let mut input = child.stdin.take().unwrap();
    // A child that stops early (a usage error) may exit before reading its input: the write then meets
    // a closed pipe, which is the child's business, not a test failure.
    if let Err(e) = input.write_all(stdin.unwrap_or_default()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "writing mtlint's stdin: {e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// The path of a file in tests/fixtures.
pub fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).to_string_lossy().into_owned()
}

/// Standard output as JSON lines.
pub fn jsonl(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The folder of the seed articles: `../shared/seeds`, or `MTLINT_SEEDS`.
pub fn seeds_dir() -> PathBuf {
    std::env::var_os("MTLINT_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"))
}

/// The path of a seed article.
pub fn seed(name: &str) -> String {
    let p = seeds_dir().join(name);
    assert!(p.is_file(), "seed article {} not found (set MTLINT_SEEDS)", p.display());
    p.to_string_lossy().into_owned()
}
