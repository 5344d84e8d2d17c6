//! The doc-test carrier of the workspace's READMEs: their Rust examples compile and run
//! as doc tests of this package, which has every dependency they use (axum, tokio,
//! toml, tracing-subscriber). The tests themselves are the files beside this one.
#![forbid(unsafe_code)]

/// The workspace README's Rust examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct WorkspaceReadme;

/// The crate README's Rust examples (bind-guard's crates.io page).
#[cfg(doctest)]
#[doc = include_str!("../bind-guard/README.md")]
struct CrateReadme;
