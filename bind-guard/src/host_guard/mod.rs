//! The request side (`std` feature): refuse requests a browser was tricked into sending
//! to a server bound to loopback or a private address.
//!
//! # Why a loopback bind is not enough
//!
//! A server bound to `127.0.0.1` cannot be reached from another machine, but a browser
//! on *this* machine can reach it, and any web page can make the browser send it
//! requests:
//!
//! - **DNS rebinding.** `evil.example` first resolves to the attacker's server, which
//!   serves a page; then the attacker's DNS answers `127.0.0.1`. The page's scripts
//!   now talk to your server as *same-origin*: they read its responses. The one thing
//!   the browser cannot hide is the name it used: `Host: evil.example`.
//! - **"0.0.0.0 day".** Browsers send `http://0.0.0.0:PORT/` to the local host, and a
//!   page on any site can make cross-site `POST`s with simple content types. The `Host`
//!   is `0.0.0.0`, the `Origin` is the attacker's.
//! - **Cross-site WebSockets.** A page on any site opens `ws://127.0.0.1:PORT/`: the
//!   `Host` is right, the handshake is a `GET`, and WebSockets are not bound by the
//!   same-origin policy, so the page reads every message. Only `Origin` tells.
//! - **Cross-site script inclusion.** A page adds `<script src="http://localhost:PORT/app.js">`
//!   and reads the globals the script sets.
//!
//! (Vite CVE-2025-24010 and GHSA-4v9v-hfq4-rm2v, Ollama CVE-2024-28224, the MCP SDKs,
//! rmcp RUSTSEC-2026-0189.)
//!
//! [`HostGuard`] accepts a request only if it names this server: `localhost` or a name
//! under `.localhost` (RFC 6761), an IP address the listener is actually reachable on,
//! in a form browsers send (never `0.0.0.0` or `::`), or a name or network the
//! operator configured. A state-changing request (any method but `GET`, `HEAD`,
//! `OPTIONS` and `TRACE`) and every upgrade (`Upgrade:`, `Connection: upgrade`,
//! `Sec-Fetch-Mode: websocket`) must also carry no `Origin` (a client that is not a
//! browser) or an accepted one (an accepted host, or an origin the operator allowed),
//! and not be `Sec-Fetch-Site: cross-site`. A script or style sheet is not served to a
//! page of another site. The guard is built from the addresses the sockets were bound
//! to, never from a setting that may differ from the real bind.
//!
//! ```
//! use bind_guard::host_guard::{Field, HostGuard, Reason, RequestHead};
//!
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let guard = HostGuard::builder().listener(&listener)?.allow_host(".example.com")?.build()?;
//!
//! let get = |host: &'static str| RequestHead { host: Field::One(host.as_bytes()), ..RequestHead::default() };
//! assert!(guard.check(&get("localhost:8080")).is_ok());
//! assert!(guard.check(&get("127.0.0.1")).is_ok());
//! assert!(guard.check(&get("api.example.com")).is_ok());
//! assert_eq!(guard.check(&get("evil.test")).unwrap_err().reason(), Reason::HostNotAllowed);
//! assert_eq!(guard.check(&get("0.0.0.0:8080")).unwrap_err().reason(), Reason::IpNotReachable);
//!
//! // A WebSocket handshake from a page of another site.
//! let ws = RequestHead {
//!     upgrade: Field::One(b"websocket"),
//!     origin: Field::One(b"http://evil.test"),
//!     ..get("127.0.0.1:8080")
//! };
//! assert_eq!(guard.check(&ws).unwrap_err().reason(), Reason::OriginNotAllowed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With feature `tower`, `HostGuardLayer` puts it in front of an axum, tonic or
//! hyper service in one line, and [`HostGuard::check_http`] checks an
//! `http::Request` anywhere else (a `tokio-tungstenite` handshake callback).
//!
//! # What is checked, and why `GET` stays open
//!
//! A page of another site can make the browser send any `GET` (a link, an image, a
//! form, `fetch` with `mode: "no-cors"`), but the same-origin policy keeps the answer
//! from the page, except in four cases, each closed here:
//!
//! | the way in | what the guard checks | proven by |
//! |---|---|---|
//! | DNS rebinding (the page *is* same-origin, under its own name) | `Host` | real Chromium: `tests/browser.rs` `a_browser_is_served_only_under_names_of_the_server` (`rebind.test`) |
//! | `0.0.0.0` and other addresses | `Host` is an address the socket is reachable on | the same browser test opens `http://0.0.0.0:PORT/` and asserts no content reached the page (current Chromium may block the address before sending; the guard's own refusal of `Host: 0.0.0.0` is proven on raw requests: `host_guard/tests.rs`, and `tests/host_guard_example.rs` `serves_its_own_names_and_refuses_the_others`) |
//! | cross-site `POST` | `Origin`, `Sec-Fetch-Site` on state-changing methods | real Chromium: `pages_of_other_origins_cannot_post` |
//! | WebSocket (no same-origin policy) | `Origin` and `Sec-Fetch-Site` on every upgrade | real Chromium: `pages_of_other_sites_cannot_read_a_websocket` (`ws://127.0.0.1`, `ws://localhost`) |
//! | `<script src>`, `<link rel=stylesheet>` (the page runs or applies the answer) | `Sec-Fetch-Mode`/`-Site`/`-Dest` | real Chromium: `pages_of_other_sites_cannot_include_the_script` |
//!
//! And what keeps the guard from refusing too much or trusting too much:
//!
//! | case | rule | proven by |
//! |---|---|---|
//! | `http://[::ffff:127.0.0.1]:PORT/` (Chromium sends `Host: [::ffff:7f00:1]`) | browsers' spellings of a reachable address are accepted | real Chromium: `the_ipv4_mapped_address_is_served` |
//! | a trusted proxy behind axum's `ConnectInfo`, on `127.0.0.1` and on `[::]` (peer `::ffff:127.0.0.1`) | proxies are networks; a mapped peer matches its IPv4 form | `tests/host_guard_proxy.rs` `a_proxys_forwarded_host_is_judged_on_ipv4_and_dual_stack_listeners` |
//! | trusted proxies, but the peer cannot be found | refused (`unknown_peer`), never skipped | `tests/host_guard_proxy.rs` `without_the_peer_every_request_is_refused` |
//! | `.co.uk`, `.github.io`, `in-addr.arpa` as allowed hosts | refused when the server starts (Public Suffix List, `psl` 2.1) | `host_guard/hosts.rs` `public_suffixes_and_reverse_trees_are_refused` |
//! | an origin of the operator's other site | `BIND_GUARD_ALLOWED_ORIGINS`; a refusal names that variable | `host_guard/tests.rs` `an_origin_refusal_names_the_origins_setting`, `origins.rs` `origins_match_whole` |
//! | a wildcard listener's address added after start (DHCP, a new interface) | re-read on a refusal, at most once a second | network namespace: `tests/host_guard_netns.rs` `netns_a_wildcard_guard_learns_addresses_added_after_start` |
//!
//! So a cross-site `GET` navigation (a link to this server from another site) is
//! served: the user sees the answer, the linking page does not, and a server that
//! refused them would break every link and bookmark. A `GET` must not change state; a
//! state-changing `GET` handler is open to cross-site requests whatever the guard does.
//!
//! Other destinations are left to the browser: a page learns an image's size, a
//! media file's duration, whether a URL loads or fails, and how long it takes
//! (timing), but not the bytes. A server that wants browsers to refuse even those
//! sets `Cross-Origin-Resource-Policy: same-origin` (the `tower` layer's
//! `with_resource_policy`). Workers, modules, fonts and `fetch` are CORS requests,
//! unreadable without CORS headers, so no rule is needed for them.
//!
//! Browsers without `Sec-Fetch-*` (before 2023 in Safari) still get the `Host` and
//! `Origin` checks. Chrome's Local Network Access prompt (Chrome 142 and later) asks
//! the user before a public page reaches loopback; it is the browser's, users grant
//! it, other browsers have none, and it does nothing for DNS rebinding.
//!
//! # For operators
//!
//! A server behind a tunnel or reverse proxy is reached under a name the guard does not
//! know. Add it to the environment variable **`BIND_GUARD_ALLOWED_HOSTS`**
//! (comma-separated; `.example.com` for a name and its subdomains; an address or a
//! network such as `10.0.0.0/8` for health checks that send an IP `Host`), or to the
//! setting the application names; every refusal says which. A site of yours on
//! another origin that must send requests or open WebSockets goes in
//! **`BIND_GUARD_ALLOWED_ORIGINS`** (comma-separated full origins:
//! `https://app.example.com`, `chrome-extension://ID`). `*`, bare top-level domains,
//! public suffixes (`.co.uk`, `.github.io`), reverse-DNS names and networks holding
//! `0.0.0.0` are refused when the server starts.
//!
//! # Cost
//!
//! [`HostGuard::check`] allocates nothing, whether it accepts or refuses; the
//! per-host warning (features `log`/`tracing`) is logged once per host, from a fixed
//! table.

