//! [`Policy`]: the run-time rules an application configures.

pub(crate) mod net_set;
pub(crate) mod text;

use core::net::SocketAddr;

use ipnet::IpNet;

use crate::rule::ScopeRule;
use crate::text::diagnose;
use crate::{BindAddr, BindError, ErrorKind, Scope};
use net_set::NetSet;

/// Which bind addresses an application accepts, decided at run time.
///
/// A policy is a base (one of the four constructors), a set of allowed [`Scope`]s, CIDR
/// allow and deny lists, and a rule for port 0. It decides in this order, and the first
/// step that decides wins:
///
/// 1. the wildcard (`0.0.0.0`, `::`, `::ffff:0.0.0.0`) is refused unless
///    [`allow_wildcard`](Policy::allow_wildcard) was set: no list and no scope opens it
///    (a `0.0.0.0/0` allow entry does not);
/// 2. port 0 is refused if [`deny_port_zero`](Policy::deny_port_zero) was set;
/// 3. an address inside a [denied network](Policy::deny_net) is refused: deny always
///    wins, over the wildcard opt-in, the allow list and the scopes;
/// 4. the wildcard, opted in, is accepted;
/// 5. an address inside an [allowed network](Policy::allow_net) is accepted;
/// 6. otherwise its scope decides.
///
/// An IPv4 address and its IPv4-mapped IPv6 form (`127.0.0.1` and `::ffff:127.0.0.1`)
/// are one address to the lists, whichever spelling the entry or the address uses:
/// `deny=::ffff:127.0.0.0/104` refuses `127.0.0.1`, `deny=127.0.0.0/8` refuses
/// `[::ffff:127.0.0.1]`. So an IPv6 entry that contains `::ffff:0:0/96` (`::/0`) covers
/// every IPv4 address too.
///
/// Every opt-in is a method whose name says what it opens, so a reviewer finds them
/// with one search (`allow_`):
///
/// ```
/// use bind_guard::{ErrorKind, Policy, Scope};
///
/// let policy = Policy::local()
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
    base: Base,
    rule: ScopeRule,
    port_zero: bool,
    allow: NetSet,
    deny: NetSet,
    /// Abstract Unix sockets (`unix:@name`) accepted: [`Policy::allow_abstract`].
    abstract_sockets: bool,
}

/// The constructor a policy started from: its first word in the text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Base {
    /// [`Policy::new`]: `default`.
    Default,
    /// [`Policy::loopback`]: `loopback`.
    Loopback,
    /// [`Policy::local`]: `local`.
    Local,
    /// [`Policy::nothing`]: `nothing`.
    Nothing,
}

impl Base {
    /// Every base, in the order the text form lists them.
    pub(crate) const ALL: [Base; 4] = [Base::Default, Base::Loopback, Base::Local, Base::Nothing];

    /// The name in the text form.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Base::Default => "default",
            Base::Loopback => "loopback",
            Base::Local => "local",
            Base::Nothing => "nothing",
        }
    }

    /// The scope rule the base starts with.
    pub(crate) const fn rule(self) -> ScopeRule {
        match self {
            Base::Default => ScopeRule::DEFAULT,
            Base::Loopback => ScopeRule::LOOPBACK,
            Base::Local => ScopeRule::LOCAL_NETWORK,
            Base::Nothing => ScopeRule::NOTHING,
        }
    }

    /// The policy of this base, with no changes.
    pub(crate) const fn policy(self) -> Policy {
        Policy {
            base: self,
            rule: self.rule(),
            port_zero: true,
            allow: NetSet::new(),
            deny: NetSet::new(),
            abstract_sockets: false,
        }
    }
}

/// [`Policy::allow_scope`] was given [`Scope::Unspecified`], the wildcard, which only
/// [`Policy::allow_wildcard`] opens.
///
/// ```
/// use bind_guard::{Policy, Scope};
///
/// let err = Policy::nothing().allow_scope(Scope::Unspecified).unwrap_err();
/// assert!(err.to_string().contains("Policy::allow_wildcard"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error(
    "Scope::Unspecified is the wildcard, which has one opt-in of its own: call Policy::allow_wildcard instead of allow_scope"
)]
pub struct WildcardScopeError;

crate::bind_error::debug_is_display!(WildcardScopeError);

impl Default for Policy {
    /// Every address except the wildcard, multicast and broadcast; port 0 allowed; no
    /// lists. The policy of `"…".parse::<BindAddr>()`.
    fn default() -> Self {
        Policy::new()
    }
}

