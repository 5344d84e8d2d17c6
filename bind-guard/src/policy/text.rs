//! The text form of a [`Policy`]: `Display` and `FromStr`, for configs, flags and the
//! environment. The grammar is documented on its own page, [`policy_text`](crate::policy_text).

use alloc::boxed::Box;
use core::fmt;
use core::str::FromStr;

use crate::{ErrorKind, Policy, Scope};

/// A base policy: its name in the text form and its constructor.
type Base = (&'static str, fn() -> Policy);

/// The base policies, by name, in the order `Display` prefers them.
const BASES: [Base; 4] = [
    ("default", Policy::new),
    ("loopback", Policy::loopback_only),
    ("local", Policy::local_network),
    ("nothing", Policy::deny_all),
];

/// What was wrong with one item of a policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyTextErrorKind {
    /// The text, or one comma-separated item of it, is empty.
    Empty,
    /// A base (`default`, `loopback`, `local`, `nothing`) after the first item.
    MisplacedBase,
    /// Not a base and not an option.
    UnknownItem,
    /// An option that takes a value (`allow_scope=`, `allow=`, …) without one.
    MissingValue,
    /// A value given to an option that takes none (`allow_wildcard=yes`).
    UnexpectedValue,
    /// A scope name that is not one of [`Scope`]'s.
    UnknownScope,
    /// A network that `ip_net!` would refuse; the [`ErrorKind`] says why.
    Network(ErrorKind),
}

impl fmt::Display for PolicyTextErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyTextErrorKind::Empty => f.write_str(
                "is empty; write a base (default, loopback, local or nothing), optionally \
                 followed by options such as allow_wildcard or deny=10.0.0.0/8, separated by commas",
            ),
            PolicyTextErrorKind::MisplacedBase => f.write_str(
                "is a base policy, which may only come first; keep one of default, loopback, \
                 local or nothing, at the start",
            ),
            PolicyTextErrorKind::UnknownItem => f.write_str(
                "is not a policy option; expected allow_wildcard, deny_port_zero, \
                 allow_port_zero, allow_scope=SCOPE, deny_scope=SCOPE, allow=CIDR or deny=CIDR, \
                 after an optional first default, loopback, local or nothing",
            ),
            PolicyTextErrorKind::MissingValue => f.write_str(
                "needs a value after =, such as allow_scope=private or deny=10.0.0.0/8",
            ),
            PolicyTextErrorKind::UnexpectedValue => {
                f.write_str("takes no value; write the option name alone")
            }
            PolicyTextErrorKind::UnknownScope => f.write_str(
                "names an unknown scope; expected one of: unspecified, loopback, link_local, \
                 private, shared, unique_local, documentation, benchmarking, multicast, \
                 broadcast, reserved, global",
            ),
            PolicyTextErrorKind::Network(kind) => write!(f, "{}; {}", kind.problem(), kind.hint()),
        }
    }
}

/// A policy text that [`Policy::from_str`] refused: the item at fault and why.
///
/// ```
/// use bind_guard::{Policy, PolicyTextErrorKind};
///
/// let err = "default,alow=10.0.0.0/8".parse::<Policy>().unwrap_err();
/// assert_eq!(err.item(), "alow=10.0.0.0/8");
/// assert_eq!(err.kind(), PolicyTextErrorKind::UnknownItem);
/// assert!(err.to_string().starts_with("policy item \"alow=10.0.0.0/8\" is not a policy option"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy item \"{}\" {kind}", crate::Escaped::new(item))]
pub struct ParsePolicyError {
    item: Box<str>,
    kind: PolicyTextErrorKind,
}

impl ParsePolicyError {
    fn new(item: &str, kind: PolicyTextErrorKind) -> Self {
        // Items are short; a hostile multi-megabyte config line is cut like BindError cuts.
        let mut end = item.len().min(96);
        while !item.is_char_boundary(end) {
            end -= 1;
        }
        ParsePolicyError {
            item: item.get(..end).unwrap_or_default().into(),
            kind,
        }
    }

    /// The item at fault, as written (cut after 96 bytes).
    #[must_use]
    pub fn item(&self) -> &str {
        &self.item
    }

