//! [`BindAddr`]: a socket address that passed a policy.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use core::str::FromStr;

use crate::marker::{Checked, LocalNetwork, Loopback, Rule};
use crate::text::{diagnose, parse};
use crate::{BindError, ErrorKind, Scope};

pub(crate) mod unix;

/// A socket address to bind a server to, checked against a policy when it was built.
///
/// `P` is a type-level [rule](crate::marker): [`BindAddr`] (the default, [`Checked`]),
/// [`LocalAddr`] or [`LoopbackAddr`]. A value can only be built through a check, so a
/// function that takes a `LoopbackAddr` never sees a public address, and one that takes
/// a `BindAddr` never sees the wildcard unless some [`Policy`](crate::Policy) opted in.
///
/// It is as small and cheap as [`SocketAddr`] (`Copy`, the same size; the marker is
/// zero-sized), keeps the IPv6 scope id, prints in `std`'s canonical form, and parses
/// exactly the texts `std` parses, refusing what the rule does not allow:
///
/// ```
/// use bind_guard::{BindAddr, ErrorKind, LoopbackAddr};
///
/// let api: BindAddr = "127.0.0.1:8080".parse()?;
/// assert!(api.scope().is_loopback());
///
/// let everywhere = "0.0.0.0:8080".parse::<BindAddr>().unwrap_err();
/// assert_eq!(everywhere.kind(), ErrorKind::Wildcard);
///
/// let admin = "[::1]:9000".parse::<LoopbackAddr>()?;
/// let public = "192.0.2.1:9000".parse::<LoopbackAddr>().unwrap_err();
/// assert_eq!(public.kind(), ErrorKind::NotLoopback);
///
/// // std::net takes it directly (ToSocketAddrs), with the `std` feature.
/// #[cfg(feature = "std")]
/// let _listener = std::net::TcpListener::bind(BindAddr::loopback(0))?;
/// # let _ = admin;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BindAddr<P = Checked> {
    addr: SocketAddr,
    // `fn() -> P` keeps `BindAddr` Send, Sync and Copy whatever the marker.
    rule: PhantomData<fn() -> P>,
}

/// A [`BindAddr`] that holds a loopback address: `127.0.0.0/8`, `::1` or an IPv4-mapped
/// loopback. Take it in a signature to accept nothing a remote host could reach.
///
/// ```
/// use bind_guard::LoopbackAddr;
///
/// #[cfg(feature = "std")] // bind_tcp
/// fn serve_admin(addr: LoopbackAddr) -> std::io::Result<std::net::TcpListener> {
///     addr.bind_tcp()
/// }
/// let admin: LoopbackAddr = "127.0.0.1:0".parse()?;
/// #[cfg(feature = "std")]
/// let _listener = serve_admin(admin)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type LoopbackAddr = BindAddr<Loopback>;

/// A [`BindAddr`] that holds an address of a local network: loopback, link-local,
/// private, shared (CGNAT) or unique-local. Never the wildcard, never a global address.
pub type LocalAddr = BindAddr<LocalNetwork>;

impl<P: Rule> BindAddr<P> {
    /// Checks `addr` against the rule of `P` (the markers in [`crate::marker`]).
    pub(crate) const fn checked(addr: SocketAddr) -> Result<Self, ErrorKind> {
        match P::SCOPES.check(Scope::of(addr.ip())) {
            Ok(()) => Ok(Self::trusted(addr)),
            Err(kind) => Err(kind),
        }
    }

    /// Parses and checks like [`FromStr`], in a `const` context if need be and without
    /// building an error value: the error is the bare [`ErrorKind`] (no allocation).
    ///
    /// ```
    /// use bind_guard::{BindAddr, ErrorKind, LoopbackAddr};
    ///
    /// const ADMIN: Result<LoopbackAddr, ErrorKind> = LoopbackAddr::parse_const("[::1]:9000");
    /// assert!(ADMIN.is_ok());
    /// let any: Result<BindAddr, _> = BindAddr::parse_const("0.0.0.0:80");
    /// assert_eq!(any, Err(ErrorKind::Wildcard));
    /// ```
    pub const fn parse_const(s: &str) -> Result<Self, ErrorKind> {
        match parse::socket_addr(s.as_bytes()) {
            Some(addr) => Self::checked(addr),
            None => Err(diagnose::diagnose(s.as_bytes())),
        }
    }

