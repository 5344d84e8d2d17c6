//! [`BindSet`]: several listen addresses, checked together and bound all or none (`std`
//! feature).

use std::fmt;
use std::io;
use std::net::{Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::str::FromStr;
use std::vec::Vec;

use crate::addr::unix::is_unix_form;
use crate::{BindAddr, BindError, ErrorKind, ListenAddr, Policy, UnixAddr};

/// The addresses a server listens on: one or more [`BindAddr`]s that passed one
/// [`Policy`], each socket once, in the order given.
///
/// A service that should answer on `127.0.0.1` *and* `[::1]` (what `localhost` means
/// today) needs two sockets. `BindSet` reads such a list from one string, turns
/// `localhost:PORT` into both loopback addresses (without asking DNS), and binds all the
/// addresses or none: if one bind fails, the sockets already opened are closed and the
/// error names the address that failed, so a server never runs half-listening.
///
/// ```
/// use bind_guard::{BindSet, Policy};
///
/// let set = BindSet::parse(&Policy::default(), "localhost:0")?;
/// assert_eq!(set.to_string(), "127.0.0.1:0,[::1]:0");
/// let listeners = set.bind_tcp()?; // two sockets, or an error and none
/// assert_eq!(listeners.len(), 2);
///
/// let err = BindSet::parse(&Policy::default(), "127.0.0.1:8080,0.0.0.0:8080").unwrap_err();
/// assert_eq!(err.input(), "0.0.0.0:8080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Each address with port 0 gets its own free port from the system.
///
/// Two spellings of one socket are one entry (the first is kept): `127.0.0.1:8080` and
/// `[::ffff:127.0.0.1]:8080`, or `[::1]:8080` and `[::1%3]:8080` (Linux ignores the zone
/// of an address that is not link-local), would otherwise fail the second bind with
/// "address in use". Building a set costs O(n log n) in its length.
///
/// # Unix sockets
///
/// An item may be a Unix domain socket, `unix:/ABSOLUTE/PATH` (any policy) or
/// `unix:@NAME` (an abstract name, only under [`Policy::allow_abstract`]); see
/// [`UnixAddr`]. [`endpoints`](BindSet::endpoints) holds every entry in order;
/// [`addrs`](BindSet::addrs), [`iter`](BindSet::iter) and `IntoIterator` hold the IP
/// addresses only, and [`unix`](BindSet::unix) the Unix sockets. A program that can
/// serve on both binds with `bind` (`unix` feature), which opens each Unix socket
/// through the checks of [`unix`](crate::unix); the IP-only binders
/// ([`bind_tcp`](BindSet::bind_tcp), [`bind_udp`](BindSet::bind_udp),
/// [`bind_all`](BindSet::bind_all), `tokio::bind_tcp_all`) refuse a set that has a Unix
/// socket, with an error that tells the operator to give an IP address, rather than
/// leave it out.
///
/// ```
/// use bind_guard::{BindSet, Policy};
///
/// let set = BindSet::parse(&Policy::loopback(), "unix:/run/app/admin.sock,[::1]:9000")?;
/// assert_eq!(set.len(), 2);
/// assert_eq!(set.unix().count(), 1);
/// assert_eq!(set.addrs().len(), 1);
/// assert!(set.bind_tcp().unwrap_err().to_string().contains("unix:/run/app/admin.sock"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindSet {
    /// Every entry, in order.
    endpoints: Vec<ListenAddr>,
    /// The IP entries of `endpoints`, in order (a second view, kept for the slice API).
    addrs: Vec<BindAddr>,
}

