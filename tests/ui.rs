//! Compile-time tests of `bind_addr!` and `ip_net!`.
//!
//! - `tests/ui/pass/*.rs` must compile and run ([trybuild] runs each pass case's `main`).
//! - `tests/ui/fail/*.rs` must fail to compile with exactly the errors in the `.stderr`
//!   file beside it.
//! - `tests/ui/renamed/main.rs` is built as its own crate that depends on bind-guard
//!   under another name (see [`renamed_dependency`]).
//!
//! # Snapshots and the toolchain
//!
//! The `.stderr` snapshots hold the compiler's own wording and layout, so they are valid
//! for the toolchain pinned in `rust-toolchain.toml` (1.95.0) only; another compiler may
//! word or place an error differently and fail this test for no fault of the macros.
//! After a deliberate change to an error message, or a toolchain bump, refresh them with
//!
//! ```text
//! TRYBUILD=overwrite cargo test --test ui
//! ```
//!
//! and read every changed `.stderr` in the diff before committing it: each error must
//! point at the literal or the bad token, say what is wrong and how to fix it.
//! `tests/macro_agreement.rs` reads `tests/ui/fail/agreement_refused.stderr`, so refresh
//! this test first, then run that one.
//!
//! [trybuild]: https://docs.rs/trybuild

use std::path::Path;
use std::process::Command;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
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
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
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
