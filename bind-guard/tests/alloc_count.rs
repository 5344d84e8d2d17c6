//! How many heap allocations parsing costs: none for an accepted address, at most one
//! (the kept copy of the input) for a refused one, whatever the reason.
//!
//! The allocator counts every allocation in the process, so everything is measured in
//! one test function: libtest would otherwise run tests on parallel threads whose
//! allocations would be counted too.

use std::alloc::System;
use std::net::SocketAddr;

use bind_guard::{BindAddr, LocalAddr, LoopbackAddr, Policy};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (fresh ones plus reallocations) made by `f`; the value it returns is
/// dropped after the count.
fn allocations<T>(f: impl FnOnce() -> T) -> usize {
    let region = Region::new(GLOBAL);
    let value = std::hint::black_box(f());
    let change = region.change();
    drop(value);
    change.allocations + change.reallocations
}

const ACCEPTED: &[&str] = &[
    "127.0.0.1:8080",
    "10.0.0.5:5432",
    "[::1]:8080",
    "[2001:db8::1]:443",
    "[fe80::1%2]:8080",
    "[::ffff:127.0.0.1]:8080",
];

const REFUSED: &[&str] = &[
    // Valid addresses the default rule refuses.
    "0.0.0.0:8080",
    "[::]:8080",
    "[::ffff:0.0.0.0]:80",
    // Shorthands, host names, missing parts, garbage.
    "127.1:8080",
    "0x7f000001:80",
    "2130706433:80",
    "localhost:8080",
    "example.com:443",
    ":8080",
    "*:8080",
    "http://127.0.0.1:80",
    "10.0.0.0/8",
    "1.2.3.4",
    "[::1]",
    "::1:80",
    "[127.0.0.1]:80",
    "[fe80::1%eth0]:80",
    "1.2.3.4:99999",
    "1.2.3.4:http",
    " 1.2.3.4:80",
    "1.2.3.4:80\0",
    "１２７.0.0.1:80",
    "",
];

#[test]
fn parse_allocates_nothing_on_success_and_at_most_once_on_error() {
    // The counter must see allocations at all, or every check below passes vacuously.
    assert_eq!(allocations(|| Box::new(1_u64)), 1);
    assert_eq!(allocations(|| 1_u64), 0);

    let long = format!("{}:80", "a".repeat(500));
    let long_non_ascii = "é".repeat(300);
    let refused: Vec<&str> = REFUSED
        .iter()
        .copied()
        .chain([long.as_str(), long_non_ascii.as_str()])
        .collect();

    for s in ACCEPTED {
        assert!(s.parse::<BindAddr>().is_ok(), "{s:?}");
        assert_eq!(allocations(|| s.parse::<BindAddr>()), 0, "{s:?}");
        assert_eq!(allocations(|| Policy::default().parse(s)), 0, "{s:?}");
        // The std baseline, for comparison: it allocates nothing either.
        assert_eq!(allocations(|| s.parse::<SocketAddr>()), 0, "{s:?}");
    }
    for s in &refused {
        assert!(s.parse::<BindAddr>().is_err(), "{s:?}");
        let n = allocations(|| s.parse::<BindAddr>());
        assert!(n <= 1, "{s:?}: {n} allocations");
        let n = allocations(|| s.parse::<LoopbackAddr>());
        assert!(n <= 1, "{s:?} as LoopbackAddr: {n} allocations");
        let n = allocations(|| Policy::loopback().parse(s));
        assert!(n <= 1, "{s:?} through a Policy: {n} allocations");
    }
    // Refusals by a narrower rule, of valid addresses.
    for s in ["192.0.2.1:80", "8.8.8.8:53", "[2001:db8::1]:1"] {
        let n = allocations(|| s.parse::<LocalAddr>());
        assert!(n <= 1, "{s:?} as LocalAddr: {n} allocations");
    }
    // The error really carries the input (so "at most one" is not met by dropping it).
    let err = "localhost:8080".parse::<BindAddr>().unwrap_err();
    assert_eq!(err.input(), "localhost:8080");

    // Errors about values (Policy::check, TryFrom<SocketAddr>) format the address on the
    // stack, so they too allocate once.
    for s in [
        "0.0.0.0:80",
        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535",
    ] {
        let addr: SocketAddr = s.parse().unwrap();
        let n = allocations(|| Policy::loopback().check(addr));
        assert_eq!(n, 1, "{s:?} through Policy::check");
        let n = allocations(|| LoopbackAddr::try_from(addr));
        assert_eq!(n, 1, "{s:?} through TryFrom");
    }
}