impl BindSet {
    /// Parses a comma-separated list of addresses and checks each with `policy`. An
    /// item is an address literal, `localhost:PORT` (and names under `.localhost`),
    /// which becomes `127.0.0.1:PORT` and `[::1]:PORT`, or an interface form
    /// (`iface:eth0:8080`), which becomes the interface's addresses, read from the host
    /// (see [`iface`](crate::iface)). Other host names are refused,
    /// as [`Policy::parse`] refuses them: this never asks DNS (see
    /// [`resolve`](BindSet::resolve)). One bad item refuses the whole list; the error
    /// names that item.
    ///
    /// A Unix socket (`unix:/run/app.sock`, `unix:@name`) is read by
    /// [`Policy::parse_unix`].
    ///
    /// Items are trimmed of ASCII white space (as a policy text is; a no-break space
    /// is an error, not trimmed). An empty list is [`ErrorKind::Empty`]; an empty
    /// item among others (a stray comma) is [`ErrorKind::EmptyItem`], naming the list;
    /// a comma typed for a dot (`127.0.0,1:8080`) is [`ErrorKind::Comma`], naming the
    /// address, not its two halves.
    pub fn parse(policy: &Policy, list: &str) -> Result<Self, BindError> {
        if list.trim_ascii().is_empty() {
            return Err(BindError::new(list, ErrorKind::Empty));
        }
        if list.split(',').any(|item| item.trim_ascii().is_empty()) {
            return Err(BindError::new(list, ErrorKind::EmptyItem));
        }
        let mut items = list.split(',').peekable();
        let mut unique = Unique::default();
        while let Some(item) = items.next() {
            match Self::parse_items(policy, [item]) {
                Ok(set) => set.endpoints.into_iter().for_each(|addr| unique.push(addr)),
                Err(err) if err.kind().is_refusal() => return Err(err),
                Err(err) => {
                    // `127.0.0,1:8080` splits into two bad halves; say what it really is.
                    if let Some(next) = items.peek() {
                        let joined = std::format!("{item}.{next}");
                        if crate::text::parse::socket_addr(joined.trim_ascii().as_bytes()).is_some()
                        {
                            let typed = std::format!("{},{}", item.trim_ascii(), next.trim_ascii());
                            return Err(BindError::new(&typed, ErrorKind::Comma));
                        }
                    }
                    return Err(err);
                }
            }
        }
        // Every item gave at least one address, so this is not empty; were it, the
        // list would be refused, not bound.
        unique
            .finish()
            .ok_or_else(|| BindError::new(list, ErrorKind::Empty))
    }

    /// Like [`parse`](BindSet::parse), for items that are already separate (repeated
    /// flags, a config array). Commas inside an item are not split.
    pub fn parse_items<'a>(
        policy: &Policy,
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, BindError> {
        Self::collect(items, |item| {
            if is_unix_form(item) {
                return Ok(std::vec![ListenAddr::Unix(policy.parse_unix(item)?)]);
            }
            let ips = match policy.parse(item) {
                Ok(addr) => Ok(std::vec![addr]),
                // `Policy::resolve` reads an interface's addresses from the host.
                Err(_) if crate::iface::is_interface_form(item) => policy.resolve(item),
                // `Policy::resolve` maps localhost to both loopback addresses without DNS.
                Err(err) if err.kind() == ErrorKind::Localhost => policy.resolve(item),
                Err(err) => Err(err),
            };
            ips.map(|ips| ips.into_iter().map(ListenAddr::Ip).collect())
        })
    }

    /// Like [`parse`](BindSet::parse), but host names are resolved with
    /// [`Policy::resolve`]: through the system resolver, and accepted only if every
    /// address they resolve to is.
    pub fn resolve(policy: &Policy, list: &str) -> Result<Self, BindError> {
        Self::collect(list.split(','), |item| {
            if is_unix_form(item) {
                return Ok(std::vec![ListenAddr::Unix(policy.parse_unix(item)?)]);
            }
            let ips = policy.resolve(item)?;
            Ok(ips.into_iter().map(ListenAddr::Ip).collect())
        })
    }

