//! [`Policy`]: the run-time rules an application configures.

pub(crate) mod net_set;
pub(crate) mod text;

use core::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

use crate::rule::ScopeRule;
use crate::text::{diagnose, parse};
use crate::{BindAddr, BindError, ErrorKind, Scope};
use net_set::NetSet;

/// Which bind addresses an application accepts, decided at run time.
///
/// A policy is a set of allowed [`Scope`]s, CIDR allow and deny lists, and a rule for
/// port 0. It decides in this order, and the first step that decides wins:
///
/// 1. port 0 is refused if [`deny_port_zero`](Policy::deny_port_zero) was set;
/// 2. the wildcard (`0.0.0.0`, `::`, `::ffff:0.0.0.0`) is refused unless
///    [`allow_wildcard`](Policy::allow_wildcard) was set, whatever the lists say (a
///    `0.0.0.0/0` allow entry does not open it);
/// 3. an address inside a [denied network](Policy::deny_net) is refused (deny wins);
/// 4. an address inside an [allowed network](Policy::allow_net) is accepted;
/// 5. otherwise its scope decides.
///
/// An IPv4-mapped IPv6 address is matched against the lists both as itself and as the
/// IPv4 address it carries.
///
/// Every opt-in is a method whose name says what it opens, so a reviewer finds them
/// with one search (`allow_`):
///
/// ```
/// use bind_guard::{ErrorKind, Policy, Scope};
///
/// let policy = Policy::local_network()
///     .deny_net("10.99.0.0/16".parse().unwrap())
///     .allow_net("203.0.113.0/24".parse().unwrap());
///
/// assert!(policy.parse("10.1.2.3:8080").is_ok());
/// assert_eq!(policy.parse("10.99.0.1:8080").unwrap_err().kind(), ErrorKind::DeniedNetwork);
/// assert!(policy.parse("203.0.113.9:8080").is_ok());
/// assert_eq!(policy.parse("0.0.0.0:8080").unwrap_err().kind(), ErrorKind::Wildcard);
///
/// let container = Policy::default().allow_wildcard();
/// assert!(container.parse("0.0.0.0:8080")?.is_wildcard());
/// # Ok::<(), bind_guard::BindError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    rule: ScopeRule,
    port_zero: bool,
    allow: NetSet,
    deny: NetSet,
}

impl Default for Policy {
    /// Every address except the wildcard; port 0 allowed; no lists. The policy of
    /// `"…".parse::<BindAddr>()`.
    fn default() -> Self {
        Policy::new()
    }
}

impl Policy {
    const fn with_rule(rule: ScopeRule) -> Self {
        Policy {
            rule,
            port_zero: true,
            allow: NetSet::new(),
            deny: NetSet::new(),
        }
    }

    /// The default policy: every address except the wildcard. The same as
    /// [`Policy::default()`], usable in `const` items.
    #[must_use]
    pub const fn new() -> Self {
        Policy::with_rule(ScopeRule::DEFAULT)
    }

    /// Loopback only (`127.0.0.0/8`, `::1` and their IPv4-mapped forms): the service is
    /// reachable from this machine alone.
    #[must_use]
    pub const fn loopback_only() -> Self {
        Policy::with_rule(ScopeRule::LOOPBACK)
    }

    /// Local networks only: loopback, link-local, private, shared and unique-local.
    #[must_use]
    pub const fn local_network() -> Self {
        Policy::with_rule(ScopeRule::LOCAL_NETWORK)
    }

    /// Nothing at all: a start for a policy built from [`allow_net`](Policy::allow_net)
    /// and [`allow_scope`](Policy::allow_scope) alone.
    #[must_use]
    pub const fn deny_all() -> Self {
        Policy::with_rule(ScopeRule::NOTHING)
    }

    /// Opts in to the wildcard: `0.0.0.0`, `[::]` and `[::ffff:0.0.0.0]` are accepted,
    /// and a server bound to them listens on every interface. Meant for containers
    /// (where the published port is the boundary) and for deliberate public services.
    ///
    /// It adds exactly the wildcard and nothing else: `Policy::loopback_only()
    /// .allow_wildcard()` still refuses `10.0.0.1` and `8.8.8.8`. This is the run-time
    /// side of a rule the types enforce at compile time: a `LoopbackAddr` can never hold
    /// the wildcard (`bind_addr!` refuses `allow_wildcard` into one), and a policy that
    /// only loopback passed stays loopback-plus-wildcard. The opt-ins built on it, clap's
    /// `--expose` ([`ListenArgs`](crate::clap::ListenArgs)) and the environment
    /// switch ([`EnvConfig::wildcard_opt_in`](crate::env::EnvConfig::wildcard_opt_in)),
    /// add the same and no more.
    ///
    /// `[::]` takes IPv4 connections too unless `IPV6_V6ONLY` is on, which the system's
    /// default decides unless the socket chooses (see
    /// [`BindAddr::bind_tcp`](crate::BindAddr::bind_tcp); on Linux, `net.ipv6.bindv6only`,
    /// usually 0: dual-stack).
    #[must_use]
    pub const fn allow_wildcard(mut self) -> Self {
        self.rule = self.rule.allow(Scope::Unspecified);
        self
    }

