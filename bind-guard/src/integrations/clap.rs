//! Command-line flags with clap (`clap` feature).
//!
//! **As argument values.** [`BindAddr`], [`LocalAddr`](crate::LocalAddr),
//! [`LoopbackAddr`](crate::LoopbackAddr), [`Policy`] and [`BindSet`] implement
//! `FromStr` with `std` errors, so `#[arg]` takes them as they are (clap's
//! `value_parser!` picks `FromStr`), and a refusal is a clap error that quotes the
//! value, the reason and the fix. [`checked_by`] checks with an application's own
//! [`Policy`] instead of the type's rule:
//!
//! ```
//! use bind_guard::{LoopbackAddr, BindAddr, Policy};
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     /// Admin endpoint: this machine only.
//!     #[arg(long, default_value = "127.0.0.1:9000")]
//!     admin: LoopbackAddr,
//!     /// Metrics endpoint: any local network, never 10.99.0.0/16.
//!     #[arg(long, value_parser = bind_guard::clap::checked_by(
//!         Policy::local_network().deny_net("10.99.0.0/16".parse().unwrap())))]
//!     metrics: Option<BindAddr>,
//! }
//!
//! let cli = Cli::try_parse_from(["app", "--metrics", "192.168.1.5:9100"])?;
//! assert_eq!(cli.admin.port(), 9000);
//! let err = Cli::try_parse_from(["app", "--admin", "192.168.1.5:9000"]).err().unwrap();
//! assert!(err.to_string().contains("is not a loopback address"));
//! # Ok::<(), clap::Error>(())
//! ```
//!
//! **A ready `--bind`/`--expose` group.** [`ListenArgs`] is the pair of flags most
//! servers need: `--bind ADDR` (repeatable, or comma-separated; `localhost:PORT` means
//! both loopback addresses) and `--expose`, the explicit opt-in without which a wildcard
//! `--bind 0.0.0.0:…` is refused (as Vite refuses to listen beyond localhost without
//! `--host`). Flatten it into a parser and turn it into a [`BindSet`] with
//! [`ListenArgs::bind_set`].

use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use ::clap::builder::{StringValueParser, TypedValueParser};
use ::clap::error::ErrorKind as ClapErrorKind;

use crate::{BindAddr, BindError, BindSet, ErrorKind, Policy};

/// A clap value parser that checks an address with `policy` (instead of the rule of
/// the value's type): `#[arg(value_parser = checked_by(policy))]` on a [`BindAddr`].
/// See the [module docs](self).
pub fn checked_by(policy: Policy) -> impl TypedValueParser<Value = BindAddr> {
    let policy = Arc::new(policy);
    StringValueParser::new().try_map(move |text| policy.parse(&text))
}

/// The `--bind`/`--expose` flags, to `#[command(flatten)]` into a parser.
///
/// ```
/// use bind_guard::clap::ListenArgs;
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     listen: ListenArgs,
/// }
///
/// let cli = Cli::try_parse_from(["app", "--bind", "localhost:3000"])?;
/// assert_eq!(cli.listen.bind_set("127.0.0.1:8080")?.to_string(), "127.0.0.1:3000,[::1]:3000");
///
/// let cli = Cli::try_parse_from(["app"])?; // the application's default
/// assert_eq!(cli.listen.bind_set("127.0.0.1:8080")?.to_string(), "127.0.0.1:8080");
///
/// let cli = Cli::try_parse_from(["app", "--bind", "0.0.0.0:3000"])?;
/// let err = cli.listen.bind_set("127.0.0.1:8080").unwrap_err();
/// assert!(err.to_string().contains("add --expose"));
///
/// let cli = Cli::try_parse_from(["app", "--bind", "0.0.0.0:3000", "--expose"])?;
/// assert!(cli.listen.bind_set("127.0.0.1:8080")?.addrs()[0].is_wildcard());
/// # Ok::<(), clap::Error>(())
/// ```
///
/// The values are checked when [`bind_set`](ListenArgs::bind_set) is called, not while
/// clap parses, because whether `0.0.0.0` is allowed depends on `--expose`, which may
/// come later on the command line. Its errors are clap errors (`ValueValidation`), so
/// `err.exit()` prints them like clap's own; `err.format(&mut Cli::command())` adds the
/// usage line.
#[derive(::clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenArgs {
    /// The `--bind` values, as given: each is an address, or `localhost:PORT` for both
    /// loopback addresses; checked by [`bind_set`](ListenArgs::bind_set).
    #[arg(
        long = "bind",
        value_name = "ADDR",
        value_delimiter = ',',
        help = "Address to listen on: IP:PORT, [IPV6]:PORT, or localhost:PORT for both \
                loopback addresses. Repeat the flag, or separate addresses with commas, to \
                listen on several. The wildcard (0.0.0.0, [::]) is refused unless --expose \
                is given"
    )]
    pub bind: Vec<String>,
    /// Whether `--expose` was given: the opt-in that lets a wildcard `--bind` through.
    /// It adds exactly the wildcard ([`Policy::allow_wildcard`]) to the application's
    /// policy and nothing else: under [`bind_set_with`](ListenArgs::bind_set_with) and
    /// [`Policy::loopback_only`], `--expose` accepts `0.0.0.0` and still refuses
    /// `10.0.0.1`. (At compile time the types say the same: `bind_addr!` refuses
    /// `allow_wildcard` into a `LoopbackAddr`.)
    #[arg(
        long,
        help = "Allow a wildcard --bind address (0.0.0.0 or [::]): listen on every \
                interface, reachable from every network this host is on. It allows the \
                wildcard and nothing else"
    )]
    pub expose: bool,
}

