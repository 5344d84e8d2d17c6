//! `bind-guard scan`, run as a real process on the annotated fixture tree
//! (`tests/scan-fixtures/`, annotations described in its README) and on hostile input.

// An integration test: its helpers fail loudly, like the tests themselves.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scan-fixtures")
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_bind-guard"))
        .arg("scan")
        .args(args)
        .output()
        .expect("run bind-guard");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn scan_json(path: &Path) -> (i32, Value) {
    let run = scan(&[path.to_str().unwrap(), "--format", "json"]);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bind-guard-scan-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `(uri, line)` → sorted findings, as `"CONFIDENCE RULE"` or `"suppressed RULE"`.
type Lines = BTreeMap<(String, u64), Vec<String>>;

/// The annotations of the fixture tree, and how many lines say `none`.
fn annotations() -> (Lines, usize) {
    let mut expected = Lines::new();
    let mut negatives = 0;
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let uri = path
                .strip_prefix(fixtures())
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/");
            for (i, line) in fs::read_to_string(&path).unwrap().lines().enumerate() {
                let (next, text) = if let Some((_, text)) = line.split_once("expect-next: ") {
                    (1, text)
                } else if let Some((_, text)) = line.split_once("expect: ") {
                    (0, text)
                } else {
                    continue;
                };
                let line_no = u64::try_from(i + 1 + next).unwrap();
                // `CONFIDENCE RULE (why)`: the reason in brackets is for the reader.
                for item in text
                    .split(',')
                    .map(|item| item.split(" (").next().unwrap_or(item).trim())
                {
                    if item == "none" {
                        negatives += 1;
                    } else {
                        expected
                            .entry((uri.clone(), line_no))
                            .or_default()
                            .push(item.to_owned());
                    }
                }
            }
        }
    }
    for findings in expected.values_mut() {
        findings.sort();
    }
    (expected, negatives)
}

fn found(json: &Value) -> Lines {
    let mut lines = Lines::new();
    for (key, prefix) in [("findings", None), ("suppressed", Some("suppressed"))] {
        for finding in json[key].as_array().unwrap() {
            let label = prefix.unwrap_or_else(|| finding["confidence"].as_str().unwrap());
            lines
                .entry((
                    finding["uri"].as_str().unwrap().to_owned(),
                    finding["line"].as_u64().unwrap(),
                ))
                .or_default()
                .push(format!("{label} {}", finding["rule"].as_str().unwrap()));
        }
    }
    for findings in lines.values_mut() {
        findings.sort();
    }
    lines
}

#[test]
fn fixture_tree_matches_its_annotations_exactly() {
    let (expected, negatives) = annotations();
    let positives: usize = expected.values().map(Vec::len).sum();
    assert!(positives >= 40, "only {positives} positive cases");
    assert!(negatives >= 20, "only {negatives} negative cases");
    // URIs relative to the fixture tree, as the annotations name the files.
    let run = scan(&[
        fixtures().to_str().unwrap(),
        "--format",
        "json",
        "--root",
        fixtures().to_str().unwrap(),
    ]);
    let (code, json): (i32, Value) = (run.code, serde_json::from_str(&run.stdout).unwrap());
    assert_eq!(code, 1, "findings exit with 1");
    let found = found(&json);
    let mut wrong = Vec::new();
    for key in expected.keys().chain(found.keys()) {
        let (want, got) = (expected.get(key), found.get(key));
        if want != got {
            wrong.push(format!(
                "{}:{}: expected {want:?}, found {got:?}",
                key.0, key.1
            ));
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_skipped() {
    let (code, json) = scan_json(&fixtures().join("std/broken.rs"));
    assert_eq!(code, 0, "no finding: the file was skipped, not a crash");
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["unreadable"], false);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("not parsed")
    );
    // In the tree, the other files are still scanned.
    let (_, tree) = scan_json(&fixtures());
    assert_eq!(tree["errors"].as_array().unwrap().len(), 1);
    assert!(tree["summary"]["files"].as_u64().unwrap() > 5);
}

#[test]
fn exit_codes() {
    let dir = TempDir::new();
    dir.file(
        "main.rs",
        "fn main() { let l = TcpListener::bind(\"127.0.0.1:80\"); }\n",
    );
    assert_eq!(scan(&[dir.0.to_str().unwrap()]).code, 0);
    dir.file(
        "bad.rs",
        "fn main() { let l = TcpListener::bind(\"0.0.0.0:80\"); }\n",
    );
    let run = scan(&[dir.0.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let missing = dir.0.join("missing");
    let run = scan(&[missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
    assert_eq!(scan(&["--format", "yaml"]).code, 2, "usage error");
    dir.file("low.rs", "fn main() { let unused = \"0.0.0.0\"; }\n");
    fs::remove_file(dir.0.join("bad.rs")).unwrap();
    assert_eq!(scan(&[dir.0.to_str().unwrap()]).code, 1, "a low finding");
    let run = scan(&[dir.0.to_str().unwrap(), "--min-confidence", "high"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let other = dir.file("notes.txt", "0.0.0.0");
    assert_eq!(
        scan(&[other.to_str().unwrap()]).code,
        2,
        "not a file scan reads"
    );
    fs::write(dir.0.join("latin1.rs"), b"// \xe9\n").unwrap();
    let run = scan(&[dir.0.join("latin1.rs").to_str().unwrap()]);
    assert_eq!(run.code, 2, "unreadable input");
    assert!(run.stderr.contains("not UTF-8"), "{}", run.stderr);
}

#[test]
fn text_output_names_place_snippet_and_fix_and_escapes_the_snippet() {
    let dir = TempDir::new();
    let file = dir.file(
        "evil.rs",
        "fn f() { TcpListener::bind(\"0.0.0.0:1\"); } // \u{1b}[2K\u{202e}\n",
    );
    let run = scan(&[file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("evil.rs:1:28: high wildcard-string:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("= fix: bind 127.0.0.1"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'));
    assert!(run.stdout.contains(r"\u{1b}[2K\u{202e}"), "{}", run.stdout);
}

#[test]
fn hostile_sources_are_refused_not_crashed() {
    let dir = TempDir::new();
    let deep = format!(
        "fn f() {{ let a = {}1{}; }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    dir.file("deep.rs", &deep);
    let chain = format!(
        "fn f() {{ let a = TcpListener::bind(\"0.0.0.0:1\"); let b = 1{}; }}\n",
        " + 1".repeat(200_000)
    );
    dir.file("chain.rs", &chain);
    let (code, json) = scan_json(&dir.0);
    assert_eq!(code, 1, "{json}");
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json}");
    assert!(errors[0]["message"].as_str().unwrap().contains("nested"));
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

// The SARIF tests are in scan_sarif.rs, the config tests in scan_configs.rs.
