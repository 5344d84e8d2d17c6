//! Building a [`HostGuard`]: the bound addresses, the names an operator adds, and the
//! options. Everything that allocates happens here, once.

use std::boxed::Box;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::string::{String, ToString};
use std::sync::Arc;
use std::vec::Vec;

use super::authority::ends_in_number;
use super::warn::WarnOnce;
use super::{DEFAULT_ENV_VAR, HostGuard};
use crate::text::{host_name, parse};
use crate::{BindAddr, BindSet, Scope};

/// A configured host name: `example.com` (that name) or `.example.com` (that name and
/// every name under it). Stored lowercase, without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePattern {
    pub(crate) name: Box<[u8]>,
    pub(crate) subdomains: bool,
}

impl NamePattern {
    /// Whether `host` (a DNS name without a trailing dot, any case) matches.
    #[inline]
    pub(crate) fn matches(&self, host: &[u8]) -> bool {
        let name = &*self.name;
        if host.len() == name.len() {
            return host.eq_ignore_ascii_case(name);
        }
        // `.example.com` also takes `a.b.example.com`: a dot right before the name.
        // (`>=` would do as well: equal lengths returned above. A mutant that makes it
        // `>=` survives for that reason.)
        self.subdomains
            && host.len() > name.len()
            && host
                .len()
                .checked_sub(name.len() + 1)
                .and_then(|dot| host.get(dot..))
                .and_then(|tail| tail.split_first())
                .is_some_and(|(&dot, rest)| dot == b'.' && rest.eq_ignore_ascii_case(name))
    }
}

/// A listener whose bound address a [`HostGuard`] can be built from:
/// `std::net::TcpListener`, `tokio::net::TcpListener` (feature `tokio`), or anything
/// that reports the address the system actually bound.
pub trait BoundListener {
    /// The address the socket is bound to (with the port the system picked for 0).
    ///
    /// # Errors
    ///
    /// The error of asking the socket.
    fn bound_addr(&self) -> io::Result<SocketAddr>;
}

impl BoundListener for std::net::TcpListener {
    fn bound_addr(&self) -> io::Result<SocketAddr> {
        self.local_addr()
    }
}

#[cfg(feature = "tokio")]
impl BoundListener for ::tokio::net::TcpListener {
    fn bound_addr(&self) -> io::Result<SocketAddr> {
        self.local_addr()
    }
}

impl<L: BoundListener + ?Sized> BoundListener for &L {
    fn bound_addr(&self) -> io::Result<SocketAddr> {
        (**self).bound_addr()
    }
}

/// An address already read from a socket (`local_addr()`), or an entry of a
/// [`BindSet`] that was bound.
impl BoundListener for SocketAddr {
    fn bound_addr(&self) -> io::Result<SocketAddr> {
        Ok(*self)
    }
}

/// An address of a [`BindSet`] that was bound (with port 0 it is not the real port:
/// pass the listeners instead).
impl<P: crate::marker::Rule> BoundListener for BindAddr<P> {
    fn bound_addr(&self) -> io::Result<SocketAddr> {
        Ok(*self.as_socket_addr())
    }
}

/// Why a [`HostGuard`] could not be built. The message names the entry and where it
/// came from (the environment variable, or the application's configuration).
#[derive(Debug)]
pub struct HostGuardError {
    kind: HostGuardErrorKind,
    entry: String,
    source: String,
}

/// What was wrong in a [`HostGuardError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostGuardErrorKind {
    /// An empty entry (`a,,b`, a trailing comma).
    EmptyEntry,
    /// `*` or `*.example.com`.
    Wildcard,
    /// `.com`: every name under a top-level domain.
    BareTld,
    /// An IP address given as a name.
    IpLiteral,
    /// Not a DNS name (bad characters, an empty label, a label that is a number).
    NotAName,
    /// The environment variable is not valid UTF-8.
    NotUnicode,
    /// No bound address was given.
    NoBoundAddress,
    /// Ports are matched but a bound port is 0 (the address was not read back from
    /// the socket).
    UnboundPort,
    /// Reading the listener's address or the interfaces failed.
    Io,
}

