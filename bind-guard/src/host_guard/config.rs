//! Building a [`HostGuard`]: the bound addresses, the names an operator adds, and the
//! options. Everything that allocates happens here, once.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::string::{String, ToString};
use std::sync::Arc;
use std::vec::Vec;

use ipnet::IpNet;

use super::addresses::Addresses;
use super::hosts::{self, HostEntry};
use super::origins::{self, OriginPattern};
use super::warn::WarnOnce;
use super::{DEFAULT_ENV_VAR, DEFAULT_ORIGINS_ENV_VAR, HostGuard};
use crate::{BindAddr, BindSet};

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
/// came from (the environment variable, or the application's configuration). `Debug`
/// is the sentence too: what `main` returning this error prints.
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
    /// A public suffix (`.co.uk`, `.github.io`: on the Public Suffix List, read with
    /// the `psl` crate) or a wildcard DNS service (`.nip.io`): names under it belong
    /// to many owners.
    PublicSuffix,
    /// A name under `in-addr.arpa` or `ip6.arpa`: an address written backwards.
    ReverseDns,
    /// An address or network that holds `0.0.0.0` or `::` (every `/0`).
    Unspecified,
    /// Not a DNS name, address or network (bad characters, an empty label, a label
    /// that is a number, a bad prefix length).
    NotAName,
    /// Not an origin (`scheme://host[:port]` with `http`, `https`,
    /// `chrome-extension` or `moz-extension`, no path).
    NotAnOrigin,
    /// `null` in a list of origins: every sandboxed frame and local file sends it.
    NullOrigin,
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

crate::bind_error::debug_is_display!(HostGuardError);

