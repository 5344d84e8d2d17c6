//! The policy's tests: the algebra of bases, scopes, lists and the wildcard opt-in.

use super::*;
use alloc::vec::Vec;

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}
fn kind(policy: &Policy, s: &str) -> Option<ErrorKind> {
    policy.parse(s).err().map(|e| e.kind())
}

#[test]
fn default_is_everything_but_the_wildcard() {
    let p = Policy::default();
    for s in ["127.0.0.1:1", "8.8.8.8:53", "[2001:db8::1]:1", "10.0.0.1:0"] {
        assert_eq!(kind(&p, s), None, "{s}");
    }
    assert_eq!(kind(&p, "224.0.0.1:5"), Some(ErrorKind::Multicast));
    assert_eq!(kind(&p, "[ff02::1]:5"), Some(ErrorKind::Multicast));
    assert_eq!(kind(&p, "255.255.255.255:67"), Some(ErrorKind::Broadcast));
    let opted_in = p.clone().allow_scope(Scope::Multicast).unwrap();
    assert_eq!(kind(&opted_in, "224.0.0.1:5"), None);
    for s in [
        "0.0.0.0:1",
        "[::]:1",
        "[::0]:1",
        "[0:0:0:0:0:0:0:0]:1",
        "[::ffff:0.0.0.0]:1",
    ] {
        assert_eq!(kind(&p, s), Some(ErrorKind::Wildcard), "{s}");
    }
    assert_eq!(kind(&p, ":8080"), Some(ErrorKind::EmptyHost));
    assert_eq!(kind(&p, "*:8080"), Some(ErrorKind::StarHost));
}

#[test]
fn a_dual_stack_wildcard_meets_the_deny_list_of_the_ipv4_wildcard() {
    let policy = Policy::default()
        .allow_wildcard()
        .deny_net(net("0.0.0.0/0"));
    let any: SocketAddr = "[::]:80".parse().unwrap();
    assert_eq!(
        policy.decide_v6only(any, Some(false)),
        Err(ErrorKind::DeniedNetwork)
    );
    assert_eq!(
        policy.decide_v6only(any, None),
        Err(ErrorKind::DeniedNetwork)
    );
    assert_eq!(policy.decide_v6only(any, Some(true)), Ok(()));
    // Only `::` has an IPv4 side; the mapped wildcard is the IPv4 one already.
    let mapped: SocketAddr = "[::ffff:0.0.0.0]:80".parse().unwrap();
    assert_eq!(
        policy.decide_v6only(mapped, Some(true)),
        Err(ErrorKind::DeniedNetwork)
    );
    let loopback: SocketAddr = "[::1]:80".parse().unwrap();
    assert_eq!(policy.decide_v6only(loopback, None), Ok(()));
    // The text path judges by the system's default: dual-stack unless it is known
    // to be IPv6-only (the netns tests set net.ipv6.bindv6only both ways).
    #[cfg(feature = "std")]
    if crate::sysctl::ipv6_v6only_default() != Some(true) {
        let err = policy.parse("[::]:80").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DeniedNetwork);
        assert!(
            alloc::string::ToString::to_string(&err).contains("judged as 0.0.0.0:80 too"),
            "{err}"
        );
    }
}

#[test]
fn wildcard_opt_in() {
    let p = Policy::default().allow_wildcard();
    assert!(p.allows_wildcard());
    assert!(p.parse("0.0.0.0:80").unwrap().is_wildcard());
    assert!(p.parse("[::]:80").unwrap().is_wildcard());
    assert_eq!(
        kind(&p.clone().deny_scope(Scope::Unspecified), "[::]:80"),
        Some(ErrorKind::Wildcard)
    );
    // Lists never open the wildcard.
    let lists = Policy::default()
        .allow_net(net("0.0.0.0/0"))
        .allow_net(net("::/0"));
    assert_eq!(kind(&lists, "0.0.0.0:80"), Some(ErrorKind::Wildcard));
    // But a deny entry closes it again, in either spelling.
    for deny in ["0.0.0.0/32", "::ffff:0.0.0.0/128", "::/0"] {
        let closed = p.clone().deny_net(net(deny));
        assert_eq!(kind(&closed, "0.0.0.0:80"), Some(ErrorKind::DeniedNetwork));
        assert_eq!(
            kind(&closed, "[::ffff:0.0.0.0]:80"),
            Some(ErrorKind::DeniedNetwork)
        );
    }
    assert_eq!(kind(&p.clone().deny_net(net("::/128")), "0.0.0.0:80"), None);
}

