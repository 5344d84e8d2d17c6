//! The policy text's tests: round trips, every error kind, and hostile text.

use super::*;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}

fn round_trip(policy: &Policy) -> String {
    let text = policy.to_string();
    let back: Policy = text.parse().unwrap();
    assert_eq!(&back, policy, "{text}");
    assert_eq!(back.to_string(), text);
    text
}

#[test]
fn bases_print_their_name() {
    assert_eq!(round_trip(&Policy::default()), "default");
    assert_eq!(round_trip(&Policy::loopback()), "loopback");
    assert_eq!(round_trip(&Policy::local()), "local");
    assert_eq!(round_trip(&Policy::nothing()), "nothing");
}

#[test]
fn every_builder_step_round_trips() {
    let policies = [
        Policy::default().allow_wildcard(),
        Policy::default().deny_scope(Scope::Global).deny_port_zero(),
        Policy::loopback().allow_scope(Scope::Private).unwrap(),
        Policy::local()
            .deny_net(net("10.99.0.0/16"))
            .allow_net(net("203.0.113.0/24"))
            .allow_net(net("2001:db8::/32")),
        Policy::nothing()
            .allow_scope(Scope::Loopback)
            .unwrap()
            .allow_scope(Scope::Multicast)
            .unwrap(),
        // Built with Expect::Any but with loopback's scopes: must not print "loopback".
        Policy::nothing().allow_scope(Scope::Loopback).unwrap(),
        // Every scope of `default` denied: still `default`, not `nothing`.
        Scope::all().fold(Policy::default(), Policy::deny_scope),
        Policy::loopback()
            .deny_scope(Scope::Loopback)
            .allow_wildcard(),
        Policy::default()
            .allow_net(net("10.0.0.0/9"))
            .allow_net(net("10.128.0.0/9")),
    ];
    for policy in &policies {
        round_trip(policy);
    }
    assert_eq!(
        Policy::nothing()
            .allow_scope(Scope::Loopback)
            .unwrap()
            .to_string(),
        "nothing,allow_scope=loopback"
    );
    let named = Policy::loopback().allow_abstract().allow_wildcard();
    assert_eq!(round_trip(&named), "loopback,allow_wildcard,allow_abstract");
    assert!(!Policy::loopback().allows_abstract());
    let parsed: Policy = "local, allow_abstract".parse().unwrap();
    assert!(parsed.allows_abstract());
    assert_eq!(
        "allow_abstract=yes".parse::<Policy>().unwrap_err().kind(),
        PolicyTextErrorKind::UnexpectedValue
    );
}

#[test]
fn text_is_read_leniently_but_printed_canonically() {
    let policy: Policy = " deny_port_zero , allow = 10.0.0.0/8 ,allow_wildcard"
        .parse()
        .unwrap();
    assert_eq!(
        policy,
        Policy::new()
            .deny_port_zero()
            .allow_net(net("10.0.0.0/8"))
            .allow_wildcard()
    );
    assert_eq!(
        policy.to_string(),
        "default,allow_wildcard,deny_port_zero,allow=10.0.0.0/8"
    );
    let wildcard_by_scope = "nothing,allow_scope=unspecified".parse::<Policy>();
    assert_eq!(
        wildcard_by_scope.map_err(|e| e.kind()),
        Err(PolicyTextErrorKind::WildcardScope)
    );
}

