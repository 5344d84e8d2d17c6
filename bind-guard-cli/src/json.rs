//! JSON pieces shared by the commands (the schema is in the crate docs of `main.rs`).

use std::net::IpAddr;

use bind_guard::{BindError, Escaped};
use serde::Serialize;

/// The `"error"` object: a refusal or a parse error, in the library's words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorJson {
    kind: &'static str,
    refusal: bool,
    message: String,
    problem: &'static str,
    hint: &'static str,
}

impl ErrorJson {
    pub(crate) fn new(err: &BindError) -> Self {
        let kind = err.kind();
        ErrorJson {
            kind: kind.name(),
            refusal: kind.is_refusal(),
            message: err.to_string(),
            problem: kind.problem(),
            hint: kind.hint(),
        }
    }
}

/// `ipv4` or `ipv6`.
pub(crate) fn family(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(_) => "ipv4",
        IpAddr::V6(_) => "ipv6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bind_guard::ErrorKind;

    #[test]
    fn error_json_carries_the_library_text() {
        let err = "0.0.0.0:80".parse::<bind_guard::BindAddr>().unwrap_err();
        let json = serde_json::to_value(ErrorJson::new(&err)).unwrap();
        assert_eq!(json["kind"], "wildcard");
        assert_eq!(json["refusal"], true);
        assert_eq!(json["message"], err.to_string());
        assert_eq!(json["hint"], ErrorKind::Wildcard.hint());
    }
}

/// `net.ipv4.conf.*.route_localnet` of this host, for IPv4 loopback addresses.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RouteLocalnetJson {
    /// Whether 127.0.0.0/8 is reachable from some network (`all` or an interface);
    /// `null` when it could not be read.
    on: Option<bool>,
    /// `net.ipv4.conf.all.route_localnet`; `null` when it could not be read.
    all: Option<bool>,
    interfaces: Vec<String>,
    /// Why it could not be read; then `on` is `null`.
    error: Option<String>,
}

impl RouteLocalnetJson {
    /// Whether 127.0.0.0/8 is reachable from some network; `None` when unreadable.
    pub(crate) fn on(&self) -> Option<bool> {
        self.on
    }

    /// Off, as on a host without the setting: for tests of the report rules.
    #[cfg(test)]
    pub(crate) fn off() -> RouteLocalnetJson {
        RouteLocalnetJson {
            on: Some(false),
            all: Some(false),
            interfaces: Vec::new(),
            error: None,
        }
    }

    /// Reads this host's setting. An unreadable setting is reported as unknown
    /// (`on: null`), never as off.
    pub(crate) fn read() -> RouteLocalnetJson {
        match bind_guard::sysctl::route_localnet() {
            Ok(localnet) => RouteLocalnetJson {
                on: Some(localnet.is_on()),
                all: Some(localnet.all()),
                interfaces: localnet.interfaces().to_vec(),
                error: None,
            },
            Err(err) => RouteLocalnetJson {
                on: None,
                all: None,
                interfaces: Vec::new(),
                error: Some(err.to_string()),
            },
        }
    }

    /// The warning to print when it is on, or `None`; where it was not readable, a
    /// note saying so.
    pub(crate) fn warning(&self) -> Option<String> {
        if let Some(err) = &self.error {
            return Some(format!(
                "whether route_localnet lets other hosts reach 127.0.0.0/8 here could not \
                 be read ({}): on Linux check net.ipv4.conf.all.route_localnet",
                Escaped::new(err)
            ));
        }
        if self.on != Some(true) {
            return None;
        }
        let which = if self.all == Some(true) {
            "net.ipv4.conf.all.route_localnet=1".to_owned()
        } else {
            let names: Vec<String> = self
                .interfaces
                .iter()
                .map(|name| Escaped::new(name).to_string())
                .collect();
            format!(
                "net.ipv4.conf.IFACE.route_localnet=1 on {}",
                names.join(", ")
            )
        };
        Some(format!(
            "route_localnet is on ({which}): this host accepts packets for 127.0.0.0/8 from \
             the network, so a neighbour that routes 127.0.0.1 to it reaches servers bound \
             to IPv4 loopback (CVE-2020-8558; kube-proxy sets it on Kubernetes nodes). [::1] \
             is not affected. Turn it off, or firewall 127.0.0.0/8 on non-loopback \
             interfaces"
        ))
    }
}
