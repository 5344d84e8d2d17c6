//! Binding by interface name (`std` feature; lookup with the `if-addrs` feature):
//! `iface:eth0:8080` instead of the `0.0.0.0:8080` a container config reaches for.
//!
//! In a container or on a host with several networks, the address to listen on is often
//! not known when the config is written, only the interface (Consul's
//! `CONSUL_BIND_INTERFACE=eth0`, Elasticsearch's `_eth0_`, CoreDNS's `bind eth0`). The
//! wildcard is the usual way out, and it exposes the service on every network. These
//! forms name the interface instead, wherever a list of bind addresses is read
//! ([`BindSet`](crate::BindSet)'s `FromStr` and [`parse`](crate::BindSet::parse),
//! [`Policy::resolve`], the [`env`](crate::env) loader, the clap `--bind` flag, serde):
//!
//! | text | addresses |
//! | --- | --- |
//! | `iface:eth0:8080` | every IPv4 and IPv6 address of `eth0`, except IPv6 link-local ones |
//! | `iface:eth0/ipv4:8080` | its IPv4 addresses |
//! | `iface:eth0/ipv6:8080` | its IPv6 addresses, except link-local ones |
//! | `iface:eth0/link-local:8080` | its IPv6 link-local addresses (`fe80::/10`), with the interface as their zone (`[fe80::1%2]:8080`) |
//!
//! The interface's addresses are read when the text is resolved (with the `if-addrs`
//! crate), and each goes through the [`Policy`] like any address written out: a policy
//! that refuses `10.0.0.0/8` refuses `iface:eth0:8080` when `eth0` has `10.0.0.5`.
//! IPv6 link-local addresses are left out unless asked for, because they are useless
//! without their zone and rarely what a service means.
//!
//! Where a list is read, an interface gives all its matching addresses; where one
//! address is needed ([`InterfaceSpec::resolve_one`]), several
//! matches are an error that lists them and says how to narrow the form. An interface
//! that does not exist, or has no matching address, is an error that lists the
//! interfaces this host has and their addresses.
//!
//! ```
//! # #[cfg(all(feature = "if-addrs", target_os = "linux"))] {
//! use bind_guard::{BindSet, InterfaceSpec, Policy};
//!
//! let set: BindSet = "iface:lo/ipv4:8080".parse()?;
//! assert_eq!(set.to_string(), "127.0.0.1:8080");
//!
//! let spec: InterfaceSpec = "iface:lo/ipv4:8080".parse()?;
//! assert_eq!(spec.resolve_one(&Policy::loopback())?.to_string(), "127.0.0.1:8080");
//!
//! let err = "iface:no-such-if:8080".parse::<BindSet>().unwrap_err();
//! assert_eq!(err.kind(), bind_guard::ErrorKind::UnknownInterface);
//! assert!(err.to_string().contains("lo (127.0.0.1"), "{err}");
//! # }
//! # Ok::<(), bind_guard::BindError>(())
//! ```
//!
//! # Addresses or the device
//!
//! Binding the addresses of an interface is not the same as binding *to* the interface.
//! Linux follows the weak host model: a socket bound to `eth0`'s address accepts
//! packets for that address whichever interface they arrive on (a neighbour on `eth1`
//! can route to it). To accept only what arrives through one interface, bind the
//! wildcard restricted to that device with `SO_BINDTODEVICE`: the `socket2` feature's
//! [`bind_device`](crate::socket2::bind_device) does that from the same
//! [`InterfaceSpec`], and fails closed when the option cannot be set.

use std::fmt;
use std::net::{IpAddr, SocketAddr, SocketAddrV6};
use std::str::FromStr;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::text::parse;
use crate::{BindAddr, BindError, ErrorKind, Escaped, Policy};

/// The prefix of the interface forms.
const PREFIX: &str = "iface:";

/// The longest interface name Linux accepts (`IFNAMSIZ` minus the final NUL).
const MAX_NAME: usize = 15;

/// At most this many interfaces are listed in an error (hosts with many containers
/// have hundreds of `veth` interfaces); the rest are counted.
const MAX_LISTED: usize = 16;

