//! Reading a `Host` value, a URI authority or an `Origin`: `uri-host [":" port]`, strictly.
//!
//! Browsers send these in one canonical form (lowercase names, dotted-quad IPv4,
//! bracketed IPv6, a decimal port), so anything else is either a non-browser client or
//! an attempt to confuse a comparison. Nothing here allocates: the host is a slice of
//! the input or an address.

use core::net::IpAddr;

use super::Reason;
use crate::text::{host_name, parse};

/// The host part of an authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host<'a> {
    /// A DNS name, without its one trailing dot, in the case it was sent in.
    Name(&'a [u8]),
    /// A dotted-quad IPv4 address or a bracketed IPv6 address (no zone).
    Ip(IpAddr),
    /// A number in a form C resolvers and browsers read as IPv4 (`127.1`,
    /// `2130706433`, `0x7f.0.0.1`): never a canonical address.
    Numeric(&'a [u8]),
}

/// `host [":" port]`, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Authority<'a> {
    pub(crate) host: Host<'a>,
    pub(crate) port: Option<u16>,
}

impl Authority<'_> {
    /// Whether `self` and `other` name the same host and port, ignoring case and
    /// the trailing dot.
    pub(crate) fn same_as(&self, other: &Authority<'_>) -> bool {
        self.port == other.port
            && match (self.host, other.host) {
                (Host::Name(a), Host::Name(b)) | (Host::Numeric(a), Host::Numeric(b)) => {
                    a.eq_ignore_ascii_case(b)
                }
                (Host::Ip(a), Host::Ip(b)) => a == b,
                _ => false,
            }
    }
}

/// Reads `uri-host [":" port]`. Refuses userinfo (`user@host`), an empty host or port,
/// a zone in an IPv6 address, and any byte outside the host-name, IP-literal and port
/// characters (so non-UTF-8 and control bytes too).
pub(crate) fn parse(s: &[u8]) -> Result<Authority<'_>, Reason> {
    if s.contains(&b'@') {
        return Err(Reason::HostUserinfo);
    }
    let (host, port) = match s.split_first() {
        Some((b'[', inner)) => {
            let close = inner
                .iter()
                .position(|&b| b == b']')
                .ok_or(Reason::MalformedHost)?;
            let (literal, after) = inner.split_at_checked(close).ok_or(Reason::MalformedHost)?;
            let after = after.get(1..).unwrap_or_default();
            let ip = match parse::ipv6(literal) {
                Some((ip, [])) => ip,
                _ => return Err(Reason::MalformedHost),
            };
            // Browsers send the RFC 5952 form (`[::1]`), or for an IPv4-mapped address
            // the URL Standard's all-hex form (Chromium and Firefox send
            // `[::ffff:7f00:1]` for `http://[::ffff:127.0.0.1]/`);
            // `[0:0:0:0:0:0:0:1]` is some other client's spelling, refused like the
            // IPv4 shorthands.
            let host = if is_rfc5952(ip, literal) || is_url_mapped(ip, literal) {
                Host::Ip(IpAddr::V6(ip))
            } else {
                Host::Numeric(s.get(..close + 2).unwrap_or(s))
            };
            (host, port_suffix(after)?)
        }
        _ => {
            let (host, after) = match s.iter().position(|&b| b == b':') {
                Some(colon) => s.split_at_checked(colon).ok_or(Reason::MalformedHost)?,
                None => (s, &[][..]),
            };
            (host_name_or_ipv4(host)?, port_suffix(after)?)
        }
    };
    Ok(Authority { host, port })
}

/// Whether `text` is `ip` in the RFC 5952 form (what `Ipv6Addr`'s `Display` writes),
/// in any case. Formats into a stack buffer: no allocation.
fn is_rfc5952(ip: core::net::Ipv6Addr, text: &[u8]) -> bool {
    let mut buf = Buf::new();
    core::fmt::Write::write_fmt(&mut buf, format_args!("{ip}")).is_ok()
        && buf.as_bytes().eq_ignore_ascii_case(text)
}

/// Whether `text` is the IPv4-mapped `ip` as the URL Standard serializes it: the
/// five zero pieces compressed, the last two pieces in hex (`::ffff:7f00:1`), in any
/// case. RFC 5952 writes these with a dotted quad instead; both name one address.
fn is_url_mapped(ip: core::net::Ipv6Addr, text: &[u8]) -> bool {
    let Some(v4) = ip.to_ipv4_mapped() else {
        return false;
    };
    let [a, b, c, d] = v4.octets();
    let mut buf = Buf::new();
    core::fmt::Write::write_fmt(
        &mut buf,
        format_args!(
            "::ffff:{:x}:{:x}",
            u16::from_be_bytes([a, b]),
            u16::from_be_bytes([c, d])
        ),
    )
    .is_ok()
        && buf.as_bytes().eq_ignore_ascii_case(text)
}