mod addresses;
mod authority;
mod config;
mod hosts;
mod origins;
mod peer;
mod reason;
#[cfg(feature = "tower")]
mod tower;
#[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
mod warn;

use core::fmt;
use std::boxed::Box;
use std::net::IpAddr;
use std::sync::Arc;

use addresses::Addresses;
use authority::{Authority, Host};
pub use config::{BoundListener, DualStack, HostGuardBuilder, HostGuardError, HostGuardErrorKind};
use hosts::NamePattern;
use ipnet::IpNet;
use origins::OriginPattern;
pub use peer::{DEFAULT_PEERS_ENV_VAR, PeerFilter, PeerRefusal, PeerStream};
pub use reason::Reason;
use reason::Shown;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{
    HostGuardLayer, HostGuardService, IntoBody, MakeRefusal, PeerFilterLayer, PeerFilterService,
    PeerOf, RefusalBody, RefusalInfo, ResourcePolicy, ResponseFuture, WithBody, WithResponse,
    peer_from_extensions,
};
use warn::WarnOnce;

/// The environment variable [`HostGuard::from_listener`] reads extra hosts from:
/// `BIND_GUARD_ALLOWED_HOSTS`, comma-separated, `.example.com` for a name and its
/// subdomains, addresses and networks (`10.0.0.0/8`) for IP hosts.
pub const DEFAULT_ENV_VAR: &str = "BIND_GUARD_ALLOWED_HOSTS";

