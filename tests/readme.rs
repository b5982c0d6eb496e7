//! The README's example outputs are what the binary prints: each `$ mtlint ...` command of a README code
//! block (with at most a `| head -N`) and the "Real output of `mtlint ...`" block are run from the
//! repository root, and their standard output must equal the lines shown (lines starting "mtlint " are
//! standard error, and are left out). A README that drifts from the tool (a retrained model changes the
//! scores) fails here.

mod util;

use util::mtlint;

const README: &str = include_str!("../README.md");

/// One example: the command's arguments, how many output lines it keeps (`| head -N`), and the lines
/// the README shows.
struct Example {
    line: usize,
    args: Vec<String>,
    head: Option<usize>,
    shown: Vec<String>,
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

fn examples() -> Vec<Example> {
    let lines: Vec<&str> = README.lines().collect();
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
        let shown = lines[first_output..]
            .iter()
            .take_while(|l| !l.starts_with("$ ") && !l.starts_with("```"))
            .filter(|l| !l.starts_with("mtlint "))
            .map(|l| l.to_string())
            .collect();
        found.push(Example { line: i + 1, args, head, shown });
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
    let examples = examples();
    // The seed article, the feed TSV, the WARC text report and the attributes line at least.
    assert!(examples.len() >= 4, "found {} runnable examples in README.md", examples.len());
    for example in examples {
        let args: Vec<&str> = example.args.iter().map(String::as_str).collect();
        let out = mtlint(&args, None);
        assert!(out.status.success(), "README.md line {}: mtlint {} failed: {}", example.line, args.join(" "), util::stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut printed: Vec<String> = stdout.lines().map(str::to_string).collect();
        if let Some(n) = example.head {
            printed.truncate(n);
        }
        assert_eq!(
            trim_blank_end(printed),
            trim_blank_end(example.shown),
            "README.md line {}: the output shown for `mtlint {}` is not what it prints",
            example.line,
            args.join(" ")
        );
    }
}

#[test]
fn commands_with_pipes_and_redirections_are_skipped_not_misread() {
    assert_eq!(parse_command("mtlint scan a.txt | head -1"), Some((vec!["scan".into(), "a.txt".into()], Some(1))));
    assert_eq!(parse_command("mtlint extract a | mtlint gate > b"), None);
    assert_eq!(parse_command("mtlint scan ../shared/seeds/*.txt"), None);
    assert_eq!(parse_command("echo $?"), None);
}
