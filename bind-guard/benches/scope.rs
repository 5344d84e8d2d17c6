//! `Scope::of` for several kinds of address, against `std`'s `is_loopback`/`is_private`
//! style predicates, and against a scan of the IANA registry entries.
//!
//! Target: a few nanoseconds, the same for every kind of address. `Scope::of` is a
//! `match` on integer ranges (compiled to comparisons, not a walk over the registry), so
//! its cost does not grow with the number of registry entries; the scan is there to show
//! what it would cost if it did.
//!
//! ```text
//! cargo bench -p bind-guard --bench scope                          # Criterion + table
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench scope  # table only
//! ```

mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use bind_guard::Scope;
use bind_guard::registry::{self, RegistryEntry};
use criterion::Criterion;

const KINDS: &[(&str, &[&str])] = &[
    (
        "v4 loopback",
        &["127.0.0.1", "127.0.0.2", "127.255.255.254", "127.1.2.3"],
    ),
    (
        "v4 private",
        &["10.0.0.5", "172.16.1.1", "192.168.1.10", "172.31.255.1"],
    ),
    (
        "v4 global",
        &["8.8.8.8", "1.1.1.1", "151.101.1.69", "93.184.216.34"],
    ),
    (
        "v4 special",
        &["192.0.2.7", "198.18.0.1", "224.0.0.251", "255.255.255.255"],
    ),
    ("v6 loopback", &["::1", "::1", "::1", "::1"]),
    (
        "v6 global",
        &[
            "2606:4700::1111",
            "2a00:1450::200e",
            "2001:4860::8888",
            "2620:fe::fe",
        ],
    ),
    (
        "v6 special",
        &["fd00::1", "fe80::1", "2001:db8::1", "ff02::1"],
    ),
    (
        "v4-mapped",
        &[
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:8.8.8.8",
            "::ffff:192.0.2.1",
        ],
    ),
];

/// The closest a `std`-only program gets: stable `std` predicates in a chain.
fn std_classify(ip: IpAddr) -> u8 {
    fn v4(a: Ipv4Addr) -> u8 {
        if a.is_unspecified() {
            0
        } else if a.is_loopback() {
            1
        } else if a.is_private() {
            2
        } else if a.is_link_local() {
            3
        } else if a.is_documentation() {
            4
        } else if a.is_multicast() {
            5
        } else if a.is_broadcast() {
            6
        } else {
            7
        }
    }
    match ip {
        IpAddr::V4(a) => v4(a),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(m) => v4(m),
            None if a.is_unspecified() => 0,
            None if a.is_loopback() => 1,
            None if a.is_unique_local() => 2,
            None if a.is_unicast_link_local() => 3,
            None if a.is_multicast() => 5,
            None => 7,
        },
    }
}

/// What `Scope::of` would cost as a walk over the registry: the most specific of the
/// entries that contain the address (prefixes parsed once, beforehand).
fn registry_scan(entries: &[RegistryEntry], ip: IpAddr) -> Option<u8> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    entries
        .iter()
        .filter(|e| e.prefix().contains(&ip))
        .map(|e| e.prefix().prefix_len())
        .max()
}

fn ips(inputs: &[&str]) -> Vec<IpAddr> {
    inputs.iter().map(|s| s.parse().unwrap()).collect()
}

fn criterion_groups(c: &mut Criterion, entries: &[RegistryEntry]) {
    for &(kind, inputs) in KINDS {
        let ips = ips(inputs);
        let mut group = c.benchmark_group(format!("scope/{kind}"));
        group.throughput(criterion::Throughput::Elements(ips.len() as u64));
        group.bench_function("Scope::of", |b| {
            b.iter(|| {
                for &ip in &ips {
                    black_box(Scope::of(black_box(ip)));
                }
            });
        });
        group.bench_function("std predicates", |b| {
            b.iter(|| {
                for &ip in &ips {
                    black_box(std_classify(black_box(ip)));
                }
            });
        });
        group.bench_function("registry scan", |b| {
            b.iter(|| {
                for &ip in &ips {
                    black_box(registry_scan(entries, black_box(ip)));
                }
            });
        });
        group.finish();
    }
}

fn table(entries: &[RegistryEntry]) {
    let budget = common::budget();
    println!();
    println!(
        "Scope::of, ns per address (paired against std predicates, median of pair ratios); registry: {} entries",
        entries.len()
    );
    println!("| kind | Scope::of ns | std predicates ns | Scope::of / std | registry scan ns |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for &(kind, inputs) in KINDS {
        let ips = ips(inputs);
        let p = common::paired(
            ips.len(),
            budget,
            || {
                for &ip in &ips {
                    black_box(std_classify(black_box(ip)));
                }
            },
            || {
                for &ip in &ips {
                    black_box(Scope::of(black_box(ip)));
                }
            },
        );
        let scan = common::alone(ips.len(), budget / 4, || {
            for &ip in &ips {
                black_box(registry_scan(entries, black_box(ip)));
            }
        });
        println!(
            "| {kind} | {:.2} | {:.2} | {:.2}× | {scan:.1} |",
            p.subject_ns, p.base_ns, p.ratio
        );
    }
}

fn main() {
    let entries: Vec<RegistryEntry> = registry::entries().collect();
    if !common::ratios_only() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &entries);
        c.final_summary();
    }
    table(&entries);
}
