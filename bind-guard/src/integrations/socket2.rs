//! socket2 sockets on a checked address (`socket2` feature): the options servers set
//! before `bind`, with an explicit choice for `[::]`.
//!
//! `std` and tokio bind in one call, so options that must be set *before* `bind` cannot
//! be given. These functions build a socket2 [`Socket`], set:
//!
//! - `SO_REUSEADDR` on TCP sockets (on by default, except on Windows): a restarted server
//!   can bind its port again while connections of the previous process linger in
//!   `TIME_WAIT`. Rust's `std` sets it on its Unix TCP listeners too; tokio's
//!   `TcpListener::bind` does the same. It is **never set on UDP sockets by default**:
//!   on Linux two UDP sockets that both set `SO_REUSEADDR` may bind the same address and
//!   port, so another local user's process could take over the port (and receive its
//!   datagrams), while UDP has no `TIME_WAIT` that would need it. On Windows
//!   `SO_REUSEADDR` lets another socket take over a bound port for TCP too, so it is
//!   never set there.
//! - `IPV6_V6ONLY` for IPv6 addresses, when chosen with [`SocketOptions::v6_only`] or
//!   [`SocketOptions::dual_stack`]. Without a choice the socket gets the system's
//!   default ([`sysctl::ipv6_v6only_default`](crate::sysctl::ipv6_v6only_default)), the
//!   one rule every bind path of this crate follows for `[::]` (see
//!   [`BindAddr::bind_tcp`]); choosing is what this module adds, and a server that opts
//!   in to `[::]` should choose.
//!
//! then bind, check the bound address with [`BindAddr::verify_bound`], and (for TCP)
//! listen.
//!
//! [`bind_device`] and [`device_tcp_listeners`] bind to an interface as a *device*
//! (`SO_BINDTODEVICE`, Linux): the wildcard, restricted to what arrives through one
//! interface. See [`bind_device`].
//!
//! ```
//! use bind_guard::socket2::{tcp_listener, SocketOptions};
//! use bind_guard::{bind_addr, BindAddr, Policy};
//!
//! const API: BindAddr = bind_addr!("127.0.0.1:0");
//! let socket = tcp_listener(API, &SocketOptions::new())?;
//! let listener: std::net::TcpListener = socket.into();
//! assert!(listener.local_addr()?.ip().is_loopback());
//!
//! // `[::]`, IPv6 only, so IPv4 clients cannot connect.
//! let any = Policy::default().allow_wildcard().parse("[::]:0")?;
//! let v6 = tcp_listener(any, &SocketOptions::new().v6_only())?;
//! assert_eq!(v6.only_v6()?, true);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io;
use std::net::SocketAddr;
use std::vec::Vec;

use ::socket2::{Domain, Protocol, Socket, Type};

use crate::marker::Rule;
use crate::{BindAddr, InterfaceSpec, Policy};

/// What an IPv6 socket accepts: IPv6 only, or IPv4 too (through IPv4-mapped
/// addresses). Only meaningful for IPv6 addresses, and above all for `[::]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ipv6Mode {
    /// `IPV6_V6ONLY` on: IPv6 connections only.
    V6Only,
    /// `IPV6_V6ONLY` off: IPv6 and IPv4 connections (an IPv4 client shows up as
    /// `::ffff:a.b.c.d`). `[::]` in this mode listens on every IPv4 *and* IPv6 interface.
    DualStack,
}

/// The options [`bind_socket`], [`tcp_listener`] and [`udp_socket`] set before `bind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SocketOptions {
    /// `None`: the default for the socket type (TCP on, UDP off).
    reuse_address: Option<bool>,
    ipv6: Option<Ipv6Mode>,
    backlog: i32,
}

impl Default for SocketOptions {
    /// `SO_REUSEADDR` on TCP sockets (not on Windows) and off on UDP sockets, no IPv6
    /// choice, a backlog of 1024.
    fn default() -> Self {
        SocketOptions::new()
    }
}

impl SocketOptions {
    /// `SO_REUSEADDR` on TCP sockets (not on Windows) and off on UDP sockets, no IPv6
    /// choice, a listen backlog of 1024.
    #[must_use]
    pub const fn new() -> Self {
        SocketOptions {
            reuse_address: None,
            ipv6: None,
            backlog: 1024,
        }
    }

