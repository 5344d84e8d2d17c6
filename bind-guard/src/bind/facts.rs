//! What the kernel holds for a socket, and the verdict of a [`Policy`] on it
//! (`std` feature): the one rule behind the inherited-socket check
//! ([`inherited`](crate::inherited)) and `bind-guard audit`.
//!
//! A bind address alone does not say who can reach a socket. The kernel also holds
//! `IPV6_V6ONLY` (whether `[::]` takes IPv4 too) and the device the socket is
//! restricted to (`SO_BINDTODEVICE`), and neither shows in the address. [`SocketFacts`]
//! carries all three, and [`SocketFacts::judge`] decides:
//!
//! - a socket bound to an address is judged by that address, as [`Policy::decide`]
//!   judges any bind address (a device restriction only narrows it further);
//! - a wildcard is the wildcard (the opt-in covers both families), unless it is
//!   restricted to a device: then every address of that device in the families the
//!   socket takes is judged (IPv4 for `0.0.0.0`; IPv6 for `[::]`, and IPv4 too when
//!   `IPV6_V6ONLY` is off or unknown), read from the host with the `if-addrs` feature.
//!   Without it, or for a device name that cannot be an interface, the socket is
//!   judged as the wildcard it is: never wider than the truth;
//! - a TCP socket that is not listening is refused where a listener was expected.

use std::net::SocketAddr;
use std::string::String;

use crate::{BindError, Policy, Scope};

/// What the kernel holds for a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketFacts {
    /// The local address (`getsockname`).
    pub local: SocketAddr,
    /// `IPV6_V6ONLY`, for IPv6 sockets; `None` for IPv4 or when it is not known.
    pub v6only: Option<bool>,
    /// The device it is restricted to (`SO_BINDTODEVICE`), if any.
    pub device: Option<String>,
    /// For TCP, whether it is listening; `None` for UDP or when not known.
    pub listening: Option<bool>,
}

/// Why [`SocketFacts::judge`] refuses a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketRefusal {
    /// The policy refuses an address the socket is reachable on (named in the error).
    Policy(BindError),
    /// A TCP socket that is not listening.
    NotListening,
}

impl SocketFacts {
    /// The facts of one socket.
    #[must_use]
    pub fn new(
        local: SocketAddr,
        v6only: Option<bool>,
        device: Option<String>,
        listening: Option<bool>,
    ) -> Self {
        SocketFacts {
            local,
            v6only,
            device,
            listening,
        }
    }

    /// The policy's verdict on this socket (see the [module docs](self)).
    ///
    /// ```
    /// use bind_guard::facts::SocketFacts;
    /// use bind_guard::Policy;
    ///
    /// let any = SocketFacts::new("0.0.0.0:80".parse()?, None, None, Some(true));
    /// assert!(any.judge(&Policy::loopback()).is_err());
    /// # #[cfg(all(feature = "if-addrs", target_os = "linux"))] {
    /// let on_lo = SocketFacts::new("0.0.0.0:80".parse()?, None, Some("lo".into()), Some(true));
    /// assert!(on_lo.judge(&Policy::loopback()).is_ok());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first reason to refuse it.
    pub fn judge(&self, policy: &Policy) -> Result<(), SocketRefusal> {
        if self.listening == Some(false) {
            return Err(SocketRefusal::NotListening);
        }
        let local = self.local;
        let wildcard = Scope::of(local.ip()) == Scope::Unspecified;
        // `[::]` without IPV6_V6ONLY takes IPv4 too. For a plain wildcard that changes
        // nothing (the wildcard opt-in covers both families); restricted to a device, the
        // device's IPv4 addresses are judged too.
        let dual_stack = local.is_ipv6() && wildcard && self.v6only != Some(true);
        let check = |addr: SocketAddr| {
            policy
                .decide(addr)
                .map_err(|kind| SocketRefusal::Policy(BindError::for_addr(addr, kind)))
        };
        match (&self.device, wildcard) {
            (Some(device), true) => {
                device_verdict(device, local, dual_stack, policy).unwrap_or_else(|| {
                    // The device's addresses cannot be read: judged as the wildcard it is.
                    check(local)
                })
            }
            _ => check(local),
        }
    }

    /// Whether this socket also takes IPv4: an IPv6 wildcard with `IPV6_V6ONLY` off
    /// (`Some(true)`), on (`Some(false)`), or unknown (`None`); `Some(false)` for
    /// anything else.
    #[must_use]
    pub fn dual_stack(&self) -> Option<bool> {
        if self.local.is_ipv6() && Scope::of(self.local.ip()) == Scope::Unspecified {
            self.v6only.map(|v6only| !v6only)
        } else {
            Some(false)
        }
    }
}

/// The verdict on a wildcard restricted to `device`: every address of the device in
/// the socket's families. `None` when the device's addresses cannot be read (no
/// `if-addrs` feature, a name that is not an interface name).
#[cfg(feature = "if-addrs")]
fn device_verdict(
    device: &str,
    local: SocketAddr,
    dual_stack: bool,
    policy: &Policy,
) -> Option<Result<(), SocketRefusal>> {
    use crate::iface::{InterfaceFamily, InterfaceSpec};
    let family = match (local.is_ipv6(), dual_stack) {
        (false, _) => InterfaceFamily::Ipv4,
        (true, false) => InterfaceFamily::Ipv6,
        (true, true) => InterfaceFamily::Any,
    };
    let spec = InterfaceSpec::new(device, family, local.port())?;
    Some(
        spec.device_addrs(policy)
            .map(|_| ())
            .map_err(SocketRefusal::Policy),
    )
}

#[cfg(not(feature = "if-addrs"))]
fn device_verdict(
    _device: &str,
    _local: SocketAddr,
    _dual_stack: bool,
    _policy: &Policy,
) -> Option<Result<(), SocketRefusal>> {
    None
}