impl fmt::Display for HostGuardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entry, source) = (&self.entry, &self.source);
        match self.kind {
            HostGuardErrorKind::EmptyEntry => write!(
                f,
                "{source} has an empty entry; list entries separated by commas, without empty items"
            ),
            HostGuardErrorKind::Wildcard => write!(
                f,
                "`{entry}` in {source} would accept every host and undo the guard; write `.example.com` to accept example.com and its subdomains"
            ),
            HostGuardErrorKind::BareTld => write!(
                f,
                "`{entry}` in {source} would accept every name under a top-level domain; name your domain (`.example.com`)"
            ),
            HostGuardErrorKind::PublicSuffix => write!(
                f,
                "`{entry}` in {source} is a public suffix: names under it belong to anyone who registers one, and any of them could be pointed at this server; name your own domain (`.yours.example.com`)"
            ),
            HostGuardErrorKind::ReverseDns => write!(
                f,
                "`{entry}` in {source} is a reverse-DNS name (an address written backwards), not a name this server is reached by; list the address or network instead"
            ),
            HostGuardErrorKind::Unspecified => write!(
                f,
                "`{entry}` in {source} holds 0.0.0.0 or ::, the wildcard address that no request should name; list the addresses or networks the server is reached on"
            ),
            HostGuardErrorKind::NotAName => write!(
                f,
                "`{entry}` in {source} is not a host name (letters, digits, `-`, `_`, dot-separated labels, the last not a number), an address or a network (`10.0.0.0/8`)"
            ),
            HostGuardErrorKind::NotAnOrigin => write!(
                f,
                "`{entry}` in {source} is not an origin; write the scheme, the host and the port if not the default, without a path (`https://app.example.com`, `http://localhost:5173`, `chrome-extension://ID`)"
            ),
            HostGuardErrorKind::NullOrigin => write!(
                f,
                "`null` in {source} would let in every sandboxed frame and local file of any site; only the application can allow it"
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

pub use crate::sysctl::DualStack;

/// Builds a [`HostGuard`]; see [`HostGuard::builder`].
#[derive(Debug, Clone)]
pub struct HostGuardBuilder {
    bound: Vec<SocketAddr>,
    hosts: Vec<HostEntry>,
    origins: Vec<OriginPattern>,
    env_var: Option<String>,
    origins_env_var: Option<String>,
    setting: Option<String>,
    origin_setting: Option<String>,
    match_port: bool,
    trusted_proxies: Vec<IpNet>,
    require_json_post: bool,
    cross_site_includes: bool,
    null_origin: bool,
    bypass: Option<fn(&str) -> bool>,
    dual_stack: DualStack,
}

impl Default for HostGuardBuilder {
    fn default() -> Self {
        Self {
            bound: Vec::new(),
            hosts: Vec::new(),
            origins: Vec::new(),
            env_var: None,
            origins_env_var: None,
            setting: None,
            origin_setting: None,
            match_port: false,
            trusted_proxies: Vec::new(),
            require_json_post: false,
            cross_site_includes: false,
            null_origin: false,
            bypass: None,
            dual_stack: DualStack::SystemDefault,
        }
    }
}

/// Reads the environment variable `var` through `lookup`: `None` when unset.
/// The entries of the comma-separated list in the variable `var` (none when it is
/// unset), each read by `list`; the errors name the variable as their source.
fn var_list<T>(
    var: &str,
    lookup: impl FnOnce(&str) -> Option<std::ffi::OsString>,
    list: fn(&str, &str) -> Result<Vec<T>, HostGuardError>,
) -> Result<Vec<T>, HostGuardError> {
    let source = std::format!("the {var} environment variable");
    match lookup(var) {
        None => Ok(Vec::new()),
        Some(value) => {
            let value = value
                .into_string()
                .map_err(|_| HostGuardError::new(HostGuardErrorKind::NotUnicode, "", &source))?;
            list(&value, &source)
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

    /// Adds a host: `example.com` for that name, `.example.com` for it and its
    /// subdomains, an address (`10.0.0.5`, `[fd00::5]`) or a network (`10.0.0.0/8`)
    /// for requests that name an IP address (health checks). `localhost` and
    /// `*.localhost` are always accepted.
    ///
    /// # Errors
    ///
    /// `*`, `*.example.com`, `.com`, a public suffix (`.co.uk`, `.github.io`,
    /// `.nip.io`), a name under `in-addr.arpa` or `ip6.arpa`, a network that holds
    /// `0.0.0.0` or `::`, an empty entry or anything that is not a host.
    pub fn allow_host(mut self, host: &str) -> Result<Self, HostGuardError> {
        self.hosts
            .push(hosts::host_entry(host, "the allowed hosts")?);
        Ok(self)
    }

    /// Accepts requests whose `Host` is an address in `net` (Kubernetes and load
    /// balancer health checks send the pod's or node's address).
    ///
    /// # Errors
    ///
    /// A network that holds `0.0.0.0` or `::` (such as `0.0.0.0/0`).
    pub fn allow_host_net(mut self, net: impl Into<IpNet>) -> Result<Self, HostGuardError> {
        let net = net.into();
        let entry = hosts::host_net(net)
            .map_err(|kind| HostGuardError::new(kind, &net.to_string(), "the allowed hosts"))?;
        self.hosts.push(entry);
        Ok(self)
    }

    /// Adds the comma-separated hosts of the environment variable `var` (when it is
    /// set), in the forms of [`allow_host`](Self::allow_host), for tunnels and reverse
    /// proxies; refusal messages then tell the operator to add a host to `var`.
    /// [`HostGuard::from_listener`] reads [`DEFAULT_ENV_VAR`]
    /// (`BIND_GUARD_ALLOWED_HOSTS`).
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
        self.hosts.extend(var_list(var, lookup, hosts::host_list)?);
        self.env_var = Some(var.to_string());
        Ok(self)
    }

    /// Accepts state-changing requests and WebSockets from pages of `origin`, a full
    /// origin: `https://app.example.com`, `http://localhost:5173`,
    /// `chrome-extension://ID`, `moz-extension://ID`. Pages of the accepted hosts
    /// need no entry.
    ///
    /// # Errors
    ///
    /// `*`, `null` (see [`insecure_allow_null_origin`](Self::insecure_allow_null_origin)),
    /// an origin with a path, another scheme, or a host that is no host.
    pub fn allow_origin(mut self, origin: &str) -> Result<Self, HostGuardError> {
        self.origins
            .push(origins::origin_entry(origin, "the allowed origins")?);
        Ok(self)
    }

    /// Adds the comma-separated origins of the environment variable `var` (when it is
    /// set), in the forms of [`allow_origin`](Self::allow_origin); origin refusals
    /// then tell the operator to add the origin to `var`.
    /// [`HostGuard::from_listener`] reads [`DEFAULT_ORIGINS_ENV_VAR`]
    /// (`BIND_GUARD_ALLOWED_ORIGINS`).
    ///
    /// # Errors
    ///
    /// As [`allow_origin`](Self::allow_origin), for any entry; or the value is not
    /// UTF-8.
    pub fn allowed_origins_from_env(self, var: &str) -> Result<Self, HostGuardError> {
        self.allowed_origins_from(var, |name| std::env::var_os(name))
    }

    /// [`allowed_origins_from_env`](Self::allowed_origins_from_env) with any lookup in
    /// place of the process environment.
    ///
    /// # Errors
    ///
    /// As [`allowed_origins_from_env`](Self::allowed_origins_from_env).
    pub fn allowed_origins_from(
        mut self,
        var: &str,
        lookup: impl FnOnce(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, HostGuardError> {
        self.origins
            .extend(var_list(var, lookup, origins::origin_list)?);
        self.origins_env_var = Some(var.to_string());
        Ok(self)
    }

    /// Accepts `Origin: null`: sandboxed frames, `file:` pages and some redirects
    /// send it, **from any site**, so this lets every site's sandboxed frames send
    /// state-changing requests and open WebSockets. For a server whose own pages are
    /// sandboxed or local, and nothing else.
    #[must_use]
    pub fn insecure_allow_null_origin(mut self) -> Self {
        self.null_origin = true;
        self
    }

    /// What host refusals tell the operator to change to allow a host, such as
    /// `"allowed_hosts in /etc/myapp.toml"`. By default, the environment variable
    /// given to [`allowed_hosts_from_env`](Self::allowed_hosts_from_env).
    #[must_use]
    pub fn setting_name(mut self, setting: &str) -> Self {
        self.setting = Some(setting.to_string());
        self
    }

    /// What origin refusals tell the operator to change to allow an origin, such as
    /// `"allowed_origins in /etc/myapp.toml"`. By default, the environment variable
    /// given to [`allowed_origins_from_env`](Self::allowed_origins_from_env).
    #[must_use]
    pub fn origin_setting_name(mut self, setting: &str) -> Self {
        self.origin_setting = Some(setting.to_string());
        self
    }

    /// Also requires the port of `Host` (80 when absent) and of `Origin` to be a bound
    /// port. Off by default: the host is what DNS rebinding changes.
    #[must_use]
    pub fn match_port(mut self, on: bool) -> Self {
        self.match_port = on;
        self
    }

    /// Trusts `X-Forwarded-Host` and `Forwarded: host=` from peers in these networks
    /// (the reverse proxies: `"10.0.0.0/8".parse()?`, or an address as a network of
    /// one, `IpNet::from(ip)`): every forwarded host must then be accepted too. An
    /// IPv4-mapped peer (`::ffff:127.0.0.1` on a `[::]` listener) is compared as the
    /// IPv4 address. From any other peer, and by default, those fields are ignored.
    ///
    /// A guard that trusts proxies must know each request's peer
    /// ([`RequestHead::peer`](super::RequestHead::peer); the `tower` layer finds it): it refuses requests
    /// without one ([`Reason::UnknownPeer`](super::Reason::UnknownPeer)) rather than
    /// skip the forwarded fields.
    #[must_use]
    pub fn trust_proxies<N: Into<IpNet>>(mut self, proxies: impl IntoIterator<Item = N>) -> Self {
        self.trusted_proxies.extend(
            proxies
                .into_iter()
                .map(|net| Into::<IpNet>::into(net).trunc()),
        );
        self
    }

    /// Requires `Content-Type: application/json` on `POST`, so that a cross-origin
    /// page cannot send one without a CORS preflight.
    #[must_use]
    pub fn require_json_post(mut self, on: bool) -> Self {
        self.require_json_post = on;
        self
    }

    /// Serves scripts and style sheets to pages of other sites (`<script src>`,
    /// `<link rel=stylesheet>` from another origin), which the guard refuses by
    /// default: **the including page reads what they define**. For a server that
    /// publishes scripts for other sites (a widget, a CDN), whose answers hold
    /// nothing private.
    #[must_use]
    pub fn insecure_allow_cross_site_includes(mut self) -> Self {
        self.cross_site_includes = true;
        self
    }

    /// Paths for which **no check at all** is made: any `Host`, any `Origin`, any
    /// site (a health check polled by a load balancer with an IP `Host`; prefer
    /// [`allow_host_net`](Self::allow_host_net)). Keep them free of data and side
    /// effects: a rebinding page reads them, and any site can post to them.
    #[must_use]
    pub fn insecure_bypass(mut self, is_bypassed: fn(&str) -> bool) -> Self {
        self.bypass = Some(is_bypassed);
        self
    }

    /// The old name of [`insecure_bypass`](Self::insecure_bypass).
    #[deprecated(note = "renamed `insecure_bypass`: it switches every check off for the paths")]
    #[must_use]
    pub fn exempt(self, is_exempt: fn(&str) -> bool) -> Self {
        self.insecure_bypass(is_exempt)
    }

    /// Whether `[::]` listeners also take IPv4 (their IPv4 addresses are then
    /// accepted). The system default unless set.
    #[must_use]
    pub fn dual_stack(mut self, dual_stack: DualStack) -> Self {
        self.dual_stack = dual_stack;
        self
    }

    /// Builds the guard: reads the interface addresses behind a wildcard bind (with
    /// feature `if-addrs`, again when a request names an address not yet known, at
    /// most once a second; without it, only the loopback addresses of that family are
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
        }
        ports.sort_unstable();
        ports.dedup();
        let ips = Addresses::new(&self.bound, self.dual_stack)?;
        let setting = match (self.setting, &self.env_var) {
            (Some(setting), _) => setting,
            (None, Some(var)) => std::format!("the {var} environment variable (comma-separated)"),
            (None, None) => String::from("the allowed hosts of this server"),
        };
        let origin_setting = match (self.origin_setting, &self.origins_env_var) {
            (Some(setting), _) => setting,
            (None, Some(var)) => std::format!("the {var} environment variable (comma-separated)"),
            (None, None) => String::from("the allowed origins of this server"),
        };
        let mut names = Vec::new();
        let mut nets = Vec::new();
        for entry in self.hosts {
            match entry {
                HostEntry::Name(name) if !names.contains(&name) => names.push(name),
                HostEntry::Net(net) if !nets.contains(&net) => nets.push(net),
                _ => {}
            }
        }
        let mut origins = self.origins;
        origins.dedup();
        Ok(HostGuard {
            ips: Arc::new(ips),
            ports: ports.into_boxed_slice(),
            names: names.into_boxed_slice(),
            nets: nets.into_boxed_slice(),
            origins: origins.into_boxed_slice(),
            null_origin: self.null_origin,
            setting: setting.into_boxed_str(),
            origin_setting: origin_setting.into_boxed_str(),
            match_port: self.match_port,
            trusted_proxies: self.trusted_proxies.into_boxed_slice(),
            require_json_post: self.require_json_post,
            cross_site_includes: self.cross_site_includes,
            bypass: self.bypass,
            warned: Arc::new(WarnOnce::new()),
        })
    }
}

impl HostGuard {
    /// A builder with nothing bound yet.
    #[must_use]
    pub fn builder() -> HostGuardBuilder {
        HostGuardBuilder::default()
    }

    /// The guard for one listener, with the hosts of [`DEFAULT_ENV_VAR`]
    /// (`BIND_GUARD_ALLOWED_HOSTS`), the origins of [`DEFAULT_ORIGINS_ENV_VAR`]
    /// (`BIND_GUARD_ALLOWED_ORIGINS`) and the default options.
    ///
    /// # Errors
    ///
    /// Reading the listener's address, or a bad entry in a variable.
    pub fn from_listener(listener: &impl BoundListener) -> Result<Self, HostGuardError> {
        Self::from_listeners([listener])
    }

    /// The guard for every listener of a server in one call, with the hosts and
    /// origins of the environment variables, as [`from_listener`](Self::from_listener):
    /// `&listeners` for the `Vec` that `bind_guard::tokio::bind_tcp_all` returns,
    /// `&set` for a bound [`BindSet`], `[addr_a, addr_b]` for addresses read from the
    /// sockets.
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
            .allowed_origins_from_env(DEFAULT_ORIGINS_ENV_VAR)?
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
        Self::from_listeners(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_ports_and_empty_builders_are_refused() {
        assert!(HostGuard::builder().build().is_err());
        let port0 = HostGuard::builder()
            .bound("127.0.0.1:0".parse::<SocketAddr>().unwrap())
            .match_port(true)
            .build();
        assert_eq!(port0.unwrap_err().kind(), HostGuardErrorKind::UnboundPort);
    }

    #[test]
    fn networks_holding_the_wildcard_are_refused() {
        for net in ["0.0.0.0/0", "::/0", "0.0.0.0/32", "::/128"] {
            let err = HostGuard::builder()
                .allow_host_net(net.parse::<IpNet>().unwrap())
                .unwrap_err();
            assert_eq!(err.kind(), HostGuardErrorKind::Unspecified, "{net}");
        }
        assert!(
            HostGuard::builder()
                .allow_host_net("10.0.0.0/8".parse::<IpNet>().unwrap())
                .is_ok()
        );
    }
}
