//! Bind addresses as checked, typed values.
//!
//! # Loopback is a place; the wildcard is every place
//!
//! `127.0.0.1` (all of `127.0.0.0/8`) and `::1` are **loopback** addresses: a
//! *destination* that means "this machine". A server bound to `127.0.0.1:8080` can be
//! reached only by programs on the same host: the kernel drops packets for loopback
//! addresses that arrive from a network. (One Linux exception: with the sysctl
//! `net.ipv4.conf.*.route_localnet=1`, which kube-proxy sets on Kubernetes nodes, IPv4
//! loopback is reachable from a neighbour that routes `127.0.0.1` to the host; `::1` has
//! no such switch. `bind_guard::sysctl::route_localnet` (`std` feature) reads it.)
//!
//! Any other address is reachable through **every** interface of the host, not only
//! through the one that holds it: Linux accepts a packet for any of its addresses on
//! any interface (the weak host model). Binding an address chooses which *destination*
//! a socket takes, not which network; only device binding (`SO_BINDTODEVICE`) limits a
//! socket to one interface.
//!
//! `0.0.0.0` and `::` are not destinations at all. As a *bind* address they are the
//! **wildcard**: "listen on every interface". A server bound to `0.0.0.0:8080` is
//! reachable on every address of every network the host is on: the Wi-Fi of a café, the
//! office LAN, a VPN, the public internet. The two look alike in a config file and are
//! swapped all the time; databases, dev servers and admin panels get exposed that way.
//!
//! It hides in other spellings too:
//!
//! | you write | it means |
//! | --- | --- |
//! | `0.0.0.0:8080`, `[::]:8080`, `[::0]:8080`, `[0:0:0:0:0:0:0:0]:8080` | the wildcard |
//! | `[::ffff:0.0.0.0]:8080` | the wildcard, in IPv4-mapped disguise |
//! | `:8080`, an empty host (Go, Python), `*:8080` | the wildcard, in other programs |
//! | `[::]:8080` on Linux | the wildcard for IPv6 **and** IPv4 (dual-stack) unless `IPV6_V6ONLY` is set |
//! | `[::ffff:127.0.0.1]:8080` | loopback |
//! | `localhost:8080` | `127.0.0.1`, `::1` or both, depending on the resolver |
//! | `127.1`, `0x7f000001`, `2130706433` | `127.0.0.1` to C resolvers; refused here |
//!
//! # Compile-time checked literals
//!
//! [`bind_addr!`] checks a literal while compiling and builds the value from its parts
//! (in a `const` or `static` too),
//! so a typo or a wildcard never reaches a binary, and nothing is parsed at run time.
//! The type you write is the rule it checks:
//!
//! ```
//! use bind_guard::{bind_addr, ip_net, BindAddr, LoopbackAddr};
//!
//! const API: BindAddr = bind_addr!("127.0.0.1:8080");
//! const ADMIN: LoopbackAddr = bind_addr!("[::1]:9000");
//! static DB: BindAddr = bind_addr!("10.0.0.5:5432");
//! const PUBLIC: BindAddr = bind_addr!("0.0.0.0:80", allow_wildcard); // greppable opt-in
//! const OFFICE: bind_guard::IpNet = ip_net!("10.20.0.0/16");
//! # let _ = (API, ADMIN, DB, PUBLIC, OFFICE);
//! ```
//!
//! ```compile_fail
//! # use bind_guard::{bind_addr, BindAddr};
//! const API: BindAddr = bind_addr!("0.0.0.0:8080"); // error: this address is the wildcard address: …
//! ```
//!
//! ```compile_fail
//! # use bind_guard::{bind_addr, LoopbackAddr};
//! const ADMIN: LoopbackAddr = bind_addr!("192.168.1.10:9000"); // error: … not a loopback address …
//! ```
//!
//! # Run-time checks
//!
//! Text from a config, a flag or the environment goes through [`FromStr`](core::str::FromStr)
//! (the default rule: anything but the wildcard, multicast and broadcast) or through a
//! [`Policy`]:
//!
//! ```
//! use bind_guard::{BindAddr, Policy};
//!
//! let addr: BindAddr = "127.0.0.1:0".parse()?; // port 0: the system picks a free one
//! #[cfg(feature = "std")] // BindAddr is ToSocketAddrs with the `std` feature
//! let _listener = std::net::TcpListener::bind(addr)?;
//!
//! let err = "0.0.0.0:8080".parse::<BindAddr>().unwrap_err();
//! assert!(err.to_string().contains("wildcard"));
//!
//! // In a container the published port is the boundary: opt in, visibly.
//! let inside_docker = Policy::default().allow_wildcard();
//! assert!(inside_docker.parse("0.0.0.0:8080")?.is_wildcard());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Parsing accepts exactly what `std`'s `SocketAddr` parser accepts and explains every
//! refusal ([`ErrorKind`]): a C shorthand, a missing port, a host name, missing IPv6
//! brackets. It never resolves names; [`Policy::resolve`] does, and refuses a name if
//! any address it resolves to is refused.
//!
//! # Signatures that hold callers to a rule
//!
//! [`BindAddr<P>`] carries its rule in the type: [`LoopbackAddr`] can only hold
//! loopback, [`LocalAddr`] only local networks. A library that opens an admin endpoint
//! takes a `LoopbackAddr`, and no caller can hand it a public address:
//!
//! ```
//! use bind_guard::LoopbackAddr;
//!
//! #[cfg(feature = "std")] // bind_tcp
//! pub fn start_admin(addr: LoopbackAddr) -> std::io::Result<std::net::TcpListener> {
//!     addr.bind_tcp() // binds, then re-checks local_addr()
//! }
//! ```
//!
//! # Interfaces, inherited sockets and the kernel's view
//!
//! Where the address is not known when the config is written, name the interface:
//! `iface:eth0:8080` in any list of bind addresses ([`iface`](mod@iface)); to accept
//! only what arrives through one interface, bind it as a device
//! (`socket2::bind_device`, `SO_BINDTODEVICE`). Sockets a service manager bound (systemd
//! socket activation) are checked before use by `inherited::Activation` (`listenfd`
//! feature). Both, and `bind-guard audit`, judge a socket as the kernel holds it, with
//! its `IPV6_V6ONLY` and bound device: [`facts::SocketFacts::judge`].
//!
//! # Scopes
//!
//! Every address has a [`Scope`] (loopback, link-local, private, shared, unique-local,
//! documentation, benchmarking, multicast, broadcast, reserved, global, or the
//! unspecified wildcard), taken from the IANA special-purpose address registries.
//! IPv4-mapped addresses take the scope of the IPv4 address they carry.
//!
//! # How the compile-time and run-time checks stay one
//!
//! The parser, the diagnosis of malformed text, the scope table and the error sentences
//! live in one `no_std` crate, `bind-guard-core`, which this crate and the procedural
//! macro crate `bind-guard-macros` both depend on. `bind_addr!` parses its literal and
//! finds its scope *while the compiler expands it*, with that same code:
//!
//! - text that is not an address is a compile error at the literal, with the sentence
//!   the run-time [`BindError`] prints ([`ErrorKind::message`]);
//! - an address becomes constructor calls (its bits, port and scope id: nothing is
//!   parsed at run time or by `const` evaluation) and its scope becomes a type, so the
//!   expansion reads `__private::literal::<scope::Private, _>(…)`, whose result
//!   `BindAddr<P>` requires `P: Allows<scope::Private>`.
//!
//! The annotated type (`const`, `static`, `let`, a function argument, a struct field)
//! picks `P` by inference, and the type checker decides the rule: a refused pair is a
//! trait error, which `cargo check`, clippy and rust-analyzer report like `cargo build`,
//! worded by `#[diagnostic::on_unimplemented]` from the same [`ErrorKind`] sentences.
//! Which (rule, scope) pairs are refused is one table in `rule/table.rs`, which also
//! generates the scope sets that `FromStr`, `TryFrom` and [`Policy`] check at run time.
//! `allow_wildcard` gives the wildcard a scope type of its own, which only the default
//! rule ([`BindAddr`]) accepts.
//!
//! # Features
//!
//! `std` is the only default. Each feature (made from the `##` lines of `Cargo.toml`):
//!
#![doc = document_features::document_features!()]
//!
//! [`Policy`] always has a text form (`Display`/`FromStr`, such as
//! `"local,deny=10.99.0.0/16"`), for configs and flags.
//!
//! Without default features the crate is `no_std` (it needs `alloc` for errors and
//! policy lists) and keeps scopes, parsing, rules, policies and the macros.
#![no_std]
#![forbid(unsafe_code)]
// Library code never panics on input: no unwrap, expect, panic or indexing. (Tests may:
// see clippy.toml. The workspace's tests, examples and CLI keep ordinary lints.)
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