    /// Checks `addr` like [`TryFrom`], in a `const` context if need be and without
    /// building an error value: the error is the bare [`ErrorKind`] (no allocation).
    /// The `_const` functions are the one pair that gives bare kinds; everything else
    /// ([`FromStr`], [`TryFrom`], [`narrow`](BindAddr::narrow)) gives a [`BindError`].
    ///
    /// ```
    /// use bind_guard::{BindAddr, ErrorKind, LoopbackAddr};
    /// use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
    ///
    /// const ANY: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 80));
    /// const CHECKED: Result<BindAddr, ErrorKind> = BindAddr::check_const(ANY);
    /// assert_eq!(CHECKED, Err(ErrorKind::Wildcard));
    /// let lo: SocketAddr = "127.0.0.1:80".parse().unwrap();
    /// assert!(LoopbackAddr::check_const(lo).is_ok());
    /// ```
    pub const fn check_const(addr: SocketAddr) -> Result<Self, ErrorKind> {
        Self::checked(addr)
    }

    /// Wraps an address that a rule or policy already accepted.
    pub(crate) const fn trusted(addr: SocketAddr) -> Self {
        BindAddr {
            addr,
            rule: PhantomData,
        }
    }

    /// The IP address.
    #[must_use]
    pub const fn ip(&self) -> IpAddr {
        self.addr.ip()
    }

    /// The port (0 asks the system for a free one when binding).
    #[must_use]
    pub const fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The [`Scope`] of the IP address.
    #[must_use]
    pub const fn scope(&self) -> Scope {
        Scope::of(self.addr.ip())
    }

    /// Whether this is the wildcard (`0.0.0.0`, `::` or `::ffff:0.0.0.0`): a socket bound
    /// to it listens on every interface. Only possible when a [`Policy`](crate::Policy)
    /// or `bind_addr!(…, allow_wildcard)` opted in.
    ///
    /// On Linux a socket bound to `[::]` also accepts IPv4 connections unless
    /// `IPV6_V6ONLY` is set (`net.ipv6.bindv6only` is 0 by default), so `[::]` exposes
    /// both families.
    #[must_use]
    pub const fn is_wildcard(&self) -> bool {
        matches!(self.scope(), Scope::Unspecified)
    }

    /// The address as a `std` socket address.
    #[must_use]
    pub const fn as_socket_addr(&self) -> &SocketAddr {
        &self.addr
    }

    /// Checks this address against another rule `Q`: the general form of the
    /// narrowing `TryFrom` conversions.
    ///
    /// ```
    /// use bind_guard::{BindAddr, marker::Loopback};
    /// let addr: BindAddr = "127.0.0.2:80".parse()?;
    /// let lo = addr.narrow::<Loopback>()?;
    /// assert_eq!(lo.port(), 80);
    /// # Ok::<(), bind_guard::BindError>(())
    /// ```
    pub fn narrow<Q: Rule>(self) -> Result<BindAddr<Q>, BindError> {
        BindAddr::<Q>::checked(self.addr).map_err(|kind| BindError::for_addr(self.addr, kind))
    }
}

