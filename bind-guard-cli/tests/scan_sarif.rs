//! `bind-guard scan --format sarif` as GitHub code scanning reads it: valid SARIF 2.1.0
//! (the official schema, `tests/data/`), URIs relative to the repository root and the
//! same paths in the text output, `helpUri`, suppressions, `security-severity` by
//! confidence, and `--baseline`.

mod scan_support;

use std::path::Path;

use scan_support::{TempDir, finding_lines, fixtures, scan, scan_as, scan_json, scan_one_file};
use serde_json::Value;

fn scan_sarif(args: &[&str]) -> (i32, Value) {
    scan_as("sarif", args)
}

/// The repository this test runs in (its git top level).
fn repository() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .expect("the tests run in a git checkout")
        .canonicalize()
        .unwrap()
}

#[test]
fn sarif_is_valid_sarif_2_1_0_for_code_scanning() {
    let (code, sarif) = scan_sarif(&[fixtures().to_str().unwrap()]);
    assert_eq!(code, 1);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The validator does check: a level or a suppression kind SARIF does not know is
    // refused.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("high");
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    let suppressed = broken["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("suppressions").is_some())
        .unwrap();
    suppressed["suppressions"][0]["kind"] = Value::from("inComment");
    assert!(!validator.is_valid(&broken));

    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for key in [
            "id",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
        ] {
            assert!(!rule[key].is_null(), "{key} in {rule}");
        }
        let name = rule["name"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("bind-guard-cli/README.md#{name}")),
            "{rule}"
        );
        // The README has the section the link names.
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .unwrap();
        assert!(
            readme.contains(&format!("\n#### `{name}`\n")),
            "README section for {name}"
        );
    }
    let results = run["results"].as_array().unwrap();
    let (_, json) = scan_json(&[fixtures().to_str().unwrap()]);
    let reported = json["findings"].as_array().unwrap().len();
    let suppressed = json["suppressed"].as_array().unwrap().len();
    assert_eq!(results.len(), reported + suppressed);
    let mut hashes = std::collections::HashSet::new();
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            hashes.insert((id.to_owned(), uri.to_owned(), hash.to_owned())),
            "fingerprints are unique"
        );
    }
}

#[test]
fn uris_are_relative_to_the_repository_root_and_the_text_prints_the_same() {
    let repository = repository();
    // Scanned from inside the package, as `cd bind-guard-cli && bind-guard scan
    // tests/scan-fixtures` would.
    let (_, sarif) = scan_sarif(&[fixtures().to_str().unwrap()]);
    let run = &sarif["runs"][0];
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        base,
        format!("file://{}/", repository.display()),
        "SRCROOT is the git top level"
    );
    let mut uris = std::collections::BTreeSet::new();
    for result in run["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "SRCROOT");
        let uri = location["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("bind-guard-cli/tests/scan-fixtures/"),
            "relative to the repository root: {uri}"
        );
        assert!(repository.join(uri.replace("%20", " ")).is_file(), "{uri}");
        uris.insert(uri.to_owned());
    }
    assert!(uris.len() > 10);
    let text = scan(&[fixtures().to_str().unwrap()]);
    for uri in &uris {
        assert!(text.stdout.contains(&format!("{uri}:")), "text names {uri}");
    }
    // `--root` chooses another base.
    let (_, sarif) = scan_sarif(&[
        fixtures().join("configs").to_str().unwrap(),
        "--root",
        fixtures().to_str().unwrap(),
    ]);
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("configs/"), "{uri}");
    let missing = scan(&[".", "--root", "/nonexistent-root"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

#[test]
fn suppressions_and_severity_follow_the_finding() {
    let (code, sarif) = scan_one_file(
        "sarif",
        "main.rs",
        "fn main() {\n    TcpListener::bind(\"0.0.0.0:80\");\n    let unused = \"0.0.0.0\";\n    // bind-guard: allow-wildcard in a container\n    TcpListener::bind(\"[::]:80\");\n}\n",
    );
    assert_eq!(code, 1);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let severity = |id: &str| -> f64 {
        let rule = rules.iter().find(|r| r["id"] == id).unwrap();
        rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        severity("wildcard-string") >= 7.0,
        "high: GitHub's high band"
    );
    assert!(
        severity("wildcard-string/low") < 4.0,
        "low: GitHub's low band"
    );
    let results = run["results"].as_array().unwrap();
    let summary: Vec<(u64, &str, &str, Option<&str>)> = results
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["suppressions"][0]["justification"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "wildcard-string", "error", None),
            (3, "wildcard-string/low", "warning", None),
            (5, "wildcard-string", "error", Some("in a container")),
        ]
    );
    assert_eq!(results[2]["suppressions"][0]["kind"], "inSource");
}

