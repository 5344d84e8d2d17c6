//! Host names (`std` feature): every address a name resolves to, or none.
//!
//! Parsing never touches DNS. These functions do, with two rules: a name is accepted
//! only if *every* address it resolves to is (an attacker who can add one record must
//! not be able to widen a listener), and `localhost` and names under `.localhost` map
//! to `127.0.0.1` and `::1` without asking any resolver (RFC 6761, section 6.3), so no
//! `/etc/hosts` entry or DNS answer can redirect them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::vec;
use std::vec::Vec;

use super::iface;
use crate::text::{diagnose, host_name};
use crate::{BindAddr, BindError, ErrorKind, Policy};

impl Policy {
    /// Resolves `HOST:PORT` (or takes an address literal) and checks every address.
    /// An interface form (`iface:eth0:8080`, see [`iface`](crate::iface)) gives the
    /// interface's addresses, each checked too.
    ///
    /// Only a host name goes to the system resolver: dot-separated labels of letters,
    /// digits and hyphens (RFC 1123), with a valid port. What parsing refuses is refused
    /// here the same way first, so a C resolver never turns a shorthand such as
    /// `0x7f000001:80` or `127.1:80` into an address, and `localhost:http` names the port.
    /// `localhost` and names under it (`api.localhost`, each label valid) are
    /// `127.0.0.1` and `::1` without asking anyone.
    ///
    /// ```
    /// use bind_guard::Policy;
    ///
    /// let addrs = Policy::loopback().resolve("localhost:8080")?;
    /// let shown: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
    /// assert_eq!(shown, ["127.0.0.1:8080", "[::1]:8080"]);
    /// # Ok::<(), bind_guard::BindError>(())
    /// ```
    pub fn resolve(&self, s: &str) -> Result<Vec<BindAddr>, BindError> {
        if iface::is_interface_form(s) {
            return s.parse::<iface::InterfaceSpec>()?.resolve(self);
        }
        resolve_with(s, |addr| {
            self.decide(addr).map(|()| BindAddr::trusted(addr))
        })
        .map_err(|err| {
            // A dual-stack `[::]` refused for the IPv4 wildcard it takes too says so.
            match err
                .resolved_addr()
                .or_else(|| diagnose::read(s.as_bytes()).ok())
            {
                Some(addr) => self.with_dual_stack_detail(err, addr),
                None => err,
            }
        })
    }
}

/// Every address `s` stands for, each passed through `check`: the literal itself, both
/// loopback addresses for a `localhost` name, or what the system resolver returns for
/// another host name. Only inputs that the diagnosis calls a host name with a valid port
/// reach a resolver: shorthands such as `0x7f000001:80`, which a C resolver would turn
/// into an address, are refused as parsing refuses them.
pub(crate) fn resolve_with<T>(
    s: &str,
    check: impl Fn(SocketAddr) -> Result<T, ErrorKind>,
) -> Result<Vec<T>, BindError> {
    let refuse = |kind| BindError::new(s, kind);
    let (host, port) = match diagnose::read(s.as_bytes()) {
        Ok(addr) => return check(addr).map(|t| vec![t]).map_err(refuse),
        Err(_) => diagnose::host_and_port(s).map_err(refuse)?,
    };
    let mut addrs: Vec<SocketAddr> = if host_name::is_localhost(host.as_bytes()) {
        vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]
    } else {
        (host, port)
            .to_socket_addrs()
            .map_err(|_| refuse(ErrorKind::Unresolvable))?
            .collect()
    };
    // Keep the resolver's order (it is the preference order) but drop repeats.
    let mut seen = std::collections::BTreeSet::new();
    addrs.retain(|addr| seen.insert(*addr));
    if addrs.is_empty() {
        return Err(refuse(ErrorKind::Unresolvable));
    }
    addrs
        .into_iter()
        .map(|addr| check(addr).map_err(|kind| BindError::resolved(s, addr, kind)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_never_asks_a_resolver() {
        for name in ["localhost:1", "LOCALHOST.:1", "a.b.localhost:1"] {
            let addrs = Policy::loopback().resolve(name).unwrap();
            assert_eq!(addrs, [BindAddr::loopback(1), BindAddr::loopback_v6(1)]);
        }
    }

    #[test]
    fn literals_pass_through_and_bad_input_is_diagnosed() {
        assert_eq!(BindAddr::resolve("10.0.0.1:5").unwrap().len(), 1);
        let err = Policy::default().resolve("0.0.0.0:5").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Wildcard);
        let err = Policy::default().resolve("localhost:http").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPort);
        // A C resolver reads 0x7f000001 as 127.0.0.1; it never gets the chance.
        let err = Policy::loopback().resolve("0x7f000001:80").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Ipv4Shorthand);
        let err = Policy::default().resolve("bad host:80").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Whitespace);
    }

    #[test]
    fn one_refused_address_refuses_the_name() {
        // localhost gives 127.0.0.1 and ::1; a policy that denies ::1 refuses both.
        let policy = Policy::default().deny_net("::1/128".parse().unwrap());
        let err = policy.resolve("localhost:80").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DeniedNetwork);
        assert_eq!(err.resolved_addr(), Some("[::1]:80".parse().unwrap()));
    }
}
