//! Expanding directories into the files below them, recursively and in sorted path order, so that a run
//! over a directory is deterministic. Hidden files and directories (names starting with ".") are left out.

use crate::error::Error;
use walkdir::WalkDir;

/// `paths` with each directory replaced by the regular files below it (sorted); files and "-" stay as
/// they are, in the order given.
pub fn expand(paths: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path == "-" || !std::path::Path::new(path).is_dir() {
            out.push(path.clone());
            continue;
        }
        let walker = WalkDir::new(path).follow_links(true).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
            let entry = entry.map_err(|e| {
                let what = format!("cannot read directory {}", e.path().map_or(path.clone(), |p| p.display().to_string()));
                Error::io(what, e.into())
            })?;
            if entry.file_type().is_file() {
                out.push(entry.path().to_string_lossy().into_owned());
            }
        }
    }
    Ok(out)
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
        let files = expand(&[r.to_string(), "-".to_string()]).unwrap();
        let expected: Vec<String> =
            ["a/c/y.html", "a/z.jsonl", "b.txt"].iter().map(|f| format!("{r}/{f}")).chain(["-".to_string()]).collect();
        assert_eq!(files, expected);
    }
}