// The folders follow the data: text is parsed (`text`), an address gets its IANA scope
// (`scope`), a rule or policy decides (`rule`, `policy`), the decision becomes a typed
// value (`addr`), the value becomes a socket (`bind`). Around them: `listen` loads one
// listen configuration from the places an operator sets it, `host_guard` checks the
// requests that reach the bound sockets, and `integrations` connect the types to other
// crates. This is the order of the data, not an import rule: `policy` returns `addr`'s
// typed values and reads `bind::sysctl` to judge a dual-stack `[::]`, and `addr`'s
// `bind_tcp` and `resolve` live in `bind` beside the other socket code. ARCHITECTURE.md
// at the repository root maps every public path to its file.
mod addr;
#[cfg(feature = "std")]
mod bind;
mod bind_error;
mod escape;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod host_guard;
mod integrations;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod listen;
mod policy;
mod rule;
mod scope;
mod text;
#[cfg(feature = "std")]
mod warn_event;

pub use addr::unix::{ListenAddr, MAX_UNIX_PATH, UnixAddr};
pub use addr::{BindAddr, LocalAddr, LoopbackAddr};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[doc(inline)]
pub use bind::facts;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[doc(inline)]
pub use bind::iface;
#[cfg(feature = "std")]
pub use bind::iface::InterfaceSpec;
#[cfg(all(feature = "listenfd", target_os = "linux"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "listenfd", target_os = "linux"))))]
#[doc(inline)]
pub use bind::inherited;
#[cfg(feature = "if-addrs")]
#[cfg_attr(docsrs, doc(cfg(feature = "if-addrs")))]
#[doc(inline)]
pub use bind::reachable;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use bind::set::BindSet;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[doc(inline)]
pub use bind::sysctl;
#[cfg(all(feature = "unix", unix))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "unix", unix))))]
#[doc(inline)]
pub use bind::unix;
pub use bind_error::{BindError, NetError, Source};
#[doc(inline)]
pub use bind_guard_core::ErrorKind;
pub use escape::Escaped;
#[cfg(feature = "clap")]
#[doc(inline)]
pub use integrations::clap;
#[cfg(feature = "serde")]
#[doc(inline)]
pub use integrations::serde;
#[cfg(feature = "socket2")]
#[doc(inline)]
pub use integrations::socket2;
#[cfg(feature = "tokio")]
#[doc(inline)]
pub use integrations::tokio;
/// An IP network (`10.0.0.0/8`, `fd00::/8`), as [`ip_net!`] builds it and
/// [`Policy::allow_net`] takes it; re-exported from `ipnet` so that a policy needs no
/// direct dependency on it.
pub use ipnet::IpNet;
pub use policy::{Policy, WildcardScopeError};
pub mod policy_text;
pub use policy::text::{ParsePolicyError, PolicyTextErrorKind};
#[doc(inline)]
pub use rule::marker;
#[doc(inline)]
pub use scope::registry;
#[doc(inline)]
pub use scope::{ParseScopeError, Scope};
pub use text::parse_net;

