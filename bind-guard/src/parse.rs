//! The address parser: a `const fn` that accepts exactly what `std`'s
//! [`SocketAddr`](core::net::SocketAddr) parser accepts.
//!
//! Why not call `std`? Because `"…".parse::<SocketAddr>()` is not `const`, and
//! `bind_addr!` must parse its literal at compile time with *the same* function the
//! run-time parser uses: one parser means the two can never disagree. The grammar follows
//! `core::net`'s parser rule for rule (strict dotted-quad IPv4 without leading zeros,
//! IPv6 with at most one `::` and an optional trailing dotted quad, a decimal `%scope`
//! id, decimal ports that may have leading zeros), and the property tests in
//! `tests/differential.rs` compare the two on random input.
//!
//! Every reader takes the remaining input and returns the value with the rest of the
//! input, or `None` without consuming anything, so a failed alternative never needs
//! to be undone.
//!
//! The parser only says *whether* the input is an address. Why it is not one is worked
//! out afterwards, on the error path only, by [`crate::diagnose`].

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// No limit on the number of digits (ports and scope ids).
const UNBOUNDED: u32 = u32::MAX;

/// Parses a whole socket address (`IPV4:PORT` or `[IPV6%SCOPE]:PORT`).
#[must_use]
pub(crate) const fn socket_addr(s: &[u8]) -> Option<SocketAddr> {
    let parsed = match socket_addr_v4(s) {
        Some((addr, rest)) => Some((SocketAddr::V4(addr), rest)),
        None => match socket_addr_v6(s) {
            Some((addr, rest)) => Some((SocketAddr::V6(addr), rest)),
            None => None,
        },
    };
    match parsed {
        Some((addr, [])) => Some(addr),
        _ => None,
    }
}

/// Parses a whole IP address without a port, as `std`'s `IpAddr` parser does.
#[must_use]
pub(crate) const fn ip_addr(s: &[u8]) -> Option<IpAddr> {
    let parsed = match ipv4(s) {
        Some((ip, rest)) => Some((IpAddr::V4(ip), rest)),
        None => match ipv6(s) {
            Some((ip, rest)) => Some((IpAddr::V6(ip), rest)),
            None => None,
        },
    };
    match parsed {
        Some((ip, [])) => Some(ip),
        _ => None,
    }
}

/// Parses a whole port: decimal digits (leading zeros allowed) up to 65535.
#[must_use]
#[cfg_attr(not(feature = "std"), allow(dead_code))]
pub(crate) const fn port(s: &[u8]) -> Option<u16> {
    match number(s, 10, UNBOUNDED, true, u16::MAX as u32) {
        Some((port, [])) => Some(port as u16),
        _ => None,
    }
}

/// Parses a whole decimal number up to `max` (prefix lengths and the like).
#[must_use]
pub(crate) const fn decimal(s: &[u8], max: u32) -> Option<u32> {
    match number(s, 10, UNBOUNDED, true, max) {
        Some((n, [])) => Some(n),
        _ => None,
    }
}

const fn socket_addr_v4(s: &[u8]) -> Option<(SocketAddrV4, &[u8])> {
    let Some((ip, rest)) = ipv4(s) else {
        return None;
    };
    match port_suffix(rest) {
        Some((port, rest)) => Some((SocketAddrV4::new(ip, port), rest)),
        None => None,
    }
}

const fn socket_addr_v6(s: &[u8]) -> Option<(SocketAddrV6, &[u8])> {
    let Some(rest) = given(s, b'[') else {
        return None;
    };
    let Some((ip, rest)) = ipv6(rest) else {
        return None;
    };
    // `%scope` is optional; a `%` not followed by a number fails at the `]` below.
    let (scope_id, rest) = match given(rest, b'%') {
        Some(after) => match number(after, 10, UNBOUNDED, true, u32::MAX) {
            Some((id, after)) => (id, after),
            None => (0, rest),
        },
        None => (0, rest),
    };
    let Some(rest) = given(rest, b']') else {
        return None;
    };
    match port_suffix(rest) {
        Some((port, rest)) => Some((SocketAddrV6::new(ip, port, 0, scope_id), rest)),
        None => None,
    }
}

