//! Where a listener can be reached (`if-addrs` feature): the concrete addresses behind
//! a wildcard, what dev servers print as "Network:".
//!
//! A socket bound to a specific address is reachable on that address. A socket bound
//! to the wildcard is reachable on every address of every interface of the host, in
//! the socket's family: `0.0.0.0` on the IPv4 ones, `[::]` on the IPv6 ones and, when
//! the socket is dual-stack, on the IPv4 ones too. The interfaces are read with
//! [`iface::interfaces`](crate::iface::interfaces) at the time of the call; addresses
//! added later are reachable too. IPv6 link-local addresses are left out (a URL with a
//! zone is of little use to a person); loopback addresses come first.
//!
//! ```
//! use bind_guard::{reachable, BindAddr, Policy};
//!
//! let local = BindAddr::loopback(8080);
//! assert_eq!(reachable::reachable(local, reachable::DualStack::No)?, [*local.as_socket_addr()]);
//!
//! let any = Policy::default().allow_wildcard().parse("0.0.0.0:8080")?;
//! let addrs = reachable::reachable(any, reachable::DualStack::No)?;
//! assert!(addrs.contains(&"127.0.0.1:8080".parse()?)); // and every other IPv4 address
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::vec::Vec;

use crate::Scope;

pub use super::sysctl::DualStack;

/// The addresses a socket bound to `bound` can be reached on: `bound` itself unless it
/// is the wildcard, else the addresses of the host's interfaces in its family (see the
/// [module docs](self)), with `bound`'s port. Pass the *bound* address
/// (`listener.local_addr()`) to get the port the system picked for port 0.
///
/// `dual_stack` matters only for `[::]`.
///
/// # Errors
///
/// The error of listing the interfaces; `Unsupported` for `[::]` with
/// [`DualStack::SystemDefault`] on a system whose default is not known (then pass
/// `Yes` or `No`, whichever the socket was given).
pub fn reachable(
    bound: impl Into<SocketAddr>,
    dual_stack: DualStack,
) -> io::Result<Vec<SocketAddr>> {
    let bound = bound.into();
    if Scope::of(bound.ip()) != Scope::Unspecified {
        return Ok(std::vec![bound]);
    }
    let (v4, v6) = match bound.ip() {
        // `::ffff:0.0.0.0` binds the IPv4 wildcard through an IPv6 socket.
        IpAddr::V6(ip) if ip.to_ipv4_mapped().is_some() => (true, false),
        IpAddr::V6(_) => match dual_stack.resolve() {
            Some(also_v4) => (also_v4, true),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "whether [::] also takes IPv4 is not known on this system (no readable \
                     IPV6_V6ONLY default); pass DualStack::Yes or DualStack::No",
                ));
            }
        },
        IpAddr::V4(_) => (true, false),
    };
    let mut addrs: Vec<SocketAddr> = crate::iface::interfaces()?
        .into_iter()
        .flat_map(|interface| interface.addresses)
        .map(|address| address.ip)
        .filter(|ip| match ip {
            IpAddr::V4(_) => v4,
            IpAddr::V6(ip) => v6 && !ip.is_unicast_link_local(),
        })
        .map(|ip| SocketAddr::new(ip, bound.port()))
        .collect();
    // Loopback first, then IPv4 before IPv6, each in address order; no repeats.
    addrs.sort_by_key(|addr| (!addr.ip().is_loopback(), addr.is_ipv6(), addr.ip()));
    addrs.dedup();
    Ok(addrs)
}

/// `http://` URLs for [`reachable`]'s addresses, the way a dev server prints them.
///
/// # Errors
///
/// As [`reachable`].
pub fn http_urls(
    bound: impl Into<SocketAddr>,
    dual_stack: DualStack,
) -> io::Result<Vec<std::string::String>> {
    Ok(reachable(bound, dual_stack)?
        .into_iter()
        .map(|addr| std::format!("http://{addr}/"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_specific_address_is_reachable_on_itself_only() {
        for s in ["127.0.0.1:80", "[::1]:8080", "10.1.2.3:1"] {
            assert_eq!(reachable(addr(s), DualStack::Yes).unwrap(), [addr(s)]);
        }
    }

    #[test]
    fn the_wildcard_lists_the_interfaces_of_its_family() {
        let v4 = reachable(addr("0.0.0.0:8080"), DualStack::Yes).unwrap();
        assert!(v4.contains(&addr("127.0.0.1:8080")), "{v4:?}");
        assert!(v4.iter().all(|a| a.is_ipv4() && a.port() == 8080));
        assert_eq!(v4.first(), Some(&addr("127.0.0.1:8080")));
        let interfaces = crate::iface::interfaces().unwrap();
        let has_v6 = interfaces
            .iter()
            .flat_map(|i| &i.addresses)
            .any(|a| a.ip == IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]));
        let v6_only = reachable(addr("[::]:8080"), DualStack::No).unwrap();
        assert!(v6_only.iter().all(SocketAddr::is_ipv6));
        assert_eq!(v6_only.contains(&addr("[::1]:8080")), has_v6);
        let dual = reachable(addr("[::]:8080"), DualStack::Yes).unwrap();
        assert!(dual.contains(&addr("127.0.0.1:8080")));
        assert_eq!(dual.len(), v4.len() + v6_only.len());
        assert_eq!(
            http_urls(addr("127.0.0.1:3000"), DualStack::No).unwrap(),
            ["http://127.0.0.1:3000/"]
        );
    }
}
