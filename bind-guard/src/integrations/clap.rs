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
//!         Policy::local().deny_net("10.99.0.0/16".parse().unwrap())))]
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
//! `--bind 0.0.0.0:…` is refused; `--expose` alone means the wildcard on the usual port
//! (as Vite's `--host` does). Flatten it into a parser and give it to
//! [`Listen::args`](crate::listen::Listen::args), which also reads the environment and a
//! config file, or turn it into a [`BindSet`] with [`ListenArgs::bind_set`].
//!
//! **`--help` that names every source.** [`Listen::parse_args`] parses the command
//! line like `Cli::parse()` and writes into `--help` what the application configured:
//! the variables (`APP_BIND`, `APP_EXPOSE`, `HOST`/`PORT`, and with
//! [`Listen::host_guard`] `BIND_GUARD_ALLOWED_HOSTS` and `BIND_GUARD_ALLOWED_ORIGINS`),
//! the config key and the default:
//!
//! ```
//! use bind_guard::{bind_addr, clap::ListenArgs, listen::Listen};
//! use clap::CommandFactory;
//!
//! let listen = Listen::new(bind_addr!("127.0.0.1:8080")).env_prefix("APP").config_key("server");
//! let help = listen.annotate(ListenArgs::command()).render_help().to_string();
//! assert!(help.contains("APP_BIND, then server.listen in the config file, then the default, 127.0.0.1:8080"));
//! assert!(help.contains("APP_EXPOSE"));
//! ```

use std::string::{String, ToString};
use std::sync::Arc;
use std::vec::Vec;

use ::clap::builder::{StringValueParser, TypedValueParser};
use ::clap::error::ErrorKind as ClapErrorKind;
use ::clap::parser::ValueSource;
use ::clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};

use crate::listen::Listen;
use crate::{BindAddr, BindSet, Policy};

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
/// use bind_guard::{bind_addr, clap::ListenArgs, BindSet};
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     listen: ListenArgs,
/// }
///
/// let default = BindSet::localhost(8080);
/// let cli = Cli::try_parse_from(["app", "--bind", "localhost:3000"])?;
/// assert!(cli.listen.bind_given());
/// assert_eq!(cli.listen.bind_set(default.clone())?.to_string(), "127.0.0.1:3000,[::1]:3000");
///
/// let cli = Cli::try_parse_from(["app"])?; // the application's default
/// assert_eq!(cli.listen.bind_set(default.clone())?.to_string(), "127.0.0.1:8080,[::1]:8080");
///
/// let cli = Cli::try_parse_from(["app", "--bind", "0.0.0.0:3000"])?;
/// let err = cli.listen.bind_set(default.clone()).unwrap_err();
/// assert!(err.to_string().contains("add --expose"));
///
/// let cli = Cli::try_parse_from(["app", "--bind", "0.0.0.0:3000", "--expose"])?;
/// assert!(cli.listen.bind_set(default.clone())?.addrs()[0].is_wildcard());
///
/// let cli = Cli::try_parse_from(["app", "--expose"])?; // every interface, the default's port
/// assert!(cli.listen.bind_set(default)?.iter().all(|a| a.is_wildcard() && a.port() == 8080));
/// # Ok::<(), clap::Error>(())
/// ```
///
/// With clap's `env`, `--bind` falls back to a variable:
/// `#[command(mut_arg("bind", |arg| arg.env("APP_BIND")))]` on the parser. Then
/// [`bind_given`](ListenArgs::bind_given) is `false` for a value from the variable, and
/// errors name the variable.
///
/// The values are checked when [`bind_set`](ListenArgs::bind_set) is called, not while
/// clap parses, because whether `0.0.0.0` is allowed depends on `--expose`, which may
/// come later on the command line. Its errors are clap errors (`ValueValidation`), so
/// `err.exit()` prints them like clap's own. Only the two flags are added to the
/// parser: no about text, so an application's `--help` stays its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenArgs {
    /// The `--bind` values, as given: each an address or a comma-separated list, where
    /// `localhost:PORT` stands for both loopback addresses.
    pub bind: Vec<String>,
    /// Whether `--expose` was given: the opt-in that lets a wildcard `--bind` through.
    /// It adds exactly the wildcard ([`Policy::allow_wildcard`]) to the application's
    /// policy and nothing else: under [`bind_set_with`](ListenArgs::bind_set_with) and
    /// [`Policy::loopback`], `--expose` accepts `0.0.0.0` and still refuses
    /// `10.0.0.1`.
    pub expose: bool,
    bind_from: Option<ValueSource>,
}

