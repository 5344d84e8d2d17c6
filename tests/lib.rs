//! Helpers shared by the workspace's examples and integration tests. Not published.
#![forbid(unsafe_code)]

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
