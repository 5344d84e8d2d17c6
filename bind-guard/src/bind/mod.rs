//! Opening sockets on a [`BindAddr`] (`std` feature).
//!
//! Binding goes through `std`, then the bound address is read back with `local_addr()`
//! and compared with the promise: the same IP and scope, and the same port unless port
//! 0 asked the system to pick one. A mismatch closes the socket and returns an error,
//! so a wrapper or platform quirk cannot silently widen what the type promised.
//!
//! `[::]` follows one rule on every path: see [`BindAddr::bind_tcp`].

pub mod facts;
pub mod iface;
#[cfg(all(feature = "listenfd", target_os = "linux"))]
pub mod inherited;
#[cfg(feature = "if-addrs")]
mod links;
#[cfg(feature = "if-addrs")]
pub mod reachable;
pub(crate) mod resolve;
pub(crate) mod set;
pub mod sysctl;
#[cfg(all(feature = "unix", unix))]
pub mod unix;

use std::format;
use std::io;
use std::net::{SocketAddr, TcpListener, UdpSocket};

use crate::BindAddr;
use crate::marker::Rule;

impl<P: Rule> BindAddr<P> {
    /// Opens a TCP listener on this address and checks where it was bound.
    ///
    /// ```
    /// use bind_guard::{bind_addr, LoopbackAddr};
    /// const ADMIN: LoopbackAddr = bind_addr!("127.0.0.1:0");
    /// let listener = ADMIN.bind_tcp()?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # `[::]`: one rule for every bind path
    ///
    /// A socket bound to the IPv6 wildcard `[::]` takes IPv4 connections too (dual-stack)
    /// unless `IPV6_V6ONLY` is on, and new sockets take that option from the system
    /// ([`sysctl::ipv6_v6only_default`](crate::sysctl::ipv6_v6only_default): `net.ipv6.bindv6only` on Linux, usually 0, so
    /// dual-stack). The rule, the same on every path of this crate — [`BindAddr::bind_tcp`],
    /// [`BindAddr::bind_udp`], `tokio::bind_*`, `BindSet::bind_*` and `socket2::*` without
    /// an IPv6 choice — is: **`[::]` gets the system's default, and everything the crate
    /// says about such a socket reads that default from the one function that knows it.**
    ///
    /// Why not set `IPV6_V6ONLY` explicitly everywhere: it must be set between creating the
    /// socket and binding it, and `std` and tokio bind in one call, with no way to set it
    /// in between without `unsafe` code or another dependency (the `socket2` feature is
    /// that dependency: its `SocketOptions` can choose, and then the choice is explicit). A
    /// rule that only some paths could follow would be two rules. So the default is never
    /// *assumed*: the env warning and `reachable::DualStack::SystemDefault` read it, and say
    /// they do not know where it cannot be read rather than guess, so what they print is
    /// what the socket does. `[::]` is the wildcard and refused without an opt-in in every
    /// case; this rule only decides whether the opted-in wildcard also covers `0.0.0.0`.
    pub fn bind_tcp(&self) -> io::Result<TcpListener> {
        let listener = TcpListener::bind(*self.as_socket_addr())?;
        self.verify_bound(listener.local_addr()?)?;
        Ok(listener)
    }

    /// Opens a UDP socket on this address and checks where it was bound. `[::]` follows
    /// [the rule of `bind_tcp`](BindAddr::bind_tcp).
    pub fn bind_udp(&self) -> io::Result<UdpSocket> {
        let socket = UdpSocket::bind(*self.as_socket_addr())?;
        self.verify_bound(socket.local_addr()?)?;
        Ok(socket)
    }

    /// Checks that a socket opened for this address is bound where it promised: the same
    /// IP (hence scope), and the same port unless this address asked for port 0.
    /// Integrations that open sockets themselves (tokio, socket2) call it too.
    pub fn verify_bound(&self, local: SocketAddr) -> io::Result<()> {
        let same_port = self.port() == 0 || local.port() == self.port();
        if local.ip() == self.ip() && same_port && crate::Scope::of(local.ip()) == self.scope() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "socket asked to bind {self} was bound to {local} instead; it was closed"
            )))
        }
    }
}

/// So that `std::net::TcpListener::bind(addr)` takes a `BindAddr` directly.
impl<P> std::net::ToSocketAddrs for BindAddr<P> {
    type Iter = core::option::IntoIter<SocketAddr>;

    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        Ok(Some(*AsRef::<SocketAddr>::as_ref(self)).into_iter())
    }
}

#[cfg(test)]
mod tests {
    use crate::{BindAddr, LoopbackAddr, bind_addr};

    #[test]
    fn binds_tcp_and_udp_on_loopback_and_reports_the_port() {
        let lo: LoopbackAddr = bind_addr!("[::1]:0");
        let tcp = lo.bind_tcp().unwrap();
        assert_ne!(tcp.local_addr().unwrap().port(), 0);
        let udp = BindAddr::loopback(0).bind_udp().unwrap();
        assert!(udp.local_addr().unwrap().ip().is_loopback());
    }

    #[test]
    fn a_mismatch_is_an_error() {
        let addr = BindAddr::loopback(8080);
        assert!(addr.verify_bound("127.0.0.1:8080".parse().unwrap()).is_ok());
        assert!(
            addr.verify_bound("127.0.0.1:8081".parse().unwrap())
                .is_err()
        );
        assert!(addr.verify_bound("0.0.0.0:8080".parse().unwrap()).is_err());
        let any_port = BindAddr::loopback(0);
        assert!(
            any_port
                .verify_bound("127.0.0.1:41000".parse().unwrap())
                .is_ok()
        );
    }
}
