//! One listen configuration from a flag, the environment, a config file and a default
//! (`std` feature; flags with `clap`, the config section with `serde`).
//!
//! A service usually takes its listen address from several places: `--bind` on the
//! command line, `APP_BIND` in a container, `listen = [...]` in a config file, and a
//! default in the code. [`Listen`] reads them all, in that order of precedence, checks
//! the winner with one [`Policy`], and says what is wrong in the words of whoever set
//! it:
//!
//! | source | set by | wildcard opt-in (for that source's value only) | errors start with |
//! | --- | --- | --- | --- |
//! | `--bind ADDR` ([`ListenArgs`](crate::clap::ListenArgs)) | [`args`](Listen::args) | `--expose` | `--bind:` |
//! | `APP_BIND` | [`env_prefix("APP")`](Listen::env_prefix) | `APP_EXPOSE=1` | `APP_BIND:` |
//! | `HOST` and `PORT` (hosting platforms) | [`platform_env`](Listen::platform_env) | `APP_EXPOSE=1` | `HOST and PORT:` / `PORT:` |
//! | `listen = [...]` ([`ListenSection`](crate::serde::ListenSection)) | [`config`](Listen::config) | `policy = "…,allow_wildcard"` beside it | `server.listen in app.toml:` |
//! | the default, a typed value | [`Listen::new`] | `bind_addr!("…", allow_wildcard)` | `the default:` |
//!
//! Every source goes through [`BindSet::parse`], so white space, empty values and
//! stray commas are treated (and explained) alike. An opt-in given without an address
//! (`--expose` alone, `APP_EXPOSE=1` alone) means what Vite's `--host` means: the
//! wildcard on the port that would be used otherwise, for IPv4 and IPv6 (one `[::]`
//! socket where the system's `[::]` sockets take IPv4 too, see
//! [`sysctl::ipv6_v6only_default`](crate::sysctl::ipv6_v6only_default); `0.0.0.0` and `[::]` otherwise).
//! Whichever source wins, a wildcard result is logged once (features `log`,
//! `tracing`) with the addresses it is reachable on
//! ([`wildcard_warning`](crate::env::wildcard_warning)).
//!
//! ```
//! use bind_guard::{bind_addr, listen::Listen, Policy};
//!
//! let listen = Listen::new(bind_addr!("127.0.0.1:8080")).env_prefix("APP");
//! let env = |vars: &'static [(&'static str, &'static str)]| {
//!     move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
//! };
//! assert_eq!(listen.load_from(env(&[]))?.to_string(), "127.0.0.1:8080");
//! assert_eq!(listen.load_from(env(&[("APP_BIND", "localhost:9000")]))?.to_string(), "127.0.0.1:9000,[::1]:9000");
//!
//! let err = listen.load_from(env(&[("APP_BIND", "0.0.0.0:9000")])).unwrap_err();
//! assert!(err.to_string().starts_with("APP_BIND: bind address \"0.0.0.0:9000\" is the wildcard"));
//! assert!(err.to_string().ends_with("to listen on every interface on purpose, set APP_EXPOSE=1"));
//!
//! let exposed = listen.load_from(env(&[("APP_EXPOSE", "1")]))?; // the wildcard on port 8080
//! assert!(exposed.iter().all(|addr| addr.is_wildcard() && addr.port() == 8080));
//! # Ok::<(), bind_guard::listen::ListenError>(())
//! ```

use std::ffi::OsString;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::string::{String, ToString};
use std::vec::Vec;

use crate::{BindAddr, BindError, BindSet, Escaped, Policy, Source};

/// The longest piece of a value an error quotes.
const MAX_QUOTED: usize = 96;

/// Where a service listens: a typed default, then (each optional, later ones weaker)
/// `--bind`, environment variables, the `HOST`/`PORT` of hosting platforms and a config
/// section, checked with one [`Policy`]. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    default: BindSet,
    policy: Policy,
    flags: Option<Flags>,
    env_prefix: Option<String>,
    platform: bool,
    config: Option<Config>,
}

/// What the command line said (from `ListenArgs`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flags {
    bind: Vec<String>,
    expose: bool,
    /// `--bind` came from its environment variable through clap's `env`.
    bind_from_env: bool,
}

/// A config section, already read and checked against its own policy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Config {
    listen: Option<BindSet>,
    policy: Option<Policy>,
    label: String,
}

/// The source that decided, for the result and its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Flag,
    Env,
    Platform,
    Config,
    Default,
}