#[test]
fn refusal_order() {
    let strict = Policy::loopback()
        .deny_port_zero()
        .deny_net(net("127.0.0.0/8"));
    // Wildcard first, then port 0, then the deny list, then the scope.
    assert_eq!(kind(&strict, "0.0.0.0:0"), Some(ErrorKind::Wildcard));
    assert_eq!(kind(&strict, "127.0.0.1:0"), Some(ErrorKind::PortZero));
    assert_eq!(kind(&strict, "127.0.0.1:1"), Some(ErrorKind::DeniedNetwork));
    assert_eq!(kind(&strict, "10.0.0.1:1"), Some(ErrorKind::NotLoopback));
    let open = Policy::loopback().allow_wildcard().deny_port_zero();
    assert_eq!(kind(&open, "0.0.0.0:0"), Some(ErrorKind::PortZero));
    assert_eq!(kind(&open, "0.0.0.0:1"), None);
    // An allow entry does not matter to the opted-in wildcard, nor open it.
    let allow = Policy::default().allow_net(net("0.0.0.0/32"));
    assert_eq!(kind(&allow, "0.0.0.0:1"), Some(ErrorKind::Wildcard));
    // Taking the opt-in back refuses the wildcard again.
    let back = Policy::default()
        .allow_wildcard()
        .deny_scope(Scope::Unspecified);
    assert_eq!(kind(&back, "[::]:1"), Some(ErrorKind::Wildcard));
}

#[test]
fn bases_are_kept() {
    assert_eq!(Policy::new().base(), Base::Default);
    assert_eq!(Policy::loopback().base(), Base::Loopback);
    assert_eq!(Policy::local().base(), Base::Local);
    assert_eq!(Policy::nothing().base(), Base::Nothing);
    let changed = Policy::loopback()
        .allow_wildcard()
        .deny_scope(Scope::Loopback)
        .allow_net(net("10.0.0.0/8"));
    assert_eq!(changed.base(), Base::Loopback);
    for base in Base::ALL {
        assert_eq!(base.policy().rule, base.rule());
    }
}

#[test]
fn deny_wins_over_allow_and_scope() {
    let p = Policy::loopback()
        .allow_net(net("10.0.0.0/8"))
        .deny_net(net("10.1.0.0/16"))
        .deny_net(net("127.0.0.2/32"));
    assert_eq!(kind(&p, "10.2.3.4:1"), None);
    assert_eq!(kind(&p, "10.1.3.4:1"), Some(ErrorKind::DeniedNetwork));
    assert_eq!(kind(&p, "127.0.0.2:1"), Some(ErrorKind::DeniedNetwork));
    assert_eq!(kind(&p, "127.0.0.1:1"), None);
    assert_eq!(kind(&p, "11.0.0.1:1"), Some(ErrorKind::NotLoopback));
    // Mapped addresses match the IPv4 lists, and mapped entries IPv4 addresses.
    assert_eq!(
        kind(&p, "[::ffff:10.1.0.1]:1"),
        Some(ErrorKind::DeniedNetwork)
    );
    assert_eq!(kind(&p, "[::ffff:10.2.0.1]:1"), None);
    let mapped = Policy::loopback()
        .allow_net(net("::ffff:10.0.0.0/104"))
        .deny_net(net("::ffff:10.1.0.0/112"));
    assert_eq!(kind(&mapped, "10.2.3.4:1"), None);
    assert_eq!(kind(&mapped, "10.1.3.4:1"), Some(ErrorKind::DeniedNetwork));
    assert_eq!(kind(&mapped, "11.0.0.1:1"), Some(ErrorKind::NotLoopback));
}

