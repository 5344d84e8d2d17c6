//! The workspace's examples are the `[[example]]` targets of this package; run them
//! from the repository root with `cargo run --example NAME`. This library is empty: a
//! Cargo package needs one target besides its examples.
#![forbid(unsafe_code)]
