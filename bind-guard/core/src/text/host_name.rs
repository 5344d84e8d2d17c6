//! Host names: the one place that says what a host name is, which names mean this
//! machine, and which "names" a C resolver reads as an IPv4 address instead.
//!
//! Parsing never resolves names; the error path ([`diagnose`](crate::text::diagnose))
//! uses these rules to say *what* a refused input was, and `Policy::resolve` uses them
//! to decide what it may hand to the system resolver. Both call the functions here, so a
//! name that one calls a host name is one the other resolves. They are `const fn`s
//! because `bind_addr!` diagnoses its literal at compile time.

/// The longest name in its text form, without a trailing dot (RFC 1035, section 2.3.4:
/// 255 bytes on the wire).
const MAX_NAME: usize = 253;

/// The longest label (RFC 1035, section 2.3.4).
const MAX_LABEL: usize = 63;

/// Whether `label` is an LDH label (RFC 1123, section 2.1, which relaxed RFC 952):
/// 1 to 63 letters, digits and hyphens, not beginning or ending with a hyphen.
/// Underscores are not host-name characters (they appear in service records such as
/// `_http._tcp`, never in the names of hosts).
pub const fn is_label(label: &[u8]) -> bool {
    if label.is_empty() || label.len() > MAX_LABEL {
        return false;
    }
    if matches!(label.first(), Some(b'-')) || matches!(label.last(), Some(b'-')) {
        return false;
    }
    let mut rest = label;
    while let Some((&b, tail)) = rest.split_first() {
        if !(b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        rest = tail;
    }
    true
}

/// Whether `host` is a DNS name as a `Host` header may carry it: dot-separated labels
/// of 1 to 63 letters, digits, hyphens and underscores, 253 bytes at most, no empty
/// label (one trailing dot is the caller's to remove). RFC 1035, section 2.3.4 gives the
/// lengths; it is looser than [`is_host_name`] (`_` is kept because service names use
/// it, and a hyphen may start a label), which is what a request's host is matched
/// against, while [`is_host_name`] decides what may be resolved.
pub const fn is_dns_name(host: &[u8]) -> bool {
    if host.is_empty() || host.len() > MAX_NAME {
        return false;
    }
    let mut rest = host;
    loop {
        let (label, more) = split_at_dot(rest);
        if label.is_empty() || label.len() > MAX_LABEL || !all_dns_characters(label) {
            return false;
        }
        match more {
            Some(more) => rest = more,
            None => return true,
        }
    }
}

const fn all_dns_characters(label: &[u8]) -> bool {
    let mut rest = label;
    while let Some((&b, tail)) = rest.split_first() {
        if !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return false;
        }
        rest = tail;
    }
    true
}

/// Whether `host` is written as a number, the way C resolvers and browsers read IPv4
/// shorthands (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`): digits and dots only,
/// or inet_aton's characters (hex digits, `x`, dots) with a `0x` part. Not a name, and
/// not a canonical address either; wider than [`inet_aton`], which also checks the
/// numbers' ranges (`1.2.3.4.5` is numeric but no address).
pub const fn is_numeric_host(host: &[u8]) -> bool {
    let (mut dotted, mut aton) = (true, true);
    let mut rest = host;
    while let Some((&b, tail)) = rest.split_first() {
        dotted &= b.is_ascii_digit() || b == b'.';
        aton &= b.is_ascii_hexdigit() || matches!(b, b'x' | b'X' | b'.');
        rest = tail;
    }
    dotted || (aton && has_hex_prefix(host))
}

/// Whether a dot-separated part of `host` starts with `0x` or `0X`.
const fn has_hex_prefix(host: &[u8]) -> bool {
    let mut rest = host;
    let mut at_part_start = true;
    while let Some((&b, tail)) = rest.split_first() {
        if at_part_start && b == b'0' && matches!(tail.first(), Some(b'x' | b'X')) {
            return true;
        }
        at_part_start = b == b'.';
        rest = tail;
    }
    false
}

/// `host` without one trailing dot (the root: `localhost.` is `localhost`).
const fn without_root(host: &[u8]) -> &[u8] {
    match host.split_last() {
        Some((b'.', name)) => name,
        _ => host,
    }
}

