//! Who may connect at all: a peer filter for servers that listen on every interface
//! ("protected mode", as Redis calls it).
//!
//! A server bound to `0.0.0.0` or `[::]` is reachable from every network the host is
//! on: the café's Wi-Fi as well as the home network. When that was meant for a few
//! networks, the filter serves only peers from them (by default loopback and the
//! networks of the host's own interfaces) and answers everyone else with one line that
//! names the setting to change. It is a check on an accepted connection
//! ([`PeerFilter::check_stream`]) and, with feature `tower`, a layer
//! (`PeerFilterLayer`).
//!
//! ```
//! use bind_guard::host_guard::PeerFilter;
//!
//! let filter = PeerFilter::loopback().allow_net("192.0.2.0/24".parse()?);
//! assert!(filter.check("127.0.0.1".parse()?).is_ok());
//! assert!(filter.check("::ffff:192.0.2.7".parse()?).is_ok());
//! let refused = filter.check("198.51.100.1".parse()?).unwrap_err();
//! assert!(refused.to_string().contains("198.51.100.1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use ipnet::IpNet;

use super::{HostGuardError, HostGuardErrorKind, Reason, hosts};

/// The environment variable [`PeerFilter::allowed_peers_from_env`] is usually given:
/// `BIND_GUARD_ALLOWED_PEERS`, comma-separated addresses and networks.
pub const DEFAULT_PEERS_ENV_VAR: &str = "BIND_GUARD_ALLOWED_PEERS";

/// Serves only peers from allowed networks (see the [module docs](super)). `Clone`
/// shares the network list.
#[derive(Debug, Clone)]
pub struct PeerFilter {
    nets: Arc<[IpNet]>,
    setting: Arc<str>,
}

/// A refused peer; its `Display` is the one line to send it.
#[derive(Debug, Clone, Copy)]
pub struct PeerRefusal<'a> {
    peer: Option<IpAddr>,
    setting: &'a str,
}

impl PeerRefusal<'_> {
    /// [`Reason::PeerNotAllowed`], or [`Reason::UnknownPeer`] when the peer's
    /// address could not be read.
    #[must_use]
    pub fn reason(&self) -> Reason {
        match self.peer {
            Some(_) => Reason::PeerNotAllowed,
            None => Reason::UnknownPeer,
        }
    }

    /// The peer, when known.
    #[must_use]
    pub fn peer(&self) -> Option<IpAddr> {
        self.peer
    }
}

impl fmt::Display for PeerRefusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.peer {
            Some(peer) => write!(
                f,
                "refused: this server serves only some networks, and {peer} is not in them; to serve it, add its address or network to {} ({})",
                self.setting,
                Reason::PeerNotAllowed.name()
            ),
            None => write!(
                f,
                "refused: this server serves only some networks and was not told who sent this request ({})",
                Reason::UnknownPeer.name()
            ),
        }
    }
}

/// A connected stream whose peer a [`PeerFilter`] can check: `std` and tokio
/// `TcpStream`, or a `SocketAddr` already read.
pub trait PeerStream {
    /// The peer's address.
    ///
    /// # Errors
    ///
    /// The error of asking the socket.
    fn peer_address(&self) -> io::Result<SocketAddr>;
}

impl PeerStream for std::net::TcpStream {
    fn peer_address(&self) -> io::Result<SocketAddr> {
        self.peer_addr()
    }
}

#[cfg(feature = "tokio")]
impl PeerStream for ::tokio::net::TcpStream {
    fn peer_address(&self) -> io::Result<SocketAddr> {
        self.peer_addr()
    }
}

impl PeerStream for SocketAddr {
    fn peer_address(&self) -> io::Result<SocketAddr> {
        Ok(*self)
    }
}

const LOOPBACK: [IpNet; 2] = [
    IpNet::V4(match ipnet::Ipv4Net::new(Ipv4Addr::new(127, 0, 0, 0), 8) {
        Ok(net) => net,
        Err(_) => panic!("a /8 is a prefix"),
    }),
    IpNet::V6(match ipnet::Ipv6Net::new(Ipv6Addr::LOCALHOST, 128) {
        Ok(net) => net,
        Err(_) => panic!("a /128 is a prefix"),
    }),
];