/// Checks a bind-address literal at compile time and builds the value from its parts,
/// in `const` and `static` items too.
///
/// ```
/// use bind_guard::{bind_addr, BindAddr, LocalAddr, LoopbackAddr};
///
/// const API: BindAddr = bind_addr!("127.0.0.1:8080");
/// const ADMIN: LoopbackAddr = bind_addr!("[::1]:9000"); // the annotated type is the rule
/// const LAN: LocalAddr = bind_addr!("192.168.1.10:8080");
/// const ANY: BindAddr = bind_addr!("[::]:8080", allow_wildcard);
///
/// let api: BindAddr = bind_addr!("127.0.0.1:3000"); // also in expressions
/// assert_eq!(api.port(), 3000);
/// # let _ = (API, ADMIN, LAN, ANY);
/// ```
///
/// The argument is a string literal in `std`'s socket-address syntax, optionally
/// followed by `allow_wildcard` (which widens only [`BindAddr`], never [`LoopbackAddr`]
/// or [`LocalAddr`]). The result type comes from the context (a `const` or `static`
/// type, a typed `let`, a parameter, a field), so a `let` needs its type written out.
/// Anything [`FromStr`](core::str::FromStr) for that type refuses is a compile error at
/// the literal with the same explanation, reported by `cargo check` too:
///
/// ```compile_fail
/// # use bind_guard::{bind_addr, LoopbackAddr};
/// fn start_admin(addr: LoopbackAddr) { let _ = addr; }
/// start_admin(bind_addr!("10.0.0.1:9000")); // error: this address is not a loopback address, …
/// ```
///
/// ```compile_fail
/// # use bind_guard::{bind_addr, BindAddr};
/// let group: BindAddr = bind_addr!("224.0.0.1:5000"); // error: … a multicast group address …
/// ```
///
/// The literal is parsed while the macro expands, by the parser of
/// [`FromStr`](core::str::FromStr); the rule is a trait bound the type checker decides
/// (see [How the compile-time and run-time checks stay one](crate#how-the-compile-time-and-run-time-checks-stay-one)).
#[macro_export]
macro_rules! bind_addr {
    ($($args:tt)*) => {
        $crate::__private::bind_addr_impl!($crate; $($args)*)
    };
}

/// Checks an IP network literal (`"10.0.0.0/8"`, `"fd00::/8"`) at compile time and
/// builds an [`IpNet`] in a `const`: for policy allow and deny lists.
///
/// ```
/// use bind_guard::{ip_net, IpNet, Policy};
///
/// const OFFICE: IpNet = ip_net!("10.20.0.0/16");
/// let policy = Policy::loopback().allow_net(OFFICE);
/// assert!(policy.parse("10.20.3.4:80").is_ok());
/// ```
///
/// Host bits after the prefix (`"10.0.0.1/8"`), a prefix length longer than the
/// address, or anything but `ADDRESS/LENGTH` is a compile error at the literal, decided
/// while the macro expands by the parser of [`parse_net`], so `cargo check` reports it.
#[macro_export]
macro_rules! ip_net {
    ($($args:tt)*) => {
        $crate::__private::ip_net_impl!($crate; $($args)*)
    };
}

/// Support for the macros; not a public API.
#[doc(hidden)]
pub mod __private;