    fn collect<'a>(
        items: impl IntoIterator<Item = &'a str>,
        mut check: impl FnMut(&str) -> Result<Vec<ListenAddr>, BindError>,
    ) -> Result<Self, BindError> {
        let mut unique = Unique::default();
        for item in items {
            for addr in check(item.trim_ascii())? {
                unique.push(addr);
            }
        }
        unique
            .finish()
            .ok_or_else(|| BindError::new("", ErrorKind::Empty))
    }

    /// A set of addresses that were checked already ([`BindAddr`]s, [`UnixAddr`]s or
    /// [`ListenAddr`]s). Repeats are dropped; `None` if there is no address at all.
    ///
    /// ```
    /// use bind_guard::{BindAddr, BindSet, ListenAddr};
    /// let set = BindSet::from_addrs([BindAddr::loopback(80), BindAddr::loopback_v6(80)]);
    /// assert_eq!(set.map(|s| s.len()), Some(2));
    /// let both = BindSet::from_addrs([
    ///     ListenAddr::Ip(BindAddr::loopback(80)),
    ///     ListenAddr::Unix("unix:/run/app.sock".parse()?),
    /// ]);
    /// assert_eq!(both.map(|s| s.to_string()).as_deref(), Some("127.0.0.1:80,unix:/run/app.sock"));
    /// # Ok::<(), bind_guard::BindError>(())
    /// ```
    #[must_use]
    pub fn from_addrs(addrs: impl IntoIterator<Item = impl Into<ListenAddr>>) -> Option<Self> {
        let mut unique = Unique::default();
        for addr in addrs {
            unique.push(addr.into());
        }
        unique.finish()
    }

    /// `127.0.0.1:PORT` and `[::1]:PORT`: what `localhost:PORT` means, as a value (a
    /// default that cannot be mistyped).
    ///
    /// ```
    /// assert_eq!(bind_guard::BindSet::localhost(8080).to_string(), "127.0.0.1:8080,[::1]:8080");
    /// ```
    #[must_use]
    pub fn localhost(port: u16) -> Self {
        BindSet::of(std::vec![
            ListenAddr::Ip(BindAddr::loopback(port)),
            ListenAddr::Ip(BindAddr::loopback_v6(port)),
        ])
    }

    /// A set of these entries (repeats already removed, at least one entry).
    fn of(endpoints: Vec<ListenAddr>) -> Self {
        let addrs = endpoints.iter().filter_map(|e| e.ip().copied()).collect();
        BindSet { endpoints, addrs }
    }

    /// Every entry, IP addresses and Unix sockets, in order.
    #[must_use]
    pub fn endpoints(&self) -> &[ListenAddr] {
        &self.endpoints
    }

    /// The IP addresses, in order (the Unix sockets are in [`unix`](BindSet::unix)).
    #[must_use]
    pub fn addrs(&self) -> &[BindAddr] {
        &self.addrs
    }

    /// The Unix sockets, in order.
    pub fn unix(&self) -> impl Iterator<Item = &UnixAddr> {
        self.endpoints.iter().filter_map(ListenAddr::unix)
    }

    /// How many entries there are, IP addresses and Unix sockets (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// Always `false`: a set holds at least one entry. (For the `len`/`is_empty` pair.)
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The IP addresses, in order (see [`endpoints`](BindSet::endpoints) for all).
    pub fn iter(&self) -> std::slice::Iter<'_, BindAddr> {
        self.addrs.iter()
    }

    /// The wildcard addresses in the set (only possible if the policy opted in).
    pub fn wildcards(&self) -> impl Iterator<Item = &BindAddr> {
        self.addrs.iter().filter(|addr| addr.is_wildcard())
    }

    /// Opens a TCP listener on every address (each checked with
    /// [`BindAddr::verify_bound`]), or none: on the first failure the listeners opened so
    /// far are closed and the error says which address failed. A set with a Unix socket
    /// is refused (see [Unix sockets](BindSet#unix-sockets)).
    pub fn bind_tcp(&self) -> io::Result<Vec<TcpListener>> {
        self.bind_all(BindAddr::bind_tcp)
    }

    /// Opens a UDP socket on every address, or none (see [`bind_tcp`](BindSet::bind_tcp)).
    pub fn bind_udp(&self) -> io::Result<Vec<UdpSocket>> {
        self.bind_all(BindAddr::bind_udp)
    }

    /// Opens a socket on every address with `bind`, or none: the building block of
    /// [`bind_tcp`](BindSet::bind_tcp), for other socket types (tokio, socket2).
    /// `bind`'s error is wrapped so that it names the address.
    pub fn bind_all<S>(
        &self,
        mut bind: impl FnMut(&BindAddr) -> io::Result<S>,
    ) -> io::Result<Vec<S>> {
        self.refuse_unix()?;
        let mut sockets = Vec::with_capacity(self.addrs.len());
        for addr in &self.addrs {
            // On error `sockets` is dropped here, which closes every socket opened so far.
            sockets.push(bind(addr).map_err(|err| self.bind_error(addr, err))?);
        }
        Ok(sockets)
    }

    /// Opens a socket on every entry, IP addresses with `ip` and Unix sockets with
    /// `unix`, or none: the building block of `bind` (`unix` feature) and of the tokio
    /// integration. The errors name the entry, as [`bind_all`](BindSet::bind_all)'s do.
    pub fn bind_each<S>(
        &self,
        mut ip: impl FnMut(&BindAddr) -> io::Result<S>,
        mut unix: impl FnMut(&UnixAddr) -> io::Result<S>,
    ) -> io::Result<Vec<S>> {
        let mut sockets = Vec::with_capacity(self.endpoints.len());
        for entry in &self.endpoints {
            // On error `sockets` is dropped here, which closes every socket opened so far.
            let socket = match entry {
                ListenAddr::Ip(addr) => ip(addr).map_err(|err| self.bind_error(addr, err))?,
                ListenAddr::Unix(addr) => unix(addr).map_err(|err| unix_error(addr, err))?,
            };
            sockets.push(socket);
        }
        Ok(sockets)
    }

    /// The refusal of an IP-only binder for a set with a Unix socket: leaving the
    /// socket out would run the server somewhere else than the operator asked.
    pub(crate) fn refuse_unix(&self) -> io::Result<()> {
        match self.unix().next() {
            None => Ok(()),
            Some(unix) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                std::format!(
                    "cannot listen on {unix}: this program listens on IP addresses only; \
                     give an IP address and a port, such as 127.0.0.1:8080"
                ),
            )),
        }
    }

    /// An I/O error that names the address it happened on, keeping its kind; for a port
    /// in use because `[::]` of the same set took it for IPv4 too, it says so.
    pub(crate) fn bind_error(&self, addr: &BindAddr, err: io::Error) -> io::Error {
        let overlap = if err.kind() == io::ErrorKind::AddrInUse {
            self.dual_stack_overlap(addr)
        } else {
            None
        };
        io::Error::new(
            err.kind(),
            std::format!("cannot bind {addr}: {err}{}", overlap.unwrap_or_default()),
        )
    }

    /// `[::]:P` and an IPv4 address on port `P` in one set collide when `[::]` is
    /// dual-stack, which every bind path leaves to the system's default (the one rule
    /// of [`BindAddr::bind_tcp`]): the explanation, when that is why `failed` failed.
    fn dual_stack_overlap(&self, failed: &BindAddr) -> Option<std::string::String> {
        let port = failed.port();
        let is_v4 = |addr: &BindAddr| addr.ip().to_canonical().is_ipv4();
        let is_v6_wildcard = |addr: &BindAddr| addr.is_wildcard() && !is_v4(addr);
        let same_port = |addr: &&BindAddr| addr.port() == port && port != 0;
        let v6_wildcard = self
            .addrs
            .iter()
            .filter(same_port)
            .find(|a| is_v6_wildcard(a))?;
        let v4 = self.addrs.iter().filter(same_port).find(|a| is_v4(a))?;
        let involved = failed == v6_wildcard || failed == v4;
        if !involved || crate::sysctl::ipv6_v6only_default() != Some(false) {
            return None;
        }
        Some(std::format!(
            "; {v6_wildcard} also takes IPv4 on this host (its IPV6_V6ONLY default is off: \
             net.ipv6.bindv6only=0), so it holds port {port} of every IPv4 address, {v4} \
             included: drop the IPv4 entry, or bind [::] IPv6-only with the socket2 feature \
             (SocketOptions::v6_only)"
        ))
    }
}

