//! The parsing and policy table: what `"…".parse::<BindAddr>()` (the default policy) and
//! `Policy::loopback()` say about inputs people put in configs.

use bind_guard::{BindAddr, ErrorKind, LoopbackAddr, Policy, Scope};

use ErrorKind::*;

/// `Ok((display, scope))` for accepted inputs, `Err(kind)` for refused ones.
type Expected = Result<(&'static str, Scope), ErrorKind>;

const fn ok(display: &'static str, scope: Scope) -> Expected {
    Ok((display, scope))
}

#[rustfmt::skip]
const TABLE: &[(&str, Expected)] = &[
    // accepted, with std's canonical display
    ("127.0.0.1:8080",            ok("127.0.0.1:8080", Scope::Loopback)),
    ("127.255.255.254:1",         ok("127.255.255.254:1", Scope::Loopback)),
    ("[::1]:8080",                ok("[::1]:8080", Scope::Loopback)),
    ("[0:0:0:0:0:0:0:1]:80",      ok("[::1]:80", Scope::Loopback)),
    ("[::ffff:127.0.0.1]:80",     ok("[::ffff:127.0.0.1]:80", Scope::Loopback)),
    ("[::FFFF:7f00:1]:80",        ok("[::ffff:127.0.0.1]:80", Scope::Loopback)),
    ("10.0.0.5:5432",             ok("10.0.0.5:5432", Scope::Private)),
    ("172.31.255.255:1",          ok("172.31.255.255:1", Scope::Private)),
    ("192.168.1.20:8080",         ok("192.168.1.20:8080", Scope::Private)),
    ("100.64.0.1:80",             ok("100.64.0.1:80", Scope::Shared)),
    ("169.254.10.10:80",          ok("169.254.10.10:80", Scope::LinkLocal)),
    ("[fe80::1%2]:80",            ok("[fe80::1%2]:80", Scope::LinkLocal)),
    ("[fd12:3456::1]:80",         ok("[fd12:3456::1]:80", Scope::UniqueLocal)),
    ("192.0.2.10:80",             ok("192.0.2.10:80", Scope::Documentation)),
    ("[2001:db8::1]:443",         ok("[2001:db8::1]:443", Scope::Documentation)),
    ("[3fff::1]:443",             ok("[3fff::1]:443", Scope::Documentation)),
    ("198.18.0.1:80",             ok("198.18.0.1:80", Scope::Benchmarking)),
    ("[2001:2::1]:80",            ok("[2001:2::1]:80", Scope::Benchmarking)),
    // refused by the default rule: each receives from every attached network
    ("224.0.0.251:5353",          Err(Multicast)),
    ("[ff02::fb]:5353",           Err(Multicast)),
    ("255.255.255.255:67",        Err(Broadcast)),
    ("240.0.0.1:80",              ok("240.0.0.1:80", Scope::Reserved)),
    ("0.1.2.3:80",                ok("0.1.2.3:80", Scope::Reserved)),
    ("8.8.8.8:53",                ok("8.8.8.8:53", Scope::Global)),
    ("[2606:4700::1111]:443",     ok("[2606:4700::1111]:443", Scope::Global)),
    ("1.2.3.4:0",                 ok("1.2.3.4:0", Scope::Global)),
    ("1.2.3.4:00080",             ok("1.2.3.4:80", Scope::Global)),
    ("[::1]:65535",               ok("[::1]:65535", Scope::Loopback)),
    // the wildcard, in every spelling
    ("0.0.0.0:8080",              Err(Wildcard)),
    ("0.0.0.0:0",                 Err(Wildcard)),
    ("[::]:8080",                 Err(Wildcard)),
    ("[::0]:8080",                Err(Wildcard)),
    ("[0:0:0:0:0:0:0:0]:8080",    Err(Wildcard)),
    ("[::ffff:0.0.0.0]:80",       Err(Wildcard)),
    ("[::ffff:0:0]:80",           Err(Wildcard)),
    ("[::%3]:80",                 Err(Wildcard)),
    (":8080",                     Err(EmptyHost)),
    ("*:8080",                    Err(StarHost)),
    ("*",                         Err(StarHost)),
    // C resolver shorthands and octal
    ("127.1:80",                  Err(Ipv4Shorthand)),
    ("127.0.1:80",                Err(Ipv4Shorthand)),
    ("2130706433:80",             Err(Ipv4Shorthand)),
    ("0x7f.0.0.1:80",             Err(Ipv4Shorthand)),
    ("0x7f000001:80",             Err(Ipv4Shorthand)),
    ("0177.0.0.1:80",             Err(LeadingZero)),
    ("127.000.000.001:80",        Err(LeadingZero)),
    ("010.0.0.1:80",              Err(LeadingZero)),
    ("0:80",                      Err(WildcardShorthand)),
    ("256.0.0.1:80",              Err(InvalidIpv4)),
    ("1.2.3.4.5:80",              Err(InvalidIpv4)),
    // ports
    ("127.0.0.1",                 Err(MissingPort)),
    ("127.0.0.1:",                Err(MissingPort)),
    ("[::1]",                     Err(MissingPort)),
    ("127.0.0.1:65536",           Err(PortOutOfRange)),
    ("127.0.0.1:99999999999",     Err(PortOutOfRange)),
    ("127.0.0.1:http",            Err(InvalidPort)),
    ("127.0.0.1:+80",             Err(InvalidPort)),
    ("127.0.0.1:-1",              Err(InvalidPort)),
    // names
    ("localhost:8080",            Err(Localhost)),
    ("LOCALHOST:8080",            Err(Localhost)),
    ("app.localhost:3000",        Err(Localhost)),
    ("localhost",                 Err(Localhost)),
    ("example.com:443",           Err(Hostname)),
    ("db-1.internal:5432",        Err(Hostname)),
    // IPv6 syntax
    ("::1:8080",                  Err(MissingBrackets)),
    ("::1",                       Err(MissingBrackets)),
    ("fe80::1%2:80",              Err(MissingBrackets)),
    ("[::1:8080",                 Err(InvalidIpv6)),
    ("[1::2::3]:80",              Err(InvalidIpv6)),
    ("[12345::]:80",              Err(InvalidIpv6)),
    ("[127.0.0.1]:80",            Err(Ipv4InBrackets)),
    ("[fe80::1%eth0]:80",         Err(ZoneName)),
    ("[fe80::1%]:80",             Err(EmptyZone)),
    ("[fe80::1%4294967296]:80",   Err(InvalidScopeId)),
    // other mistakes
    ("",                          Err(Empty)),
    (" 127.0.0.1:80",             Err(Whitespace)),
    ("127.0.0.1:80\n",            Err(Whitespace)),
    ("127.0.0.1:80\0",            Err(ControlCharacter)),
    ("１２７.0.0.1:80",            Err(NonAscii)),
    ("http://127.0.0.1:80",       Err(Url)),
    ("tcp://[::1]:80",            Err(Url)),
    ("10.0.0.0/8",                Err(Cidr)),
    ("[::1]]:80",                 Err(Invalid)),
    ("@:80",                      Err(Invalid)),
];

#[test]
fn default_policy() {
    for &(input, expected) in TABLE {
        let got = input.parse::<BindAddr>();
        match (got, expected) {
            (Ok(addr), Ok((display, scope))) => {
                assert_eq!(addr.to_string(), display, "{input:?}");
                assert_eq!(addr.scope(), scope, "{input:?}");
                // std agrees on every accepted input.
                assert_eq!(
                    addr,
                    input.parse::<std::net::SocketAddr>().unwrap(),
                    "{input:?}"
                );
            }
            (Err(err), Err(kind)) => {
                assert_eq!(err.kind(), kind, "{input:?}: {err}");
                let text = err.to_string();
                assert!(text.contains(kind.problem()), "{text}");
                assert!(text.contains(kind.hint()), "{text}");
                assert!(!text.chars().any(char::is_control), "{text:?}");
            }
            (got, expected) => panic!("{input:?}: got {got:?}, expected {expected:?}"),
        }
        // Policy::default().parse is the same decision as FromStr.
        assert_eq!(
            Policy::default().parse(input).map_err(|e| e.kind()),
            input.parse::<BindAddr>().map_err(|e| e.kind()),
            "{input:?}"
        );
    }
}

#[test]
fn loopback_policy_and_type_agree() {
    for &(input, expected) in TABLE {
        let policy = Policy::loopback().parse(input).map_err(|e| e.kind());
        let typed = input.parse::<LoopbackAddr>().map_err(|e| e.kind());
        assert_eq!(
            policy.map(|a| a.to_string()),
            typed.map(|a| a.to_string()),
            "{input:?}"
        );
        let want = match expected {
            Ok((display, Scope::Loopback)) => Ok(display.to_owned()),
            Ok(_) | Err(Multicast | Broadcast) => Err(NotLoopback),
            Err(kind) => Err(kind),
        };
        assert_eq!(policy.map(|a| a.to_string()), want, "{input:?}");
    }
}

#[test]
fn the_wildcard_opt_in_accepts_exactly_the_wildcards() {
    let policy = Policy::default().allow_wildcard();
    for &(input, expected) in TABLE {
        let got = policy.parse(input);
        if expected == Err(Wildcard) {
            assert!(got.unwrap().is_wildcard(), "{input:?}");
        } else {
            assert_eq!(
                got.map(|a| a.to_string()).map_err(|e| e.kind()),
                expected.map(|(d, _)| d.to_owned()),
                "{input:?}"
            );
        }
    }
}