/// The environment variable [`HostGuard::from_listener`] reads allowed origins from:
/// `BIND_GUARD_ALLOWED_ORIGINS`, comma-separated full origins
/// (`https://app.example.com`, `chrome-extension://ID`).
pub const DEFAULT_ORIGINS_ENV_VAR: &str = "BIND_GUARD_ALLOWED_ORIGINS";

/// Checks that a request names this server (see the [module docs](self)). Build one
/// per server with [`HostGuard::builder`] or [`HostGuard::from_listener`]; share it
/// (`Clone` shares the address list and the warning table; the rest is read-only).
#[derive(Debug, Clone)]
pub struct HostGuard {
    ips: Arc<Addresses>,
    ports: Box<[u16]>,
    names: Box<[NamePattern]>,
    nets: Box<[IpNet]>,
    origins: Box<[OriginPattern]>,
    null_origin: bool,
    setting: Box<str>,
    origin_setting: Box<str>,
    match_port: bool,
    trusted_proxies: Box<[IpNet]>,
    require_json_post: bool,
    cross_site_includes: bool,
    bypass: Option<fn(&str) -> bool>,
    #[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
    warned: Arc<WarnOnce>,
}

/// A header field of a request, as the guard needs it: absent, one value, or repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field<'a> {
    /// The request has no such field.
    #[default]
    Absent,
    /// Exactly one field, with this value (raw bytes, not necessarily UTF-8).
    One(&'a [u8]),
    /// Two or more fields of this name.
    Many,
}

impl<'a> Field<'a> {
    /// The field from all its values, in order: `Absent`, `One` or `Many`.
    pub fn from_values(mut values: impl Iterator<Item = &'a [u8]>) -> Self {
        match (values.next(), values.next()) {
            (None, _) => Field::Absent,
            (Some(one), None) => Field::One(one),
            (Some(_), Some(_)) => Field::Many,
        }
    }

