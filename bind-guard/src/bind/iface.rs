//! Binding by interface name (`std` feature; lookup with the `if-addrs` feature):
//! `iface:eth0:8080` instead of the `0.0.0.0:8080` a container config reaches for.
//!
//! In a container or on a host with several networks, the address to listen on is often
//! not known when the config is written, only the interface (Consul's
//! `CONSUL_BIND_INTERFACE=eth0`, Elasticsearch's `_eth0_`, CoreDNS's `bind eth0`). The
//! wildcard is the usual way out, and it exposes the service on every network. These
//! forms name the interface instead, wherever a list of bind addresses is read
//! ([`BindSet`](crate::BindSet)'s `FromStr` and [`parse`](crate::BindSet::parse),
//! [`Policy::resolve`], the [`listen`](crate::listen) loader, the clap `--bind` flag, serde):
//!
//! | text | addresses bound | judged when bound as a device ([`bind_device`](crate::socket2::bind_device)) |
//! | --- | --- | --- |
//! | `iface:eth0:8080` | every IPv4 and IPv6 address of `eth0`, except IPv6 link-local ones | every address of `eth0`, link-local ones included |
//! | `iface:eth0/ipv4:8080` | its IPv4 addresses | the same |
//! | `iface:eth0/ipv6:8080` | its IPv6 addresses, except link-local ones | its IPv6 addresses, link-local ones included |
//! | `iface:eth0/link-local:8080` | its IPv6 link-local addresses (`fe80::/10`), with the interface as their zone (`[fe80::1%2]:8080`) | its IPv6 addresses, link-local ones included |
//!
//! The interface's addresses are read when the text is resolved ([`interfaces`]), and
//! each goes through the [`Policy`] like any address written out: a policy that refuses
//! `10.0.0.0/8` refuses `iface:eth0:8080` when `eth0` has `10.0.0.5`. Where addresses
//! are bound, IPv6 link-local ones are left out unless asked for, because they are
//! useless without their zone and rarely what a service means; a socket bound to the
//! *device* takes them anyway, so there they are judged (last column).
//!
//! **Labelled aliases.** An IPv4 address added with a label (`ip addr add 10.0.1.5/24
//! dev eth0 label eth0:1`) is an address of `eth0`: addresses are matched to devices by
//! interface index, not by the name `getifaddrs` shows for them, so `iface:eth0:8080`
//! includes it (and a device binding of `eth0` is judged by it). A label is not a
//! device and not a form of its own: `iface:eth0:1:8080` is refused with a message that
//! says so; to bind the alias's address alone, write the address.
//!
//! Where a list is read, an interface gives all its matching addresses; where one
//! address is needed ([`InterfaceSpec::resolve_one`]), several
//! matches are an error that lists them and says how to narrow the form. An interface
//! that does not exist is an error that lists the interfaces this host has and their
//! addresses; one that exists without a matching address says what it has (or that it
//! has no address at all).
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
        let found = self.matches(&self.host_interfaces()?)?;
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
        let found = self.matches(&self.host_interfaces()?)?;
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
    pub(crate) fn matches(&self, interfaces: &[Interface]) -> Result<Vec<SocketAddr>, BindError> {
        self.select(interfaces, |ip| self.family.contains(ip))
    }

    /// Every address a socket bound to this interface as a *device* can be reached on,
    /// in the families the form asks for, **IPv6 link-local ones included** (with their
    /// zone) whatever the form says about them, because a socket bound to the device
    /// takes what arrives for them too, and labelled IPv4 aliases included (matched by
    /// the device's index, see [`interfaces`]); each checked with `policy`. The verdict
    /// behind [`bind_device`](crate::socket2::bind_device) and
    /// [`SocketFacts::judge`](crate::facts::SocketFacts::judge).
    ///
    /// # Errors
    ///
    /// As [`resolve`](InterfaceSpec::resolve).
    pub fn device_addrs(&self, policy: &Policy) -> Result<Vec<SocketAddr>, BindError> {
        let found = self.device_matches(&self.host_interfaces()?)?;
        for addr in &found {
            policy
                .decide(*addr)
                .map_err(|kind| BindError::resolved(&self.to_string(), *addr, kind))?;
        }
        Ok(found)
    }

    /// The addresses [`device_addrs`](InterfaceSpec::device_addrs) judges, from
    /// `interfaces`.
    pub(crate) fn device_matches(
        &self,
        interfaces: &[Interface],
    ) -> Result<Vec<SocketAddr>, BindError> {
        self.select(interfaces, |ip| self.family.reachable_on_device(ip))
    }

    fn select(
        &self,
        interfaces: &[Interface],
        keep: impl Fn(IpAddr) -> bool,
    ) -> Result<Vec<SocketAddr>, BindError> {
        let Some(interface) = interfaces.iter().find(|i| i.name == self.name) else {
            return Err(
                BindError::new(&self.to_string(), ErrorKind::UnknownInterface)
                    .with_detail(listing(interfaces)),
            );
        };
        let mut addrs: Vec<SocketAddr> = interface
            .addresses
            .iter()
            .map(|address| address.ip)
            .filter(|ip| keep(*ip))
            .map(|ip| match ip {
                // A link-local address means nothing without its zone: the interface.
                IpAddr::V6(ip) if ip.is_unicast_link_local() => {
                    SocketAddr::V6(SocketAddrV6::new(ip, self.port, 0, interface.index))
                }
                ip => SocketAddr::new(ip, self.port),
            })
            .collect();
        addrs.sort_by_key(|addr| (!addr.ip().is_loopback(), addr.is_ipv6(), addr.ip()));
        addrs.dedup();
        if addrs.is_empty() {
            // An interface that exists is never called unknown: say what it lacks.
            let detail = if interface.addresses.is_empty() {
                std::format!(
                    "{} has no address{}",
                    Escaped::new(&interface.name),
                    if interface.up { "" } else { " (and is down)" }
                )
            } else {
                listing(interfaces)
            };
            return Err(
                BindError::new(&self.to_string(), ErrorKind::NoInterfaceAddress)
                    .with_detail(detail),
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

    /// The host's interfaces (see [`interfaces`]).
    fn host_interfaces(&self) -> Result<Vec<Interface>, BindError> {
        // Listing fails only where no netlink (or ioctl) socket may be opened: the form
        // cannot be resolved then, and the error says why.
        interfaces().map_err(|err| {
            if err.kind() == std::io::ErrorKind::Unsupported {
                BindError::new(&self.to_string(), ErrorKind::InterfaceUnsupported)
            } else {
                BindError::new(&self.to_string(), ErrorKind::UnknownInterface).with_detail(
                    std::format!("the interfaces of this host cannot be listed: {err}"),
                )
            }
        })
    }
}

/// One network interface of this host, as the kernel lists it ([`interfaces`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Interface {
    /// The device's name (`eth0`): what `SO_BINDTODEVICE` and `iface:NAME` take.
    pub name: String,
    /// The interface index (the zone of its IPv6 link-local addresses); 0 if unknown.
    pub index: u32,
    /// Whether it is administratively up (`IFF_UP`); `true` where that is not known.
    pub up: bool,
    /// Its addresses, labelled IPv4 aliases included.
    pub addresses: Vec<InterfaceAddress>,
}

/// One address of an [`Interface`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InterfaceAddress {
    /// The address.
    pub ip: IpAddr,
    /// Its label when it differs from the device's name: an IPv4 alias added with
    /// `ip addr add … dev eth0 label eth0:1` has `eth0:1` (and is still `eth0`'s).
    pub label: Option<String>,
}