/// Which addresses of an interface an [`InterfaceSpec`] means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InterfaceFamily {
    /// IPv4 and IPv6 addresses, except IPv6 link-local ones (`iface:NAME:PORT`).
    Any,
    /// IPv4 addresses (`iface:NAME/ipv4:PORT`).
    Ipv4,
    /// IPv6 addresses, except link-local ones (`iface:NAME/ipv6:PORT`).
    Ipv6,
    /// IPv6 link-local addresses, zoned to the interface (`iface:NAME/link-local:PORT`).
    Ipv6LinkLocal,
}

impl InterfaceFamily {
    /// The suffix after the name, as written (`""` for [`Any`](InterfaceFamily::Any)).
    #[must_use]
    pub const fn suffix(self) -> &'static str {
        match self {
            InterfaceFamily::Any => "",
            InterfaceFamily::Ipv4 => "/ipv4",
            InterfaceFamily::Ipv6 => "/ipv6",
            InterfaceFamily::Ipv6LinkLocal => "/link-local",
        }
    }

    /// Whether an address of an interface belongs to this family.
    #[must_use]
    pub fn contains(self, ip: IpAddr) -> bool {
        match (self, ip) {
            (InterfaceFamily::Any | InterfaceFamily::Ipv4, IpAddr::V4(_)) => true,
            (InterfaceFamily::Any | InterfaceFamily::Ipv6, IpAddr::V6(ip)) => {
                !ip.is_unicast_link_local()
            }
            (InterfaceFamily::Ipv6LinkLocal, IpAddr::V6(ip)) => ip.is_unicast_link_local(),
            _ => false,
        }
    }
}

impl InterfaceFamily {
    /// Whether a socket restricted to a device (`SO_BINDTODEVICE`) in this family is
    /// reachable on `ip`, one of the device's addresses: every address of the family,
    /// IPv6 link-local ones included (a neighbour on the link reaches them).
    #[must_use]
    pub fn reachable_on_device(self, ip: IpAddr) -> bool {
        match self {
            InterfaceFamily::Any => true,
            InterfaceFamily::Ipv4 => ip.is_ipv4(),
            InterfaceFamily::Ipv6 | InterfaceFamily::Ipv6LinkLocal => ip.is_ipv6(),
        }
    }
}

/// A parsed interface form: `iface:NAME[/ipv4|/ipv6|/link-local]:PORT` (see the
/// [module docs](self)). Parsing checks the form only; the interface is looked up by
/// [`resolve`](InterfaceSpec::resolve).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InterfaceSpec {
    name: String,
    family: InterfaceFamily,
    port: u16,
}

/// Whether `text` is written in an interface form (starts with `iface:`, in any case).
/// Such text is never an address, so callers can branch on this before parsing.
#[must_use]
pub fn is_interface_form(text: &str) -> bool {
    text.get(..PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(PREFIX))
}

impl InterfaceSpec {
    /// The form for interface `name` (checked as [`FromStr`] checks it), or `None`.
    #[must_use]
    pub fn new(name: &str, family: InterfaceFamily, port: u16) -> Option<Self> {
        is_interface_name(name).then(|| InterfaceSpec {
            name: name.into(),
            family,
            port,
        })
    }