    /// Whether the field is one value equal to `value`, ignoring ASCII case.
    fn is(self, value: &[u8]) -> bool {
        matches!(self, Field::One(v) if v.eq_ignore_ascii_case(value))
    }
}

/// What the guard reads of a request. Build it from your server's request type (the
/// `tower` feature does it for `http::Request`); the [`Default`] is a `GET /` with no
/// fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHead<'a> {
    /// The method, as sent (`GET`, `POST`, …).
    pub method: &'a str,
    /// The path of the request target (for the bypass hook).
    pub path: &'a str,
    /// The authority of the request target: the absolute form of HTTP/1
    /// (`GET http://host/ HTTP/1.1`) or HTTP/2's `:authority`.
    pub target_authority: Option<&'a [u8]>,
    /// `Host`.
    pub host: Field<'a>,
    /// `Origin`.
    pub origin: Field<'a>,
    /// `Sec-Fetch-Site`.
    pub sec_fetch_site: Field<'a>,
    /// `Sec-Fetch-Mode`.
    pub sec_fetch_mode: Field<'a>,
    /// `Sec-Fetch-Dest`.
    pub sec_fetch_dest: Field<'a>,
    /// `Upgrade` (a WebSocket handshake's `websocket`).
    pub upgrade: Field<'a>,
    /// `Connection` (`Upgrade` on a handshake).
    pub connection: Field<'a>,
    /// `Content-Type`.
    pub content_type: Field<'a>,
    /// `X-Forwarded-Host` (read only from a trusted proxy).
    pub x_forwarded_host: Field<'a>,
    /// `Forwarded` (read only from a trusted proxy).
    pub forwarded: Field<'a>,
    /// The address of the peer, when the server knows it. A guard that trusts proxies
    /// refuses requests without it.
    pub peer: Option<IpAddr>,
}

impl Default for RequestHead<'_> {
    fn default() -> Self {
        Self {
            method: "GET",
            path: "/",
            target_authority: None,
            host: Field::Absent,
            origin: Field::Absent,
            sec_fetch_site: Field::Absent,
            sec_fetch_mode: Field::Absent,
            sec_fetch_dest: Field::Absent,
            upgrade: Field::Absent,
            connection: Field::Absent,
            content_type: Field::Absent,
            x_forwarded_host: Field::Absent,
            forwarded: Field::Absent,
            peer: None,
        }
    }
}

impl RequestHead<'_> {
    /// Whether the request asks to switch protocols (a WebSocket handshake): an
    /// `Upgrade` field, `upgrade` among the `Connection` options, or
    /// `Sec-Fetch-Mode: websocket`. A repeated field counts as one that may say so.
    #[must_use]
    pub fn is_upgrade(&self) -> bool {
        let connection_upgrade = match self.connection {
            Field::Absent => false,
            Field::Many => true,
            Field::One(options) => options
                .split(|&b| b == b',')
                .any(|option| option.trim_ascii().eq_ignore_ascii_case(b"upgrade")),
        };
        self.upgrade != Field::Absent
            || connection_upgrade
            || self.sec_fetch_mode.is(b"websocket")
            || self.sec_fetch_mode == Field::Many
    }
}

/// A refused request: why, the HTTP status, and (as `Display`) the short text for the
/// response body that names the fix. Borrows the request and the guard; showing it
/// escapes and cuts the request's bytes, and allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    reason: Reason,
    /// The offending value (a host, an origin), raw.
    value: &'a [u8],
    /// What the operator changes to let it in; empty when nothing should be added.
    setting: &'a str,
}