#[test]
fn errors_name_the_item_and_the_reason() {
    let cases: Vec<(&str, &str, PolicyTextErrorKind)> = alloc::vec![
        ("", "", PolicyTextErrorKind::Empty),
        ("default,", "", PolicyTextErrorKind::Empty),
        ("default,,allow_wildcard", "", PolicyTextErrorKind::Empty),
        (
            "allow_wildcard,loopback",
            "loopback",
            PolicyTextErrorKind::MisplacedBase
        ),
        ("Default", "Default", PolicyTextErrorKind::UnknownItem),
        (
            "alow=10.0.0.0/8",
            "alow=10.0.0.0/8",
            PolicyTextErrorKind::UnknownItem
        ),
        (
            "allow_scope",
            "allow_scope",
            PolicyTextErrorKind::MissingValue
        ),
        ("deny=", "deny=", PolicyTextErrorKind::MissingValue),
        (
            "allow_wildcard=yes",
            "allow_wildcard=yes",
            PolicyTextErrorKind::UnexpectedValue
        ),
        (
            "allow_scope=lan",
            "allow_scope=lan",
            PolicyTextErrorKind::UnknownScope
        ),
        (
            "deny=10.0.0.1/8",
            "deny=10.0.0.1/8",
            PolicyTextErrorKind::Network(ErrorKind::HostBits),
        ),
        (
            "allow=10.0.0.0/33",
            "allow=10.0.0.0/33",
            PolicyTextErrorKind::Network(ErrorKind::PrefixLength),
        ),
        (
            "allow=10.0.0.0",
            "allow=10.0.0.0",
            PolicyTextErrorKind::Network(ErrorKind::InvalidNetwork),
        ),
        (
            "nothing,allow_scope=unspecified",
            "allow_scope=unspecified",
            PolicyTextErrorKind::WildcardScope
        ),
        (
            "\u{3000}default",
            "\u{3000}default",
            PolicyTextErrorKind::NonAscii
        ),
        (
            "loopback\u{a0}",
            "loopback\u{a0}",
            PolicyTextErrorKind::NonAscii
        ),
        (
            "default,allow_scope=\u{85}private",
            "allow_scope=\u{85}private",
            PolicyTextErrorKind::NonAscii
        ),
        (
            "allow=\u{2028}10.0.0.0/8",
            "allow=\u{2028}10.0.0.0/8",
            PolicyTextErrorKind::NonAscii
        ),
    ];
    for (text, item, kind) in cases {
        let err = text.parse::<Policy>().unwrap_err();
        assert_eq!((err.item(), err.kind()), (item, kind), "{text:?}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&alloc::format!(
                "policy item \"{}\" ",
                crate::Escaped::new(item)
            )),
            "{shown}"
        );
    }
    let err = "deny=10.0.0.1/8".parse::<Policy>().unwrap_err();
    assert!(
        err.to_string()
            .contains("10.0.0.0/8 rather than 10.0.0.1/8"),
        "{err}"
    );
}

/// One builder step, for the property test.
#[derive(Debug, Clone)]
enum Step {
    AllowScope(usize),
    DenyScope(usize),
    AllowWildcard,
    AllowAbstract,
    DenyPortZero,
    AllowPortZero,
    AllowNet(ipnet::IpNet),
    DenyNet(ipnet::IpNet),
}

fn arb_net() -> impl proptest::strategy::Strategy<Value = ipnet::IpNet> {
    use proptest::prelude::*;
    prop_oneof![
        (any::<u32>(), 0u8..=32).prop_map(|(bits, len)| {
            ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(core::net::Ipv4Addr::from_bits(bits), len)
                    .unwrap()
                    .trunc(),
            )
        }),
        (any::<u128>(), 0u8..=128).prop_map(|(bits, len)| {
            ipnet::IpNet::V6(
                ipnet::Ipv6Net::new(core::net::Ipv6Addr::from_bits(bits), len)
                    .unwrap()
                    .trunc(),
            )
        }),
    ]
}

fn arb_step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        (0..12usize).prop_map(Step::AllowScope),
        (0..12usize).prop_map(Step::DenyScope),
        Just(Step::AllowWildcard),
        Just(Step::AllowAbstract),
        Just(Step::DenyPortZero),
        Just(Step::AllowPortZero),
        arb_net().prop_map(Step::AllowNet),
        arb_net().prop_map(Step::DenyNet),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any policy the builder can make prints a text that parses back to it.
    #[test]
    fn any_built_policy_round_trips(
        base in 0..4usize,
        steps in proptest::collection::vec(arb_step(), 0..8),
    ) {
        let scopes: Vec<Scope> = Scope::all().collect();
        let mut policy = Base::ALL[base].policy();
        for step in steps {
            policy = match step {
                Step::AllowScope(i) if scopes[i] == Scope::Unspecified => {
                    policy.allow_wildcard()
                }
                Step::AllowScope(i) => policy.allow_scope(scopes[i]).unwrap(),
                Step::DenyScope(i) => policy.deny_scope(scopes[i]),
                Step::AllowWildcard => policy.allow_wildcard(),
                Step::AllowAbstract => policy.allow_abstract(),
                Step::DenyPortZero => policy.deny_port_zero(),
                Step::AllowPortZero => policy.allow_port_zero(),
                Step::AllowNet(net) => policy.allow_net(net),
                Step::DenyNet(net) => policy.deny_net(net),
            };
        }
        let text = policy.to_string();
        let back: Policy = text.parse().unwrap();
        proptest::prop_assert_eq!(&back, &policy, "{}", text);
        proptest::prop_assert_eq!(back.to_string(), text);
    }
}

#[test]
fn port_zero_options_apply_in_order() {
    let back: Policy = "default,deny_port_zero,allow_port_zero".parse().unwrap();
    assert!(back.allows_port_zero());
    let off: Policy = "default,allow_port_zero,deny_port_zero".parse().unwrap();
    assert!(!off.allows_port_zero());
}

#[test]
fn long_items_are_cut() {
    let long = "x".repeat(1000);
    let err = long.parse::<Policy>().unwrap_err();
    assert_eq!(err.item().len(), 96);
}