    /// Accepts addresses of `scope` too. [`Scope::Unspecified`] is the wildcard: use
    /// [`allow_wildcard`](Policy::allow_wildcard) for it, which says so.
    #[must_use]
    pub const fn allow_scope(mut self, scope: Scope) -> Self {
        if matches!(scope, Scope::Unspecified) {
            return self.allow_wildcard();
        }
        self.rule = self.rule.allow(scope);
        self
    }

    /// Refuses addresses of `scope` (unless an [allowed network](Policy::allow_net)
    /// contains them).
    #[must_use]
    pub const fn deny_scope(mut self, scope: Scope) -> Self {
        self.rule = self.rule.deny(scope);
        self
    }

    /// Refuses port 0 (which makes the system pick a free port).
    #[must_use]
    pub const fn deny_port_zero(mut self) -> Self {
        self.port_zero = false;
        self
    }

    /// Accepts port 0 again (the default).
    #[must_use]
    pub const fn allow_port_zero(mut self) -> Self {
        self.port_zero = true;
        self
    }

    /// Accepts the addresses of `net` whatever their scope (but never the wildcard,
    /// and never an address of a denied network).
    #[must_use]
    pub fn allow_net(self, net: IpNet) -> Self {
        self.allow_nets([net])
    }

    /// Accepts the addresses of each network (see [`allow_net`](Policy::allow_net)).
    #[must_use]
    pub fn allow_nets(mut self, nets: impl IntoIterator<Item = IpNet>) -> Self {
        self.allow.extend(nets);
        self
    }

    /// Refuses the addresses of `net`, whatever else allows them.
    #[must_use]
    pub fn deny_net(self, net: IpNet) -> Self {
        self.deny_nets([net])
    }

    /// Refuses the addresses of each network (see [`deny_net`](Policy::deny_net)).
    #[must_use]
    pub fn deny_nets(mut self, nets: impl IntoIterator<Item = IpNet>) -> Self {
        self.deny.extend(nets);
        self
    }

    /// Whether this policy accepts the wildcard.
    #[must_use]
    pub const fn allows_wildcard(&self) -> bool {
        self.rule.allows(Scope::Unspecified)
    }

    /// Whether this policy accepts port 0.
    #[must_use]
    pub const fn allows_port_zero(&self) -> bool {
        self.port_zero
    }

    /// Whether addresses of `scope` are accepted (before the network lists).
    #[must_use]
    pub const fn allows_scope(&self, scope: Scope) -> bool {
        self.rule.allows(scope)
    }

