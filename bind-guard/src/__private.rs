//! Support for the macros; not a public API.
pub use bind_guard_macros::{bind_addr_decision_impl, bind_addr_impl, ip_net_impl};
pub use ipnet::IpNet;

pub use crate::rule::table::{Allows, ScopeType, Verdict, refusal, scope};
pub use crate::rule::{Expect, ScopeRule};

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use ipnet::{Ipv4Net, Ipv6Net};

use crate::marker::Rule;
use crate::{BindAddr, Scope};

// `bind_addr!` parses its literal and finds its scope while it expands (with
// `bind-guard-core`, as `FromStr` does), then calls one of these (`const fn`s)
// with the address's parts and its scope as the type `S`. The bound `P: Allows<S>`
// is the rule: the type checker picks `P` from the annotated type and reports a
// refused pair (`cargo check` included). Nothing is parsed here.

/// An IPv4 socket address from its parts.
#[must_use]
pub const fn socket_v4(bits: u32, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from_bits(bits), port))
}

/// An IPv6 socket address from its parts (`std`'s parser sets no flow info).
#[must_use]
pub const fn socket_v6(bits: u128, port: u16, scope_id: u32) -> SocketAddr {
    SocketAddr::V6(SocketAddrV6::new(
        Ipv6Addr::from_bits(bits),
        port,
        0,
        scope_id,
    ))
}

/// What `bind_addr!` expands to: `addr`, of scope `S`, for any rule `P` that
/// accepts `S`.
#[must_use]
pub const fn literal<S: ScopeType, P: Allows<S>>(addr: SocketAddr) -> BindAddr<P> {
    of_scope::<S, P>(addr)
}

/// What `bind_addr_decision!` (the macro/run-time agreement test's view of
/// `bind_addr!`) expands to: the address and its scope type's name, or the error
/// message.
pub type Decision = Result<(SocketAddr, &'static str), &'static str>;

/// An accepted literal, for [`Decision`].
pub const fn decided(addr: SocketAddr, scope: &'static str) -> Decision {
    Ok((addr, scope))
}

/// A literal refused while expanding, for [`Decision`].
pub const fn refused(message: &'static str) -> Decision {
    Err(message)
}

/// The value, once `S` is known to be the scope of `addr`. The macro always passes
/// the scope it computed; a hand-written call that names another scope (to get a
/// `LoopbackAddr` for a public address, say) stops here: a compile error in a
/// `const` or `static`, a panic elsewhere, never a value that breaks the rule.
#[allow(
    clippy::panic,
    reason = "a forged call to this hidden function must not yield a value"
)]
const fn of_scope<S: ScopeType, P: Rule>(addr: SocketAddr) -> BindAddr<P> {
    if Scope::of(addr.ip()).bit() != S::SCOPE.bit() {
        panic!("bind_guard::__private: the scope type does not match the address");
    }
    BindAddr::trusted(addr)
}

/// An IPv4 network literal that `ip_net!` checked (prefix length, no host bits).
#[must_use]
pub const fn ip_net_v4(bits: u32, len: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::from_bits(bits), len))
}

/// An IPv6 network literal that `ip_net!` checked.
#[must_use]
pub const fn ip_net_v6(bits: u128, len: u8) -> IpNet {
    IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::from_bits(bits), len))
}
