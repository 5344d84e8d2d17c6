//! The compile-time macros and the run-time parser agree, literal by literal.
//!
//! `bind_addr!` decides its literal while the compiler expands it, with the parser,
//! diagnosis and scope table of `bind-guard-core`, the code `FromStr` runs; the rule of
//! the annotated type is then a trait bound, generated from the same table as the
//! run-time scope sets (`bind-guard/src/rule/table.rs`). This test holds the two to one
//! answer on one table of literals, kept in this file:
//!
//! - **Every literal** (accepted, refused by a rule, or malformed) goes through
//!   `bind_addr_decision_impl!`, the macro's own decision as a value (the address and
//!   the name of its scope type, or the error message), and is compared with the
//!   run-time parse for every type: the same address, the same scope, and for a
//!   malformed text the same [`ErrorKind::message`] for every type.
//! - **Accepted literals** are also built with `bind_addr!` into `const` items of every
//!   type whose rule accepts them (grouped by the narrowest such type) and compared with
//!   the run-time value and with `std`'s parser. If the macro refused one, this file
//!   would not compile; the group is checked too, so a table cannot drift.
//!
//! That a rule refuses under `cargo check`, in every position, with the run-time
//! message at the literal, is `tests/compile_check.rs`.
//!
//! Networks go through `bind_guard::parse_net`, the run-time parser with `ip_net!`'s
//! rules; accepted networks are also compared with `ipnet`'s own parser (which keeps
//! host bits, so the test checks there are none).

use std::net::SocketAddr;

use bind_guard::{
    BindAddr, BindError, ErrorKind, LocalAddr, LoopbackAddr, Policy, Scope, bind_addr, ip_net,
};
use ipnet::IpNet;

/// Loopback literals: accepted by every type.
macro_rules! loopback_table {
    ($check:ident) => {
        $check! {
            "127.0.0.1:8080", "127.0.0.1:0", "127.0.0.1:65535", "127.255.255.254:1",
            "127.1.2.3:80", "[::1]:8080", "[::1]:0", "[0:0:0:0:0:0:0:1]:80",
            "[::ffff:127.0.0.1]:80", "[::ffff:7f00:1]:80", "[::1%1]:80",
        }
    };
}

/// Local-network literals that are not loopback: `BindAddr` and `LocalAddr`.
macro_rules! local_table {
    ($check:ident) => {
        $check! {
            "10.0.0.1:80", "10.255.255.255:65535", "172.16.0.1:80", "172.31.255.255:80",
            "192.168.1.10:8080", "100.64.0.1:80", "169.254.1.1:80", "[fe80::1]:80",
            "[fe80::1%2]:8080", "[fd00::1]:80", "[fc00::1]:80", "[::ffff:192.168.1.1]:80",
            "[::ffff:10.0.0.1]:80",
        }
    };
}

/// Everything else the default rule accepts: `BindAddr` only.
macro_rules! other_table {
    ($check:ident) => {
        $check! {
            "8.8.8.8:53", "1.1.1.1:853", "192.0.2.1:80", "198.51.100.7:80", "203.0.113.7:443",
            "240.0.0.1:80", "0.0.0.1:80",
            "198.18.0.1:80", "192.88.99.1:80", "[2001:db8::1]:80", "[2606:4700::1111]:443",
            "[2001:4860:4860::8888]:53", "[::ffff:8.8.8.8]:53",
            "[64:ff9b::7f00:1]:80", "[::127.0.0.1]:80", "[2002::1]:80", "[100::1]:80",
        }
    };
}

/// Addresses no rule accepts: multicast groups and the broadcast address.
macro_rules! group_table {
    ($check:ident) => {
        $check! {
            "224.0.0.1:5353", "239.255.255.250:1900", "[ff02::1]:80", "[ff05::1:3]:547",
            "[::ffff:224.0.0.251]:5353", "255.255.255.255:67", "[::ffff:255.255.255.255]:67",
        }
    };
}