impl ListenArgs {
    /// The addresses to listen on, checked with the default policy (plus the wildcard
    /// with `--expose`); `default` (same syntax) when no `--bind` was given.
    ///
    /// # Errors
    ///
    /// A clap `ValueValidation` error naming the refused value and the fix.
    pub fn bind_set(&self, default: &str) -> Result<BindSet, ::clap::Error> {
        self.bind_set_with(&Policy::default(), default)
    }

    /// Like [`bind_set`](ListenArgs::bind_set), with the application's policy;
    /// `--expose` adds [`Policy::allow_wildcard`] to it.
    ///
    /// # Errors
    ///
    /// As [`bind_set`](ListenArgs::bind_set).
    pub fn bind_set_with(&self, policy: &Policy, default: &str) -> Result<BindSet, ::clap::Error> {
        let policy = if self.expose {
            policy.clone().allow_wildcard()
        } else {
            policy.clone()
        };
        let result = if self.bind.is_empty() {
            BindSet::parse(&policy, default)
        } else {
            BindSet::parse_items(&policy, self.bind.iter().map(String::as_str))
        };
        result.map_err(|err| self.clap_error(&err, !self.bind.is_empty()))
    }

    fn clap_error(&self, err: &BindError, from_flag: bool) -> ::clap::Error {
        let what = if from_flag {
            "for '--bind <ADDR>'"
        } else {
            "for the default listen address"
        };
        // The wildcard's generic hint names library calls; a user of the command needs
        // the flag instead.
        let advice = match err.kind() {
            ErrorKind::Wildcard if !self.expose => std::format!(
                "this address {}\n\n  tip: to listen on this machine only, use 127.0.0.1 or \
                 [::1]; to listen on every interface on purpose, add --expose",
                err.kind().problem()
            ),
            // Names are not resolved here (localhost is, to both loopback addresses).
            ErrorKind::Hostname => String::from(
                "this address is a host name; write an IP address such as 127.0.0.1:8080, \
                 or localhost:PORT for both loopback addresses",
            ),
            kind => String::from(kind.message()),
        };
        ::clap::Error::raw(
            ClapErrorKind::ValueValidation,
            // The value is the user's text: through the one escaping rule, like every
            // message of this crate, so it cannot rewrite the terminal it is printed on.
            std::format!(
                "invalid value '{}' {what}: {advice}",
                crate::Escaped::new(err.input())
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn listen(bind: &[&str], expose: bool) -> ListenArgs {
        ListenArgs {
            bind: bind.iter().map(ToString::to_string).collect(),
            expose,
        }
    }

    #[test]
    fn a_hostile_bind_value_is_escaped_in_the_error() {
        let hostile = "0.0.0.0:80\x1b[2K\r\x1b[1A\u{202e}";
        let err = listen(&[hostile], false)
            .bind_set("127.0.0.1:1")
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.chars().any(crate::Escaped::needs_escape), "{text:?}");
        assert!(
            text.contains(&std::format!("'{}'", crate::Escaped::new(hostile))),
            "{text}"
        );
    }
}
