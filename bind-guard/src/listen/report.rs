//! Where a service is reachable, from its bound sockets: the lines a dev server prints.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::string::String;
use std::vec::Vec;

use crate::host_guard::BoundListener;

/// Where a service answers, read from its bound sockets (so with the port the system
/// picked for port 0): each URL a person or a client can use, `Local:` for this
/// machine and `Network:` for the others, as Vite prints them. A wildcard socket is
/// listed as every address of every interface in its family (with the `if-addrs`
/// feature; IPv4 too for a `[::]` socket unless the system's `IPV6_V6ONLY` default is
/// on), IPv6 link-local addresses with their zone (`%25` and the interface, as RFC 6874
/// writes it in a URL). `Display` prints one line each; it needs neither `log` nor
/// `tracing`.
///
/// ```
/// use bind_guard::listen::Reachability;
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let port = listener.local_addr()?.port();
/// let report = Reachability::of([&listener])?;
/// assert_eq!(report.to_string(), format!("Local: http://127.0.0.1:{port}/"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reachability {
    lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    local: bool,
    /// A URL, or for a wildcard whose interfaces cannot be listed, a sentence.
    text: String,
}

impl Reachability {
    /// The report for `listeners` (a slice or `Vec` of std or tokio listeners, such as
    /// what `bind_guard::tokio::bind_tcp_all` returns; or bound `SocketAddr`s).
    ///
    /// # Errors
    ///
    /// Reading a socket's address.
    pub fn of<L: BoundListener>(listeners: impl IntoIterator<Item = L>) -> io::Result<Self> {
        let mut bound = Vec::new();
        for listener in listeners {
            bound.push(listener.bound_addr()?);
        }
        Ok(Self::from_addrs(bound))
    }

    /// The report for addresses already read from their sockets (`local_addr()`).
    #[must_use]
    pub fn from_addrs(bound: impl IntoIterator<Item = SocketAddr>) -> Self {
        let interfaces = Interfaces::read();
        let mut lines: Vec<Line> = Vec::new();
        for addr in bound {
            if addr.ip().is_unspecified() || is_mapped_wildcard(addr.ip()) {
                interfaces.reachable(addr, &mut lines);
            } else {
                lines.push(Line::url(addr, &interfaces));
            }
        }
        // Local first, then the rest; each in the order found, without repeats.
        let mut sorted: Vec<Line> = Vec::with_capacity(lines.len());
        for local in [true, false] {
            for line in &lines {
                if line.local == local && !sorted.contains(line) {
                    sorted.push(line.clone());
                }
            }
        }
        Reachability { lines: sorted }
    }

    /// The URLs for this machine (loopback addresses).
    pub fn local(&self) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .filter(|l| l.local)
            .map(|l| l.text.as_str())
    }

    /// The URLs for other machines (every other address).
    pub fn network(&self) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .filter(|l| !l.local)
            .map(|l| l.text.as_str())
    }
}

impl fmt::Display for Reachability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            let kind = if line.local { "Local" } else { "Network" };
            write!(f, "{kind}: {}", line.text)?;
        }
        Ok(())
    }
}

impl Line {
    fn url(addr: SocketAddr, interfaces: &Interfaces) -> Self {
        let local = addr.ip().is_loopback() || mapped(addr.ip()).is_some_and(|ip| ip.is_loopback());
        let text = match addr {
            SocketAddr::V6(v6) if v6.scope_id() != 0 => std::format!(
                "http://[{}%25{}]:{}/",
                v6.ip(),
                zone(&interfaces.name_of(v6.scope_id())),
                v6.port()
            ),
            SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
                // A client writes the IPv4 address the socket took.
                Some(ip) => std::format!("http://{ip}:{}/", v6.port()),
                None => std::format!("http://[{}]:{}/", v6.ip(), v6.port()),
            },
            SocketAddr::V4(v4) => std::format!("http://{v4}/"),
        };
        Line { local, text }
    }
}

fn mapped(ip: IpAddr) -> Option<std::net::Ipv4Addr> {
    match ip {
        IpAddr::V6(ip) => ip.to_ipv4_mapped(),
        IpAddr::V4(_) => None,
    }
}

/// `[::ffff:0.0.0.0]` binds the IPv4 wildcard.
fn is_mapped_wildcard(ip: IpAddr) -> bool {
    mapped(ip).is_some_and(|ip| ip.is_unspecified())
}

