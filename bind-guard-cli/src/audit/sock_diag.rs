//! The socket tables as the kernel's `sock_diag` netlink interface gives them (what
//! `ss` reads): besides the address, the device a socket is restricted to
//! (`SO_BINDTODEVICE`, as an interface index of the socket's own namespace) and, for
//! IPv6 sockets, `IPV6_V6ONLY`, which `/proc/net/*` does not show; and the Unix
//! sockets, with the inode of the file a path socket was bound to.
//!
//! Requests and replies are built and parsed by the `netlink-packet-sock-diag` crate
//! and sent through [`super::netlink`]; nothing here is `unsafe`.

use netlink_packet_core::Emitable;
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{
    AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, TCP_CLOSE, TCP_LISTEN,
};
use netlink_packet_sock_diag::inet::nlas::Nla;
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_packet_sock_diag::unix::nlas::{Nla as UnixNla, UnixDiagName};
use netlink_packet_sock_diag::unix::{ShowFlags, StateFlags as UnixStateFlags, UnixRequest};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;

use super::Proto;
use super::netlink;
use super::unix::{UnixKind, UnixName, UnixSocket};

/// An inet socket as `sock_diag` lists it: the device is an index of its namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct InetEntry {
    pub(super) proto: Proto,
    pub(super) addr: std::net::SocketAddr,
    pub(super) uid: u32,
    pub(super) inode: u64,
    pub(super) v6only: Option<bool>,
    /// The interface index the socket is restricted to; 0 for none.
    pub(super) device_index: u32,
}

/// A `sock_diag` socket of the calling thread's network namespace.
pub(super) fn open() -> Result<netlink_sys::Socket, String> {
    netlink::open(NETLINK_SOCK_DIAG, "sock_diag")
}

/// Every listening TCP socket and bound, unconnected UDP socket of the namespace.
///
/// # Errors
///
/// Why netlink could not be used (no `sock_diag` in the kernel, a seccomp filter, a
/// malformed reply); the caller falls back to `/proc` and says why.
pub(super) fn inet_sockets(link: &netlink_sys::Socket) -> Result<Vec<InetEntry>, String> {
    let mut sockets = Vec::new();
    for (proto, protocol, states) in [
        (Proto::Tcp, IPPROTO_TCP, StateFlags::LISTEN),
        // An unconnected UDP socket is in the CLOSE state; a connected one only hears
        // its peer.
        (Proto::Udp, IPPROTO_UDP, StateFlags::CLOSE),
    ] {
        for family in [AF_INET, AF_INET6] {
            let request = SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol,
                extensions: ExtensionFlags::empty(),
                states: states.clone(),
                socket_id: if family == AF_INET {
                    SocketId::new_v4()
                } else {
                    SocketId::new_v6()
                },
            });
            netlink::dump(link, request, |message| {
                let SockDiagMessage::InetResponse(response) = message else {
                    return;
                };
                let header = &response.header;
                let id = &header.socket_id;
                let addr = std::net::SocketAddr::new(id.source_address, id.source_port);
                if proto == Proto::Udp && addr.port() == 0 {
                    return; // not bound yet
                }
                let v6only = response.nlas.iter().find_map(|nla| match nla {
                    Nla::SkV6Only(v6only) => Some(*v6only),
                    _ => None,
                });
                sockets.push(InetEntry {
                    proto,
                    addr,
                    uid: header.uid,
                    inode: u64::from(header.inode),
                    v6only: if addr.is_ipv6() { v6only } else { None },
                    device_index: id.interface_id,
                });
            })
            .map_err(|err| {
                let family = if family == AF_INET { "IPv4" } else { "IPv6" };
                format!(
                    "sock_diag dump of {} {family} sockets failed: {err}",
                    proto.name()
                )
            })?;
        }
    }
    Ok(sockets)
}

/// Every listening stream or seqpacket Unix socket, and every bound, unconnected
/// datagram one (anyone who may open the path can send to it), of the namespace.
pub(super) fn unix_sockets(link: &netlink_sys::Socket) -> Result<Vec<UnixSocket>, String> {
    let mut sockets = Vec::new();
    let request = SockDiagMessage::UnixRequest(UnixRequest {
        state_flags: UnixStateFlags::LISTEN | UnixStateFlags::from_bits_retain(1 << TCP_CLOSE),
        inode: 0,
        show_flags: ShowFlags::NAME | ShowFlags::VFS,
        cookie: [0; 8],
    });
    netlink::dump(link, request, |message| {
        let SockDiagMessage::UnixResponse(response) = message else {
            return;
        };
        let Some(kind) = UnixKind::from_type(response.header.kind) else {
            return;
        };
        let listening = response.header.state == TCP_LISTEN;
        if kind == UnixKind::Dgram && response.header.state != TCP_CLOSE {
            return;
        }
        if kind != UnixKind::Dgram && !listening {
            return;
        }
        let name = match response.name() {
            Some(UnixDiagName::Pathname(path)) => UnixName::Path(path.clone().into()),
            Some(UnixDiagName::Abstract(bytes)) => UnixName::Abstract(bytes.clone()),
            None => return, // unnamed: nobody can connect to it
        };
        let file_inode = response.nlas.iter().find_map(|nla| match nla {
            UnixNla::Vfs(vfs) => {
                // UNIX_DIAG_VFS is { u32 inode; u32 dev } in host order; the crate
                // keeps the fields private but emits them.
                let mut bytes = [0u8; 8];
                (vfs.buffer_len() == 8).then(|| {
                    vfs.emit(&mut bytes);
                    u64::from(u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
                })
            }
            _ => None,
        });
        sockets.push(UnixSocket::new(
            kind,
            name,
            u64::from(response.header.inode),
            file_inode,
        ));
    })
    .map_err(|err| format!("sock_diag dump of Unix sockets failed: {err}"))?;
    Ok(sockets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_a_listener_with_its_v6only_and_device() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let local = listener.local_addr().unwrap();
        let Ok(link) = open() else {
            return; // no sock_diag here: the /proc fallback is tested in proc.rs
        };
        let sockets = inet_sockets(&link).unwrap();
        let found = sockets
            .iter()
            .find(|s| s.proto == Proto::Tcp && s.addr == local)
            .expect("the test's own listener");
        assert_eq!((found.v6only, found.device_index), (None, 0));
    }

    #[test]
    fn sees_a_unix_listener_with_its_path_and_file_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = std::env::temp_dir().join(format!("bg-audit-unix-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("s.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let Ok(link) = open() else { return };
        let sockets = unix_sockets(&link).unwrap();
        let found = sockets
            .iter()
            .find(|s| s.name == UnixName::Path(path.clone()))
            .expect("the test's own Unix listener");
        assert_eq!(found.kind, UnixKind::Stream);
        let ino = std::fs::metadata(&path).unwrap().ino();
        assert_eq!(found.file_inode, Some(ino));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
