//! The address parser: a `const fn` that accepts exactly what `std`'s
//! [`SocketAddr`] parser accepts.
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
//! out afterwards, on the error path only, by [`diagnose`](crate::text::diagnose).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// No limit on the number of digits (ports and scope ids).
const UNBOUNDED: u32 = u32::MAX;

/// Parses a whole socket address (`IPV4:PORT` or `[IPV6%SCOPE]:PORT`).
#[must_use]
pub const fn socket_addr(s: &[u8]) -> Option<SocketAddr> {
    if let Some(addr) = plain_socket_addr_v4(s) {
        return Some(SocketAddr::V4(addr));
    }
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

/// The fast path: `A.B.C.D:PORT` in its plain form, read in one loop with no calls.
///
/// Most addresses have this shape, and `bind_addr!` runs the parser in the compiler's
/// `const` interpreter, where every function call and every returned `Option` costs far
/// more than in machine code. `None` means only "not in the plain form": the general
/// reader then decides, so this function may refuse valid input but must never accept
/// anything the general reader refuses, nor read a different value (the tests below and
/// `tests/differential.rs` hold it to that).
const fn plain_socket_addr_v4(mut s: &[u8]) -> Option<SocketAddrV4> {
    // As few MIR statements per byte as possible: the digits are only counted and
    // summed here, and each number is checked once, at the byte that ends it.
    let mut bits: u32 = 0;
    // The number being read, its digit count, and how many numbers came before it
    // (0 to 3: octets; 4: the port).
    let mut value: u32 = 0;
    let mut digits: u32 = 0;
    let mut part: u32 = 0;
    while let [b, rest @ ..] = s {
        s = rest;
        // `*b as u32` and a comparison rather than `wrapping_sub` or `to_digit`: a
        // method call is a stack frame in the `const` interpreter.
        let d = *b as u32;
        if d >= b'0' as u32 && d <= b'9' as u32 {
            // Five digits fit a u32; longer numbers (ports with leading zeros) are left
            // to the general reader.
            if digits == 5 {
                return None;
            }
            value = value * 10 + (d - b'0' as u32);
            digits += 1;
        } else if (*b == b'.' && part < 3) || (*b == b':' && part == 3) {
            if !plain_octet(value, digits) {
                return None;
            }
            bits = (bits << 8) | value;
            (value, digits, part) = (0, 0, part + 1);
        } else {
            return None;
        }
    }
    if part == 4 && digits > 0 && value <= u16::MAX as u32 {
        Some(SocketAddrV4::new(Ipv4Addr::from_bits(bits), value as u16))
    } else {
        None
    }
}

/// Whether `digits` decimal digits summing to `value` are a valid octet: one to three
/// digits, at most 255, no leading zero (which shows as a value below 10^(digits-1)).
const fn plain_octet(value: u32, digits: u32) -> bool {
    match digits {
        1 => true,
        2 => value >= 10,
        3 => value >= 100 && value <= u8::MAX as u32,
        _ => false,
    }
}

/// Parses a whole IP address without a port, as `std`'s `IpAddr` parser does.
#[must_use]
pub const fn ip_addr(s: &[u8]) -> Option<IpAddr> {
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
pub const fn port(s: &[u8]) -> Option<u16> {
    match decimal_u16(s) {
        Some((port, [])) => Some(port),
        _ => None,
    }
}

/// Parses a whole decimal number up to `max` (prefix lengths and the like).
#[must_use]
pub const fn decimal(s: &[u8], max: u32) -> Option<u32> {
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
    decimal_u16(rest)
}

/// Four decimal octets of one to three digits, without leading zeros.
pub const fn ipv4(mut s: &[u8]) -> Option<(Ipv4Addr, &[u8])> {
    let mut bits: u32 = 0;
    let mut i = 0;
    while i < 4 {
        if i > 0 {
            match given(s, b'.') {
                Some(rest) => s = rest,
                None => return None,
            }
        }
        match octet(s) {
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
pub const fn ipv6(s: &[u8]) -> Option<(Ipv6Addr, &[u8])> {
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
        if i + 1 < limit
            && let Some((v4, rest)) = ipv4(after)
        {
            return Groups {
                bits: (bits << 32) | v4.to_bits() as u128,
                count: i + 2,
                ended_with_ipv4: true,
                rest,
            };
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
pub const fn digit(b: u8, radix: u32) -> Option<u32> {
    let value = match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => return None,
    } as u32;
    if value < radix { Some(value) } else { None }
}

// The two readers below are `number` specialised for the two shapes every IPv4 socket
// address is made of (the hot path of parsing): the same results, without the radix,
// digit-count and u64 arithmetic of the general reader. The property tests in this
// module compare them with `number` on every short input.

/// An IPv4 octet: `number(s, 10, 3, false, 255)`.
const fn octet(s: &[u8]) -> Option<(u32, &[u8])> {
    let (first, mut rest) = match s {
        [b @ b'0'..=b'9', rest @ ..] => ((*b - b'0') as u32, rest),
        _ => return None,
    };
    let mut value = first;
    let mut digits = 1;
    while let [b @ b'0'..=b'9', tail @ ..] = rest {
        // A leading zero, a fourth digit or a value above 255 refuses the whole octet
        // (std's reader does not stop early and leave the digit for the next token).
        if first == 0 || digits == 3 {
            return None;
        }
        value = value * 10 + (*b - b'0') as u32;
        digits += 1;
        rest = tail;
    }
    if value > u8::MAX as u32 {
        None
    } else {
        Some((value, rest))
    }
}

/// A port: `number(s, 10, UNBOUNDED, true, 65535)`.
const fn decimal_u16(s: &[u8]) -> Option<(u16, &[u8])> {
    let mut rest = match s {
        [b'0'..=b'9', ..] => s,
        _ => return None,
    };
    let mut value: u32 = 0;
    while let [b @ b'0'..=b'9', tail @ ..] = rest {
        // value <= 65535 here, so this cannot overflow a u32.
        value = value * 10 + (*b - b'0') as u32;
        if value > u16::MAX as u32 {
            return None;
        }
        rest = tail;
    }
    Some((value as u16, rest))
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
    use alloc::vec;
    use alloc::vec::Vec;

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

    /// Every string of up to `len` bytes over `alphabet`.
    fn all_strings(alphabet: &[u8], len: usize) -> Vec<Vec<u8>> {
        let mut out = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..len {
            let next: Vec<Vec<u8>> = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |&c| {
                        let mut t = s.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            out.extend(next.iter().cloned());
            last = next;
        }
        out
    }

    #[test]
    fn fast_readers_agree_with_the_general_reader() {
        // Digits that matter at each boundary (0 for leading zeros, 2/5/6 around 255
        // and 65535, 9 for overflow) and the bytes that end a number.
        for s in all_strings(b"012569a.:", 6) {
            assert_eq!(
                octet(&s),
                number(&s, 10, 3, false, u8::MAX as u32),
                "octet {s:?}"
            );
            assert_eq!(
                decimal_u16(&s).map(|(n, rest)| (n as u32, rest)),
                number(&s, 10, UNBOUNDED, true, u16::MAX as u32),
                "port {s:?}"
            );
        }
        for s in ["65535", "065535", "65536", "0000000000080", "99999", "6553"] {
            assert_eq!(
                decimal_u16(s.as_bytes()).map(|(n, rest)| (n as u32, rest)),
                number(s.as_bytes(), 10, UNBOUNDED, true, u16::MAX as u32),
                "port {s:?}"
            );
        }
    }

    /// The general reader alone, without the fast path.
    fn general(s: &[u8]) -> Option<SocketAddr> {
        match socket_addr_v4(s) {
            Some((addr, [])) => Some(SocketAddr::V4(addr)),
            _ => None,
        }
    }

    #[test]
    fn fast_path_never_disagrees_with_the_general_reader() {
        // Short strings over the bytes of the plain form, exhaustively: every place a
        // digit, a dot or a colon can be missing, doubled or out of place.
        for s in all_strings(b"0129.:", 7) {
            if let Some(fast) = plain_socket_addr_v4(&s) {
                assert_eq!(Some(SocketAddr::V4(fast)), general(&s), "{s:?}");
            }
        }
        // Five numbers (each at or past a limit) with every choice of separators.
        let numbers = ["", "0", "01", "7", "255", "256", "65535", "65536"];
        let mut accepted = 0;
        let mut s = Vec::new();
        for n in 0..numbers.len().pow(5) {
            for seps in 0..16_u32 {
                s.clear();
                let mut n = n;
                for part in 0..5 {
                    s.extend_from_slice(numbers[n % numbers.len()].as_bytes());
                    n /= numbers.len();
                    if part < 4 {
                        s.push(if seps >> part & 1 == 0 { b'.' } else { b':' });
                    }
                }
                let fast = plain_socket_addr_v4(&s).map(SocketAddr::V4);
                if fast.is_some() {
                    accepted += 1;
                    assert_eq!(fast, general(&s), "{s:?}");
                }
                // Whatever the fast path says, the whole parser agrees with std.
                let text = core::str::from_utf8(&s).unwrap();
                assert_eq!(socket_addr(&s), text.parse().ok(), "{text:?}");
            }
        }
        // Three valid octets ("0", "7", "255") and six valid ports (all but "" and
        // "65536"): the fast path takes every plain address there is.
        assert_eq!(accepted, 3 * 3 * 3 * 3 * 6);
        // Boundaries of octets and ports; the fast path must take the plain ones.
        for (input, plain) in [
            ("0.0.0.0:0", true),
            ("255.255.255.255:65535", true),
            ("1.2.3.4:00080", true),
            ("10.20.30.40:8080", true),
            ("256.1.1.1:1", false),
            ("1.1.1.1:65536", false),
            ("01.1.1.1:1", false),
            ("1.1.1.1000:1", false),
            ("1.1.1:1", false),
            ("1.1.1.1.1:1", false),
            ("1.1.1.1:", false),
            ("1.1.1.1", false),
            ("1..1.1:1", false),
            (".1.1.1:1", false),
            ("1.1.1.1:1:1", false),
            ("1.1.1.1:+1", false),
            ("1.1.1.1:9999999", false),
        ] {
            let fast = plain_socket_addr_v4(input.as_bytes()).map(SocketAddr::V4);
            assert_eq!(fast.is_some(), plain, "{input:?}");
            if plain {
                assert_eq!(fast, input.parse().ok(), "{input:?}");
            } else {
                assert_eq!(sock(input), input.parse().ok(), "{input:?}");
            }
        }
    }

    #[test]
    fn works_in_const_context() {
        const A: Option<SocketAddr> = socket_addr(b"[::1]:9000");
        assert_eq!(A, Some("[::1]:9000".parse().unwrap()));
    }
}