    /// Sets `SO_REUSEADDR` or not, for TCP and UDP alike (never on Windows, whatever
    /// this says). On a UDP socket, `true` lets any other process of any user that sets
    /// it too bind the same address and port on Linux, and receive datagrams meant for
    /// this one: turn it on only for a socket that shares its port on purpose (such as
    /// several receivers of one multicast group).
    #[must_use]
    pub const fn reuse_address(mut self, on: bool) -> Self {
        self.reuse_address = Some(on);
        self
    }

    /// IPv6 sockets accept IPv6 connections only (`IPV6_V6ONLY` on).
    #[must_use]
    pub const fn v6_only(mut self) -> Self {
        self.ipv6 = Some(Ipv6Mode::V6Only);
        self
    }

    /// IPv6 sockets accept IPv4 connections too (`IPV6_V6ONLY` off).
    #[must_use]
    pub const fn dual_stack(mut self) -> Self {
        self.ipv6 = Some(Ipv6Mode::DualStack);
        self
    }

    /// Sets the IPv6 mode (`None`: leave the system default).
    #[must_use]
    pub const fn ipv6_mode(mut self, mode: Option<Ipv6Mode>) -> Self {
        self.ipv6 = mode;
        self
    }

    /// The listen backlog of [`tcp_listener`].
    #[must_use]
    pub const fn backlog(mut self, backlog: i32) -> Self {
        self.backlog = backlog;
        self
    }

    /// The IPv6 mode chosen, if any.
    #[must_use]
    pub const fn ipv6(&self) -> Option<Ipv6Mode> {
        self.ipv6
    }
}

/// Builds a socket of type `ty` for `addr`, sets the options, binds it, and checks where
/// it was bound. It is not listening yet (see [`tcp_listener`]); it is in blocking mode.
///
/// # Errors
///
/// The system's error, or an error if the socket was bound anywhere but `addr` (then it
/// is closed).
pub fn bind_socket<P: Rule>(
    addr: BindAddr<P>,
    ty: Type,
    protocol: Option<Protocol>,
    options: &SocketOptions,
) -> io::Result<Socket> {
    let target = *addr.as_socket_addr();
    let socket = Socket::new(Domain::for_address(target), ty, protocol)?;
    // By default only stream (TCP) sockets reuse addresses: see the module docs.
    let reuse = options.reuse_address.unwrap_or(ty == Type::STREAM);
    if reuse && cfg!(not(windows)) {
        socket.set_reuse_address(true)?;
    }
    if let (SocketAddr::V6(_), Some(mode)) = (target, options.ipv6) {
        socket.set_only_v6(mode == Ipv6Mode::V6Only)?;
    }
    socket.bind(&target.into())?;
    let local = socket.local_addr()?.as_socket().ok_or_else(|| {
        io::Error::other(std::format!(
            "socket asked to bind {addr} has no IP address; it was closed"
        ))
    })?;
    addr.verify_bound(local)?;
    Ok(socket)
}

/// A TCP socket bound to `addr` with `options` and listening: convert it with
/// `std::net::TcpListener::from(socket)` (or `tokio::net::TcpListener::from_std` after
/// `set_nonblocking(true)`).
///
/// # Errors
///
/// As [`bind_socket`], or the error of `listen`.
pub fn tcp_listener<P: Rule>(addr: BindAddr<P>, options: &SocketOptions) -> io::Result<Socket> {
    let socket = bind_socket(addr, Type::STREAM, Some(Protocol::TCP), options)?;
    socket.listen(options.backlog)?;
    Ok(socket)
}

/// A UDP socket bound to `addr` with `options`.
///
/// # Errors
///
/// As [`bind_socket`].
pub fn udp_socket<P: Rule>(addr: BindAddr<P>, options: &SocketOptions) -> io::Result<Socket> {
    bind_socket(addr, Type::DGRAM, Some(Protocol::UDP), options)
}

