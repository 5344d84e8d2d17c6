//! The core of [`bind-guard`](https://docs.rs/bind-guard): the socket-address parser,
//! the diagnosis of malformed addresses, the IANA scope table and the error kinds.
//!
//! Use it through `bind-guard`, which re-exports [`Scope`], [`ErrorKind`] and
//! [`ParseScopeError`]; the other items are public only so that `bind-guard` and
//! `bind-guard-macros` can both call them, and follow those crates' needs.
//!
//! # Why a crate of its own
//!
//! `bind_addr!` decides a literal while the compiler expands the macro, so the
//! procedural macro must run the same parser and scope code as the run-time `FromStr`.
//! Both crates depend on this one, so there is exactly one copy of each rule: the
//! macro cannot accept what the run-time parser refuses, or name a mistake differently.
//! The crate is `no_std` without `alloc`, has no `unsafe`, and every function that
//! parses is a `const fn`.
#![no_std]
#![forbid(unsafe_code)]
// Library code never panics on input: no unwrap, expect, panic or indexing (tests may:
// see clippy.toml), as in bind-guard and bind-guard-macros.
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod error;
pub mod scope;
pub mod text;

pub use error::ErrorKind;
pub use scope::{ParseScopeError, Scope};