/// `:PORT`.
const fn port_suffix(s: &[u8]) -> Option<(u16, &[u8])> {
    let Some(rest) = given(s, b':') else {
        return None;
    };
    match number(rest, 10, UNBOUNDED, true, u16::MAX as u32) {
        Some((port, rest)) => Some((port as u16, rest)),
        None => None,
    }
}

/// Four decimal octets of one to three digits, without leading zeros.
pub(crate) const fn ipv4(mut s: &[u8]) -> Option<(Ipv4Addr, &[u8])> {
    let mut bits: u32 = 0;
    let mut i = 0;
    while i < 4 {
        if i > 0 {
            match given(s, b'.') {
                Some(rest) => s = rest,
                None => return None,
            }
        }
        match number(s, 10, 3, false, u8::MAX as u32) {
            Some((octet, rest)) => {
                bits = (bits << 8) | octet;
                s = rest;
            }
            None => return None,
        }
        i += 1;
    }
    Some((Ipv4Addr::from_bits(bits), s))
}

/// Up to eight hex groups with at most one `::`; the last 32 bits may be a dotted quad.
pub(crate) const fn ipv6(s: &[u8]) -> Option<(Ipv6Addr, &[u8])> {
    let head = groups(s, 8);
    if head.count == 8 {
        return Some((Ipv6Addr::from_bits(head.bits), head.rest));
    }
    // A dotted quad may only end the address, never come before `::`.
    if head.ended_with_ipv4 {
        return None;
    }
    let rest = match given(head.rest, b':') {
        Some(rest) => match given(rest, b':') {
            Some(rest) => rest,
            None => return None,
        },
        None => return None,
    };
    // `::` stands for at least one zero group, so at most 7 - head.count groups follow.
    let tail = groups(rest, 7 - head.count);
    let bits = if head.count == 0 {
        tail.bits
    } else {
        (head.bits << (16 * (8 - head.count))) | tail.bits
    };
    Some((Ipv6Addr::from_bits(bits), tail.rest))
}

/// A run of `:`-separated IPv6 groups.
struct Groups<'a> {
    /// The groups read, the first in the highest bits.
    bits: u128,
    /// How many 16-bit groups were read (a dotted quad counts as two).
    count: u32,
    /// Whether the run ended with a dotted quad.
    ended_with_ipv4: bool,
    rest: &'a [u8],
}

const fn groups(mut s: &[u8], limit: u32) -> Groups<'_> {
    let mut bits: u128 = 0;
    let mut i = 0;
    while i < limit {
        let after_separator = if i == 0 { Some(s) } else { given(s, b':') };
        let Some(after) = after_separator else {
            break;
        };
        // A trailing dotted quad needs room for two groups.
        if i + 1 < limit {
            if let Some((v4, rest)) = ipv4(after) {
                return Groups {
                    bits: (bits << 32) | v4.to_bits() as u128,
                    count: i + 2,
                    ended_with_ipv4: true,
                    rest,
                };
            }
        }
        match number(after, 16, 4, true, u16::MAX as u32) {
            Some((group, rest)) => {
                bits = (bits << 16) | group as u128;
                s = rest;
            }
            None => break,
        }
        i += 1;
    }
    Groups {
        bits,
        count: i,
        ended_with_ipv4: false,
        rest: s,
    }
}

/// The input after `c`, if it starts with `c`.
const fn given(s: &[u8], c: u8) -> Option<&[u8]> {
    match s.split_first() {
        Some((&first, rest)) if first == c => Some(rest),
        _ => None,
    }
}

/// The value of one digit in `radix` (10 or 16).
pub(crate) const fn digit(b: u8, radix: u32) -> Option<u32> {
    let value = match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => return None,
    } as u32;
    if value < radix { Some(value) } else { None }
}