#[test]
fn a_baseline_reports_only_new_findings_even_after_lines_move() {
    let dir = TempDir::new();
    let src = dir.file(
        "src/main.rs",
        "fn main() {\n    TcpListener::bind(\"0.0.0.0:80\");\n}\n",
    );
    let baseline = TempDir::new();
    for format in ["json", "sarif"] {
        let before = scan(&[dir.path(), "--format", format]);
        assert_eq!(before.code, 1);
        let file = baseline.file(&format!("baseline.{format}"), &before.stdout);
        let file = file.to_str().unwrap();
        // Nothing new: exit 0.
        let (code, json) = scan_json(&[dir.path(), "--baseline", file]);
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["summary"]["in_baseline"], 1);
        // Lines added above the known finding, and a new one.
        std::fs::write(
            &src,
            "use std::net::TcpListener;\n\nfn main() {\n    TcpListener::bind(\"0.0.0.0:80\");\n    TcpListener::bind(\"0.0.0.0:81\");\n}\n",
        )
        .unwrap();
        let (code, json) = scan_json(&[dir.path(), "--baseline", file]);
        assert_eq!(code, 1);
        let lines = finding_lines(&json);
        assert_eq!(lines, [5], "only the new finding");
        let (_, sarif) = scan_sarif(&[dir.path(), "--baseline", file]);
        assert_eq!(sarif["runs"][0]["results"][0]["baselineState"], "new");
        std::fs::write(
            &src,
            "fn main() {\n    TcpListener::bind(\"0.0.0.0:80\");\n}\n",
        )
        .unwrap();
    }
    // A baseline that is not one is an error, not an empty baseline.
    let bad = baseline.file("bad.json", "{\"results\": []}");
    let run = scan(&[dir.path(), "--baseline", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--baseline"), "{}", run.stderr);
}

#[test]
fn sarif_columns_point_at_the_value() {
    let dir = TempDir::new();
    let file = dir.file(
        "a.rs",
        "fn f() {\n    let l = TcpListener::bind(\"0.0.0.0:80\");\n}\n",
    );
    let (_, sarif) = scan_sarif(&[file.to_str().unwrap()]);
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 31);
    assert_eq!(region["endColumn"], 31 + "\"0.0.0.0:80\"".len() as u64);
}

#[test]
fn cargo_bind_guard_runs_scan_as_a_cargo_subcommand() {
    let dir = TempDir::with_file(
        "main.rs",
        "fn main() { TcpListener::bind(\"0.0.0.0:1\"); }\n",
    );
    let cargo = env!("CARGO_BIN_EXE_cargo-bind-guard");
    // What cargo runs for `cargo bind-guard scan DIR`.
    let run = scan_support::run(cargo, &["bind-guard", "scan"], &[dir.path()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("main.rs:1:31: high wildcard-string"),
        "{}",
        run.stdout
    );
    // Run directly, it is the same command.
    let direct = scan_support::run(cargo, &["scan"], &[dir.path()]);
    assert_eq!(direct.stdout, run.stdout);
}
