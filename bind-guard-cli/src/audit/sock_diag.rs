//! The socket tables as the kernel's `sock_diag` netlink interface gives them (what
//! `ss` reads): besides the address, the device a socket is restricted to
//! (`SO_BINDTODEVICE`, as an interface index) and, for IPv6 sockets, `IPV6_V6ONLY`.
//! `/proc/net/*` shows neither.
//!
//! Requests and replies are built and parsed by the `netlink-packet-sock-diag` crate
//! and sent over a `netlink-sys` socket; nothing here is `unsafe`.

use std::collections::BTreeMap;

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use netlink_packet_sock_diag::inet::nlas::Nla;
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;

use super::{Proto, Socket};

/// More replies than this from one dump is not a kernel answering: stop, say so.
const MAX_MESSAGES: usize = 1_000_000;

/// Every listening TCP socket and bound, unconnected UDP socket of this network
/// namespace.
///
/// # Errors
///
/// Why netlink could not be used (no `sock_diag` in the kernel, a seccomp filter, a
/// malformed reply); the caller falls back to `/proc` and says why.
pub(super) fn listening_sockets() -> Result<Vec<Socket>, String> {
    let mut link = netlink_sys::Socket::new(NETLINK_SOCK_DIAG)
        .map_err(|err| format!("cannot open a sock_diag netlink socket: {err}"))?;
    link.bind_auto()
        .and_then(|_| link.connect(&netlink_sys::SocketAddr::new(0, 0)))
        .map_err(|err| format!("cannot connect to sock_diag: {err}"))?;
    let devices = device_names();
    let mut sockets = Vec::new();
    for (proto, protocol, states) in [
        (Proto::Tcp, IPPROTO_TCP, StateFlags::LISTEN),
        // An unconnected UDP socket is in the CLOSE state; a connected one only hears
        // its peer.
        (Proto::Udp, IPPROTO_UDP, StateFlags::CLOSE),
    ] {
        for family in [AF_INET, AF_INET6] {
            dump(&link, family, protocol, states.clone(), |response| {
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
                let device = (id.interface_id != 0).then(|| {
                    devices
                        .get(&id.interface_id)
                        .cloned()
                        .unwrap_or_else(|| format!("if{}", id.interface_id))
                });
                sockets.push(Socket {
                    proto,
                    addr,
                    uid: header.uid,
                    inode: u64::from(header.inode),
                    v6only: if addr.is_ipv6() { v6only } else { None },
                    device,
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

/// Sends one dump request and hands each socket of the reply to `each`.
fn dump(
    link: &netlink_sys::Socket,
    family: u8,
    protocol: u8,
    states: StateFlags,
    mut each: impl FnMut(&netlink_packet_sock_diag::inet::InetResponse),
) -> Result<(), String> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut request = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol,
            extensions: ExtensionFlags::empty(),
            states,
            socket_id: if family == AF_INET {
                SocketId::new_v4()
            } else {
                SocketId::new_v6()
            },
        })
        .into(),
    );
    request.finalize();
    let mut bytes = vec![0; request.buffer_len()];
    request.serialize(&mut bytes);
    link.send(&bytes, 0).map_err(|err| err.to_string())?;
    let mut seen = 0usize;
    loop {
        let (datagram, _) = link.recv_from_full().map_err(|err| err.to_string())?;
        if datagram.is_empty() {
            return Err("the kernel closed the dump".to_owned());
        }
        let mut rest = datagram.as_slice();
        while !rest.is_empty() {
            let message = NetlinkMessage::<SockDiagMessage>::deserialize(rest)
                .map_err(|err| format!("malformed reply: {err}"))?;
            let length = usize::try_from(message.header.length).unwrap_or(0);
            match message.payload {
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(response)) => {
                    each(&response);
                }
                NetlinkPayload::Done(_) => return Ok(()),
                NetlinkPayload::Error(err) => return Err(format!("the kernel refused: {err}")),
                _ => {}
            }
            seen += 1;
            if seen > MAX_MESSAGES {
                return Err("the dump did not end".to_owned());
            }
            // A zero or oversized length would loop or overrun: the reply is broken.
            rest = rest
                .get(length.max(1)..)
                .filter(|_| length > 0)
                .ok_or("malformed reply: bad message length")?;
        }
    }
}

/// Interface names by index, from `/sys/class/net` (which `ip netns exec` mounts for
/// the namespace it enters). A socket bound to a device that is gone shows as `ifN`.
fn device_names() -> BTreeMap<u32, String> {
    let mut names = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir("/sys/class/net") else {
        return names;
    };
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let index = std::fs::read_to_string(entry.path().join("ifindex"))
            .ok()
            .and_then(|text| text.trim().parse().ok());
        if let Some(index) = index {
            names.insert(index, name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_a_listener_with_its_v6only_and_device() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let local = listener.local_addr().unwrap();
        let Ok(sockets) = listening_sockets() else {
            return; // no sock_diag here: the /proc fallback is tested in mod.rs
        };
        let found = sockets
            .iter()
            .find(|s| s.proto == Proto::Tcp && s.addr == local)
            .expect("the test's own listener");
        assert_eq!((found.v6only, found.device.as_deref()), (None, None));
        assert!(device_names().values().any(|name| name == "lo"));
    }
}