    /// What was wrong with it.
    #[must_use]
    pub fn kind(&self) -> PolicyTextErrorKind {
        self.kind
    }
}

/// Reads a policy from its text form: a base, then options, separated by commas. The
/// grammar, with examples, is on its own page: [`policy_text`](crate::policy_text).
impl FromStr for Policy {
    type Err = ParsePolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut items = s.split(',').map(str::trim).peekable();
        let first = items.peek().copied().unwrap_or_default();
        let mut policy = match base(first) {
            Some(make) => {
                items.next();
                make()
            }
            None => Policy::new(),
        };
        for item in items {
            policy = apply(policy, item)?;
        }
        Ok(policy)
    }
}

fn base(name: &str) -> Option<fn() -> Policy> {
    BASES
        .iter()
        .find(|(base, _)| *base == name)
        .map(|&(_, make)| make)
}

/// Applies one option.
fn apply(policy: Policy, item: &str) -> Result<Policy, ParsePolicyError> {
    let err = |kind| ParsePolicyError::new(item, kind);
    if item.is_empty() {
        return Err(err(PolicyTextErrorKind::Empty));
    }
    if base(item).is_some() {
        return Err(err(PolicyTextErrorKind::MisplacedBase));
    }
    let (name, value) = match item.split_once('=') {
        Some((name, value)) => (name.trim_end(), Some(value.trim_start())),
        None => (item, None),
    };
    let flag = |set: fn(Policy) -> Policy| match value {
        None => Ok(set(policy.clone())),
        Some(_) => Err(err(PolicyTextErrorKind::UnexpectedValue)),
    };
    let needs_value = || match value {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(err(PolicyTextErrorKind::MissingValue)),
    };
    let scope = || {
        needs_value()?
            .parse::<Scope>()
            .map_err(|_| err(PolicyTextErrorKind::UnknownScope))
    };
    // The same strict reader as `ip_net!`: host bits are a typo, not a wish.
    let net = || {
        crate::text::net_literal::parse(needs_value()?.as_bytes())
            .map_err(|kind| err(PolicyTextErrorKind::Network(kind)))
    };
    match name {
        "allow_wildcard" => flag(Policy::allow_wildcard),
        "deny_port_zero" => flag(Policy::deny_port_zero),
        "allow_port_zero" => flag(Policy::allow_port_zero),
        "allow_scope" => Ok(policy.clone().allow_scope(scope()?)),
        "deny_scope" => Ok(policy.clone().deny_scope(scope()?)),
        "allow" => Ok(policy.clone().allow_net(net()?)),
        "deny" => Ok(policy.clone().deny_net(net()?)),
        _ => Err(err(PolicyTextErrorKind::UnknownItem)),
    }
}

/// Prints the canonical text form: the base that needs the fewest scope changes, then
/// `allow_scope=`/`deny_scope=` in [`Scope`] order, `allow_wildcard`, `deny_port_zero`,
/// and the networks in the order they were added. It parses back to an equal policy.
///
/// ```
/// use bind_guard::{Policy, Scope};
///
/// let policy = Policy::loopback_only().allow_scope(Scope::Private).deny_port_zero();
/// assert_eq!(policy.to_string(), "loopback,allow_scope=private,deny_port_zero");
/// assert_eq!(policy.to_string().parse::<Policy>()?, policy);
/// assert_eq!(Policy::default().allow_wildcard().to_string(), "default,allow_wildcard");
/// # Ok::<(), bind_guard::ParsePolicyError>(())
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, base) = pick_base(self);
        f.write_str(name)?;
        // The wildcard has its own option name; the scope list covers the rest.
        let scopes = || Scope::all().filter(|s| !matches!(s, Scope::Unspecified));
        for scope in scopes().filter(|&s| self.allows_scope(s) && !base.allows_scope(s)) {
            write!(f, ",allow_scope={scope}")?;
        }
        for scope in scopes().filter(|&s| !self.allows_scope(s) && base.allows_scope(s)) {
            write!(f, ",deny_scope={scope}")?;
        }
        if self.allows_wildcard() {
            f.write_str(",allow_wildcard")?;
        }
        if !self.allows_port_zero() {
            f.write_str(",deny_port_zero")?;
        }
        for net in self.allowed_nets() {
            write!(f, ",allow={net}")?;
        }
        for net in self.denied_nets() {
            write!(f, ",deny={net}")?;
        }
        Ok(())
    }
}

