//! `bind-guard scan`, run as a real process on the annotated fixture tree
//! (`tests/scan-fixtures/`, annotations described in its README) and on hostile input.

mod scan_support;

use std::fs;
use std::path::Path;

use scan_support::{TempDir, annotations, differences, fixtures, found, scan};
use serde_json::Value;

/// `bind-guard scan PATH --format json`, parsed.
fn scan_json(path: &Path) -> (i32, Value) {
    scan_support::scan_json(&[path.to_str().unwrap()])
}

#[test]
fn fixture_tree_matches_its_annotations_exactly() {
    let (expected, negatives) = annotations("");
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
    let wrong = differences(&expected, &found(&json));
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
    let dir = TempDir::with_file(
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
