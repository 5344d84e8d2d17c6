//! `bind-guard scan` on config files, run as a real process: the annotated fixtures of
//! every config class (`tests/scan-fixtures/configs/`), JSON configs (which cannot hold
//! annotations), and hostile files (huge, merge-key bombs, templates, terminal controls).

mod scan_support;

use scan_support::{
    TempDir, annotations, differences, finding_lines, fixtures, found, scan, scan_json,
    scan_one_file,
};
use serde_json::Value;

#[test]
fn every_config_class_matches_its_annotations_exactly() {
    let (expected, negatives) = annotations("configs");
    let positives: usize = expected.values().map(Vec::len).sum();
    assert!(positives >= 55, "only {positives} positive cases");
    assert!(negatives >= 30, "only {negatives} negative cases");
    let root = fixtures();
    let dir = root.join("configs");
    let (code, json) = scan_json(&[dir.to_str().unwrap(), "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(json["errors"], Value::Array(vec![]), "every config parses");
    let wrong = differences(&expected, &found(&json));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every class is there: each rule a config can give, both confidences.
    let labels: std::collections::BTreeSet<&str> =
        expected.values().flatten().map(String::as_str).collect();
    for label in [
        "high config-wildcard",
        "low config-wildcard",
        "high compose-publish-all",
        "low compose-publish-all",
        "high host-network",
        "high kubernetes-host-port",
        "high argument-wildcard",
        "high socket-unit-wildcard",
        "suppressed config-wildcard",
        "suppressed compose-publish-all",
        "suppressed argument-wildcard",
    ] {
        assert!(labels.contains(label), "no fixture for {label}");
    }
    // Not read at all: package manifests and CI workflows.
    let uris: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uri"].as_str().unwrap())
        .collect();
    assert!(
        !uris
            .iter()
            .any(|u| u.contains("package.json") || u.contains(".github"))
    );
}

#[test]
fn json_configs_are_read_by_key_with_exact_lines() {
    let dir = TempDir::with_file(
        "config.json",
        "{\n  \"server\": {\n    \"host\": \"0.0.0.0\",\n    \"port\": 8080\n  },\n  \"database\": {\"host\": \"0.0.0.0\"},\n  \"listen\": [\"127.0.0.1:1\", \"[::]:2\"]\n}\n",
    );
    dir.file(
        "package.json",
        "{\"config\": {\"listen\": \"0.0.0.0:1\"}}\n",
    );
    dir.file("appsettings.json", "{\"Kestrel\": {\"bind\": \"::\"}}");
    let (code, json) = scan_json(&[dir.path()]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["files"], 2, "package.json is not a config");
    let got: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["uri"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["confidence"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("appsettings.json", 1, "high"),
        ("config.json", 3, "high"),
        ("config.json", 6, "low"),
        ("config.json", 7, "high"),
    ];
    assert_eq!(
        got,
        want.map(|(u, l, c)| (u.to_owned(), l, c.to_owned())),
        "{json}"
    );
    let column = json["findings"][1]["column"].as_u64().unwrap();
    assert_eq!(column, 13, "the value's column");
}

#[test]
fn a_compose_finding_points_at_the_value() {
    let (_, json) = scan_one_file(
        "json",
        "compose.yaml",
        "services:\n  web:\n    image: x\n    ports: &pörts [\"127.0.0.1:1:1\",\n      \"8080:80\"]\n    expose: *pörts\n",
    );
    let finding = &json["findings"][0];
    assert_eq!(
        (
            finding["line"].as_u64(),
            finding["column"].as_u64(),
            finding["rule"].as_str()
        ),
        (Some(5), Some(7), Some("compose-publish-all")),
        "{json}"
    );
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{json}");
}

#[test]
fn files_that_cannot_be_scanned_are_reported_never_skipped_silently() {
    let dir = TempDir::new();
    // A Helm template is not YAML until rendered.
    dir.file(
        "templates/deployment.yaml",
        "spec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  ports: [{{ .Values.port }}\n",
    );
    // Each level merges the one before twice: 2^40 entries if expanded.
    let mut bomb = String::from("a0: &a0 {k: v}\n");
    for i in 1..40 {
        bomb.push_str(&format!("a{i}: &a{i}\n  <<: [*a{}, *a{}]\n", i - 1, i - 1));
    }
    bomb.push_str("services:\n  web:\n    <<: *a39\n    image: x\n");
    dir.file("docker-compose.yml", &bomb);
    dir.file("Rocket.toml", "[release\naddress = \"0.0.0.0\"\n");
    let (code, json) = scan_json(&[dir.path()]);
    assert_eq!(code, 0, "parse errors are reported and skipped: {json}");
    let errors = json["errors"].as_array().unwrap();
    let messages: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e["uri"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].0 == "Rocket.toml" && messages[0].1.starts_with("not parsed as TOML"));
    assert!(messages[1].0 == "docker-compose.yml" && messages[1].1.contains("merge keys"));
    assert!(
        messages[2].0 == "templates/deployment.yaml"
            && messages[2].1.starts_with("not parsed as YAML")
    );
    assert!(errors.iter().all(|e| e["unreadable"] == false));
}

#[test]
fn a_huge_config_is_refused_with_a_message_and_a_large_one_is_scanned_whole() {
    let dir = TempDir::new();
    // Over the 8 MiB cap.
    let huge = "x: 1\n".repeat(2 * 1024 * 1024);
    dir.file("huge.yaml", &huge);
    let (code, json) = scan_json(&[dir.path()]);
    assert_eq!(code, 2, "{json}");
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than 8 MiB")
    );
    std::fs::remove_file(dir.0.join("huge.yaml")).unwrap();
    // 50,000 published ports and 50,000 aliases to one of them: every port found once,
    // no alias expanded.
    let mut big = String::from("x-a: &a \"1:1\"\nservices:\n  web:\n    image: x\n    ports:\n");
    for i in 0..50_000 {
        big.push_str(&format!("      - \"{}:80\"\n", 10_000 + i % 50_000));
    }
    big.push_str("    expose:\n");
    for _ in 0..50_000 {
        big.push_str("      - *a\n");
    }
    dir.file("compose.yaml", &big);
    let (code, json) = scan_json(&[dir.path()]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["high"], 50_000);
    assert_eq!(json["errors"], Value::Array(vec![]));
}

#[test]
fn hostile_config_text_does_not_reach_the_terminal() {
    let dir = TempDir::new();
    // TOML refuses raw control characters, not escaped ones.
    dir.file("app.toml", "\"bind\\u001b[2K\u{202e}\" = \"0.0.0.0\"\n");
    let run = scan(&[dir.path()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'));
    assert!(run.stdout.contains(r"\u{1b}[2K\u{202e}"), "{}", run.stdout);
}

/// A config file carried in YAML that scan cannot read (folded, so its lines are not
/// the file's) is an error of the outer file, with its line and what to write instead,
/// beside the findings of the part that was read: never skipped in silence.
#[test]
fn a_config_file_in_yaml_that_is_not_read_is_reported_with_its_line() {
    let dir = TempDir::with_file(
        "configmap.yaml",
        "data:\n  app.toml: >\n    bind = \"0.0.0.0:1\"\n  server.yaml: |\n    listen: 0.0.0.0:2\n",
    );
    let (code, json) = scan_json(&[dir.path(), "--root", dir.path()]);
    assert_eq!(code, 1, "the block that was read has a finding: {json}");
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json}");
    assert_eq!(errors[0]["path"], "configmap.yaml");
    assert_eq!(errors[0]["unreadable"], false);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 3: `app.toml` holds a config file in a folded"),
        "{message}"
    );
    assert!(message.contains("`app.toml: |`"), "{message}");
    let lines = finding_lines(&json);
    assert_eq!(lines, [5], "{json}");
}