/// A stack buffer for an IPv6 address's text: the longest form,
/// `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`, is 45 bytes.
struct Buf {
    bytes: [u8; 45],
    len: usize,
}

impl Buf {
    fn new() -> Self {
        Self {
            bytes: [0; 45],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl core::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let dest = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `""` (no port) or `":" 1*5DIGIT` up to 65535.
fn port_suffix(after: &[u8]) -> Result<Option<u16>, Reason> {
    match after.split_first() {
        None => Ok(None),
        Some((b':', digits)) if (1..=5).contains(&digits.len()) => {
            parse::port(digits).map(Some).ok_or(Reason::MalformedHost)
        }
        Some(_) => Err(Reason::MalformedHost),
    }
}

fn host_name_or_ipv4(host: &[u8]) -> Result<Host<'_>, Reason> {
    let name = match host.split_last() {
        Some((b'.', rest)) => rest,
        _ => host,
    };
    if name.is_empty() {
        return Err(Reason::MalformedHost);
    }
    if let Some((ip, [])) = parse::ipv4(host) {
        return Ok(Host::Ip(IpAddr::V4(ip)));
    }
    // WHATWG URL reads a host whose last label is a number as IPv4; so do we, and
    // refuse it unless it was the dotted quad read above.
    if host_name::is_numeric_host(name) || ends_in_number(name) {
        return Ok(Host::Numeric(host));
    }
    if host_name::is_dns_name(name) {
        Ok(Host::Name(name))
    } else {
        Err(Reason::MalformedHost)
    }
}

/// Whether the last label is all digits or `0x` and hex digits (WHATWG URL's "ends in a
/// number"): `example.123`, `a.0x1`.
pub(crate) fn ends_in_number(name: &[u8]) -> bool {
    let last = name.rsplit(|&b| b == b'.').next().unwrap_or_default();
    let hex = last
        .strip_prefix(b"0x")
        .or_else(|| last.strip_prefix(b"0X"));
    match hex {
        Some(digits) => digits.iter().all(u8::is_ascii_hexdigit),
        None => !last.is_empty() && last.iter().all(u8::is_ascii_digit),
    }
}

/// The schemes of the origins the guard reads: the web's, and the browsers'
/// extension pages (Ollama's users asked for those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
    ChromeExtension,
    MozExtension,
}

impl Scheme {
    fn from_bytes(scheme: &[u8]) -> Option<Self> {
        [
            (&b"http"[..], Scheme::Http),
            (b"https", Scheme::Https),
            (b"chrome-extension", Scheme::ChromeExtension),
            (b"moz-extension", Scheme::MozExtension),
        ]
        .into_iter()
        .find_map(|(name, s)| scheme.eq_ignore_ascii_case(name).then_some(s))
    }

    /// Whether origins of this scheme are web sites (the others are extensions).
    pub(crate) fn is_web(self) -> bool {
        matches!(self, Scheme::Http | Scheme::Https)
    }
}

/// The parts of an `Origin` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin<'a> {
    pub(crate) scheme: Scheme,
    pub(crate) authority: Authority<'a>,
}

impl Origin<'_> {
    /// The port, the scheme's default when none is written (0 for extensions, which
    /// have none).
    pub(crate) fn port(&self) -> u16 {
        self.authority.port.unwrap_or(match self.scheme {
            Scheme::Https => 443,
            Scheme::Http => 80,
            Scheme::ChromeExtension | Scheme::MozExtension => 0,
        })
    }
}

/// Reads `scheme "://" host [":" port]` for the schemes of [`Scheme`]; an extension's
/// origin is its ID, with no port. `null` and other schemes are refused here: `null`
/// is a decision of the guard's, other schemes are no page of this server's.
pub(crate) fn parse_origin(s: &[u8]) -> Option<Origin<'_>> {
    let split = s.windows(3).position(|w| w == b"://")?;
    let (scheme, rest) = s.split_at_checked(split)?;
    let scheme = Scheme::from_bytes(scheme)?;
    let authority = parse(rest.get(3..)?).ok()?;
    if !scheme.is_web() && (authority.port.is_some() || !matches!(authority.host, Host::Name(_))) {
        return None;
    }
    Some(Origin { scheme, authority })
}