/// A number of at least one digit and at most `max_digits`, no larger than `max`.
/// Without `zero_prefix`, a number of more than one digit may not start with `0`.
const fn number(
    mut s: &[u8],
    radix: u32,
    max_digits: u32,
    zero_prefix: bool,
    max: u32,
) -> Option<(u32, &[u8])> {
    let leading_zero = matches!(s.first(), Some(b'0'));
    let mut value: u32 = 0;
    let mut digits: u32 = 0;
    while let Some((&b, rest)) = s.split_first() {
        let Some(d) = digit(b, radix) else {
            break;
        };
        // `value <= max <= u32::MAX / radix` would be too strict for u32 scope ids, so
        // compute in u64: radix * u32::MAX + 15 fits.
        let next = value as u64 * radix as u64 + d as u64;
        if next > max as u64 {
            return None;
        }
        value = next as u32;
        digits += 1;
        if digits > max_digits {
            return None;
        }
        s = rest;
    }
    if digits == 0 || (!zero_prefix && leading_zero && digits > 1) {
        None
    } else {
        Some((value, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sock(s: &str) -> Option<SocketAddr> {
        socket_addr(s.as_bytes())
    }

    #[test]
    fn agrees_with_std_on_a_table() {
        let inputs = [
            "127.0.0.1:8080",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "1.2.3.4:00080",
            "[::1]:80",
            "[::]:0",
            "[1:2:3:4:5:6:7:8]:1",
            "[1:2:3:4:5:6:7::]:1",
            "[::2:3:4:5:6:7:8]:1",
            "[1::8]:1",
            "[::ffff:1.2.3.4]:1",
            "[1:2:3:4:5:6:1.2.3.4]:1",
            "[1:2:3:4:5:6:7:1.2.3.4]:1",
            "[1.2.3.4::]:1",
            "[fe80::1%2]:1",
            "[fe80::1%4294967295]:1",
            "[fe80::1%4294967296]:1",
            "[fe80::1%]:1",
            "[fe80::1%eth0]:1",
            "[0000:0:0:0:0:0:0:1]:1",
            "[00000::1]:1",
            "[::1]",
            "::1:80",
            "127.1:80",
            "127.0.0.01:80",
            "0127.0.0.1:80",
            "256.0.0.1:80",
            "1.2.3.4:65536",
            "1.2.3.4:",
            "1.2.3.4",
            ":80",
            "",
            " 1.2.3.4:80",
            "1.2.3.4:80 ",
            "1.2.3.4:+80",
            "[1:2:3:4:5:6:7:8:9]:1",
            "[1::2::3]:1",
            "[:1]:1",
            "[1:]:1",
            "[::1]:1:1",
            "[::1]]:1",
            "[[::1]]:1",
            "[A:b:C:d::]:1",
            "[::1%01]:00",
        ];
        for input in inputs {
            assert_eq!(sock(input), input.parse().ok(), "{input:?}");
        }
    }

    #[test]
    fn ip_addr_agrees_with_std() {
        for input in [
            "1.2.3.4",
            "::",
            "::ffff:0.0.0.0",
            "1.2.3",
            "::1%1",
            "[::1]",
            "01.2.3.4",
        ] {
            assert_eq!(ip_addr(input.as_bytes()), input.parse().ok(), "{input:?}");
        }
    }

    #[test]
    fn ports_and_decimals() {
        assert_eq!(port(b"0"), Some(0));
        assert_eq!(port(b"065535"), Some(65535));
        assert_eq!(port(b"65536"), None);
        assert_eq!(port(b""), None);
        assert_eq!(decimal(b"32", 32), Some(32));
        assert_eq!(decimal(b"33", 32), None);
    }

    #[test]
    fn works_in_const_context() {
        const A: Option<SocketAddr> = socket_addr(b"[::1]:9000");
        assert_eq!(A, Some("[::1]:9000".parse().unwrap()));
    }
}
