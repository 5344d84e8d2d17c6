//! Why an input is not a socket address: the error path of the parser.
//!
//! [`parse`] only answers yes or no, which keeps the accepting path as fast as
//! `std`'s. When it says no, [`diagnose`] looks at the input again and names the most
//! useful mistake (a C shorthand, a missing port, a host name, missing brackets, …) so the
//! error can say how to fix it. It is a `const fn` because `bind_addr!` reports the same
//! reasons at compile time.

use core::net::SocketAddr;

use crate::error::ErrorKind;
use crate::text::{host_name, parse};

/// The socket address `s` spells, or why it is none: the parser's answer, and the
/// diagnosis when it says no. Every entry point that reads text calls this.
pub const fn read(s: &[u8]) -> Result<SocketAddr, ErrorKind> {
    match parse::socket_addr(s) {
        Some(addr) => Ok(addr),
        None => Err(diagnose(s)),
    }
}

/// `HOST:PORT` where HOST is a host name (see [`host_name`]) and PORT a valid port:
/// what `Policy::resolve` may hand to a resolver. Anything else, including the
/// shorthands a C resolver would read as an address (`0x7f000001:80`), is refused with
/// the same diagnosis that parsing gives.
pub fn host_and_port(s: &str) -> Result<(&str, u16), ErrorKind> {
    let kind = diagnose(s.as_bytes());
    if !matches!(kind, ErrorKind::Localhost | ErrorKind::Hostname) {
        return Err(kind);
    }
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(ErrorKind::MissingPort);
    };
    match parse::port(port.as_bytes()) {
        Some(port) => Ok((host, port)),
        // The diagnosis names a bad port before the name, so this is not reached; if it
        // were, the input is refused all the same.
        None => Err(kind),
    }
}

/// The reason `s` is not a socket address. Only meaningful when [`parse::socket_addr`]
/// refused `s`.
#[must_use]
pub const fn diagnose(s: &[u8]) -> ErrorKind {
    if s.is_empty() {
        return ErrorKind::Empty;
    }
    if let Some(kind) = bad_characters(s) {
        return kind;
    }
    if contains_seq(s, b"://") {
        return ErrorKind::Url;
    }
    if let Some(comma) = find(s, b',') {
        // One address never holds a comma (a list parser splits first). A whole address
        // before it is a list given where one address is read; otherwise a typo.
        let (first, rest) = split(s, comma);
        let rest = skip_one(rest);
        return if first.is_empty() || rest.is_empty() {
            ErrorKind::EmptyItem
        } else if parse::socket_addr(first).is_some() {
            ErrorKind::List
        } else {
            ErrorKind::Comma
        };
    }
    if is_port_number(s) {
        // 8080 alone: a port that lost its host, not the inet_aton number 0.0.31.144.
        return ErrorKind::PortWithoutHost;
    }
    if let Some(slash) = find(s, b'/') {
        let (before, _) = split(s, slash);
        return if parse::ip_addr(before).is_some() {
            ErrorKind::Cidr
        } else {
            ErrorKind::Invalid
        };
    }
    match s.split_first() {
        Some((b'[', inner)) => bracketed(inner),
        Some((b'*', rest)) => {
            if rest.is_empty() || matches!(rest.first(), Some(b':')) {
                ErrorKind::StarHost
            } else {
                ErrorKind::Invalid
            }
        }
        Some((b':', rest)) if !matches!(rest.first(), Some(b':')) => ErrorKind::EmptyHost,
        _ => unbracketed(s),
    }
}

/// Whether `s` is a decimal number from 0 to 65535 (what a port alone looks like).
const fn is_port_number(s: &[u8]) -> bool {
    if s.is_empty() || s.len() > 5 {
        return false;
    }
    let mut value: u32 = 0;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if !b.is_ascii_digit() {
            return false;
        }
        value = value * 10 + (b - b'0') as u32;
        rest = tail;
    }
    value <= 65535
}