impl Policy {
    /// The default policy: every address except the wildcard, multicast and broadcast
    /// (each receives from every network the host is attached to). The same as
    /// [`Policy::default()`], usable in `const` items.
    #[must_use]
    pub const fn new() -> Self {
        Base::Default.policy()
    }

    /// Loopback only (`127.0.0.0/8`, `::1` and their IPv4-mapped forms): the service is
    /// reachable from this machine alone.
    #[must_use]
    pub const fn loopback() -> Self {
        Base::Loopback.policy()
    }

    /// Local networks only: loopback, link-local, private, shared and unique-local.
    #[must_use]
    pub const fn local() -> Self {
        Base::Local.policy()
    }

    /// Nothing at all: a start for a policy built from [`allow_net`](Policy::allow_net)
    /// and [`allow_scope`](Policy::allow_scope) alone.
    #[must_use]
    pub const fn nothing() -> Self {
        Base::Nothing.policy()
    }

    /// Every scope, the wildcard included: the default with multicast, broadcast and
    /// the wildcard allowed, so that parsing alone decides (for tools that explain or
    /// test addresses, not for a server's bind). Not a base of the text form: it prints
    /// as the default and its opt-ins. Abstract Unix sockets stay opt-in.
    ///
    /// ```
    /// use bind_guard::Policy;
    ///
    /// let every = Policy::every_scope();
    /// assert_eq!(every.to_string(), "default,allow_scope=multicast,allow_scope=broadcast,allow_wildcard");
    /// assert!(every.parse("0.0.0.0:80").is_ok() && every.parse("255.255.255.255:80").is_ok());
    /// ```
    #[must_use]
    pub fn every_scope() -> Self {
        let mut policy = Policy::new();
        for scope in Scope::all() {
            policy.rule = policy.rule.allow(scope);
        }
        policy
    }

    /// The base this policy was built from, by its name in the text form (`default`,
    /// `loopback`, `local` or `nothing`).
    pub(crate) const fn base(&self) -> Base {
        self.base
    }

    /// Opts in to the wildcard: `0.0.0.0`, `[::]` and `[::ffff:0.0.0.0]` are accepted,
    /// and a server bound to them listens on every interface. Meant for containers
    /// (where the published port is the boundary) and for deliberate public services.
    ///
    /// This is the only way to open the wildcard: no allow list does, and
    /// [`allow_scope`](Policy::allow_scope) refuses [`Scope::Unspecified`]. A
    /// [denied network](Policy::deny_net) that contains the wildcard still refuses it.
    ///
    /// It adds exactly the wildcard and nothing else: `Policy::loopback()
    /// .allow_wildcard()` still refuses `10.0.0.1` and `8.8.8.8`. This is the run-time
    /// side of a rule the types enforce at compile time: a `LoopbackAddr` can never hold
    /// the wildcard (`bind_addr!` refuses `allow_wildcard` into one), and a policy that
    /// only loopback passed stays loopback-plus-wildcard. The opt-ins built on it, clap's
    /// `--expose` ([`ListenArgs`](crate::clap::ListenArgs)) and the environment
    /// switch ([`Listen::env_vars`](crate::listen::Listen::env_vars)),
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

    /// Opts in to abstract Unix sockets (`unix:@name`, Linux): a socket with no file and
    /// so no permissions, which any local process in the network namespace may connect
    /// to (a container that shares the host's network namespace included). Without it,
    /// `unix:@name` is refused with [`ErrorKind::AbstractSocket`]; Unix socket *paths*
    /// need no opt-in (their file mode decides who connects).
    ///
    /// ```
    /// use bind_guard::{ErrorKind, Policy};
    ///
    /// let err = Policy::default().parse_unix("unix:@app").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::AbstractSocket);
    /// assert!(Policy::default().allow_abstract().parse_unix("unix:@app").is_ok());
    /// ```
    #[must_use]
    pub const fn allow_abstract(mut self) -> Self {
        self.abstract_sockets = true;
        self
    }

    /// Whether this policy accepts abstract Unix sockets ([`allow_abstract`](Policy::allow_abstract)).
    #[must_use]
    pub const fn allows_abstract(&self) -> bool {
        self.abstract_sockets
    }