// The constructors live on the default `BindAddr` alone. In an expression, `BindAddr`
// means `BindAddr<_>` (a default type parameter does not guide inference), so a
// constructor defined for every marker would make `BindAddr::loopback(8080)` ambiguous.
// Narrower types are built with `bind_addr!`, `parse`, `TryFrom` or `narrow`.
impl BindAddr {
    /// `127.0.0.1:port`. Every rule allows it.
    ///
    /// ```
    /// use bind_guard::BindAddr;
    /// const API: BindAddr = BindAddr::loopback(8080);
    /// assert_eq!(API.to_string(), "127.0.0.1:8080");
    /// ```
    #[must_use]
    pub const fn loopback(port: u16) -> Self {
        Self::trusted(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)))
    }

    /// `[::1]:port`. Every rule allows it.
    #[must_use]
    pub const fn loopback_v6(port: u16) -> Self {
        Self::trusted(SocketAddr::V6(SocketAddrV6::new(
            Ipv6Addr::LOCALHOST,
            port,
            0,
            0,
        )))
    }

    /// The former name of [`check_const`](BindAddr::check_const) (default rule only).
    /// One way to do each thing: [`TryFrom`] checks a `SocketAddr` (a [`BindError`]
    /// that names it), `check_const` does the same in a `const` context (the bare
    /// [`ErrorKind`]), for every rule.
    #[deprecated(
        since = "0.1.0",
        note = "use `BindAddr::try_from(addr)` (a BindError), or `BindAddr::check_const(addr)` in a const context"
    )]
    pub const fn new(addr: SocketAddr) -> Result<Self, ErrorKind> {
        Self::checked(addr)
    }

    /// Resolves `HOST:PORT` (or takes an address literal) and checks every
    /// address against the default rule; see [`Policy::resolve`](crate::Policy::resolve).
    ///
    /// ```
    /// use bind_guard::BindAddr;
    /// assert_eq!(BindAddr::resolve("api.localhost:80")?.len(), 2);
    /// # Ok::<(), bind_guard::BindError>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn resolve(s: &str) -> Result<std::vec::Vec<Self>, BindError> {
        crate::bind::resolve::resolve_with(s, Self::checked)
    }
}

// ---- the common traits, written by hand so that they need no bound on the marker ----

impl<P> Clone for BindAddr<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for BindAddr<P> {}

impl<P> PartialEq for BindAddr<P> {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr
    }
}

impl<P> Eq for BindAddr<P> {}

impl<P> PartialOrd for BindAddr<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<P> Ord for BindAddr<P> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.addr.cmp(&other.addr)
    }
}

impl<P> Hash for BindAddr<P> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.addr.hash(state);
    }
}

impl<P: Rule> fmt::Debug for BindAddr<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", P::NAME, self.addr)
    }
}

/// `std`'s canonical form, which [`FromStr`] reads back.
impl<P> fmt::Display for BindAddr<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr, f)
    }
}

/// Parses what `std`'s `SocketAddr` parser accepts (no DNS) and checks the marker's rule.
impl<P: Rule> FromStr for BindAddr<P> {
    type Err = BindError;

    fn from_str(s: &str) -> Result<Self, BindError> {
        Self::parse_const(s).map_err(|kind| BindError::new(s, kind))
    }
}

impl<P: Rule> TryFrom<SocketAddr> for BindAddr<P> {
    type Error = BindError;

    fn try_from(addr: SocketAddr) -> Result<Self, BindError> {
        Self::checked(addr).map_err(|kind| BindError::for_addr(addr, kind))
    }
}

impl<P> From<BindAddr<P>> for SocketAddr {
    fn from(addr: BindAddr<P>) -> SocketAddr {
        addr.addr
    }
}

impl<P> AsRef<SocketAddr> for BindAddr<P> {
    fn as_ref(&self) -> &SocketAddr {
        &self.addr
    }
}

impl<P> PartialEq<SocketAddr> for BindAddr<P> {
    fn eq(&self, other: &SocketAddr) -> bool {
        self.addr == *other
    }
}

// Widening is free: every loopback address is local, every local address passed the
// default rule.
impl From<LoopbackAddr> for BindAddr {
    fn from(addr: LoopbackAddr) -> Self {
        BindAddr::trusted(addr.addr)
    }
}

