//! The host entries an operator or the application adds: names (`example.com`,
//! `.example.com`), addresses and networks (`10.0.0.5`, `10.0.0.0/8`). Reading an entry
//! refuses what would let a stranger's name or the wildcard in.

use std::boxed::Box;
use std::vec::Vec;

use ipnet::IpNet;

use super::HostGuardError;
use super::HostGuardErrorKind as K;
use super::authority::ends_in_number;
use crate::text::{host_name, parse};

/// A configured host name: `example.com` (that name) or `.example.com` (that name and
/// every name under it). Stored lowercase, without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePattern {
    pub(crate) name: Box<[u8]>,
    pub(crate) subdomains: bool,
}

impl NamePattern {
    /// Whether `host` (a DNS name without a trailing dot, any case) matches.
    #[inline]
    pub(crate) fn matches(&self, host: &[u8]) -> bool {
        let name = &*self.name;
        if host.len() == name.len() {
            return host.eq_ignore_ascii_case(name);
        }
        // `.example.com` also takes `a.b.example.com`: a dot right before the name.
        // (`>=` would do as well: equal lengths returned above. A mutant that makes it
        // `>=` survives for that reason.)
        self.subdomains
            && host.len() > name.len()
            && host
                .len()
                .checked_sub(name.len() + 1)
                .and_then(|dot| host.get(dot..))
                .and_then(|tail| tail.split_first())
                .is_some_and(|(&dot, rest)| dot == b'.' && rest.eq_ignore_ascii_case(name))
    }
}

/// One host entry: a name pattern, or a network of IP hosts (an address is a network
/// of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostEntry {
    Name(NamePattern),
    Net(IpNet),
}

/// Wildcard DNS services: every name under them resolves to the address written in
/// the name (`10-0-0-5.nip.io` is 10.0.0.5), so anyone gets a name under them that
/// points at their own server. They are not on the Public Suffix List, so a browser
/// counts `attacker-ip.nip.io` and `127-0-0-1.nip.io` as one site. Treated as public
/// suffixes: `.nip.io` is refused; `.127-0-0-1.nip.io`, whose names all point at
/// loopback, is not.
const WILDCARD_DNS: &[&str] = &["nip.io", "sslip.io", "xip.io", "traefik.me"];

/// The reverse-DNS trees: names there are addresses written backwards, not names a
/// server is reached by.
const REVERSE_DNS: &[&str] = &["in-addr.arpa", "ip6.arpa"];

/// Whether `name` (lowercase, no trailing dot) is under `domain` or is `domain`.
fn under(name: &str, domain: &str) -> bool {
    name == domain
        || name
            .strip_suffix(domain)
            .is_some_and(|head| head.ends_with('.'))
}

/// Why `name` (lowercase, no trailing dot, a valid DNS name) may not be an entry:
/// a public suffix (from the Public Suffix List, through the `psl` crate), a name
/// under a wildcard DNS service or under the reverse-DNS trees.
fn shared_name(name: &str) -> Option<K> {
    if REVERSE_DNS.iter().any(|tree| under(name, tree)) {
        return Some(K::ReverseDns);
    }
    if WILDCARD_DNS.contains(&name) {
        return Some(K::PublicSuffix);
    }
    // `psl::suffix` applies the list's rules (wildcards and exceptions included); a
    // name is a public suffix when its suffix is all of it. Names under no listed
    // suffix fall to the list's default rule (`*`), which is not a known entry:
    // `api` or `internal` are a container's names, not suffixes.
    let suffix = psl::suffix(name.as_bytes())?;
    (suffix.is_known() && suffix.as_bytes() == name.as_bytes()).then_some(K::PublicSuffix)
}

/// Reads one host entry of `source`.
pub(crate) fn host_entry(entry: &str, source: &str) -> Result<HostEntry, HostGuardError> {
    let err = |kind| HostGuardError::new(kind, entry, source);
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Err(err(K::EmptyEntry));
    }
    if trimmed == "*" || trimmed.starts_with("*.") || trimmed == "." {
        return Err(err(K::Wildcard));
    }
    if let Some(net) = ip_or_net(trimmed) {
        return host_net(net).map_err(err);
    }
    let (subdomains, name) = match trimmed.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    let bytes = name.as_bytes();
    if !host_name::is_dns_name(bytes) || host_name::is_numeric_host(bytes) || ends_in_number(bytes)
    {
        return Err(err(K::NotAName));
    }
    if subdomains && !bytes.contains(&b'.') {
        return Err(err(K::BareTld));
    }
    let name = name.to_ascii_lowercase();
    if let Some(kind) = shared_name(&name) {
        return Err(err(kind));
    }
    Ok(HostEntry::Name(NamePattern {
        name: name.into_bytes().into_boxed_slice(),
        subdomains,
    }))
}

/// `10.0.0.5`, `::1`, `[::1]`, `10.0.0.0/8`, `fd00::/8`: the strict parsers of the
/// crate for the address, a decimal prefix length.
fn ip_or_net(entry: &str) -> Option<IpNet> {
    let (addr, prefix) = match entry.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (entry, None),
    };
    let addr = addr
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(addr);
    let ip = parse::ip_addr(addr.as_bytes())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match prefix {
        None => max,
        Some(p) if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok()?
        }
        Some(_) => return None,
    };
    IpNet::new(ip, len).ok()
}

