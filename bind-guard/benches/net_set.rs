//! Which lookup structure a policy's network lists should use, at realistic sizes (1 to
//! 1,000 networks): the 2^16-bucket index the crate had, a sorted `Vec` searched with
//! `partition_point`, and the ordered map (`BTreeMap`) the crate uses now, which also
//! takes one network at a time in O(log n).
//!
//! All three hold the same merged ranges (IPv4 as IPv4-mapped, on one `u128` line) and
//! answer the same 4,096 lookups, a third of them inside some network. The table gives
//! nanoseconds per lookup and each structure's ratio to the sorted `Vec`.
//!
//! ```text
//! cargo bench -p bind-guard --bench net_set                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench net_set  # ratios only
//! ```

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;

use common::Rng;
use criterion::Criterion;

const SIZES: [usize; 4] = [1, 10, 100, 1_000];
const LOOKUPS: usize = 4096;

/// Random networks as the policy bench draws them (mostly IPv4 /16–/28, some IPv6),
/// as merged inclusive ranges, sorted.
fn ranges(n: usize, seed: u64) -> Vec<(u128, u128)> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<(u128, u128)> = (0..n)
        .map(|_| {
            if rng.below(10) < 8 {
                let len = 16 + rng.below(13) as u32;
                let ip = (rng.next_u64() as u32) & (u32::MAX << (32 - len));
                let first = 0xFFFF_0000_0000 | u128::from(ip);
                (first, first | u128::from(u32::MAX >> len))
            } else {
                let len = 32 + rng.below(33) as u32;
                let bits =
                    ((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) >> 3 | 1 << 125;
                let first = bits & (u128::MAX << (128 - len));
                (first, first | u128::MAX >> len)
            }
        })
        .collect();
    out.sort_unstable();
    let mut merged: Vec<(u128, u128)> = Vec::new();
    for (a, b) in out {
        match merged.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn lookups(ranges: &[(u128, u128)], seed: u64) -> Vec<u128> {
    let mut rng = Rng::new(seed);
    (0..LOOKUPS)
        .map(|i| {
            if i % 3 == 0 {
                let (a, b) = ranges[rng.below(ranges.len() as u64) as usize];
                let r = (rng.next_u64() as u128) << 64 | rng.next_u64() as u128;
                a + r % (b - a).saturating_add(1).max(1)
            } else if i % 3 == 1 {
                0xFFFF_0000_0000 | u128::from(rng.next_u64() as u32)
            } else {
                (rng.next_u64() as u128) << 64 | rng.next_u64() as u128
            }
        })
        .collect()
}

/// The sorted `Vec`: the range before the first one that starts after `x`.
fn vec_contains(ranges: &[(u128, u128)], x: u128) -> bool {
    let after = ranges.partition_point(|&(start, _)| start <= x);
    after
        .checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|&(_, end)| x <= end)
}

fn map_contains(map: &BTreeMap<u128, u128>, x: u128) -> bool {
    map.range(..=x)
        .next_back()
        .is_some_and(|(_, &end)| x <= end)
}

/// The bucket index the crate had: after the leading bits all ranges share, up to 16
/// bits pick a bucket, and `first[b]` is the first range that ends in bucket `b` or later.
struct Buckets {
    list: Vec<(u128, u128)>,
    skip: u32,
    bits: u32,
    first: Vec<u32>,
}

fn bucket(x: u128, skip: u32, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    ((x << skip) >> (128 - bits)) as usize
}

impl Buckets {
    fn build(list: Vec<(u128, u128)>) -> Self {
        let (low, high) = (list[0].0, list[list.len() - 1].1);
        let skip = (low ^ high).leading_zeros();
        let wanted = usize::BITS - (list.len() * 2 - 1).leading_zeros();
        let bits = wanted.min(16).min(128 - skip);
        let mut first = Vec::with_capacity((1 << bits) + 1);
        let mut i = 0;
        for b in 0..=(1usize << bits) {
            while list
                .get(i)
                .is_some_and(|&(_, end)| bucket(end, skip, bits) < b)
            {
                i += 1;
            }
            first.push(i as u32);
        }
        Buckets {
            list,
            skip,
            bits,
            first,
        }
    }

    fn contains(&self, x: u128) -> bool {
        let (low, high) = (self.list[0].0, self.list[self.list.len() - 1].1);
        if x < low || x > high {
            return false;
        }
        let b = bucket(x, self.skip, self.bits);
        let (start, next) = (self.first[b] as usize, self.first[b + 1] as usize);
        let end = (next + 1).min(self.list.len());
        vec_contains(&self.list[start..end], x)
    }
}

struct Case {
    n: usize,
    vec: Vec<(u128, u128)>,
    map: BTreeMap<u128, u128>,
    buckets: Buckets,
    xs: Vec<u128>,
}

fn case(n: usize) -> Case {
    let vec = ranges(n, 5 + n as u64);
    let xs = lookups(&vec, 9 + n as u64);
    Case {
        n,
        map: vec.iter().copied().collect(),
        buckets: Buckets::build(vec.clone()),
        vec,
        xs,
    }
}

fn run_vec(c: &Case) {
    for &x in &c.xs {
        black_box(vec_contains(&c.vec, black_box(x)));
    }
}

fn run_map(c: &Case) {
    for &x in &c.xs {
        black_box(map_contains(&c.map, black_box(x)));
    }
}

fn run_buckets(c: &Case) {
    for &x in &c.xs {
        black_box(c.buckets.contains(black_box(x)));
    }
}

fn main() {
    let cases: Vec<Case> = SIZES.iter().map(|&n| case(n)).collect();
    for c in &cases {
        for &x in &c.xs {
            let v = vec_contains(&c.vec, x);
            assert_eq!(v, map_contains(&c.map, x));
            assert_eq!(v, c.buckets.contains(x));
        }
    }
    if !common::ratios_only() {
        let mut crit: Criterion = common::criterion();
        let mut group = crit.benchmark_group(format!("net-set-lookup/{LOOKUPS}"));
        group.throughput(criterion::Throughput::Elements(LOOKUPS as u64));
        for c in &cases {
            group.bench_function(format!("sorted-vec/N={}", c.n), |b| b.iter(|| run_vec(c)));
            group.bench_function(format!("btree-map/N={}", c.n), |b| b.iter(|| run_map(c)));
            group.bench_function(format!("bucket-index/N={}", c.n), |b| {
                b.iter(|| run_buckets(c))
            });
        }
        group.finish();
        crit.final_summary();
    }
    let budget = common::budget();
    println!();
    println!(
        "lookups, {LOOKUPS} addresses per round (paired against the sorted Vec, median of pair ratios)"
    );
    println!(
        "| N networks | sorted Vec ns | BTreeMap ns | map / Vec | bucket index ns | index / Vec |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for c in &cases {
        let m = common::paired(LOOKUPS, budget, || run_vec(c), || run_map(c));
        let b = common::paired(LOOKUPS, budget, || run_vec(c), || run_buckets(c));
        println!(
            "| {} | {:.1} | {:.1} | {:.2}× | {:.1} | {:.2}× |",
            c.n, m.base_ns, m.subject_ns, m.ratio, b.subject_ns, b.ratio
        );
    }
}
