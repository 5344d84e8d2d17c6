//! `Policy::decide` with N CIDR entries, for N = 1, 100 and 10,000.
//!
//! Target: about the same cost whatever N (at most 2× from 1 to 10,000). The lists are
//! an ordered map of merged ranges, never scanned: a lookup is O(log n), which misses the
//! target from 100 entries on (see `net_set.rs` for why the map replaced the index).
//!
//! The lists are random but realistic: mostly IPv4, prefix lengths from /8 to /32 with
//! most between /16 and /28, some IPv6 prefixes in 2000::/3 from /32 to /128; every
//! other entry is a deny entry, the rest allow entries. The addresses looked up are a
//! third inside some entry (hits) and two thirds random IPv4 and IPv6 addresses, a few of
//! them IPv4-mapped (which are looked up twice).
//!
//! ```text
//! cargo bench -p bind-guard --bench policy                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench policy  # ratios only
//! ```

mod common;

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bind_guard::Policy;
use common::Rng;
use criterion::Criterion;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

const SIZES: [usize; 3] = [1, 100, 10_000];

fn random_net(rng: &mut Rng) -> IpNet {
    if rng.below(10) < 8 {
        // Prefix lengths as they come in real block lists: a few big blocks, many
        // /16–/28 networks, some single hosts.
        let len = match rng.below(20) {
            0 => 8 + rng.below(8),
            1..=14 => 16 + rng.below(13),
            _ => 29 + rng.below(4),
        } as u8;
        let ip = Ipv4Addr::from_bits(rng.next_u64() as u32);
        IpNet::V4(Ipv4Net::new(ip, len).unwrap().trunc())
    } else {
        let len = match rng.below(4) {
            0 => 128,
            _ => 32 + rng.below(33) as u8,
        };
        // Global unicast, 2000::/3.
        let bits = ((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) >> 3
            | 0x2000_0000_0000_0000_0000_0000_0000_0000;
        IpNet::V6(
            Ipv6Net::new(Ipv6Addr::from_bits(bits), len)
                .unwrap()
                .trunc(),
        )
    }
}

/// A random address inside `net`.
fn inside(rng: &mut Rng, net: IpNet) -> IpAddr {
    match net {
        IpNet::V4(n) => {
            let host = (rng.next_u64() as u32) & n.hostmask().to_bits();
            IpAddr::V4(Ipv4Addr::from_bits(n.network().to_bits() | host))
        }
        IpNet::V6(n) => {
            let r = (rng.next_u64() as u128) << 64 | rng.next_u64() as u128;
            IpAddr::V6(Ipv6Addr::from_bits(
                n.network().to_bits() | (r & n.hostmask().to_bits()),
            ))
        }
    }
}

fn random_ip(rng: &mut Rng) -> IpAddr {
    let v4 = Ipv4Addr::from_bits(rng.next_u64() as u32);
    match rng.below(10) {
        0..=5 => IpAddr::V4(v4),
        6 => IpAddr::V6(v4.to_ipv6_mapped()),
        _ => IpAddr::V6(Ipv6Addr::from_bits(
            (rng.next_u64() as u128) << 64 | rng.next_u64() as u128,
        )),
    }
}

struct Case {
    n: usize,
    policy: Policy,
    addrs: Vec<SocketAddr>,
}

fn case(n: usize, lookups: usize, seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    let nets: Vec<IpNet> = (0..n).map(|_| random_net(&mut rng)).collect();
    let deny = nets.iter().step_by(2).copied();
    let allow = nets.iter().skip(1).step_by(2).copied();
    let policy = Policy::loopback().deny_nets(deny).allow_nets(allow);
    let addrs = (0..lookups)
        .map(|i| {
            let ip = if i % 3 == 0 {
                let net = nets[rng.below(n as u64) as usize];
                inside(&mut rng, net)
            } else {
                random_ip(&mut rng)
            };
            SocketAddr::new(ip, 1024 + (i as u16))
        })
        .collect();
    Case { n, policy, addrs }
}

fn decide_all(c: &Case) {
    for &addr in &c.addrs {
        let _ = black_box(c.policy.decide(black_box(addr)));
    }
}

/// A baseline for scale: the same addresses through a policy without lists.
fn decide_no_lists(policy: &Policy, addrs: &[SocketAddr]) {
    for &addr in addrs {
        let _ = black_box(policy.decide(black_box(addr)));
    }
}

fn criterion_groups(c: &mut Criterion, lookups: usize) {
    let mut group = c.benchmark_group(format!("policy-decide/{lookups}-addresses"));
    group.throughput(criterion::Throughput::Elements(lookups as u64));
    for n in SIZES {
        let case = case(n, lookups, 7 + n as u64);
        group.bench_function(format!("N={n}"), |b| b.iter(|| decide_all(&case)));
    }
    group.finish();
}

fn ratio_table(lookups: usize) {
    let budget = common::budget();
    let cases: Vec<Case> = SIZES
        .iter()
        .map(|&n| case(n, lookups, 7 + n as u64))
        .collect();
    let one = &cases[0];
    let empty = Policy::loopback();
    let bare = common::alone(lookups, budget, || decide_no_lists(&empty, &one.addrs));
    println!();
    println!(
        "policy.decide, {lookups} different addresses per round (paired against N=1, median of pair ratios); without lists: {bare:.1} ns/decision"
    );
    println!("| N entries | ns/decision (N=1) | ns/decision (N) | N / N=1 | target |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for c in &cases {
        let p = common::paired(lookups, budget, || decide_all(one), || decide_all(c));
        println!(
            "| {} | {:.1} | {:.1} | {:.2}× | ≤ 2× {} |",
            c.n,
            p.base_ns,
            p.subject_ns,
            p.ratio,
            if p.ratio <= 2.0 { "met" } else { "MISSED" }
        );
    }
}

fn main() {
    // 64 addresses stay in the L1 cache, as a server checking its own few listen
    // addresses would; 4096 addresses spread over the whole structure and show the
    // cost of cache misses too.
    if !common::ratios_only() {
        let mut c = common::criterion();
        criterion_groups(&mut c, 64);
        criterion_groups(&mut c, 4096);
        c.final_summary();
    }
    ratio_table(64);
    ratio_table(4096);
}
