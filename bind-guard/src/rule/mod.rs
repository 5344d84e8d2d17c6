//! The compile-time part of a policy: the type-level markers of `BindAddr<P>` and the
//! scope rule each carries, checked by the same code at compile time and at run time.

pub mod marker;
mod scope_rule;

pub use scope_rule::{Expect, ScopeRule};
