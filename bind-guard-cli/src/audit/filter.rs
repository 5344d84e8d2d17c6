//! `audit`'s allow list and protocol filter, kept apart from where the sockets are read.
//!
//! A CI gate needs to say "these listeners are expected": `--allow 22/tcp` (a port, for
//! one protocol or both), `--allow-process sshd` (every process holding the socket has
//! that name), `--allow-addr 127.0.0.53` (an address or a network). A socket the policy
//! refuses but an entry accepts is reported as allowed, with the entry that allowed it.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use bind_guard::IpNet;

use crate::audit::{Owner, Proto};

/// The filter and allow-list flags of `audit`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct AuditFilter {
    /// Accept sockets on this port whatever the policy says: PORT (TCP and UDP) or
    /// PORT/tcp, PORT/udp; repeat for several
    #[arg(long = "allow", value_name = "PORT[/PROTO]")]
    pub(crate) ports: Vec<PortRule>,
    /// Accept sockets whose every holding process has this name (its /proc/PID/comm).
    /// A process picks its own name, so pair it with --allow PORT when other users run
    /// programs on this host; repeat for several
    #[arg(long = "allow-process", value_name = "NAME")]
    pub(crate) processes: Vec<String>,
    /// Accept sockets bound to this address or inside this network (127.0.0.53,
    /// 10.0.0.0/8); repeat for several
    #[arg(long = "allow-addr", value_name = "IP|CIDR")]
    pub(crate) addrs: Vec<AddrRule>,
    /// List only TCP sockets
    #[arg(long, conflicts_with = "udp")]
    pub(crate) tcp: bool,
    /// List only UDP sockets
    #[arg(long)]
    pub(crate) udp: bool,
}

impl AuditFilter {
    /// Whether sockets of `proto` are audited at all (`--tcp`, `--udp`).
    pub(crate) fn includes(&self, proto: Proto) -> bool {
        match proto {
            Proto::Tcp => !self.udp,
            Proto::Udp => !self.tcp,
        }
    }

    /// The first entry that accepts the socket, as the user wrote it (for the report).
    pub(crate) fn accepts(
        &self,
        proto: Proto,
        addr: SocketAddr,
        owners: Option<&Vec<Owner>>,
    ) -> Option<String> {
        if let Some(rule) = self
            .ports
            .iter()
            .find(|rule| rule.matches(proto, addr.port()))
        {
            return Some(format!("--allow {rule}"));
        }
        if let Some(rule) = self.addrs.iter().find(|rule| rule.matches(addr.ip())) {
            return Some(format!("--allow-addr {rule}"));
        }
        self.accepts_holders(owners)
    }

    /// `--allow-process`: the entry that accepts a socket by its holders (for Unix
    /// sockets, which have no port or address).
    pub(crate) fn accepts_holders(&self, owners: Option<&Vec<Owner>>) -> Option<String> {
        // Every holder must be listed: one unknown process on the socket is enough to
        // keep it refused. No known holder matches nothing.
        let owners = owners.filter(|owners| !owners.is_empty())?;
        let name = owners.first().and_then(|owner| owner.name.as_deref())?;
        let all_listed = owners.iter().all(|owner| {
            owner
                .name
                .as_deref()
                .is_some_and(|name| self.processes.iter().any(|p| p == name))
        });
        all_listed.then(|| format!("--allow-process {name}"))
    }
}

/// `--allow PORT[/PROTO]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PortRule {
    port: u16,
    proto: Option<Proto>,
}

impl PortRule {
    fn matches(&self, proto: Proto, port: u16) -> bool {
        self.port == port && self.proto.is_none_or(|p| p == proto)
    }
}

impl FromStr for PortRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (port, proto) = match text.split_once('/') {
            Some((port, proto)) => (port, Some(proto)),
            None => (text, None),
        };
        let port = port.parse::<u16>().map_err(|_| {
            "expected a port from 0 to 65535, optionally followed by /tcp or /udp (22/tcp)"
                .to_owned()
        })?;
        let proto = match proto.map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("tcp") => Some(Proto::Tcp),
            Some("udp") => Some(Proto::Udp),
            Some(_) => return Err("the protocol after / is tcp or udp (22/tcp)".to_owned()),
        };
        Ok(PortRule { port, proto })
    }
}

