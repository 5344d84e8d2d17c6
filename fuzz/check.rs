//! The one property check behind the `parse_roundtrip` fuzz target and the seed-corpus
//! replay test (`tests/fuzz_corpus.rs`). Both include this file with `#[path]`, so the
//! assertions exist once.
//!
//! For any input: bind-guard's parser (with every scope allowed) accepts exactly what
//! `std`'s `SocketAddr` parser accepts and yields the same value; an accepted address
//! prints as `std` prints it and parses back to itself; its scope is `Scope::of` its IP,
//! and an IPv4-mapped address has its IPv4 address's scope; every entry point (the
//! policies, `FromStr` of the three rule types, `TryFrom<SocketAddr>`, `narrow`) decides
//! the same way; a refused input gets a parse error, never a policy refusal, and the
//! error's text echoes no control or bidirectional-formatting character raw. Any
//! violation panics, which is what a fuzzer and a test runner both report.

use std::net::{IpAddr, SocketAddr};

use bind_guard::{BindAddr, BindError, ErrorKind, LocalAddr, LoopbackAddr, Policy, Scope};

/// Checks arbitrary bytes: UTF-8 as is, anything else after a lossy conversion (which
/// turns stray bytes into U+FFFD, a non-ASCII character the parser must refuse).
pub(crate) fn check_bytes(data: &[u8]) {
    match std::str::from_utf8(data) {
        Ok(s) => check_str(s),
        Err(_) => check_str(&String::from_utf8_lossy(data)),
    }
}

/// Checks one input string.
pub(crate) fn check_str(s: &str) {
    let std_addr = s.parse::<SocketAddr>().ok();
    let open = Policy::every_scope();
    match open.parse(s) {
        Ok(addr) => {
            let addr = *addr.as_socket_addr();
            assert_eq!(
                Some(addr),
                std_addr,
                "bind-guard accepted {s:?} as {addr}, std parsed it as {std_addr:?}"
            );
            check_addr(addr);
        }
        Err(err) => {
            assert_eq!(
                std_addr, None,
                "std parses {s:?}, bind-guard refused it: {err}"
            );
            assert!(
                !err.kind().is_refusal(),
                "a policy that allows every address refused {s:?}: {err}"
            );
            check_error(s, &err);
            // Every other text entry point names the same parse error.
            let others = [
                ("Policy::default", Policy::default().parse(s).map(|_| ())),
                ("Policy::loopback", Policy::loopback().parse(s).map(|_| ())),
                ("Policy::local", Policy::local().parse(s).map(|_| ())),
                ("Policy::nothing", Policy::nothing().parse(s).map(|_| ())),
                ("BindAddr", s.parse::<BindAddr>().map(|_| ())),
                ("LoopbackAddr", s.parse::<LoopbackAddr>().map(|_| ())),
                ("LocalAddr", s.parse::<LocalAddr>().map(|_| ())),
            ];
            for (path, result) in others {
                match result {
                    Ok(()) => panic!("{path} accepted {s:?}, which std refuses"),
                    Err(other) => {
                        assert_eq!(other.kind(), err.kind(), "{path} on {s:?}");
                        check_error(s, &other);
                    }
                }
            }
        }
    }
}

