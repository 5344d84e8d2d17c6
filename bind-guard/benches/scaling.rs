//! Cost against input size: building a policy from its text form, from `allow_net`
//! called once per network, and a `BindSet` from a long list. Each is measured at 2,000
//! and 20,000 entries; the target is a cost that grows with the input (about 10× for 10×
//! the entries, O(n log n)), never with its square (100×).
//!
//! The ratio table counts the CPU time of the measuring thread (Linux's
//! `/proc/thread-self/schedstat`), not wall time: a call of 10 ms on a machine shared
//! with other builds is often preempted, and wall time then says more about the load
//! than about the code. Rounds alternate the two sizes; the table shows the medians.
//!
//! ```text
//! cargo bench -p bind-guard --bench scaling                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench scaling  # ratios only
//! ```

mod common;

use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};

use bind_guard::{BindSet, Policy};
use common::Rng;
use criterion::Criterion;
use ipnet::{IpNet, Ipv4Net};

const SMALL: usize = 2_000;
const LARGE: usize = 20_000;

/// `n` random IPv4 networks from /16 to /32, in random order.
fn nets(n: usize, seed: u64) -> Vec<IpNet> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let len = 16 + rng.below(17) as u8;
            let ip = Ipv4Addr::from_bits(rng.next_u64() as u32);
            IpNet::V4(Ipv4Net::new(ip, len).unwrap().trunc())
        })
        .collect()
}

/// `local,allow=…,allow=…` with `n` networks.
fn policy_text(n: usize) -> String {
    let mut text = String::from("local");
    for net in nets(n, 11) {
        text.push_str(",allow=");
        text.push_str(&net.to_string());
    }
    text
}

/// `n` different socket addresses, IPv4 and IPv6, comma-separated.
fn bind_list(n: usize) -> String {
    let mut rng = Rng::new(13);
    let items: Vec<String> = (0..n)
        .map(|i| {
            let port = 1024 + (i % 60_000) as u16;
            if i % 2 == 0 {
                format!("{}:{port}", Ipv4Addr::from_bits(rng.next_u64() as u32))
            } else {
                let bits = (rng.next_u64() as u128) << 64 | rng.next_u64() as u128;
                format!("[{}]:{port}", Ipv6Addr::from_bits(bits | 1 << 125))
            }
        })
        .collect();
    items.join(",")
}

fn parse_text(text: &str) {
    black_box(text.parse::<Policy>().unwrap());
}

fn one_by_one(nets: &[IpNet]) {
    let mut policy = Policy::local();
    for &net in nets {
        policy = policy.allow_net(net);
    }
    black_box(policy);
}

fn bind_set(list: &str) {
    black_box(BindSet::parse(&Policy::default(), list).unwrap());
}

struct Inputs {
    text: [String; 2],
    nets: [Vec<IpNet>; 2],
    list: [String; 2],
}

fn inputs() -> Inputs {
    Inputs {
        text: [policy_text(SMALL), policy_text(LARGE)],
        nets: [nets(SMALL, 17), nets(LARGE, 17)],
        list: [bind_list(SMALL), bind_list(LARGE)],
    }
}

fn criterion_groups(c: &mut Criterion, inputs: &Inputs) {
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    for (i, n) in [SMALL, LARGE].into_iter().enumerate() {
        group.bench_function(format!("policy-text/N={n}"), |b| {
            b.iter(|| parse_text(&inputs.text[i]))
        });
        group.bench_function(format!("allow_net-one-by-one/N={n}"), |b| {
            b.iter(|| one_by_one(&inputs.nets[i]))
        });
        group.bench_function(format!("bind-set/N={n}"), |b| {
            b.iter(|| bind_set(&inputs.list[i]))
        });
    }
    group.finish();
}

/// CPU time this thread has run, in nanoseconds (Linux), if it can be read.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Median CPU time of one call of `small` and of `large`, and the median of the
/// per-round ratios, over alternating rounds for about `budget` of wall time.
fn cpu_paired(budget: std::time::Duration, small: impl Fn(), large: impl Fn()) -> common::Paired {
    let cpu = |f: &dyn Fn()| -> f64 {
        let start = thread_cpu_ns().unwrap_or(0);
        f();
        thread_cpu_ns().unwrap_or(0).saturating_sub(start) as f64
    };
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    let start = std::time::Instant::now();
    while (start.elapsed() < budget || r.len() < 5) && r.len() < 1000 {
        // Ten small calls per round, so both sides run for a similar time.
        let x = cpu(&|| (0..10).for_each(|_| small())) / 10.0;
        let y = cpu(&large);
        a.push(x);
        b.push(y);
        r.push(y / x);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    common::Paired {
        base_ns: median(&mut a),
        subject_ns: median(&mut b),
        ratio: median(&mut r),
    }
}

fn ratio_table(inputs: &Inputs) {
    if thread_cpu_ns().is_none() {
        println!("no /proc/thread-self/schedstat: the CPU-time ratio table needs Linux");
        return;
    }
    let budget = common::budget() * 3;
    println!();
    println!(
        "CPU time of {LARGE} entries against {SMALL} (median of alternating rounds; 10× is linear, 11.3× is n log n, 100× quadratic)"
    );
    println!("| input | ms ({SMALL}) | ms ({LARGE}) | ratio | target |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let row = |name: &str, p: common::Paired| {
        println!(
            "| {name} | {:.2} | {:.2} | {:.1}× | ≤ 15× {} |",
            p.base_ns / 1e6,
            p.subject_ns / 1e6,
            p.ratio,
            if p.ratio <= 15.0 { "met" } else { "MISSED" }
        );
    };
    let [text_s, text_l] = &inputs.text;
    row(
        "policy text form",
        cpu_paired(budget, || parse_text(text_s), || parse_text(text_l)),
    );
    let [nets_s, nets_l] = &inputs.nets;
    row(
        "allow_net, one call per network",
        cpu_paired(budget, || one_by_one(nets_s), || one_by_one(nets_l)),
    );
    let [list_s, list_l] = &inputs.list;
    row(
        "BindSet::parse",
        cpu_paired(budget, || bind_set(list_s), || bind_set(list_l)),
    );
}

fn main() {
    let inputs = inputs();
    if !common::ratios_only() {
        let mut c = common::criterion();
        criterion_groups(&mut c, &inputs);
        c.final_summary();
    }
    ratio_table(&inputs);
}
