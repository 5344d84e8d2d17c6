//! `bind-guard scan`: wildcard binds in Rust source and config files, before they ship.
//!
//! The walk collects `.rs` files and the config files [`ConfigKind`] knows, scans them
//! on all cores (one file per task), applies `bind-guard: allow-wildcard <reason>`
//! comments, drops what a `--baseline` already reported (`baseline.rs`), and prints
//! text, JSON (keys in `output.rs`) or SARIF (`sarif.rs`). Paths are printed relative
//! to the repository root (`root.rs`), the same in every format.
//!
//! Exit codes: 0 no finding, 1 findings, 2 a usage error or an unreadable input (a
//! missing path, a file that is not UTF-8); a file that does not parse is reported in
//! `errors` and skipped.

mod baseline;
mod classify;
mod config;
mod output;
mod root;
mod rules;
mod rust;
mod sarif;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::{EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE, Outcome};
use config::ConfigKind;
pub(crate) use rules::RuleId;

/// Arguments of `scan`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ScanArgs {
    /// Files and directories to scan (directories recursively, skipping .git, target
    /// and node_modules)
    #[arg(value_name = "PATH", default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub(crate) json: bool,
    /// Report only findings of at least this confidence (high: the value reaches a
    /// bind call or is a config's listening address)
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = Confidence::Low)]
    pub(crate) min_confidence: Confidence,
    /// The directory paths are printed relative to (and SARIF's SRCROOT); default: the
    /// git top level of the scanned paths, else the one directory scanned, else the
    /// current directory
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// A previous `--format json` or `--format sarif` output: report only findings
    /// that are not in it (matched by rule, file and the line's text, not its number)
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// One block per finding: file:line:col, the line, why, the fix
    Text,
    /// One JSON object with findings, suppressed findings, errors and a summary
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
}

/// How sure the scanner is that the wildcard is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub(crate) enum Confidence {
    /// The value reaches a bind-like call (or is a config's listening address).
    High,
    /// A wildcard value whose use the scanner does not follow.
    Low,
}

impl Confidence {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Low => "low",
        }
    }
}

/// Where a finding is: lines and columns from 1, columns in characters, the end
/// column just past the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Position {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
}

impl Position {
    /// The place of `text` starting at `line`, `column`, on that one line.
    pub(crate) fn of(line: usize, column: usize, text: &str) -> Position {
        Position {
            line,
            column,
            end_line: line,
            end_column: column + text.chars().count(),
        }
    }
}

/// A finding in one file, before suppressions.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) rule: RuleId,
    pub(crate) confidence: Confidence,
    pub(crate) position: Position,
    /// Why: what the value is and where it goes.
    pub(crate) message: String,
}

/// A finding with what the outputs print around it.
#[derive(Debug, Clone)]
pub(crate) struct Reported {
    pub(crate) finding: Finding,
    /// The path as walked (JSON `path`).
    pub(crate) path: String,
    /// The path relative to the root, `/`-separated (the text output's).
    pub(crate) relative: String,
    /// The same, as a URI reference (JSON `uri`, SARIF's artifact location).
    pub(crate) uri: String,
    /// Rule, file and the line's text: what identifies the finding across edits that
    /// move it (SARIF `primaryLocationLineHash`, `--baseline`). Set by [`scan`].
    pub(crate) fingerprint: String,
    /// The source line, trimmed (raw: each output escapes it as it needs).
    pub(crate) snippet: String,
    /// The reason of the `allow-wildcard` comment that suppresses it.
    pub(crate) suppressed: Option<String>,
}

/// A file that could not be scanned.
#[derive(Debug, Clone)]
pub(crate) struct FileError {
    pub(crate) path: String,
    pub(crate) uri: String,
    pub(crate) message: String,
    /// `true` when the file could not be read (exit code 2), `false` when it was read
    /// but not parsed (reported and skipped).
    pub(crate) unreadable: bool,
}