const BIND: &str = "bind";
const EXPOSE: &str = "expose";
const BIND_HELP: &str = "Address to listen on: IP:PORT, [IPV6]:PORT, or localhost:PORT for both \
    loopback addresses. Repeat the flag, or separate addresses with commas, to listen on \
    several. The wildcard (0.0.0.0, [::]) is refused unless --expose is given";
const EXPOSE_HELP: &str = "Listen on every interface, reachable from every network this host is \
    on: allows a wildcard --bind (0.0.0.0, [::]), or when no source names an address, the \
    wildcard on the usual port. It allows the wildcard and nothing else";

impl ::clap::Args for ListenArgs {
    fn augment_args(cmd: ::clap::Command) -> ::clap::Command {
        cmd.arg(
            Arg::new(BIND)
                .long(BIND)
                .value_name("ADDR")
                .action(ArgAction::Append)
                .help(BIND_HELP),
        )
        .arg(
            Arg::new(EXPOSE)
                .long(EXPOSE)
                .action(ArgAction::SetTrue)
                .help(EXPOSE_HELP),
        )
    }

    fn augment_args_for_update(cmd: ::clap::Command) -> ::clap::Command {
        Self::augment_args(cmd)
    }
}

impl ::clap::FromArgMatches for ListenArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, ::clap::Error> {
        let mut args = ListenArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), ::clap::Error> {
        let internal = |err: ::clap::parser::MatchesError| {
            ::clap::Error::raw(ClapErrorKind::ArgumentConflict, err.to_string())
        };
        if let Some(values) = matches.try_get_many::<String>(BIND).map_err(internal)? {
            self.bind = values.cloned().collect();
            self.bind_from = matches.value_source(BIND);
        }
        if let Some(expose) = matches.try_get_one::<bool>(EXPOSE).map_err(internal)? {
            self.expose = *expose;
        }
        Ok(())
    }
}

/// `ListenArgs` alone is a parser too (`ListenArgs::parse()`, or
/// [`Listen::parse_args`]), for a service whose only flags are `--bind` and `--expose`.
impl CommandFactory for ListenArgs {
    fn command() -> Command {
        <Self as ::clap::Args>::augment_args(Command::new("service"))
    }

    fn command_for_update() -> Command {
        Self::command()
    }
}

impl ::clap::Parser for ListenArgs {}

impl Listen {
    /// Reads `--bind` and `--expose` from the process's arguments, for a service whose
    /// only flags they are: [`parse_args`](Listen::parse_args) into [`ListenArgs`],
    /// then [`args`](Listen::args). Call it last, so that `--help` names every source
    /// configured before it. On a mistake or `--help`, prints and exits, as clap does.
    #[must_use]
    pub fn command_line(self) -> Self {
        let args: ListenArgs = self.parse_args();
        self.args(&args)
    }

    /// Parses the process's arguments into `C` (a `#[derive(Parser)]` type that
    /// flattens [`ListenArgs`], or `ListenArgs` itself), like `C::parse()`, with
    /// `--help` naming what this loader reads (see [`annotate`](Listen::annotate)).
    /// On an error or `--help`, prints and exits, as clap does.
    #[must_use]
    pub fn parse_args<C: CommandFactory + FromArgMatches>(&self) -> C {
        let mut cmd = self.annotate(C::command());
        let mut matches = cmd.clone().get_matches();
        C::from_arg_matches_mut(&mut matches).unwrap_or_else(|err| err.format(&mut cmd).exit())
    }

