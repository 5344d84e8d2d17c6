//! Verdicts of issue 9: each test is one item of the issue, written against the public
//! API, and each failed on the code before its fix. Kinds added by the fixes are matched
//! by their stable name (`ErrorKind::name`).

use bind_guard::{BindAddr, BindSet, ErrorKind, Policy, Scope};

fn kind(policy: &Policy, s: &str) -> Option<ErrorKind> {
    policy.parse(s).err().map(|e| e.kind())
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}

/// Item 1: deny wins, the wildcard included, in the text form and the builder.
#[test]
fn item01_deny_wins_over_the_wildcard_opt_in() {
    let text: Policy = "default,allow_wildcard,deny=0.0.0.0/0".parse().unwrap();
    assert_eq!(kind(&text, "0.0.0.0:80"), Some(ErrorKind::DeniedNetwork));
    assert_eq!(
        kind(&text, "[::ffff:0.0.0.0]:80"),
        Some(ErrorKind::DeniedNetwork)
    );
    let built = Policy::default()
        .allow_wildcard()
        .deny_net(net("0.0.0.0/32"));
    assert_eq!(kind(&built, "0.0.0.0:80"), Some(ErrorKind::DeniedNetwork));
    let v6 = Policy::default().allow_wildcard().deny_net(net("::/128"));
    assert_eq!(kind(&v6, "[::]:80"), Some(ErrorKind::DeniedNetwork));
    // The opt-in still opens what no deny entry covers.
    assert_eq!(kind(&v6, "0.0.0.0:80"), None);
}

/// Item 2: an IPv4-mapped entry means its IPv4 addresses, in deny and allow lists.
#[test]
fn item02_mapped_entries_mean_their_ipv4_addresses() {
    let deny_lo: Policy = "default,deny=::ffff:127.0.0.0/104".parse().unwrap();
    assert_eq!(
        kind(&deny_lo, "127.0.0.1:80"),
        Some(ErrorKind::DeniedNetwork)
    );
    assert_eq!(kind(&deny_lo, "128.0.0.1:80"), None);
    let deny_all_v4: Policy = "default,deny=::ffff:0.0.0.0/96".parse().unwrap();
    assert_eq!(
        kind(&deny_all_v4, "8.8.8.8:53"),
        Some(ErrorKind::DeniedNetwork)
    );
    assert_eq!(kind(&deny_all_v4, "[2001:db8::1]:53"), None);
    let allow = Policy::loopback().allow_net(net("::ffff:10.0.0.0/104"));
    assert_eq!(kind(&allow, "10.1.2.3:80"), None);
    assert_eq!(kind(&allow, "11.1.2.3:80"), Some(ErrorKind::NotLoopback));
    // And the other direction, as before.
    let v4 = Policy::loopback().allow_net(net("10.0.0.0/8"));
    assert_eq!(kind(&v4, "[::ffff:10.1.2.3]:80"), None);
}

/// Item 3: `allow_scope=unspecified` is an error that names `allow_wildcard`.
#[test]
fn item03_only_allow_wildcard_opens_the_wildcard() {
    for text in [
        "nothing,allow_scope=unspecified",
        "default,allow_scope=unspecified",
    ] {
        let err = text.parse::<Policy>().unwrap_err();
        assert_eq!(err.item(), "allow_scope=unspecified");
        assert!(err.to_string().contains("allow_wildcard"), "{err}");
    }
    let err = Policy::nothing()
        .allow_scope(Scope::Unspecified)
        .unwrap_err();
    assert!(err.to_string().contains("allow_wildcard"), "{err}");
    assert!(
        Policy::nothing()
            .allow_scope(Scope::Private)
            .unwrap()
            .allows_scope(Scope::Private)
    );
}

/// Item 3: the policy text trims ASCII white space only.
#[test]
fn item03_policy_text_trims_ascii_white_space_only() {
    for text in [
        "\u{3000}default",
        "loopback\u{a0}",
        "default,allow_scope=\u{85}private",
        "default,allow=\u{2028}10.0.0.0/8",
        "default,\u{a0}allow_wildcard",
    ] {
        assert!(text.parse::<Policy>().is_err(), "{text:?}");
    }
    let ok: Policy = " loopback ,\tallow = 10.0.0.0/8\n".parse().unwrap();
    assert_eq!(ok, Policy::loopback().allow_net(net("10.0.0.0/8")));
}

/// Item 12: a bad port after `localhost` is named as a port problem.
#[test]
fn item12_localhost_port_problems_are_named() {
    let cases = [
        ("localhost:99999", ErrorKind::PortOutOfRange),
        ("localhost:", ErrorKind::MissingPort),
        ("localhost:http", ErrorKind::InvalidPort),
        ("api.localhost:http", ErrorKind::InvalidPort),
        ("example.com:99999", ErrorKind::PortOutOfRange),
    ];
    for (text, expected) in cases {
        let parsed = text.parse::<BindAddr>().unwrap_err().kind();
        assert_eq!(parsed, expected, "parse {text}");
        let resolved = Policy::default().resolve(text).unwrap_err().kind();
        assert_eq!(resolved, expected, "resolve {text}");
    }
}