    /// The interface name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which of its addresses are meant.
    #[must_use]
    pub fn family(&self) -> InterfaceFamily {
        self.family
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The interface's addresses of the family asked for, with the port, each checked
    /// with `policy`: all of them or an error. Loopback first, then IPv4 before IPv6.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownInterface`] or [`ErrorKind::NoInterfaceAddress`] (with the
    /// interfaces found in [`BindError::detail`]), the policy's refusal of one address
    /// (naming it), or [`ErrorKind::InterfaceUnsupported`] without the `if-addrs` feature.
    pub fn resolve(&self, policy: &Policy) -> Result<Vec<BindAddr>, BindError> {
        let found = self.matches(&self.host_addresses()?)?;
        found
            .into_iter()
            .map(|addr| {
                policy
                    .decide(addr)
                    .map(|()| BindAddr::trusted(addr))
                    .map_err(|kind| BindError::resolved(&self.to_string(), addr, kind))
            })
            .collect()
    }

    /// The one address this form names, checked with `policy`.
    ///
    /// # Errors
    ///
    /// As [`resolve`](InterfaceSpec::resolve), and [`ErrorKind::AmbiguousInterface`] when
    /// the interface has several matching addresses (they are in [`BindError::detail`]).
    pub fn resolve_one(&self, policy: &Policy) -> Result<BindAddr, BindError> {
        let found = self.matches(&self.host_addresses()?)?;
        match found.as_slice() {
            [addr] => policy
                .decide(*addr)
                .map(|()| BindAddr::trusted(*addr))
                .map_err(|kind| BindError::resolved(&self.to_string(), *addr, kind)),
            several => Err(self.ambiguous(several)),
        }
    }

    /// The addresses of `interfaces` this form names, with the port (not checked by a
    /// policy). Separate from the lookup so that the rules are tested on made-up hosts.
    pub(crate) fn matches(&self, interfaces: &[HostAddress]) -> Result<Vec<SocketAddr>, BindError> {
        self.select(interfaces, |ip| self.family.contains(ip))
    }

    /// Every address a socket bound to this interface as a *device* can be reached on,
    /// in the families the form asks for (IPv6 link-local ones included, with their
    /// zone), each checked with `policy`: the verdict behind
    /// [`bind_device`](crate::socket2::bind_device) and
    /// [`SocketFacts::judge`](crate::facts::SocketFacts::judge).
    ///
    /// # Errors
    ///
    /// As [`resolve`](InterfaceSpec::resolve).
    pub fn device_addrs(&self, policy: &Policy) -> Result<Vec<SocketAddr>, BindError> {
        let found = self.select(&self.host_addresses()?, |ip| {
            self.family.reachable_on_device(ip)
        })?;
        for addr in &found {
            policy
                .decide(*addr)
                .map_err(|kind| BindError::resolved(&self.to_string(), *addr, kind))?;
        }
        Ok(found)
    }

    fn select(
        &self,
        interfaces: &[HostAddress],
        keep: impl Fn(IpAddr) -> bool,
    ) -> Result<Vec<SocketAddr>, BindError> {
        let mut named = interfaces.iter().filter(|i| i.name == self.name).peekable();
        if named.peek().is_none() {
            return Err(
                BindError::new(&self.to_string(), ErrorKind::UnknownInterface)
                    .with_detail(listing(interfaces)),
            );
        }
        let mut addrs: Vec<SocketAddr> = named
            .filter(|i| keep(i.ip))
            .map(|i| match i.ip {
                // A link-local address means nothing without its zone: the interface.
                IpAddr::V6(ip) if ip.is_unicast_link_local() => {
                    SocketAddr::V6(SocketAddrV6::new(ip, self.port, 0, i.index))
                }
                ip => SocketAddr::new(ip, self.port),
            })
            .collect();
        addrs.sort_by_key(|addr| (!addr.ip().is_loopback(), addr.is_ipv6(), addr.ip()));
        addrs.dedup();
        if addrs.is_empty() {
            return Err(
                BindError::new(&self.to_string(), ErrorKind::NoInterfaceAddress)
                    .with_detail(listing(interfaces)),
            );
        }
        Ok(addrs)
    }

    fn ambiguous(&self, addrs: &[SocketAddr]) -> BindError {
        let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        BindError::new(&self.to_string(), ErrorKind::AmbiguousInterface).with_detail(std::format!(
            "{} has {}",
            Escaped::new(&self.name),
            list.join(", ")
        ))
    }

    /// The host's interface addresses, in the order the system lists them.
    #[cfg(feature = "if-addrs")]
    fn host_addresses(&self) -> Result<Vec<HostAddress>, BindError> {
        // Listing fails only where no netlink (or ioctl) socket may be opened: the form
        // cannot be resolved then, and the error says why.
        let interfaces = if_addrs::get_if_addrs().map_err(|err| {
            BindError::new(&self.to_string(), ErrorKind::UnknownInterface).with_detail(
                std::format!("the interfaces of this host cannot be listed: {err}"),
            )
        })?;
        Ok(interfaces
            .into_iter()
            .map(|i| HostAddress {
                ip: i.ip(),
                index: i.index.unwrap_or(0),
                name: i.name,
            })
            .collect())
    }

    #[cfg(not(feature = "if-addrs"))]
    fn host_addresses(&self) -> Result<Vec<HostAddress>, BindError> {
        Err(BindError::new(
            &self.to_string(),
            ErrorKind::InterfaceUnsupported,
        ))
    }
}

/// One address of one interface, as the host lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostAddress {
    pub(crate) name: String,
    pub(crate) ip: IpAddr,
    /// The interface index (the zone of its link-local addresses); 0 if unknown.
    pub(crate) index: u32,
}

