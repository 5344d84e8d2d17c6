//! The text form of a [`Policy`](crate::Policy), for configs, flags, the environment
//! and the `bind-guard` CLI's `--policy`: one vocabulary everywhere.
//!
//! A policy text is a base, then options, separated by commas. `Policy` reads it with
//! `FromStr` and writes it with `Display` (the two round-trip), and serde reads and
//! writes it as a string.
//!
//! ```text
//! policy = base | [base ","] option ("," option)*
//! base   = "default" | "loopback" | "local" | "nothing"
//! option = "allow_wildcard" | "allow_abstract" | "deny_port_zero" | "allow_port_zero"
//!        | "allow_scope=" SCOPE | "deny_scope=" SCOPE
//!        | "allow=" CIDR | "deny=" CIDR
//! ```
//!
//! The base is one of the four constructors ([`Policy::new`](crate::Policy::new), [`Policy::loopback`](crate::Policy::loopback),
//! [`Policy::local`](crate::Policy::local), [`Policy::nothing`](crate::Policy::nothing)); left out, it is `default`. Each
//! option is the builder method of the same name, applied left to right (`allow=` is
//! [`allow_net`](crate::Policy::allow_net), `deny=` is [`deny_net`](crate::Policy::deny_net)). `SCOPE`
//! is a [`Scope`](crate::Scope) name (`private`, `global`, …); `CIDR` is a network as `ip_net!` reads
//! it, with no host bits (`10.0.0.0/8`, `fd00::/8`). ASCII white space around items and
//! around `=` is ignored; any other character outside ASCII (a no-break space U+00A0, an
//! ideographic space U+3000, NEL U+0085, a line separator U+2028) is an error, so what an
//! operator sees is what the policy says. `allow_scope=unspecified` is an error too: the
//! wildcard has one opt-in, `allow_wildcard`. A `deny=` entry wins over everything, the
//! wildcard opt-in included, and an IPv4 network and its IPv4-mapped spelling
//! (`127.0.0.0/8`, `::ffff:127.0.0.0/104`) mean the same addresses.
//! Anything else is a [`ParsePolicyError`](crate::ParsePolicyError) naming the item.
//!
//! ```
//! use bind_guard::{ErrorKind, Policy};
//!
//! let policy: Policy = "local, deny=10.99.0.0/16, allow=203.0.113.0/24, deny_port_zero".parse()?;
//! assert_eq!(
//!     policy,
//!     Policy::local()
//!         .deny_net("10.99.0.0/16".parse()?)
//!         .allow_net("203.0.113.0/24".parse()?)
//!         .deny_port_zero()
//! );
//! assert_eq!(policy.parse("10.99.1.1:80").unwrap_err().kind(), ErrorKind::DeniedNetwork);
//!
//! let container: Policy = "allow_wildcard".parse()?; // the base defaults to `default`
//! assert_eq!(container, Policy::default().allow_wildcard());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! An item that is not in the grammar is a [`ParsePolicyError`](crate::ParsePolicyError)
//! naming the item and what the grammar expected there.