/// An I/O error on a Unix socket that names it, keeping its kind.
fn unix_error(addr: &UnixAddr, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), std::format!("cannot listen on {addr}: {err}"))
}

/// Addresses in order, each socket once: the first spelling of a socket is kept and
/// later spellings of the same socket are dropped. O(n log n): the keys are sorted once
/// at the end (a sort is several times faster than a search tree on long lists).
#[derive(Default)]
struct Unique {
    addrs: Vec<ListenAddr>,
}

/// What one entry binds: an IP socket, or a Unix socket's path or name (which has one
/// spelling: [`UnixAddr`] refuses `//`, `.` and `..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EntryKey<'a> {
    Ip(SocketKey),
    Unix(&'a UnixAddr),
}

impl Unique {
    fn push(&mut self, addr: ListenAddr) {
        self.addrs.push(addr);
    }

    fn finish(self) -> Option<BindSet> {
        // Sort positions by (socket, position): the first of each run of equal sockets
        // is the one given first.
        let mut order: Vec<(EntryKey<'_>, usize)> = self
            .addrs
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let key = match entry {
                    ListenAddr::Ip(addr) => EntryKey::Ip(SocketKey::of(addr.as_socket_addr())),
                    ListenAddr::Unix(unix) => EntryKey::Unix(unix),
                };
                (key, i)
            })
            .collect();
        order.sort_unstable();
        let mut keep = std::vec![false; self.addrs.len()];
        let mut last: Option<EntryKey<'_>> = None;
        for (key, i) in order {
            if last != Some(key) {
                if let Some(slot) = keep.get_mut(i) {
                    *slot = true;
                }
                last = Some(key);
            }
        }
        let addrs: Vec<ListenAddr> = self
            .addrs
            .iter()
            .zip(keep)
            .filter_map(|(addr, keep)| keep.then(|| addr.clone()))
            .collect();
        (!addrs.is_empty()).then(|| BindSet::of(addrs))
    }
}

