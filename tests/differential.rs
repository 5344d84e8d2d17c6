//! Differential and property tests: bind-guard against `std` on random input.
//!
//! bind-guard parses addresses with its own `const fn` parser (so that `bind_addr!` can
//! run it at compile time); these tests hold it to `std`'s `SocketAddr` parser, which
//! is the definition of the accepted syntax, on strings from an address-like grammar,
//! on the `Display` of random structured addresses, and on mutations of those. They
//! also check the scope table's promises (IPv4-mapped addresses, 127.0.0.0/8, agreement
//! with `std`'s classification methods) and that a policy's decision never depends on
//! the port, except for the port-0 rule.
//!
//! Every property runs through [`run`], which prints its case count and time (see them
//! with `cargo test --test differential -- --nocapture`). The counts keep the file
//! within about 3 s in a debug build on two cores, so the README's test command stays
//! quick; `BIND_GUARD_CASES_SCALE=N` multiplies every count (CI runs 4, the counts
//! this file had before the suite had a time budget). The parser's depth comes from
//! the fuzz targets (`fuzz/`), whose corpus `fuzz_corpus.rs` replays.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use bind_guard::{BindAddr, ErrorKind, LocalAddr, LoopbackAddr, Policy, Scope};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Runs `test` on `cases` values of `strategy`; a failure panics with the shrunk input.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = cases.saturating_mul(scale());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let start = Instant::now();
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
    eprintln!("{name}: {cases} cases in {:.2?}", start.elapsed());
}

/// `BIND_GUARD_CASES_SCALE`, a whole number of at least 1 (1 when unset); anything
/// else fails the test rather than run a count nobody asked for.
fn scale() -> u32 {
    match std::env::var("BIND_GUARD_CASES_SCALE") {
        Err(std::env::VarError::NotPresent) => 1,
        Ok(text) => match text.parse() {
            Ok(n) if n >= 1 => n,
            _ => panic!("BIND_GUARD_CASES_SCALE={text:?}: a whole number from 1 up"),
        },
        Err(err) => panic!("BIND_GUARD_CASES_SCALE: {err}"),
    }
}

/// Whether the default rule refuses addresses of `scope`, and with which kind.
fn default_refusal(scope: Scope) -> Option<ErrorKind> {
    match scope {
        Scope::Unspecified => Some(ErrorKind::Wildcard),
        Scope::Multicast => Some(ErrorKind::Multicast),
        Scope::Broadcast => Some(ErrorKind::Broadcast),
        _ => None,
    }
}

/// bind-guard and `std` agree on `s`; an accepted address prints as `std` prints it and
/// reads back to itself. Returns whether `s` was an address.
fn agrees_with_std(s: &str) -> Result<bool, TestCaseError> {
    let std_addr = s.parse::<SocketAddr>().ok();
    let ours = Policy::every_scope().parse(s);
    prop_assert_eq!(
        ours.as_ref().ok().map(|a| *a.as_socket_addr()),
        std_addr,
        "input {:?} ({:?})",
        s,
        ours.as_ref().err().map(|e| e.kind())
    );
    // The default `FromStr` parses with the same parser (only the scopes the default
    // rule refuses differ: the wildcard, multicast and broadcast).
    let from_str = s.parse::<BindAddr>();
    match (&ours, &from_str) {
        (Ok(a), Err(e)) => {
            prop_assert_eq!(Some(e.kind()), default_refusal(a.scope()), "{:?}", s);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind(), "{:?}", s),
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Ok(_)) => prop_assert!(false, "FromStr accepted {:?}", s),
    }
    match ours {
        Ok(addr) => {
            let text = addr.to_string();
            prop_assert_eq!(&text, &addr.as_socket_addr().to_string());
            let back = Policy::every_scope().parse(&text);
            prop_assert_eq!(back.ok(), Some(addr), "round trip of {:?}", text);
            Ok(true)
        }
        Err(err) => {
            prop_assert!(!err.kind().is_refusal(), "{:?}: {}", s, err);
            Ok(false)
        }
    }
}

