//! Whether a piece of text names the wildcard, decided by the library's parser.
//!
//! The scanner never carries its own copy of the rule: a socket address is parsed by
//! [`Policy::parse`] (the wildcard is the one refusal of the default policy that says
//! [`ErrorKind::Wildcard`]), and a bare host by `std`'s IP parser and [`Scope::of`].

use std::net::IpAddr;

use bind_guard::{ErrorKind, Policy, Scope};

/// How a text spells the wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// A whole socket address: `0.0.0.0:8080`, `[::]:80`, `[::ffff:0.0.0.0]:80`.
    SocketAddr,
    /// A host without a port: `0.0.0.0`, `::`, `[::]`, `::ffff:0.0.0.0`.
    Host,
    /// The start of a socket address whose port is added later: `0.0.0.0:` in
    /// `format!("0.0.0.0:{port}")` or `concat!("0.0.0.0:", PORT)`.
    Prefix,
    /// A libp2p multiaddr on the wildcard: `/ip4/0.0.0.0/tcp/0`, `/ip6/::/udp/9/quic-v1`.
    Multiaddr,
    /// A command-line argument whose value is the wildcard: `--bind=0.0.0.0:80`.
    Argument,
}

impl Spelling {
    /// How the finding describes the text.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Spelling::SocketAddr => "the wildcard socket address",
            Spelling::Host => "the wildcard host",
            Spelling::Prefix => "a wildcard socket address whose port is filled in later",
            Spelling::Multiaddr => "a multiaddr on the wildcard address",
            Spelling::Argument => "a command-line argument that sets the wildcard address",
        }
    }

    /// Whether the text carries a port (or a transport with one): a wildcard socket
    /// address is what a listener binds; a client has no use for it, so its use need
    /// not be seen to make it a finding of high confidence.
    pub(crate) fn has_port(self, text: &str) -> bool {
        match self {
            Spelling::SocketAddr | Spelling::Prefix => true,
            Spelling::Host => false,
            Spelling::Multiaddr => text.contains("/tcp/") || text.contains("/udp/"),
            Spelling::Argument => argument_value(text)
                .is_some_and(|value| literal(value).is_some_and(|inner| inner.has_port(value))),
        }
    }
}

/// The port put after a prefix such as `0.0.0.0:` so that the library can parse it.
/// Any valid port gives the same verdict: the wildcard does not depend on the port.
const SOME_PORT: &str = "1";

/// Whether `text` (a string literal's value or a config value) spells the wildcard.
pub(crate) fn literal(text: &str) -> Option<Spelling> {
    if is_wildcard_socket_addr(text) {
        return Some(Spelling::SocketAddr);
    }
    if is_wildcard_host(text) {
        return Some(Spelling::Host);
    }
    // `"0.0.0.0:"`, to which a port is appended at run time.
    if text.ends_with(':') && is_wildcard_socket_addr(&format!("{text}{SOME_PORT}")) {
        return Some(Spelling::Prefix);
    }
    if is_wildcard_multiaddr(text) {
        return Some(Spelling::Multiaddr);
    }
    if argument_value(text)
        .is_some_and(|value| matches!(literal(value), Some(Spelling::SocketAddr | Spelling::Host)))
    {
        return Some(Spelling::Argument);
    }
    None
}

/// `/ip4/HOST/…` or `/ip6/HOST/…` whose host is the wildcard (the rest, ports and
/// transports, may hold format placeholders).
fn is_wildcard_multiaddr(text: &str) -> bool {
    let mut parts = text.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(""), Some("ip4" | "ip6"), Some(host)) if is_wildcard_host(host)
    )
}

/// The value of a `--flag=VALUE` argument (a long or short flag, a name of letters,
/// digits and dashes).
fn argument_value(text: &str) -> Option<&str> {
    let (flag, value) = text.split_once('=')?;
    let name = flag.strip_prefix('-')?;
    let name = name.strip_prefix('-').unwrap_or(name);
    let flag_like = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    flag_like.then_some(value)
}

/// Whether the format string of `format!`-like macros starts with the wildcard:
/// `"0.0.0.0:{}"`, `"[::]:{port}"`, `"{host}"` is not (its host is an argument, which
/// the scanner looks at on its own).
pub(crate) fn format_string(text: &str) -> Option<Spelling> {
    if let Some(spelling) = literal(&unescape_braces(text)) {
        return Some(spelling);
    }
    if is_wildcard_multiaddr(text) {
        return Some(Spelling::Multiaddr);
    }
    let prefix = format_prefix(text)?;
    if prefix.ends_with(':') && is_wildcard_socket_addr(&format!("{prefix}{SOME_PORT}")) {
        Some(Spelling::Prefix)
    } else {
        None
    }
}

/// The text before the first placeholder of a format string (`{{` is a literal brace,
/// which no address contains, so a prefix with one is not an address either).
fn format_prefix(text: &str) -> Option<&str> {
    let at = text.find('{')?;
    if text.get(at..)?.starts_with("{{") {
        return None;
    }
    text.get(..at)
}

/// `{{` and `}}` as the single braces `format!` prints.
fn unescape_braces(text: &str) -> String {
    text.replace("{{", "{").replace("}}", "}")
}

/// A full socket address that the library calls the wildcard.
fn is_wildcard_socket_addr(text: &str) -> bool {
    matches!(Policy::new().parse(text), Err(err) if err.kind() == ErrorKind::Wildcard)
}