/// Every network interface of this host with its addresses, in the network namespace
/// of the calling thread (`if-addrs` feature). On Linux it is read from the kernel's
/// routing netlink, each address by the index of the device that holds it, so a
/// labelled alias (`ip addr add 198.18.1.1/24 dev a0 label a0:1`, which `getifaddrs`
/// lists under `a0:1`) is an address of `a0`, and interfaces without an address are
/// listed too; elsewhere it is read with the `if-addrs` crate. Every `iface:` form and
/// [`reachable`](crate::reachable) use this one list.
///
/// ```
/// # #[cfg(all(feature = "if-addrs", target_os = "linux"))] {
/// let interfaces = bind_guard::iface::interfaces()?;
/// let lo = interfaces.iter().find(|i| i.name == "lo").expect("lo");
/// assert!(lo.addresses.iter().any(|a| a.ip.is_loopback()));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// The system's error listing them (a sandbox without netlink); `Unsupported` without
/// the `if-addrs` feature.
pub fn interfaces() -> std::io::Result<Vec<Interface>> {
    #[cfg(feature = "if-addrs")]
    {
        super::links::read()
    }
    #[cfg(not(feature = "if-addrs"))]
    {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "interface lookup needs bind-guard's if-addrs feature",
        ))
    }
}

/// `interfaces on this host: lo (127.0.0.1, ::1), eth0 (10.0.0.2, 10.0.1.2 as eth0:1),
/// eth1 (no address)`, names escaped, at most [`MAX_LISTED`] interfaces.
fn listing(interfaces: &[Interface]) -> String {
    use fmt::Write as _;
    if interfaces.is_empty() {
        return String::from("this host lists no interfaces");
    }
    let mut out = String::from("interfaces on this host: ");
    for (n, interface) in interfaces.iter().take(MAX_LISTED).enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{} (", Escaped::new(&interface.name));
        if interface.addresses.is_empty() {
            out.push_str("no address");
        }
        for (i, address) in interface.addresses.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}", address.ip);
            if let Some(label) = &address.label {
                let _ = write!(out, " as {}", Escaped::new(label));
            }
        }
        out.push(')');
    }
    if interfaces.len() > MAX_LISTED {
        let _ = write!(out, " and {} more", interfaces.len() - MAX_LISTED);
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
        if let Some((device, _)) = name.split_once(':')
            && is_interface_name(device)
        {
            // `iface:eth0:1:PORT`, an address label (an alias) written as a device.
            return Err(fail(ErrorKind::InvalidInterface).with_detail(std::format!(
                "{} is an address label, not a device: iface:{}:{port} covers every address \
                 of {}, its labelled aliases included; to use one address alone, write \
                 the address itself",
                Escaped::new(name),
                device,
                device
            )));
        }
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

    fn interface(name: &str, index: u32, ips: &[&str]) -> Interface {
        Interface {
            name: name.into(),
            index,
            up: true,
            addresses: ips
                .iter()
                .map(|ip| InterfaceAddress {
                    ip: ip.parse().unwrap(),
                    label: None,
                })
                .collect(),
        }
    }

    fn host() -> Vec<Interface> {
        std::vec![
            interface("lo", 1, &["127.0.0.1", "::1"]),
            interface("eth0", 2, &["10.0.0.2", "2001:db8::2", "fe80::2"]),
            interface("eth1", 3, &["192.168.1.5"]),
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
    fn a_labelled_alias_is_its_device_address_and_an_empty_device_is_not_unknown() {
        let mut a0 = interface("a0", 7, &["198.18.0.1", "fe80::7"]);
        a0.addresses.push(InterfaceAddress {
            ip: "198.18.1.1".parse().unwrap(),
            label: Some("a0:1".into()),
        });
        let mut b0 = interface("b0", 8, &[]);
        b0.up = false;
        let host = std::vec![interface("lo", 1, &["127.0.0.1"]), a0, b0];
        let shown = |found: Vec<SocketAddr>| -> Vec<String> {
            found.iter().map(ToString::to_string).collect()
        };
        // The alias is one of a0's addresses, for the address forms and the device.
        assert_eq!(
            shown(spec("iface:a0/ipv4:80").matches(&host).unwrap()),
            ["198.18.0.1:80", "198.18.1.1:80"]
        );
        // The device takes its link-local address too, whatever the form says.
        assert_eq!(
            shown(spec("iface:a0/ipv4:80").device_matches(&host).unwrap()),
            ["198.18.0.1:80", "198.18.1.1:80"]
        );
        assert_eq!(
            shown(spec("iface:a0:80").device_matches(&host).unwrap()),
            ["198.18.0.1:80", "198.18.1.1:80", "[fe80::7%7]:80"]
        );
        assert_eq!(
            shown(spec("iface:a0/ipv6:80").device_matches(&host).unwrap()),
            ["[fe80::7%7]:80"]
        );
        // The address forms leave link-local out unless asked for.
        let err = spec("iface:a0/ipv6:80").matches(&host).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoInterfaceAddress);
        let err = spec("iface:b0:80").matches(&host).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NoInterfaceAddress);
        assert_eq!(err.detail(), Some("b0 has no address (and is down)"));
        let err = spec("iface:c0:80").matches(&host).unwrap_err();
        assert_eq!(
            err.detail(),
            Some(
                "interfaces on this host: lo (127.0.0.1), a0 (198.18.0.1, fe80::7, \
                 198.18.1.1 as a0:1), b0 (no address)"
            )
        );
        // A label is not a device: the form says how to write what was meant.
        let err = "iface:a0:1:80".parse::<InterfaceSpec>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInterface);
        assert!(err.detail().unwrap().contains("iface:a0:80"), "{err}");
    }

    #[test]
    fn hostile_interface_names_are_escaped_and_the_list_is_bounded() {
        let mut many: Vec<Interface> = (0..1000u32)
            .map(|n| {
                let ip = std::format!("10.0.{}.{}", n / 256, n % 256);
                interface(&std::format!("veth{n}"), n, &[&ip])
            })
            .collect();
        many.push(interface("x\u{1b}[2K", 0, &["10.9.9.9"]));
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
