//! The JSON documents of `explain` (schema in `JSON.md`).

use bind_guard::registry::RegistryEntry;
use serde::Serialize;

use crate::json::{ErrorJson, RouteLocalnetJson};

/// The JSON document of `explain` for an address (schema in the crate docs).
#[derive(Debug, Serialize)]
pub(super) struct ExplainJson<'a> {
    pub(super) input: &'a str,
    pub(super) valid: bool,
    pub(super) address: String,
    pub(super) ip: String,
    pub(super) port: Option<u16>,
    pub(super) family: &'static str,
    pub(super) scope: &'static str,
    pub(super) wildcard: bool,
    pub(super) loopback: bool,
    pub(super) local_network: bool,
    pub(super) ipv4_mapped: Option<String>,
    pub(super) registry: Option<RegistryJson>,
    pub(super) dual_stack: Option<DualStackJson>,
    pub(super) route_localnet: Option<RouteLocalnetJson>,
    pub(super) meaning: String,
    pub(super) notes: Vec<String>,
    pub(super) policies: PoliciesJson,
}

/// The JSON document of `explain` for input that is not an address.
#[derive(Debug, Serialize)]
pub(super) struct InvalidJson<'a> {
    pub(super) input: &'a str,
    pub(super) valid: bool,
    pub(super) error: ErrorJson,
}

#[derive(Debug, Serialize)]
pub(super) struct RegistryJson {
    pub(super) prefix: String,
    pub(super) name: &'static str,
    pub(super) rfc: &'static str,
    pub(super) globally_reachable: Option<bool>,
}

impl RegistryJson {
    pub(super) fn new(entry: &RegistryEntry) -> Self {
        RegistryJson {
            prefix: entry.prefix().to_string(),
            name: entry.name(),
            rfc: entry.rfc(),
            globally_reachable: entry.globally_reachable(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct DualStackJson {
    pub(super) bindv6only: Option<u8>,
    pub(super) also_ipv4: Option<bool>,
}

#[derive(Debug, Serialize)]
pub(super) struct VerdictJson {
    pub(super) allowed: bool,
    pub(super) error: Option<ErrorJson>,
}

#[derive(Debug, Serialize)]
pub(super) struct PoliciesJson {
    pub(super) loopback: VerdictJson,
    pub(super) local: VerdictJson,
    pub(super) default: VerdictJson,
    #[serde(rename = "default,allow_wildcard")]
    pub(super) default_allow_wildcard: VerdictJson,
}