/// What the kernel binds for a socket address, so that two spellings of one socket
/// compare equal: `localhost:8080,127.0.0.1:8080` names one socket twice, and so do
/// `127.0.0.1:8080` and `[::ffff:127.0.0.1]:8080` (a dual-stack socket binds the IPv4
/// address for a mapped one), or `[::1]:8080` and `[::1%3]:8080`. Binding both would
/// fail with "address in use", so a set keeps one.
///
/// Linux reads the zone index only for addresses that need one (link-local unicast,
/// and multicast of interface- or link-local scope; `__ipv6_addr_needs_scope_id`) and
/// ignores it, like the flow label, for the others: `[fe80::1%2]` and `[fe80::1%3]` are
/// two sockets (one per interface), `[2001:db8::1%2]` and `[2001:db8::1]` are one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SocketKey {
    ip: u128,
    port: u16,
    zone: u32,
}

impl SocketKey {
    fn of(addr: &SocketAddr) -> Self {
        let zone = match addr {
            SocketAddr::V6(v6) if needs_zone(v6.ip()) => v6.scope_id(),
            _ => 0,
        };
        SocketKey {
            ip: crate::policy::net_set::key(addr.ip()),
            port: addr.port(),
            zone,
        }
    }
}

/// Whether the kernel reads the zone index of `ip`: link-local unicast (`fe80::/10`)
/// and multicast of interface-local or link-local scope (`ff01::/16`, `ff02::/16` and
/// the same scopes under other flags).
fn needs_zone(ip: &Ipv6Addr) -> bool {
    let [first, second, ..] = ip.octets();
    let link_local = first == 0xfe && second & 0xc0 == 0x80;
    let local_multicast = first == 0xff && matches!(second & 0x0f, 1 | 2);
    link_local || local_multicast
}

/// The addresses, comma-separated: the form [`parse`](BindSet::parse) reads back.
impl fmt::Display for BindSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for addr in &self.endpoints {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            fmt::Display::fmt(addr, f)?;
        }
        Ok(())
    }
}

/// [`BindSet::parse`] with the default policy (anything but the wildcard, multicast and
/// broadcast).
impl FromStr for BindSet {
    type Err = BindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BindSet::parse(&Policy::default(), s)
    }
}

impl From<BindAddr> for BindSet {
    fn from(addr: BindAddr) -> Self {
        BindSet::of(std::vec![ListenAddr::Ip(addr)])
    }
}

impl From<UnixAddr> for BindSet {
    fn from(addr: UnixAddr) -> Self {
        BindSet::of(std::vec![ListenAddr::Unix(addr)])
    }
}

impl From<ListenAddr> for BindSet {
    fn from(addr: ListenAddr) -> Self {
        BindSet::of(std::vec![addr])
    }
}

impl<'a> IntoIterator for &'a BindSet {
    type Item = &'a BindAddr;
    type IntoIter = std::slice::Iter<'a, BindAddr>;

    fn into_iter(self) -> Self::IntoIter {
        self.addrs.iter()
    }
}

impl IntoIterator for BindSet {
    type Item = BindAddr;
    type IntoIter = std::vec::IntoIter<BindAddr>;

    fn into_iter(self) -> Self::IntoIter {
        self.addrs.into_iter()
    }
}