#[test]
fn scopes_and_port_zero() {
    let p = Policy::nothing()
        .allow_scope(Scope::Private)
        .unwrap()
        .deny_port_zero();
    assert_eq!(kind(&p, "10.0.0.1:80"), None);
    assert_eq!(kind(&p, "10.0.0.1:0"), Some(ErrorKind::PortZero));
    assert_eq!(
        kind(&p, "8.8.8.8:80"),
        Some(ErrorKind::ScopeNotAllowed(Scope::Global))
    );
    assert_eq!(p.scopes().collect::<Vec<_>>(), [Scope::Private]);
    // The wildcard has one opt-in; allow_scope refuses to be another.
    assert_eq!(
        Policy::nothing().allow_scope(Scope::Unspecified),
        Err(WildcardScopeError)
    );
    assert!(p.allow_port_zero().allows_port_zero());
}

#[test]
fn local() {
    let p = Policy::local();
    for s in [
        "127.0.0.1:1",
        "169.254.1.1:1",
        "172.16.0.1:1",
        "100.64.0.1:1",
        "[fd00::1]:1",
        "[fe80::1%2]:1",
    ] {
        assert_eq!(kind(&p, s), None, "{s}");
    }
    assert_eq!(kind(&p, "8.8.8.8:1"), Some(ErrorKind::NotLocalNetwork));
    assert_eq!(kind(&p, "0.0.0.0:1"), Some(ErrorKind::Wildcard));
}

#[test]
fn allows_is_decide_without_the_reason() {
    let addr: SocketAddr = "127.0.0.1:80".parse().unwrap();
    assert!(Policy::loopback().allows(addr));
    assert!(!Policy::nothing().allows(addr));
}

#[test]
fn check_matches_parse() {
    let addr: SocketAddr = "0.0.0.0:1".parse().unwrap();
    assert_eq!(
        Policy::new().check(addr).unwrap_err().kind(),
        ErrorKind::Wildcard
    );
    assert_eq!(Policy::new().check(addr).unwrap_err().input(), "0.0.0.0:1");
}

mod properties {
    use super::*;
    use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    use ipnet::{Ipv4Net, Ipv6Net};
    use proptest::prelude::*;

    /// IPv4 networks, half of them inside 10.0.0.0/16 so that lists and addresses
    /// meet; and IPv6 networks, a third IPv4-mapped.
    fn arb_net() -> impl Strategy<Value = IpNet> {
        prop_oneof![
            (any::<u32>(), 0u8..=32, any::<bool>()).prop_map(|(bits, len, near)| {
                let bits = if near {
                    0x0A00_0000 | (bits & 0xFFFF)
                } else {
                    bits
                };
                IpNet::V4(
                    Ipv4Net::new(Ipv4Addr::from_bits(bits), len)
                        .unwrap()
                        .trunc(),
                )
            }),
            (any::<u128>(), 0u8..=128, 0u8..3).prop_map(|(bits, len, kind)| {
                let (bits, len) = match kind {
                    0 => (0xFFFF_0A00_0000 | (bits & 0xFFFF), len.max(96)),
                    1 => (0x2001_0db8_u128 << 96 | (bits & 0xFFFF), len),
                    _ => (bits, len),
                };
                IpNet::V6(
                    Ipv6Net::new(Ipv6Addr::from_bits(bits), len)
                        .unwrap()
                        .trunc(),
                )
            }),
        ]
    }