/// The base `policy` was built from, and that base.
///
/// A `Policy` does not expose its base (it decides only how refusals are named: "not a
/// loopback address" rather than "scope not allowed"), so each base is rebuilt into
/// `policy`'s scopes, port rule and lists and compared with it; among the bases that
/// give back an equal policy, the one that needs the fewest scope changes wins.
fn pick_base(policy: &Policy) -> (&'static str, Policy) {
    let mut best: Option<(bool, usize, &'static str, Policy)> = None;
    for (name, make) in BASES {
        let base = make();
        let mut rebuilt = base.clone();
        let mut changes = 0;
        for scope in Scope::all() {
            match (policy.allows_scope(scope), rebuilt.allows_scope(scope)) {
                (true, false) => {
                    rebuilt = rebuilt.allow_scope(scope);
                    changes += 1;
                }
                (false, true) => {
                    rebuilt = rebuilt.deny_scope(scope);
                    changes += 1;
                }
                _ => {}
            }
        }
        if !policy.allows_port_zero() {
            rebuilt = rebuilt.deny_port_zero();
        }
        rebuilt = rebuilt
            .allow_nets(policy.allowed_nets().iter().copied())
            .deny_nets(policy.denied_nets().iter().copied());
        let exact = rebuilt == *policy;
        // Prefer an exact rebuild, then fewer changes; earlier bases win ties.
        let better = match &best {
            None => true,
            Some((best_exact, best_changes, _, _)) => {
                (exact, core::cmp::Reverse(changes))
                    > (*best_exact, core::cmp::Reverse(*best_changes))
            }
        };
        if better {
            best = Some((exact, changes, name, base));
        }
    }
    match best {
        Some((_, _, name, base)) => (name, base),
        None => ("default", Policy::new()),
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(round_trip(&Policy::loopback_only()), "loopback");
        assert_eq!(round_trip(&Policy::local_network()), "local");
        assert_eq!(round_trip(&Policy::deny_all()), "nothing");
    }

    #[test]
    fn every_builder_step_round_trips() {
        let policies = [
            Policy::default().allow_wildcard(),
            Policy::default().deny_scope(Scope::Global).deny_port_zero(),
            Policy::loopback_only().allow_scope(Scope::Private),
            Policy::local_network()
                .deny_net(net("10.99.0.0/16"))
                .allow_net(net("203.0.113.0/24"))
                .allow_net(net("2001:db8::/32")),
            Policy::deny_all()
                .allow_scope(Scope::Loopback)
                .allow_scope(Scope::Multicast),
            // Built with Expect::Any but with loopback's scopes: must not print "loopback".
            Policy::deny_all().allow_scope(Scope::Loopback),
            Policy::loopback_only()
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
            Policy::deny_all().allow_scope(Scope::Loopback).to_string(),
            "nothing,allow_scope=loopback"
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
        let wildcard_by_scope: Policy = "nothing,allow_scope=unspecified".parse().unwrap();
        assert!(wildcard_by_scope.allows_wildcard());
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
        ];
        for (text, item, kind) in cases {
            let err = text.parse::<Policy>().unwrap_err();
            assert_eq!((err.item(), err.kind()), (item, kind), "{text:?}");
            let shown = err.to_string();
            assert!(
                shown.starts_with(&alloc::format!("policy item {item:?} ")),
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
            let mut policy = BASES[base].1();
            for step in steps {
                policy = match step {
                    Step::AllowScope(i) => policy.allow_scope(scopes[i]),
                    Step::DenyScope(i) => policy.deny_scope(scopes[i]),
                    Step::AllowWildcard => policy.allow_wildcard(),
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
    fn long_items_are_cut() {
        let long = "x".repeat(1000);
        let err = long.parse::<Policy>().unwrap_err();
        assert_eq!(err.item().len(), 96);
    }
}
