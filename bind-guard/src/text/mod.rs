//! The text layer: bind-address and network text to parsed values, and on the error
//! path, the diagnosis of what was wrong. Nothing here knows about scopes or policies.
//!
//! The parser and the diagnosis live in `bind-guard-core`, which `bind-guard-macros`
//! also runs while expanding `bind_addr!` and `ip_net!`: one copy for both.

use ipnet::IpNet;

#[cfg(feature = "std")]
pub(crate) use bind_guard_core::text::host_name;
pub(crate) use bind_guard_core::text::{diagnose, net_literal, parse};

use crate::NetError;

/// Parses a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`) with the rules of
/// [`ip_net!`](crate::ip_net): the address as `std` parses it, a decimal prefix length
/// no longer than the address, and no host bits set after it (`10.0.0.1/8` is an error,
/// where `ipnet`'s own parser would keep the host bits).
///
/// ```
/// use bind_guard::{parse_net, ErrorKind};
///
/// assert_eq!(parse_net("10.0.0.0/8")?.to_string(), "10.0.0.0/8");
/// assert_eq!(parse_net("10.0.0.1/8").unwrap_err().kind(), ErrorKind::HostBits);
/// # Ok::<(), bind_guard::NetError>(())
/// ```
pub fn parse_net(s: &str) -> Result<IpNet, NetError> {
    net_literal::parse(s.as_bytes()).map_err(|kind| NetError::new(s, kind))
}
