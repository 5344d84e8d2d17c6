//! The host settings that change who can reach a socket, read from `/proc/sys`
//! (this network namespace's): `route_localnet`, `bindv6only`, `ip_forward`.

use std::collections::BTreeMap;

use serde::Serialize;

/// One sysctl, by its path under `/proc/sys` (`net/ipv4/ip_forward`): `Some(true)` for
/// a value other than 0, `None` when it cannot be read. The one place sysctls are read.
pub(crate) fn sysctl_flag(path: &str) -> Option<bool> {
    let text = std::fs::read_to_string(format!("/proc/sys/{path}")).ok()?;
    text.trim().parse::<u8>().ok().map(|value| value != 0)
}

/// The `host` section of `audit` (schema in the crate docs).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HostJson {
    pub(crate) route_localnet: RouteLocalnetJson,
    pub(crate) bindv6only: SettingJson,
    pub(crate) ip_forward: SettingJson,
}

/// A setting, its value and what the value means for exposure.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SettingJson {
    pub(crate) value: Option<bool>,
    pub(crate) meaning: &'static str,
}

/// `net.ipv4.conf.*.route_localnet`: the `all` switch, each interface's own, and where
/// it is in force (the kernel ORs `all` with the interface's setting).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RouteLocalnetJson {
    pub(crate) all: Option<bool>,
    pub(crate) interfaces: BTreeMap<String, bool>,
    pub(crate) enabled_on: Vec<String>,
    pub(crate) meaning: &'static str,
}

impl HostJson {
    /// Reads the settings of this host (network namespace).
    pub(crate) fn read() -> HostJson {
        let mut interfaces = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir("/proc/sys/net/ipv4/conf") {
            for entry in entries.flatten() {
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                if name == "all" || name == "default" {
                    continue;
                }
                if let Some(on) = sysctl_flag(&format!("net/ipv4/conf/{name}/route_localnet")) {
                    interfaces.insert(name, on);
                }
            }
        }
        HostJson::from_values(
            sysctl_flag("net/ipv4/conf/all/route_localnet"),
            interfaces,
            bind_guard::ipv6_v6only_default(),
            sysctl_flag("net/ipv4/ip_forward"),
        )
    }

    /// The section for given values (separate from reading, for tests).
    pub(crate) fn from_values(
        route_localnet_all: Option<bool>,
        route_localnet: BTreeMap<String, bool>,
        bindv6only: Option<bool>,
        ip_forward: Option<bool>,
    ) -> HostJson {
        let enabled_on: Vec<String> = route_localnet
            .iter()
            .filter(|(_, on)| **on || route_localnet_all == Some(true))
            .map(|(name, _)| name.clone())
            .collect();
        let localnet_meaning = if enabled_on.is_empty() {
            "packets from the network addressed to 127.0.0.0/8 are dropped, so an IPv4 \
             loopback listener is reachable from this host only"
        } else {
            "packets addressed to 127.0.0.0/8 may be routed in \
             from those networks (with a NAT rule such as Kubernetes' kube-proxy adds), so an \
             IPv4 loopback listener is not necessarily private; bind ::1 or check the NAT \
             rules"
        };
        HostJson {
            route_localnet: RouteLocalnetJson {
                all: route_localnet_all,
                interfaces: route_localnet,
                enabled_on,
                meaning: localnet_meaning,
            },
            bindv6only: SettingJson {
                value: bindv6only,
                meaning: match bindv6only {
                    Some(false) => {
                        "a [::] socket that does not set IPV6_V6ONLY also takes IPv4: it is \
                         the wildcard of both families"
                    }
                    Some(true) => {
                        "a [::] socket that does not clear IPV6_V6ONLY takes IPv6 only; \
                         IPv4 needs its own socket"
                    }
                    None => "not readable: unknown",
                },
            },
            ip_forward: SettingJson {
                value: ip_forward,
                meaning: match ip_forward {
                    Some(true) => {
                        "this host routes IPv4 between its networks, so an address of one \
                         interface can be reached from the networks of the others (weak host \
                         model), as can containers' published ports"
                    }
                    Some(false) => {
                        "this host does not route IPv4 between its networks (its own \
                         addresses still answer on any interface they arrive on)"
                    }
                    None => "not readable: unknown",
                },
            },
        }
    }

    /// The text lines of the section.
    pub(crate) fn text(&self) -> String {
        let flag = |value: Option<bool>| match value {
            Some(true) => "1",
            Some(false) => "0",
            None => "?",
        };
        let localnet = if self.route_localnet.enabled_on.is_empty() {
            flag(self.route_localnet.all).to_owned()
        } else {
            format!(
                "{} (in force on {})",
                flag(self.route_localnet.all),
                self.route_localnet
                    .enabled_on
                    .iter()
                    .map(|name| bind_guard::Escaped::new(name).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "host:\n  route_localnet {localnet}: {}\n  bindv6only {}: {}\n  ip_forward {}: {}\n",
            self.route_localnet.meaning,
            flag(self.bindv6only.value),
            self.bindv6only.meaning,
            flag(self.ip_forward.value),
            self.ip_forward.meaning
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_localnet_is_in_force_where_all_or_the_interface_says() {
        let mut interfaces = BTreeMap::new();
        interfaces.insert("eth0".to_owned(), false);
        interfaces.insert("cni0".to_owned(), true);
        let host = HostJson::from_values(Some(false), interfaces.clone(), Some(false), Some(true));
        assert_eq!(host.route_localnet.enabled_on, ["cni0"]);
        assert!(
            host.route_localnet
                .meaning
                .contains("not necessarily private")
        );
        let all = HostJson::from_values(Some(true), interfaces.clone(), None, None);
        assert_eq!(all.route_localnet.enabled_on, ["cni0", "eth0"]);
        let off = HostJson::from_values(Some(false), BTreeMap::new(), Some(true), Some(false));
        assert!(off.route_localnet.meaning.contains("dropped"));
        let text = host.text();
        assert!(
            text.contains("route_localnet 0 (in force on cni0)"),
            "{text}"
        );
        assert!(text.contains("bindv6only 0: a [::] socket"), "{text}");
        assert!(text.contains("ip_forward 1: this host routes"), "{text}");
    }

    #[test]
    fn the_sysctls_of_this_host_are_read() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let forward = std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap();
        assert_eq!(
            sysctl_flag("net/ipv4/ip_forward"),
            Some(forward.trim() != "0")
        );
        assert_eq!(sysctl_flag("net/no/such/setting"), None);
        let host = HostJson::read();
        assert_eq!(host.bindv6only.value, bind_guard::ipv6_v6only_default());
    }
}
