//! The IP addresses a server is reachable on, as `Host` values: fixed for sockets bound
//! to an address, read from the host's interfaces for sockets bound to the wildcard.
//!
//! Interfaces change while a server runs (DHCP, a VPN, a new container network). A
//! guard for a wildcard listener reads them again when a request names an IP address
//! it does not know, at most once per [`REREAD_INTERVAL`]: a page that floods the
//! server with unknown addresses costs one read per interval, and an accepted
//! request never reads or allocates (it takes a read lock on the current list).

use std::boxed::Box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use std::vec::Vec;

use super::{DualStack, HostGuardError, HostGuardErrorKind};
use crate::Scope;

/// The shortest time between two reads of the interfaces.
pub(crate) const REREAD_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct Addresses {
    /// The addresses of the specific binds, and loopback for the wildcard ones;
    /// sorted.
    fixed: Box<[IpAddr]>,
    /// The wildcard binds' interface addresses, when they can be read again.
    live: Option<Live>,
}

#[derive(Debug)]
struct Live {
    /// The wildcard binds, each with whether it takes IPv4.
    wildcards: Box<[(SocketAddr, bool)]>,
    /// The interface addresses read last; sorted.
    ips: RwLock<Box<[IpAddr]>>,
    /// When the guard was built, the clock of `next_read`.
    start: Instant,
    /// Milliseconds after `start` before which no read is made.
    next_read: AtomicU64,
}

impl Addresses {
    /// The addresses for sockets bound to `bound`.
    pub(crate) fn new(bound: &[SocketAddr], dual_stack: DualStack) -> Result<Self, HostGuardError> {
        let mut fixed = Vec::new();
        let mut wildcards = Vec::new();
        for addr in bound {
            if Scope::of(addr.ip()) == Scope::Unspecified {
                let also_v4 = dual(*addr, dual_stack);
                // Loopback always; the rest from the interfaces.
                if also_v4 {
                    fixed.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
                }
                if takes_v6(*addr) {
                    fixed.push(IpAddr::V6(Ipv6Addr::LOCALHOST));
                }
                wildcards.push((*addr, also_v4));
            } else {
                fixed.push(addr.ip());
            }
        }
        let fixed = finish(fixed);
        let live = if cfg!(feature = "if-addrs") && !wildcards.is_empty() {
            let ips = read_interfaces(&wildcards)?;
            Some(Live {
                wildcards: wildcards.into_boxed_slice(),
                ips: RwLock::new(ips),
                start: Instant::now(),
                next_read: AtomicU64::new(0),
            })
        } else {
            None
        };
        Ok(Self { fixed, live })
    }

    /// Whether `ip` (canonical: an IPv4-mapped address is given as IPv4) is one of
    /// them; reads the interfaces again when it is not and the last read is older
    /// than [`REREAD_INTERVAL`].
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        if self.fixed.binary_search(&ip).is_ok() {
            return true;
        }
        let Some(live) = &self.live else {
            return false;
        };
        live.contains(ip) || (live.reread() && live.contains(ip))
    }

    /// Whether any address is read from the interfaces.
    #[cfg(test)]
    pub(crate) fn is_live(&self) -> bool {
        self.live.is_some()
    }
}

impl Live {
    fn contains(&self, ip: IpAddr) -> bool {
        let ips = self
            .ips
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ips.binary_search(&ip).is_ok()
    }

    /// Reads the interfaces again if no read was made in the last interval; whether
    /// it did. One thread reads; the others go on with the list they have.
    fn reread(&self) -> bool {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let due = self.next_read.load(Ordering::Relaxed);
        let next =
            now.saturating_add(u64::try_from(REREAD_INTERVAL.as_millis()).unwrap_or(u64::MAX));
        if now < due
            || self
                .next_read
                .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return false;
        }
        // A failed read keeps the list it has: the addresses it holds were reachable.
        let Ok(ips) = read_interfaces(&self.wildcards) else {
            return false;
        };
        *self
            .ips
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = ips;
        true
    }
}