/// Control characters, non-ASCII bytes and white space, in that order of concern.
const fn bad_characters(s: &[u8]) -> Option<ErrorKind> {
    let (mut control, mut non_ascii, mut space) = (false, false, false);
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => space = true,
            0..=0x1f | 0x7f => control = true,
            0x80..=0xff => non_ascii = true,
            _ => {}
        }
        rest = tail;
    }
    if control {
        Some(ErrorKind::ControlCharacter)
    } else if non_ascii {
        Some(ErrorKind::NonAscii)
    } else if space {
        Some(ErrorKind::Whitespace)
    } else {
        None
    }
}

/// `[` was seen; `inner` is everything after it.
const fn bracketed(inner: &[u8]) -> ErrorKind {
    let Some(close) = find(inner, b']') else {
        return ErrorKind::InvalidIpv6;
    };
    let (host, after) = split(inner, close);
    let after = skip_one(after);
    if find(host, b'[').is_some() {
        return ErrorKind::Invalid;
    }
    let (ip, zone) = match find(host, b'%') {
        Some(percent) => {
            let (ip, zone) = split(host, percent);
            (ip, Some(skip_one(zone)))
        }
        None => (host, None),
    };
    if !matches!(parse::ipv6(ip), Some((_, rest)) if rest.is_empty()) {
        return if matches!(parse::ipv4(ip), Some((_, rest)) if rest.is_empty()) {
            ErrorKind::Ipv4InBrackets
        } else {
            ErrorKind::InvalidIpv6
        };
    }
    if let Some(zone) = zone {
        if zone.is_empty() {
            return ErrorKind::EmptyZone;
        }
        if !all_digits(zone) {
            return ErrorKind::ZoneName;
        }
        if parse::decimal(zone, u32::MAX).is_none() {
            return ErrorKind::InvalidScopeId;
        }
    }
    match after.split_first() {
        None => ErrorKind::MissingPort,
        Some((b':', port)) => port_problem(port),
        Some(_) => ErrorKind::Invalid,
    }
}

/// No brackets: `HOST:PORT`, `HOST`, or an IPv6 address someone forgot to bracket.
const fn unbracketed(s: &[u8]) -> ErrorKind {
    let colons = count(s, b':');
    // `127.0.0.1:80:90` is an IPv4 address with a bad port, not an IPv6 address.
    if colons >= 2
        && let Some(colon) = find(s, b':')
    {
        let (host, port) = split(s, colon);
        if matches!(parse::ipv4(host), Some((_, []))) {
            return port_problem(skip_one(port));
        }
    }
    if colons >= 2 {
        return if only(s, Class::Ipv6Text) {
            ErrorKind::MissingBrackets
        } else {
            ErrorKind::Invalid
        };
    }
    let (host, port) = match find(s, b':') {
        Some(colon) => {
            let (host, port) = split(s, colon);
            (host, Some(skip_one(port)))
        }
        None => (s, None),
    };
    if !matches!(parse::ipv4(host), Some((_, rest)) if rest.is_empty()) {
        let problem = host_problem(host);
        // A name with a bad port (`localhost:99999`, `localhost:http`): the port is
        // what to fix, since resolving the name would not help.
        return match (problem, port) {
            (ErrorKind::Localhost | ErrorKind::Hostname, Some(port))
                if parse::port(port).is_none() =>
            {
                port_problem(port)
            }
            _ => problem,
        };
    }
    match port {
        None => ErrorKind::MissingPort,
        Some(port) => port_problem(port),
    }
}

/// What is wrong with a host that is not a dotted-quad IPv4 address.
const fn host_problem(host: &[u8]) -> ErrorKind {
    // `0`, `0.0`, `0x0`: the wildcard in disguise, the most important thing to say.
    if matches!(host_name::inet_aton(host), Some(0)) {
        return ErrorKind::WildcardShorthand;
    }
    if host_name::is_localhost(host) {
        return ErrorKind::Localhost;
    }
    if only(host, Class::DottedDecimal) {
        return dotted_decimal_problem(host);
    }
    // inet_aton also takes hexadecimal parts: 0x7f.0.0.1, 0x7f000001.
    if host_name::is_numeric_host(host) {
        return ErrorKind::Ipv4Shorthand;
    }
    if host_name::is_host_name(host) {
        return ErrorKind::Hostname;
    }
    ErrorKind::Invalid
}