/// Binds the wildcard restricted to one interface (`SO_BINDTODEVICE`): one socket per
/// address family the interface has (of those `spec` asks for: `iface:eth0/ipv4:PORT`
/// gives `0.0.0.0` only, `iface:eth0:PORT` both `0.0.0.0` and `[::]`), all or none.
/// IPv6 sockets are IPv6-only, whatever `options` say, so that the IPv4 socket is the
/// only one taking IPv4. Not listening yet (see [`device_tcp_listeners`]).
///
/// Linux follows the weak host model: a socket bound to an *address* accepts packets
/// for it from any interface. Binding to the *device* is the way to accept only what
/// arrives through one interface; it is what `iface:NAME` means for a server that must
/// not answer on another network. What the policy judges is every address the
/// interface has now in those families ([`InterfaceSpec::device_addrs`]): its IPv6
/// link-local addresses included even where the form's address family leaves them out
/// (`iface:eth0:PORT` and `iface:eth0/ipv6:PORT` bind an IPv6 socket, and a neighbour
/// on the link reaches it through `fe80::…`), and its labelled IPv4 aliases included
/// (`eth0:1`, matched to the device by index). All must be allowed: an `lo` device
/// passes [`Policy::loopback`], an `eth0` with `10.0.0.5` and `fe80::1` needs a policy
/// that allows both (or `iface:eth0/ipv4:PORT`, which binds no IPv6 socket). The wildcard needs no opt-in here, because the
/// device, not the wildcard, bounds who can connect. Know what the device still takes:
/// packets that arrive through it for *any* address of this host, and (for `lo`)
/// connections from this host to any of its own addresses.
///
/// Fails closed: if the device option cannot be set (no `CAP_NET_RAW` on kernels before
/// 5.7, an interface that vanished, a system without `SO_BINDTODEVICE`), nothing is
/// bound. The device is read back after binding and must be the one asked for.
///
/// ```
/// # #[cfg(all(feature = "if-addrs", target_os = "linux"))] {
/// use bind_guard::socket2::{device_tcp_listeners, SocketOptions};
/// use bind_guard::{InterfaceSpec, Policy};
///
/// let spec: InterfaceSpec = "iface:lo/ipv4:0".parse()?;
/// let sockets = device_tcp_listeners(&spec, &Policy::loopback(), &SocketOptions::new())?;
/// assert_eq!(sockets[0].device()?.as_deref(), Some(&b"lo"[..]));
/// assert!(sockets[0].local_addr()?.as_socket().unwrap().ip().is_unspecified());
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The policy's refusal of one of the interface's addresses or the lookup's error
/// (`InvalidInput`, with the [`BindError`](crate::BindError) as its source); the
/// system's error of any step; `Unsupported` on systems without `SO_BINDTODEVICE`.
pub fn bind_device(
    spec: &InterfaceSpec,
    policy: &Policy,
    ty: Type,
    protocol: Option<Protocol>,
    options: &SocketOptions,
) -> io::Result<Vec<Socket>> {
    let addrs = spec
        .device_addrs(policy)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
    let mut sockets = Vec::with_capacity(2);
    // IPv4 first, then IPv6; each only if the interface has an address of that family.
    for v6 in [false, true] {
        if addrs.iter().any(|addr| addr.is_ipv6() == v6) {
            // On error `sockets` is dropped, closing the sockets opened so far.
            sockets.push(bind_one_device(spec, v6, ty, protocol, options)?);
        }
    }
    Ok(sockets)
}

/// [`bind_device`] for TCP, each socket listening with `options`' backlog.
///
/// # Errors
///
/// As [`bind_device`], or the error of `listen`.
pub fn device_tcp_listeners(
    spec: &InterfaceSpec,
    policy: &Policy,
    options: &SocketOptions,
) -> io::Result<Vec<Socket>> {
    let sockets = bind_device(spec, policy, Type::STREAM, Some(Protocol::TCP), options)?;
    for socket in &sockets {
        socket.listen(options.backlog)?;
    }
    Ok(sockets)
}

