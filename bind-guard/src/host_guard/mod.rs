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
//!
//! (Vite CVE-2025-24010, Ollama CVE-2024-28224, the MCP SDKs, rmcp RUSTSEC-2026-0189.)
//!
//! [`HostGuard`] accepts a request only if it names this server: `localhost` or a name
//! under `.localhost` (RFC 6761), an IP address the listener is actually reachable on,
//! in canonical form (never `0.0.0.0` or `::`), or a name the operator configured. A
//! state-changing request (any method but `GET`, `HEAD`, `OPTIONS` and `TRACE`) must
//! also carry no `Origin` or an accepted one, and not be `Sec-Fetch-Site: cross-site`.
//! The guard is built from the addresses the sockets were bound to, never from a
//! setting that may differ from the real bind.
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
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With feature `tower`, `HostGuardLayer` puts it
//! in front of an axum, tonic or hyper service in one line.
//!
//! # For operators
//!
//! A server behind a tunnel or reverse proxy is reached under a name the guard does not
//! know. Add it to the environment variable **`BIND_GUARD_ALLOWED_HOSTS`**
//! (comma-separated; `.example.com` for a name and its subdomains), or to the setting
//! the application names; every refusal says which. `*` and bare top-level domains
//! are refused when the server starts.
//!
//! # Cost
//!
//! [`HostGuard::check`] allocates nothing, whether it accepts or refuses; the
//! per-host warning (features `log`/`tracing`) is logged once per host, from a fixed
//! table.

mod authority;
mod config;
mod reason;
#[cfg(feature = "tower")]
mod tower;
#[cfg_attr(not(any(feature = "log", feature = "tracing")), allow(dead_code))]
mod warn;

use core::fmt;
use std::boxed::Box;
use std::net::IpAddr;
use std::sync::Arc;

use authority::{Authority, Host};
use config::NamePattern;
pub use config::{BoundListener, DualStack, HostGuardBuilder, HostGuardError, HostGuardErrorKind};
pub use reason::Reason;
use reason::Shown;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{HostGuardLayer, HostGuardService, IntoBody, RefusalBody, ResponseFuture};
use warn::WarnOnce;

/// The environment variable [`HostGuard::from_listener`] reads extra host names from:
/// `BIND_GUARD_ALLOWED_HOSTS`, comma-separated, `.example.com` for a name and its
/// subdomains.
pub const DEFAULT_ENV_VAR: &str = "BIND_GUARD_ALLOWED_HOSTS";

/// Checks that a request names this server (see the [module docs](self)). Build one
/// per server with [`HostGuard::builder`] or [`HostGuard::from_listener`]; share it
/// (`Clone` is cheap for the warning table, and the rest is read-only).
#[derive(Debug)]
pub struct HostGuard {
    ips: Box<[IpAddr]>,
    ports: Box<[u16]>,
    names: Box<[NamePattern]>,
    setting: Box<str>,
    match_port: bool,
    trusted_proxies: Box<[IpAddr]>,
    require_json_post: bool,
    exempt: Option<fn(&str) -> bool>,
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
}

/// What the guard reads of a request. Build it from your server's request type (the
/// `tower` feature does it for `http::Request`); the [`Default`] is a `GET /` with no
/// fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHead<'a> {
    /// The method, as sent (`GET`, `POST`, …).
    pub method: &'a str,
    /// The path of the request target (for the exemption hook).
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
    /// `Content-Type`.
    pub content_type: Field<'a>,
    /// `X-Forwarded-Host` (read only from a trusted proxy).
    pub x_forwarded_host: Field<'a>,
    /// `Forwarded` (read only from a trusted proxy).
    pub forwarded: Field<'a>,
    /// The address of the peer, when the server knows it (for the trusted proxies).
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
            content_type: Field::Absent,
            x_forwarded_host: Field::Absent,
            forwarded: Field::Absent,
            peer: None,
        }
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
    /// For a refused `Origin`, its host name: what the operator would add.
    origin_name: &'a [u8],
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
            Reason::IpNotReachable => write!(f, "refused: this server does not listen on `{v}`; use http://localhost or an address it listens on, or add a host name for it to {setting}"),
            Reason::NumericHost => write!(f, "refused: `{v}` is not an address in its canonical form; write it as browsers do (such as 127.0.0.1 or [::1]) or use localhost"),
            Reason::PortNotAllowed => write!(f, "refused: this server does not listen on the port of `{v}`"),
            Reason::OriginNotAllowed if self.origin_name.is_empty() => write!(f, "refused: a page of `{v}` may not send this request"),
            Reason::OriginNotAllowed => {
                let name = Shown(self.origin_name);
                write!(f, "refused: a page of `{v}` may not send this request. If that site is yours, add `{name}` to {setting}")
            }
            Reason::CrossSite => f.write_str("refused: the browser marked this state-changing request as sent by another site (Sec-Fetch-Site: cross-site)"),
            Reason::NotJson => f.write_str("refused: POST requests here must have Content-Type: application/json"),
            Reason::ForwardedHostNotAllowed => write!(f, "refused: the proxy forwarded host `{v}`. If this server should answer to it, add `{v}` to {setting}"),
        }?;
        write!(f, " ({}).", self.reason.name())
    }
}