/// Digits and dots that are not a valid dotted quad.
const fn dotted_decimal_problem(host: &[u8]) -> ErrorKind {
    let dots = count(host, b'.');
    // Walk the parts: an empty part or more than four parts is simply invalid.
    let mut rest = host;
    let mut leading_zero = false;
    loop {
        let (part, more) = match find(rest, b'.') {
            Some(dot) => {
                let (part, more) = split(rest, dot);
                (part, Some(skip_one(more)))
            }
            None => (rest, None),
        };
        if part.is_empty() {
            return ErrorKind::InvalidIpv4;
        }
        if part.len() > 1 && matches!(part.first(), Some(b'0')) {
            leading_zero = true;
        }
        match more {
            Some(more) => rest = more,
            None => break,
        }
    }
    if dots < 3 {
        // 127.1, 10.1.1, 2130706433: C resolvers fill in the missing parts.
        ErrorKind::Ipv4Shorthand
    } else if dots > 3 {
        ErrorKind::InvalidIpv4
    } else if leading_zero {
        ErrorKind::LeadingZero
    } else {
        ErrorKind::InvalidIpv4
    }
}

/// What is wrong with the text after the last `:` of an address whose host is fine.
const fn port_problem(port: &[u8]) -> ErrorKind {
    if port.is_empty() {
        ErrorKind::MissingPort
    } else if all_digits(port) {
        // The parser refused a port made only of digits: it is too large.
        ErrorKind::PortOutOfRange
    } else {
        ErrorKind::InvalidPort
    }
}

const fn all_digits(s: &[u8]) -> bool {
    only(s, Class::Digit)
}

/// The byte classes the diagnosis tests whole inputs against.
#[derive(Clone, Copy)]
enum Class {
    /// `0-9`.
    Digit,
    /// `0-9` and `.`.
    DottedDecimal,
    /// What an IPv6 address with a zone is made of: hex digits, `:`, `.` and `%`.
    Ipv6Text,
}

const fn in_class(b: u8, class: Class) -> bool {
    match class {
        Class::Digit => b.is_ascii_digit(),
        Class::DottedDecimal => b.is_ascii_digit() || b == b'.',
        Class::Ipv6Text => b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'%'),
    }
}

/// Whether every byte of `s` is in `class`.
const fn only(s: &[u8], class: Class) -> bool {
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if !in_class(b, class) {
            return false;
        }
        rest = tail;
    }
    true
}

const fn find(s: &[u8], c: u8) -> Option<usize> {
    let mut i = 0;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if b == c {
            return Some(i);
        }
        i += 1;
        rest = tail;
    }
    None
}

const fn count(s: &[u8], c: u8) -> usize {
    let mut n = 0;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if b == c {
            n += 1;
        }
        rest = tail;
    }
    n
}

const fn contains_seq(s: &[u8], needle: &[u8]) -> bool {
    let mut rest = s;
    while rest.len() >= needle.len() {
        let (head, _) = split(rest, needle.len());
        if super::host_name::eq_ignore_case(head, needle) {
            return true;
        }
        rest = skip_one(rest);
    }
    false
}

/// `s` cut at `at`; `at` is always within `s` where this module calls it, and an
/// out-of-range `at` yields `(s, [])` rather than a panic.
const fn split(s: &[u8], at: usize) -> (&[u8], &[u8]) {
    match s.split_at_checked(at) {
        Some(halves) => halves,
        None => (s, &[]),
    }
}