/// An interface name as a URL zone: RFC 6874 allows unreserved characters, the rest
/// is percent-encoded (so no name can put a control character on a terminal).
fn zone(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&std::format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether a `[::]` socket takes IPv4 too: the system's default, which every bind path
/// of this crate leaves in place; when it cannot be read, yes (a report may overstate
/// where a service is reachable, never understate it).
fn dual_stack() -> bool {
    crate::sysctl::ipv6_v6only_default() != Some(true)
}

/// The host's interface addresses, read once per report.
struct Interfaces {
    #[cfg(feature = "if-addrs")]
    list: io::Result<Vec<if_addrs::Interface>>,
}

#[cfg(feature = "if-addrs")]
impl Interfaces {
    fn read() -> Self {
        Interfaces {
            list: if_addrs::get_if_addrs(),
        }
    }

    fn name_of(&self, index: u32) -> String {
        self.list
            .as_ref()
            .ok()
            .and_then(|list| list.iter().find(|i| i.index == Some(index)))
            .map_or_else(|| std::format!("{index}"), |i| i.name.clone())
    }

    /// The URLs of a wildcard socket bound to `bound`.
    fn reachable(&self, bound: SocketAddr, lines: &mut Vec<Line>) {
        let (v4, v6) = match bound.ip() {
            IpAddr::V6(ip) if ip.to_ipv4_mapped().is_some() => (true, false),
            IpAddr::V6(_) => (dual_stack(), true),
            IpAddr::V4(_) => (true, false),
        };
        let list = match &self.list {
            Ok(list) => list,
            Err(err) => {
                lines.push(Line {
                    local: false,
                    text: std::format!(
                        "every address of every interface, port {} (they could not be \
                         listed: {})",
                        bound.port(),
                        crate::Escaped::new(&std::string::ToString::to_string(&err))
                    ),
                });
                return;
            }
        };
        let mut addrs: Vec<SocketAddr> = Vec::new();
        for interface in list {
            let addr = match interface.ip() {
                IpAddr::V4(ip) if v4 => SocketAddr::from((ip, bound.port())),
                IpAddr::V6(ip) if v6 => {
                    let scope = if ip.is_unicast_link_local() {
                        interface.index.unwrap_or(0)
                    } else {
                        0
                    };
                    SocketAddr::V6(std::net::SocketAddrV6::new(ip, bound.port(), 0, scope))
                }
                _ => continue,
            };
            addrs.push(addr);
        }
        // IPv4 before IPv6, each in address order.
        addrs.sort_by_key(|addr| (addr.is_ipv6(), addr.ip()));
        for addr in addrs {
            lines.push(Line::url(addr, self));
        }
    }
}

#[cfg(not(feature = "if-addrs"))]
impl Interfaces {
    fn read() -> Self {
        Interfaces {}
    }

    fn name_of(&self, index: u32) -> String {
        std::format!("{index}")
    }

    fn reachable(&self, bound: SocketAddr, lines: &mut Vec<Line>) {
        let _ = dual_stack;
        lines.push(Line {
            local: false,
            text: std::format!(
                "every address of every interface, port {} (the `if-addrs` feature lists them)",
                bound.port()
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn specific_addresses_are_their_own_urls_local_first() {
        let report = Reachability::from_addrs([
            addr("192.0.2.2:80"),
            addr("127.0.0.1:80"),
            addr("[::1]:81"),
            addr("127.0.0.1:80"),
        ]);
        assert_eq!(
            report.to_string(),
            "Local: http://127.0.0.1:80/\nLocal: http://[::1]:81/\nNetwork: http://192.0.2.2:80/"
        );
        assert_eq!(report.local().count(), 2);
        assert_eq!(
            report.network().collect::<Vec<_>>(),
            ["http://192.0.2.2:80/"]
        );
        let mapped = Reachability::from_addrs([addr("[::ffff:127.0.0.1]:9")]);
        assert_eq!(mapped.to_string(), "Local: http://127.0.0.1:9/");
    }

    #[test]
    fn a_zone_is_percent_encoded() {
        assert_eq!(zone("eth0"), "eth0");
        assert_eq!(zone("a\u{1b}[2J"), "a%1B%5B2J");
        let report = Reachability::from_addrs([SocketAddr::V6(std::net::SocketAddrV6::new(
            "fe80::1".parse().unwrap(),
            80,
            0,
            u32::MAX,
        ))]);
        assert_eq!(
            report.to_string(),
            std::format!("Network: http://[fe80::1%25{}]:80/", u32::MAX)
        );
    }

    #[cfg(feature = "if-addrs")]
    #[test]
    fn a_wildcard_is_every_interface_address_with_the_bound_port() {
        let report = Reachability::from_addrs([addr("0.0.0.0:4321")]);
        let local: Vec<&str> = report.local().collect();
        assert!(local.contains(&"http://127.0.0.1:4321/"), "{report}");
        let all = if_addrs::get_if_addrs().unwrap();
        let mut v4: Vec<IpAddr> = all
            .iter()
            .map(if_addrs::Interface::ip)
            .filter(IpAddr::is_ipv4)
            .collect();
        v4.sort();
        v4.dedup();
        let v4 = v4.len();
        assert_eq!(
            report.local().count() + report.network().count(),
            v4,
            "{report}"
        );
        assert!(!report.to_string().contains("0.0.0.0"), "{report}");
    }
}