impl Listen {
    /// Listens on `default` unless a source says otherwise, under the default policy
    /// (everything but the wildcard). The default is a value, not text: write it with
    /// [`bind_addr!`](crate::bind_addr) (or [`BindSet::localhost`]), so a typo in it is a
    /// compile error.
    #[must_use]
    pub fn new(default: impl Into<BindSet>) -> Self {
        Listen {
            default: default.into(),
            policy: Policy::new(),
            flags: None,
            env_prefix: None,
            platform: false,
            config: None,
        }
    }

    /// Checks every source with `policy` instead of the default one. Each source's
    /// wildcard opt-in adds [`Policy::allow_wildcard`] to it, for that source's value.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Reads `--bind` and `--expose` (highest precedence).
    #[cfg(feature = "clap")]
    #[cfg_attr(docsrs, doc(cfg(feature = "clap")))]
    #[must_use]
    pub fn args(mut self, args: &crate::clap::ListenArgs) -> Self {
        self.flags = Some(Flags {
            bind: args.bind.clone(),
            expose: args.expose,
            bind_from_env: args.bind_from_env(),
        });
        self
    }

    /// Reads `PREFIX_BIND` (an address or a comma-separated list) and `PREFIX_EXPOSE`
    /// (`1`, `true`, `yes`, `on` opt in to the wildcard; `0`, `false`, `no`, `off` or
    /// empty do not), after the flags.
    #[must_use]
    pub fn env_prefix(mut self, prefix: &str) -> Self {
        self.env_prefix = Some(prefix.into());
        self
    }

    /// Reads the convention of hosting platforms, after `PREFIX_BIND`: `PORT` alone
    /// moves the default addresses to that port; `HOST` and `PORT` together are the
    /// address (`HOST` alone is ignored: shells set it to the machine's name). A
    /// wildcard `HOST` needs `PREFIX_EXPOSE=1` like `PREFIX_BIND` does.
    #[must_use]
    pub fn platform_env(mut self) -> Self {
        self.platform = true;
        self
    }

    /// Reads a config section (after the environment): its `listen` addresses, if set,
    /// checked with this policy and its own; a section policy that allows the wildcard
    /// is the config's opt-in. `label` names it in errors, such as
    /// `"server.listen in app.toml"`.
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[must_use]
    pub fn config(mut self, section: Option<&crate::serde::ListenSection>, label: &str) -> Self {
        self.config = section.map(|section| Config {
            listen: section.listen().cloned(),
            policy: section.policy().cloned(),
            label: label.into(),
        });
        self
    }

    /// Reads the process environment; see [`load_from`](Listen::load_from).
    ///
    /// # Errors
    ///
    /// As [`load_from`](Listen::load_from).
    pub fn load(&self) -> Result<BindSet, ListenError> {
        self.load_from(|name| std::env::var_os(name))
    }