    /// `cmd` with the help of `--bind` and `--expose` naming the sources after the
    /// flag and the default, and an "Environment" section after the help naming the
    /// variables an operator may set (appended to the application's own text). A
    /// command without the two flags gets only the section.
    #[must_use]
    pub fn annotate(&self, mut cmd: Command) -> Command {
        let help = self.help();
        let has = |cmd: &Command, id: &str| cmd.get_arguments().any(|arg| arg.get_id() == id);
        if has(&cmd, BIND) {
            let text = std::format!("{BIND_HELP}. Without --bind: {}", help.bind_fallbacks());
            cmd = cmd.mut_arg(BIND, |arg| arg.help(text));
        }
        let vars = help.variables();
        if has(&cmd, EXPOSE) {
            let mut text = String::from(EXPOSE_HELP);
            if let Some(expose) = help.expose_var() {
                text.push_str(&std::format!(
                    ". {expose}=1 does the same for the environment"
                ));
            }
            cmd = cmd.mut_arg(EXPOSE, |arg| arg.help(text));
        }
        let mut section = String::new();
        if !vars.is_empty() {
            section.push_str("Environment:");
            let width = vars.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
            for (name, what) in &vars {
                section.push_str(&std::format!("\n  {name:width$}  {what}"));
            }
        }
        if let Some(keys) = help.config_keys() {
            if !section.is_empty() {
                section.push_str("\n\n");
            }
            section.push_str(&std::format!("Config file:\n  {keys}"));
        }
        if section.is_empty() {
            return cmd;
        }
        let text = match cmd.get_after_help() {
            Some(own) => std::format!("{own}\n\n{section}"),
            None => section,
        };
        cmd.after_help(text)
    }
}

impl ListenArgs {
    /// Whether `--bind` was given on the command line (not taken from its environment
    /// variable through clap's `env`, nor absent).
    #[must_use]
    pub fn bind_given(&self) -> bool {
        !self.bind.is_empty() && self.bind_from != Some(ValueSource::EnvVariable)
    }

    /// Whether the `--bind` values came from its environment variable (clap's `env`).
    #[must_use]
    pub fn bind_from_env(&self) -> bool {
        !self.bind.is_empty() && self.bind_from == Some(ValueSource::EnvVariable)
    }

    /// The addresses to listen on, checked with the default policy (plus the wildcard
    /// with `--expose`); `default` when no `--bind` was given, or its port on every
    /// interface with `--expose` alone. [`Listen`](crate::listen::Listen) adds the
    /// environment and a config file.
    ///
    /// # Errors
    ///
    /// A clap `ValueValidation` error naming the refused value and the fix.
    pub fn bind_set(&self, default: impl Into<BindSet>) -> Result<BindSet, ::clap::Error> {
        self.bind_set_with(&Policy::default(), default)
    }

    /// Like [`bind_set`](ListenArgs::bind_set), with the application's policy;
    /// `--expose` adds [`Policy::allow_wildcard`] to it.
    ///
    /// # Errors
    ///
    /// As [`bind_set`](ListenArgs::bind_set).
    pub fn bind_set_with(
        &self,
        policy: &Policy,
        default: impl Into<BindSet>,
    ) -> Result<BindSet, ::clap::Error> {
        Listen::new(default)
            .policy(policy.clone())
            .args(self)
            .load_from(|_| None)
            .map_err(|err| ::clap::Error::raw(ClapErrorKind::ValueValidation, err.to_string()))
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
            bind_from: None,
        }
    }

    #[test]
    fn a_hostile_bind_value_is_escaped_in_the_error() {
        let hostile = "0.0.0.0:80\x1b[2K\r\x1b[1A\u{202e}";
        let err = listen(&[hostile], false)
            .bind_set(crate::BindAddr::loopback(1))
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.chars().any(crate::Escaped::needs_escape), "{text:?}");
        assert!(
            text.contains(&std::format!("\"{}\"", crate::Escaped::new(hostile))),
            "{text}"
        );
    }
}
