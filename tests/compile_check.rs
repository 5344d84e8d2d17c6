//! Every literal a rule refuses is an error under `cargo check`, in every position,
//! with the run-time message, at the literal.
//!
//! `bind_addr!` decides the literal while it expands and hands the rule to the type
//! checker (a trait bound), so a refusal must not wait for code generation, which
//! `cargo check`, `cargo clippy` and rust-analyzer never run. This test writes one
//! scratch crate with one line per case, for each of four positions (`const`, `static`,
//! a typed `let`, a function argument), each position behind a feature of its own, and
//! runs `cargo check --message-format=json` once per position (sharing one target
//! directory under `CARGO_TARGET_TMPDIR`). Then, line by line:
//!
//! - a case the run-time parser refuses (`str::parse::<TYPE>`, with `allow_wildcard`
//!   widening `BindAddr` alone) has exactly one error, on its line, whose message is
//!   the run-time [`ErrorKind::message`] and whose primary span starts at the literal;
//! - a case the run-time parser accepts has no error;
//! - no error is anywhere else.
//!
//! The scratch crate depends on bind-guard under another name (`guard = { package =
//! "bind-guard", … }`), so no `bind_guard` is in its extern prelude: every case also
//! proves that the macros reach the runtime crate through `$crate`. A fifth check
//! compiles `tests/compile_check/renamed_dependency.rs`, the macros in the positions a program uses
//! them, under that name.
//!
//! The cases cover every [`Scope`] (so every cell of the rule table in
//! `bind-guard/src/rule/table.rs`), the three types, the wildcard opted in into each,
//! malformed text, and `ip_net!`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use bind_guard::{BindAddr, ErrorKind, LocalAddr, LoopbackAddr, Scope};

/// One literal per scope (two where IPv4 and IPv6 spell it differently), and text
/// that is not an address.
const ADDRESSES: &[&str] = &[
    "0.0.0.0:80",
    "[::]:8080",
    "[::ffff:0.0.0.0]:80",
    "127.0.0.1:80",
    "[::1]:9000",
    "169.254.1.1:80",
    "[fe80::1%2]:80",
    "10.0.0.1:9000",
    "192.168.1.10:80",
    "100.64.0.1:80",
    "[fd00::1]:80",
    "192.0.2.1:80",
    "198.18.0.1:80",
    "224.0.0.1:5000",
    "[ff02::1]:5353",
    "255.255.255.255:67",
    "240.0.0.1:80",
    "8.8.8.8:53",
    "[2606:4700::1111]:443",
    // Not addresses: the error is the parser's, whatever the type.
    "127.1:80",
    ":8080",
    "localhost:8080",
    "127.0.0.1",
    "::1:8080",
];

/// Networks for `ip_net!`: accepted and refused.
const NETWORKS: &[&str] = &[
    "10.0.0.0/8",
    "fd00::/8",
    "10.0.0.1/8",
    "10.0.0.0/33",
    "10.0.0.0",
];

const TYPES: [&str; 3] = ["BindAddr", "LocalAddr", "LoopbackAddr"];

const POSITIONS: [&str; 4] = ["const", "static", "let", "arg"];

/// One line of the scratch crate.
#[derive(Debug)]
struct Case {
    ty: &'static str,
    text: &'static str,
    allow_wildcard: bool,
    /// What the run-time parser says: `None` accepted, or the refusal.
    expected: Option<ErrorKind>,
}

impl Case {
    fn call(&self) -> String {
        let literal = format!("{:?}", self.text);
        match (self.ty, self.allow_wildcard) {
            ("IpNet", _) => format!("ip_net!({literal})"),
            (_, true) => format!("bind_addr!({literal}, allow_wildcard)"),
            (_, false) => format!("bind_addr!({literal})"),
        }
    }
}

