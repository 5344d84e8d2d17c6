//! Address scopes: what part of the network an address belongs to.
//!
//! [`Scope`] and its `const fn` table live in `bind-guard-core`, shared with the macros;
//! this module adds the IANA registries as data, to explain a scope.

pub mod registry;

pub(crate) use bind_guard_core::scope::ALL_SCOPES;
pub use bind_guard_core::scope::{ParseScopeError, Scope};