fn finish(mut ips: Vec<IpAddr>) -> Box<[IpAddr]> {
    // A browser writes an IPv4-mapped bind as the IPv4 address it carries; requests
    // are compared in that canonical form.
    for ip in &mut ips {
        *ip = ip.to_canonical();
    }
    ips.retain(|ip| Scope::of(*ip) != Scope::Unspecified);
    ips.sort_unstable();
    ips.dedup();
    ips.into_boxed_slice()
}

/// The interface addresses behind the wildcard binds (feature `if-addrs`).
#[cfg_attr(not(feature = "if-addrs"), allow(clippy::unnecessary_wraps))]
fn read_interfaces(wildcards: &[(SocketAddr, bool)]) -> Result<Box<[IpAddr]>, HostGuardError> {
    #[allow(unused_mut)]
    let mut ips = Vec::new();
    #[cfg(feature = "if-addrs")]
    for &(addr, also_v4) in wildcards {
        let known = if also_v4 {
            DualStack::Yes
        } else {
            DualStack::No
        };
        let found = crate::reachable::reachable(addr, known).map_err(|e| {
            HostGuardError::new(
                HostGuardErrorKind::Io,
                &std::string::ToString::to_string(&e),
                "the interface addresses",
            )
        })?;
        ips.extend(found.iter().map(SocketAddr::ip));
    }
    #[cfg(not(feature = "if-addrs"))]
    let _ = (wildcards, HostGuardErrorKind::Io);
    Ok(finish(ips))
}

/// Whether a wildcard socket bound to `addr` takes IPv4. Where the system default is
/// not known, yes: accepting an IPv4 literal the socket may not be reachable on lets
/// no web page in (a page cannot choose the `Host` of a request to an address), while
/// refusing it would turn away requests that did arrive.
fn dual(addr: SocketAddr, dual_stack: DualStack) -> bool {
    match addr.ip() {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => true,
        IpAddr::V6(_) => dual_stack.resolve().unwrap_or(true),
        IpAddr::V4(_) => true,
    }
}

/// Whether a wildcard socket bound to `addr` takes IPv6 (`[::]`, not `[::ffff:0.0.0.0]`).
fn takes_v6(addr: SocketAddr) -> bool {
    matches!(addr.ip(), IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(bound: &[&str], dual_stack: DualStack) -> Addresses {
        let bound: Vec<SocketAddr> = bound.iter().map(|a| a.parse().unwrap()).collect();
        Addresses::new(&bound, dual_stack).unwrap()
    }

    #[test]
    fn wildcard_binds_reach_loopback_never_the_wildcard() {
        let any = addrs(&["0.0.0.0:80"], DualStack::SystemDefault);
        assert!(any.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(!any.contains(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(any.is_live(), cfg!(feature = "if-addrs"));
        let v6only = addrs(&["[::]:80"], DualStack::No);
        assert!(!v6only.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(v6only.contains(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert!(!v6only.contains(IpAddr::V6(Ipv6Addr::UNSPECIFIED)));
        let dual = addrs(&["[::]:80"], DualStack::Yes);
        assert!(dual.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        let mapped = addrs(&["[::ffff:0.0.0.0]:80"], DualStack::No);
        assert!(mapped.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(!mapped.contains(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn a_mapped_bind_is_its_ipv4_address() {
        let a = addrs(&["[::ffff:127.0.0.3]:80"], DualStack::No);
        assert!(a.contains("127.0.0.3".parse().unwrap()));
        assert!(!a.is_live());
    }

    #[test]
    fn rereads_at_most_once_per_interval() {
        let live = Live {
            wildcards: Box::new([("0.0.0.0:80".parse().unwrap(), true)]),
            ips: RwLock::new(Box::new([])),
            start: Instant::now(),
            next_read: AtomicU64::new(0),
        };
        assert!(live.reread(), "the first miss reads");
        assert!(!live.reread(), "the next miss within the interval does not");
        live.next_read.store(0, Ordering::Relaxed);
        assert!(live.reread(), "once the interval is over it reads again");
    }
}
