//! The vocabulary of the walk: names of calls, methods, macros and attributes whose
//! shape says where a value goes (into a bind, through a conversion, into a check).

/// Types whose constructors and `From` conversions pass an address through.
pub(super) const ADDRESS_TYPES: &[&str] = &[
    "SocketAddr",
    "SocketAddrV4",
    "SocketAddrV6",
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "SockAddr",
    "BindAddr",
];

/// Path calls that bind their argument (`TcpListener::bind`, `Server::bind`,
/// `axum_server::bind`, `socket2::Socket::bind(&s, …)`).
pub(super) const SINK_FUNCTIONS: &[&str] = &["bind", "try_bind", "bind_with_graceful_shutdown"];

/// Methods that bind their argument: actix `HttpServer::bind*`, tokio `TcpSocket::bind`,
/// socket2 `Socket::bind`, warp `Server::bind*`, tide `Server::listen`, clap's builder
/// `Arg::default_value`.
pub(super) const SINK_METHODS: &[&str] = &[
    "bind",
    "try_bind",
    "bind_ephemeral",
    "try_bind_ephemeral",
    "bind_with_graceful_shutdown",
    "try_bind_with_graceful_shutdown",
    "bind_rustls",
    "bind_rustls_021",
    "bind_rustls_0_22",
    "bind_rustls_0_23",
    "bind_openssl",
    "bind_auto_h2c",
    "listen",
    "default_value",
    "default_missing_value",
];

/// Methods whose result carries their receiver's or argument's value.
pub(super) const PASS_METHODS: &[&str] = &[
    "into",
    "try_into",
    "parse",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "or",
    "or_else",
    "ok",
    "to_string",
    "to_owned",
    "as_str",
    "as_ref",
    "clone",
    "to_socket_addrs",
    "context",
    "with_context",
    "map_err",
    "with",
    "get_or_init",
];

/// Methods that compare their receiver with their argument.
/// String searches are here too: their argument is a pattern, not an address.
pub(super) const COMPARE_METHODS: &[&str] = &[
    "eq",
    "ne",
    "eq_ignore_ascii_case",
    "cmp",
    "partial_cmp",
    "contains",
    "starts_with",
    "ends_with",
    "strip_prefix",
    "strip_suffix",
    "split",
    "rsplit",
    "splitn",
    "rsplitn",
    "split_once",
    "rsplit_once",
    "find",
    "rfind",
    "matches",
    "replace",
];

/// Macros that compare their arguments.
pub(super) const COMPARE_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "matches",
    "assert_matches",
];

/// Macros whose result is built from their arguments (`format!("0.0.0.0:{port}")`).
pub(super) const VALUE_MACROS: &[&str] = &["format", "format_args", "concat", "vec"];

/// Macros whose first argument is a format string (the value ones above, and those
/// that print or log it).
pub(super) const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
];

/// Attributes of clap and structopt derives, whose `default_value` becomes the value.
pub(super) const CLAP_ATTRIBUTES: &[&str] = &["arg", "clap", "structopt"];
pub(super) const CLAP_DEFAULTS: &[&str] = &[
    "default_value",
    "default_value_t",
    "default_values",
    "default_values_t",
    "default_missing_value",
];

/// What a name (of a call, method, type, field, function or item) says about the
/// address that goes into it. The scanner judges by these words, not by a list of
/// known listener APIs: a framework's own `add_tcp`, `listen_on`, `bind_addr` or
/// `DualListenAddr` says what it does in its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The name says listen, bind, serve or a (listening) address.
    Bind,
    /// The name says the address is somebody else's or is data: a peer, a client, a
    /// connection's target, a mock, a multicast interface, a protocol field.
    NotBind,
    /// The name says neither.
    Neutral,
}

/// Words that make a name a bind: `bind`, `listen_on`, `add_tcp`, `serve`,
/// `bind_addr`, `ListenAddr`, `Listeners::tcp`, `proxy_service`, `http_host`.
const BIND_WORDS: &[&str] = &[
    "bind",
    "listen",
    "listens",
    "listener",
    "listeners",
    "listening",
    "serve",
    "server",
    "service",
    "add",
    "addr",
    "addrs",
    "address",
    "addresses",
    "host",
    "interface",
    "interfaces",
    "local",
    "socket",
];

/// Words that make a name a non-bind: the value is where something connects to, a
/// peer's address, test scaffolding, or protocol data. They win over the bind words
/// (`peer_addr`, `ClientAddr`, `connect_addr`, `MockConnectInfo`, `remote_host`).
const NOT_BIND_WORDS: &[&str] = &[
    "connect",
    "connection",
    "dial",
    "peer",
    "peers",
    "remote",
    "client",
    "mock",
    "fake",
    "dummy",
    "stub",
    "target",
    "upstream",
    "upstreams",
    "backend",
    "backends",
    "destination",
    "dest",
    "dst",
    "src",
    "source",
    "send",
    "request",
    "uri",
    "url",
    "agent",
    "collector",
    "endpoint",
    "gateway",
    "route",
    "multicast",
    "ciaddr",
    "yiaddr",
    "siaddr",
    "giaddr",
    "rdata",
    "record",
    "resolve",
    "resolver",
    "nameserver",
    "dns",
    "dhcp",
    "public",
    "advertise",
    "advertised",
    "external",
    "proxy_to",
    "sni",
    "name",
];

/// The words of an identifier: `snake_case`, `camelCase` and `CamelCase` split and
/// lowercased (`DualListenAddr` → dual, listen, addr).
pub(super) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || c == ':' {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What `name` says about an address that goes into it.
pub(super) fn role_of(name: &str) -> Role {
    let words = words(name);
    if words.iter().any(|w| NOT_BIND_WORDS.contains(&w.as_str())) {
        Role::NotBind
    } else if words.iter().any(|w| BIND_WORDS.contains(&w.as_str())) {
        Role::Bind
    } else {
        Role::Neutral
    }
}

/// Methods and macros whose argument is used only to be printed or reported: a log
/// line or an error message is not a bind.
pub(super) const LOG_MACROS: &[&str] = &[
    "print",
    "println",
    "eprint",
    "eprintln",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "bail",
    "anyhow",
    "ensure",
];

/// Attributes whose arguments are test cases (`#[case(…)]` of rstest, `#[test_case(…)]`):
/// values handed to the code under test, walked as expressions.
pub(super) const CASE_ATTRIBUTES: &[&str] = &["case", "test_case", "values"];

/// Wrappers built from a closure or a value that they hand back unchanged.
pub(super) const LAZY_TYPES: &[&str] = &["LazyLock", "LazyCell", "Lazy", "OnceLock", "OnceCell"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_they_do_with_an_address() {
        assert_eq!(words("DualListenAddr"), ["dual", "listen", "addr"]);
        assert_eq!(words("HTTPServer_bind"), ["httpserver", "bind"]);
        for name in [
            "add_tcp",
            "listen_on",
            "bind_addr",
            "Listeners",
            "proxy_service",
            "http_host",
        ] {
            assert_eq!(role_of(name), Role::Bind, "{name}");
        }
        for name in [
            "peer_addr",
            "ClientAddr",
            "MockConnectInfo",
            "connect",
            "BasicPeer",
            "join_multicast_v4",
            "agent_host",
        ] {
            assert_eq!(role_of(name), Role::NotBind, "{name}");
        }
        for name in ["from", "new", "parse", "Some"] {
            assert_eq!(role_of(name), Role::Neutral, "{name}");
        }
    }
}
