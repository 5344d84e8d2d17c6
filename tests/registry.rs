//! `Scope::of` against the IANA special-purpose registries, row by row.
//!
//! This test reads `bind-guard/data/*.tsv` (IANA's data, unchanged) and derives the
//! expected scope of an address from the rules of the scope module's documentation with a
//! deliberately naive implementation: a linear scan for the most specific block. Then it
//! checks the compiled `match` in `Scope::of` against it on the first, last and middle
//! address of every row, and on a deterministic sample of addresses in and around every
//! block. When IANA updates the registry and the files are replaced, any scope that
//! changes fails here until `Scope::of` is updated.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bind_guard::Scope;
use ipnet::IpNet;

struct Row {
    net: IpNet,
    name: String,
    globally_reachable: Option<bool>,
}

fn load(file: &str) -> Vec<Row> {
    let path = format!("{}/../bind-guard/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "prefix\tname\tRFC\tsource\tdestination\tforwardable\tglobally_reachable"
    );
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 7, "{line:?}");
            Row {
                net: cells[0].parse().unwrap_or_else(|e| panic!("{line:?}: {e}")),
                name: cells[1].trim_matches('"').to_owned(),
                globally_reachable: match cells[6] {
                    "True" => Some(true),
                    "False" => Some(false),
                    _ => None,
                },
            }
        })
        .collect()
}

fn rows() -> Vec<Row> {
    let mut rows = load("iana-ipv4-special.tsv");
    rows.extend(load("iana-ipv6-special.tsv"));
    rows
}

/// Rule 3: what a registry entry means.
fn scope_of_entry(row: &Row) -> Scope {
    match row.name.as_str() {
        "Loopback" | "Loopback Address" => Scope::Loopback,
        "Link Local" | "Link-Local Unicast" => Scope::LinkLocal,
        "Private-Use" => Scope::Private,
        "Shared Address Space" => Scope::Shared,
        "Unique-Local" => Scope::UniqueLocal,
        "Benchmarking" => Scope::Benchmarking,
        "Limited Broadcast" => Scope::Broadcast,
        name if name.starts_with("Documentation") => Scope::Documentation,
        _ if row.globally_reachable == Some(true) => Scope::Global,
        _ => Scope::Reserved,
    }
}

/// The scope rules, naively.
fn expected(rows: &[Row], ip: IpAddr) -> Scope {
    // Rule 1: IPv4-mapped addresses are their IPv4 address.
    if let IpAddr::V6(v6) = ip
        && let Some(v4) = v6.to_ipv4_mapped()
    {
        return expected(rows, IpAddr::V4(v4));
    }
    // Rule 2.
    if ip.is_unspecified() {
        return Scope::Unspecified;
    }
    // Rule 3: the most specific containing entry.
    if let Some(row) = rows
        .iter()
        .filter(|row| row.net.contains(&ip))
        .max_by_key(|row| row.net.prefix_len())
    {
        return scope_of_entry(row);
    }
    // Rule 4.
    match ip {
        IpAddr::V4(v4) if v4.is_multicast() => Scope::Multicast,
        IpAddr::V4(_) => Scope::Global,
        IpAddr::V6(v6) if v6.segments()[0] >> 8 == 0xff => Scope::Multicast,
        IpAddr::V6(v6) if v6.segments()[0] >> 13 == 0b001 => Scope::Global,
        IpAddr::V6(_) => Scope::Reserved,
    }
}

fn first_middle_last(net: IpNet) -> [IpAddr; 3] {
    match net {
        IpNet::V4(n) => {
            let (a, b) = (n.network().to_bits(), n.broadcast().to_bits());
            [a, a + (b - a) / 2, b].map(|x| IpAddr::V4(Ipv4Addr::from_bits(x)))
        }
        IpNet::V6(n) => {
            let (a, b) = (n.network().to_bits(), n.broadcast().to_bits());
            [a, a + (b - a) / 2, b].map(|x| IpAddr::V6(Ipv6Addr::from_bits(x)))
        }
    }
}

#[test]
fn every_registry_row_agrees_with_scope_of() {
    let rows = rows();
    assert_eq!(
        rows.len(),
        26 + 25,
        "the registry files changed size: review them"
    );
    let mut checked = 0;
    for row in &rows {
        for ip in first_middle_last(row.net) {
            assert_eq!(
                Scope::of(ip),
                expected(&rows, ip),
                "{ip} in {} ({})",
                row.net,
                row.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, rows.len() * 3);
}

#[test]
fn addresses_around_every_block_agree_too() {
    let rows = rows();
    // Just outside each block, and a deterministic spread of addresses inside it.
    let mut state: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
    let mut next = || {
        state = state
            .wrapping_mul(0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645)
            .wrapping_add(0x5851_F42D_4C95_7F2D_1405_7B7E_F767_814F);
        state
    };
    let mut checked = 0;
    for row in &rows {
        let [first, _, last] = first_middle_last(row.net);
        let mut probes = Vec::new();
        match (first, last, row.net) {
            (IpAddr::V4(a), IpAddr::V4(b), IpNet::V4(n)) => {
                probes.extend(a.to_bits().checked_sub(1).map(|x| IpAddr::V4(x.into())));
                probes.extend(b.to_bits().checked_add(1).map(|x| IpAddr::V4(x.into())));
                let host_bits = 32 - u32::from(n.prefix_len());
                for _ in 0..200 {
                    let offset = if host_bits == 0 {
                        0
                    } else {
                        (next() as u32) >> (32 - host_bits)
                    };
                    probes.push(IpAddr::V4((a.to_bits() + offset).into()));
                }
            }
            (IpAddr::V6(a), IpAddr::V6(b), IpNet::V6(n)) => {
                probes.extend(a.to_bits().checked_sub(1).map(|x| IpAddr::V6(x.into())));
                probes.extend(b.to_bits().checked_add(1).map(|x| IpAddr::V6(x.into())));
                let host_bits = 128 - u32::from(n.prefix_len());
                for _ in 0..200 {
                    let offset = if host_bits == 0 {
                        0
                    } else {
                        next() >> (128 - host_bits)
                    };
                    probes.push(IpAddr::V6((a.to_bits() + offset).into()));
                }
            }
            _ => unreachable!(),
        }
        for ip in probes {
            assert_eq!(Scope::of(ip), expected(&rows, ip), "{ip} near {}", row.net);
            checked += 1;
        }
    }
    // And a spread over the whole space of both families, mapped addresses included.
    for _ in 0..100_000 {
        let x = next();
        for ip in [
            IpAddr::V4(Ipv4Addr::from_bits(x as u32)),
            IpAddr::V6(Ipv6Addr::from_bits(x)),
            IpAddr::V6(Ipv4Addr::from_bits((x >> 64) as u32).to_ipv6_mapped()),
        ] {
            assert_eq!(Scope::of(ip), expected(&rows, ip), "{ip}");
            checked += 1;
        }
    }
    assert!(checked > 300_000);
}

#[test]
fn the_embedded_registry_is_the_data_files() {
    // `bind_guard::registry` embeds the same files; it must see the same rows.
    let rows = rows();
    let embedded: Vec<_> = bind_guard::registry::entries().collect();
    assert_eq!(embedded.len(), rows.len());
    for (row, entry) in rows.iter().zip(&embedded) {
        assert_eq!(entry.prefix(), row.net);
        assert_eq!(entry.name(), row.name);
        assert_eq!(entry.globally_reachable(), row.globally_reachable);
    }
}