impl From<LoopbackAddr> for LocalAddr {
    fn from(addr: LoopbackAddr) -> Self {
        BindAddr::trusted(addr.addr)
    }
}

impl From<LocalAddr> for BindAddr {
    fn from(addr: LocalAddr) -> Self {
        BindAddr::trusted(addr.addr)
    }
}

// Narrowing checks again.
impl TryFrom<BindAddr> for LoopbackAddr {
    type Error = BindError;

    fn try_from(addr: BindAddr) -> Result<Self, BindError> {
        addr.narrow()
    }
}

impl TryFrom<BindAddr> for LocalAddr {
    type Error = BindError;

    fn try_from(addr: BindAddr) -> Result<Self, BindError> {
        addr.narrow()
    }
}

impl TryFrom<LocalAddr> for LoopbackAddr {
    type Error = BindError;

    fn try_from(addr: LocalAddr) -> Result<Self, BindError> {
        addr.narrow()
    }
}

// Every rule allows loopback, which `loopback()` and `loopback_v6()` rely on.
const _: () = {
    assert!(Checked::SCOPES.allows(Scope::Loopback));
    assert!(LocalNetwork::SCOPES.allows(Scope::Loopback));
    assert!(Loopback::SCOPES.allows(Scope::Loopback));
};

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn same_size_as_socket_addr_and_zero_sized_markers() {
        assert_eq!(size_of::<BindAddr>(), size_of::<SocketAddr>());
        assert_eq!(size_of::<LoopbackAddr>(), size_of::<SocketAddr>());
        assert_eq!(
            size_of::<Option<BindAddr>>(),
            size_of::<Option<SocketAddr>>()
        );
        assert_eq!(size_of::<PhantomData<fn() -> Loopback>>(), 0);
    }

    #[test]
    fn display_round_trips_and_keeps_scope_ids() {
        for s in [
            "127.0.0.1:80",
            "[fe80::1%7]:443",
            "[::ffff:10.0.0.1]:1",
            "10.0.0.1:0",
        ] {
            let addr: BindAddr = s.parse().unwrap();
            assert_eq!(addr.to_string(), s);
            assert_eq!(addr.to_string().parse::<BindAddr>().unwrap(), addr);
        }
        let scoped: BindAddr = "[fe80::1%7]:443".parse().unwrap();
        let SocketAddr::V6(v6) = SocketAddr::from(scoped) else {
            panic!("not v6")
        };
        assert_eq!(v6.scope_id(), 7);
    }

    #[test]
    fn widening_is_free_and_narrowing_checks() {
        let lo = LoopbackAddr::try_from(BindAddr::loopback_v6(1)).unwrap();
        let wide: BindAddr = lo.into();
        assert_eq!(LoopbackAddr::try_from(wide).unwrap(), lo);
        let private: BindAddr = "192.168.1.2:80".parse().unwrap();
        assert_eq!(
            LoopbackAddr::try_from(private).unwrap_err().kind(),
            ErrorKind::NotLoopback
        );
        let local = LocalAddr::try_from(private).unwrap();
        assert_eq!(BindAddr::from(local), private);
        assert!(LoopbackAddr::try_from(local).is_err());
    }

    #[test]
    fn debug_names_the_rule() {
        assert_eq!(
            alloc::format!(
                "{:?}",
                LoopbackAddr::try_from(BindAddr::loopback(1)).unwrap()
            ),
            "LoopbackAddr(127.0.0.1:1)"
        );
    }

    #[test]
    fn mapped_wildcard_is_the_wildcard() {
        let err = "[::ffff:0.0.0.0]:80".parse::<BindAddr>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Wildcard);
        let lo: LoopbackAddr = "[::ffff:127.0.0.1]:80".parse().unwrap();
        assert!(lo.scope().is_loopback());
        assert!(!lo.is_wildcard());
        assert_eq!(lo.to_string(), "[::ffff:127.0.0.1]:80");
    }
}