/// Item 13: `resolve` refuses the shorthands `parse` refuses, before any resolver.
#[test]
fn item13_resolve_refuses_shorthands() {
    let cases = [
        ("0x7f000001:80", ErrorKind::Ipv4Shorthand),
        ("0x7f.1:80", ErrorKind::Ipv4Shorthand),
        ("0x7F.0.0.1:80", ErrorKind::Ipv4Shorthand),
        ("127.1:80", ErrorKind::Ipv4Shorthand),
        ("0177.0.0.1:80", ErrorKind::LeadingZero),
    ];
    for (text, expected) in cases {
        let parsed = Policy::loopback().parse(text).unwrap_err().kind();
        let resolved = Policy::loopback().resolve(text).map_err(|e| e.kind());
        assert_eq!(resolved, Err(parsed), "{text}");
        assert_eq!(parsed, expected, "{text}");
    }
}

/// Item 14: `0:80` is the wildcard in shorthand, and the message says so.
#[test]
fn item14_zero_shorthand_is_named_as_the_wildcard() {
    for text in ["0:80", "0.0:80", "0x0:80", "0.0.0:80"] {
        let err = text.parse::<BindAddr>().unwrap_err();
        assert_eq!(err.kind().name(), "wildcard_shorthand", "{text}");
        assert!(err.to_string().contains("0.0.0.0"), "{err}");
        assert!(err.to_string().contains("wildcard"), "{err}");
    }
    // Other shorthands keep their kind.
    assert_eq!(
        "127.1:80".parse::<BindAddr>().unwrap_err().kind(),
        ErrorKind::Ipv4Shorthand
    );
}

/// Item 15: under `deny_port_zero`, the wildcard with port 0 is refused as the wildcard.
#[test]
fn item15_wildcard_is_named_before_port_zero() {
    let p = Policy::default().deny_port_zero();
    assert_eq!(kind(&p, "0.0.0.0:0"), Some(ErrorKind::Wildcard));
    assert_eq!(kind(&p, "[::]:0"), Some(ErrorKind::Wildcard));
    assert_eq!(kind(&p, "127.0.0.1:0"), Some(ErrorKind::PortZero));
    let open = p.allow_wildcard();
    assert_eq!(kind(&open, "0.0.0.0:0"), Some(ErrorKind::PortZero));
}

/// Item 16: `[fe80::1%]:80` says the zone is empty.
#[test]
fn item16_empty_zone_is_named() {
    let err = "[fe80::1%]:80".parse::<BindAddr>().unwrap_err();
    assert_eq!(err.kind().name(), "empty_zone");
    assert!(err.to_string().contains("empty"), "{err}");
    assert_eq!(
        "[fe80::1%eth0]:80".parse::<BindAddr>().unwrap_err().kind(),
        ErrorKind::ZoneName
    );
}

/// Item 17: names under `.localhost` are checked as DNS labels.
#[test]
fn item17_localhost_names_are_dns_labels() {
    for text in [
        "-.localhost:80",
        "a..localhost:80",
        "_x.localhost:80",
        "a-.localhost:80",
        "x_y.localhost:80",
    ] {
        let parsed = text.parse::<BindAddr>().unwrap_err().kind();
        assert_ne!(parsed, ErrorKind::Localhost, "{text}");
        assert!(Policy::default().resolve(text).is_err(), "{text}");
        assert!(text.parse::<BindSet>().is_err(), "{text}");
    }
    for text in ["a-b.localhost:80", "x1.y2.localhost.:80", "LOCALHOST:80"] {
        assert_eq!(
            text.parse::<BindAddr>().unwrap_err().kind(),
            ErrorKind::Localhost,
            "{text}"
        );
        assert_eq!(Policy::default().resolve(text).unwrap().len(), 2, "{text}");
    }
}

/// Item 18: two spellings of one socket are one entry of a `BindSet`.
#[test]
fn item18_one_socket_two_spellings() {
    for list in [
        "127.0.0.1:8181,[::ffff:127.0.0.1]:8181",
        "[::ffff:127.0.0.1]:8181,127.0.0.1:8181",
        "[::1]:8181,[::1%7]:8181",
        "[2001:db8::1%3]:8181,[2001:db8::1]:8181",
        "localhost:8181,[::ffff:127.0.0.1]:8181",
    ] {
        let set = BindSet::parse(&Policy::default(), list).unwrap();
        let expected = if list.starts_with("localhost") { 2 } else { 1 };
        assert_eq!(set.len(), expected, "{list}: {set}");
    }
    // Link-local addresses on two interfaces are two sockets.
    let two = BindSet::parse(&Policy::default(), "[fe80::1%2]:8181,[fe80::1%3]:8181").unwrap();
    assert_eq!(two.len(), 2);
    let from = BindSet::from_addrs([
        "127.0.0.1:8181".parse::<BindAddr>().unwrap(),
        "[::ffff:127.0.0.1]:8181".parse::<BindAddr>().unwrap(),
    ])
    .unwrap();
    assert_eq!(from.len(), 1);
}

/// Item 18, on a real socket: the list binds without EADDRINUSE.
#[test]
fn item18_two_spellings_bind_once() {
    let free = BindAddr::loopback(0).bind_tcp().unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let list = format!("127.0.0.1:{port},[::ffff:127.0.0.1]:{port}");
    let set = BindSet::parse(&Policy::default(), &list).unwrap();
    let listeners = set.bind_tcp().unwrap();
    assert_eq!(listeners.len(), 1);
}
