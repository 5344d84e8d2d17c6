//! Netlink dumps over `netlink-sys` sockets, parsed by the `netlink-packet-*` crates:
//! the one request–reply loop behind `sock_diag` (sockets) and `rtnetlink` (devices
//! and their addresses). A netlink socket belongs to the network namespace of the
//! thread that opens it, so a thread moved into another namespace
//! ([`super::namespace`]) reads that namespace's tables here. Nothing here is `unsafe`.

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkDeserializable, NetlinkHeader, NetlinkMessage,
    NetlinkPayload, NetlinkSerializable,
};

/// More replies than this from one dump is not a kernel answering: stop, say so.
const MAX_MESSAGES: usize = 4_000_000;

/// A connected netlink socket of `protocol`, in the calling thread's namespace.
pub(super) fn open(protocol: isize, what: &str) -> Result<netlink_sys::Socket, String> {
    let mut link = netlink_sys::Socket::new(protocol)
        .map_err(|err| format!("cannot open a {what} netlink socket: {err}"))?;
    link.bind_auto()
        .and_then(|_| link.connect(&netlink_sys::SocketAddr::new(0, 0)))
        .map_err(|err| format!("cannot connect to {what}: {err}"))?;
    Ok(link)
}

/// Sends one dump request and hands each message of the reply to `each`.
pub(super) fn dump<T>(
    link: &netlink_sys::Socket,
    request: T,
    mut each: impl FnMut(T),
) -> Result<(), String>
where
    T: NetlinkSerializable + NetlinkDeserializable + std::fmt::Debug,
{
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut request = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
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
            let message = NetlinkMessage::<T>::deserialize(rest)
                .map_err(|err| format!("malformed reply: {err}"))?;
            let length = usize::try_from(message.header.length).unwrap_or(0);
            match message.payload {
                NetlinkPayload::InnerMessage(inner) => each(inner),
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
