//! The text form of a [`Policy`]: `Display` and `FromStr`, for configs, flags and the
//! environment. The grammar is documented on its own page, [`policy_text`](crate::policy_text).

use alloc::boxed::Box;
use core::fmt;
use core::str::FromStr;

use super::Base;
use crate::{ErrorKind, Policy, Scope};

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
    /// `allow_scope=unspecified`: the wildcard has one opt-in, `allow_wildcard`.
    WildcardScope,
    /// A character that is not ASCII, such as a no-break or ideographic space: the
    /// text form is ASCII, and only ASCII white space is trimmed.
    NonAscii,
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
                "is not a policy option; expected allow_wildcard, allow_abstract, deny_port_zero, \
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
            PolicyTextErrorKind::WildcardScope => f.write_str(
                "names the wildcard (0.0.0.0, [::]), which has one opt-in of its own: \
                 write allow_wildcard instead",
            ),
            PolicyTextErrorKind::NonAscii => f.write_str(
                "contains a character that is not ASCII (such as a no-break or ideographic \
                 space); a policy is written in plain ASCII, separated by commas",
            ),
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
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy item \"{}\" {kind}", crate::Escaped::new(item))]
pub struct ParsePolicyError {
    item: Box<str>,
    kind: PolicyTextErrorKind,
}

crate::bind_error::debug_is_display!(ParsePolicyError);

impl ParsePolicyError {
    fn new(item: &str, kind: PolicyTextErrorKind) -> Self {
        // Items are short; a hostile multi-megabyte config line is cut as BindError cuts.
        ParsePolicyError {
            item: crate::bind_error::kept(item).0.into(),
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
        let mut items = s.split(',').map(trim_ascii);
        let mut lists = Lists::default();
        let mut policy = None;
        for item in items.by_ref() {
            match policy {
                // The first item may be a base; without one, the base is `default`.
                None => match base(checked(item)?) {
                    Some(base) => policy = Some(base.policy()),
                    None => policy = Some(apply(Policy::new(), item, &mut lists)?),
                },
                Some(built) => policy = Some(apply(built, item, &mut lists)?),
            }
        }
        // `split` yields at least one item, so `policy` is set; an empty text was
        // refused as an empty item above.
        let policy = policy.ok_or_else(|| ParsePolicyError::new(s, PolicyTextErrorKind::Empty))?;
        // The networks go in at once, sorted: a long list costs O(n log n).
        Ok(policy.allow_nets(lists.allow).deny_nets(lists.deny))
    }
}

/// The `allow=` and `deny=` networks of a text, in the order written.
#[derive(Default)]
struct Lists {
    allow: alloc::vec::Vec<ipnet::IpNet>,
    deny: alloc::vec::Vec<ipnet::IpNet>,
}

/// `s` without the ASCII white space around it (and only that: other Unicode spaces are
/// refused by [`checked`], not silently removed).
fn trim_ascii(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// The item, if it is ASCII.
fn checked(item: &str) -> Result<&str, ParsePolicyError> {
    if item.is_ascii() {
        Ok(item)
    } else {
        Err(ParsePolicyError::new(item, PolicyTextErrorKind::NonAscii))
    }
}

fn base(name: &str) -> Option<Base> {
    Base::ALL.into_iter().find(|base| base.name() == name)
}

/// Applies one option; networks are collected in `lists`. Takes the policy by value,
/// so a long text costs no copies.
fn apply(policy: Policy, item: &str, lists: &mut Lists) -> Result<Policy, ParsePolicyError> {
    let err = |kind| ParsePolicyError::new(item, kind);
    let item = checked(item)?;
    if item.is_empty() {
        return Err(err(PolicyTextErrorKind::Empty));
    }
    if base(item).is_some() {
        return Err(err(PolicyTextErrorKind::MisplacedBase));
    }
    let (name, value) = match item.split_once('=') {
        Some((name, value)) => (trim_ascii(name), Some(trim_ascii(value))),
        None => (item, None),
    };
    let no_value = || match value {
        None => Ok(()),
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
        "allow_wildcard" => no_value().map(|()| policy.allow_wildcard()),
        "allow_abstract" => no_value().map(|()| policy.allow_abstract()),
        "deny_port_zero" => no_value().map(|()| policy.deny_port_zero()),
        "allow_port_zero" => no_value().map(|()| policy.allow_port_zero()),
        "allow_scope" => policy
            .allow_scope(scope()?)
            .map_err(|_| err(PolicyTextErrorKind::WildcardScope)),
        "deny_scope" => Ok(policy.deny_scope(scope()?)),
        "allow" => {
            lists.allow.push(net()?);
            Ok(policy)
        }
        "deny" => {
            lists.deny.push(net()?);
            Ok(policy)
        }
        _ => Err(err(PolicyTextErrorKind::UnknownItem)),
    }
}

/// Prints the canonical text form: the base the policy was built from, then the scope
/// changes from that base as `allow_scope=`/`deny_scope=` in [`Scope`] order, `allow_wildcard`, `allow_abstract`, `deny_port_zero`,
/// and the networks in the order they were added. It parses back to an equal policy.
///
/// ```
/// use bind_guard::{Policy, Scope};
///
/// let policy = Policy::loopback().allow_scope(Scope::Private)?.deny_port_zero();
/// assert_eq!(policy.to_string(), "loopback,allow_scope=private,deny_port_zero");
/// assert_eq!(policy.to_string().parse::<Policy>()?, policy);
/// assert_eq!(Policy::default().allow_wildcard().to_string(), "default,allow_wildcard");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = self.base();
        f.write_str(base.name())?;
        let start = base.rule();
        // The wildcard has its own option name; the scope list covers the rest.
        let scopes = || Scope::all().filter(|s| !matches!(s, Scope::Unspecified));
        for scope in scopes().filter(|&s| self.allows_scope(s) && !start.allows(s)) {
            write!(f, ",allow_scope={scope}")?;
        }
        for scope in scopes().filter(|&s| !self.allows_scope(s) && start.allows(s)) {
            write!(f, ",deny_scope={scope}")?;
        }
        if self.allows_wildcard() {
            f.write_str(",allow_wildcard")?;
        }
        if self.allows_abstract() {
            f.write_str(",allow_abstract")?;
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
}
