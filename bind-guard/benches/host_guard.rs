//! `HostGuard::check` per request, against two baselines in the same process:
//!
//! - a hand-written compare (`host == "localhost:8080" || host == "127.0.0.1:8080"`),
//!   the least a server could do, which knows nothing of ports, case, names or `Origin`;
//! - allow-list matching as `tower_allowed_hosts`-style filters do it: read the value
//!   as an `http::uri::Authority` (which copies it), take its host, compare it with a
//!   list of `String`s.
//!
//! ```text
//! cargo bench -p bind-guard --bench host_guard                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --bench host_guard  # ratios only
//! ```

mod common;

use std::hint::black_box;
use std::net::SocketAddr;

use bind_guard::host_guard::{Field, HostGuard, RequestHead};

const ACCEPTED: &[&str] = &[
    "localhost:8080",
    "127.0.0.1:8080",
    "app.example.com",
    "localhost:8080",
    "[::1]:8080",
    "127.0.0.1:8080",
];

const REFUSED: &[&str] = &[
    "rebind.test:8080",
    "0.0.0.0:8080",
    "127.1:8080",
    "evil.example.com",
    "[::]:8080",
    "192.168.1.20:8080",
];

fn guard() -> HostGuard {
    HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .bound("[::1]:8080".parse::<SocketAddr>().unwrap())
        .allow_host("app.example.com")
        .unwrap()
        .build()
        .unwrap()
}

fn guard_check(guard: &HostGuard, hosts: &[&str]) {
    for host in hosts {
        let req = RequestHead {
            host: Field::One(black_box(host.as_bytes())),
            ..RequestHead::default()
        };
        let _ = black_box(guard.check(&req).is_ok());
    }
}

fn hand_written(hosts: &[&str]) {
    for host in hosts {
        let host = black_box(host.as_bytes());
        let _ = black_box(host == b"localhost:8080" || host == b"127.0.0.1:8080");
    }
}

fn allow_list(allowed: &[String], hosts: &[&str]) {
    for host in hosts {
        let ok = http::uri::Authority::try_from(black_box(host.as_bytes()))
            .is_ok_and(|a| allowed.iter().any(|h| h == a.host()));
        let _ = black_box(ok);
    }
}

fn main() {
    let guard = guard();
    let allowed: Vec<String> = ["localhost", "127.0.0.1", "[::1]", "app.example.com"]
        .map(String::from)
        .to_vec();
    for host in ACCEPTED {
        let req = RequestHead {
            host: Field::One(host.as_bytes()),
            ..RequestHead::default()
        };
        assert!(guard.check(&req).is_ok(), "{host}");
    }
    for host in REFUSED {
        let req = RequestHead {
            host: Field::One(host.as_bytes()),
            ..RequestHead::default()
        };
        assert!(guard.check(&req).is_err(), "{host}");
    }
    if !common::ratios_only() {
        let mut c = common::criterion();
        for (class, hosts) in [("accepted", ACCEPTED), ("refused", REFUSED)] {
            let mut group = c.benchmark_group(format!("host_guard/{class}"));
            group.throughput(criterion::Throughput::Elements(hosts.len() as u64));
            group.bench_function("hand-written compare", |b| b.iter(|| hand_written(hosts)));
            group.bench_function("Authority + String list", |b| {
                b.iter(|| allow_list(&allowed, hosts));
            });
            group.bench_function("HostGuard::check", |b| {
                b.iter(|| guard_check(&guard, hosts))
            });
            group.finish();
        }
        c.final_summary();
    }
    let budget = common::budget();
    println!();
    println!("host_guard: ns per request (paired, median of pair ratios)");
    println!(
        "| class | hand-written ns | HostGuard ns | ratio | Authority + list ns | HostGuard ns | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (class, hosts) in [("accepted", ACCEPTED), ("refused", REFUSED)] {
        let hand = common::paired(
            hosts.len(),
            budget,
            || hand_written(hosts),
            || guard_check(&guard, hosts),
        );
        let list = common::paired(
            hosts.len(),
            budget,
            || allow_list(&allowed, hosts),
            || guard_check(&guard, hosts),
        );
        println!(
            "| {class} | {:.1} | {:.1} | {:.2}× | {:.1} | {:.1} | {:.2}× |",
            hand.base_ns, hand.subject_ns, hand.ratio, list.base_ns, list.subject_ns, list.ratio
        );
    }
}
