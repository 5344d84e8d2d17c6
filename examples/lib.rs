//! The workspace's examples are the `[[example]]` targets of this package; run them
//! from the repository root with `cargo run --example NAME`. This library holds what
//! several examples share.
#![forbid(unsafe_code)]

pub mod support;
