//! The README's example outputs are what the binary prints: each `$ mtlint ...` command of a README code
//! block (with at most a `| head -N`) and the "Real output of `mtlint ...`" block are run from the
//! repository root, and their standard output must equal the lines shown (lines starting "mtlint " are
//! standard error, and are left out). A README that drifts from the tool (a retrained model changes the
//! scores) fails here. `MTLINT_UPDATE_README=1 cargo test --release --test readme` writes what the binary
//! prints into README.md instead (the standard-error lines stay where they are); check the diff.

mod util;

use util::mtlint;

const README: &str = include_str!("../README.md");

/// One example: the command's arguments, how many output lines it keeps (`| head -N`), and where the
/// README shows its output (README line indices, standard-error lines included).
struct Example {
    line: usize,
    args: Vec<String>,
    head: Option<usize>,
    shown: std::ops::Range<usize>,
}

impl Example {
    /// The standard-output lines the README shows.
    fn shown(&self, lines: &[&str]) -> Vec<String> {
        lines[self.shown.clone()].iter().filter(|l| !l.starts_with("mtlint ")).map(|l| l.to_string()).collect()
    }

    /// What the command prints now, kept to its `head`.
    fn printed(&self) -> Vec<String> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let out = mtlint(&args, None);
        assert!(out.status.success(), "README.md line {}: mtlint {} failed: {}", self.line, args.join(" "), util::stderr(&out));
        let mut printed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        if let Some(n) = self.head {
            printed.truncate(n);
        }
        printed
    }
}

/// `mtlint ARGS [| head -N]`, or None for a command this test cannot run alone (other pipes, redirections).
fn parse_command(command: &str) -> Option<(Vec<String>, Option<usize>)> {
    let (command, head) = match command.split_once(" | head -") {
        Some((c, n)) => (c, Some(n.trim().parse().ok()?)),
        None => (command, None),
    };
    if command.contains(['|', '>', '<', '*']) {
        return None;
    }
    let args = command.strip_prefix("mtlint ")?.split_whitespace().map(str::to_string).collect();
    Some((args, head))
}

fn examples(lines: &[&str]) -> Vec<Example> {
    let mut found = Vec::new();
    let mut in_block = false;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let (command, first_output) = if in_block {
            match line.strip_prefix("$ ") {
                Some(c) => (c, i + 1),
                None => continue,
            }
        } else if let Some(c) = line.strip_prefix("Real output of `").and_then(|r| r.strip_suffix("`:")) {
            // The lines of the next code block.
            match lines[i..].iter().position(|l| l.starts_with("```")) {
                Some(fence) => (c, i + fence + 1),
                None => continue,
            }
        } else {
            continue;
        };
        let Some((args, head)) = parse_command(command) else { continue };
        let shown_lines = lines[first_output..].iter().take_while(|l| !l.starts_with("$ ") && !l.starts_with("```")).count();
        found.push(Example { line: i + 1, args, head, shown: first_output..first_output + shown_lines });
    }
    found
}

fn trim_blank_end(mut lines: Vec<String>) -> Vec<String> {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn readme_examples_are_what_mtlint_prints() {
    let lines: Vec<&str> = README.lines().collect();
    let examples = examples(&lines);
    // The seed article, the feed TSV, the WARC text report and the attributes line at least.
    assert!(examples.len() >= 4, "found {} runnable examples in README.md", examples.len());
    if std::env::var_os("MTLINT_UPDATE_README").is_some() {
        update_readme(&lines, &examples);
        return;
    }
    for example in examples {
        assert_eq!(
            trim_blank_end(example.printed()),
            trim_blank_end(example.shown(&lines)),
            "README.md line {}: the output shown for `mtlint {}` is not what it prints \
             (MTLINT_UPDATE_README=1 cargo test --release --test readme rewrites it)",
            example.line,
            example.args.join(" ")
        );
    }
}

/// Writes each example's current output into README.md: its standard-error lines first, as shown,
/// then what it prints, then the blank lines that ended the shown output.
fn update_readme(lines: &[&str], examples: &[Example]) {
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for example in examples.iter().rev() {
        let shown = &lines[example.shown.clone()];
        let blank_tail = shown.iter().rev().take_while(|l| l.trim().is_empty()).count();
        let mut new: Vec<String> = shown.iter().filter(|l| l.starts_with("mtlint ")).map(|l| l.to_string()).collect();
        new.extend(trim_blank_end(example.printed()));
        new.extend(std::iter::repeat_n(String::new(), blank_tail));
        out.splice(example.shown.clone(), new);
    }
    let mut text = out.join("\n");
    if README.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), text).expect("README.md written");
}

#[test]
fn commands_with_pipes_and_redirections_are_skipped_not_misread() {
    assert_eq!(parse_command("mtlint scan a.txt | head -1"), Some((vec!["scan".into(), "a.txt".into()], Some(1))));
    assert_eq!(parse_command("mtlint extract a | mtlint gate > b"), None);
    assert_eq!(parse_command("mtlint scan ../shared/seeds/*.txt"), None);
    assert_eq!(parse_command("echo $?"), None);
}