#[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
fn bind_one_device(
    spec: &InterfaceSpec,
    v6: bool,
    ty: Type,
    protocol: Option<Protocol>,
    options: &SocketOptions,
) -> io::Result<Socket> {
    let wildcard = if v6 {
        SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, spec.port()))
    } else {
        SocketAddr::from((std::net::Ipv4Addr::UNSPECIFIED, spec.port()))
    };
    let name = spec.name().as_bytes();
    let socket = Socket::new(Domain::for_address(wildcard), ty, protocol)?;
    // The same rule as `bind_socket`: on for TCP unless asked otherwise, never on Windows.
    if options.reuse_address.unwrap_or(ty == Type::STREAM) && cfg!(not(windows)) {
        socket.set_reuse_address(true)?;
    }
    if v6 {
        socket.set_only_v6(true)?;
    }
    // Fail closed: without the device option this would be a plain wildcard socket.
    socket
        .bind_device(Some(name))
        .map_err(|err| device_error(spec.name(), &err))?;
    if socket.device()?.as_deref() != Some(name) {
        return Err(io::Error::other(std::format!(
            "a socket restricted to interface {} reports another device; it was closed",
            crate::Escaped::new(spec.name())
        )));
    }
    socket.bind(&wildcard.into())?;
    let local = socket.local_addr()?.as_socket();
    let bound_right = local.is_some_and(|local| {
        local.ip() == wildcard.ip() && (spec.port() == 0 || local.port() == spec.port())
    });
    if !bound_right {
        return Err(io::Error::other(std::format!(
            "socket asked to bind {wildcard} on {} was bound elsewhere; it was closed",
            crate::Escaped::new(spec.name())
        )));
    }
    Ok(socket)
}

/// The error of a device option that could not be set: nothing is bound then.
#[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
fn device_error(name: &str, err: &io::Error) -> io::Error {
    io::Error::new(
        err.kind(),
        std::format!(
            "cannot restrict a socket to interface {} (SO_BINDTODEVICE): {err}; nothing was \
             bound",
            crate::Escaped::new(name)
        ),
    )
}