    /// Addresses of every scope: the wildcards, loopback, 10/16, random.
    fn arb_ip() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            Just(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            Just(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
            Just(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            Just(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            any::<u16>().prop_map(|x| IpAddr::V4(Ipv4Addr::from_bits(0x0A00_0000 | u32::from(x)))),
            any::<u32>().prop_map(|x| IpAddr::V4(Ipv4Addr::from_bits(x))),
            any::<u128>().prop_map(|x| IpAddr::V6(Ipv6Addr::from_bits(x))),
        ]
    }

    /// A policy from a base and a few builder steps (the wildcard opted in or not).
    fn arb_policy() -> impl Strategy<Value = Policy> {
        let scopes: Vec<Scope> = Scope::all().collect();
        (
            0..4usize,
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec((0..scopes.len(), any::<bool>()), 0..4),
            proptest::collection::vec(arb_net(), 0..6),
            proptest::collection::vec(arb_net(), 0..6),
        )
            .prop_map(
                move |(base, wildcard, port_zero, scope_steps, allow, deny)| {
                    let mut p = Base::ALL[base].policy();
                    for (i, allow) in scope_steps {
                        p = match (allow, scopes[i]) {
                            (true, Scope::Unspecified) => p.allow_wildcard(),
                            (true, s) => p.allow_scope(s).unwrap(),
                            (false, s) => p.deny_scope(s),
                        };
                    }
                    if wildcard {
                        p = p.allow_wildcard();
                    }
                    if !port_zero {
                        p = p.deny_port_zero();
                    }
                    p.allow_nets(allow).deny_nets(deny)
                },
            )
    }

    /// `net` in the other spelling: IPv4 as IPv4-mapped, IPv4-mapped as IPv4.
    fn respell(net: IpNet) -> IpNet {
        match net {
            IpNet::V4(n) => {
                IpNet::V6(Ipv6Net::new(n.network().to_ipv6_mapped(), n.prefix_len() + 96).unwrap())
            }
            IpNet::V6(n) => match (n.network().to_ipv4_mapped(), n.prefix_len()) {
                (Some(v4), len) if len >= 96 => IpNet::V4(Ipv4Net::new(v4, len - 96).unwrap()),
                _ => net,
            },
        }
    }

    fn inside(net: IpNet, bits: u128) -> IpAddr {
        match net {
            IpNet::V4(n) => IpAddr::V4(Ipv4Addr::from_bits(
                n.network().to_bits() | (bits as u32 & n.hostmask().to_bits()),
            )),
            IpNet::V6(n) => IpAddr::V6(Ipv6Addr::from_bits(
                n.network().to_bits() | (bits & n.hostmask().to_bits()),
            )),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Deny wins: whatever the policy (wildcard opted in, allow lists, scopes),
        /// an address inside a denied network is refused, in either spelling.
        #[test]
        fn deny_wins_for_every_address(
            policy in arb_policy(),
            net in arb_net(),
            bits in any::<u128>(),
            port in any::<u16>(),
            respelled in any::<bool>(),
        ) {
            let entry = if respelled { respell(net) } else { net };
            let denied = policy.deny_net(entry);
            let ip = inside(net, bits);
            prop_assert!(!denied.allows(SocketAddr::new(ip, port)), "{} {}", denied, ip);
        }

        /// A policy decides the same whether its IPv4 entries are written as IPv4
        /// or as IPv4-mapped networks, for every address.
        #[test]
        fn mapped_and_unmapped_entries_decide_identically(
            policy in arb_policy(),
            allow in proptest::collection::vec(arb_net(), 0..6),
            deny in proptest::collection::vec(arb_net(), 0..6),
            ips in proptest::collection::vec(arb_ip(), 1..16),
            port in any::<u16>(),
        ) {
            let plain = policy.clone().allow_nets(allow.clone()).deny_nets(deny.clone());
            let respelled = policy
                .allow_nets(allow.into_iter().map(respell))
                .deny_nets(deny.into_iter().map(respell));
            for ip in ips {
                let addr = SocketAddr::new(ip, port);
                prop_assert_eq!(plain.decide(addr), respelled.decide(addr), "{}", ip);
            }
        }

        /// An IPv4 address and its IPv4-mapped form get the same decision.
        #[test]
        fn an_address_and_its_mapped_form_decide_identically(
            policy in arb_policy(),
            ip in any::<u32>(),
            near in any::<bool>(),
            port in any::<u16>(),
        ) {
            let v4 = Ipv4Addr::from_bits(if near { 0x0A00_0000 | (ip & 0xFFFF) } else { ip });
            let plain = SocketAddr::new(IpAddr::V4(v4), port);
            let mapped = SocketAddr::new(IpAddr::V6(v4.to_ipv6_mapped()), port);
            prop_assert_eq!(policy.decide(plain), policy.decide(mapped), "{}", v4);
        }

        /// Nothing but `allow_wildcard` opens the wildcard: no list, no scope step.
        #[test]
        fn only_the_opt_in_opens_the_wildcard(policy in arb_policy(), port in any::<u16>()) {
            for ip in [
                IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped()),
            ] {
                let addr = SocketAddr::new(ip, port);
                if !policy.allows_wildcard() {
                    prop_assert_eq!(policy.decide(addr), Err(ErrorKind::Wildcard));
                }
            }
        }
    }
}