    /// Picks the source that decides, checks its value, and logs one warning if the
    /// result includes the wildcard. `lookup` reads an environment variable (`None` when
    /// unset).
    ///
    /// # Errors
    ///
    /// The winning source's value refused (the error names the source and its fix), an
    /// opt-in variable that is not a switch, `PORT` not a port, or a variable that is
    /// not UTF-8.
    pub fn load_from(
        &self,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<BindSet, ListenError> {
        let env = Env { lookup: &lookup };
        let set = self.pick(Level::Flag, &env)?;
        if let Some(text) = crate::env::wildcard_warning(&set) {
            crate::env::emit_warning(&text);
        }
        Ok(set)
    }

    fn var(&self, suffix: &str) -> Option<String> {
        self.env_prefix
            .as_ref()
            .map(|prefix| std::format!("{prefix}_{suffix}"))
    }

    /// The set chosen at `level` or, when that source is silent, below it.
    fn pick(&self, level: Level, env: &Env<'_>) -> Result<BindSet, ListenError> {
        match level {
            Level::Flag => self.read_flags(env),
            Level::Env => self.read_env(env),
            Level::Platform => self.read_platform(env),
            Level::Config => self.read_config(env),
            Level::Default => self.check(
                self.default.iter().map(|addr| Item::Addr(*addr)),
                &self.policy,
                Source::default_value(),
            ),
        }
    }

    fn read_flags(&self, env: &Env<'_>) -> Result<BindSet, ListenError> {
        let Some(flags) = &self.flags else {
            return self.pick(Level::Env, env);
        };
        if flags.bind.is_empty() {
            return if flags.expose {
                self.exposed(self.pick(Level::Env, env)?)
            } else {
                self.pick(Level::Env, env)
            };
        }
        let source = match (flags.bind_from_env, self.var("BIND")) {
            (true, Some(var)) => Source::env(&var),
            (true, None) => Source::new("--bind (from its environment variable)"),
            (false, _) => Source::flag("--bind"),
        };
        let source = if flags.expose {
            source
        } else {
            source.with_wildcard_opt_in("add --expose")
        };
        let policy = opted_in(&self.policy, flags.expose);
        self.check(flags.bind.iter().map(|s| Item::List(s)), &policy, source)
    }

    fn read_env(&self, env: &Env<'_>) -> Result<BindSet, ListenError> {
        let (Some(bind_var), Some(expose_var)) = (self.var("BIND"), self.var("EXPOSE")) else {
            return self.pick(Level::Platform, env);
        };
        let expose = match env.read(&expose_var)? {
            Some(value) => switch(&value).ok_or_else(|| ListenError::Switch {
                var: expose_var.clone(),
                value: quoted(&value),
            })?,
            None => false,
        };
        match env.read(&bind_var)? {
            Some(value) => {
                let mut source = Source::env(&bind_var);
                if !expose {
                    source = source.with_wildcard_opt_in(&std::format!("set {expose_var}=1"));
                }
                let policy = opted_in(&self.policy, expose);
                self.check([Item::List(&value)], &policy, source)
            }
            None if expose => self.exposed(self.pick(Level::Platform, env)?),
            None => self.pick(Level::Platform, env),
        }
    }

    fn read_platform(&self, env: &Env<'_>) -> Result<BindSet, ListenError> {
        if !self.platform {
            return self.pick(Level::Config, env);
        }
        let Some(port_text) = env.read("PORT")? else {
            return self.pick(Level::Config, env);
        };
        let port = port_text
            .trim()
            .parse::<u16>()
            .map_err(|_| ListenError::Port {
                var: "PORT".into(),
                value: quoted(&port_text),
            })?;
        let expose_var = self.var("EXPOSE");
        let expose = match &expose_var {
            Some(var) => env
                .read(var)?
                .is_some_and(|value| switch(&value).unwrap_or(false)),
            None => false,
        };
        let with_opt_in = |source: Source| match (&expose_var, expose) {
            (Some(var), false) => source.with_wildcard_opt_in(&std::format!("set {var}=1")),
            _ => source,
        };
        let policy = opted_in(&self.policy, expose);
        match env.read("HOST")? {
            Some(host) => {
                let host = host.trim();
                let text = if host.contains(':') && !host.starts_with('[') {
                    std::format!("[{host}]:{port}")
                } else {
                    std::format!("{host}:{port}")
                };
                let source = with_opt_in(Source::new("HOST and PORT"));
                self.check([Item::List(&text)], &policy, source)
            }
            None => {
                let moved = self
                    .default
                    .iter()
                    .map(|addr| Item::Addr(with_port(addr, port)));
                self.check(moved, &policy, with_opt_in(Source::env("PORT")))
            }
        }
    }

    fn read_config(&self, env: &Env<'_>) -> Result<BindSet, ListenError> {
        let Some(config) = &self.config else {
            return self.pick(Level::Default, env);
        };
        let Some(listen) = &config.listen else {
            return self.pick(Level::Default, env);
        };
        let own = config.policy.clone().unwrap_or_else(|| self.policy.clone());
        let expose = own.allows_wildcard();
        let mut source = Source::new(&config.label);
        if !expose {
            source = source.with_wildcard_opt_in(&std::format!(
                "set policy = \"{},allow_wildcard\" beside it",
                own
            ));
        }
        let policy = opted_in(&self.policy, expose);
        // The section's own policy was applied when it was read; this applies the
        // application's, so a config can opt in to the wildcard but widen nothing else.
        self.check(listen.iter().map(|addr| Item::Addr(*addr)), &policy, source)
    }

    /// The wildcard on the ports of `below`: what an opt-in alone means.
    fn exposed(&self, below: BindSet) -> Result<BindSet, ListenError> {
        let mut ports: Vec<u16> = Vec::new();
        for addr in &below {
            if !ports.contains(&addr.port()) {
                ports.push(addr.port());
            }
        }
        // One [::] socket takes IPv4 too where IPV6_V6ONLY is off by default (Linux's
        // usual setting); elsewhere, or when unknown, 0.0.0.0 and [::] each.
        let dual_stack = crate::sysctl::ipv6_v6only_default() == Some(false);
        let mut addrs: Vec<Item<'_>> = Vec::new();
        for port in ports {
            if !dual_stack {
                addrs.push(Item::Addr(unchecked(SocketAddr::from((
                    Ipv4Addr::UNSPECIFIED,
                    port,
                )))));
            }
            addrs.push(Item::Addr(unchecked(SocketAddr::from((
                Ipv6Addr::UNSPECIFIED,
                port,
            )))));
        }
        self.check(
            addrs,
            &self.policy.clone().allow_wildcard(),
            Source::new("--expose"),
        )
    }

    /// Checks the items of one source with `policy`; errors are said to `source`.
    fn check<'a>(
        &self,
        items: impl IntoIterator<Item = Item<'a>>,
        policy: &Policy,
        source: Source,
    ) -> Result<BindSet, ListenError> {
        let mut addrs: Vec<BindAddr> = Vec::new();
        for item in items {
            let checked = match item {
                Item::List(text) => BindSet::parse(policy, text).map(BindSet::into_iter),
                Item::Addr(addr) => policy
                    .check(*addr.as_socket_addr())
                    .map(|addr| BindSet::from(addr).into_iter()),
            };
            let checked =
                checked.map_err(|err| ListenError::Address(err.with_source(source.clone())))?;
            addrs.extend(checked);
        }
        BindSet::from_addrs(addrs).ok_or_else(|| {
            ListenError::Address(BindError::new("", crate::ErrorKind::Empty).with_source(source))
        })
    }
}