/// The methods that do not change state (RFC 9110 section 9.2.1); every other method,
/// including unknown ones, is treated as unsafe.
fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

impl HostGuard {
    /// Checks a request. `Ok` means it names this server (and, for a state-changing
    /// method, comes from no other site); a [`Refusal`] says why not. Allocates
    /// nothing; logs at most one warning per refused host (features `log`/`tracing`).
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
            origin_name: b"",
            setting: &self.setting,
        }
    }

    fn verdict<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        if self.exempt.is_some_and(|exempt| exempt(req.path)) {
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
        if req
            .peer
            .is_some_and(|peer| self.trusted_proxies.contains(&peer))
        {
            self.check_forwarded(req)?;
        }
        if !is_safe_method(req.method) {
            self.check_unsafe(req)?;
        }
        Ok(())
    }

    /// Whether `authority` is one of the accepted hosts (and ports).
    fn accept<'a>(
        &'a self,
        authority: Authority<'a>,
        raw: &'a [u8],
        forwarded: bool,
    ) -> Result<(), Refusal<'a>> {
        let not_allowed = if forwarded {
            Reason::ForwardedHostNotAllowed
        } else {
            Reason::HostNotAllowed
        };
        match authority.host {
            Host::Name(name) => {
                if !crate::text::host_name::is_localhost(name)
                    && !self.names.iter().any(|p| p.matches(name))
                {
                    return Err(self.refuse(not_allowed, name));
                }
            }
            Host::Ip(ip) => {
                if !self.ips.contains(&ip) {
                    let reason = if forwarded {
                        not_allowed
                    } else {
                        Reason::IpNotReachable
                    };
                    return Err(self.refuse(reason, raw));
                }
            }
            Host::Numeric(text) => return Err(self.refuse(Reason::NumericHost, text)),
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

    fn check_unsafe<'a>(&'a self, req: &RequestHead<'a>) -> Result<(), Refusal<'a>> {
        match req.origin {
            Field::Absent => {}
            Field::Many => return Err(self.refuse(Reason::OriginNotAllowed, b"")),
            Field::One(raw) => {
                let refused = self.refuse(Reason::OriginNotAllowed, raw);
                let origin = authority::parse_origin(raw).ok_or(refused)?;
                let host_ok = match origin.authority.host {
                    Host::Name(name) => {
                        crate::text::host_name::is_localhost(name)
                            || self.names.iter().any(|p| p.matches(name))
                    }
                    Host::Ip(ip) => self.ips.contains(&ip),
                    Host::Numeric(_) => false,
                };
                if !host_ok || (self.match_port && !self.ports.contains(&origin.port())) {
                    let origin_name = match origin.authority.host {
                        Host::Name(name) if !host_ok => name,
                        _ => b"",
                    };
                    return Err(Refusal {
                        origin_name,
                        ..refused
                    });
                }
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

    #[allow(unused_variables)]
    fn warn(&self, refusal: &Refusal<'_>) {
        #[cfg(any(feature = "log", feature = "tracing"))]
        if self.warned.first(refusal.value, refusal.reason.name()) {
            #[cfg(feature = "log")]
            log::warn!(target: "bind_guard::host_guard", "{refusal}");
            #[cfg(feature = "tracing")]
            tracing::warn!(target: "bind_guard::host_guard", reason = refusal.reason.name(), "{refusal}");
        }
    }
}

impl Clone for HostGuard {
    fn clone(&self) -> Self {
        Self {
            ips: self.ips.clone(),
            ports: self.ports.clone(),
            names: self.names.clone(),
            setting: self.setting.clone(),
            match_port: self.match_port,
            trusted_proxies: self.trusted_proxies.clone(),
            require_json_post: self.require_json_post,
            exempt: self.exempt,
            warned: Arc::clone(&self.warned),
        }
    }
}

#[cfg(test)]
mod tests;