/// Everything one run found.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) findings: Vec<Reported>,
    pub(crate) suppressed: Vec<Reported>,
    pub(crate) errors: Vec<FileError>,
    pub(crate) files: usize,
    pub(crate) elapsed: Duration,
    /// The directory paths are relative to (SARIF's `SRCROOT`).
    pub(crate) root: Option<PathBuf>,
    /// Findings left out because the `--baseline` has them.
    pub(crate) in_baseline: usize,
}

/// A file to scan.
#[derive(Debug)]
struct Job {
    path: PathBuf,
    /// Relative to the root (or absolute, outside it).
    relative: String,
    uri: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rust,
    Config(ConfigKind),
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".rs") {
            return Some(Kind::Rust);
        }
        ConfigKind::of(path).map(Kind::Config)
    }

    /// The comment starts a suppression may follow.
    fn comment_starts(self) -> &'static [&'static str] {
        match self {
            Kind::Rust => &["//", "/*"],
            Kind::Config(_) => &["#"],
        }
    }
}

/// Directories never descended into: version control, build output, vendored JS.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// Files larger than this are reported and skipped: source files are far smaller, and
/// the scan of one file must stay bounded.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Worker threads parse nested code recursively; give them room.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// Runs `scan`.
pub(crate) fn run(args: &ScanArgs) -> Outcome {
    let known = match args.baseline.as_deref().map(baseline::load).transpose() {
        Ok(known) => known,
        Err(message) => {
            return Outcome {
                code: EXIT_UNUSABLE,
                stdout: String::new(),
                stderr: format!("bind-guard scan: {}\n", bind_guard::Escaped::new(&message)),
            };
        }
    };
    let root = match root::choose(&args.paths, args.root.as_deref()) {
        Ok(root) => root,
        Err(message) => {
            return Outcome {
                code: EXIT_UNUSABLE,
                stdout: String::new(),
                stderr: format!("bind-guard scan: {}\n", bind_guard::Escaped::new(&message)),
            };
        }
    };
    let mut report = scan(&args.paths, root);
    // `High` sorts before `Low`: keep what is at least as sure as asked.
    report
        .findings
        .retain(|r| r.finding.confidence <= args.min_confidence);
    report
        .suppressed
        .retain(|r| r.finding.confidence <= args.min_confidence);
    if let Some(known) = &known {
        let before = report.findings.len();
        report.findings.retain(|r| !known.contains(r));
        report.in_baseline = before - report.findings.len();
    }
    let code = if report.errors.iter().any(|e| e.unreadable) {
        EXIT_UNUSABLE
    } else if report.findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_REFUSED
    };
    let format = if args.json { Format::Json } else { args.format };
    let mut outcome = match format {
        Format::Text => output::text(&report),
        Format::Json => Outcome::json(code, &output::json(&report)),
        Format::Sarif => Outcome::json(code, &sarif::log(&report, known.is_some())),
    };
    outcome.code = code;
    outcome
}

/// Scans `paths`, naming files relative to `root`.
pub(crate) fn scan(paths: &[PathBuf], root: Option<PathBuf>) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut jobs = Vec::new();
    for path in paths {
        collect(path, root.as_deref(), &mut jobs, &mut report.errors);
    }
    report.root = root;
    report.files = jobs.len();
    let results = run_jobs(&jobs);
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((reported, unread)) => {
                // Read but in part: each part not read is an error of the file (not an
                // unreadable one), beside its findings.
                report
                    .errors
                    .extend(unread.into_iter().map(|message| FileError {
                        path: job.relative.clone(),
                        uri: job.uri.clone(),
                        message,
                        unreadable: false,
                    }));
                for reported in reported {
                    if reported.suppressed.is_some() {
                        report.suppressed.push(reported);
                    } else {
                        report.findings.push(reported);
                    }
                }
            }
            Err((message, unreadable)) => report.errors.push(FileError {
                path: job.relative.clone(),
                uri: job.uri.clone(),
                message,
                unreadable,
            }),
        }
    }
    fingerprint(&mut report.findings);
    fingerprint(&mut report.suppressed);
    report.elapsed = started.elapsed();
    report
}

