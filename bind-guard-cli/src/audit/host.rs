//! The host settings that change who can reach a socket, as `audit`'s `host` section:
//! `route_localnet`, `bindv6only`, `ip_forward`. They are read by the library's
//! `bind_guard::sysctl` (the one place sysctls are read), in this network namespace.

use serde::Serialize;

use crate::json::RouteLocalnetJson;

/// The `host` section of `audit` (schema in `JSON.md`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HostJson {
    pub(crate) route_localnet: RouteLocalnetSetting,
    pub(crate) bindv6only: SettingJson,
    pub(crate) ip_forward: SettingJson,
}

/// `route_localnet` as `explain` reports it, with what it means for exposure.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RouteLocalnetSetting {
    #[serde(flatten)]
    pub(crate) setting: RouteLocalnetJson,
    pub(crate) meaning: &'static str,
}

/// A switch, its value (`null` when unreadable) and what the value means for exposure.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SettingJson {
    pub(crate) value: Option<bool>,
    pub(crate) meaning: &'static str,
}

const UNKNOWN: &str = "could not be read: unknown";

impl HostJson {
    /// This host's settings (`route_localnet` as read for the rest of the report).
    pub(crate) fn read(route_localnet: RouteLocalnetJson) -> HostJson {
        HostJson::from_values(
            route_localnet,
            bind_guard::sysctl::ipv6_v6only_default(),
            bind_guard::sysctl::ip_forward(),
        )
    }

    /// The section for given values (separate from reading, for tests).
    pub(crate) fn from_values(
        route_localnet: RouteLocalnetJson,
        bindv6only: Option<bool>,
        ip_forward: Option<bool>,
    ) -> HostJson {
        let localnet_meaning = match route_localnet.on() {
            Some(true) => {
                "packets from the network addressed to 127.0.0.0/8 are accepted on the \
                 interfaces listed, so a server bound to IPv4 loopback is not private to this \
                 host there; [::1] is not affected"
            }
            Some(false) => {
                "packets from the network addressed to 127.0.0.0/8 are dropped: a server bound \
                 to IPv4 loopback is reachable from this host only"
            }
            None => UNKNOWN,
        };
        HostJson {
            route_localnet: RouteLocalnetSetting {
                setting: route_localnet,
                meaning: localnet_meaning,
            },
            bindv6only: SettingJson {
                value: bindv6only,
                meaning: match bindv6only {
                    Some(false) => {
                        "a [::] socket that does not set IPV6_V6ONLY also takes IPv4: it is the \
                         wildcard of both families"
                    }
                    Some(true) => {
                        "a [::] socket that does not clear IPV6_V6ONLY takes IPv6 only; IPv4 \
                         needs its own socket"
                    }
                    None => UNKNOWN,
                },
            },
            ip_forward: SettingJson {
                value: ip_forward,
                meaning: match ip_forward {
                    Some(true) => {
                        "this host routes IPv4 between its networks: an address of one \
                         interface can be reached from the networks of the others, as can \
                         containers' published ports"
                    }
                    Some(false) => {
                        "this host does not route IPv4 between its networks (its own addresses \
                         still answer on any interface a packet for them arrives on)"
                    }
                    None => UNKNOWN,
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
        format!(
            "host:\n  route_localnet {}: {}\n  bindv6only {}: {}\n  ip_forward {}: {}\n",
            flag(self.route_localnet.setting.on()),
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
    fn each_setting_says_what_it_means() {
        let host = HostJson::from_values(RouteLocalnetJson::off(), Some(false), Some(true));
        let text = host.text();
        assert!(
            text.contains("route_localnet 0: packets from the network"),
            "{text}"
        );
        assert!(
            text.contains("bindv6only 0: a [::] socket that does not set"),
            "{text}"
        );
        assert!(text.contains("ip_forward 1: this host routes"), "{text}");
        let json = serde_json::to_value(&host).unwrap();
        assert_eq!(json["route_localnet"]["on"], false);
        assert!(json["route_localnet"]["meaning"].is_string());
        assert_eq!(json["bindv6only"]["value"], false);
        let unknown = HostJson::from_values(RouteLocalnetJson::off(), None, None);
        assert_eq!(unknown.ip_forward.meaning, UNKNOWN);
    }

    #[test]
    fn the_settings_of_this_host_are_read() {
        let host = HostJson::read(RouteLocalnetJson::read());
        assert_eq!(
            host.bindv6only.value,
            bind_guard::sysctl::ipv6_v6only_default()
        );
        if cfg!(target_os = "linux") {
            let forward = std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap();
            assert_eq!(host.ip_forward.value, Some(forward.trim() == "1"));
        }
    }
}
