//! `--format text` and `--format json`.
//!
//! # JSON (`--format json`)
//!
//! One object on stdout, whatever the exit code. Keys are never removed within a major
//! version; new keys may be added. A key that does not apply is `null`.
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `findings` | array of finding objects | what was found, by path, line and column |
//! | `suppressed` | array of finding objects | findings silenced by `bind-guard: allow-wildcard <reason>` |
//! | `errors` | array of `{path, uri, message, unreadable}` | files not scanned: `unreadable` true (exit code 2), or reported and skipped (a parse error, a file over the size cap, YAML whose merge keys expand past the budget); and parts of a scanned file that were not read, `unreadable` false, the message starting with their line (a config file carried in YAML that does not parse, sits in a folded or quoted string, or is nested more than two files deep) |
//! | `root` | string or null | the directory `uri`s are relative to: `--root`, the git top level of the scanned paths, the one directory scanned, or the current directory |
//! | `summary` | object | `files`, `high`, `low`, `suppressed`, `errors`, `in_baseline` (findings left out because `--baseline` has them), `seconds`, `files_per_second` |
//!
//! A finding object:
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `rule` | string | `wildcard-string`, `wildcard-constant`, `wildcard-constructed`, `config-wildcard`, `compose-publish-all`, `host-network`, `kubernetes-host-port`, `argument-wildcard`, `socket-unit-wildcard`, `suppression-without-reason` |
//! | `confidence` | string | `high` (reaches a bind-like call, or a config's listening address) or `low` |
//! | `path` | string | the file as walked |
//! | `uri` | string | the file relative to `root`, as a URI reference (what the text output prints, unencoded) |
//! | `fingerprint` | string | a hash of the line's text and its occurrence in the file: with `rule` and `uri`, what `--baseline` matches |
//! | `line`, `column` | number | where it starts, from 1; columns count characters |
//! | `end_line`, `end_column` | number | where it ends (the column just past it) |
//! | `message` | string | what the value is and where it goes |
//! | `fix` | string | how to fix it |
//! | `snippet` | string | the source line, trimmed |
//! | `reason` | string or null | the suppression's reason (in `suppressed` only) |

use std::fmt::Write;

use bind_guard::Escaped;
use serde::Serialize;

use super::{Report, Reported};
use crate::Outcome;

/// Longest snippet printed, in bytes.
const SNIPPET_BYTES: usize = 200;

/// Findings on stdout, one block each; parse errors and the summary on stderr.
pub(crate) fn text(report: &Report) -> Outcome {
    let mut out = String::new();
    for reported in &report.findings {
        let finding = &reported.finding;
        let rule = finding.rule.rule();
        // `write!` to a String cannot fail.
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}: {}\n    | {}\n    = fix: {}\n",
            Escaped::new(&reported.relative),
            finding.position.line,
            finding.position.column,
            finding.confidence.name(),
            rule.name,
            Escaped::new(&finding.message),
            Escaped::cut(&reported.snippet, SNIPPET_BYTES),
            rule.fix,
        );
    }
    let mut err = String::new();
    for error in &report.errors {
        let _ = writeln!(
            err,
            "{}: {}",
            Escaped::new(&error.path),
            Escaped::new(&error.message)
        );
    }
    let high = report
        .findings
        .iter()
        .filter(|r| r.finding.confidence == super::Confidence::High)
        .count();
    let seconds = report.elapsed.as_secs_f64();
    let _ = writeln!(
        err,
        "bind-guard scan: {} finding{} ({high} high, {} low), {} suppressed, {}{} file{} not scanned; {} files in {seconds:.2} s ({:.0} files/s)",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        report.findings.len() - high,
        report.suppressed.len(),
        if report.in_baseline > 0 {
            format!("{} in the baseline, ", report.in_baseline)
        } else {
            String::new()
        },
        report.errors.len(),
        if report.errors.len() == 1 { "" } else { "s" },
        report.files,
        files_per_second(report),
    );
    Outcome {
        code: 0,
        stdout: out,
        stderr: err,
    }
}

fn files_per_second(report: &Report) -> f64 {
    let seconds = report.elapsed.as_secs_f64();
    if seconds > 0.0 {
        report.files as f64 / seconds
    } else {
        0.0
    }
}

/// The JSON document (keys in the module docs).
#[derive(Debug, Serialize)]
pub(crate) struct Json<'a> {
    findings: Vec<FindingJson<'a>>,
    suppressed: Vec<FindingJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
    root: Option<String>,
    summary: Summary,
}

#[derive(Debug, Serialize)]
struct FindingJson<'a> {
    rule: &'static str,
    confidence: &'static str,
    path: &'a str,
    uri: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    fix: &'static str,
    snippet: &'a str,
    reason: Option<&'a str>,
    fingerprint: &'a str,
}

#[derive(Debug, Serialize)]
struct ErrorJson<'a> {
    path: &'a str,
    uri: &'a str,
    message: &'a str,
    unreadable: bool,
}

#[derive(Debug, Serialize)]
struct Summary {
    files: usize,
    high: usize,
    low: usize,
    suppressed: usize,
    errors: usize,
    in_baseline: usize,
    seconds: f64,
    files_per_second: f64,
}

fn finding(reported: &Reported) -> FindingJson<'_> {
    let finding = &reported.finding;
    FindingJson {
        rule: finding.rule.name(),
        confidence: finding.confidence.name(),
        path: &reported.path,
        uri: &reported.uri,
        line: finding.position.line,
        column: finding.position.column,
        end_line: finding.position.end_line,
        end_column: finding.position.end_column,
        message: &finding.message,
        fix: finding.rule.rule().fix,
        snippet: &reported.snippet,
        reason: reported.suppressed.as_deref(),
        fingerprint: &reported.fingerprint,
    }
}

pub(crate) fn json(report: &Report) -> Json<'_> {
    let high = report
        .findings
        .iter()
        .filter(|r| r.finding.confidence == super::Confidence::High)
        .count();
    Json {
        findings: report.findings.iter().map(finding).collect(),
        suppressed: report.suppressed.iter().map(finding).collect(),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorJson {
                path: &e.path,
                uri: &e.uri,
                message: &e.message,
                unreadable: e.unreadable,
            })
            .collect(),
        root: report.root.as_ref().map(|r| r.display().to_string()),
        summary: Summary {
            files: report.files,
            high,
            low: report.findings.len() - high,
            suppressed: report.suppressed.len(),
            errors: report.errors.len(),
            in_baseline: report.in_baseline,
            seconds: report.elapsed.as_secs_f64(),
            files_per_second: files_per_second(report),
        },
    }
}
