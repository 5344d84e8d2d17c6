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
//! - `tests/ui/renamed/main.rs`, the macros in a crate that depends on bind-guard under
//!   another name, is compiled by `tests/compile_check.rs`, whose scratch crate has that
//!   dependency (Cargo refuses one package under two names in one manifest, so it cannot
//!   be a case of this suite, whose cases get this package's dependencies).
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
