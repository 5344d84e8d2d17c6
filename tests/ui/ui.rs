//! Compile-time tests of `bind_addr!` and `ip_net!` with [trybuild].
//!
//! - `tests/ui/fail/*.rs` must fail to compile with exactly the errors in the `.stderr`
//!   file beside it. These few snapshots show the quality of the messages (one per kind
//!   of error: a rule's refusal, a parse error, a bad invocation). They hold rustc's own
//!   wording and layout, which changes between releases, so they run on stable 1.95 or
//!   later only; which literals are refused, and with which message, is tested on every
//!   toolchain by `tests/compile_check.rs` and `tests/macro_agreement.rs`.
//!
//! What compiles is tested elsewhere, without a crate per case: every position, `const`
//! use and hygiene case in `tests/macro_positions/` (modules of one test), and a
//! dependency under another name in `tests/compile_check.rs`.
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
