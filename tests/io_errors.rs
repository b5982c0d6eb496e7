//! Inputs that cannot be read and an output that cannot be written, over the built binary.
//!
//! A file and a directory without read permission (mode 000): the readable inputs around them are still
//! scored (`scan`), gated (`gate`) or extracted (`extract`), each unreadable one is named on stderr with
//! the reason, and the exit status is 2, as the README's command-line contract says for I/O errors.
//!
//! Root reads a file whatever its mode, and CI runs as root. So when this process can read a mode-000
//! file, the binary is run as the unprivileged user nobody (uid and gid 65534, no supplementary groups)
//! through `setpriv` (util-linux), else `runuser`, on a copy of itself in a temporary folder that user
//! can traverse. A normal user runs it directly. When neither is possible the test says why on stderr
//! and checks nothing; with MTLINT_REQUIRE_PERMISSION_TESTS set (as `.ci/run` does) it fails instead.

mod util;

use serde_json::Value;
use std::fs::{self, File, Permissions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use util::{jsonl, stderr};

const NOBODY: &str = "65534";

/// Three human-written news paragraphs: each scores below the threshold, so the gate passes them.
/// Texts the model scores well below its threshold (so the gate passes them whatever a retrained model's
/// small changes do; the test is about I/O, not scores).
const TEXTS: [&str; 3] = [
    "Crews expect to restore service to most customers by Wednesday, a utility spokesman said.\n",
    "The council voted on Tuesday to extend library opening hours through the summer, officials said.\n",
    "Police closed the bridge for several hours after a truck overturned early on Friday.\n",
];

/// How the binary is run so that mode 000 means what it says.
enum Runner {
    /// This process cannot read a mode-000 file: run the binary as it is.
    Direct,
    /// This process reads everything: run the binary as nobody through `setpriv` or `runuser` (the path).
    AsNobody(PathBuf),
}

/// The inputs in a temporary folder:
/// `corpus/a.txt`, `corpus/b.txt` (mode 000), `corpus/c.txt`, `corpus/d/` (mode 000, holding a readable
/// file) and `corpus/e.txt`, with `out/` writable by anyone for the gate's rejects file.
struct Fixture {
    dir: tempfile::TempDir,
    runner: Runner,
    bin: PathBuf,
}

impl Fixture {
    fn path(&self, rel: &str) -> String {
        self.dir.path().join(rel).to_string_lossy().into_owned()
    }

    fn readable(&self) -> [String; 3] {
        ["corpus/a.txt", "corpus/c.txt", "corpus/e.txt"].map(|f| self.path(f))
    }

    fn command(&self) -> Command {
        let mut cmd = match &self.runner {
            Runner::Direct => Command::new(&self.bin),
            Runner::AsNobody(tool) if tool.ends_with("setpriv") => {
                let mut c = Command::new(tool);
                c.args([&format!("--reuid={NOBODY}"), &format!("--regid={NOBODY}"), "--clear-groups", "--"]).arg(&self.bin);
                c
            }
            Runner::AsNobody(tool) => {
                let mut c = Command::new(tool);
                c.args(["-u", "nobody", "--"]).arg(&self.bin);
                c
            }
        };
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("mtlint runs")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Give the modes back so that the folder can be removed by a user who is not root.
        let _ = fs::set_permissions(self.dir.path().join("corpus/d"), Permissions::from_mode(0o755));
        let _ = fs::set_permissions(self.dir.path().join("corpus/b.txt"), Permissions::from_mode(0o644));
    }
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, Permissions::from_mode(mode)).unwrap();
}

/// Where `name` is installed, on PATH or in the usual system folders.
fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/bin", "/usr/sbin", "/bin", "/sbin"].map(PathBuf::from));
    dirs.map(|d| d.join(name)).find(|p| p.is_file())
}

/// Says on stderr (past the test harness's capture) why the permission checks did not run, and fails
/// when they are required.
fn not_run(why: &str) -> Option<Fixture> {
    let message = format!("io_errors: permission checks NOT RUN: {why}");
    assert!(std::env::var_os("MTLINT_REQUIRE_PERMISSION_TESTS").is_none(), "{message} (MTLINT_REQUIRE_PERMISSION_TESTS is set)");
    let _ = writeln!(std::io::stderr(), "{message}");
    None
}

/// The fixture, or None (after saying why) when mode 000 cannot be made to hold for the binary.
fn fixture() -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    chmod(&root, 0o755);
    for sub in ["corpus", "corpus/d", "out"] {
        fs::create_dir(root.join(sub)).unwrap();
        chmod(&root.join(sub), 0o755);
    }
    chmod(&root.join("out"), 0o777);
    for (name, text) in [("a.txt", TEXTS[0]), ("b.txt", TEXTS[1]), ("c.txt", TEXTS[1]), ("d/inside.txt", TEXTS[2]), ("e.txt", TEXTS[2])] {
        let p = root.join("corpus").join(name);
        fs::write(&p, text).unwrap();
        chmod(&p, 0o644);
    }
    chmod(&root.join("corpus/b.txt"), 0o000);
    chmod(&root.join("corpus/d"), 0o000);
    let built = PathBuf::from(env!("CARGO_BIN_EXE_mtlint"));
    let mut fixture = Fixture { dir, runner: Runner::Direct, bin: built.clone() };
    if File::open(fixture.path("corpus/b.txt")).is_err() {
        return Some(fixture);
    }
    // This process reads mode-000 files (root, or CAP_DAC_OVERRIDE): run the binary as nobody.
    let Some(tool) = find_tool("setpriv").or_else(|| find_tool("runuser")) else {
        return not_run("this process reads files whatever their mode (root?) and neither setpriv nor runuser is installed to run mtlint as nobody");
    };
    // A copy of the binary in the fixture's folder, so that nobody can reach it wherever the build is.
    let bin = root.join("bin");
    fs::create_dir(&bin).unwrap();
    chmod(&bin, 0o755);
    fs::copy(&built, bin.join("mtlint")).unwrap();
    chmod(&bin.join("mtlint"), 0o755);
    fixture.bin = bin.join("mtlint");
    fixture.runner = Runner::AsNobody(tool.clone());
    let probe = fixture.run(&["extract", &fixture.path("corpus/a.txt")]);
    if !probe.status.success() {
        let why = format!("{} could not run mtlint as nobody on a readable file ({}): {}", tool.display(), probe.status, stderr(&probe).trim());
        return not_run(&why);
    }
    Some(fixture)
}

