//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! One run; `tool.driver.rules` from [`RULES`], each with a `helpUri` (its README
//! section) and CWE tags, and twice: `wildcard-string` for high-confidence results and
//! `wildcard-string/low` for leads, because code scanning reads `security-severity`
//! from the rule, and the severity follows the confidence. Results have a
//! `physicalLocation` relative to the repository root (`SRCROOT`, the git top level or
//! `--root`) and a `primaryLocationLineHash` that follows the line's text, not its
//! number, so an alert survives edits above it. Suppressed findings are results with
//! an `inSource` suppression and its justification. Files that were not scanned are
//! tool notifications.

use serde_json::{Value, json};

use super::rules::{HELP_BASE, HYGIENE_SEVERITY, RULES, Rule, security_severity};
use super::{Confidence, Report, Reported, RuleId};

/// The schema URI written in `$schema`.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of the scanned directory in `originalUriBaseIds`.
const ROOT_ID: &str = "SRCROOT";

/// The descriptors of one rule: its high-confidence one, and the low-confidence one
/// of an exposure rule.
fn descriptors(rule: &Rule) -> Vec<(String, Confidence)> {
    let mut out = vec![(rule.name.to_owned(), Confidence::High)];
    if rule.security {
        out.push((format!("{}/low", rule.name), Confidence::Low));
    }
    out
}

/// The SARIF `ruleId` of a finding.
fn rule_id(rule: RuleId, confidence: Confidence) -> String {
    match (rule.rule().security, confidence) {
        (true, Confidence::Low) => format!("{}/low", rule.name()),
        _ => rule.name().to_owned(),
    }
}

/// The SARIF log of a report; `baseline`: whether `--baseline` left out known results
/// (then every result is marked `new`).
pub(crate) fn log(report: &Report, baseline: bool) -> Value {
    let mut ids = Vec::new();
    let rules: Vec<Value> = RULES
        .iter()
        .flat_map(|rule| descriptors(rule).into_iter().map(move |d| (rule, d)))
        .map(|(rule, (id, confidence))| {
            let severity = if rule.security {
                security_severity(confidence)
            } else {
                HYGIENE_SEVERITY
            };
            let descriptor = json!({
                "id": id,
                "name": rule.name,
                "shortDescription": { "text": match confidence {
                    Confidence::High => rule.short.to_owned(),
                    Confidence::Low => format!("{} (low confidence: its use is not followed)", rule.short),
                } },
                "fullDescription": { "text": rule.full },
                "helpUri": format!("{HELP_BASE}{}", rule.name),
                "help": {
                    "text": format!("{} Fix: {}.", rule.full, rule.fix),
                    "markdown": format!("{}\n\n**Fix:** {}.", rule.full, rule.fix),
                },
                "defaultConfiguration": { "level": level(rule.id, confidence) },
                "properties": {
                    "tags": rule.tags,
                    "security-severity": severity,
                    "precision": match confidence {
                        Confidence::High => "high",
                        Confidence::Low => "low",
                    },
                    "problem.severity": if level(rule.id, confidence) == "error" { "error" } else { "warning" },
                },
            });
            ids.push(id);
            descriptor
        })
        .collect();
    let base = report.root.is_some();
    let results: Vec<Value> = report
        .findings
        .iter()
        .chain(&report.suppressed)
        .map(|reported| result(reported, base, &ids, baseline))
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

fn level(rule: RuleId, confidence: Confidence) -> &'static str {
    match (rule, confidence) {
        (RuleId::SuppressionWithoutReason, _) | (_, Confidence::Low) => "warning",
        (_, Confidence::High) => "error",
    }
}

/// A file's location: relative to `SRCROOT`, or a `file:` URI outside the root.
fn artifact(uri: &str, base: bool) -> Value {
    if uri.starts_with('/') {
        json!({ "uri": format!("file://{uri}") })
    } else if base {
        json!({ "uri": uri, "uriBaseId": ROOT_ID })
    } else {
        json!({ "uri": uri })
    }
}

fn result(reported: &Reported, base: bool, ids: &[String], baseline: bool) -> Value {
    let finding = &reported.finding;
    let id = rule_id(finding.rule, finding.confidence);
    let rule_index = ids.iter().position(|i| *i == id).unwrap_or(0);
    let position = finding.position;
    let mut result = json!({
        "ruleId": id,
        "ruleIndex": rule_index,
        "level": level(finding.rule, finding.confidence),
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
            "primaryLocationLineHash": reported.fingerprint,
        },
        "properties": { "confidence": finding.confidence.name() },
    });
    if let Some(object) = result.as_object_mut() {
        if let Some(reason) = &reported.suppressed {
            object.insert(
                "suppressions".to_owned(),
                json!([{ "kind": "inSource", "status": "accepted", "justification": reason }]),
            );
        }
        if baseline && reported.suppressed.is_none() {
            object.insert("baselineState".to_owned(), json!("new"));
        }
    }
    result
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
    fn directory_uris() {
        assert_eq!(
            directory_uri(std::path::Path::new("/srv/my app")),
            "file:///srv/my%20app/"
        );
    }
}