/// A network of IP hosts, refused when it holds the wildcard address (`0.0.0.0`, `::`,
/// and so every `/0`): no browser request is for it.
pub(crate) fn host_net(net: IpNet) -> Result<HostEntry, K> {
    let net = net.trunc();
    if net.network().is_unspecified() {
        return Err(K::Unspecified);
    }
    Ok(HostEntry::Net(net))
}

/// Reads a comma-separated list. A value that is only white space is no entries (an
/// unset-looking `VAR=`), but an empty item inside a list is an error.
pub(crate) fn host_list(list: &str, source: &str) -> Result<Vec<HostEntry>, HostGuardError> {
    if list.trim().is_empty() {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(|item| host_entry(item, source))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn entry(s: &str) -> Result<HostEntry, K> {
        host_entry(s, "TEST").map_err(|e| e.kind())
    }

    fn pattern(s: &str) -> NamePattern {
        match entry(s) {
            Ok(HostEntry::Name(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn patterns_match_names_and_subdomains() {
        let exact = pattern("Example.com.");
        assert!(exact.matches(b"example.COM"));
        assert!(!exact.matches(b"a.example.com"));
        let sub = pattern(".example.com");
        for yes in ["example.com", "a.example.com", "a.b.EXAMPLE.com"] {
            assert!(sub.matches(yes.as_bytes()), "{yes}");
        }
        for no in [
            "xexample.com",
            "example.com.evil",
            "example.co",
            "com",
            "aexample.com",
        ] {
            assert!(!sub.matches(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn configuration_refuses_what_would_open_the_guard() {
        let table = [
            ("", K::EmptyEntry),
            ("  ", K::EmptyEntry),
            ("*", K::Wildcard),
            ("*.example.com", K::Wildcard),
            (".", K::Wildcard),
            (".com", K::BareTld),
            ("..com", K::NotAName),
            ("127.1", K::NotAName),
            ("2130706433", K::NotAName),
            ("0x7f.1", K::NotAName),
            ("a.123", K::NotAName),
            ("exa mple.com", K::NotAName),
            ("example.com:80", K::NotAName),
            ("http://example.com", K::NotAName),
            ("10.0.0.0/33", K::NotAName),
            ("10.0.0.0/", K::NotAName),
            ("10.0.0.0/+8", K::NotAName),
            ("0.0.0.0", K::Unspecified),
            ("0.0.0.0/0", K::Unspecified),
            ("::", K::Unspecified),
            ("[::]", K::Unspecified),
            ("::/0", K::Unspecified),
            ("0.0.0.0/8", K::Unspecified),
            ("1.2.3.4/0", K::Unspecified),
        ];
        for (entry_text, kind) in table {
            assert_eq!(entry(entry_text), Err(kind), "{entry_text:?}");
        }
        assert!(entry("api").is_ok(), "a container's service name");
        let err = host_list("a.example,,b.example", "the X environment variable").unwrap_err();
        assert!(
            err.to_string()
                .contains("the X environment variable has an empty entry")
        );
        let err = host_list("*", "the X environment variable").unwrap_err();
        assert!(
            err.to_string()
                .contains("`*` in the X environment variable"),
            "{err}"
        );
        assert_eq!(host_list(" ", "X").unwrap(), []);
    }

    #[test]
    fn addresses_and_networks_are_entries() {
        let net = |s: &str| match entry(s) {
            Ok(HostEntry::Net(n)) => n,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(net("10.0.0.5"), "10.0.0.5/32".parse().unwrap());
        assert_eq!(net("10.1.2.3/8"), "10.0.0.0/8".parse().unwrap());
        assert_eq!(net("[::1]"), "::1/128".parse().unwrap());
        assert_eq!(net("::1"), "::1/128".parse().unwrap());
        assert_eq!(net("fd00::/8"), "fd00::/8".parse().unwrap());
    }

    #[test]
    fn public_suffixes_and_reverse_trees_are_refused() {
        for suffix in [
            ".co.uk",
            "co.uk",
            ".github.io",
            ".duckdns.org",
            ".nip.io",
            ".sslip.io",
            "nip.io",
            ".foo.ck",
            ".CO.UK.",
        ] {
            assert_eq!(entry(suffix), Err(K::PublicSuffix), "{suffix}");
        }
        for reverse in [".in-addr.arpa", ".1.0.0.127.in-addr.arpa", ".ip6.arpa"] {
            assert_eq!(entry(reverse), Err(K::ReverseDns), "{reverse}");
        }
        for fine in [
            ".example.co.uk",
            ".me.github.io",
            ".example.com",
            "mynip.io",
            ".127-0-0-1.nip.io",
            ".internal.example",
            "api",
            "host.internal",
        ] {
            assert!(entry(fine).is_ok(), "{fine}");
        }
        let text = host_entry(".github.io", "the X environment variable")
            .unwrap_err()
            .to_string();
        assert!(text.contains("public suffix"), "{text}");
        let text = host_entry(".in-addr.arpa", "the X environment variable")
            .unwrap_err()
            .to_string();
        assert!(text.contains("reverse-DNS"), "{text}");
    }
}