fn ids(out: &Output) -> Vec<String> {
    jsonl(out).iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

/// Asserts that stderr names the unreadable file and the directory that cannot be listed, with the reason.
fn assert_names_the_unreadable(f: &Fixture, err: &str) {
    let (file, dir) = (f.path("corpus/b.txt"), f.path("corpus/d"));
    assert!(err.contains(&format!("mtlint: cannot open {file}: Permission denied")), "{err}");
    assert!(err.contains(&format!("mtlint: cannot list directory {dir}: Permission denied")), "{err}");
    assert!(!err.contains("inside.txt") && !err.contains("panicked"), "{err}");
}

#[test]
fn scan_scores_the_readable_inputs_and_names_the_unreadable_ones() {
    let Some(f) = fixture() else { return };
    let corpus = f.path("corpus");

    let out = f.run(&["scan", "--format", "jsonl", &corpus]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(ids(&out), f.readable(), "the files before and after the unreadable ones are scored");
    assert!(jsonl(&out).iter().all(|d| d["score"].is_number()));
    assert_names_the_unreadable(&f, &stderr(&out));

    let out = f.run(&["scan", "--format", "text", &corpus]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with('#')).count(), 3);
    assert_names_the_unreadable(&f, &stderr(&out));

    // Named on the command line: an unreadable file alone, and a directory that cannot be listed before
    // a readable file.
    let out = f.run(&["scan", "--format", "jsonl", &f.path("corpus/b.txt")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).trim(), format!("mtlint: cannot open {}: Permission denied (os error 13)", f.path("corpus/b.txt")));
    let out = f.run(&["scan", "--format", "jsonl", &f.path("corpus/d"), &f.path("corpus/a.txt")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(ids(&out), [f.path("corpus/a.txt")]);
    assert!(stderr(&out).contains(&format!("cannot list directory {}: Permission denied", f.path("corpus/d"))), "{}", stderr(&out));
}

#[test]
fn gate_passes_the_readable_inputs_unchanged_and_names_the_unreadable_ones() {
    let Some(f) = fixture() else { return };
    let rejects = f.path("out/rejects.jsonl");
    let out = f.run(&["gate", "--rejects", &rejects, &f.path("corpus")]);
    assert_eq!(out.status.code(), Some(2), "an I/O error: status 2, whatever was rejected; {}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout.clone()).unwrap(), [TEXTS[0], TEXTS[1], TEXTS[2]].concat(), "a, c and e, byte for byte");
    assert_eq!(fs::read(&rejects).unwrap(), b"", "an input that cannot be read has no record to reject");
    let err = stderr(&out);
    assert_names_the_unreadable(&f, &err);
    assert!(err.contains("mtlint gate: 3 in, 3 passed, 0 rejected"), "{err}");

    let out = f.run(&["gate", "--rejects", &rejects, &f.path("corpus/b.txt")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains(&format!("cannot open {}: Permission denied", f.path("corpus/b.txt"))), "{}", stderr(&out));
}

#[test]
fn extract_writes_the_readable_inputs_and_names_the_unreadable_ones() {
    let Some(f) = fixture() else { return };
    let out = f.run(&["extract", &f.path("corpus")]);
    assert_eq!(out.status.code(), Some(2));
    let docs: Vec<Value> = jsonl(&out);
    assert_eq!(ids(&out), f.readable());
    assert_eq!(docs[1]["text"], TEXTS[1]);
    assert_names_the_unreadable(&f, &stderr(&out));
}

/// A standard output whose reader is gone before the first byte: every write fails with a broken pipe.
/// (`| head` that has already exited, without the race of reading a line first.)
#[test]
fn a_standard_output_without_reader_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let records = 20_000;
    let line = format!("{{\"text\":\"{}\"}}\n", TEXTS[0].trim_end());
    fs::write(&corpus, line.repeat(records)).unwrap();
    let corpus = corpus.to_str().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let rejects = rejects.to_str().unwrap();
    let run = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Command::new(env!("CARGO_BIN_EXE_mtlint")).args(args).stdin(Stdio::null()).stdout(writer).stderr(Stdio::piped()).output().unwrap()
    };
    for format in ["jsonl", "tsv", "attributes", "text", "html"] {
        let out = run(&["scan", "--format", format, corpus]);
        assert_eq!(out.status.code(), Some(0), "scan --format {format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "scan --format {format}: nothing to report");
    }
    let out = run(&["extract", corpus]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()), "extract");

    let out = run(&["gate", "--rejects", rejects, corpus]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let stopped = err.split("stopped after ").nth(1).unwrap_or_else(|| panic!("the gate says it stopped: {err}"));
    let read: usize = stopped.split(' ').next().unwrap().parse().unwrap();
    assert!(read < records, "the gate stops reading when nobody takes its output ({read} of {records} records): {err}");
}