/// One value of a source: text (a list) or an address that is already a value.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    List(&'a str),
    Addr(BindAddr),
}

/// An address built here only to be checked by [`Listen::check`] right after.
fn unchecked(addr: SocketAddr) -> BindAddr {
    BindAddr::trusted(addr)
}

fn with_port(addr: &BindAddr, port: u16) -> BindAddr {
    let mut socket = *addr.as_socket_addr();
    socket.set_port(port);
    unchecked(socket)
}

fn opted_in(policy: &Policy, expose: bool) -> Policy {
    if expose {
        policy.clone().allow_wildcard()
    } else {
        policy.clone()
    }
}

/// The environment, read through the caller's lookup.
struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<OsString>,
}

impl Env<'_> {
    fn read(&self, var: &str) -> Result<Option<String>, ListenError> {
        (self.lookup)(var)
            .map(|value| {
                value
                    .into_string()
                    .map_err(|_| ListenError::NotUnicode { var: var.into() })
            })
            .transpose()
    }
}

/// Reads an opt-in switch: `None` for anything that is not clearly on or off.
pub(crate) fn switch(value: &str) -> Option<bool> {
    let value = value.trim();
    if ["1", "true", "yes", "on"]
        .iter()
        .any(|v| value.eq_ignore_ascii_case(v))
    {
        Some(true)
    } else if ["", "0", "false", "no", "off"]
        .iter()
        .any(|v| value.eq_ignore_ascii_case(v))
    {
        Some(false)
    } else {
        None
    }
}

/// A value from someone else, escaped and cut for an error message.
fn quoted(value: &str) -> String {
    Escaped::cut(value, MAX_QUOTED).to_string()
}

/// Why [`Listen::load`] found no address to listen on. `Display` (and `Debug`, which
/// `main` prints) is one sentence for whoever set the value.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// The value of the deciding source was refused; the error names the source
    /// ([`BindError::value_source`]) and its fix.
    #[error("{0}")]
    Address(BindError),
    /// An opt-in variable holds something that is not a switch.
    #[error(
        "{var}=\"{value}\" is not a switch; set it to 1 to listen on every interface, or \
         to 0 (or unset it) not to"
    )]
    Switch {
        /// The variable.
        var: String,
        /// Its value, escaped.
        value: String,
    },
    /// `PORT` is not a port number.
    #[error(
        "{var}=\"{value}\" is not a port; set it to a number from 0 to 65535, such as {var}=8080"
    )]
    Port {
        /// The variable.
        var: String,
        /// Its value, escaped.
        value: String,
    },
    /// A variable's value is not UTF-8.
    #[error("{var} is not valid UTF-8; set it to an address such as 127.0.0.1:8080")]
    NotUnicode {
        /// The variable.
        var: String,
    },
}

impl ListenError {
    /// The refused address, for [`ListenError::Address`].
    #[must_use]
    pub fn bind_error(&self) -> Option<&BindError> {
        match self {
            ListenError::Address(err) => Some(err),
            _ => None,
        }
    }
}