/// The run-time answer for `text` as `ty`.
fn run_time(ty: &str, text: &str, allow_wildcard: bool) -> Option<ErrorKind> {
    let result: Result<SocketAddr, ErrorKind> = match ty {
        "BindAddr" => text
            .parse::<BindAddr>()
            .map(Into::into)
            .map_err(|e| e.kind()),
        "LocalAddr" => text
            .parse::<LocalAddr>()
            .map(Into::into)
            .map_err(|e| e.kind()),
        "LoopbackAddr" => text
            .parse::<LoopbackAddr>()
            .map(Into::into)
            .map_err(|e| e.kind()),
        "IpNet" => return bind_guard::parse_net(text).err().map(|e| e.kind()),
        other => panic!("unknown type {other}"),
    };
    match result {
        // `allow_wildcard` widens the default rule alone (BindAddr).
        Err(ErrorKind::Wildcard) if allow_wildcard && ty == "BindAddr" => None,
        Ok(_) => None,
        Err(kind) => Some(kind),
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for ty in TYPES {
        for &text in ADDRESSES {
            for allow_wildcard in [false, true] {
                // The opt-in only matters for the wildcard; other literals once.
                let is_wildcard =
                    text.parse::<BindAddr>().err().map(|e| e.kind()) == Some(ErrorKind::Wildcard);
                if allow_wildcard && !is_wildcard {
                    continue;
                }
                cases.push(Case {
                    ty,
                    text,
                    allow_wildcard,
                    expected: run_time(ty, text, allow_wildcard),
                });
            }
        }
    }
    for &text in NETWORKS {
        cases.push(Case {
            ty: "IpNet",
            text,
            allow_wildcard: false,
            expected: run_time("IpNet", text, false),
        });
    }
    cases
}

/// The scratch crate's `src/lib.rs`, and for each position the line of each case.
fn source(cases: &[Case]) -> (String, BTreeMap<&'static str, Vec<usize>>) {
    let mut src = String::from(
        "#![allow(dead_code, unused_variables)]\n\
         use guard::{bind_addr, ip_net, BindAddr, LocalAddr, LoopbackAddr};\n\
         use ipnet::IpNet;\n\
         fn take_BindAddr(_: BindAddr) {}\n\
         fn take_LocalAddr(_: LocalAddr) {}\n\
         fn take_LoopbackAddr(_: LoopbackAddr) {}\n\
         fn take_IpNet(_: IpNet) {}\n",
    );
    // `main.rs` as a module: its `main` is an unused function here.
    writeln!(
        src,
        "#[cfg(feature = \"renamed\")]\n#[path = {:?}]\nmod renamed;",
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/compile_check/renamed_dependency.rs"
        ))
    )
    .unwrap();
    let mut lines = BTreeMap::new();
    for position in POSITIONS {
        writeln!(src, "#[cfg(feature = \"{position}\")]\n#[allow(non_snake_case)]\nmod {position}_cases {{\nuse super::*;").unwrap();
        let mut at = Vec::new();
        for (n, case) in cases.iter().enumerate() {
            let (ty, call) = (case.ty, case.call());
            let line = match position {
                "const" => format!("const C{n}: {ty} = {call};"),
                "static" => format!("static S{n}: {ty} = {call};"),
                "let" => format!("fn f{n}() {{ let v: {ty} = {call}; }}"),
                _ => format!("fn f{n}() {{ take_{ty}({call}); }}"),
            };
            src.push_str(&line);
            src.push('\n');
            at.push(src.lines().count());
        }
        src.push_str("}\n");
        lines.insert(position, at);
    }
    (src, lines)
}

/// An error the compiler reported: line, column of the primary span, message.
#[derive(Debug)]
struct Reported {
    line: usize,
    column: usize,
    message: String,
}

