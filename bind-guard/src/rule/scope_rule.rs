//! The scope rule: the part of a policy that can be decided at compile time.
//!
//! A [`ScopeRule`] is a set of allowed [`Scope`]s plus what the rule *expects* (any
//! address, loopback only, local networks only), which decides how a refusal is named.
//! The type-level markers ([`crate::marker`]) each carry one as an associated `const`,
//! and the run-time [`Policy`](crate::Policy) holds one as its scope part. Both call
//! [`ScopeRule::check`], so `"…".parse::<LoopbackAddr>()`, `bind_addr!` and
//! `Policy::loopback()` decide with the same code.

use crate::{ErrorKind, Scope};

/// What a rule is for; it picks the error kind of a refusal.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expect {
    /// Any scope the set allows; the wildcard needs an explicit opt-in.
    Any,
    /// This machine only.
    Loopback,
    /// Local networks only.
    LocalNetwork,
}

/// A set of allowed scopes and the expectation behind it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeRule {
    allowed: u16,
    expect: Expect,
}

impl ScopeRule {
    /// A rule from a scope bit-set; `rule/table.rs` builds the markers' rules with it.
    pub(crate) const fn new(allowed: u16, expect: Expect) -> ScopeRule {
        ScopeRule { allowed, expect }
    }

    /// Nothing at all (a start for allow-lists).
    pub const NOTHING: ScopeRule = ScopeRule {
        allowed: 0,
        expect: Expect::Any,
    };

    /// Whether `scope` is allowed.
    #[must_use]
    pub const fn allows(self, scope: Scope) -> bool {
        self.allowed & scope.bit() != 0
    }

    /// This rule with `scope` allowed too.
    #[must_use]
    pub const fn allow(self, scope: Scope) -> ScopeRule {
        ScopeRule {
            allowed: self.allowed | scope.bit(),
            ..self
        }
    }

    /// This rule with `scope` refused.
    #[must_use]
    pub const fn deny(self, scope: Scope) -> ScopeRule {
        ScopeRule {
            allowed: self.allowed & !scope.bit(),
            ..self
        }
    }

    /// The wildcard opt-in of `bind_addr!(…, allow_wildcard)`: it widens only rules that
    /// expect any address, never a loopback-only or local-only rule.
    #[must_use]
    pub const fn opt_in_wildcard(self) -> ScopeRule {
        match self.expect {
            Expect::Any => self.allow(Scope::Unspecified),
            Expect::Loopback | Expect::LocalNetwork => self,
        }
    }

    /// The decision for an address of `scope`.
    pub const fn check(self, scope: Scope) -> Result<(), ErrorKind> {
        if self.allows(scope) {
            return Ok(());
        }
        // The wildcard is always named as such, whatever the rule expected: it is the
        // mistake this crate exists for, and the message must say so.
        Err(match (self.expect, scope) {
            (_, Scope::Unspecified) => ErrorKind::Wildcard,
            (Expect::Loopback, _) => ErrorKind::NotLoopback,
            (Expect::LocalNetwork, _) => ErrorKind::NotLocalNetwork,
            // Both receive from every attached network: they have kinds of their own,
            // which say so, rather than "scope not allowed".
            (Expect::Any, Scope::Multicast) => ErrorKind::Multicast,
            (Expect::Any, Scope::Broadcast) => ErrorKind::Broadcast,
            (Expect::Any, scope) => ErrorKind::ScopeNotAllowed(scope),
        })
    }

    /// The allowed scopes.
    pub fn scopes(self) -> impl Iterator<Item = Scope> {
        Scope::all().filter(move |scope| self.allows(*scope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_refuses_the_wildcard_multicast_and_broadcast() {
        for scope in Scope::all() {
            let expected = match scope {
                Scope::Unspecified => Err(ErrorKind::Wildcard),
                Scope::Multicast => Err(ErrorKind::Multicast),
                Scope::Broadcast => Err(ErrorKind::Broadcast),
                _ => Ok(()),
            };
            assert_eq!(ScopeRule::DEFAULT.check(scope), expected, "{scope}");
        }
    }

    #[test]
    fn loopback_and_local_name_their_refusals() {
        assert_eq!(ScopeRule::LOOPBACK.check(Scope::Loopback), Ok(()));
        assert_eq!(
            ScopeRule::LOOPBACK.check(Scope::Unspecified),
            Err(ErrorKind::Wildcard)
        );
        assert_eq!(
            ScopeRule::LOOPBACK.check(Scope::Private),
            Err(ErrorKind::NotLoopback)
        );
        assert_eq!(
            ScopeRule::LOCAL_NETWORK.check(Scope::Global),
            Err(ErrorKind::NotLocalNetwork)
        );
        assert_eq!(ScopeRule::LOCAL_NETWORK.scopes().count(), 5);
    }

    #[test]
    fn the_macro_opt_in_never_widens_a_narrow_rule() {
        assert!(
            ScopeRule::DEFAULT
                .opt_in_wildcard()
                .allows(Scope::Unspecified)
        );
        assert_eq!(ScopeRule::LOOPBACK.opt_in_wildcard(), ScopeRule::LOOPBACK);
        assert_eq!(
            ScopeRule::LOCAL_NETWORK.opt_in_wildcard(),
            ScopeRule::LOCAL_NETWORK
        );
    }

    #[test]
    fn allow_and_deny() {
        let rule = ScopeRule::NOTHING.allow(Scope::Private);
        assert!(rule.allows(Scope::Private));
        assert!(!rule.deny(Scope::Private).allows(Scope::Private));
        assert_eq!(
            rule.check(Scope::Global),
            Err(ErrorKind::ScopeNotAllowed(Scope::Global))
        );
    }
}