    /// Accepts addresses of `scope` too.
    ///
    /// [`Scope::Unspecified`] is the wildcard, and the wildcard has one opt-in:
    /// [`allow_wildcard`](Policy::allow_wildcard), which a reviewer finds by its name.
    /// So this returns a [`WildcardScopeError`] for it rather than opening the wildcard
    /// under another name; every other scope gives `Ok`.
    ///
    /// ```
    /// use bind_guard::{Policy, Scope};
    ///
    /// let lan = Policy::loopback().allow_scope(Scope::Private)?;
    /// assert!(lan.parse("192.168.1.5:80").is_ok());
    /// assert!(Policy::loopback().allow_scope(Scope::Unspecified).is_err());
    /// # Ok::<(), bind_guard::WildcardScopeError>(())
    /// ```
    pub fn allow_scope(mut self, scope: Scope) -> Result<Self, WildcardScopeError> {
        if matches!(scope, Scope::Unspecified) {
            return Err(WildcardScopeError);
        }
        self.rule = self.rule.allow(scope);
        Ok(self)
    }

    /// Refuses addresses of `scope` (unless an [allowed network](Policy::allow_net)
    /// contains them). `deny_scope(Scope::Unspecified)` takes back
    /// [`allow_wildcard`](Policy::allow_wildcard).
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
    /// and never an address of a denied network). An IPv4-mapped network
    /// (`::ffff:10.0.0.0/104`) means its IPv4 addresses too, and an IPv4 network their
    /// mapped forms. Costs O(log n) in the size of the list.
    #[must_use]
    pub fn allow_net(mut self, net: IpNet) -> Self {
        self.allow.insert(net);
        self
    }

    /// Accepts the addresses of each network (see [`allow_net`](Policy::allow_net)).
    #[must_use]
    pub fn allow_nets(mut self, nets: impl IntoIterator<Item = IpNet>) -> Self {
        self.allow.extend(nets);
        self
    }

    /// Refuses the addresses of `net`, whatever else allows them, the wildcard
    /// opt-in included (`deny_net(0.0.0.0/32)` refuses `0.0.0.0`). IPv4 and IPv4-mapped
    /// spellings mean the same addresses, as for [`allow_net`](Policy::allow_net).
    #[must_use]
    pub fn deny_net(mut self, net: IpNet) -> Self {
        self.deny.insert(net);
        self
    }

    /// Refuses the addresses of each network (see [`deny_net`](Policy::deny_net)).
    #[must_use]
    pub fn deny_nets(mut self, nets: impl IntoIterator<Item = IpNet>) -> Self {
        self.deny.extend(nets);
        self
    }

    /// Whether this policy accepts the wildcard (before the deny list).
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

    /// The decision for `addr`, without building an error value (the order is in the
    /// type's documentation).
    ///
    /// A dual-stack `[::]` takes IPv4 connections too, so it is judged as `0.0.0.0` as
    /// well (a deny list that refuses `0.0.0.0` refuses it), unless `[::]` is known to
    /// be IPv6-only: it is bound with the system's default (the one rule of every bind
    /// path, see [`BindAddr::bind_tcp`](crate::BindAddr::bind_tcp)), which is read here
    /// with the `std` feature (`net.ipv6.bindv6only`) and taken to be dual-stack where
    /// it cannot be known. A socket that exists is judged by its own `IPV6_V6ONLY`
    /// instead ([`decide_v6only`](Policy::decide_v6only)).
    pub fn decide(&self, addr: SocketAddr) -> Result<(), ErrorKind> {
        self.decide_stack(addr, system_v6only)
    }

    /// The decision for a socket bound to `addr` whose `IPV6_V6ONLY` is `v6only`
    /// (`None`: not known, judged as dual-stack): for `[::]` without `IPV6_V6ONLY`, the
    /// verdict on `0.0.0.0` too. The same as [`decide`](Policy::decide) for every other
    /// address.
    pub fn decide_v6only(&self, addr: SocketAddr, v6only: Option<bool>) -> Result<(), ErrorKind> {
        self.decide_stack(addr, || v6only)
    }

    /// The verdict on `addr`, and for `[::]` on the IPv4 wildcard it also takes unless
    /// `v6only()` says it is IPv6-only (asked only when the two verdicts differ, so the
    /// system's setting is read only where it decides).
    fn decide_stack(
        &self,
        addr: SocketAddr,
        v6only: impl FnOnce() -> Option<bool>,
    ) -> Result<(), ErrorKind> {
        self.decide_address(addr)?;
        match dual_stack_twin(addr).map(|twin| self.decide_address(twin)) {
            Some(Err(kind)) if v6only() != Some(true) => Err(kind),
            _ => Ok(()),
        }
    }