    /// The accepted scopes.
    pub fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.rule.scopes()
    }

    /// The allowed networks, as given.
    #[must_use]
    pub fn allowed_nets(&self) -> &[IpNet] {
        self.allow.nets()
    }

    /// The denied networks, as given.
    #[must_use]
    pub fn denied_nets(&self) -> &[IpNet] {
        self.deny.nets()
    }

    /// The decision for `addr`, without building an error value.
    pub fn decide(&self, addr: SocketAddr) -> Result<(), ErrorKind> {
        if addr.port() == 0 && !self.port_zero {
            return Err(ErrorKind::PortZero);
        }
        let ip = addr.ip();
        let scope = Scope::of(ip);
        if matches!(scope, Scope::Unspecified) {
            // Only the explicit opt-in opens the wildcard; the lists cannot.
            return self.rule.check(scope);
        }
        if !self.deny.is_empty() && in_set(&self.deny, ip) {
            return Err(ErrorKind::DeniedNetwork);
        }
        if !self.allow.is_empty() && in_set(&self.allow, ip) {
            return Ok(());
        }
        self.rule.check(scope)
    }

    /// Whether `addr` is accepted.
    #[must_use]
    pub fn allows(&self, addr: SocketAddr) -> bool {
        self.decide(addr).is_ok()
    }

    /// Checks an address given as a value.
    ///
    /// ```
    /// use bind_guard::Policy;
    /// use std::net::SocketAddr;
    ///
    /// let addr: SocketAddr = "10.0.0.5:5432".parse().unwrap();
    /// assert!(Policy::local_network().check(addr).is_ok());
    /// assert!(Policy::loopback_only().check(addr).is_err());
    /// ```
    pub fn check(&self, addr: SocketAddr) -> Result<BindAddr, BindError> {
        match self.decide(addr) {
            Ok(()) => Ok(BindAddr::trusted(addr)),
            Err(kind) => Err(BindError::for_addr(addr, kind)),
        }
    }

    /// Parses `s` as `std` parses a `SocketAddr` (no DNS) and checks it.
    ///
    /// ```
    /// use bind_guard::{ErrorKind, Policy};
    ///
    /// let loopback = Policy::loopback_only();
    /// assert!(loopback.parse("[::1]:8080").is_ok());
    /// assert_eq!(loopback.parse("192.168.0.10:8080").unwrap_err().kind(), ErrorKind::NotLoopback);
    /// assert_eq!(loopback.parse(":8080").unwrap_err().kind(), ErrorKind::EmptyHost);
    /// ```
    pub fn parse(&self, s: &str) -> Result<BindAddr, BindError> {
        let Some(addr) = parse::socket_addr(s.as_bytes()) else {
            return Err(BindError::new(s, diagnose::diagnose(s.as_bytes())));
        };
        match self.decide(addr) {
            Ok(()) => Ok(BindAddr::trusted(addr)),
            Err(kind) => Err(BindError::new(s, kind)),
        }
    }
}

/// Whether `ip`, or the IPv4 address an IPv4-mapped `ip` carries, is in `set`.
fn in_set(set: &NetSet, ip: IpAddr) -> bool {
    if set.contains(ip) {
        return true;
    }
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .is_some_and(|v4| set.contains(IpAddr::V4(v4))),
        IpAddr::V4(_) => false,
    }
}

#[cfg(test)]
mod tests {
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
        for s in [
            "127.0.0.1:1",
            "8.8.8.8:53",
            "[2001:db8::1]:1",
            "224.0.0.1:5",
            "10.0.0.1:0",
        ] {
            assert_eq!(kind(&p, s), None, "{s}");
        }
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
    }

    #[test]
    fn deny_wins_over_allow_and_scope() {
        let p = Policy::loopback_only()
            .allow_net(net("10.0.0.0/8"))
            .deny_net(net("10.1.0.0/16"))
            .deny_net(net("127.0.0.2/32"));
        assert_eq!(kind(&p, "10.2.3.4:1"), None);
        assert_eq!(kind(&p, "10.1.3.4:1"), Some(ErrorKind::DeniedNetwork));
        assert_eq!(kind(&p, "127.0.0.2:1"), Some(ErrorKind::DeniedNetwork));
        assert_eq!(kind(&p, "127.0.0.1:1"), None);
        assert_eq!(kind(&p, "11.0.0.1:1"), Some(ErrorKind::NotLoopback));
        // Mapped addresses match the IPv4 lists.
        assert_eq!(
            kind(&p, "[::ffff:10.1.0.1]:1"),
            Some(ErrorKind::DeniedNetwork)
        );
        assert_eq!(kind(&p, "[::ffff:10.2.0.1]:1"), None);
    }

    #[test]
    fn scopes_and_port_zero() {
        let p = Policy::deny_all()
            .allow_scope(Scope::Private)
            .deny_port_zero();
        assert_eq!(kind(&p, "10.0.0.1:80"), None);
        assert_eq!(kind(&p, "10.0.0.1:0"), Some(ErrorKind::PortZero));
        assert_eq!(
            kind(&p, "8.8.8.8:80"),
            Some(ErrorKind::ScopeNotAllowed(Scope::Global))
        );
        assert_eq!(p.scopes().collect::<Vec<_>>(), [Scope::Private]);
        assert!(
            Policy::deny_all()
                .allow_scope(Scope::Unspecified)
                .allows_wildcard()
        );
        assert!(p.allow_port_zero().allows_port_zero());
    }

    #[test]
    fn local_network() {
        let p = Policy::local_network();
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
    fn check_matches_parse() {
        let addr: SocketAddr = "0.0.0.0:1".parse().unwrap();
        assert_eq!(
            Policy::new().check(addr).unwrap_err().kind(),
            ErrorKind::Wildcard
        );
        assert_eq!(Policy::new().check(addr).unwrap_err().input(), "0.0.0.0:1");
    }
}