/// `interfaces on this host: lo (127.0.0.1, ::1), eth0 (10.0.0.2)`, names escaped, at
/// most [`MAX_LISTED`] interfaces.
fn listing(interfaces: &[HostAddress]) -> String {
    use fmt::Write as _;
    let mut names: Vec<&str> = Vec::new();
    for i in interfaces {
        if !names.contains(&i.name.as_str()) {
            names.push(&i.name);
        }
    }
    if names.is_empty() {
        return String::from("this host lists no interface addresses");
    }
    let mut out = String::from("interfaces on this host: ");
    for (n, name) in names.iter().take(MAX_LISTED).enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{} (", Escaped::new(name));
        let mut first = true;
        for i in interfaces.iter().filter(|i| i.name == *name) {
            if !first {
                out.push_str(", ");
            }
            first = false;
            let _ = write!(out, "{}", i.ip);
        }
        out.push(')');
    }
    if names.len() > MAX_LISTED {
        let _ = write!(out, " and {} more", names.len() - MAX_LISTED);
    }
    out
}

impl FromStr for InterfaceSpec {
    type Err = BindError;

    /// Reads `iface:NAME[/ipv4|/ipv6|/link-local]:PORT`. Nothing is looked up.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |kind| BindError::new(s, kind);
        if !is_interface_form(s) {
            return Err(fail(ErrorKind::InvalidInterface));
        }
        let rest = s.get(PREFIX.len()..).unwrap_or_default();
        let (head, port) = rest
            .rsplit_once(':')
            .ok_or_else(|| fail(ErrorKind::MissingPort))?;
        let port = match parse::port(port.as_bytes()) {
            Some(port) => port,
            None if port.is_empty() => return Err(fail(ErrorKind::MissingPort)),
            None if port.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(fail(ErrorKind::PortOutOfRange));
            }
            None => return Err(fail(ErrorKind::InvalidPort)),
        };
        let (name, family) = match head.split_once('/') {
            None => (head, InterfaceFamily::Any),
            Some((name, "ipv4")) => (name, InterfaceFamily::Ipv4),
            Some((name, "ipv6")) => (name, InterfaceFamily::Ipv6),
            Some((name, "link-local")) => (name, InterfaceFamily::Ipv6LinkLocal),
            Some(_) => return Err(fail(ErrorKind::InvalidInterface)),
        };
        if !is_interface_name(name) {
            return Err(fail(ErrorKind::InvalidInterface));
        }
        Ok(InterfaceSpec {
            name: name.into(),
            family,
            port,
        })
    }
}

/// A name Linux would accept for an interface (`dev_valid_name`): 1 to 15 bytes, not
/// `.` or `..`, without `/`, `:` or white space; here also printable ASCII only, so a
/// name in a message is what the operator typed.
fn is_interface_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b':')
}

