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
use crate::text::{diagnose, parse};
use crate::{BindAddr, BindError, ErrorKind, Policy};

impl Policy {
    /// Resolves `HOST:PORT` (or takes an address literal) and checks every address.
    /// An interface form (`iface:eth0:8080`, see [`iface`](crate::iface)) gives the
    /// interface's addresses, each checked too.
    ///
    /// ```
    /// use bind_guard::Policy;
    ///
    /// let addrs = Policy::loopback_only().resolve("localhost:8080")?;
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
    }
}

pub(crate) fn resolve_with<T>(
    s: &str,
    check: impl Fn(SocketAddr) -> Result<T, ErrorKind>,
) -> Result<Vec<T>, BindError> {
    if let Some(addr) = parse::socket_addr(s.as_bytes()) {
        return check(addr)
            .map(|t| vec![t])
            .map_err(|kind| BindError::new(s, kind));
    }
    let (host, port) = split_host_port(s)?;
    let mut addrs: Vec<SocketAddr> = if diagnose::is_localhost(host.as_bytes()) {
        vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]
    } else {
        (host, port)
            .to_socket_addrs()
            .map_err(|_| BindError::new(s, ErrorKind::Unresolvable))?
            .collect()
    };
    // Keep the resolver's order (it is the preference order) but drop repeats.
    let mut seen = Vec::with_capacity(addrs.len());
    addrs.retain(|addr| {
        let new = !seen.contains(addr);
        seen.push(*addr);
        new
    });
    if addrs.is_empty() {
        return Err(BindError::new(s, ErrorKind::Unresolvable));
    }
    addrs
        .into_iter()
        .map(|addr| check(addr).map_err(|kind| BindError::resolved(s, addr, kind)))
        .collect()
}

/// `HOST:PORT` where HOST is a plausible host name; anything else gets the parser's
/// diagnosis.
fn split_host_port(s: &str) -> Result<(&str, u16), BindError> {
    let refuse = || BindError::new(s, diagnose::diagnose(s.as_bytes()));
    let (host, port) = s.rsplit_once(':').ok_or_else(refuse)?;
    if !diagnose::is_resolvable_name(host.as_bytes()) {
        return Err(refuse());
    }
    let port = parse::port(port.as_bytes()).ok_or_else(refuse)?;
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_never_asks_a_resolver() {
        for name in ["localhost:1", "LOCALHOST.:1", "a.b.localhost:1"] {
            let addrs = Policy::loopback_only().resolve(name).unwrap();
            assert_eq!(addrs, [BindAddr::loopback(1), BindAddr::loopback_v6(1)]);
        }
    }

    #[test]
    fn literals_pass_through_and_bad_input_is_diagnosed() {
        assert_eq!(BindAddr::resolve("10.0.0.1:5").unwrap().len(), 1);
        let err = Policy::default().resolve("0.0.0.0:5").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Wildcard);
        let err = Policy::default().resolve("localhost:http").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Localhost);
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