// ---- strategies ----

/// Pieces of addresses and of the mistakes people make writing them.
fn token() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        ".",
        ".",
        ".",
        ":",
        ":",
        ":",
        "::",
        "[",
        "]",
        "%",
        " ",
        "+",
        "-",
        "x",
        "0x",
        "0",
        "00",
        "01",
        "127",
        "255",
        "256",
        "ffff",
        "FFFF",
        "65535",
        "65536",
        "4294967295",
        "4294967296",
        "0.0.0.0",
        "127.0.0.1",
        "::1",
        "::ffff:",
    ];
    prop_oneof![
        4 => (0u32..1000).prop_map(|n| n.to_string()),
        1 => (1000u64..100_000_000_000).prop_map(|n| n.to_string()),
        2 => any::<u32>().prop_map(|n| format!("{:x}", n & 0xF_FFFF)),
        1 => any::<u32>().prop_map(|n| format!("{:X}", n & 0xF_FFFF)),
        8 => prop::sample::select(PIECES).prop_map(str::to_owned),
    ]
}

/// A string from the address-like grammar: an optional whole host, tokens, and an
/// optional port (so that some strings are addresses and many are near misses).
fn grammar_string() -> impl Strategy<Value = String> {
    const HOSTS: &[&str] = &[
        "127.0.0.1",
        "10.1.2.3",
        "0.0.0.0",
        "[::1]",
        "[::]",
        "[fe80::1%2]",
        "[2001:db8::7]",
        "[::ffff:127.0.0.1]",
        "1.2.3",
        "[1.2.3.4]",
        "localhost",
    ];
    const PORTS: &[&str] = &[
        ":80", ":8080", ":0", ":65535", ":65536", ":", ":00080", ":+1",
    ];
    (
        prop::option::weighted(0.4, prop::sample::select(HOSTS)),
        prop::collection::vec(token(), 0..6),
        prop::option::weighted(0.4, prop::sample::select(PORTS)),
    )
        .prop_map(|(host, tokens, port)| {
            format!(
                "{}{}{}",
                host.unwrap_or(""),
                tokens.concat(),
                port.unwrap_or("")
            )
        })
}

/// A string shaped like `IPV4:PORT` or `[IPV6%SCOPE]:PORT`, each part valid or nearly.
fn shaped_string() -> impl Strategy<Value = String> {
    let octet = prop_oneof![
        8 => (0u16..=255).prop_map(|n| n.to_string()),
        1 => (256u16..1000).prop_map(|n| n.to_string()),
        1 => (0u32..100).prop_map(|n| format!("0{n}")),
    ];
    // Mostly four parts, sometimes a shorthand or one too many.
    let parts = prop_oneof![6 => Just(4usize), 1 => 1usize..6];
    let v4 = parts
        .prop_flat_map(move |n| prop::collection::vec(octet.clone(), n))
        .prop_map(|parts| parts.join("."));
    let group = prop_oneof![
        6 => any::<u16>().prop_map(|n| format!("{n:x}")),
        1 => any::<u16>().prop_map(|n| format!("{n:X}")),
        1 => any::<u16>().prop_map(|n| format!("0{n:04x}")),
        1 => Just(String::new()),
    ];
    let v6 = (
        prop::collection::vec(group, 1..10),
        any::<bool>(),
        0usize..10,
    )
        .prop_map(|(groups, compress, at)| {
            let mut text = groups.join(":");
            if compress {
                let at = at.min(groups.len());
                let head = groups.get(..at).unwrap_or_default().join(":");
                let tail = groups.get(at..).unwrap_or_default().join(":");
                text = format!("{head}::{tail}");
            }
            text
        });
    let port = prop_oneof![
        8 => (0u32..=65535).prop_map(|n| n.to_string()),
        1 => (65536u32..100_000).prop_map(|n| n.to_string()),
        1 => (any::<u16>(), 1usize..4).prop_map(|(n, zeros)| format!("{}{n}", "0".repeat(zeros))),
        1 => Just(String::new()),
    ];
    let scope = prop_oneof![
        4 => Just(String::new()),
        2 => any::<u32>().prop_map(|n| format!("%{n}")),
        1 => Just("%".to_owned()),
        1 => Just("%4294967296".to_owned()),
        1 => (0u32..1000).prop_map(|n| format!("%0{n}")),
    ];
    let host = prop_oneof![
        3 => v4.clone(),
        3 => (v6.clone(), scope).prop_map(|(ip, scope)| format!("[{ip}{scope}]")),
        1 => (v6, v4.clone()).prop_map(|(ip, v4)| format!("[{ip}:{v4}]")),
        1 => v4.prop_map(|ip| format!("[{ip}]")),
    ];
    (host, port).prop_map(|(host, port)| format!("{host}:{port}"))
}

