//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! One run; `tool.driver.rules` from [`RULES`] with `security-severity` and CWE tags;
//! results with a `physicalLocation` relative to the scanned root and a
//! `primaryLocationLineHash` that follows the line's text, not its number, so an alert
//! survives edits above it. Files that were not scanned are tool notifications.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::rules::RULES;
use super::{Confidence, Report, Reported, RuleId};

/// The schema URI written in `$schema`.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of the scanned directory in `originalUriBaseIds`.
const ROOT_ID: &str = "SRCROOT";

/// The SARIF log of a report.
pub(crate) fn log(report: &Report) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.name,
                "name": rule.name,
                "shortDescription": { "text": rule.short },
                "fullDescription": { "text": rule.full },
                "help": {
                    "text": format!("{} Fix: {}.", rule.full, rule.fix),
                    "markdown": format!("{}\n\n**Fix:** {}.", rule.full, rule.fix),
                },
                "defaultConfiguration": { "level": "error" },
                "properties": {
                    "tags": rule.tags,
                    "security-severity": rule.security_severity,
                    "precision": rule.precision,
                    "problem.severity": "error",
                },
            })
        })
        .collect();
    let base = report.root.is_some();
    let mut counts: HashMap<(String, u64), usize> = HashMap::new();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|reported| result(reported, base, &mut counts))
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|error| {
            json!({
                "level": if error.unreadable { "error" } else { "warning" },
                "message": { "text": error.message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&error.uri, base) } }],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "bind-guard",
                "informationUri": "https://github.com/bind-guard/bind-guard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": !report.errors.iter().any(|e| e.unreadable),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
    });
    if let (Some(root), Some(object)) = (&report.root, run.as_object_mut()) {
        object.insert(
            "originalUriBaseIds".to_owned(),
            json!({ ROOT_ID: { "uri": directory_uri(root) } }),
        );
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn artifact(uri: &str, base: bool) -> Value {
    if base {
        json!({ "uri": uri, "uriBaseId": ROOT_ID })
    } else {
        json!({ "uri": uri })
    }
}

fn result(reported: &Reported, base: bool, counts: &mut HashMap<(String, u64), usize>) -> Value {
    let finding = &reported.finding;
    let level = match (finding.rule, finding.confidence) {
        (RuleId::SuppressionWithoutReason, _) | (_, Confidence::Low) => "warning",
        (_, Confidence::High) => "error",
    };
    let rule_index = RULES.iter().position(|r| r.id == finding.rule).unwrap_or(0);
    let hash = line_hash(&reported.snippet);
    let occurrence = counts.entry((reported.uri.clone(), hash)).or_insert(0);
    *occurrence += 1;
    let position = finding.position;
    json!({
        "ruleId": finding.rule.name(),
        "ruleIndex": rule_index,
        "level": level,
        "message": { "text": finding.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&reported.uri, base),
                "region": {
                    "startLine": position.line,
                    "startColumn": position.column,
                    "endLine": position.end_line,
                    "endColumn": position.end_column,
                    "snippet": { "text": reported.snippet },
                },
            }
        }],
        "partialFingerprints": {
            "primaryLocationLineHash": format!("{hash:016x}:{occurrence}"),
        },
        "properties": { "confidence": finding.confidence.name() },
    })
}

/// FNV-1a of the line without white space: stable across re-indentation, and the
/// occurrence number tells identical lines in one file apart.
fn line_hash(line: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in line.bytes().filter(|b| !b.is_ascii_whitespace()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `file:///abs/dir/` for a directory.
fn directory_uri(dir: &std::path::Path) -> String {
    let mut uri = String::from("file://");
    let encoded = super::uri(std::path::Path::new(""), dir);
    if !encoded.starts_with('/') {
        uri.push('/');
    }
    uri.push_str(&encoded);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_hash_ignores_white_space_only() {
        assert_eq!(line_hash("let a = 1;"), line_hash("  let a=1;"));
        assert_ne!(line_hash("let a = 1;"), line_hash("let a = 2;"));
    }

    #[test]
    fn directory_uris() {
        assert_eq!(
            directory_uri(std::path::Path::new("/srv/my app")),
            "file:///srv/my%20app/"
        );
    }
}