/// Whether `host` is a host name: dot-separated [labels](is_label), at most 253 bytes,
/// with an optional trailing dot, whose last label is not all digits (RFC 1123, section
/// 2.1: that is what tells names from dotted numbers) and which a C resolver would not
/// read as an IPv4 address ([`inet_aton`]: `0x7f000001` is 127.0.0.1 to it, not a name).
pub const fn is_host_name(host: &[u8]) -> bool {
    let name = without_root(host);
    if name.is_empty() || name.len() > MAX_NAME || inet_aton(name).is_some() {
        return false;
    }
    let mut rest = name;
    loop {
        let (label, more) = split_at_dot(rest);
        if !is_label(label) {
            return false;
        }
        match more {
            Some(more) => rest = more,
            None => return !all_digits(label),
        }
    }
}

/// Whether `host` names this machine: `localhost` or a name under `.localhost`, in any
/// case, with an optional trailing dot, every label a valid one (RFC 6761, section 6.3).
/// `-.localhost`, `a..localhost` and `_x.localhost` are not names at all.
pub const fn is_localhost(host: &[u8]) -> bool {
    if !is_host_name(host) {
        return false;
    }
    let name = without_root(host);
    const LOCALHOST: &[u8] = b"localhost";
    let Some(start) = name.len().checked_sub(LOCALHOST.len()) else {
        return false;
    };
    let Some((before, last)) = name.split_at_checked(start) else {
        return false;
    };
    // The last label is exactly `localhost`: it starts the name or follows a dot.
    eq_ignore_case(last, LOCALHOST) && matches!(before.split_last(), None | Some((b'.', _)))
}

/// The IPv4 address a C resolver (`inet_aton`, and `getaddrinfo` through it) reads
/// `host` as, if it reads it as one: one to four dot-separated numbers, each decimal,
/// octal (a leading `0`) or hexadecimal (`0x`), the last filling the remaining bytes
/// (`127.1` is 127.0.0.1, `0x7f000001` too, `0` is 0.0.0.0).
pub const fn inet_aton(host: &[u8]) -> Option<u32> {
    let mut parts = [0u64; 4];
    let mut count = 0;
    let mut rest = host;
    loop {
        let (part, more) = split_at_dot(rest);
        let Some(value) = inet_number(part) else {
            return None;
        };
        parts = match (count, parts) {
            (0, [_, b, c, d]) => [value, b, c, d],
            (1, [a, _, c, d]) => [a, value, c, d],
            (2, [a, b, _, d]) => [a, b, value, d],
            (3, [a, b, c, _]) => [a, b, c, value],
            _ => return None, // a fifth number
        };
        count += 1;
        match more {
            Some(more) => rest = more,
            None => break,
        }
    }
    // The last number fills the bytes the earlier ones (one byte each) left.
    let [a, b, c, d] = parts;
    let (value, leading, last_max) = match count {
        1 => (a, 0, u32::MAX as u64),
        2 => (b, a, 0xFF_FFFF),
        3 => (c, a << 8 | b, 0xFFFF),
        _ => (d, (a << 8 | b) << 8 | c, 0xFF),
    };
    let leading_ok = a <= 0xFF && (count < 3 || b <= 0xFF) && (count < 4 || c <= 0xFF);
    if count > 1 && !leading_ok || value > last_max {
        return None;
    }
    // The last number holds the low 32, 24, 16 or 8 bits.
    let full = match count {
        1 => value,
        _ => leading << (8 * (5 - count as u64)) | value,
    };
    if full > u32::MAX as u64 {
        return None;
    }
    Some(full as u32)
}

/// One number of an `inet_aton` address: decimal, octal after a leading `0`, or
/// hexadecimal after `0x`/`0X` (C's `strtoul` with base 0).
const fn inet_number(part: &[u8]) -> Option<u64> {
    let (digits, base) = match part {
        [b'0', b'x' | b'X', hex @ ..] => (hex, 16),
        [b'0', octal @ ..] if !octal.is_empty() => (octal, 8),
        _ => (part, 10),
    };
    if digits.is_empty() {
        // `0x` alone is 0 to glibc; an empty part is no number.
        return if base == 16 { Some(0) } else { None };
    }
    let mut value: u64 = 0;
    let mut rest = digits;
    while let Some((&b, tail)) = rest.split_first() {
        let digit = match b {
            b'0'..=b'9' => (b - b'0') as u64,
            b'a'..=b'f' => (b - b'a' + 10) as u64,
            b'A'..=b'F' => (b - b'A' + 10) as u64,
            _ => return None,
        };
        if digit >= base {
            return None;
        }
        value = value * base + digit;
        if value > u32::MAX as u64 {
            return None;
        }
        rest = tail;
    }
    Some(value)
}