/// An IPv4 address, biased towards the blocks the scope table distinguishes.
fn ipv4() -> impl Strategy<Value = Ipv4Addr> {
    prop_oneof![
        3 => any::<u32>().prop_map(Ipv4Addr::from_bits),
        2 => (prop::sample::select(vec![
            0x0000_0000u32, 0x0A00_0000, 0x6440_0000, 0x7F00_0000, 0xA9FE_0000, 0xAC2_5000,
            0xC000_0000, 0xC000_0200, 0xC612_0000, 0xC633_6400, 0xC0A8_0000, 0xCB00_7100,
            0xE000_0000, 0xF000_0000, 0xFFFF_FF00,
        ]), 0u32..=0x1FF).prop_map(|(base, low)| Ipv4Addr::from_bits(base | low)),
        1 => prop::sample::select(vec![
            Ipv4Addr::UNSPECIFIED, Ipv4Addr::LOCALHOST, Ipv4Addr::BROADCAST,
        ]),
    ]
}

/// An IPv6 address: random, with runs of zero groups (so `::` shows), IPv4-mapped,
/// IPv4-compatible, or in a special block.
fn ipv6() -> impl Strategy<Value = Ipv6Addr> {
    let group = prop_oneof![3 => Just(0u16), 1 => 1u16..16, 2 => any::<u16>()];
    prop_oneof![
        2 => any::<u128>().prop_map(Ipv6Addr::from_bits),
        3 => prop::array::uniform8(group).prop_map(Ipv6Addr::from),
        2 => ipv4().prop_map(|v4| v4.to_ipv6_mapped()),
        1 => ipv4().prop_map(|v4| Ipv6Addr::from_bits(u128::from(v4.to_bits()))),
        2 => (prop::sample::select(vec![
            0u128, 1, 0xfe80 << 112, 0xfc00 << 112, 0xfd00 << 112, 0xff02 << 112,
            0x2001_0db8 << 96, 0x2001_0002 << 96, 0x2001_0001 << 96, 0x2002 << 112,
            0x0064_ff9b << 96, 0x3fff << 112, 0x2000 << 112,
        ]), 0u128..=0xFFFF).prop_map(|(base, low)| Ipv6Addr::from_bits(base | low)),
    ]
}