/// A bare IP address (optionally in brackets) whose scope is the unspecified address.
fn is_wildcard_host(text: &str) -> bool {
    let host = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(text);
    host.parse::<IpAddr>()
        .is_ok_and(|ip| Scope::of(ip) == Scope::Unspecified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_the_wildcard() {
        for text in [
            "0.0.0.0:8080",
            "[::]:80",
            "[::ffff:0.0.0.0]:443",
            "[0:0:0:0:0:0:0:0]:1",
            "0.0.0.0:0",
        ] {
            assert_eq!(literal(text), Some(Spelling::SocketAddr), "{text}");
        }
        for text in ["0.0.0.0", "::", "[::]", "::ffff:0.0.0.0", "0::0"] {
            assert_eq!(literal(text), Some(Spelling::Host), "{text}");
        }
        assert_eq!(literal("0.0.0.0:"), Some(Spelling::Prefix));
        assert_eq!(literal("[::]:"), Some(Spelling::Prefix));
    }

    #[test]
    fn what_std_refuses_or_is_not_the_wildcard_is_not_reported() {
        for text in [
            ":80",
            "*:80",
            "127.0.0.1:80",
            "[::1]:80",
            "0.0.0.0.0:80",
            "00.0.0.0:80",
            "http://0.0.0.0:80",
            "listening on 0.0.0.0:80",
            " 0.0.0.0:80",
            "0.0.0.0/0",
            "",
            ":",
            "0",
        ] {
            assert_eq!(literal(text), None, "{text}");
        }
    }

    proptest::proptest! {
        /// The scanner's verdict on an address text is the library's scope, for every
        /// address in every form `std` prints.
        #[test]
        fn a_printed_address_is_the_wildcard_exactly_when_its_scope_is_unspecified(
            bits in proptest::prelude::any::<u128>(),
            v4 in proptest::prelude::any::<bool>(),
            zero in proptest::prelude::any::<bool>(),
            port in proptest::prelude::any::<u16>(),
        ) {
            use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
            let bits = if zero { 0 } else { bits };
            let ip: IpAddr = if v4 {
                Ipv4Addr::from(bits as u32).into()
            } else {
                Ipv6Addr::from(bits).into()
            };
            let wildcard = Scope::of(ip) == Scope::Unspecified;
            let addr = SocketAddr::new(ip, port).to_string();
            proptest::prop_assert_eq!(literal(&addr).is_some(), wildcard, "{}", addr);
            proptest::prop_assert_eq!(literal(&ip.to_string()).is_some(), wildcard, "{}", ip);
            let prefix = format!("{}:", &addr[..addr.rfind(':').unwrap_or(0)]);
            proptest::prop_assert_eq!(format_string(&format!("{prefix}{{port}}")).is_some(), wildcard);
        }

        /// Any text: an answer, never a panic.
        #[test]
        fn any_text_gets_an_answer(text in ".{0,64}") {
            let _ = literal(&text);
            let _ = format_string(&text);
        }
    }

    #[test]
    fn format_strings() {
        assert_eq!(format_string("0.0.0.0:{}"), Some(Spelling::Prefix));
        assert_eq!(format_string("[::]:{port}"), Some(Spelling::Prefix));
        assert_eq!(format_string("0.0.0.0:8080"), Some(Spelling::SocketAddr));
        assert_eq!(format_string("{}:{}"), None);
        assert_eq!(format_string("127.0.0.1:{}"), None);
        assert_eq!(format_string("http://0.0.0.0:{}"), None);
        assert_eq!(format_string("0.0.0.0:{{}}"), None);
        assert_eq!(
            format_string("/ip6/::/udp/{port}/quic-v1"),
            Some(Spelling::Multiaddr)
        );
        assert_eq!(format_string("/ip4/127.0.0.1/tcp/{port}"), None);
    }

    #[test]
    fn multiaddrs_and_arguments() {
        assert_eq!(literal("/ip4/0.0.0.0/tcp/0"), Some(Spelling::Multiaddr));
        assert_eq!(literal("/ip4/0.0.0.0"), Some(Spelling::Multiaddr));
        assert_eq!(literal("/ip6/::/udp/9/quic-v1"), Some(Spelling::Multiaddr));
        assert_eq!(literal("/ip4/1.2.3.4/tcp/0"), None);
        assert_eq!(literal("/dns/0.0.0.0/tcp/0"), None);
        assert_eq!(literal("ip4/0.0.0.0/tcp/0"), None);
        assert!(Spelling::Multiaddr.has_port("/ip4/0.0.0.0/tcp/0"));
        assert!(!Spelling::Multiaddr.has_port("/ip4/0.0.0.0"));
        assert_eq!(literal("--v4-addr=0.0.0.0:9900"), Some(Spelling::Argument));
        assert_eq!(literal("-b=::"), Some(Spelling::Argument));
        assert!(Spelling::Argument.has_port("--v4-addr=0.0.0.0:9900"));
        assert!(!Spelling::Argument.has_port("--host=0.0.0.0"));
        assert_eq!(literal("--host=127.0.0.1"), None);
        assert_eq!(literal("host=0.0.0.0"), None);
        assert_eq!(literal("--=0.0.0.0"), None);
        assert_eq!(literal("--a b=0.0.0.0"), None);
        assert!(Spelling::SocketAddr.has_port("0.0.0.0:1"));
        assert!(Spelling::Prefix.has_port("0.0.0.0:"));
        assert!(!Spelling::Host.has_port("0.0.0.0"));
    }
}