    /// Why `[::]` is refused when its own verdict is yes: the IPv4 wildcard it takes too
    /// is refused. `None` for any other refusal.
    pub(crate) fn dual_stack_detail(&self, addr: SocketAddr) -> Option<alloc::string::String> {
        let twin = dual_stack_twin(addr)?;
        self.decide_address(addr).ok()?;
        let kind = self.decide_address(twin).err()?;
        Some(alloc::format!(
            "{addr} also takes IPv4 connections while IPV6_V6ONLY is off (the default \
             where net.ipv6.bindv6only is 0), so it is judged as {twin} too, which {}; to \
             serve IPv6 only, turn IPV6_V6ONLY on (net.ipv6.bindv6only=1, or \
             BindIPv6Only=ipv6-only in a .socket unit)",
            kind.problem()
        ))
    }

    /// The verdict on one address, by the order in the type's documentation.
    fn decide_address(&self, addr: SocketAddr) -> Result<(), ErrorKind> {
        let ip = addr.ip();
        let scope = Scope::of(ip);
        let wildcard = matches!(scope, Scope::Unspecified);
        // Named first: the wildcard is the mistake this crate exists for, so `0.0.0.0:0`
        // is refused as the wildcard, not as port 0.
        if wildcard {
            self.rule.check(scope)?;
        }
        if addr.port() == 0 && !self.port_zero {
            return Err(ErrorKind::PortZero);
        }
        if self.deny.contains(ip) {
            return Err(ErrorKind::DeniedNetwork);
        }
        // The wildcard was opted in (checked above); the allow list cannot matter to it.
        if wildcard || self.allow.contains(ip) {
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
    /// assert!(Policy::local().check(addr).is_ok());
    /// assert!(Policy::loopback().check(addr).is_err());
    /// ```
    pub fn check(&self, addr: SocketAddr) -> Result<BindAddr, BindError> {
        match self.decide(addr) {
            Ok(()) => Ok(BindAddr::trusted(addr)),
            Err(kind) => Err(self.with_dual_stack_detail(BindError::for_addr(addr, kind), addr)),
        }
    }

    /// `err`, about `addr`, with [`dual_stack_detail`](Policy::dual_stack_detail) when
    /// that is why it was refused.
    pub(crate) fn with_dual_stack_detail(&self, err: BindError, addr: SocketAddr) -> BindError {
        match self.dual_stack_detail(addr) {
            Some(detail) => err.with_detail(detail),
            None => err,
        }
    }

    /// Parses `s` as `std` parses a `SocketAddr` (no DNS) and checks it.
    ///
    /// ```
    /// use bind_guard::{ErrorKind, Policy};
    ///
    /// let loopback = Policy::loopback();
    /// assert!(loopback.parse("[::1]:8080").is_ok());
    /// assert_eq!(loopback.parse("192.168.0.10:8080").unwrap_err().kind(), ErrorKind::NotLoopback);
    /// assert_eq!(loopback.parse(":8080").unwrap_err().kind(), ErrorKind::EmptyHost);
    /// ```
    pub fn parse(&self, s: &str) -> Result<BindAddr, BindError> {
        let addr = diagnose::read(s.as_bytes()).map_err(|kind| BindError::new(s, kind))?;
        self.decide(addr)
            .map(|()| BindAddr::trusted(addr))
            .map_err(|kind| self.with_dual_stack_detail(BindError::new(s, kind), addr))
    }
}

/// The IPv4 wildcard a dual-stack `[::]` also binds; `None` for every other address
/// (`[::ffff:0.0.0.0]` *is* the IPv4 wildcard, judged as such by the lists already).
fn dual_stack_twin(addr: SocketAddr) -> Option<SocketAddr> {
    (addr.ip() == core::net::Ipv6Addr::UNSPECIFIED)
        .then(|| SocketAddr::from((core::net::Ipv4Addr::UNSPECIFIED, addr.port())))
}

/// The system's `IPV6_V6ONLY` default where it can be read (`std`), else unknown.
fn system_v6only() -> Option<bool> {
    #[cfg(feature = "std")]
    {
        crate::sysctl::ipv6_v6only_default()
    }
    #[cfg(not(feature = "std"))]
    {
        None
    }
}

#[cfg(test)]
mod tests;
