#!/usr/bin/env python3
"""Rewrites the example outputs in README.md with what the built binary prints now (after retraining,
for instance). The examples are the ones tests/readme.rs checks: each `$ mtlint ...` line of a code block
(with at most `| head -N`) and the block after a "Real output of `mtlint ...`:" line. Lines starting
"mtlint " (standard error) are kept where they are; the standard-output lines are replaced.
Commands with other pipes or redirections are left alone: update those by hand.

Usage: cargo build --release && python3 scripts/update_readme_examples.py
"""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "mtlint")


def parse(command):
    """(args, head) for `mtlint ARGS [| head -N]`, or None (the rules of tests/readme.rs)."""
    head = None
    m = re.fullmatch(r"(.*) \| head -(\d+)", command)
    if m:
        command, head = m.group(1), int(m.group(2))
    if any(c in command for c in "|><*") or not command.startswith("mtlint "):
        return None
    return command.split()[1:], head


def main():
    path = os.path.join(ROOT, "README.md")
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, in_block, changed = [], 0, False, 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if line.startswith("```"):
            in_block = not in_block
            continue
        command = None
        if in_block and line.startswith("$ "):
            command = line[2:]
        elif not in_block:
            m = re.fullmatch(r"Real output of `(.*)`:", line)
            if m:
                command = m.group(1)
                # Copy up to and including the opening fence of the next block.
                while i < len(lines) and not lines[i].startswith("```"):
                    out.append(lines[i])
                    i += 1
                if i < len(lines):
                    out.append(lines[i])
                    i += 1
                    in_block = True
        parsed = command and parse(command)
        if not parsed:
            continue
        args, head = parsed
        shown = []
        while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
            shown.append(lines[i])
            i += 1
        stderr_lines = [l for l in shown if l.startswith("mtlint ")]
        printed = subprocess.run([BINARY, *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
        if printed and printed[-1] == "":
            printed.pop()
        if head is not None:
            printed = printed[:head]
        # Keep the blank lines that separated this example from the next.
        blank_tail = 0
        while blank_tail < len(shown) and shown[len(shown) - 1 - blank_tail].strip() == "":
            blank_tail += 1
        new = stderr_lines + printed
        while new and new[-1].strip() == "":
            new.pop()
        new += [""] * blank_tail
        if new != shown:
            changed += 1
        out.extend(new)
    open(path, "w", encoding="utf-8").write("\n".join(out))
    print(f"{changed} example(s) updated in README.md")


if __name__ == "__main__":
    main()