const fn skip_one(s: &[u8]) -> &[u8] {
    match s.split_first() {
        Some((_, rest)) => rest,
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(s: &str) -> ErrorKind {
        assert!(parse::socket_addr(s.as_bytes()).is_none(), "{s:?} parses");
        diagnose(s.as_bytes())
    }

    #[test]
    fn names_the_mistake() {
        use ErrorKind::*;
        let table = [
            ("", Empty),
            (":8080", EmptyHost),
            ("*:8080", StarHost),
            ("*", StarHost),
            ("127.1:80", Ipv4Shorthand),
            ("2130706433:80", Ipv4Shorthand),
            ("2130706433", Ipv4Shorthand),
            ("8080", PortWithoutHost),
            ("0", PortWithoutHost),
            ("65535", PortWithoutHost),
            ("65536", Ipv4Shorthand),
            ("127.0.0,1:8080", Comma),
            ("127.0.0.1:8080,", EmptyItem),
            (",127.0.0.1:8080", EmptyItem),
            ("127.0.0.1:80,[::1]:80", List),
            ("0x7f.0.0.1:80", Ipv4Shorthand),
            ("0x7f000001:80", Ipv4Shorthand),
            ("0177.0.0.1:80", LeadingZero),
            ("127.000.000.001:80", LeadingZero),
            ("256.1.1.1:80", InvalidIpv4),
            ("1.2.3.4.5:80", InvalidIpv4),
            ("1..3.4:80", InvalidIpv4),
            ("127.0.0.1", MissingPort),
            ("127.0.0.1:", MissingPort),
            ("[::1]", MissingPort),
            ("127.0.0.1:70000", PortOutOfRange),
            ("127.0.0.1:http", InvalidPort),
            ("127.0.0.1:-1", InvalidPort),
            ("127.0.0.1:80:90", InvalidPort),
            ("localhost:8080", Localhost),
            ("LocalHost.:8080", Localhost),
            ("api.localhost:8080", Localhost),
            ("example.com:443", Hostname),
            ("notlocalhost:1", Hostname),
            ("::1:8080", MissingBrackets),
            ("::", MissingBrackets),
            ("fe80::1", MissingBrackets),
            ("[::g]:80", InvalidIpv6),
            ("[::1:80", InvalidIpv6),
            ("[127.0.0.1]:80", Ipv4InBrackets),
            ("[fe80::1%eth0]:80", ZoneName),
            ("[fe80::1%]:80", EmptyZone),
            ("0:80", WildcardShorthand),
            ("0.0:80", WildcardShorthand),
            ("0x0:80", WildcardShorthand),
            ("00.0.0.0:80", WildcardShorthand),
            ("-.localhost:80", Invalid),
            ("a..localhost:80", Invalid),
            ("_x.localhost:80", Invalid),
            ("under_score:80", Invalid),
            ("[fe80::1%99999999999]:80", InvalidScopeId),
            ("http://127.0.0.1:80", Url),
            ("10.0.0.0/8", Cidr),
            (" 127.0.0.1:80", Whitespace),
            ("127.0.0.1:80\0", ControlCharacter),
            ("１２７.0.0.1:80", NonAscii),
            ("[[::1]]:80", Invalid),
            ("[::1]x80", Invalid),
        ];
        for (input, kind) in table {
            assert_eq!(why(input), kind, "{input:?}");
        }
    }

    #[test]
    fn names_with_bad_ports_name_the_port() {
        use ErrorKind::*;
        let table = [
            ("localhost:99999", PortOutOfRange),
            ("localhost:", MissingPort),
            ("localhost:http", InvalidPort),
            ("example.com:-1", InvalidPort),
            ("localhost", Localhost),
            ("example.com", Hostname),
        ];
        for (input, kind) in table {
            assert_eq!(why(input), kind, "{input:?}");
        }
    }

    #[test]
    fn host_and_port_only_for_names() {
        assert_eq!(host_and_port("localhost:80"), Ok(("localhost", 80)));
        assert_eq!(host_and_port("db.example:5432"), Ok(("db.example", 5432)));
        for (input, kind) in [
            ("0x7f000001:80", ErrorKind::Ipv4Shorthand),
            ("127.1:80", ErrorKind::Ipv4Shorthand),
            ("0:80", ErrorKind::WildcardShorthand),
            ("-.localhost:80", ErrorKind::Invalid),
            ("example.com", ErrorKind::MissingPort),
            ("example.com:http", ErrorKind::InvalidPort),
        ] {
            assert_eq!(host_and_port(input), Err(kind), "{input:?}");
        }
    }
}
