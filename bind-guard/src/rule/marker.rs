//! Type-level policies: the `P` in [`BindAddr<P>`](crate::BindAddr).
//!
//! A marker is a zero-sized type that names a rule the type system enforces. A function
//! that takes a [`LoopbackAddr`](crate::LoopbackAddr) (`BindAddr<Loopback>`) can only be
//! called with an address that passed the loopback rule, whoever the caller is; the
//! check happened when the value was built (by `parse`, `TryFrom`, [`Policy`](crate::Policy)
//! or, at compile time, by `bind_addr!`).
//!
//! | marker | alias | holds |
//! | --- | --- | --- |
//! | [`Checked`] | [`BindAddr`](crate::BindAddr) | an address that passed a policy: the default one (anything but the wildcard) unless a [`Policy`](crate::Policy) opted in to more |
//! | [`LocalNetwork`] | [`LocalAddr`](crate::LocalAddr) | loopback, link-local, private, shared or unique-local |
//! | [`Loopback`] | [`LoopbackAddr`](crate::LoopbackAddr) | `127.0.0.0/8`, `::1`, or their IPv4-mapped forms |
//!
//! Widening (`LoopbackAddr` → `LocalAddr` → `BindAddr`) is `From`; narrowing is
//! `TryFrom` and checks again. The trait is sealed: a rule outside this crate could not
//! be checked by `bind_addr!` at compile time.

use crate::rule::ScopeRule;

mod sealed {
    pub trait Sealed {}
}

/// A type-level rule for [`BindAddr`](crate::BindAddr). Sealed; see the [module
/// docs](self).
pub trait Rule: sealed::Sealed + Send + Sync + Unpin + 'static {
    /// The name of the type alias for `BindAddr<Self>`, used by `Debug`.
    const NAME: &'static str;
    /// The rule, checked with the same code at compile time and at run time.
    #[doc(hidden)]
    const SCOPES: ScopeRule;
}

/// The default marker: the address passed a policy. Built by `FromStr`, `TryFrom` and
/// `bind_addr!`, that is the default policy (every address but the wildcard); built by a
/// [`Policy`](crate::Policy), that policy. Check [`is_wildcard`](crate::BindAddr::is_wildcard)
/// if a policy may have opted in to the wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Checked {}

/// Only loopback addresses: the service is reachable from this machine alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Loopback {}

/// Only addresses of local networks: loopback, link-local, private (RFC 1918), shared
/// (RFC 6598) and unique-local (RFC 4193).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocalNetwork {}

impl sealed::Sealed for Checked {}
impl sealed::Sealed for Loopback {}
impl sealed::Sealed for LocalNetwork {}

impl Rule for Checked {
    const NAME: &'static str = "BindAddr";
    const SCOPES: ScopeRule = ScopeRule::DEFAULT;
}

impl Rule for Loopback {
    const NAME: &'static str = "LoopbackAddr";
    const SCOPES: ScopeRule = ScopeRule::LOOPBACK;
}

impl Rule for LocalNetwork {
    const NAME: &'static str = "LocalAddr";
    const SCOPES: ScopeRule = ScopeRule::LOCAL_NETWORK;
}
