//! `"…".parse::<BindAddr>()` against `"…".parse::<SocketAddr>()`, input class by class.
//!
//! Target: at most 1.10× std on accepted inputs, at most 2× on refused ones (where
//! bind-guard also works out *why* and keeps a copy of the input in the error).
//!
//! ```text
//! cargo bench -p bind-guard --bench parse                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench parse  # ratios only
//! ```

mod common;

use std::hint::black_box;
use std::net::SocketAddr;

use bind_guard::BindAddr;
use bind_guard::marker::Checked;
use criterion::Criterion;

/// Input classes: a name, whether bind-guard accepts them, and the inputs.
const CLASSES: &[(&str, bool, &[&str])] = &[
    (
        "ipv4",
        true,
        &[
            "127.0.0.1:8080",
            "10.0.0.5:5432",
            "192.168.1.10:80",
            "8.8.8.8:53",
            "172.16.254.1:65535",
            "203.0.113.9:443",
            "1.2.3.4:0",
            "100.64.0.1:3000",
        ],
    ),
    (
        "ipv6",
        true,
        &[
            "[::1]:8080",
            "[2001:db8::1]:443",
            "[fd00::1234]:80",
            "[2606:4700:4700::1111]:53",
            "[fe80::1:2:3:4]:9000",
            "[1:2:3:4:5:6:7:8]:1",
            "[2a00:1450:4001:82a::200e]:443",
            "[::2]:0",
        ],
    ),
    (
        "scoped",
        true,
        &[
            "[fe80::1%2]:8080",
            "[fe80::abcd:ef01%14]:22",
            "[fe80::1ff:fe23:4567:890a%3]:443",
            "[ff02::1%1]:5353",
        ],
    ),
    (
        "mapped",
        true,
        &[
            "[::ffff:127.0.0.1]:8080",
            "[::ffff:10.0.0.1]:80",
            "[::ffff:192.0.2.1]:443",
            "[::ffff:8.8.4.4]:53",
        ],
    ),
    (
        "wildcard",
        false,
        &[
            "0.0.0.0:8080",
            "[::]:8080",
            "[::ffff:0.0.0.0]:80",
            "[0:0:0:0:0:0:0:0]:1",
        ],
    ),
    (
        "shorthand",
        false,
        &[
            "127.1:8080",
            "0x7f000001:80",
            "2130706433:80",
            "0127.0.0.1:80",
        ],
    ),
    (
        "hostname",
        false,
        &[
            "localhost:8080",
            "example.com:443",
            "db.internal:5432",
            "api.localhost:80",
        ],
    ),
    (
        "garbage",
        false,
        &[
            "",
            ":8080",
            "*:8080",
            "http://127.0.0.1:80",
            "1.2.3.4",
            "[::1",
            "hello world",
            "127.0.0.1:99999",
        ],
    ),
];

fn std_parse(inputs: &[&str]) {
    for s in inputs {
        let _ = black_box(black_box(*s).parse::<SocketAddr>());
    }
}

fn guard_parse(inputs: &[&str]) {
    for s in inputs {
        let _ = black_box(black_box(*s).parse::<BindAddr>());
    }
}

/// The same check without building an error value (`BindAddr::parse_const`, the `const
/// fn` behind `FromStr` and `bind_addr!`): splits the refused-input cost into diagnosis
/// and allocation.
fn guard_kind_only(inputs: &[&str]) {
    for s in inputs {
        let _ = black_box(BindAddr::<Checked>::parse_const(black_box(*s)));
    }
}

fn criterion_groups(c: &mut Criterion) {
    for &(class, _, inputs) in CLASSES {
        let mut group = c.benchmark_group(format!("parse/{class}"));
        group.throughput(criterion::Throughput::Elements(inputs.len() as u64));
        group.bench_function("std SocketAddr", |b| b.iter(|| std_parse(inputs)));
        group.bench_function("bind-guard BindAddr", |b| b.iter(|| guard_parse(inputs)));
        group.finish();
    }
}

fn ratio_table() {
    // The classes must be what they claim to be, or the table means nothing.
    for &(class, accepted, inputs) in CLASSES {
        for s in inputs {
            assert_eq!(
                s.parse::<BindAddr>().is_ok(),
                accepted,
                "{class}: {s:?} is in the wrong class"
            );
        }
    }
    let budget = common::budget();
    println!();
    println!("parse: bind-guard BindAddr / std SocketAddr (paired, median of pair ratios)");
    println!(
        "| class | accepted | std ns/input | bind-guard ns/input | ratio | target | without the error value |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for &(class, accepted, inputs) in CLASSES {
        let p = common::paired(
            inputs.len(),
            budget,
            || std_parse(inputs),
            || guard_parse(inputs),
        );
        let bare = common::paired(
            inputs.len(),
            budget,
            || std_parse(inputs),
            || guard_kind_only(inputs),
        );
        let target = if accepted { 1.10 } else { 2.0 };
        println!(
            "| {class} | {} | {:.1} | {:.1} | {:.2}× | ≤ {target:.2}× {} | {:.2}× |",
            if accepted { "yes" } else { "no" },
            p.base_ns,
            p.subject_ns,
            p.ratio,
            if p.ratio <= target { "met" } else { "MISSED" },
            bare.ratio,
        );
    }
}

fn main() {
    if !common::ratios_only() {
        let mut c = common::criterion();
        criterion_groups(&mut c);
        c.final_summary();
    }
    ratio_table();
}
