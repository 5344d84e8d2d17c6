//! The IANA special-purpose address registries, as data.
//!
//! The two registries (RFC 6890 and updates) are embedded from `data/*.tsv`: IANA's
//! published CSV files with footnote markers removed and multi-block entries split into
//! one row per block (`data/README.md` lists every change; `scripts/refresh-iana.sh`
//! rebuilds the files from a new download). [`Scope::of`](crate::Scope::of) does not
//! read them at run time: it is a compiled `match`, and `tests/registry.rs` checks it
//! against every row here. This module is for explaining a scope: which registry entry
//! and RFC stand behind an address (`bind-guard explain`).

use core::net::IpAddr;

use ipnet::IpNet;

const IPV4: &str = include_str!("../../data/iana-ipv4-special.tsv");
const IPV6: &str = include_str!("../../data/iana-ipv6-special.tsv");

/// One row of a special-purpose address registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegistryEntry {
    prefix: IpNet,
    name: &'static str,
    rfc: &'static str,
    globally_reachable: Option<bool>,
}

impl RegistryEntry {
    /// The address block, such as `127.0.0.0/8`.
    #[must_use]
    pub fn prefix(&self) -> IpNet {
        self.prefix
    }

    /// The registry's name for the block, such as `Loopback` (quotes removed).
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The defining documents, as the registry writes them (`[RFC1122], Section 3.2.1.3`).
    #[must_use]
    pub fn rfc(&self) -> &'static str {
        self.rfc
    }

    /// The registry's *globally reachable* flag: `Some(true)` or `Some(false)`, `None`
    /// where it says N/A or nothing (terminated entries).
    #[must_use]
    pub fn globally_reachable(&self) -> Option<bool> {
        self.globally_reachable
    }
}

/// Every registry row, IPv4 first, in the registry's order. Rows that cannot be read
/// (there are none in the shipped data; `tests/registry.rs` checks) are skipped.
pub fn entries() -> impl Iterator<Item = RegistryEntry> {
    rows(IPV4).chain(rows(IPV6))
}

/// The most specific registry entry that contains `ip`. An IPv4-mapped address is looked
/// up as the IPv4 address it carries, as [`Scope::of`](crate::Scope::of) does.
///
/// ```
/// use bind_guard::registry;
///
/// let entry = registry::entry_for("192.0.0.9".parse().unwrap()).unwrap();
/// assert_eq!(entry.prefix().to_string(), "192.0.0.9/32"); // not the /24 around it
/// assert!(registry::entry_for("8.8.8.8".parse().unwrap()).is_none());
/// ```
#[must_use]
pub fn entry_for(ip: IpAddr) -> Option<RegistryEntry> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    entries()
        .filter(|entry| entry.prefix.contains(&ip))
        .max_by_key(|entry| entry.prefix.prefix_len())
}

fn rows(table: &'static str) -> impl Iterator<Item = RegistryEntry> {
    table.lines().skip(1).filter_map(row)
}

fn row(line: &'static str) -> Option<RegistryEntry> {
    let mut cells = line.split('\t');
    let prefix = crate::text::net_literal::parse(cells.next()?.as_bytes()).ok()?;
    let name = cells.next()?.trim_matches('"');
    let rfc = cells.next()?;
    let globally_reachable = match cells.nth(3) {
        Some("True") => Some(true),
        Some("False") => Some(false),
        _ => None,
    };
    Some(RegistryEntry {
        prefix,
        name,
        rfc,
        globally_reachable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_read() {
        let data_rows = IPV4.lines().count() + IPV6.lines().count() - 2;
        assert_eq!(entries().count(), data_rows);
    }

    #[test]
    fn most_specific_entry_wins() {
        let entry = entry_for("0.0.0.0".parse().unwrap()).unwrap();
        assert_eq!(entry.name(), "This host on this network");
        let entry = entry_for("::ffff:127.0.0.1".parse().unwrap()).unwrap();
        assert_eq!(entry.name(), "Loopback");
        assert_eq!(entry.globally_reachable(), Some(false));
        let entry = entry_for("2001::1".parse().unwrap()).unwrap();
        assert_eq!(entry.name(), "TEREDO");
        assert_eq!(entry.globally_reachable(), None);
    }
}