/// Checks an address that the parser accepted.
pub(crate) fn check_addr(addr: SocketAddr) {
    let scope = Scope::of(addr.ip());
    if let IpAddr::V6(v6) = addr.ip()
        && let Some(v4) = v6.to_ipv4_mapped()
    {
        assert_eq!(
            scope,
            Scope::of(IpAddr::V4(v4)),
            "{addr} is IPv4-mapped but its scope differs from {v4}'s"
        );
    }
    if let IpAddr::V4(v4) = addr.ip() {
        let [first, ..] = v4.octets();
        if first == 127 {
            assert_eq!(scope, Scope::Loopback, "{addr} is in 127.0.0.0/8");
        }
    }

    // Display is std's, and reads back to the same address.
    let open = Policy::every_scope();
    let text = match open.check(addr) {
        Ok(bound) => {
            assert_eq!(bound.scope(), scope);
            assert_eq!(bound.is_wildcard(), scope == Scope::Unspecified);
            bound.to_string()
        }
        Err(err) => panic!("a policy that allows every address refused {addr}: {err}"),
    };
    assert_eq!(
        text,
        addr.to_string(),
        "Display differs from std for {addr}"
    );
    match open.parse(&text) {
        Ok(back) => assert_eq!(*back.as_socket_addr(), addr, "round trip of {text:?}"),
        Err(err) => panic!("bind-guard refused its own Display {text:?}: {err}"),
    }

    // What each rule should decide, from the scope alone.
    let default = match scope {
        Scope::Unspecified => Err(ErrorKind::Wildcard),
        Scope::Multicast => Err(ErrorKind::Multicast),
        Scope::Broadcast => Err(ErrorKind::Broadcast),
        _ => Ok(()),
    };
    let loopback = match scope {
        Scope::Loopback => Ok(()),
        Scope::Unspecified => Err(ErrorKind::Wildcard),
        _ => Err(ErrorKind::NotLoopback),
    };
    let local = if scope.is_local_network() {
        Ok(())
    } else if scope == Scope::Unspecified {
        Err(ErrorKind::Wildcard)
    } else {
        Err(ErrorKind::NotLocalNetwork)
    };

    let kind = |r: Result<(), BindError>| r.map_err(|e| e.kind());
    assert_eq!(
        kind(Policy::default().check(addr).map(|_| ())),
        default,
        "{addr}"
    );
    assert_eq!(
        kind(<BindAddr>::try_from(addr).map(|_| ())),
        default,
        "{addr}"
    );
    assert_eq!(<BindAddr>::check_const(addr).map(|_| ()), default, "{addr}");
    assert_eq!(
        kind(text.parse::<BindAddr>().map(|_| ())),
        default,
        "{addr}"
    );
    assert_eq!(
        kind(Policy::loopback().check(addr).map(|_| ())),
        loopback,
        "{addr}"
    );
    assert_eq!(
        kind(LoopbackAddr::try_from(addr).map(|_| ())),
        loopback,
        "{addr}"
    );
    assert_eq!(
        kind(text.parse::<LoopbackAddr>().map(|_| ())),
        loopback,
        "{addr}"
    );
    assert_eq!(
        kind(Policy::local().check(addr).map(|_| ())),
        local,
        "{addr}"
    );
    assert_eq!(kind(LocalAddr::try_from(addr).map(|_| ())), local, "{addr}");
    assert_eq!(kind(text.parse::<LocalAddr>().map(|_| ())), local, "{addr}");
    if let Ok(checked) = <BindAddr>::try_from(addr) {
        assert_eq!(
            kind(checked.narrow::<bind_guard::marker::Loopback>().map(|_| ())),
            loopback
        );
    }

    // The decision never depends on the port, except for the port-0 rule.
    let mut other_port = addr;
    other_port.set_port(addr.port() ^ 0x5a5a);
    let policies = [
        Policy::default(),
        Policy::default().allow_wildcard(),
        Policy::loopback(),
        Policy::local(),
        Policy::nothing(),
    ];
    for policy in &policies {
        assert_eq!(
            policy.decide(addr),
            policy.decide(other_port),
            "{policy:?} {addr}"
        );
        let strict = policy.clone().deny_port_zero();
        if addr.port() == 0 {
            // The wildcard without its opt-in is named as the wildcard before port 0.
            let expected = if addr.ip().to_canonical().is_unspecified() && !policy.allows_wildcard()
            {
                ErrorKind::Wildcard
            } else {
                ErrorKind::PortZero
            };
            assert_eq!(strict.decide(addr), Err(expected), "{addr}");
        } else {
            assert_eq!(strict.decide(addr), policy.decide(addr), "{addr}");
        }
    }
}

/// Checks a refusal's text: it starts with the (escaped) input, which it keeps as a
/// prefix of at most 96 bytes, and shows no control or bidi-formatting character raw.
pub(crate) fn check_error(s: &str, err: &BindError) {
    assert!(
        s.starts_with(err.input()),
        "kept input {:?} is not a prefix",
        err.input()
    );
    assert!(
        err.input().len() <= 96,
        "kept input is {} bytes",
        err.input().len()
    );
    assert!(!err.hint().is_empty());
    let text = err.to_string();
    assert!(text.starts_with("bind address \""), "{text:?}");
    if let Some(raw) = text.chars().find(|c| is_unsafe_to_echo(*c)) {
        panic!("error text for {s:?} echoes {raw:?} raw: {text:?}");
    }
}

/// Control characters (C0, DEL, C1) and the Unicode bidirectional formatting characters
/// that can make a terminal show text other than what it is (Trojan Source).
pub(crate) fn is_unsafe_to_echo(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}