/// Sets each finding's fingerprint: rule, file, a hash of the line's text without white
/// space, and which of the identical lines of the file it is.
fn fingerprint(reported: &mut [Reported]) {
    let mut counts: std::collections::HashMap<(&'static str, String, u64), usize> =
        std::collections::HashMap::new();
    for r in reported {
        let hash = baseline::line_hash(&r.snippet);
        let occurrence = counts
            .entry((r.finding.rule.name(), r.uri.clone(), hash))
            .or_insert(0);
        *occurrence += 1;
        r.fingerprint = baseline::fingerprint(hash, *occurrence);
    }
}

/// A file's findings (suppressed ones included) and the parts of it that were not read;
/// or why it was not scanned (the message, and whether the file could not be read at all).
type JobResult = Result<(Vec<Reported>, Vec<String>), (String, bool)>;

/// Scans every job on all cores; the results are in the order of `jobs`.
fn run_jobs(jobs: &[Job]) -> Vec<JobResult> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, JobResult)> = Vec::with_capacity(jobs.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed);
                            let Some(job) = jobs.get(index) else { break };
                            done.push((index, scan_isolated(job)));
                        }
                        done
                    })
            })
            .collect();
        // A worker that could not start leaves its share to the others: they all take
        // jobs from one counter.
        for handle in handles.into_iter().flatten() {
            if let Ok(done) = handle.join() {
                results.extend(done);
            }
        }
    });
    let mut by_index: Vec<Option<JobResult>> = (0..jobs.len()).map(|_| None).collect();
    for (index, result) in results {
        if let Some(slot) = by_index.get_mut(index) {
            *slot = Some(result);
        }
    }
    // Only if no worker could start at all: scan here.
    by_index
        .into_iter()
        .zip(jobs)
        .map(|(result, job)| result.unwrap_or_else(|| scan_isolated(job)))
        .collect()
}

/// [`scan_file`], with a panic in the parser reported as this file's error rather than
/// ending the scan.
fn scan_isolated(job: &Job) -> JobResult {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scan_file(job))).unwrap_or_else(|_| {
        Err((
            "the scanner failed on this file (a bug: please report it); skipped".to_owned(),
            false,
        ))
    })
}

fn scan_file(job: &Job) -> JobResult {
    let text = read(&job.path).map_err(|message| (message, true))?;
    let (findings, unread) = match job.kind {
        Kind::Rust => {
            let result = rust::scan(&text);
            // The span table of proc-macro2 grows with every file parsed on a thread.
            proc_macro2::extra::invalidate_current_thread_spans();
            let findings = result
                .map_err(|message| (format!("not parsed as Rust, skipped: {message}"), false))?;
            (findings, Vec::new())
        }
        Kind::Config(kind) => {
            let scanned = kind.scan(&text).map_err(|message| (message, false))?;
            (scanned.findings, scanned.unread)
        }
    };
    // Done here, on the worker, so that only findings outlive the file's text.
    let (findings, suppressed) = suppress(&text, job.kind, findings);
    let lines: Vec<&str> = text.lines().collect();
    let path = job.path.display().to_string();
    let all = findings
        .into_iter()
        .map(|f| (f, None))
        .chain(suppressed.into_iter().map(|(f, reason)| (f, Some(reason))));
    let reported = all
        .map(|(finding, suppressed)| Reported {
            snippet: lines
                .get(finding.position.line.saturating_sub(1))
                .map_or(String::new(), |l| snippet(l)),
            finding,
            path: path.clone(),
            relative: job.relative.clone(),
            uri: job.uri.clone(),
            fingerprint: String::new(),
            suppressed,
        })
        .collect();
    Ok((reported, unread))
}