/// Texts that are not socket addresses: every `ErrorKind` the parser can name.
macro_rules! malformed_table {
    ($check:ident) => {
        $check! {
            "", " 127.0.0.1:80", "127.0.0.1:80\n", "127.0.0.1:80\0", "\u{1b}[31m1.2.3.4:80",
            "１２７.0.0.1:80", "http://127.0.0.1:80", "10.0.0.0/8", ":8080", "*:8080", "*",
            "127.0.0.1", "127.0.0.1:", "[::1]", "127.0.0.1:http", "127.0.0.1:-1",
            "127.0.0.1:65536", "127.0.0.1:80:90", "127.1:80", "2130706433:80", "0x7f.0.0.1:80",
            "0177.0.0.1:80", "010.0.0.1:80", "256.0.0.1:80", "1.2.3.4.5:80", "1..3.4:80",
            "localhost:8080", "api.localhost:8080", "LocalHost.:80", "example.com:443",
            "::1:8080", "fe80::1", "[::1::2]:80", "[::g]:80", "[127.0.0.1]:80",
            "[fe80::1%eth0]:80", "[fe80::1%4294967296]:80", "[[::1]]:80", "[::1]x80",
        }
    };
}

/// The wildcard in every spelling std accepts: only `BindAddr` with `allow_wildcard`.
macro_rules! wildcard_table {
    ($check:ident) => {
        $check! {
            "0.0.0.0:8080", "0.0.0.0:0", "[::]:8080", "[::0]:80", "[0:0:0:0:0:0:0:0]:80",
            "[::ffff:0.0.0.0]:80", "[::ffff:0:0]:80", "[::0.0.0.0]:80", "[::%1]:80",
        }
    };
}

/// Networks accepted by `ip_net!`.
macro_rules! net_table {
    ($check:ident) => {
        $check! {
            "10.0.0.0/8", "0.0.0.0/0", "::/0", "fd00::/8", "192.0.2.1/32", "::1/128",
            "172.16.0.0/12", "fe80::/10", "127.0.0.0/8", "2001:db8::/32", "100.64.0.0/10",
        }
    };
}

/// `std`'s parse of `text`, which every accepted literal must also pass unchanged.
fn std_parse(text: &str) -> SocketAddr {
    text.parse()
        .unwrap_or_else(|err| panic!("std refuses {text:?}: {err}"))
}

