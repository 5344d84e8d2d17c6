//! Compile-time tests of `bind_addr!` and `ip_net!` with [trybuild].
//!
//! - `tests/ui/pass/*.rs` must compile and run (trybuild runs each pass case's `main`):
//!   every position, `const` uses, hygiene. They run on every toolchain.
//! - `tests/ui/fail/*.rs` must fail to compile with exactly the errors in the `.stderr`
//!   file beside it. These few snapshots show the quality of the messages (one per kind
//!   of error: a rule's refusal, a parse error, a bad invocation). They hold rustc's own
//!   wording and layout, which changes between releases, so they run on stable 1.95 or
//!   later only; which literals are refused, and with which message, is tested on every
//!   toolchain by `tests/compile_check.rs` and `tests/macro_agreement.rs`.
//! - `tests/ui/renamed/main.rs` is built as its own crate that depends on bind-guard
//!   under another name (see [`renamed_dependency`]).
//!
//! After a deliberate change to an error message, or when a new stable release words
//! an error differently, refresh the snapshots with
//!
//! ```text
//! TRYBUILD=overwrite cargo +stable test -p bind-guard-ui-tests
//! ```
//!
//! and read every changed `.stderr` in the diff before committing it: each error must
//! point at the literal or the bad token, say what is wrong and how to fix it.
//!
//! [trybuild]: https://docs.rs/trybuild

use std::path::Path;
use std::process::Command;

#[test]
fn ui_pass() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
}

// Before `#[test]`, so that the `ignore` it may add is there when `#[test]` expands.
#[rustversion::attr(
    any(not(stable), before(1.95)),
    ignore = "the snapshots hold the wording of stable rustc 1.95 and later"
)]
#[test]
fn ui_fail_snapshots() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
}

/// Builds and runs `tests/ui/renamed/main.rs` in a crate whose manifest says
/// `guard = { package = "bind-guard", path = … }`, so no `bind_guard` exists in it.
///
/// This cannot be a trybuild pass case: trybuild gives its cases the suite's own
/// dependencies, and Cargo refuses `bind-guard` twice under two names in one manifest
/// ("depends on crate `bind-guard` multiple times with different names"). The crate is
/// written under the target directory, with a copy of the workspace's `Cargo.lock` so it
/// builds with the same dependency versions.
#[test]
fn renamed_dependency() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("renamed-dependency");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        r#"[package]
name = "bind-guard-renamed-dependency"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
guard = {{ package = "bind-guard", path = {runtime:?} }}
ipnet = "2.12"

# Not a member of the bind-guard workspace: its own root.
[workspace]
"#,
        runtime = root.join("bind-guard"),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(
        root.join("tests/ui/renamed/main.rs"),
        dir.join("src/main.rs"),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&dir)
        .args(["run", "--quiet", "--target-dir"])
        .arg(dir.join("target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the renamed-dependency crate did not build or run:\n{stderr}"
    );
    assert_eq!(
        stdout.trim(),
        "renamed dependency: 127.0.0.1:8080 [::1]:9000 192.168.1.10:8080 0.0.0.0:80 \
         10.20.0.0/16 10.0.0.1:1",
        "stderr:\n{stderr}"
    );
}