/// `s` up to its first dot, and what follows the dot (if there is one).
const fn split_at_dot(s: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut i = 0;
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'.' {
            return match s.split_at_checked(i) {
                Some((head, _)) => (head, Some(tail)),
                None => (s, None),
            };
        }
        i += 1;
        rest = tail;
    }
    (s, None)
}

const fn all_digits(s: &[u8]) -> bool {
    let mut rest = s;
    while let Some((&b, tail)) = rest.split_first() {
        if !b.is_ascii_digit() {
            return false;
        }
        rest = tail;
    }
    true
}

/// ASCII case-insensitive equality, in a `const fn` (`[u8]::eq_ignore_ascii_case` is not
/// `const`).
pub(crate) const fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, a_rest)), Some((y, b_rest))) = (a.split_first(), b.split_first()) {
        if !x.eq_ignore_ascii_case(y) {
            return false;
        }
        a = a_rest;
        b = b_rest;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_names() {
        for name in [
            "a",
            "example.com",
            "a-b.c",
            "x1.y2.",
            "xn--bcher-kva.example",
        ] {
            assert!(is_host_name(name.as_bytes()), "{name}");
        }
        let long_label = "a".repeat(64);
        let long_name = ["a"; 128].join(".");
        for name in [
            "",
            ".",
            "-a",
            "a-",
            "a..b",
            ".a",
            "_x",
            "a_b.c",
            "a b",
            "127.1",
            "10.0.0.1",
            "0x7f000001",
            "0x7f.1",
            "a.123",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert!(!is_host_name(name.as_bytes()), "{name:?}");
        }
        assert!(is_host_name(["a"; 127].join(".").as_bytes()));
    }

    #[test]
    fn localhost_names() {
        for name in ["localhost", "LOCALHOST.", "a.b.localhost", "a-b.localhost"] {
            assert!(is_localhost(name.as_bytes()), "{name}");
        }
        for name in [
            ".localhost",
            "-.localhost",
            "a..localhost",
            "_x.localhost",
            "xlocalhost",
            "localhost.com",
            "localhost..",
        ] {
            assert!(!is_localhost(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn inet_aton_reads_what_c_reads() {
        let cases: [(&str, Option<u32>); 16] = [
            ("0", Some(0)),
            ("0.0", Some(0)),
            ("0x0", Some(0)),
            ("00", Some(0)),
            ("127.1", Some(0x7F00_0001)),
            ("0x7f.1", Some(0x7F00_0001)),
            ("0x7f000001", Some(0x7F00_0001)),
            ("2130706433", Some(0x7F00_0001)),
            ("0177.0.0.1", Some(0x7F00_0001)),
            ("10.1.1", Some(0x0A01_0001)),
            ("1.2.3.4", Some(0x0102_0304)),
            ("256.1", None),
            ("1.2.3.4.5", None),
            ("4294967296", None),
            ("08", None),
            ("1.", None),
        ];
        for (text, value) in cases {
            assert_eq!(inet_aton(text.as_bytes()), value, "{text}");
        }
        assert_eq!(inet_aton(b"1.2.65536"), None);
        assert_eq!(inet_aton(b"1.16777215"), Some(0x01FF_FFFF));
        assert_eq!(inet_aton(b"1.16777216"), None);
    }

    #[test]
    fn dns_names_and_numbers() {
        for ok in [
            "a",
            "example.com",
            "a-b.c_d.example",
            "xn--bcher-kva.example",
        ] {
            assert!(is_dns_name(ok.as_bytes()), "{ok}");
        }
        let long_label = "a".repeat(64);
        let long_name = ["abcdefghi"; 26].join(".");
        for bad in [
            "",
            ".",
            "a..b",
            ".a",
            "a.",
            "a b",
            "a@b",
            &long_label,
            &long_name,
        ] {
            assert!(!is_dns_name(bad.as_bytes()), "{bad}");
        }
        for num in [
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "0X7F000001",
            "1.2.3.4.5",
        ] {
            assert!(is_numeric_host(num.as_bytes()), "{num}");
        }
        for name in ["example.com", "0xfoo.example", "abc"] {
            assert!(!is_numeric_host(name.as_bytes()), "{name}");
        }
    }
}