impl Refusal<'_> {
    /// Why.
    #[must_use]
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// The HTTP status to answer with ([`Reason::status`]).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.reason.status()
    }
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = Shown(self.value);
        let setting = self.setting;
        match self.reason {
            Reason::MissingHost => f.write_str("refused: the request has no Host header"),
            Reason::DuplicateHost => f.write_str("refused: the request has more than one Host header"),
            Reason::MalformedHost => write!(f, "refused: Host `{v}` is not a host name or address with an optional port"),
            Reason::HostUserinfo => write!(f, "refused: Host `{v}` carries user information (`user@`)"),
            Reason::AuthorityMismatch => write!(f, "refused: the request target names `{v}`, but the Host header names another host"),
            Reason::HostNotAllowed => write!(f, "refused: this server does not answer to `{v}`. If it should, add `{v}` to {setting}"),
            Reason::IpNotReachable => write!(f, "refused: this server does not listen on `{v}`; use http://localhost or an address it listens on, or add a host name or network for it to {setting}"),
            Reason::NumericHost => write!(f, "refused: `{v}` is not an address in a form browsers send; write it as browsers do (such as 127.0.0.1 or [::1]) or use localhost"),
            Reason::PortNotAllowed => write!(f, "refused: this server does not listen on the port of `{v}`"),
            Reason::OriginNotAllowed if self.value == b"null" => f.write_str("refused: a sandboxed frame or local file (Origin: null) may not send this request"),
            Reason::OriginNotAllowed if setting.is_empty() => write!(f, "refused: a page of `{v}` may not send this request or open a WebSocket"),
            Reason::OriginNotAllowed => write!(f, "refused: a page of `{v}` may not send this request or open a WebSocket. If that site is yours, add `{v}` to {setting}"),
            Reason::CrossSite => f.write_str("refused: the browser marked this request as sent by another site (Sec-Fetch-Site: cross-site); state-changing requests and WebSockets are taken from this server's own pages only"),
            Reason::CrossSiteInclude => write!(f, "refused: a page of another site included this response (Sec-Fetch-Mode: no-cors, Sec-Fetch-Dest: {v}); scripts and style sheets are served to this server's own pages only"),
            Reason::NotJson => f.write_str("refused: POST requests here must have Content-Type: application/json"),
            Reason::ForwardedHostNotAllowed => write!(f, "refused: the proxy forwarded host `{v}`. If this server should answer to it, add `{v}` to {setting}"),
            Reason::UnknownPeer => f.write_str("refused: this server trusts forwarded hosts from its proxies but was not told who sent this request, so it cannot tell a proxy from anyone else; the application must pass the peer address to the host guard"),
            Reason::PeerNotAllowed => write!(f, "refused: connections from `{v}` are not served. If they should be, add its network to {setting}"),
        }?;
        write!(f, " ({}).", self.reason.name())
    }
}

/// The methods that do not change state (RFC 9110 section 9.2.1); every other method,
/// including unknown ones, is treated as unsafe.
fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

/// The `Sec-Fetch-Dest` values whose response the including page uses as its own:
/// a script runs in the page (its globals and side effects are readable: "XSSI"); a
/// style sheet's rules apply to the page, which reads them back through computed
/// styles. (`xslt` needs a same-origin document; workers, modules, fonts and `fetch`
/// are CORS requests; images, media and frames give the page no bytes.)
const INCLUDED: &[&[u8]] = &[b"script", b"style"];