/// A socket address as `std`'s parser can produce it (flow info is never parsed, so 0).
fn socket_addr() -> impl Strategy<Value = SocketAddr> {
    let scope_id = prop_oneof![3 => Just(0u32), 1 => 1u32..64, 1 => any::<u32>()];
    prop_oneof![
        (ipv4(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::V4(SocketAddrV4::new(ip, port))),
        (ipv6(), any::<u16>(), scope_id)
            .prop_map(|(ip, port, id)| SocketAddr::V6(SocketAddrV6::new(ip, port, 0, id))),
    ]
}

/// An edit of a string: delete, insert, replace, duplicate or swap at a position.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    Duplicate(usize),
    Swap(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0usize..48;
    let c = prop::sample::select(
        "0123456789abcdefABCDEFx.:[]% +-\t"
            .chars()
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        (at.clone()).prop_map(Edit::Delete),
        (at.clone(), c.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (at.clone(), c).prop_map(|(i, c)| Edit::Replace(i, c)),
        (at.clone()).prop_map(Edit::Duplicate),
        (at.clone()).prop_map(Edit::Swap),
        at.prop_map(Edit::Truncate),
    ]
}

/// Applies `edit` (positions wrap around the length; the text is ASCII).
fn apply(text: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let len = chars.len().max(1);
    match *edit {
        Edit::Delete(i) => {
            if !chars.is_empty() {
                chars.remove(i % len);
            }
        }
        Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
        Edit::Replace(i, c) => {
            if let Some(slot) = chars.get_mut(i % len) {
                *slot = c;
            }
        }
        Edit::Duplicate(i) => {
            if let Some(&c) = chars.get(i % len) {
                chars.insert(i % len, c);
            }
        }
        Edit::Swap(i) => {
            if chars.len() >= 2 {
                let i = i % (chars.len() - 1);
                chars.swap(i, i + 1);
            }
        }
        Edit::Truncate(i) => chars.truncate(i % len),
    }
    chars.into_iter().collect()
}

// ---- parsing agrees with std ----

#[test]
fn differential_grammar_strings_agree_with_std() {
    static ACCEPTED: AtomicU32 = AtomicU32::new(0);
    run("grammar strings", 6_000, grammar_string(), |s| {
        if agrees_with_std(&s)? {
            ACCEPTED.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    // The grammar must reach the accepting side too, or the agreement would be cheap.
    let accepted = ACCEPTED.load(Ordering::Relaxed);
    eprintln!("grammar strings: {accepted} accepted by both");
    assert!(
        accepted >= 20,
        "only {accepted} grammar strings were addresses"
    );
}

#[test]
fn differential_raw_character_soup_agrees_with_std() {
    let soup = prop::collection::vec(
        prop::sample::select(
            "0123456789abcdefABCDEFx.:[]% +-"
                .chars()
                .collect::<Vec<_>>(),
        ),
        0..32,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    run("character soup", 5_000, soup, |s| {
        agrees_with_std(&s).map(drop)
    });
}

#[test]
fn differential_shaped_strings_agree_with_std() {
    static ACCEPTED: AtomicU32 = AtomicU32::new(0);
    run("shaped strings", 5_000, shaped_string(), |s| {
        if agrees_with_std(&s)? {
            ACCEPTED.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    let accepted = ACCEPTED.load(Ordering::Relaxed);
    eprintln!("shaped strings: {accepted} accepted by both");
    // Three in twenty cases or more are addresses, at any scale.
    assert!(
        accepted >= 5_000 * scale() * 3 / 20,
        "only {accepted} shaped strings were addresses"
    );
}

#[test]
fn differential_display_round_trips_and_matches_std() {
    run("Display round trip", 5_000, socket_addr(), |addr| {
        let text = addr.to_string();
        let parsed = Policy::every_scope().parse(&text);
        prop_assert_eq!(
            parsed.as_ref().ok().map(|a| *a.as_socket_addr()),
            Some(addr),
            "{:?}",
            text
        );
        prop_assert_eq!(parsed.map(|a| a.to_string()).ok(), Some(text.clone()));
        // `FromStr` reads the same text back, refusing only what the default rule
        // refuses (the wildcard, multicast, broadcast).
        let from_str = text.parse::<BindAddr>().map(|a| *a.as_socket_addr());
        match default_refusal(Scope::of(addr.ip())) {
            Some(kind) => prop_assert_eq!(from_str.map_err(|e| e.kind()), Err(kind)),
            None => prop_assert_eq!(from_str.ok(), Some(addr), "{:?}", text),
        }
        Ok(())
    });
}

#[test]
fn differential_mutated_addresses_agree_with_std() {
    let strategy = (socket_addr(), prop::collection::vec(edit(), 1..4));
    run("mutations", 5_000, strategy, |(addr, edits)| {
        let mut text = addr.to_string();
        for edit in &edits {
            text = apply(&text, edit);
        }
        agrees_with_std(&text).map(drop)
    });
}

// ---- scopes ----

#[test]
fn property_mapped_addresses_have_their_ipv4_scope() {
    run("mapped scope", 7_500, ipv4(), |v4| {
        let mapped = IpAddr::V6(v4.to_ipv6_mapped());
        prop_assert_eq!(Scope::of(mapped), Scope::of(IpAddr::V4(v4)), "{}", mapped);
        // And every rule treats the two alike.
        for port in [0, 8080] {
            let (a, b) = (
                SocketAddr::new(mapped, port),
                SocketAddr::new(v4.into(), port),
            );
            prop_assert_eq!(kind(<BindAddr>::try_from(a)), kind(<BindAddr>::try_from(b)));
            prop_assert_eq!(
                kind(LoopbackAddr::try_from(a)),
                kind(LoopbackAddr::try_from(b))
            );
            prop_assert_eq!(kind(LocalAddr::try_from(a)), kind(LocalAddr::try_from(b)));
        }
        Ok(())
    });
}

fn kind<T>(r: Result<T, bind_guard::BindError>) -> Result<(), ErrorKind> {
    r.map(drop).map_err(|e| e.kind())
}

#[test]
fn property_all_of_127_slash_8_is_loopback() {
    run(
        "127.0.0.0/8",
        5_000,
        (any::<[u8; 3]>(), any::<u16>()),
        |([b, c, d], port)| {
            let ip = Ipv4Addr::new(127, b, c, d);
            prop_assert_eq!(Scope::of(ip.into()), Scope::Loopback);
            let text = format!("{ip}:{port}");
            prop_assert!(text.parse::<LoopbackAddr>().is_ok(), "{}", text);
            prop_assert!(Policy::loopback().parse(&text).is_ok(), "{}", text);
            let mapped = format!("[{}]:{port}", ip.to_ipv6_mapped());
            prop_assert!(mapped.parse::<LoopbackAddr>().is_ok(), "{}", mapped);
            Ok(())
        },
    );
}

#[test]
fn property_scopes_agree_with_std_classification() {
    run(
        "std classification",
        7_500,
        prop_oneof![ipv4().prop_map(IpAddr::V4), ipv6().prop_map(IpAddr::V6),],
        |ip| {
            let scope = Scope::of(ip);
            match ip {
                IpAddr::V4(v4) => {
                    prop_assert_eq!(scope == Scope::Unspecified, v4.is_unspecified(), "{}", v4);
                    prop_assert_eq!(scope == Scope::Loopback, v4.is_loopback(), "{}", v4);
                    prop_assert_eq!(scope == Scope::LinkLocal, v4.is_link_local(), "{}", v4);
                    prop_assert_eq!(scope == Scope::Multicast, v4.is_multicast(), "{}", v4);
                    prop_assert_eq!(scope == Scope::Broadcast, v4.is_broadcast(), "{}", v4);
                    prop_assert_eq!(
                        scope == Scope::Documentation,
                        v4.is_documentation(),
                        "{}",
                        v4
                    );
                    // std's is_private is exactly RFC 1918.
                    prop_assert_eq!(scope == Scope::Private, v4.is_private(), "{}", v4);
                }
                IpAddr::V6(v6) => {
                    if let Some(v4) = v6.to_ipv4_mapped() {
                        // Mapped addresses take the IPv4 scope (unlike Ipv6Addr::is_loopback).
                        prop_assert_eq!(scope, Scope::of(v4.into()));
                        return Ok(());
                    }
                    prop_assert_eq!(scope == Scope::Unspecified, v6.is_unspecified(), "{}", v6);
                    prop_assert_eq!(scope == Scope::Loopback, v6.is_loopback(), "{}", v6);
                    prop_assert_eq!(scope == Scope::Multicast, v6.is_multicast(), "{}", v6);
                    prop_assert_eq!(scope == Scope::UniqueLocal, v6.is_unique_local(), "{}", v6);
                    prop_assert_eq!(
                        scope == Scope::LinkLocal,
                        v6.is_unicast_link_local(),
                        "{}",
                        v6
                    );
                }
            }
            Ok(())
        },
    );
}

// ---- policies ----

/// Policies of every kind, including network lists (which the port must not affect
/// either).
fn policies() -> Vec<Policy> {
    let net = |s: &str| s.parse().expect("a network");
    vec![
        Policy::default(),
        Policy::default().allow_wildcard(),
        Policy::loopback(),
        Policy::local(),
        Policy::nothing(),
        Policy::nothing()
            .allow_scope(Scope::Global)
            .and_then(|p| p.allow_scope(Scope::Documentation))
            .expect("not the wildcard scope"),
        Policy::local()
            .deny_net(net("10.99.0.0/16"))
            .deny_net(net("fd00::/16"))
            .allow_net(net("192.0.2.0/24"))
            .allow_net(net("2001:db8::/32")),
        Policy::loopback()
            .allow_net(net("0.0.0.0/0"))
            .deny_net(net("127.0.0.2/32")),
        Policy::default().deny_scope(Scope::Global).allow_wildcard(),
    ]
}

#[test]
fn property_decisions_do_not_depend_on_the_port() {
    let policies = policies();
    let strategy = (socket_addr(), 1u16..=u16::MAX);
    run("port independence", 5_000, strategy, |(addr, port)| {
        let mut moved = addr;
        moved.set_port(port);
        let mut zero = addr;
        zero.set_port(0);
        for policy in &policies {
            let decision = policy.decide(addr);
            prop_assert_eq!(
                policy.decide(moved),
                decision,
                "{:?} {} {}",
                policy,
                addr,
                port
            );
            // Port 0 is allowed by default, and then decided like any other port.
            prop_assert_eq!(policy.decide(zero), decision, "{:?} {}", policy, zero);
            // The text path decides the same as the value path.
            let parsed = policy
                .parse(&moved.to_string())
                .map(drop)
                .map_err(|e| e.kind());
            prop_assert_eq!(parsed, decision, "{:?} {}", policy, moved);
        }
        Ok(())
    });
}

#[test]
fn property_deny_port_zero_refuses_port_zero_only() {
    let policies = policies();
    run("deny_port_zero", 2_500, socket_addr(), |addr| {
        for policy in &policies {
            let strict = policy.clone().deny_port_zero();
            if addr.port() == 0 {
                // Port 0 is refused first, whatever the address (the wildcard included).
                prop_assert_eq!(strict.decide(addr), Err(ErrorKind::PortZero), "{}", addr);
                let text = addr.to_string();
                let refusal = strict.parse(&text).map(drop).map_err(|e| e.kind());
                prop_assert_eq!(refusal, Err(ErrorKind::PortZero), "{}", text);
            } else {
                prop_assert_eq!(strict.decide(addr), policy.decide(addr), "{}", addr);
            }
            prop_assert!(strict.clone().allow_port_zero() == *policy);
        }
        Ok(())
    });
}

#[test]
fn property_deny_port_zero_at_port_zero() {
    // The strategy above rarely draws port 0; pin it.
    let policies = policies();
    run("deny_port_zero at 0", 1_250, socket_addr(), |mut addr| {
        addr.set_port(0);
        for policy in &policies {
            let strict = policy.clone().deny_port_zero();
            // The wildcard without its opt-in is named as the wildcard first.
            let expected =
                if Scope::of(addr.ip()) == Scope::Unspecified && !policy.allows_wildcard() {
                    ErrorKind::Wildcard
                } else {
                    ErrorKind::PortZero
                };
            prop_assert_eq!(strict.decide(addr), Err(expected), "{}", addr);
            prop_assert_eq!(
                policy.decide(addr),
                policy.decide(SocketAddr::new(addr.ip(), 1)),
                "{}",
                addr
            );
        }
        Ok(())
    });
}
