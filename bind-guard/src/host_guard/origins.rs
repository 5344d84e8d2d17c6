//! The origins an operator or the application allows besides the server's own hosts:
//! full origins (`https://app.example:8443`, `chrome-extension://ID`,
//! `moz-extension://ID`), compared whole with a request's `Origin`.

use std::boxed::Box;
use std::net::IpAddr;
use std::vec::Vec;

use super::authority::{self, Host, Origin, Scheme};
use super::{HostGuardError, HostGuardErrorKind as K};

/// A configured origin: scheme, host (a lowercase name or an address) and port (the
/// scheme's default when none was written, 0 for an extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginPattern {
    scheme: Scheme,
    host: PatternHost,
    port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternHost {
    Name(Box<[u8]>),
    Ip(IpAddr),
}

impl OriginPattern {
    /// Whether a request's `Origin` is this one.
    #[inline]
    pub(crate) fn matches(&self, origin: &Origin<'_>) -> bool {
        self.scheme == origin.scheme
            && self.port == origin.port()
            && match (&self.host, origin.authority.host) {
                (PatternHost::Name(name), Host::Name(host)) => name.eq_ignore_ascii_case(host),
                (PatternHost::Ip(ip), Host::Ip(host)) => *ip == host.to_canonical(),
                _ => false,
            }
    }
}

/// Reads one configured origin. `*` would let every site in and `null` is the origin
/// of every sandboxed frame and local file: both are refused here (the application can
/// opt in to `null` in code).
pub(crate) fn origin_entry(entry: &str, source: &str) -> Result<OriginPattern, HostGuardError> {
    let err = |kind| HostGuardError::new(kind, entry, source);
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Err(err(K::EmptyEntry));
    }
    if trimmed == "*" || trimmed.contains("://*") {
        return Err(err(K::Wildcard));
    }
    if trimmed.eq_ignore_ascii_case("null") {
        return Err(err(K::NullOrigin));
    }
    let origin = authority::parse_origin(trimmed.as_bytes()).ok_or_else(|| err(K::NotAnOrigin))?;
    let host = match origin.authority.host {
        Host::Name(name) => PatternHost::Name(name.to_ascii_lowercase().into_boxed_slice()),
        Host::Ip(ip) if !ip.to_canonical().is_unspecified() => PatternHost::Ip(ip.to_canonical()),
        Host::Ip(_) => return Err(err(K::Unspecified)),
        Host::Numeric(_) => return Err(err(K::NotAnOrigin)),
    };
    Ok(OriginPattern {
        scheme: origin.scheme,
        host,
        port: origin.port(),
    })
}

/// Reads a comma-separated list, as [`host_list`](super::hosts::host_list) does.
pub(crate) fn origin_list(list: &str, source: &str) -> Result<Vec<OriginPattern>, HostGuardError> {
    if list.trim().is_empty() {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(|item| origin_entry(item, source))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(s: &str) -> Result<OriginPattern, K> {
        origin_entry(s, "TEST").map_err(|e| e.kind())
    }

    fn matches(pattern_text: &str, origin: &str) -> bool {
        let origin = authority::parse_origin(origin.as_bytes()).unwrap();
        pattern(pattern_text).unwrap().matches(&origin)
    }

    #[test]
    fn origins_match_whole() {
        assert!(matches("https://App.Example", "https://app.example:443"));
        assert!(matches("https://app.example:443", "https://APP.example"));
        assert!(!matches("https://app.example", "http://app.example"));
        assert!(!matches("https://app.example", "https://app.example:8443"));
        assert!(!matches("https://app.example", "https://a.app.example"));
        assert!(!matches("https://app.example", "https://app.example.evil"));
        assert!(matches("http://10.0.0.5:8080", "http://10.0.0.5:8080"));
        assert!(!matches("http://10.0.0.5:8080", "http://10.0.0.6:8080"));
        assert!(matches("http://[::ffff:10.0.0.5]", "http://10.0.0.5"));
        assert!(!matches("http://10.0.0.5", "https://10.0.0.5"));
        assert!(matches(
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        ));
        assert!(!matches(
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "moz-extension://abcdefghijklmnopabcdefghijklmnop"
        ));
        assert!(!matches(
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "chrome-extension://bbcdefghijklmnopabcdefghijklmnop"
        ));
    }

    #[test]
    fn refuses_what_is_not_one_origin() {
        for (entry, kind) in [
            ("", K::EmptyEntry),
            ("*", K::Wildcard),
            ("https://*.example.com", K::Wildcard),
            ("null", K::NullOrigin),
            ("NULL", K::NullOrigin),
            ("app.example", K::NotAnOrigin),
            ("https://app.example/", K::NotAnOrigin),
            ("ftp://app.example", K::NotAnOrigin),
            ("http://127.1", K::NotAnOrigin),
            ("http://0.0.0.0", K::Unspecified),
            ("http://[::]", K::Unspecified),
        ] {
            assert_eq!(pattern(entry).err(), Some(kind), "{entry:?}");
        }
        let err = origin_list("https://a.example,,", "the X environment variable").unwrap_err();
        assert_eq!(err.kind(), K::EmptyEntry);
        assert_eq!(origin_list("  ", "X").unwrap(), []);
    }
}