impl AsRef<[BindAddr]> for BindSet {
    fn as_ref(&self) -> &[BindAddr] {
        &self.addrs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::ToString;

    #[test]
    fn one_key_per_socket() {
        let key = |s: &str| SocketKey::of(&s.parse::<SocketAddr>().unwrap());
        // IPv4 and its mapped form; a zone the kernel ignores; a flow label.
        assert_eq!(key("127.0.0.1:80"), key("[::ffff:127.0.0.1]:80"));
        assert_eq!(key("[::1]:80"), key("[::1%7]:80"));
        assert_eq!(key("[2001:db8::1]:80"), key("[2001:db8::1%3]:80"));
        // Zones the kernel reads: link-local unicast, and link- and interface-local
        // multicast (any flags).
        for ip in ["fe80::1", "febf::1", "ff02::1", "ff12::1", "ff01::1"] {
            assert_ne!(
                key(&format!("[{ip}%2]:80")),
                key(&format!("[{ip}%3]:80")),
                "{ip}"
            );
        }
        // Not link-local: fec0::/10 (site-local), ff05:: (site multicast), fe00::.
        for ip in [
            "fec0::1", "ff05::1", "ff0e::1", "fe00::1", "ef80::1", "7f02::1",
        ] {
            assert_eq!(
                key(&format!("[{ip}%2]:80")),
                key(&format!("[{ip}%3]:80")),
                "{ip}"
            );
        }
        assert_ne!(key("127.0.0.1:80"), key("127.0.0.1:81"));
    }

    #[test]
    fn lists_parse_all_or_nothing() {
        let p = Policy::default();
        assert_eq!(
            BindSet::parse(&p, "127.0.0.1:8080, [::1]:8080")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            BindSet::parse(&p, "127.0.0.1:8080,0.0.0.0:8080")
                .unwrap_err()
                .kind(),
            ErrorKind::Wildcard
        );
    }

    #[test]
    fn localhost_becomes_both_loopback_addresses_and_repeats_go() {
        let set =
            BindSet::parse(&Policy::loopback(), "localhost:80, 127.0.0.1:80,[::1]:81").unwrap();
        assert_eq!(set.to_string(), "127.0.0.1:80,[::1]:80,[::1]:81");
        assert_eq!(set.to_string().parse::<BindSet>().unwrap(), set);
    }

    #[test]
    fn one_bad_item_refuses_the_list_and_is_named() {
        let err = BindSet::parse(&Policy::loopback(), "127.0.0.1:80,10.0.0.1:80").unwrap_err();
        assert_eq!(
            (err.input(), err.kind()),
            ("10.0.0.1:80", ErrorKind::NotLoopback)
        );
        let err = "127.0.0.1:80,".parse::<BindSet>().unwrap_err();
        assert_eq!(
            (err.kind(), err.input()),
            (ErrorKind::EmptyItem, "127.0.0.1:80,")
        );
        for list in [",127.0.0.1:80", "127.0.0.1:80,,[::1]:80", "127.0.0.1:80, "] {
            let err = list.parse::<BindSet>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::EmptyItem, "{list}");
        }
        for list in ["", "  "] {
            assert_eq!(
                list.parse::<BindSet>().unwrap_err().kind(),
                ErrorKind::Empty
            );
        }
        let err = "[::1]:80,127.0.0,1:8080".parse::<BindSet>().unwrap_err();
        assert_eq!(
            (err.kind(), err.input()),
            (ErrorKind::Comma, "127.0.0,1:8080")
        );
        let err = " 127.0.0.1:80 , 8080".parse::<BindSet>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PortWithoutHost);
        // parse never asks DNS; other names are refused with the parser's diagnosis.
        let err = "example.com:80".parse::<BindSet>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Hostname);
        let wild =
            BindSet::parse(&Policy::default().allow_wildcard(), "[::]:80,127.0.0.1:80").unwrap();
        assert_eq!(wild.wildcards().count(), 1);
    }

    #[test]
    fn binds_all_or_none() {
        // Occupy a port, then ask for a free port and that one: nothing must stay bound.
        let taken = BindAddr::loopback(0).bind_tcp().unwrap();
        let port = taken.local_addr().unwrap().port();
        let list = std::format!("[::1]:0,127.0.0.1:{port}");
        let set = BindSet::parse(&Policy::default(), &list).unwrap();
        let mut opened = None;
        let err = set
            .bind_all(|addr| {
                let listener = addr.bind_tcp()?;
                if opened.is_none() {
                    opened = Some(listener.local_addr()?);
                }
                Ok(listener)
            })
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        assert!(
            err.to_string().contains(&std::format!("127.0.0.1:{port}")),
            "{err}"
        );
        // The first listener was closed: its port can be bound again.
        let first = opened.unwrap();
        assert!(
            std::net::TcpListener::bind(first).is_ok(),
            "{first} still bound"
        );
        assert!(set.bind_tcp().is_err());
        drop(taken);
    }
}
