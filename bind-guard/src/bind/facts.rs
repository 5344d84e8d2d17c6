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
//! - a wildcard is the wildcard: `[::]` with `IPV6_V6ONLY` off (or unknown) is judged
//!   as `0.0.0.0` too, since it takes IPv4 connections ([`Policy::decide_v6only`]), so
//!   a deny list that refuses `0.0.0.0` refuses it;
//! - a wildcard restricted to a device is judged by every address of that device in the
//!   families the socket takes (IPv4 for `0.0.0.0`; IPv6 for `[::]`, and IPv4 too when
//!   `IPV6_V6ONLY` is off or unknown), IPv6 link-local and labelled IPv4 aliases
//!   included, read from the kernel with the `if-addrs` feature
//!   ([`iface::interfaces`](crate::iface::interfaces)).
//!   Without it, or for a device name that cannot be an interface, the socket is
//!   judged as the wildcard it is: never wider than the truth;
//! - a TCP socket that is not listening is refused where a listener was expected.

use std::net::{IpAddr, SocketAddr};
use std::string::{String, ToString};

use crate::iface::{InterfaceFamily, InterfaceSpec};
use crate::{BindError, ErrorKind, Escaped, Policy, Scope};

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
        // `[::]` without IPV6_V6ONLY takes IPv4 too: as a plain wildcard it is judged as
        // `0.0.0.0` too (a deny list may refuse that one only); restricted to a device,
        // the device's IPv4 addresses are judged too.
        let dual_stack = local.is_ipv6() && wildcard && self.v6only != Some(true);
        // `[::]` is judged as `0.0.0.0` too unless this socket is IPv6-only.
        let check = |addr: SocketAddr| {
            policy.decide_v6only(addr, self.v6only).map_err(|kind| {
                SocketRefusal::Policy(
                    policy.with_dual_stack_detail(BindError::for_addr(addr, kind), addr),
                )
            })
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

    /// The policy's verdict on this socket, as [`judge`](SocketFacts::judge) gives it,
    /// with the addresses of its device given by the caller instead of read from this
    /// process's interfaces: for a socket of another network namespace, whose device
    /// index and addresses mean nothing in this one (`bind-guard audit` reads them in
    /// the socket's namespace, by interface index, so that labelled aliases such as
    /// `eth0:1` count as the device's).
    ///
    /// `device_addrs` are every address of the device, in any family; those the socket
    /// does not take are left out as `judge` leaves them out. A device-bound wildcard
    /// whose device has no address in its families is refused
    /// ([`ErrorKind::NoInterfaceAddress`](crate::ErrorKind::NoInterfaceAddress)). A
    /// socket with no device, or bound to an address, is judged as `judge` judges it.
    ///
    /// # Errors
    ///
    /// As [`judge`](SocketFacts::judge).
    pub fn judge_with_device_addrs(
        &self,
        policy: &Policy,
        device_addrs: &[IpAddr],
    ) -> Result<(), SocketRefusal> {
        let local = self.local;
        let device = match &self.device {
            Some(device) if Scope::of(local.ip()) == Scope::Unspecified => device,
            _ => return self.judge(policy),
        };
        if self.listening == Some(false) {
            return Err(SocketRefusal::NotListening);
        }
        let family = device_family(local, self.dual_stack() != Some(false));
        let text = InterfaceSpec::new(device, family, local.port()).map_or_else(
            || std::format!("{}", Escaped::new(device)),
            |spec| spec.to_string(),
        );
        let mut any = false;
        for ip in device_addrs {
            if !family.reachable_on_device(*ip) {
                continue;
            }
            any = true;
            let addr = SocketAddr::new(*ip, local.port());
            policy
                .decide(addr)
                .map_err(|kind| SocketRefusal::Policy(BindError::resolved(&text, addr, kind)))?;
        }
        if any {
            Ok(())
        } else {
            Err(SocketRefusal::Policy(BindError::new(
                &text,
                ErrorKind::NoInterfaceAddress,
            )))
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

/// The families of a device's addresses a wildcard restricted to it takes: IPv4 for
/// `0.0.0.0`; IPv6 for `[::]`, and IPv4 too when it is dual-stack.
fn device_family(local: SocketAddr, dual_stack: bool) -> InterfaceFamily {
    match (local.is_ipv6(), dual_stack) {
        (false, _) => InterfaceFamily::Ipv4,
        (true, false) => InterfaceFamily::Ipv6,
        (true, true) => InterfaceFamily::Any,
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
    let spec = InterfaceSpec::new(device, device_family(local, dual_stack), local.port())?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::vec::Vec;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|ip| ip.parse().unwrap()).collect()
    }

    #[test]
    fn a_device_bound_wildcard_is_judged_by_the_given_addresses_of_its_families() {
        let policy: Policy = "nothing,allow=198.18.0.0/24".parse().unwrap();
        let v4 = SocketFacts::new("0.0.0.0:80".parse().unwrap(), None, Some("a0".into()), None);
        assert!(
            v4.judge_with_device_addrs(&policy, &ips(&["198.18.0.1"]))
                .is_ok()
        );
        // An alias outside the allow list is refused, named.
        let Err(SocketRefusal::Policy(err)) =
            v4.judge_with_device_addrs(&policy, &ips(&["198.18.0.1", "198.18.1.1"]))
        else {
            panic!("the alias must be refused");
        };
        assert_eq!(err.resolved_addr(), Some("198.18.1.1:80".parse().unwrap()));
        // An IPv4 socket does not take the device's IPv6 addresses.
        assert!(
            v4.judge_with_device_addrs(&policy, &ips(&["198.18.0.1", "2001:2::1"]))
                .is_ok()
        );
        // No address in its family: refused, never allowed by default.
        let Err(SocketRefusal::Policy(err)) =
            v4.judge_with_device_addrs(&policy, &ips(&["2001:2::1"]))
        else {
            panic!("a device with no IPv4 address is refused");
        };
        assert_eq!(err.kind(), ErrorKind::NoInterfaceAddress);
        // [::] with IPV6_V6ONLY off (or unknown) takes the device's IPv4 addresses too.
        for v6only in [None, Some(false)] {
            let dual =
                SocketFacts::new("[::]:80".parse().unwrap(), v6only, Some("a0".into()), None);
            assert!(
                dual.judge_with_device_addrs(&policy, &ips(&["2001:2::1", "198.18.1.1"]))
                    .is_err()
            );
        }
        let v6 = SocketFacts::new(
            "[::]:80".parse().unwrap(),
            Some(true),
            Some("a0".into()),
            None,
        );
        let v6_policy: Policy = "nothing,allow=2001:2::/48".parse().unwrap();
        assert!(
            v6.judge_with_device_addrs(&v6_policy, &ips(&["2001:2::1", "198.18.1.1"]))
                .is_ok()
        );
    }

    #[test]
    fn without_a_device_or_with_an_address_the_given_addresses_change_nothing() {
        let policy = Policy::loopback();
        let plain = SocketFacts::new("0.0.0.0:80".parse().unwrap(), None, None, None);
        assert!(
            plain
                .judge_with_device_addrs(&policy, &ips(&["127.0.0.1"]))
                .is_err()
        );
        let bound = SocketFacts::new(
            "10.0.0.1:80".parse().unwrap(),
            None,
            Some("lo".into()),
            None,
        );
        assert!(
            bound
                .judge_with_device_addrs(&policy, &ips(&["127.0.0.1"]))
                .is_err()
        );
        let closed = SocketFacts::new(
            "0.0.0.0:80".parse().unwrap(),
            None,
            Some("lo".into()),
            Some(false),
        );
        assert_eq!(
            closed.judge_with_device_addrs(&policy, &ips(&["127.0.0.1"])),
            Err(SocketRefusal::NotListening)
        );
    }

    use crate::ErrorKind;

    fn facts(addr: &str, v6only: Option<bool>) -> SocketFacts {
        SocketFacts::new(addr.parse().unwrap(), v6only, None, Some(true))
    }

    #[test]
    fn a_dual_stack_wildcard_is_judged_as_the_ipv4_wildcard_too() {
        let policy: Policy = "default,allow_wildcard,deny=0.0.0.0/0".parse().unwrap();
        // IPV6_V6ONLY off, or not known: it takes IPv4, which the deny list refuses.
        for v6only in [Some(false), None] {
            let Err(SocketRefusal::Policy(err)) = facts("[::]:8080", v6only).judge(&policy) else {
                panic!("[::] with IPV6_V6ONLY {v6only:?} must be refused");
            };
            assert_eq!(err.kind(), ErrorKind::DeniedNetwork);
            let detail = err.detail().unwrap();
            assert!(detail.contains("judged as 0.0.0.0:8080 too"), "{detail}");
        }
        // IPv6 only: the IPv4 deny list does not concern it.
        assert_eq!(facts("[::]:8080", Some(true)).judge(&policy), Ok(()));
        assert!(facts("0.0.0.0:8080", None).judge(&policy).is_err());
        // A deny list of IPv6 refuses every [::], IPv6-only or not.
        let v6_denied: Policy = "default,allow_wildcard,deny=::/128".parse().unwrap();
        assert!(facts("[::]:8080", Some(true)).judge(&v6_denied).is_err());
        assert_eq!(facts("0.0.0.0:8080", None).judge(&v6_denied), Ok(()));
    }

    #[test]
    fn dual_stack_is_known_only_for_an_ipv6_wildcard_with_its_option_read() {
        assert_eq!(facts("[::]:1", Some(false)).dual_stack(), Some(true));
        assert_eq!(facts("[::]:1", Some(true)).dual_stack(), Some(false));
        assert_eq!(facts("[::]:1", None).dual_stack(), None);
        // Not the IPv6 wildcard: never dual-stack, whatever the option.
        assert_eq!(facts("[::1]:1", Some(false)).dual_stack(), Some(false));
        assert_eq!(facts("0.0.0.0:1", None).dual_stack(), Some(false));
    }

    #[test]
    fn a_socket_that_is_not_listening_is_refused_before_its_address() {
        let socket = SocketFacts::new("127.0.0.1:1".parse().unwrap(), None, None, Some(false));
        assert_eq!(
            socket.judge(&Policy::loopback()),
            Err(SocketRefusal::NotListening)
        );
        let udp = SocketFacts::new("127.0.0.1:1".parse().unwrap(), None, None, None);
        assert_eq!(udp.judge(&Policy::loopback()), Ok(()));
    }

    /// Without the `if-addrs` feature a device's addresses cannot be read, and a wildcard
    /// restricted to a device is judged as the wildcard it is: never wider than the truth.
    /// (With the feature this function is compiled out; `cargo test -p bind-guard` runs
    /// this test with the default features, so the fallback is tested too.)
    #[cfg(not(feature = "if-addrs"))]
    #[test]
    fn without_interface_lookup_a_device_bound_wildcard_is_judged_as_the_wildcard() {
        let on_lo = SocketFacts::new(
            "0.0.0.0:1".parse().unwrap(),
            None,
            Some("lo".into()),
            Some(true),
        );
        assert!(matches!(
            on_lo.judge(&Policy::loopback()),
            Err(SocketRefusal::Policy(err)) if err.kind() == ErrorKind::Wildcard
        ));
        assert_eq!(on_lo.judge(&Policy::default().allow_wildcard()), Ok(()));
    }
}