#[cfg(not(any(target_os = "android", target_os = "fuchsia", target_os = "linux")))]
fn bind_one_device(
    _spec: &InterfaceSpec,
    _v6: bool,
    _ty: Type,
    _protocol: Option<Protocol>,
    _options: &SocketOptions,
) -> io::Result<Socket> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "binding to an interface as a device (SO_BINDTODEVICE) needs Linux; bind the \
         interface's addresses instead",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BindAddr, Policy};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::Duration;

    #[test]
    fn reuse_address_is_set_and_the_port_is_reported() {
        let socket = tcp_listener(BindAddr::loopback(0), &SocketOptions::new()).unwrap();
        assert_eq!(socket.reuse_address().unwrap(), cfg!(not(windows)));
        let off = tcp_listener(
            BindAddr::loopback(0),
            &SocketOptions::new().reuse_address(false),
        )
        .unwrap();
        assert!(!off.reuse_address().unwrap());
        let listener: TcpListener = socket.into();
        assert_ne!(listener.local_addr().unwrap().port(), 0);
    }

    #[test]
    fn udp_sockets_do_not_reuse_addresses_by_default() {
        let socket = udp_socket(BindAddr::loopback(0), &SocketOptions::new()).unwrap();
        assert!(!socket.reuse_address().unwrap());
        // Another socket, of any user, that sets SO_REUSEADDR cannot take the port over.
        let bound = socket.local_addr().unwrap();
        let thief = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
        thief.set_reuse_address(true).unwrap();
        let err = thief.bind(&bound).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        // Asked for explicitly, it is set.
        let shared = udp_socket(
            BindAddr::loopback(0),
            &SocketOptions::new().reuse_address(true),
        )
        .unwrap();
        assert_eq!(shared.reuse_address().unwrap(), cfg!(not(windows)));
    }

    #[test]
    fn dual_stack_wildcard_accepts_ipv4_over_loopback() {
        // [::] on port 0 in dual-stack mode, reached through 127.0.0.1: loopback traffic.
        let any = Policy::default().allow_wildcard().parse("[::]:0").unwrap();
        let socket = match tcp_listener(any, &SocketOptions::new().dual_stack()) {
            Ok(socket) => socket,
            // A host without IPv6 cannot run this check.
            Err(err) if err.kind() == io::ErrorKind::AddrNotAvailable => return,
            Err(err) => panic!("{err}"),
        };
        assert!(!socket.only_v6().unwrap());
        let listener: TcpListener = socket.into();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut stream, peer) = listener.accept().unwrap();
            stream.write_all(b"hi").unwrap();
            peer
        });
        let target = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut client = TcpStream::connect_timeout(&target, Duration::from_secs(2)).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut got = [0; 2];
        client.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hi");
        let peer = server.join().unwrap();
        // The IPv4 client shows up IPv4-mapped on the IPv6 socket.
        assert_eq!(
            peer.ip().to_canonical(),
            std::net::IpAddr::from([127, 0, 0, 1])
        );
    }

    #[test]
    fn v6_only_wildcard_refuses_ipv4() {
        let any = Policy::default().allow_wildcard().parse("[::]:0").unwrap();
        let socket = match tcp_listener(any, &SocketOptions::new().v6_only()) {
            Ok(socket) => socket,
            // A host without IPv6 cannot run this check; any other error is a failure.
            Err(err) if err.kind() == io::ErrorKind::AddrNotAvailable => return,
            Err(err) => panic!("{err}"),
        };
        assert!(socket.only_v6().unwrap());
        let listener: TcpListener = socket.into();
        let port = listener.local_addr().unwrap().port();
        let target = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        // Nothing listens on 127.0.0.1:port (unless another program took that port for
        // IPv4 in between, which the error kind below would show).
        let err = TcpStream::connect_timeout(&target, Duration::from_secs(2)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    }

    #[cfg(all(feature = "if-addrs", target_os = "linux"))]
    #[test]
    fn device_binding_checks_the_device_addresses_and_reads_the_device_back() {
        let spec: InterfaceSpec = "iface:lo:0".parse().unwrap();
        let sockets =
            device_tcp_listeners(&spec, &Policy::loopback(), &SocketOptions::new()).unwrap();
        assert!(!sockets.is_empty());
        for socket in &sockets {
            assert_eq!(socket.device().unwrap().as_deref(), Some(&b"lo"[..]));
            assert!(socket.is_listener().unwrap());
            let local = socket.local_addr().unwrap().as_socket().unwrap();
            assert!(local.ip().is_unspecified());
            if local.is_ipv6() {
                assert!(socket.only_v6().unwrap());
            }
        }
        // lo's 127.0.0.1 is refused by a policy of private networks only: nothing binds.
        let private = Policy::nothing()
            .allow_scope(crate::Scope::Private)
            .unwrap();
        let err = device_tcp_listeners(&spec, &private, &SocketOptions::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(
            std::string::ToString::to_string(&err).contains("127.0.0.1:0"),
            "{err}"
        );
        let missing: InterfaceSpec = "iface:nosuchif0:0".parse().unwrap();
        let err =
            device_tcp_listeners(&missing, &Policy::default(), &SocketOptions::new()).unwrap_err();
        assert!(
            std::string::ToString::to_string(&err).contains("interfaces on this host"),
            "{err}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_device_error_is_one_sentence() {
        let err = device_error(
            "eth\u{1b}0",
            &io::Error::from(io::ErrorKind::PermissionDenied),
        );
        let text = std::string::ToString::to_string(&err);
        assert!(
            text.starts_with(
                "cannot restrict a socket to interface eth\\u{1b}0 (SO_BINDTODEVICE): "
            ),
            "{text}"
        );
        assert!(text.ends_with("; nothing was bound"), "{text}");
        assert!(
            !text.contains("  ") && !text.chars().any(char::is_control),
            "{text}"
        );
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn ipv6_wildcard_without_a_choice_gets_the_system_default() {
        let any = Policy::default().allow_wildcard().parse("[::]:0").unwrap();
        let socket = match udp_socket(any, &SocketOptions::new()) {
            Ok(socket) => socket,
            Err(err) if err.kind() == io::ErrorKind::AddrNotAvailable => return, // no IPv6
            Err(err) => panic!("{err}"),
        };
        // The same rule as std's and tokio's bind: the system's default, as the crate
        // reads it (where it can; the netns tests set the sysctl both ways).
        if let Some(v6only) = crate::sysctl::ipv6_v6only_default() {
            assert_eq!(socket.only_v6().unwrap(), v6only);
        }
    }
}