impl fmt::Debug for ListenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, bind_addr};

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    fn listen() -> Listen {
        Listen::new(bind_addr!("127.0.0.1:8080")).env_prefix("APP")
    }

    #[test]
    fn env_beats_default_and_errors_name_the_variable() {
        assert_eq!(
            listen().load_from(env(&[])).unwrap().to_string(),
            "127.0.0.1:8080"
        );
        let err = listen()
            .load_from(env(&[("APP_BIND", "[::]:9000")]))
            .unwrap_err();
        assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::Wildcard);
        let text = err.to_string();
        assert!(text.starts_with("APP_BIND: "), "{text}");
        assert!(text.ends_with("set APP_EXPOSE=1"), "{text}");
        assert!(
            !text.contains("Policy") && !text.contains("bind_addr"),
            "{text}"
        );
        let set = listen()
            .load_from(env(&[("APP_BIND", "[::]:9000"), ("APP_EXPOSE", "yes")]))
            .unwrap();
        assert!(set.addrs()[0].is_wildcard());
    }

    #[test]
    fn an_opt_in_alone_is_the_wildcard_on_the_port_below() {
        let set = listen().load_from(env(&[("APP_EXPOSE", "1")])).unwrap();
        assert!(set.iter().any(|a| a.ip().is_ipv6()));
        assert!(
            set.iter().all(|a| a.is_wildcard() && a.port() == 8080),
            "{set}"
        );
        let err = listen()
            .load_from(env(&[("APP_EXPOSE", "maybe")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "APP_EXPOSE=\"maybe\" is not a switch; set it to 1 to listen on every interface, \
             or to 0 (or unset it) not to"
        );
    }

    #[test]
    fn empty_values_and_stray_commas_are_named() {
        let err = listen().load_from(env(&[("APP_BIND", "")])).unwrap_err();
        assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::Empty);
        assert!(
            err.to_string()
                .starts_with("APP_BIND: bind address \"\" is empty")
        );
        let err = listen()
            .load_from(env(&[("APP_BIND", "127.0.0.1:80,")]))
            .unwrap_err();
        assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::EmptyItem);
        let err = listen()
            .load_from(env(&[("APP_BIND", "8080")]))
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "is a port without a host; write the host before it, such as 127.0.0.1:8080"
            ),
            "{err}"
        );
    }

    #[test]
    fn platform_port_and_host() {
        let listen = listen().platform_env();
        let set = listen.load_from(env(&[("PORT", "3000")])).unwrap();
        assert_eq!(set.to_string(), "127.0.0.1:3000");
        let set = listen
            .load_from(env(&[("PORT", "3000"), ("HOST", "::1")]))
            .unwrap();
        assert_eq!(set.to_string(), "[::1]:3000");
        let err = listen
            .load_from(env(&[("PORT", "3000"), ("HOST", "0.0.0.0")]))
            .unwrap_err();
        assert!(err.to_string().starts_with("HOST and PORT: "), "{err}");
        assert!(err.to_string().ends_with("set APP_EXPOSE=1"), "{err}");
        let err = listen.load_from(env(&[("PORT", "http")])).unwrap_err();
        assert!(
            err.to_string().starts_with("PORT=\"http\" is not a port"),
            "{err}"
        );
        // APP_BIND beats the platform's variables; HOST alone is not a source.
        let set = listen
            .load_from(env(&[("PORT", "3000"), ("APP_BIND", "[::1]:1")]))
            .unwrap();
        assert_eq!(set.to_string(), "[::1]:1");
        let set = listen.load_from(env(&[("HOST", "myhost")])).unwrap();
        assert_eq!(set.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn the_policy_applies_to_every_source() {
        let listen = listen().policy(Policy::loopback());
        let err = listen
            .load_from(env(&[("APP_BIND", "10.0.0.1:80"), ("APP_EXPOSE", "1")]))
            .unwrap_err();
        assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::NotLoopback);
        let err = Listen::new(bind_addr!("10.0.0.1:80"))
            .policy(Policy::loopback())
            .load_from(env(&[]))
            .unwrap_err();
        assert!(err.to_string().starts_with("the default: "), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_values_are_refused() {
        use std::os::unix::ffi::OsStringExt;
        let err = listen()
            .load_from(|_| Some(OsString::from_vec(std::vec![0xff])))
            .unwrap_err();
        assert_eq!(
            err,
            ListenError::NotUnicode {
                var: "APP_EXPOSE".into()
            }
        );
    }
}