impl PeerFilter {
    /// Serves loopback peers only (`127.0.0.0/8`, `::1`); add networks with
    /// [`allow_net`](Self::allow_net).
    #[must_use]
    pub fn loopback() -> Self {
        Self::new(LOOPBACK)
    }

    /// Serves peers from `nets` only.
    #[must_use]
    pub fn new(nets: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            nets: nets.into_iter().map(|net| net.trunc()).collect(),
            setting: Arc::from(std::format!(
                "the {DEFAULT_PEERS_ENV_VAR} environment variable (comma-separated)"
            )),
        }
    }

    /// The suggested default: loopback and the networks of the host's interfaces
    /// (`192.168.1.0/24` for an interface with `192.168.1.20/24`; link-local IPv6
    /// networks too), read now (feature `if-addrs`), with the networks of
    /// [`DEFAULT_PEERS_ENV_VAR`].
    ///
    /// # Errors
    ///
    /// Reading the interfaces failed, or a bad entry in the variable.
    #[cfg(feature = "if-addrs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "if-addrs")))]
    pub fn local_networks() -> Result<Self, HostGuardError> {
        let interfaces = if_addrs::get_if_addrs().map_err(|e| {
            HostGuardError::new(
                HostGuardErrorKind::Io,
                &std::string::ToString::to_string(&e),
                "the interface addresses",
            )
        })?;
        let nets = interfaces
            .iter()
            .filter_map(|interface| match &interface.addr {
                if_addrs::IfAddr::V4(v4) => ipnet::Ipv4Net::with_netmask(v4.ip, v4.netmask)
                    .ok()
                    .map(IpNet::V4),
                if_addrs::IfAddr::V6(v6) => ipnet::Ipv6Net::with_netmask(v6.ip, v6.netmask)
                    .ok()
                    .map(IpNet::V6),
            });
        Self::new(LOOPBACK.into_iter().chain(nets)).allowed_peers_from_env(DEFAULT_PEERS_ENV_VAR)
    }

    /// Also serves peers from `net`.
    #[must_use]
    pub fn allow_net(mut self, net: IpNet) -> Self {
        let mut nets: Vec<IpNet> = self.nets.to_vec();
        nets.push(net.trunc());
        self.nets = nets.into();
        self
    }

    /// Adds the comma-separated addresses and networks of the environment variable
    /// `var` (when set); refusals then name `var`.
    ///
    /// # Errors
    ///
    /// An entry that is not an address or network, or holds `0.0.0.0`/`::` (the
    /// filter would be off: say so by not using one); the value is not UTF-8.
    pub fn allowed_peers_from_env(self, var: &str) -> Result<Self, HostGuardError> {
        self.allowed_peers_from(var, |name| std::env::var_os(name))
    }

    /// [`allowed_peers_from_env`](Self::allowed_peers_from_env) with any lookup in
    /// place of the process environment.
    ///
    /// # Errors
    ///
    /// As [`allowed_peers_from_env`](Self::allowed_peers_from_env).
    pub fn allowed_peers_from(
        mut self,
        var: &str,
        lookup: impl FnOnce(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, HostGuardError> {
        let source = std::format!("the {var} environment variable");
        if let Some(value) = lookup(var) {
            let value: String = value
                .into_string()
                .map_err(|_| HostGuardError::new(HostGuardErrorKind::NotUnicode, "", &source))?;
            let mut nets: Vec<IpNet> = self.nets.to_vec();
            for entry in hosts::host_list(&value, &source)? {
                match entry {
                    hosts::HostEntry::Net(net) => nets.push(net),
                    hosts::HostEntry::Name(_) => {
                        return Err(HostGuardError::new(
                            HostGuardErrorKind::NotAName,
                            value.trim(),
                            &source,
                        ));
                    }
                }
            }
            self.nets = nets.into();
        }
        self.setting = Arc::from(std::format!(
            "the {var} environment variable (comma-separated)"
        ));
        Ok(self)
    }

    /// What refusals tell the operator to change, such as
    /// `"allowed_peers in /etc/myapp.toml"`.
    #[must_use]
    pub fn setting_name(mut self, setting: &str) -> Self {
        self.setting = Arc::from(setting);
        self
    }

    /// Whether `peer` may be served; an IPv4-mapped address (a peer of a `[::]`
    /// listener) is checked as IPv4. Allocates nothing.
    ///
    /// # Errors
    ///
    /// The refusal, whose `Display` is the line to send the peer.
    pub fn check(&self, peer: IpAddr) -> Result<(), PeerRefusal<'_>> {
        let peer = peer.to_canonical();
        if self.nets.iter().any(|net| net.contains(&peer)) {
            Ok(())
        } else {
            Err(PeerRefusal {
                peer: Some(peer),
                setting: &self.setting,
            })
        }
    }

    /// [`check`](Self::check) for an accepted connection. A stream whose peer cannot
    /// be read is refused.
    ///
    /// ```no_run
    /// use std::io::Write;
    /// use bind_guard::host_guard::PeerFilter;
    ///
    /// let filter = PeerFilter::loopback();
    /// let listener = std::net::TcpListener::bind("0.0.0.0:6380")?;
    /// for stream in listener.incoming() {
    ///     let mut stream = stream?;
    ///     if let Err(refusal) = filter.check_stream(&stream) {
    ///         let _ = writeln!(stream, "{refusal}");
    ///         continue; // dropping the stream closes it
    ///     }
    ///     // serve `stream`
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The refusal.
    pub fn check_stream(&self, stream: &impl PeerStream) -> Result<(), PeerRefusal<'_>> {
        match stream.peer_address() {
            Ok(peer) => self.check(peer.ip()),
            Err(_) => Err(self.unknown()),
        }
    }

    /// The refusal for a request whose peer is not known.
    pub(crate) fn unknown(&self) -> PeerRefusal<'_> {
        PeerRefusal {
            peer: None,
            setting: &self.setting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn serves_only_the_allowed_networks() {
        let filter = PeerFilter::loopback().allow_net("192.0.2.0/24".parse().unwrap());
        for ok in [
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "::ffff:127.0.0.1",
            "192.0.2.200",
            "::ffff:192.0.2.1",
        ] {
            assert!(filter.check(ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for no in ["192.0.3.1", "10.0.0.1", "::2", "fe80::1", "0.0.0.0", "::"] {
            let refusal = filter.check(no.parse().unwrap()).unwrap_err();
            assert_eq!(refusal.reason(), Reason::PeerNotAllowed);
            let line = refusal.to_string();
            assert!(line.contains(DEFAULT_PEERS_ENV_VAR), "{line}");
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn networks_come_from_the_environment() {
        let filter = PeerFilter::loopback()
            .allowed_peers_from("PEERS", |_| Some("10.1.0.0/16, 2001:db8::/32".into()))
            .unwrap();
        assert!(filter.check("10.1.2.3".parse().unwrap()).is_ok());
        assert!(filter.check("2001:db8::1".parse().unwrap()).is_ok());
        let line = filter
            .check("10.2.0.1".parse().unwrap())
            .unwrap_err()
            .to_string();
        assert!(line.contains("the PEERS environment variable"), "{line}");
        for bad in ["0.0.0.0/0", "example.com", "10.0.0.0/40", ""] {
            assert!(
                PeerFilter::loopback()
                    .allowed_peers_from("PEERS", |_| Some(bad.into()))
                    .map_or(true, |f| bad.is_empty() && f.nets.len() == 2),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_stream_is_checked_by_its_peer() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        assert!(PeerFilter::loopback().check_stream(&server).is_ok());
        let none = PeerFilter::new([]);
        assert_eq!(
            none.check_stream(&server).unwrap_err().reason(),
            Reason::PeerNotAllowed
        );
        drop(client);
    }

    #[cfg(feature = "if-addrs")]
    #[test]
    fn local_networks_hold_loopback() {
        let filter = PeerFilter::local_networks().unwrap();
        assert!(filter.check("127.0.0.1".parse().unwrap()).is_ok());
        assert!(filter.check("192.0.2.1".parse().unwrap()).is_err() || !filter.nets.is_empty());
    }
}
