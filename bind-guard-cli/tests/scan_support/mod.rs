//! What the `scan` test files share: running the binary, temporary trees, and reading
//! the fixture annotations (described in `scan-fixtures/README.md`).

// Each test binary uses part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scan-fixtures")
}

#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// `bind-guard scan ARGS`.
pub(crate) fn scan(args: &[&str]) -> Run {
    run(env!("CARGO_BIN_EXE_bind-guard"), &["scan"], args)
}

pub(crate) fn run(binary: &str, first: &[&str], args: &[&str]) -> Run {
    let out = Command::new(binary)
        .args(first)
        .args(args)
        .output()
        .expect("run bind-guard");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// `bind-guard scan ARGS --format json`, parsed.
pub(crate) fn scan_json(args: &[&str]) -> (i32, Value) {
    scan_as("json", args)
}

/// `bind-guard scan ARGS --format FORMAT` (`json` or `sarif`), parsed.
pub(crate) fn scan_as(format: &str, args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", format]);
    let run = scan(&all);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

/// The lines of a JSON report's findings, in report order.
pub(crate) fn finding_lines(json: &Value) -> Vec<u64> {
    let findings = json["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    findings
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect()
}

/// A directory holding one file, `name` with `text`, scanned with `--format FORMAT`.
pub(crate) fn scan_one_file(format: &str, name: &str, text: &str) -> (i32, Value) {
    let dir = TempDir::with_file(name, text);
    scan_as(format, &[dir.path()])
}

/// A fresh directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bind-guard-scan-{}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed),
            module_path!().replace(':', "_"),
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A fresh directory holding one file, `name` with `text`: most scan tests need no more.
    pub(crate) fn with_file(name: &str, text: &str) -> TempDir {
        let dir = TempDir::new();
        dir.file(name, text);
        dir
    }

    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, text).unwrap();
        path
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `(uri, line)` → sorted findings, as `"CONFIDENCE RULE"` or `"suppressed RULE"`.
pub(crate) type Lines = BTreeMap<(String, u64), Vec<String>>;

/// The annotations of the files under `fixtures()/under` (URIs relative to
/// `fixtures()`), and how many lines say `none`.
pub(crate) fn annotations(under: &str) -> (Lines, usize) {
    let mut expected = Lines::new();
    let mut negatives = 0;
    let mut stack = vec![fixtures().join(under)];
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

/// The findings and suppressed findings of a JSON report, keyed like [`annotations`].
pub(crate) fn found(json: &Value) -> Lines {
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

/// Every difference between two sets of lines, one per line of text.
pub(crate) fn differences(expected: &Lines, found: &Lines) -> Vec<String> {
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
    wrong.sort();
    wrong.dedup();
    wrong
}