/// `127.0.0.1` as the `Host` of a request for it; for tests and docs.
#[cfg(test)]
pub(crate) const LOOPBACK: Host<'static> = Host::Ip(IpAddr::V4(core::net::Ipv4Addr::LOCALHOST));

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv6Addr;

    fn host(s: &str) -> Result<Authority<'_>, Reason> {
        parse(s.as_bytes())
    }

    #[test]
    fn reads_the_canonical_forms() {
        let a = host("127.0.0.1:8080").unwrap();
        assert_eq!((a.host, a.port), (LOOPBACK, Some(8080)));
        let a = host("[::1]").unwrap();
        assert_eq!(a.host, Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(
            host("Example.COM.:1").unwrap().host,
            Host::Name(b"Example.COM")
        );
        assert_eq!(host("127.1").unwrap().host, Host::Numeric(b"127.1"));
        assert_eq!(
            host("0x7f.0.0.1").unwrap().host,
            Host::Numeric(b"0x7f.0.0.1")
        );
        assert_eq!(
            host("0177.0.0.1").unwrap().host,
            Host::Numeric(b"0177.0.0.1")
        );
        assert_eq!(host("a.123").unwrap().host, Host::Numeric(b"a.123"));
        assert_eq!(
            host("[::FFFF:127.0.0.1]").unwrap().host,
            Host::Ip("::ffff:127.0.0.1".parse().unwrap())
        );
        assert_eq!(host("[0::1]:80").unwrap().host, Host::Numeric(b"[0::1]"));
        // The URL Standard's spelling of a mapped address, which browsers send.
        let mapped = Host::Ip("::ffff:127.0.0.1".parse().unwrap());
        assert_eq!(host("[::ffff:7f00:1]").unwrap().host, mapped);
        assert_eq!(host("[::FFFF:7F00:1]:80").unwrap().host, mapped);
        assert_eq!(
            host("[::ffff:0:1]").unwrap().host,
            Host::Ip("::ffff:0.0.0.1".parse().unwrap())
        );
        for other in ["[::ffff:7f00:0001]", "[0::ffff:7f00:1]"] {
            assert_eq!(
                host(other).unwrap().host,
                Host::Numeric(other.as_bytes()),
                "{other}"
            );
        }
    }

    #[test]
    fn same_as_compares_addresses_by_value_and_names_without_case() {
        let same = |a: &str, b: &str| host(a).unwrap().same_as(&host(b).unwrap());
        assert!(same("127.0.0.1:80", "127.0.0.1:80"));
        assert!(!same("127.0.0.1:80", "127.0.0.2:80"));
        assert!(!same("127.0.0.1:80", "[::1]:80"));
        assert!(!same("127.0.0.1:80", "127.0.0.1:81"));
        assert!(same("Example.COM.:1", "example.com:1"));
        assert!(!same("localhost", "127.0.0.1"));
    }

    #[test]
    fn a_port_has_one_to_five_digits() {
        assert_eq!(host("localhost:00080").unwrap().port, Some(80));
        assert_eq!(host("localhost:000080"), Err(Reason::MalformedHost));
        assert_eq!(host("localhost:"), Err(Reason::MalformedHost));
        assert_eq!(host("localhost:65536"), Err(Reason::MalformedHost));
    }

    #[test]
    fn refuses_what_is_not_uri_host_port() {
        for bad in [
            "",
            ":80",
            "a:",
            "a:80:90",
            "a:080000",
            "a:65536",
            "a:-1",
            "a b",
            "a\tb",
            "[::1",
            "[::1]x",
            "[fe80::1%25eth0]",
            "[127.0.0.1]",
            "a..b",
            "a/b",
            "a\\b",
            "é.example",
            "*.example",
            "a%2eb",
        ] {
            assert_eq!(host(bad), Err(Reason::MalformedHost), "{bad:?}");
        }
        assert_eq!(host("u@127.0.0.1"), Err(Reason::HostUserinfo));
        assert_eq!(parse(b"a\xff"), Err(Reason::MalformedHost));
    }

    #[test]
    fn reads_origins() {
        let o = parse_origin(b"https://app.example:8443").unwrap();
        assert_eq!(o.scheme, Scheme::Https);
        assert_eq!(o.port(), 8443);
        assert_eq!(parse_origin(b"http://localhost").unwrap().port(), 80);
        let ext = parse_origin(b"chrome-extension://abcdefghijklmnopabcdefghijklmnop").unwrap();
        assert_eq!((ext.scheme, ext.port()), (Scheme::ChromeExtension, 0));
        let ext = parse_origin(b"moz-extension://0b5e2c34-9f1a-4a3e-8d8b-2f1c3d4e5f60").unwrap();
        assert_eq!(ext.scheme, Scheme::MozExtension);
        for bad in [
            "null",
            "file://",
            "ftp://a",
            "http://",
            "http://a/",
            "http//a",
            "chrome-extension://abc:80",
            "moz-extension://[::1]",
        ] {
            assert!(parse_origin(bad.as_bytes()).is_none(), "{bad}");
        }
    }
}