impl fmt::Display for PortRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.proto {
            Some(Proto::Tcp) => write!(f, "{}/tcp", self.port),
            Some(Proto::Udp) => write!(f, "{}/udp", self.port),
            None => write!(f, "{}", self.port),
        }
    }
}

/// `--allow-addr IP|CIDR`: an address is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddrRule(IpNet);

impl AddrRule {
    fn matches(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

impl FromStr for AddrRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.contains('/') {
            // The library's strict rules: no host bits, a valid length.
            return bind_guard::parse_net(text)
                .map(AddrRule)
                .map_err(|err| err.to_string());
        }
        text.parse::<IpAddr>()
            .map(|ip| AddrRule(IpNet::from(ip)))
            .map_err(|_| {
                "expected an IP address (127.0.0.53, ::1) or a network (10.0.0.0/8)".to_owned()
            })
    }
}

impl fmt::Display for AddrRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.prefix_len() == self.0.max_prefix_len() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Whether this process runs as root (effective uid 0), read from `/proc/self/status`;
/// `None` where that cannot be read. The report's note on unknown owners depends on it.
pub(crate) fn running_as_root() -> Option<bool> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uids = status.lines().find_map(|line| line.strip_prefix("Uid:"))?;
    // Real, effective, saved, filesystem.
    let effective = uids.split_whitespace().nth(1)?;
    Some(effective == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(pid: i32, name: &str) -> Owner {
        Owner {
            pid,
            name: Some(name.to_owned()),
        }
    }

    #[test]
    fn port_rules() {
        let rule: PortRule = "22/tcp".parse().unwrap();
        assert!(rule.matches(Proto::Tcp, 22));
        assert!(!rule.matches(Proto::Udp, 22));
        assert!(!rule.matches(Proto::Tcp, 23));
        let both: PortRule = "53".parse().unwrap();
        assert!(both.matches(Proto::Udp, 53) && both.matches(Proto::Tcp, 53));
        assert_eq!("53/UDP".parse::<PortRule>().unwrap().to_string(), "53/udp");
        for bad in ["", "x", "70000", "22/sctp", "22/"] {
            assert!(bad.parse::<PortRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn addr_rules() {
        let one: AddrRule = "127.0.0.53".parse().unwrap();
        assert!(one.matches("127.0.0.53".parse().unwrap()));
        assert!(!one.matches("127.0.0.1".parse().unwrap()));
        assert_eq!(one.to_string(), "127.0.0.53");
        let net: AddrRule = "10.0.0.0/8".parse().unwrap();
        assert!(net.matches("10.1.2.3".parse().unwrap()));
        assert!("10.0.0.1/8".parse::<AddrRule>().is_err(), "host bits");
        assert!("localhost".parse::<AddrRule>().is_err());
    }

    #[test]
    fn every_holder_must_be_listed() {
        let filter = AuditFilter {
            processes: vec!["sshd".to_owned()],
            ..AuditFilter::default()
        };
        let addr: SocketAddr = "0.0.0.0:22".parse().unwrap();
        let sshd = vec![owner(1, "sshd"), owner(2, "sshd")];
        assert_eq!(
            filter.accepts(Proto::Tcp, addr, Some(&sshd)).as_deref(),
            Some("--allow-process sshd")
        );
        let shared = vec![owner(1, "sshd"), owner(2, "nc")];
        assert_eq!(filter.accepts(Proto::Tcp, addr, Some(&shared)), None);
        assert_eq!(filter.accepts(Proto::Tcp, addr, None), None);
        assert_eq!(filter.accepts(Proto::Tcp, addr, Some(&Vec::new())), None);
    }

    #[test]
    fn protocol_filter() {
        let tcp = AuditFilter {
            tcp: true,
            ..AuditFilter::default()
        };
        assert!(tcp.includes(Proto::Tcp) && !tcp.includes(Proto::Udp));
        let all = AuditFilter::default();
        assert!(all.includes(Proto::Tcp) && all.includes(Proto::Udp));
    }
}