/// The form [`FromStr`] reads: `iface:NAME[/FAMILY]:PORT`.
impl fmt::Display for InterfaceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}{}:{}",
            self.name,
            self.family.suffix(),
            self.port
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Vec<HostAddress> {
        let a = |name: &str, ip: &str, index| HostAddress {
            name: name.into(),
            ip: ip.parse().unwrap(),
            index,
        };
        std::vec![
            a("lo", "127.0.0.1", 1),
            a("lo", "::1", 1),
            a("eth0", "10.0.0.2", 2),
            a("eth0", "2001:db8::2", 2),
            a("eth0", "fe80::2", 2),
            a("eth1", "192.168.1.5", 3),
        ]
    }

    fn spec(s: &str) -> InterfaceSpec {
        s.parse().unwrap()
    }

    #[test]
    fn forms_parse_and_print_back() {
        for s in [
            "iface:eth0:8080",
            "iface:eth0/ipv4:1",
            "iface:br-1a2b/ipv6:0",
            "iface:wg0/link-local:65535",
        ] {
            assert_eq!(spec(s).to_string(), s);
        }
        assert_eq!(spec("IFACE:lo:1").name(), "lo");
        let bad = [
            ("iface:eth0", ErrorKind::MissingPort),
            ("iface:eth0:", ErrorKind::MissingPort),
            ("iface:eth0:http", ErrorKind::InvalidPort),
            ("iface:eth0:65536", ErrorKind::PortOutOfRange),
            ("iface::80", ErrorKind::InvalidInterface),
            ("iface:eth0/ipv5:80", ErrorKind::InvalidInterface),
            ("iface:a/b/ipv4:80", ErrorKind::InvalidInterface),
            ("iface:sixteen-chars-xy:80", ErrorKind::InvalidInterface),
            ("iface:e th0:80", ErrorKind::InvalidInterface),
            ("iface:..:80", ErrorKind::InvalidInterface),
            ("iface:eth\u{1b}0:80", ErrorKind::InvalidInterface),
            ("10.0.0.1:80", ErrorKind::InvalidInterface),
        ];
        for (s, kind) in bad {
            assert_eq!(s.parse::<InterfaceSpec>().unwrap_err().kind(), kind, "{s}");
        }
    }

    #[test]
    fn families_pick_addresses_and_link_local_only_when_asked() {
        let shown = |s: &str| -> Vec<String> {
            spec(s)
                .matches(&host())
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(shown("iface:eth0:80"), ["10.0.0.2:80", "[2001:db8::2]:80"]);
        assert_eq!(shown("iface:eth0/ipv4:80"), ["10.0.0.2:80"]);
        assert_eq!(shown("iface:eth0/ipv6:80"), ["[2001:db8::2]:80"]);
        assert_eq!(shown("iface:eth0/link-local:80"), ["[fe80::2%2]:80"]);
        assert_eq!(shown("iface:lo:80"), ["127.0.0.1:80", "[::1]:80"]);
    }

    #[test]
    fn no_match_lists_the_interfaces() {
        let err = spec("iface:eth9:80").matches(&host()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownInterface);
        assert_eq!(
            err.detail(),
            Some(
                "interfaces on this host: lo (127.0.0.1, ::1), eth0 (10.0.0.2, 2001:db8::2, \
                 fe80::2), eth1 (192.168.1.5)"
            )
        );
        let err = spec("iface:eth1/ipv6:80").matches(&host()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoInterfaceAddress);
        assert!(err.to_string().contains("eth1 (192.168.1.5)"), "{err}");
    }

    #[test]
    fn hostile_interface_names_are_escaped_and_the_list_is_bounded() {
        let mut many: Vec<HostAddress> = (0..1000u32)
            .map(|n| HostAddress {
                name: std::format!("veth{n}"),
                ip: IpAddr::from([10, 0, (n / 256) as u8, (n % 256) as u8]),
                index: n,
            })
            .collect();
        many.push(HostAddress {
            name: "x\u{1b}[2K".into(),
            ip: IpAddr::from([10, 9, 9, 9]),
            index: 0,
        });
        let err = spec("iface:eth0:80").matches(&many).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("and 985 more"), "{text}");
        assert!(text.len() < 1000, "{}", text.len());
        let err = spec("iface:eth0:80").matches(&many[985..]).unwrap_err();
        assert!(!err.to_string().chars().any(char::is_control), "{err}");
    }

    #[test]
    fn one_address_where_one_is_required() {
        let err = spec("iface:eth0:80")
            .matches(&host())
            .map(|found| spec("iface:eth0:80").ambiguous(&found))
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::AmbiguousInterface);
        assert_eq!(err.detail(), Some("eth0 has 10.0.0.2:80, [2001:db8::2]:80"));
        assert!(err.to_string().contains("iface:NAME/ipv4:PORT"), "{err}");
    }

    #[cfg(all(feature = "if-addrs", target_os = "linux"))]
    #[test]
    fn loopback_resolves_through_the_policy() {
        let addrs = spec("iface:lo/ipv4:8080")
            .resolve(&Policy::loopback())
            .unwrap();
        assert_eq!(addrs, [BindAddr::loopback(8080)]);
        let one = spec("iface:lo/ipv4:8080")
            .resolve_one(&Policy::default())
            .unwrap();
        assert_eq!(one, BindAddr::loopback(8080));
        // Every address still meets the policy: loopback is refused where only private
        // networks are allowed.
        let policy = Policy::nothing()
            .allow_scope(crate::Scope::Private)
            .unwrap();
        let err = spec("iface:lo/ipv4:8080").resolve(&policy).unwrap_err();
        assert_eq!(err.resolved_addr(), Some("127.0.0.1:8080".parse().unwrap()));
    }
}
