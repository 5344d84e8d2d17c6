//! Why a request was refused: the stable names, the status codes and the sentences.

use core::fmt;

/// Declares `Reason` with its name and status in one table, so a variant cannot exist
/// without them.
macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident as $name:literal => $status:literal, )*) => {
        /// Why [`HostGuard`](super::HostGuard) refused a request.
        ///
        /// Match with a wildcard arm: new reasons may be added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Reason {
            $($(#[$doc])* $variant,)*
        }

        impl Reason {
            /// A stable snake_case name (`"host_not_allowed"`), for logs, metrics and
            /// the `x-bind-guard-refusal` response header. Names are never changed or
            /// reused.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Reason::$variant => $name,)* }
            }

            /// The HTTP status of the refusal: 400 for a request that is not valid
            /// HTTP, 421 (Misdirected Request) when the request names two different
            /// authorities, 500 when the server is set up so that the guard cannot
            /// decide, 403 otherwise.
            #[must_use]
            pub const fn status(self) -> u16 {
                match self { $(Reason::$variant => $status,)* }
            }

            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)*];
        }
    };
}

reasons! {
    /// No `Host` field and no authority in the request target (HTTP/1.1 requires a
    /// `Host`, RFC 9112 section 3.2).
    MissingHost as "missing_host" => 400,
    /// Two or more `Host` fields.
    DuplicateHost as "duplicate_host" => 400,
    /// A `Host` or authority that is not `uri-host [":" port]` in the characters a
    /// browser sends (bad characters, non-UTF-8, an empty port, a zone, …).
    MalformedHost as "malformed_host" => 400,
    /// A `Host` or authority with user information (`user@host`).
    HostUserinfo as "host_userinfo" => 400,
    /// The request target's authority (absolute form, HTTP/2 `:authority`) and the
    /// `Host` field disagree.
    AuthorityMismatch as "authority_mismatch" => 421,
    /// A well-formed host name that is neither `localhost` nor a configured name: what
    /// DNS rebinding sends.
    HostNotAllowed as "host_not_allowed" => 403,
    /// An IP address the listener is not reachable on, or the wildcard `0.0.0.0`/`::`
    /// (the "0.0.0.0 day" request).
    IpNotReachable as "ip_not_reachable" => 403,
    /// An IP address not written in its canonical form: an IPv4 shorthand or number
    /// (`127.1`, `2130706433`, `0x7f.0.0.1`) rather than a dotted quad, or IPv6 not in
    /// the RFC 5952 form browsers send (`[0:0:0:0:0:0:0:1]` for `[::1]`).
    NumericHost as "numeric_host" => 403,
    /// A port the listener is not bound to (only when ports are matched).
    PortNotAllowed as "port_not_allowed" => 403,
    /// A state-changing request or an upgrade (a WebSocket) whose `Origin` is neither
    /// an accepted host nor an allowed origin (another site, `null`, a malformed or
    /// repeated `Origin`).
    OriginNotAllowed as "origin_not_allowed" => 403,
    /// A state-changing request or an upgrade marked `Sec-Fetch-Site: cross-site` by
    /// the browser.
    CrossSite as "cross_site" => 403,
    /// A script or style sheet that a page of another site included
    /// (`<script src>`, `<link rel=stylesheet>`: `Sec-Fetch-Mode: no-cors`, a
    /// `Sec-Fetch-Site` other than `same-origin`, `Sec-Fetch-Dest: script`/`style`):
    /// the including page would read what it defines.
    CrossSiteInclude as "cross_site_include" => 403,
    /// A `POST` without `Content-Type: application/json`, when JSON is required.
    NotJson as "not_json" => 403,
    /// A trusted proxy forwarded a host (`X-Forwarded-Host`, `Forwarded: host=`) that
    /// is not accepted, or forwarded it in a form that cannot be read.
    ForwardedHostNotAllowed as "forwarded_host_not_allowed" => 403,
    /// The guard trusts proxies but was not told the request's peer, so it cannot
    /// tell a proxy's forwarded host from anyone's: the server is set up wrong, and
    /// the guard refuses rather than skip the forwarded fields.
    UnknownPeer as "unknown_peer" => 500,
    /// The peer's address is not in the networks allowed to connect (the peer filter,
    /// "protected mode").
    PeerNotAllowed as "peer_not_allowed" => 403,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Untrusted bytes shown in a message: the crate's one escaping rule
/// ([`Escaped`](crate::Escaped)) for the UTF-8 parts, `\xNN` for bytes that are not
/// UTF-8, cut after [`Shown::LIMIT`] input bytes. Writing it allocates nothing.
#[derive(Clone, Copy)]
pub(crate) struct Shown<'a>(pub(crate) &'a [u8]);

impl Shown<'_> {
    /// Enough for any DNS name with a port; longer values are cut.
    pub(crate) const LIMIT: usize = 80;
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, cut) = match self.0.get(..Self::LIMIT) {
            Some(head) if self.0.len() > Self::LIMIT => (head, true),
            _ => (self.0, false),
        };
        for chunk in shown.utf8_chunks() {
            write!(f, "{}", crate::Escaped::new(chunk.valid()))?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        if cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn names_are_unique_snake_case() {
        for (i, a) in Reason::ALL.iter().enumerate() {
            assert!(
                a.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            assert!(matches!(a.status(), 400 | 403 | 421 | 500));
            for b in Reason::ALL.iter().skip(i + 1) {
                assert_ne!(a.name(), b.name());
            }
        }
    }

    #[test]
    fn shown_escapes_and_cuts() {
        assert_eq!(
            Shown(b"a\\c\x1b[31m\xff\xe2\x80\xae").to_string(),
            r"a\\c\u{1b}[31m\xff\u{202e}"
        );
        let long = [b'a'; 200];
        let shown = Shown(&long).to_string();
        assert!(shown.ends_with('…'));
        assert_eq!(shown.chars().count(), Shown::LIMIT + 1);
    }
}
