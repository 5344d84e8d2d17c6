//! The interfaces of this host and their addresses, read from the kernel's routing
//! netlink (`RTM_GETLINK`, `RTM_GETADDR`) on Linux, in the network namespace of the
//! calling thread (`if-addrs` feature).
//!
//! Why not `getifaddrs`: it names an IPv4 address by its *label*, not its device. An
//! alias added with `ip addr add 198.18.1.1/24 dev a0 label a0:1` is listed under
//! `a0:1`, so a lookup of `a0` by name misses it, and a verdict on "every address of
//! `a0`" (what a socket bound to the device takes) is made without it: it says yes to
//! an address it never saw. Here every address carries the index of the device that
//! holds it (`ifa_index`), and the device's name comes from the link table by that
//! index, so an alias is its device's address whatever its label says (the kernel does
//! not even require a label to start with the device's name). Links without any
//! address are listed too, so "no such interface" and "no address" are told apart.
//!
//! Elsewhere the `if-addrs` crate lists the addresses (those systems have no labels).

use std::io;
use std::string::String;
use std::vec::Vec;

use super::iface::{Interface, InterfaceAddress};

/// More messages than this in one dump is not a kernel answering: it is refused.
#[cfg(target_os = "linux")]
const MAX_MESSAGES: usize = 1_000_000;

/// Every interface of this host, in index order, with its addresses in the kernel's
/// order.
///
/// # Errors
///
/// The error of opening or reading the netlink socket (a sandbox without it), or a
/// reply that cannot be parsed (`InvalidData`).
#[cfg(target_os = "linux")]
pub(crate) fn read() -> io::Result<Vec<Interface>> {
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_packet_route::address::{AddressAttribute, AddressMessage};
    use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};

    let socket = open()?;
    let mut interfaces: Vec<Interface> = Vec::new();
    dump(
        &socket,
        RouteNetlinkMessage::GetLink(LinkMessage::default()),
        |message| {
            if let RouteNetlinkMessage::NewLink(link) = message {
                let name = link.attributes.iter().find_map(|a| match a {
                    LinkAttribute::IfName(name) => Some(name.clone()),
                    _ => None,
                });
                if let Some(name) = name {
                    interfaces.push(Interface {
                        name,
                        index: link.header.index,
                        up: link.header.flags.contains(LinkFlags::Up),
                        addresses: Vec::new(),
                    });
                }
            }
        },
    )?;
    interfaces.sort_by_key(|i| i.index);
    dump(
        &socket,
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
        |message| {
            let RouteNetlinkMessage::NewAddress(address) = message else {
                return;
            };
            // IFA_LOCAL is the local address; IFA_ADDRESS is the peer's on a
            // point-to-point link and the local one elsewhere (as getifaddrs reads them).
            let mut local = None;
            let mut other = None;
            let mut label: Option<String> = None;
            for attribute in &address.attributes {
                match attribute {
                    AddressAttribute::Local(ip) => local = Some(*ip),
                    AddressAttribute::Address(ip) => other = Some(*ip),
                    AddressAttribute::Label(text) => label = Some(text.clone()),
                    _ => {}
                }
            }
            let Some(ip) = local.or(other) else {
                return;
            };
            let index = address.header.index;
            // An address of a link the first dump did not list (added in between) has
            // its index still: it is kept, under a name that says so.
            let position = match interfaces.binary_search_by_key(&index, |i| i.index) {
                Ok(position) => position,
                Err(position) => {
                    interfaces.insert(
                        position,
                        Interface {
                            name: std::format!("if{index}"),
                            index,
                            up: false,
                            addresses: Vec::new(),
                        },
                    );
                    position
                }
            };
            if let Some(interface) = interfaces.get_mut(position) {
                // IPv4 addresses always carry a label, the device's name unless set:
                // only a different one is a label worth keeping.
                let label = label.filter(|label| *label != interface.name);
                interface.addresses.push(InterfaceAddress { ip, label });
            }
        },
    )?;
    Ok(interfaces)
}

#[cfg(target_os = "linux")]
fn open() -> io::Result<netlink_sys::Socket> {
    let mut socket = netlink_sys::Socket::new(netlink_sys::protocols::NETLINK_ROUTE)?;
    socket.bind_auto()?;
    socket.connect(&netlink_sys::SocketAddr::new(0, 0))?;
    Ok(socket)
}

/// Sends a dump request and hands each reply message to `each`, until the kernel says
/// the dump is done.
#[cfg(target_os = "linux")]
fn dump(
    socket: &netlink_sys::Socket,
    request: netlink_packet_route::RouteNetlinkMessage,
    mut each: impl FnMut(netlink_packet_route::RouteNetlinkMessage),
) -> io::Result<()> {
    use netlink_packet_core::{
        NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    };
    let broken = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what);
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut request = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
    request.finalize();
    let mut bytes = std::vec![0; request.buffer_len()];
    request.serialize(&mut bytes);
    socket.send(&bytes, 0)?;
    let mut seen = 0usize;
    loop {
        let (datagram, _) = socket.recv_from_full()?;
        if datagram.is_empty() {
            return Err(broken("the kernel ended the interface dump early"));
        }
        let mut rest = datagram.as_slice();
        while !rest.is_empty() {
            let message =
                NetlinkMessage::<netlink_packet_route::RouteNetlinkMessage>::deserialize(rest)
                    .map_err(|err| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            std::format!("a malformed interface dump: {err}"),
                        )
                    })?;
            let length = usize::try_from(message.header.length).unwrap_or(0);
            match message.payload {
                NetlinkPayload::InnerMessage(inner) => each(inner),
                NetlinkPayload::Done(_) => return Ok(()),
                NetlinkPayload::Error(err) => {
                    return Err(err.to_io());
                }
                _ => {}
            }
            seen += 1;
            if seen > MAX_MESSAGES {
                return Err(broken("the interface dump did not end"));
            }
            // A zero length would loop forever, a longer one overrun: both are broken.
            rest = rest
                .get(length..)
                .filter(|_| length > 0)
                .ok_or_else(|| broken("a malformed interface dump (bad message length)"))?;
        }
    }
}

/// Every interface with an address, from the `if-addrs` crate (systems other than
/// Linux, which have no address labels). Links without addresses are not listed.
#[cfg(not(target_os = "linux"))]
pub(crate) fn read() -> io::Result<Vec<Interface>> {
    let mut interfaces: Vec<Interface> = Vec::new();
    for found in if_addrs::get_if_addrs()? {
        let address = InterfaceAddress {
            ip: found.ip(),
            label: None,
        };
        match interfaces.iter_mut().find(|i| i.name == found.name) {
            Some(interface) => interface.addresses.push(address),
            None => interfaces.push(Interface {
                index: found.index.unwrap_or(0),
                name: found.name,
                up: true,
                addresses: std::vec![address],
            }),
        }
    }
    Ok(interfaces)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn lo_is_listed_with_its_address_and_index() {
        let interfaces = read().unwrap();
        let lo = interfaces.iter().find(|i| i.name == "lo").unwrap();
        assert!(lo.up);
        assert!(
            lo.addresses
                .iter()
                .any(|a| a.ip == std::net::IpAddr::from([127, 0, 0, 1]) && a.label.is_none())
        );
        // The kernel's index, as SO_BINDTODEVICE and zones use it.
        let index = std::fs::read_to_string("/sys/class/net/lo/ifindex").unwrap();
        assert_eq!(std::format!("{}", lo.index), index.trim());
        assert!(interfaces.windows(2).all(|w| w[0].index < w[1].index));
    }
}