/// The first `max_bytes` of `text` (at a character boundary), with `…` if cut. Not
/// escaped: messages keep the text as written, and each output escapes it as it needs
/// (`Escaped` on a terminal, JSON string escapes in JSON and SARIF).
pub(crate) fn shorten(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// Longest snippet kept, in bytes: a minified one-line file must not be copied whole
/// into every finding.
const MAX_SNIPPET_BYTES: usize = 400;

/// The trimmed line, cut to [`MAX_SNIPPET_BYTES`] at a character boundary.
fn snippet(line: &str) -> String {
    let line = line.trim();
    let mut end = line.len().min(MAX_SNIPPET_BYTES);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default().to_owned()
}

fn read(path: &Path) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|err| format!("cannot read: {err}"))?;
    let len = file
        .metadata()
        .map_err(|err| format!("cannot read: {err}"))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB, not scanned",
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    let mut text = String::new();
    io::Read::read_to_string(&mut io::Read::take(file, MAX_FILE_BYTES + 1), &mut text).map_err(
        |err| match err.kind() {
            io::ErrorKind::InvalidData => "not UTF-8 text".to_owned(),
            _ => format!("cannot read: {err}"),
        },
    )?;
    Ok(text)
}

/// Adds the files under `root` (a scanned path) to `jobs`, named relative to `base`.
fn collect(root: &Path, base: Option<&Path>, jobs: &mut Vec<Job>, errors: &mut Vec<FileError>) {
    // The scanned path relative to the base, once: every file under it adds its own
    // part (one canonicalization per scanned path, not per file).
    let prefix = root::relative(root, base);
    let name = |path: &Path| -> (String, String) {
        let rest = path.strip_prefix(root).unwrap_or(Path::new(""));
        let joined = prefix.join(rest);
        (display(&joined), uri(Path::new(""), &joined))
    };
    let error = |path: &Path, message: String| {
        let (relative, uri) = name(path);
        FileError {
            path: relative,
            uri,
            message,
            unreadable: true,
        }
    };
    let meta = match fs::metadata(root) {
        Ok(meta) => meta,
        Err(err) => {
            errors.push(FileError {
                path: root.display().to_string(),
                uri: uri(Path::new(""), root),
                message: format!("cannot read: {err}"),
                unreadable: true,
            });
            return;
        }
    };
    if !meta.is_dir() {
        match Kind::of(root) {
            Some(kind) => {
                let (relative, uri) = name(root);
                jobs.push(Job {
                    path: root.to_path_buf(),
                    relative,
                    uri,
                    kind,
                });
            }
            None => errors.push(error(
                root,
                "not a file scan reads (.rs, a YAML, TOML or config JSON file, .env, a \
                 Dockerfile, a systemd .socket or .service unit)"
                    .to_owned(),
            )),
        }
        return;
    }
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                errors.push(error(&dir, format!("cannot read directory: {err}")));
                continue;
            }
        };
        for entry in entries.flatten() {
            // Symbolic links are not followed: a link loop must not hang the scan.
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if file_type.is_dir() {
                let skip = entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n));
                if !skip {
                    stack.push(path);
                }
            } else if let Some(kind) = Kind::of(&path).filter(|_| file_type.is_file()) {
                found.push((path, kind));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in found {
        let (relative, uri) = name(&path);
        jobs.push(Job {
            relative,
            uri,
            path,
            kind,
        });
    }
}

/// A relative path, `/`-separated, for people.
fn display(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let joined = parts.join("/");
    if path.has_root() {
        format!("/{}", joined.trim_start_matches('/'))
    } else {
        joined
    }
}

/// `path` relative to `root`, `/`-separated and percent-encoded: a URI reference.
fn uri(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in relative.components().enumerate() {
        use std::path::Component;
        let text = match part {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Normal(text) => text.to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::Prefix(prefix) => prefix.as_os_str().to_string_lossy(),
        };
        if i > 0 && !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        percent_encode(&text, &mut out);
    }
    out
}

