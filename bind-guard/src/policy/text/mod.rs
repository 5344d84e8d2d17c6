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
mod tests;