impl HostGuardError {
    pub(crate) fn new(kind: HostGuardErrorKind, entry: &str, source: &str) -> Self {
        Self {
            kind,
            entry: diagnose_escape(entry),
            source: source.to_string(),
        }
    }

    /// What was wrong.
    #[must_use]
    pub fn kind(&self) -> HostGuardErrorKind {
        self.kind
    }

    /// The entry at fault (escaped), or the error text for [`HostGuardErrorKind::Io`].
    #[must_use]
    pub fn entry(&self) -> &str {
        &self.entry
    }
}

fn diagnose_escape(entry: &str) -> String {
    super::reason::Shown(entry.as_bytes()).to_string()
}

impl fmt::Display for HostGuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entry, source) = (&self.entry, &self.source);
        match self.kind {
            HostGuardErrorKind::EmptyEntry => write!(
                f,
                "{source} has an empty entry; list host names separated by commas, without empty items"
            ),
            HostGuardErrorKind::Wildcard => write!(
                f,
                "`{entry}` in {source} would accept every host and undo the guard; write `.example.com` to accept example.com and its subdomains"
            ),
            HostGuardErrorKind::BareTld => write!(
                f,
                "`{entry}` in {source} would accept every name under a top-level domain; name your domain (`.example.com`)"
            ),
            HostGuardErrorKind::IpLiteral => write!(
                f,
                "`{entry}` in {source} is an IP address; addresses are accepted when the server is bound to them, so list host names only"
            ),
            HostGuardErrorKind::NotAName => write!(
                f,
                "`{entry}` in {source} is not a host name (letters, digits, `-`, `_`, dot-separated labels, the last not a number)"
            ),
            HostGuardErrorKind::NotUnicode => write!(f, "{source} is not valid UTF-8"),
            HostGuardErrorKind::NoBoundAddress => f.write_str(
                "no bound address was given to the host guard; build it from the listener",
            ),
            HostGuardErrorKind::UnboundPort => write!(
                f,
                "`{entry}` has port 0, so ports cannot be matched; build the host guard from the bound listener"
            ),
            HostGuardErrorKind::Io => write!(f, "cannot read {source}: {entry}"),
        }
    }
}

impl std::error::Error for HostGuardError {}

/// Reads one configured entry.
pub(crate) fn name_pattern(entry: &str, source: &str) -> Result<NamePattern, HostGuardError> {
    use HostGuardErrorKind as K;
    let err = |kind| HostGuardError::new(kind, entry, source);
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Err(err(K::EmptyEntry));
    }
    if trimmed == "*" || trimmed.starts_with("*.") || trimmed == "." {
        return Err(err(K::Wildcard));
    }
    let (subdomains, name) = match trimmed.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    let bytes = name.as_bytes();
    let bracketed = name.strip_prefix('[').and_then(|n| n.strip_suffix(']'));
    if parse::ip_addr(bytes).is_some()
        || bracketed.is_some_and(|n| parse::ipv6(n.as_bytes()).is_some())
    {
        return Err(err(K::IpLiteral));
    }
    if !host_name::is_dns_name(bytes) || host_name::is_numeric_host(bytes) || ends_in_number(bytes)
    {
        return Err(err(K::NotAName));
    }
    if subdomains && !bytes.contains(&b'.') {
        return Err(err(K::BareTld));
    }
    Ok(NamePattern {
        name: name.to_ascii_lowercase().into_bytes().into_boxed_slice(),
        subdomains,
    })
}