fn percent_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// The marker of a suppression comment.
const MARKER: &str = "bind-guard: allow-wildcard";

/// A suppression comment on a line: its reason (empty if none) and column.
fn suppression(line: &str, comment_starts: &[&str]) -> Option<Suppression> {
    let at = line.find(MARKER)?;
    let before = line.get(..at)?;
    if !comment_starts.iter().any(|start| before.contains(start)) {
        return None;
    }
    let after = line.get(at + MARKER.len()..)?;
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let reason = after.trim();
    let reason = reason.strip_suffix("*/").unwrap_or(reason).trim();
    let own_line = comment_starts
        .iter()
        .any(|start| before.trim_start().starts_with(start));
    Some(Suppression {
        reason: reason.to_owned(),
        column: before.chars().count() + 1,
        own_line,
    })
}

/// A `bind-guard: allow-wildcard` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Suppression {
    /// The text after the marker (empty: no reason given).
    reason: String,
    column: usize,
    /// Whether the comment is alone on its line, and so covers the next line too.
    own_line: bool,
}

/// Splits findings into reported and suppressed (with the reason), and reports every
/// suppression comment without a reason (which suppresses nothing).
fn suppress(
    text: &str,
    kind: Kind,
    findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<(Finding, String)>) {
    let mut comments = std::collections::HashMap::new();
    let mut reported = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(Suppression {
            reason,
            column,
            own_line,
        }) = suppression(line, kind.comment_starts())
        {
            if reason.is_empty() {
                reported.push(Finding {
                    rule: RuleId::SuppressionWithoutReason,
                    confidence: Confidence::High,
                    position: Position::of(i + 1, column, MARKER),
                    message:
                        "this allow-wildcard comment gives no reason, so it suppresses nothing"
                            .to_owned(),
                });
            } else {
                comments.insert(i + 1, (reason, own_line));
            }
        }
    }
    let mut suppressed = Vec::new();
    for finding in findings {
        let line = finding.position.line;
        // A comment at the end of a code line covers that line only; a comment on a
        // line of its own covers the next line too.
        let reason = comments.get(&line).or_else(|| {
            comments
                .get(&line.saturating_sub(1))
                .filter(|(_, own_line)| *own_line)
        });
        match reason {
            Some((reason, _)) => suppressed.push((finding, reason.clone())),
            None => reported.push(finding),
        }
    }
    reported.sort_by_key(|f| (f.position, f.rule));
    (reported, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_comments() {
        let rs = Kind::Rust.comment_starts();
        assert_eq!(
            suppression("x(); // bind-guard: allow-wildcard in a container", rs),
            Some(Suppression {
                reason: "in a container".to_owned(),
                column: 9,
                own_line: false
            })
        );
        assert_eq!(
            suppression("  /* bind-guard: allow-wildcard */", rs),
            Some(Suppression {
                reason: String::new(),
                column: 6,
                own_line: true
            })
        );
        assert_eq!(suppression("\"bind-guard: allow-wildcard x\"", rs), None);
        assert_eq!(suppression("// bind-guard: allow-wildcards x", rs), None);
        let env = Kind::Config(ConfigKind::DotEnv).comment_starts();
        assert_eq!(
            suppression("# bind-guard: allow-wildcard lab", env).map(|s| s.reason),
            Some("lab".to_owned())
        );
    }

    #[test]
    fn shorten_cuts_at_a_character_boundary() {
        assert_eq!(shorten("0.0.0.0", 80), "0.0.0.0");
        assert_eq!(shorten("ééé", 3), "é…");
        assert_eq!(shorten("a\u{1b}b", 80), "a\u{1b}b", "not escaped here");
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            uri(Path::new("/r"), Path::new("/r/src/a b.rs")),
            "src/a%20b.rs"
        );
        assert_eq!(
            uri(Path::new(""), Path::new("./src/main.rs")),
            "src/main.rs"
        );
    }
}
