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
];

/// Methods that compare their receiver with their argument.
/// String searches are here too: their argument is a pattern, not an address.
pub(super) const COMPARE_METHODS: &[&str] = &[
    "eq",
    "ne",
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
