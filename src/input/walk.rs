//! Expanding directories into the files below them, recursively and in sorted path order, so that a run
//! over a directory is deterministic. Hidden files and directories (names starting with ".") are left out.
//! What cannot be listed (a directory without permission, a dangling link, a link loop) is reported and
//! skipped: the files around it are still read.

use crate::error::Error;
use std::path::Path;
use walkdir::WalkDir;

/// The inputs below some paths.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The paths in the order given, each directory replaced by the regular files below it (sorted);
    /// files, "-" and paths that do not exist stay as they are (opening them reports the problem).
    pub files: Vec<String>,
    /// What could not be listed below a directory, each naming its path.
    pub errors: Vec<Error>,
}

/// `paths` with each directory replaced by the regular files below it (sorted), and what could not be
/// listed.
pub fn expand(paths: &[String]) -> Expanded {
    let mut out = Expanded::default();
    for path in paths {
        if path == "-" || !Path::new(path).is_dir() {
            out.files.push(path.clone());
            continue;
        }
        let walker = WalkDir::new(path).follow_links(true).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
            match entry {
                Ok(entry) if entry.file_type().is_file() => out.files.push(entry.path().to_string_lossy().into_owned()),
                Ok(_) => {}
                Err(e) => out.errors.push(walk_error(path, e)),
            }
        }
    }
    out
}

/// `cannot list directory D: Permission denied (os error 13)`, `cannot read F: ...` for an entry that
/// cannot be looked at (a dangling link), or walkdir's own message (a loop).
fn walk_error(root: &str, e: walkdir::Error) -> Error {
    let at = e.path().map_or_else(|| root.to_string(), |p| p.display().to_string());
    let what = if Path::new(&at).is_dir() { format!("cannot list directory {at}") } else { format!("cannot read {at}") };
    let message = e.to_string();
    Error::io(what, e.into_io_error().unwrap_or_else(|| std::io::Error::other(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_walked_recursively_in_sorted_order_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["b.txt", "a/z.jsonl", "a/c/y.html", ".git/config", "a/.hidden.txt"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let r = root.to_str().unwrap();
        let Expanded { files, errors } = expand(&[r.to_string(), "-".to_string()]);
        assert!(errors.is_empty(), "{errors:?}");
        let expected: Vec<String> =
            ["a/c/y.html", "a/z.jsonl", "b.txt"].iter().map(|f| format!("{r}/{f}")).chain(["-".to_string()]).collect();
        assert_eq!(files, expected);
    }

    #[test]
    fn what_cannot_be_listed_is_reported_and_the_rest_is_still_listed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("d/sub")).unwrap();
        std::fs::write(root.join("d/a.txt"), "x").unwrap();
        std::fs::write(root.join("d/z.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("d/m-dangling")).unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("d/sub/loop")).unwrap();
        let d = root.join("d").to_string_lossy().into_owned();
        let Expanded { files, errors } = expand(&[d.clone(), format!("{d}/a.txt")]);
        assert_eq!(files, [format!("{d}/a.txt"), format!("{d}/z.txt"), format!("{d}/a.txt")]);
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with(&format!("cannot read {d}/m-dangling: ")), "{messages:?}");
        assert!(messages[1].starts_with(&format!("cannot list directory {d}/sub/loop: ")) && messages[1].contains("loop"), "{messages:?}");
    }
}
