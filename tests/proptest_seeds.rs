//! Proptest replays a saved failure only from the file named after the test's source
//! file: `<crate>/proptest-regressions/<path under src without .rs>.txt`. When a source
//! file moves, its seeds must move with it, or they stop replaying without a word. This
//! test fails on a seed file that no source file owns.

use std::path::{Path, PathBuf};

/// Every `.txt` file under `dir`, recursively.
fn seed_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("read a directory entry").path();
        if path.is_dir() {
            seed_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

#[test]
fn every_saved_proptest_seed_belongs_to_a_source_file_that_replays_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut orphans = Vec::new();
    let mut seen = 0;
    for krate in [
        "bind-guard",
        "bind-guard/core",
        "bind-guard-macros",
        "bind-guard-cli",
    ] {
        let seeds = root.join(krate).join("proptest-regressions");
        let mut files = Vec::new();
        seed_files(&seeds, &mut files);
        for file in files {
            seen += 1;
            let under = file.strip_prefix(&seeds).expect("under the seed folder");
            let source = root
                .join(krate)
                .join("src")
                .join(under.with_extension("rs"));
            let text = std::fs::read_to_string(&source).unwrap_or_default();
            if !text.contains("proptest!") {
                orphans.push(format!(
                    "{} (no proptest in {})",
                    file.display(),
                    source.display()
                ));
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "seed files that never replay: {orphans:#?}"
    );
    // The workspace keeps seeds today; a walk that finds none is looking in the wrong place.
    assert!(seen > 0, "no seed file found under {}", root.display());
}