/// Checks a run-time value against the macro's, and returns how many were checked.
macro_rules! check_loopback {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            const LOCAL: LocalAddr = bind_addr!($lit);
            const LOOPBACK: LoopbackAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOCAL, $lit.parse::<LocalAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOOPBACK, $lit.parse::<LoopbackAddr>().unwrap(), "{}", $lit);
            assert_eq!(*LOOPBACK.as_socket_addr(), std_parse($lit), "{}", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_local {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            const LOCAL: LocalAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOCAL, $lit.parse::<LocalAddr>().unwrap(), "{}", $lit);
            assert_eq!(*LOCAL.as_socket_addr(), std_parse($lit), "{}", $lit);
            let narrower = $lit.parse::<LoopbackAddr>().unwrap_err();
            assert_eq!(narrower.kind(), ErrorKind::NotLoopback, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_other {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(*ANY.as_socket_addr(), std_parse($lit), "{}", $lit);
            let narrower = $lit.parse::<LocalAddr>().unwrap_err();
            assert_eq!(narrower.kind(), ErrorKind::NotLocalNetwork, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_wildcard {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        let opted_in = Policy::default().allow_wildcard();
        $({
            const ANY: BindAddr = bind_addr!($lit, allow_wildcard);
            assert!(ANY.is_wildcard(), "{}", $lit);
            assert_eq!(ANY, opted_in.parse($lit).unwrap(), "{}", $lit);
            assert_eq!(*ANY.as_socket_addr(), std_parse($lit), "{}", $lit);
            let without = $lit.parse::<BindAddr>().unwrap_err();
            assert_eq!(without.kind(), ErrorKind::Wildcard, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_net {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const NET: IpNet = ip_net!($lit);
            let parsed: IpNet = $lit.parse().unwrap();
            assert_eq!(NET, parsed, "{}", $lit);
            assert_eq!(NET, bind_guard::parse_net($lit).unwrap(), "{}", $lit);
            assert_eq!(NET, parsed.trunc(), "{}: has host bits", $lit);
            count += 1;
        })*
        count
    }};
}

#[test]
fn accepted_literals_build_the_run_time_value() {
    let counts = [
        loopback_table!(check_loopback),
        local_table!(check_local),
        other_table!(check_other),
        wildcard_table!(check_wildcard),
        net_table!(check_net),
    ];
    assert!(counts.iter().all(|&n| n >= 9), "{counts:?}");
    println!(
        "accepted: {} literals (loopback, local, other, wildcard, nets: {counts:?})",
        counts.iter().sum::<usize>()
    );
}

// ---------------------------------------------------------------------------------------
// The macro's decision, for every literal of every table.

/// `bind_addr!`'s decision for a literal, as a value.
macro_rules! decide {
    ($lit:literal $(, $option:ident)?) => {
        bind_guard::__private::bind_addr_decision_impl!(bind_guard; $lit $(, $option)?)
    };
}

/// `(text, decision, decision with allow_wildcard)` for each literal.
macro_rules! decisions {
    ($($lit:literal),* $(,)?) => {
        [$(($lit, decide!($lit), decide!($lit, allow_wildcard))),*]
    };
}

type Decision = Result<(SocketAddr, &'static str), &'static str>;

/// The run-time parse of `text` for the three types, as (address, kind) results.
fn run_time(text: &str) -> [(&'static str, Result<SocketAddr, ErrorKind>); 3] {
    let kind = |e: BindError| e.kind();
    [
        (
            "BindAddr",
            text.parse::<BindAddr>().map(SocketAddr::from).map_err(kind),
        ),
        (
            "LocalAddr",
            text.parse::<LocalAddr>()
                .map(SocketAddr::from)
                .map_err(kind),
        ),
        (
            "LoopbackAddr",
            text.parse::<LoopbackAddr>()
                .map(SocketAddr::from)
                .map_err(kind),
        ),
    ]
}

fn check_decision(text: &str, decision: Decision, opted_in: Decision) {
    let run_time = run_time(text);
    match decision {
        Err(message) => {
            // Refused while expanding: a parse error, the same for every type.
            for (ty, result) in run_time {
                let kind = result.expect_err(text);
                assert!(!kind.is_refusal(), "{text:?} as {ty}: {kind:?}");
                assert_eq!(message, kind.message(), "{text:?} as {ty}");
            }
            assert_eq!(
                opted_in, decision,
                "{text:?}: allow_wildcard changes no parse error"
            );
        }
        Ok((addr, scope_type)) => {
            assert_eq!(addr, std_parse(text), "{text:?}");
            let scope = Scope::of(addr.ip());
            assert_eq!(scope_type, format!("{scope:?}"), "{text:?}");
            // Each type accepts this very address, or refuses it for its scope alone.
            for (ty, result) in run_time {
                match result {
                    Ok(value) => assert_eq!(value, addr, "{text:?} as {ty}"),
                    Err(kind) => assert!(kind.is_refusal(), "{text:?} as {ty}: {kind:?}"),
                }
            }
            // `allow_wildcard` changes only the wildcard's scope type; which types
            // accept that is the table's last column (tests/compile_check.rs).
            let expected_opt_in = if scope == Scope::Unspecified {
                Ok((addr, "OptedInWildcard"))
            } else {
                decision
            };
            assert_eq!(opted_in, expected_opt_in, "{text:?}");
        }
    }
}

/// Runs `check_decision` over a table and returns how many literals it checked.
macro_rules! check_decisions {
    ($($lit:literal),* $(,)?) => {{
        let table = decisions!($($lit),*);
        for (text, decision, opted_in) in table {
            check_decision(text, decision, opted_in);
        }
        table.len()
    }};
}

#[test]
fn the_macro_decides_as_the_run_time_parser() {
    let counts = [
        loopback_table!(check_decisions),
        local_table!(check_decisions),
        other_table!(check_decisions),
        group_table!(check_decisions),
        wildcard_table!(check_decisions),
        malformed_table!(check_decisions),
    ];
    assert!(counts.iter().all(|&n| n >= 7), "{counts:?}");
}

#[test]
fn every_parse_error_kind_is_in_the_table() {
    let mut kinds: Vec<&str> = Vec::new();
    macro_rules! collect {
        ($($lit:literal),* $(,)?) => {
            $(kinds.push($lit.parse::<BindAddr>().unwrap_err().kind().name());)*
        };
    }
    malformed_table!(collect);
    kinds.sort_unstable();
    kinds.dedup();
    // Every parse error `diagnose` can name for a socket address (the network kinds
    // belong to ip_net!, Unresolvable to name resolution).
    let expected = [
        "cidr",
        "control_character",
        "empty",
        "empty_host",
        "hostname",
        "invalid",
        "invalid_ipv4",
        "invalid_ipv6",
        "invalid_port",
        "invalid_scope_id",
        "ipv4_in_brackets",
        "ipv4_shorthand",
        "leading_zero",
        "localhost",
        "missing_brackets",
        "missing_port",
        "non_ascii",
        "port_out_of_range",
        "star_host",
        "url",
        "whitespace",
        "zone_name",
    ];
    assert_eq!(kinds, expected);
}
