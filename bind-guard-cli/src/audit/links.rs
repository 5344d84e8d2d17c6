//! The devices of one network namespace and their addresses, by interface index, from
//! `rtnetlink` (`RTM_GETLINK`, `RTM_GETADDR`) read in that namespace.
//!
//! A socket restricted to a device (`SO_BINDTODEVICE`) is reported by `sock_diag` as an
//! interface index, which means something only in the socket's own namespace:
//! `/sys/class/net` is the namespace `/sys` was mounted in (the host's, under
//! `nsenter --net`), and another namespace's index 2 is an unrelated device. Addresses
//! are matched to devices by index too, so a labelled alias (`ip addr add … label
//! eth0:1`, listed by `getifaddrs` under `eth0:1`) counts as its device's address.

use std::collections::BTreeMap;
use std::net::IpAddr;

use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{LinkAttribute, LinkMessage};
use netlink_sys::protocols::NETLINK_ROUTE;

use super::netlink;

/// The devices of one namespace: names and addresses by interface index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Links {
    pub(crate) names: BTreeMap<u32, String>,
    pub(crate) addrs: BTreeMap<u32, Vec<IpAddr>>,
}

impl Links {
    /// The devices of the calling thread's network namespace.
    pub(crate) fn read() -> Result<Links, String> {
        let link = netlink::open(NETLINK_ROUTE, "rtnetlink")?;
        let mut links = Links::default();
        netlink::dump(
            &link,
            RouteNetlinkMessage::GetLink(LinkMessage::default()),
            |message| {
                if let RouteNetlinkMessage::NewLink(message) = message {
                    let name = message.attributes.iter().find_map(|a| match a {
                        LinkAttribute::IfName(name) => Some(name.clone()),
                        _ => None,
                    });
                    if let Some(name) = name {
                        links.names.insert(message.header.index, name);
                    }
                }
            },
        )
        .map_err(|err| format!("rtnetlink link dump failed: {err}"))?;
        netlink::dump(
            &link,
            RouteNetlinkMessage::GetAddress(AddressMessage::default()),
            |message| {
                if let RouteNetlinkMessage::NewAddress(message) = message {
                    // IFA_LOCAL is the local address; IFA_ADDRESS is the peer on a
                    // point-to-point link, and the local address elsewhere.
                    let local = message.attributes.iter().find_map(|a| match a {
                        AddressAttribute::Local(ip) => Some(*ip),
                        _ => None,
                    });
                    let address = message.attributes.iter().find_map(|a| match a {
                        AddressAttribute::Address(ip) => Some(*ip),
                        _ => None,
                    });
                    if let Some(ip) = local.or(address) {
                        links
                            .addrs
                            .entry(message.header.index)
                            .or_default()
                            .push(ip);
                    }
                }
            },
        )
        .map_err(|err| format!("rtnetlink address dump failed: {err}"))?;
        Ok(links)
    }

    /// The name of device `index`, or `ifN` for a device that is gone.
    pub(crate) fn name(&self, index: u32) -> String {
        self.names
            .get(&index)
            .cloned()
            .unwrap_or_else(|| format!("if{index}"))
    }

    /// The addresses of device `index` (labelled aliases included); `None` for a device
    /// that is gone (its socket can then be judged only as the wildcard it is).
    pub(crate) fn addrs(&self, index: u32) -> Option<Vec<IpAddr>> {
        if !self.names.contains_key(&index) {
            return None;
        }
        Some(self.addrs.get(&index).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_namespace_has_lo_with_its_loopback_address() {
        let links = Links::read().unwrap();
        let (&index, _) = links.names.iter().find(|(_, name)| *name == "lo").unwrap();
        assert!(
            links
                .addrs(index)
                .unwrap()
                .contains(&"127.0.0.1".parse().unwrap())
        );
        assert_eq!(links.name(u32::MAX), format!("if{}", u32::MAX));
        assert_eq!(links.addrs(u32::MAX), None);
    }
}