fn cargo_check(dir: &Path, position: &str) -> Vec<Reported> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        .args([
            "check",
            "--quiet",
            "--message-format=json",
            "--features",
            position,
        ])
        .arg("--target-dir")
        .arg(dir.join("target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap();
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let text = message["message"]["message"].as_str().unwrap().to_owned();
        let spans = message["message"]["spans"].as_array().unwrap();
        let Some(primary) = spans.iter().find(|s| s["is_primary"] == true) else {
            // "aborting due to N previous errors" has no span.
            assert!(
                text.starts_with("aborting due to"),
                "an error without a place: {text}"
            );
            continue;
        };
        assert_eq!(primary["file_name"], "src/lib.rs", "{text}");
        errors.push(Reported {
            line: primary["line_start"].as_u64().unwrap() as usize,
            column: primary["column_start"].as_u64().unwrap() as usize,
            message: text,
        });
    }
    if errors.is_empty() && !output.status.success() {
        panic!(
            "cargo check failed without a compiler error:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    errors
}

fn scratch_crate(src: &str) -> PathBuf {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-check");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        r#"[package]
name = "bind-guard-compile-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
guard = {{ package = "bind-guard", path = {runtime:?}, default-features = false }}
ipnet = {{ version = "2.12", default-features = false }}

[features]
renamed = []
const = []
static = []
let = []
arg = []

# Not a member of the bind-guard workspace: its own root.
[workspace]
"#,
        runtime = root.join("bind-guard"),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), src).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

#[test]
fn refusals_are_errors_under_cargo_check_in_every_position() {
    let cases = cases();
    // Every scope is a column of the rule table: each must have a case.
    let scopes: BTreeSet<Scope> = ADDRESSES
        .iter()
        .filter_map(|t| t.parse::<SocketAddr>().ok())
        .map(|a| Scope::of(a.ip()))
        .collect();
    assert_eq!(scopes.len(), Scope::all().len(), "a scope without a case");
    // And each type refuses something, and the opted-in wildcard is in every type.
    for ty in TYPES {
        assert!(
            cases.iter().any(|c| c.ty == ty && c.expected.is_some()),
            "{ty}"
        );
        assert!(cases.iter().any(|c| c.ty == ty && c.allow_wildcard), "{ty}");
    }

    let (src, lines) = source(&cases);
    let dir = scratch_crate(&src);
    let source_lines: Vec<&str> = src.lines().collect();
    let mut problems = Vec::new();
    for position in POSITIONS {
        let mut reported: BTreeMap<usize, Vec<Reported>> = BTreeMap::new();
        for error in cargo_check(&dir, position) {
            reported.entry(error.line).or_default().push(error);
        }
        for (case, &line) in cases.iter().zip(&lines[position]) {
            let at = format!("{position}: {} into {}", case.call(), case.ty);
            let errors = reported.remove(&line).unwrap_or_default();
            match (case.expected, errors.as_slice()) {
                (None, []) => {}
                (None, errors) => {
                    problems.push(format!("{at}: accepted at run time, but {errors:?}"))
                }
                (Some(kind), [error]) => {
                    if error.message != kind.message() {
                        problems.push(format!(
                            "{at}: {:?} is not the run-time {kind:?}",
                            error.message
                        ));
                    }
                    let literal = source_lines[line - 1].find('"').unwrap() + 1;
                    if error.column != literal {
                        problems.push(format!(
                            "{at}: the error is at column {}, the literal at {literal}",
                            error.column
                        ));
                    }
                }
                (Some(kind), errors) => {
                    problems.push(format!("{at}: expected one {kind:?} error, got {errors:?}"))
                }
            }
        }
        for (line, errors) in reported {
            problems.push(format!(
                "{position}: errors on line {line}, which is no case: {errors:?}"
            ));
        }
    }
    // The program under the renamed dependency: no error at all.
    for error in cargo_check(&dir, "renamed") {
        problems.push(format!("renamed: {error:?}"));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let refused = cases.iter().filter(|c| c.expected.is_some()).count();
    println!(
        "{} cases ({refused} refused) in {} positions",
        cases.len(),
        POSITIONS.len()
    );
}