impl HostGuard {
    /// Checks a request. `Ok` means it names this server (and, for a state-changing
    /// method or an upgrade, comes from no other site); a [`Refusal`] says why not.
    /// Allocates nothing; logs at most one warning per refused host (features
    /// `log`/`tracing`).
    ///
    /// # Errors
    ///
    /// The refusal.
    pub fn check<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        let verdict = self.verdict(req);
        if let Err(refusal) = &verdict {
            self.warn(refusal);
        }
        verdict
    }

    fn refuse<'a>(&'a self, reason: Reason, value: &'a [u8]) -> Refusal<'a> {
        Refusal {
            reason,
            value,
            setting: &self.setting,
        }
    }

    fn verdict<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        if self.bypass.is_some_and(|bypass| bypass(req.path)) {
            return Ok(());
        }
        let read = |raw: &'a [u8]| authority::parse(raw).map_err(|reason| self.refuse(reason, raw));
        let host = match req.host {
            Field::Absent => None,
            Field::One(raw) => Some((read(raw)?, raw)),
            Field::Many => return Err(self.refuse(Reason::DuplicateHost, b"")),
        };
        let target = req
            .target_authority
            .map(|raw| read(raw).map(|a| (a, raw)))
            .transpose()?;
        let (authority, raw) = match (target, host) {
            (Some((t, raw)), Some((h, _))) if !t.same_as(&h) => {
                return Err(self.refuse(Reason::AuthorityMismatch, raw));
            }
            (Some(named), _) | (None, Some(named)) => named,
            (None, None) => return Err(self.refuse(Reason::MissingHost, b"")),
        };
        self.accept(authority, raw, false)?;
        if !self.trusted_proxies.is_empty() {
            // Fail closed: without the peer, a forwarded host from anyone would pass
            // as a proxy's, or be skipped unchecked.
            let peer = req
                .peer
                .ok_or_else(|| self.refuse(Reason::UnknownPeer, b""))?
                .to_canonical();
            if self.trusted_proxies.iter().any(|net| net.contains(&peer)) {
                self.check_forwarded(req)?;
            }
        }
        if !is_safe_method(req.method) || req.is_upgrade() {
            self.check_cross_origin(req)?;
        }
        if !self.cross_site_includes {
            self.check_include(req)?;
        }
        Ok(())
    }

    /// Whether `host` is one of the accepted hosts: `localhost`, a configured name,
    /// an address the server is reachable on or in a configured network. The one
    /// place that decides it, for `Host`, forwarded hosts and `Origin`.
    fn is_accepted_host(&self, host: Host<'_>) -> bool {
        match host {
            Host::Name(name) => {
                crate::text::host_name::is_localhost(name)
                    || self.names.iter().any(|p| p.matches(name))
            }
            Host::Ip(ip) => {
                // Browsers may write an IPv4 address as IPv4-mapped IPv6; it is the
                // IPv4 address that the connection reaches.
                let ip = ip.to_canonical();
                // Networks never take the wildcard (see `hosts::host_net`); the
                // address list never holds it.
                self.ips.contains(ip) || self.nets.iter().any(|net| net.contains(&ip))
            }
            Host::Numeric(_) => false,
        }
    }

    /// Whether `authority` is one of the accepted hosts (and ports).
    fn accept<'a>(
        &'a self,
        authority: Authority<'a>,
        raw: &'a [u8],
        forwarded: bool,
    ) -> Result<(), Refusal<'a>> {
        if !self.is_accepted_host(authority.host) {
            return Err(match authority.host {
                _ if forwarded => self.refuse(Reason::ForwardedHostNotAllowed, raw),
                Host::Name(name) => self.refuse(Reason::HostNotAllowed, name),
                Host::Ip(_) => self.refuse(Reason::IpNotReachable, raw),
                Host::Numeric(text) => self.refuse(Reason::NumericHost, text),
            });
        }
        if self.match_port && !self.ports.contains(&authority.port.unwrap_or(80)) {
            return Err(self.refuse(Reason::PortNotAllowed, raw));
        }
        Ok(())
    }

    fn check_forwarded<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        let refused = |raw: &'a [u8]| self.refuse(Reason::ForwardedHostNotAllowed, raw);
        match req.x_forwarded_host {
            Field::Absent => {}
            Field::Many => return Err(refused(b"")),
            Field::One(list) => {
                for item in list.split(|&b| b == b',') {
                    let item = item.trim_ascii();
                    let authority = authority::parse(item).map_err(|_| refused(item))?;
                    self.accept(authority, item, true)?;
                }
            }
        }
        match req.forwarded {
            Field::Absent => {}
            Field::Many => return Err(refused(b"")),
            Field::One(list) => {
                // `Forwarded: for=…;host=a.example;proto=https, for=…;host="b.example"`
                for pair in list.split(|&b| b == b',' || b == b';') {
                    let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                        return Err(refused(pair.trim_ascii()));
                    };
                    let (key, value) = pair.split_at(eq);
                    if !key.trim_ascii().eq_ignore_ascii_case(b"host") {
                        continue;
                    }
                    let value = value.get(1..).unwrap_or_default().trim_ascii();
                    let value = value
                        .strip_prefix(b"\"")
                        .and_then(|v| v.strip_suffix(b"\""))
                        .unwrap_or(value);
                    let authority = authority::parse(value).map_err(|_| refused(value))?;
                    self.accept(authority, value, true)?;
                }
            }
        }
        Ok(())
    }

    /// Whether a request's `Origin` is accepted: an allowed origin, the opted-in
    /// `null`, or a web origin whose host (and port, when ports are matched) is
    /// accepted: a page of this server.
    fn is_accepted_origin(&self, raw: &[u8]) -> bool {
        if raw == b"null" {
            return self.null_origin;
        }
        let Some(origin) = authority::parse_origin(raw) else {
            return false;
        };
        self.origins.iter().any(|o| o.matches(&origin))
            || (origin.scheme.is_web()
                && self.is_accepted_host(origin.authority.host)
                && (!self.match_port || self.ports.contains(&origin.port())))
    }

    /// The checks of a request that a page of another site must not send: state
    /// changing requests and upgrades.
    fn check_cross_origin<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        match req.origin {
            Field::Absent => {}
            Field::Many => return Err(self.refuse(Reason::OriginNotAllowed, b"")),
            Field::One(raw) if self.is_accepted_origin(raw) => {}
            Field::One(raw) => {
                // Name the setting only for an origin that could be added there.
                let setting: &str = match authority::parse_origin(raw) {
                    Some(o) if !matches!(o.authority.host, Host::Numeric(_)) => {
                        &self.origin_setting
                    }
                    _ => "",
                };
                return Err(Refusal {
                    reason: Reason::OriginNotAllowed,
                    value: raw,
                    setting,
                });
            }
        }
        match req.sec_fetch_site {
            Field::One(site) if !site.eq_ignore_ascii_case(b"cross-site") => {}
            Field::Absent => {}
            Field::One(site) => return Err(self.refuse(Reason::CrossSite, site)),
            Field::Many => return Err(self.refuse(Reason::CrossSite, b"")),
        }
        if self.require_json_post && req.method == "POST" {
            let json = match req.content_type {
                Field::One(value) => {
                    let media = value.split(|&b| b == b';').next().unwrap_or_default();
                    media.trim_ascii().eq_ignore_ascii_case(b"application/json")
                }
                _ => false,
            };
            if !json {
                return Err(self.refuse(Reason::NotJson, b""));
            }
        }
        Ok(())
    }

    /// Refuses a script or style sheet included by a page of another origin. The
    /// page sends no `Origin` for these, so the browser's `Sec-Fetch-*` fields are
    /// all there is: `no-cors` mode, a site other than `same-origin` (`same-site`
    /// too: every other port of `localhost` is the same site), a destination of
    /// [`INCLUDED`]. (Vite and webpack-dev-server refuse the same.)
    fn check_include<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        if !req.sec_fetch_mode.is(b"no-cors") {
            return Ok(());
        }
        let other_site = !(req.sec_fetch_site.is(b"same-origin") || req.sec_fetch_site.is(b"none"));
        match req.sec_fetch_dest {
            Field::One(dest)
                if other_site && INCLUDED.iter().any(|d| dest.eq_ignore_ascii_case(d)) =>
            {
                Err(self.refuse(Reason::CrossSiteInclude, dest))
            }
            Field::Many if other_site => Err(self.refuse(Reason::CrossSiteInclude, b"")),
            _ => Ok(()),
        }
    }

    /// Whether [`check`](HostGuard::check) reads [`RequestHead::peer`]: only a guard
    /// that trusts proxies does, so an adapter may skip looking the peer up.
    #[cfg(feature = "tower")]
    pub(crate) fn needs_peer(&self) -> bool {
        !self.trusted_proxies.is_empty()
    }

    #[allow(unused_variables)]
    fn warn(&self, refusal: &Refusal<'_>) {
        #[cfg(any(feature = "log", feature = "tracing"))]
        if self.warned.first(refusal.value, refusal.reason.name()) {
            crate::warn_event::warn_event!(
                "bind_guard::host_guard",
                [reason = refusal.reason.name(),],
                "{refusal}"
            );
        }
    }
}

#[cfg(test)]
mod tests;
