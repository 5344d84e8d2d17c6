//! The directory every printed path is relative to: `--root`, else the git top level
//! of the scanned paths (what GitHub code scanning maps SARIF URIs against), else the
//! one directory scanned, else the current directory.

use std::fs;
use std::path::{Path, PathBuf};

/// The root for `paths`; an error when `--root` is not a directory.
pub(crate) fn choose(
    paths: &[PathBuf],
    explicit: Option<&Path>,
) -> Result<Option<PathBuf>, String> {
    if let Some(dir) = explicit {
        return match fs::canonicalize(dir) {
            Ok(dir) if dir.is_dir() => Ok(Some(dir)),
            Ok(_) => Err(format!("--root {}: not a directory", dir.display())),
            Err(err) => Err(format!("--root {}: {err}", dir.display())),
        };
    }
    let canonical: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    let tops: Vec<Option<PathBuf>> = canonical.iter().map(|p| git_top(p)).collect();
    if let Some(Some(top)) = tops.first()
        && tops.iter().all(|t| t.as_ref() == Some(top))
    {
        return Ok(Some(top.clone()));
    }
    if let [only] = canonical.as_slice() {
        let dir = if only.is_dir() {
            Some(only.clone())
        } else {
            only.parent().map(Path::to_path_buf)
        };
        return Ok(dir);
    }
    Ok(std::env::current_dir()
        .ok()
        .and_then(|d| fs::canonicalize(d).ok()))
}

/// The nearest directory at or above `path` that holds `.git` (a directory, or the
/// file of a worktree or submodule).
fn git_top(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A scanned path relative to the root: `bind-guard-cli/src` for `src` scanned from
/// `bind-guard-cli/` in a repository; the absolute path when it is outside the root;
/// the path as given when there is no root.
pub(crate) fn relative(scanned: &Path, root: Option<&Path>) -> PathBuf {
    let Some(root) = root else {
        return scanned.to_path_buf();
    };
    let Ok(canonical) = fs::canonicalize(scanned) else {
        return scanned.to_path_buf();
    };
    match canonical.strip_prefix(root) {
        Ok(inside) => inside.to_path_buf(),
        Err(_) => canonical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_repository_is_its_own_root() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let top = git_top(manifest).expect("tests run in a checkout");
        assert!(top.join(".git").exists());
        let src = manifest.join("src");
        let root = choose(std::slice::from_ref(&src), None).unwrap().unwrap();
        assert_eq!(root, fs::canonicalize(&top).unwrap());
        assert_eq!(relative(&src, Some(&root)), Path::new("bind-guard-cli/src"));
        assert!(choose(std::slice::from_ref(&src), Some(&src.join("main.rs"))).is_err());
    }
}