/// Reads a comma-separated list. A value that is only white space is no names (an
/// unset-looking `VAR=`), but an empty item inside a list is an error.
pub(crate) fn name_list(list: &str, source: &str) -> Result<Vec<NamePattern>, HostGuardError> {
    if list.trim().is_empty() {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(|item| name_pattern(item, source))
        .collect()
}

pub use crate::sysctl::DualStack;

/// Builds a [`HostGuard`]; see [`HostGuard::builder`].
#[derive(Debug, Clone)]
pub struct HostGuardBuilder {
    bound: Vec<SocketAddr>,
    names: Vec<NamePattern>,
    env_var: Option<String>,
    setting: Option<String>,
    match_port: bool,
    trusted_proxies: Vec<IpAddr>,
    require_json_post: bool,
    exempt: Option<fn(&str) -> bool>,
    dual_stack: DualStack,
}

impl Default for HostGuardBuilder {
    fn default() -> Self {
        Self {
            bound: Vec::new(),
            names: Vec::new(),
            env_var: None,
            setting: None,
            match_port: false,
            trusted_proxies: Vec::new(),
            require_json_post: false,
            exempt: None,
            dual_stack: DualStack::SystemDefault,
        }
    }
}

impl HostGuardBuilder {
    /// Adds the address a listener is bound to (read from the socket, so port 0 is
    /// the real port).
    ///
    /// # Errors
    ///
    /// The error of reading the address.
    pub fn listener(mut self, listener: &impl BoundListener) -> Result<Self, HostGuardError> {
        let addr = listener.bound_addr().map_err(|e| {
            HostGuardError::new(
                HostGuardErrorKind::Io,
                &e.to_string(),
                "the listener's address",
            )
        })?;
        self.bound.push(addr);
        Ok(self)
    }

    /// Adds the addresses of several listeners: a slice or `Vec` of `std` or tokio
    /// `TcpListener`s (what `bind_guard::tokio::bind_tcp_all` returns), of
    /// `SocketAddr`s, or a [`BindSet`].
    ///
    /// # Errors
    ///
    /// The error of reading an address.
    pub fn listeners<L: BoundListener>(
        self,
        listeners: impl IntoIterator<Item = L>,
    ) -> Result<Self, HostGuardError> {
        listeners
            .into_iter()
            .try_fold(self, |builder, listener| builder.listener(&listener))
    }

    /// Adds a bound address. Pass what the socket reports (`local_addr()`), not a
    /// setting that may differ from the real bind.
    #[must_use]
    pub fn bound(mut self, addr: impl Into<SocketAddr>) -> Self {
        self.bound.push(addr.into());
        self
    }

    /// Adds every address of a [`BindSet`] that was bound (all or none, so all).
    #[must_use]
    pub fn bind_set(mut self, set: &BindSet) -> Self {
        self.bound.extend(set.iter().map(|a| *a.as_socket_addr()));
        self
    }

    /// Adds a host name: `example.com` for that name, `.example.com` for it and its
    /// subdomains. `localhost` and `*.localhost` are always accepted.
    ///
    /// # Errors
    ///
    /// `*`, `*.example.com`, `.com`, an IP address, an empty entry or anything that is
    /// not a host name.
    pub fn allow_host(mut self, name: &str) -> Result<Self, HostGuardError> {
        self.names.push(name_pattern(name, "the allowed hosts")?);
        Ok(self)
    }

    /// Adds the comma-separated host names of the environment variable `var` (when it
    /// is set), for tunnels and reverse proxies; refusal messages then tell the
    /// operator to add a host to `var`. [`HostGuard::from_listener`] reads
    /// [`DEFAULT_ENV_VAR`] (`BIND_GUARD_ALLOWED_HOSTS`).
    ///
    /// # Errors
    ///
    /// As [`allow_host`](Self::allow_host), for any entry; or the value is not UTF-8.
    pub fn allowed_hosts_from_env(self, var: &str) -> Result<Self, HostGuardError> {
        self.allowed_hosts_from(var, |name| std::env::var_os(name))
    }

    /// [`allowed_hosts_from_env`](Self::allowed_hosts_from_env) with any lookup in
    /// place of the process environment.
    ///
    /// # Errors
    ///
    /// As [`allowed_hosts_from_env`](Self::allowed_hosts_from_env).
    pub fn allowed_hosts_from(
        mut self,
        var: &str,
        lookup: impl FnOnce(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, HostGuardError> {
        let source = std::format!("the {var} environment variable");
        if let Some(value) = lookup(var) {
            let value = value
                .into_string()
                .map_err(|_| HostGuardError::new(HostGuardErrorKind::NotUnicode, "", &source))?;
            self.names.extend(name_list(&value, &source)?);
        }
        self.env_var = Some(var.to_string());
        Ok(self)
    }

    /// What refusals tell the operator to change to allow a host, such as
    /// `"allowed_hosts in /etc/myapp.toml"`. By default, the environment variable
    /// given to [`allowed_hosts_from_env`](Self::allowed_hosts_from_env).
    #[must_use]
    pub fn setting_name(mut self, setting: &str) -> Self {
        self.setting = Some(setting.to_string());
        self
    }

    /// Also requires the port of `Host` (80 when absent) and of `Origin` to be a bound
    /// port. Off by default: the host is what DNS rebinding changes.
    #[must_use]
    pub fn match_port(mut self, on: bool) -> Self {
        self.match_port = on;
        self
    }

    /// Trusts `X-Forwarded-Host` and `Forwarded: host=` from these peers (the reverse
    /// proxies' addresses): every forwarded host must then be accepted too. From any
    /// other peer, and by default, those fields are ignored.
    #[must_use]
    pub fn trust_proxies(mut self, proxies: impl IntoIterator<Item = IpAddr>) -> Self {
        self.trusted_proxies.extend(proxies);
        self
    }

    /// Requires `Content-Type: application/json` on `POST`, so that a cross-origin
    /// page cannot send one without a CORS preflight.
    #[must_use]
    pub fn require_json_post(mut self, on: bool) -> Self {
        self.require_json_post = on;
        self
    }

    /// Paths for which no check is made (a health check polled by a load balancer
    /// with an IP `Host`). Keep them free of data and side effects: a rebinding page
    /// can reach them.
    #[must_use]
    pub fn exempt(mut self, is_exempt: fn(&str) -> bool) -> Self {
        self.exempt = Some(is_exempt);
        self
    }

    /// Whether `[::]` listeners also take IPv4 (their IPv4 addresses are then
    /// accepted). The system default unless set.
    #[must_use]
    pub fn dual_stack(mut self, dual_stack: DualStack) -> Self {
        self.dual_stack = dual_stack;
        self
    }

    /// Builds the guard: reads the interface addresses behind a wildcard bind (with
    /// feature `if-addrs`; without it, only the loopback addresses of that family are
    /// accepted behind a wildcard).
    ///
    /// # Errors
    ///
    /// No bound address; port 0 with [`match_port`](Self::match_port); listing the
    /// interfaces failed.
    pub fn build(self) -> Result<HostGuard, HostGuardError> {
        if self.bound.is_empty() {
            return Err(HostGuardError::new(
                HostGuardErrorKind::NoBoundAddress,
                "",
                "",
            ));
        }
        let mut ips: Vec<IpAddr> = Vec::new();
        let mut ports: Vec<u16> = Vec::new();
        for addr in &self.bound {
            if self.match_port && addr.port() == 0 {
                return Err(HostGuardError::new(
                    HostGuardErrorKind::UnboundPort,
                    &addr.to_string(),
                    "",
                ));
            }
            ports.push(addr.port());
            reachable_ips(*addr, self.dual_stack, &mut ips)?;
        }
        // A browser writes an IPv4-mapped bind as the IPv4 address it carries.
        let mapped: Vec<IpAddr> = ips
            .iter()
            .filter_map(|ip| match ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
                IpAddr::V4(_) => None,
            })
            .collect();
        ips.extend(mapped);
        ips.retain(|ip| Scope::of(*ip) != Scope::Unspecified);
        ips.sort_unstable();
        ips.dedup();
        ports.sort_unstable();
        ports.dedup();
        let setting = match (self.setting, &self.env_var) {
            (Some(setting), _) => setting,
            (None, Some(var)) => std::format!("the {var} environment variable (comma-separated)"),
            (None, None) => String::from("the allowed hosts of this server"),
        };
        let mut names = self.names;
        names.dedup();
        Ok(HostGuard {
            ips: ips.into_boxed_slice(),
            ports: ports.into_boxed_slice(),
            names: names.into_boxed_slice(),
            setting: setting.into_boxed_str(),
            match_port: self.match_port,
            trusted_proxies: self.trusted_proxies.into_boxed_slice(),
            require_json_post: self.require_json_post,
            exempt: self.exempt,
            warned: Arc::new(WarnOnce::new()),
        })
    }
}

/// The IPs a socket bound to `addr` is reachable on.
fn reachable_ips(
    addr: SocketAddr,
    dual_stack: DualStack,
    ips: &mut Vec<IpAddr>,
) -> Result<(), HostGuardError> {
    if Scope::of(addr.ip()) != Scope::Unspecified {
        ips.push(addr.ip());
        return Ok(());
    }
    let also_v4 = dual(addr, dual_stack);
    #[cfg(feature = "if-addrs")]
    {
        let known = if also_v4 {
            DualStack::Yes
        } else {
            DualStack::No
        };
        let found = crate::reachable::reachable(addr, known).map_err(|e| {
            HostGuardError::new(
                HostGuardErrorKind::Io,
                &e.to_string(),
                "the interface addresses",
            )
        })?;
        ips.extend(found.iter().map(SocketAddr::ip));
    }
    // Loopback always; without `if-addrs` nothing else is known.
    if also_v4 {
        ips.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    if addr.is_ipv6() && !matches!(addr.ip(), IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()) {
        ips.push(IpAddr::V6(Ipv6Addr::LOCALHOST));
    }
    Ok(())
}

/// Whether a wildcard socket bound to `addr` takes IPv4. Where the system default is
/// not known, yes: accepting an IPv4 literal the socket may not be reachable on lets
/// no web page in (a page cannot choose the `Host` of a request to an address), while
/// refusing it would turn away requests that did arrive.
fn dual(addr: SocketAddr, dual_stack: DualStack) -> bool {
    match addr.ip() {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => true,
        IpAddr::V6(_) => dual_stack.resolve().unwrap_or(true),
        IpAddr::V4(_) => true,
    }
}

impl HostGuard {
    /// A builder with nothing bound yet.
    #[must_use]
    pub fn builder() -> HostGuardBuilder {
        HostGuardBuilder::default()
    }

    /// The guard for one listener, with the names of [`DEFAULT_ENV_VAR`]
    /// (`BIND_GUARD_ALLOWED_HOSTS`) and the default options.
    ///
    /// # Errors
    ///
    /// Reading the listener's address, or a bad entry in the variable.
    pub fn from_listener(listener: &impl BoundListener) -> Result<Self, HostGuardError> {
        Self::builder()
            .listener(listener)?
            .allowed_hosts_from_env(DEFAULT_ENV_VAR)?
            .build()
    }

    /// The guard for every listener of a server in one call, with the names of
    /// [`DEFAULT_ENV_VAR`], as [`from_listener`](Self::from_listener): `&listeners` for the `Vec` that
    /// `bind_guard::tokio::bind_tcp_all` returns, `&set` for a bound [`BindSet`],
    /// `[addr_a, addr_b]` for addresses read from the sockets.
    ///
    /// ```
    /// use bind_guard::host_guard::HostGuard;
    ///
    /// let listeners = [
    ///     std::net::TcpListener::bind("127.0.0.1:0")?,
    ///     std::net::TcpListener::bind("[::1]:0")?,
    /// ];
    /// let guard = HostGuard::from_listeners(&listeners)?;
    /// # drop(guard);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// No listener, reading an address, or a bad entry in a variable.
    pub fn from_listeners<L: BoundListener>(
        listeners: impl IntoIterator<Item = L>,
    ) -> Result<Self, HostGuardError> {
        Self::builder()
            .listeners(listeners)?
            .allowed_hosts_from_env(DEFAULT_ENV_VAR)?
            .build()
    }

    /// The guard for addresses already read from their sockets.
    ///
    /// # Errors
    ///
    /// As [`from_listener`](Self::from_listener).
    pub fn from_bound<P: crate::marker::Rule>(
        addrs: impl IntoIterator<Item = BindAddr<P>>,
    ) -> Result<Self, HostGuardError> {
        addrs
            .into_iter()
            .fold(Self::builder(), |b, a| b.bound(*a.as_socket_addr()))
            .allowed_hosts_from_env(DEFAULT_ENV_VAR)?
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(s: &str) -> Result<NamePattern, HostGuardErrorKind> {
        name_pattern(s, "TEST").map_err(|e| e.kind())
    }

    #[test]
    fn patterns_match_names_and_subdomains() {
        let exact = pattern("Example.com.").unwrap();
        assert!(exact.matches(b"example.COM"));
        assert!(!exact.matches(b"a.example.com"));
        let sub = pattern(".example.com").unwrap();
        for yes in ["example.com", "a.example.com", "a.b.EXAMPLE.com"] {
            assert!(sub.matches(yes.as_bytes()), "{yes}");
        }
        for no in [
            "xexample.com",
            "example.com.evil",
            "example.co",
            "com",
            "aexample.com",
        ] {
            assert!(!sub.matches(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn configuration_refuses_what_would_open_the_guard() {
        use HostGuardErrorKind as K;
        let table = [
            ("", K::EmptyEntry),
            ("  ", K::EmptyEntry),
            ("*", K::Wildcard),
            ("*.example.com", K::Wildcard),
            (".", K::Wildcard),
            (".com", K::BareTld),
            ("..com", K::NotAName),
            ("127.0.0.1", K::IpLiteral),
            ("[::1]", K::IpLiteral),
            ("::1", K::IpLiteral),
            ("127.1", K::NotAName),
            ("2130706433", K::NotAName),
            ("a.123", K::NotAName),
            ("exa mple.com", K::NotAName),
            ("example.com:80", K::NotAName),
            ("http://example.com", K::NotAName),
        ];
        for (entry, kind) in table {
            assert_eq!(pattern(entry), Err(kind), "{entry:?}");
        }
        assert!(pattern("api").is_ok(), "a container's service name");
        let err = name_list("a.example,,b.example", "the X environment variable").unwrap_err();
        assert!(
            err.to_string()
                .contains("the X environment variable has an empty entry")
        );
        let err = name_list("*", "the X environment variable").unwrap_err();
        assert!(
            err.to_string()
                .contains("`*` in the X environment variable"),
            "{err}"
        );
        assert_eq!(name_list(" ", "X").unwrap(), []);
    }

    #[test]
    fn wildcard_binds_reach_loopback_never_the_wildcard() {
        let guard = HostGuard::builder()
            .bound("0.0.0.0:80".parse::<SocketAddr>().unwrap())
            .build()
            .unwrap();
        assert!(guard.ips.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(!guard.ips.iter().any(|ip| ip.is_unspecified()));
        let v6only = HostGuard::builder()
            .bound("[::]:80".parse::<SocketAddr>().unwrap())
            .dual_stack(DualStack::No)
            .build()
            .unwrap();
        assert!(!v6only.ips.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(HostGuard::builder().build().is_err());
        let port0 = HostGuard::builder()
            .bound("127.0.0.1:0".parse::<SocketAddr>().unwrap())
            .match_port(true)
            .build();
        assert_eq!(port0.unwrap_err().kind(), HostGuardErrorKind::UnboundPort);
    }
}
