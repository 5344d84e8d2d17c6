//! One listen configuration from a flag, the environment, a config file and a default
//! (`std` feature; flags with `clap`, the config section with `serde`), and what a
//! service says once it listens.
//!
//! A service usually takes its listen address from several places: `--bind` on the
//! command line, `APP_BIND` in a container, `listen = [...]` in a config file, and a
//! default in the code. [`Listen`] reads each of them as text, picks the first that
//! names an address, checks only that one with one [`Policy`], and says what is wrong
//! in the words of whoever set it:
//!
//! | source | set by | wildcard opt-in (for that source's value only) | errors start with |
//! | --- | --- | --- | --- |
//! | `--bind ADDR` ([`ListenArgs`](crate::clap::ListenArgs)) | [`args`](Listen::args) | `--expose` | `--bind:` |
//! | `APP_BIND` | [`env_prefix("APP")`](Listen::env_prefix) | `APP_EXPOSE=1` | `APP_BIND:` |
//! | `HOST` and `PORT` (hosting platforms) | [`platform_env`](Listen::platform_env) | `APP_EXPOSE=1` | `HOST and PORT:` / `PORT:` |
//! | `listen = [...]` ([`ListenSection`]) | [`config_file`](Listen::config_file), [`config`](Listen::config) | `policy = "…,allow_wildcard"` beside it | `app.toml:2: server.listen:` |
//! | the default, a typed value | [`Listen::new`] | `bind_addr!("0.0.0.0:8080", allow_wildcard)` (the value is the opt-in) | `the default:` |
//!
//! **The rule, once.** The first source in that order that *names an address* decides
//! (`PORT` alone names a port, not an address: it moves the default to that port).
//! The sources after it are not used: a mistake in one of them is logged as a warning
//! (features `log`, `tracing`), never an error. Every opt-in opens its own source's
//! value and nothing else; only when no source names an address does an opt-in given
//! alone mean what Vite's `--host` means:
//!
//! | what the operator set | listens on | opt-ins that count |
//! | --- | --- | --- |
//! | `--bind V` | `V` | `--expose` |
//! | `APP_BIND V` (no `--bind`) | `V` | `APP_EXPOSE=1` |
//! | `HOST` and `PORT` (neither above) | `HOST:PORT` (`HOST` must be an IP address or `localhost`) | `APP_EXPOSE=1` |
//! | `listen = V` in the config (none above) | `V` | its `policy` allowing the wildcard |
//! | none of these, no opt-in | the default (on `PORT`, if set) | the default's own (`bind_addr!(…, allow_wildcard)`) |
//! | none of these, `--expose` or `APP_EXPOSE=1` | the wildcard on the default's ports (or `PORT`) | either |
//!
//! An opt-in that does not count in its row is ignored with a warning: `--expose`
//! beside `APP_BIND=127.0.0.1:8080` listens on `127.0.0.1:8080`, never on the wildcard.
//! "The wildcard" is one `[::]` socket where the system's `[::]` sockets take IPv4 too
//! (see [`sysctl::ipv6_v6only_default`](crate::sysctl::ipv6_v6only_default)), `0.0.0.0`
//! and `[::]` otherwise.
//!
//! Every text goes through [`BindSet::parse`], so white space (ASCII only, as in a
//! policy text), empty values and stray commas are treated and explained alike.
//! Whichever source wins, a wildcard result is logged once (features `log`, `tracing`)
//! with the addresses it is reachable on ([`wildcard_warning`]); once bound,
//! [`Reachability`] lists the URLs it really answers on (Vite's `Local:` and
//! `Network:` lines).
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
//! // An opt-in opens its own source's value, never replaces it.
//! let named = listen.load_from(env(&[("APP_BIND", "127.0.0.1:9000"), ("APP_EXPOSE", "1")]))?;
//! assert_eq!(named.to_string(), "127.0.0.1:9000");
//! # Ok::<(), bind_guard::listen::ListenError>(())
//! ```

mod error;
mod report;
#[cfg(feature = "serde")]
mod section;
#[cfg(feature = "serve")]
mod serve;
mod warn;

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::string::{String, ToString};
use std::vec::Vec;

use crate::{BindAddr, BindError, BindSet, ListenAddr, Policy, Source};

pub use error::ListenError;
pub use report::Reachability;
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub use section::{ConfigDocument, ConfigFile, ListenSection};
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub use serve::serve_all;
pub use warn::wildcard_warning;

/// Where a service listens: a typed default, then (each optional, later ones weaker)
/// `--bind`, environment variables, the `HOST`/`PORT` of hosting platforms and a config
/// section, checked with one [`Policy`]. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    default: BindSet,
    policy: Policy,
    flags: Option<Flags>,
    env: Option<EnvVars>,
    platform: bool,
    config_key: Option<String>,
    /// The config section, or why its file could not be read or parsed.
    config: Option<Result<Config, ListenError>>,
    host_guard: bool,
}

/// What the command line said (from `ListenArgs`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flags {
    bind: Vec<String>,
    expose: bool,
    /// `--bind` came from its environment variable through clap's `env`.
    bind_from_env: bool,
}

/// The variables of [`Listen::env_vars`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct EnvVars {
    bind: String,
    expose: Option<String>,
}

/// A config section as written: text, judged only if it decides.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Config {
    listen: Option<Vec<String>>,
    policy: Option<String>,
    /// How errors name `listen`, and `policy`.
    listen_label: String,
    policy_label: String,
}

/// The sources, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Flag,
    Env,
    Platform,
    Config,
}

/// What one source said, read but not yet judged.
struct Reading {
    level: Level,
    /// The address text it named (`None`: it named none), or why it cannot be read.
    named: Option<Result<Named, ListenError>>,
    /// Its opt-in: whether it was given (or why it is not a switch).
    opted: Result<bool, ListenError>,
    /// The opt-in's name in messages (`--expose`, `APP_EXPOSE`), if the source has one.
    opt_in_name: Option<String>,
    /// The instruction errors give for it (`add --expose`), if the source has one.
    opt_in_hint: Option<String>,
}

/// An address text and how errors name its source.
struct Named {
    items: Vec<String>,
    label: String,
    /// A config section's own policy, applied before the application's.
    own_policy: Option<Policy>,
}

impl Listen {
    /// Listens on `default` unless a source says otherwise, under the default policy
    /// (everything but the wildcard). The default is a value, not text: write it with
    /// [`bind_addr!`](crate::bind_addr) (or [`BindSet::localhost`]), so a typo in it is a
    /// compile error. A wildcard default is its own opt-in (it can only be written as
    /// `bind_addr!("0.0.0.0:8080", allow_wildcard)` or through a policy that allows it).
    #[must_use]
    pub fn new(default: impl Into<BindSet>) -> Self {
        Listen {
            default: default.into(),
            policy: Policy::new(),
            flags: None,
            env: None,
            platform: false,
            config_key: None,
            config: None,
            host_guard: false,
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
    /// empty do not), after the flags: [`env_vars`](Listen::env_vars) with those names.
    #[must_use]
    pub fn env_prefix(self, prefix: &str) -> Self {
        self.env_vars(
            &std::format!("{prefix}_BIND"),
            Some(&std::format!("{prefix}_EXPOSE")),
        )
    }

    /// Reads the addresses from the variable `bind` and its wildcard opt-in from the
    /// switch `expose` (none: the variable cannot open the wildcard), after the flags.
    /// An opt-in adds exactly the wildcard to the policy: under [`Policy::loopback`]
    /// it lets `0.0.0.0:8080` through and still refuses `10.0.0.1:8080`.
    #[must_use]
    pub fn env_vars(mut self, bind: &str, expose: Option<&str>) -> Self {
        self.env = Some(EnvVars {
            bind: bind.into(),
            expose: expose.map(Into::into),
        });
        self
    }

    /// Reads the convention of hosting platforms, after the bind variable: `PORT` alone
    /// moves the default addresses to that port; `HOST` and `PORT` together are the
    /// address (`HOST` alone is ignored: shells set it to the machine's name). `HOST`
    /// must be an IP address (`127.0.0.1`, `::1`, `[::1]`) or `localhost`; a wildcard
    /// `HOST` needs the expose variable of [`env_vars`](Listen::env_vars).
    #[must_use]
    pub fn platform_env(mut self) -> Self {
        self.platform = true;
        self
    }

    /// The path of the config section in its file, such as `"server"` for
    /// `[server] listen = …`: errors say `server.listen`, and `--help` names it.
    #[must_use]
    pub fn config_key(mut self, key: &str) -> Self {
        self.config_key = Some(key.into());
        self
    }

    /// Says in `--help` ([`parse_args`](Listen::parse_args)) that the service checks
    /// `Host` and `Origin` with [`HostGuard`](crate::host_guard::HostGuard), and names
    /// the variables an operator sets for it (`BIND_GUARD_ALLOWED_HOSTS`,
    /// `BIND_GUARD_ALLOWED_ORIGINS`).
    #[must_use]
    pub fn host_guard(mut self) -> Self {
        self.host_guard = true;
        self
    }

    /// Reads a config section (after the environment), as written: it is judged only
    /// if it decides. `label` names its `listen` value in errors, such as
    /// `"server.listen in app.toml"`; [`config_section`](Listen::config_section) names
    /// the file and line instead.
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[must_use]
    pub fn config(mut self, section: Option<&ListenSection>, label: &str) -> Self {
        self.config = section.map(|section| {
            Ok(Config {
                listen: section.listen().map(<[String]>::to_vec),
                policy: section.policy().map(Into::into),
                listen_label: label.into(),
                policy_label: std::format!("the policy beside {label}"),
            })
        });
        self
    }

    /// Reads the section `key` (such as `"server"` for `[server] listen = …`) of a
    /// config file the application parsed itself, after the environment, as written:
    /// it is judged only if it decides, and errors say where it is: `app.toml:2:
    /// server.listen: …` (the line where the format gives one, as TOML does).
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[must_use]
    pub fn config_section(
        mut self,
        file: &ConfigFile,
        key: &str,
        section: Option<&ListenSection>,
    ) -> Self {
        let place = |name: &str| std::format!("{key}.{name}");
        self.config_key = Some(key.into());
        self.config = section.map(|section| {
            Ok(Config {
                listen: section.listen().map(<[String]>::to_vec),
                policy: section.policy().map(Into::into),
                listen_label: file.place(section.listen_span(), &place("listen")),
                policy_label: file.place(section.policy_span(), &place("policy")),
            })
        });
        self
    }

    /// Reads the config file at `path` (none if it does not exist), parses it with
    /// `parse` (such as `|text| toml::from_str(text)`) and reads its section `key` (such as
    /// `"server"` for `[server] listen = …`; see [`ConfigDocument`]) as
    /// [`config_section`](Listen::config_section) does:
    ///
    /// ```
    /// use bind_guard::{bind_addr, listen::Listen};
    ///
    /// let listen = Listen::new(bind_addr!("127.0.0.1:8080"))
    ///     .config_file("app.toml", "server", |text| toml::from_str(text));
    /// # let _ = listen;
    /// ```
    ///
    /// A file that cannot be read or parsed, or whose `listen` is not text, is this
    /// source's mistake: an error if the config would decide (no flag or variable
    /// names an address), a warning if not.
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[must_use]
    pub fn config_file<E: core::fmt::Display>(
        self,
        path: impl AsRef<std::path::Path>,
        key: &str,
        parse: impl FnOnce(&str) -> Result<ConfigDocument, E>,
    ) -> Self {
        let read = ConfigFile::read_if_present(path).and_then(|file| {
            let section = match file.parse(parse)?.section(key) {
                Some(Ok(section)) => Some(section),
                Some(Err(message)) => return Err(file.error(message)),
                None => None,
            };
            Ok((file, section))
        });
        match read {
            Ok((file, section)) => self.config_section(&file, key, section.as_ref()),
            Err(err) => {
                let mut listen = self;
                listen.config_key = Some(key.into());
                listen.config = Some(Err(err));
                listen
            }
        }
    }

    /// Reads the process environment; see [`load_from`](Listen::load_from).
    ///
    /// # Errors
    ///
    /// As [`load_from`](Listen::load_from).
    pub fn load(&self) -> Result<BindSet, ListenError> {
        self.load_from(|name| std::env::var_os(name))
    }

    /// Loads the addresses ([`load`](Listen::load)) and binds a tokio TCP listener to
    /// each ([`bind_tcp_all`](crate::tokio::bind_tcp_all)): all or none.
    ///
    /// # Errors
    ///
    /// As [`load`](Listen::load), or [`ListenError::Bind`] naming the address that
    /// could not be bound.
    #[cfg(feature = "tokio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub async fn bind_tcp(&self) -> Result<Vec<::tokio::net::TcpListener>, ListenError> {
        let set = self.load()?;
        crate::tokio::bind_tcp_all(&set)
            .await
            .map_err(|err| ListenError::Bind {
                kind: err.kind(),
                message: error::quoted_long(&err.to_string()),
            })
    }

    /// Picks the source that decides (see the [module docs](self)), checks its value,
    /// and logs one warning for each source it did not use that holds a mistake, and
    /// one if the result includes the wildcard. `lookup` reads an environment variable
    /// (`None` when unset).
    ///
    /// # Errors
    ///
    /// The deciding source's value refused (the error names the source and its fix);
    /// its opt-in variable not a switch; `PORT` not a port or `HOST` not a host when
    /// they decide; a deciding variable that is not UTF-8.
    pub fn load_from(
        &self,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<BindSet, ListenError> {
        let (set, warnings) = self.decide(&Env { lookup: &lookup })?;
        for warning in &warnings {
            warn::emit(warning);
        }
        if let Some(text) = wildcard_warning(&set) {
            warn::emit(&text);
        }
        Ok(set)
    }

    /// The result and the warnings about the sources not used.
    fn decide(&self, env: &Env<'_>) -> Result<(BindSet, Vec<String>), ListenError> {
        let readings = [
            self.read_flags(env),
            self.read_env(env),
            self.read_platform(env),
            self.read_config(),
        ];
        let winner = readings.iter().position(|r| r.named.is_some());
        let (set, winner) = match winner.and_then(|i| readings.get(i)) {
            Some(winner) => {
                let set = match &winner.named {
                    Some(Ok(named)) => {
                        let opted = winner.opted.clone()?;
                        self.judge(named, opted, winner.opt_in_hint.as_deref())?
                    }
                    Some(Err(err)) => return Err(err.clone()),
                    // `winner` is the first reading that named something.
                    None => return Err(empty(&Source::default_value())),
                };
                (set, Some(winner))
            }
            None => (self.nothing_named(env, &readings)?, None),
        };
        let mut warnings = Vec::new();
        if let Some(winner) = winner {
            for reading in &readings {
                self.unused(reading, winner, &mut warnings);
            }
        }
        Ok((set, warnings))
    }

    /// Checks a source's value, opened by its opt-in if `opted`; `hint` is the opt-in's
    /// instruction for a refused wildcard.
    fn judge(
        &self,
        named: &Named,
        opted: bool,
        hint: Option<&str>,
    ) -> Result<BindSet, ListenError> {
        let mut source = Source::new(&named.label);
        if let (false, Some(hint)) = (opted, hint) {
            source = source.with_wildcard_opt_in(hint);
        }
        if let Some(own) = &named.own_policy {
            // The section's own policy first (its refusals name its own opt-in), then
            // the application's: a config can open the wildcard but widen nothing else.
            check_texts(&named.items, own, &source)?;
        }
        check_texts(&named.items, &opted_in(&self.policy, opted), &source)
    }

    /// The result when no source named an address: the default (moved to `PORT`), or
    /// the wildcard on its ports when an opt-in was given alone.
    fn nothing_named(&self, env: &Env<'_>, readings: &[Reading]) -> Result<BindSet, ListenError> {
        let mut opt_in: Option<&str> = None;
        for reading in readings {
            if reading.opted.clone()? && opt_in.is_none() {
                opt_in = reading.opt_in_name.as_deref();
            }
        }
        let port = self.platform_port(env)?;
        // `PORT` moves the default's IP addresses; a Unix socket has no port.
        let base: Vec<ListenAddr> = self
            .default
            .endpoints()
            .iter()
            .map(|endpoint| match (endpoint, port) {
                (ListenAddr::Ip(addr), Some(port)) => ListenAddr::Ip(with_port(addr, port)),
                _ => endpoint.clone(),
            })
            .collect();
        let source = match port {
            Some(_) => Source::env("PORT"),
            None => Source::default_value(),
        };
        match opt_in {
            Some(name) => self.exposed(&base, name),
            // A wildcard default is its own opt-in: it was written with one.
            None => check_addrs(&base, &self.policy.clone().allow_wildcard(), &source),
        }
    }

    /// The warnings for a source that did not decide: a mistake in it, an opt-in that
    /// is not a switch, an opt-in that does nothing.
    fn unused(&self, reading: &Reading, winner: &Reading, warnings: &mut Vec<String>) {
        if reading.level == winner.level {
            return;
        }
        let decides = winner_label(winner);
        let not_used = |err: &ListenError| std::format!("not used, as {decides} decides: {err}");
        match &reading.named {
            Some(Err(err)) => warnings.push(not_used(err)),
            Some(Ok(named)) => {
                // Judged as it would be, with its opt-in if that is a switch that is on.
                let opted = matches!(reading.opted, Ok(true));
                if let Err(err) = self.judge(named, opted, reading.opt_in_hint.as_deref()) {
                    warnings.push(not_used(&err));
                }
            }
            None => {}
        }
        // The platform's opt-in is the environment's variable: said once, for the
        // environment's reading.
        if reading.opt_in_name == winner.opt_in_name || reading.level == Level::Platform {
            return;
        }
        match (&reading.opted, &reading.opt_in_name) {
            (Err(err), _) => warnings.push(not_used(err)),
            (Ok(true), Some(name)) => warnings.push(std::format!(
                "{name} is ignored: it opens only its own source's address, and {decides} \
                 names the address to listen on"
            )),
            _ => {}
        }
    }

    fn read_flags(&self, env: &Env<'_>) -> Reading {
        let Some(flags) = &self.flags else {
            return Reading::silent(Level::Flag);
        };
        let expose = (
            Ok(flags.expose),
            Some("--expose".to_string()),
            Some("add --expose".to_string()),
        );
        if flags.bind.is_empty() {
            return Reading::opt_in_only(Level::Flag, expose);
        }
        if flags.bind_from_env {
            // clap took the value from its `env` variable: that variable's opt-in
            // opens it, and errors name the variable.
            return match &self.env {
                Some(vars) => self.env_reading(env, vars, Ok(flags.bind.clone())),
                None => Reading::naming(
                    Level::Flag,
                    Named::text(flags.bind.clone(), "--bind (from its environment variable)"),
                    expose,
                ),
            };
        }
        Reading::naming(
            Level::Flag,
            Named::text(flags.bind.clone(), "--bind"),
            expose,
        )
    }

    fn read_env(&self, env: &Env<'_>) -> Reading {
        let Some(vars) = &self.env else {
            return Reading::silent(Level::Env);
        };
        // (Reading it again would change nothing: the flag's reading, at this level and
        // first, decides, and a second reading at the level of the one that decides is
        // never judged nor warned about. So a mutant that drops this test is equivalent;
        // it saves the lookup.)
        if self.flags.as_ref().is_some_and(|f| f.bind_from_env) {
            // Read already, as the flag's value.
            return Reading::silent(Level::Env);
        }
        match env.read(&vars.bind) {
            Ok(Some(value)) => self.env_reading(env, vars, Ok(std::vec![value])),
            Ok(None) => Reading::opt_in_only(Level::Env, self.expose_var(env)),
            Err(err) => self.env_reading(env, vars, Err(err)),
        }
    }

    fn env_reading(
        &self,
        env: &Env<'_>,
        vars: &EnvVars,
        value: Result<Vec<String>, ListenError>,
    ) -> Reading {
        let named = value.map(|items| Named::text(items, &vars.bind));
        let (opted, opt_in_name, opt_in_hint) = self.expose_var(env);
        Reading {
            level: Level::Env,
            named: Some(named),
            opted,
            opt_in_name,
            opt_in_hint,
        }
    }

    /// The expose variable: whether it is on, its name, and the instruction.
    fn expose_var(&self, env: &Env<'_>) -> OptIn {
        let Some(var) = self.env.as_ref().and_then(|vars| vars.expose.as_deref()) else {
            return (Ok(false), None, None);
        };
        let opted = match env.read(var) {
            Ok(Some(value)) => switch(&value).ok_or_else(|| ListenError::Switch {
                var: var.into(),
                value: error::quoted(&value),
            }),
            Ok(None) => Ok(false),
            Err(err) => Err(err),
        };
        (opted, Some(var.into()), Some(std::format!("set {var}=1")))
    }

    fn read_platform(&self, env: &Env<'_>) -> Reading {
        if !self.platform {
            return Reading::silent(Level::Platform);
        }
        let expose = self.expose_var(env);
        let host = match env.read("HOST") {
            Ok(Some(host)) => host,
            Ok(None) => return Reading::opt_in_only(Level::Platform, expose),
            Err(err) => return Reading::failed(Level::Platform, err, expose),
        };
        let port = match self.platform_port(env) {
            Ok(Some(port)) => port,
            // `HOST` alone is not a source: shells set it to the machine's name.
            Ok(None) => return Reading::opt_in_only(Level::Platform, expose),
            Err(err) => return Reading::failed(Level::Platform, err, expose),
        };
        match host_with_port(&host, port) {
            Ok(text) => Reading::naming(
                Level::Platform,
                Named::text(std::vec![text], "HOST and PORT"),
                expose,
            ),
            Err(err) => Reading::failed(Level::Platform, err, expose),
        }
    }

    /// `PORT`, when the platform's variables are read and it is set.
    fn platform_port(&self, env: &Env<'_>) -> Result<Option<u16>, ListenError> {
        if !self.platform {
            return Ok(None);
        }
        let Some(text) = env.read("PORT")? else {
            return Ok(None);
        };
        port(&text).map(Some).ok_or_else(|| ListenError::Port {
            var: "PORT".into(),
            value: error::quoted(&text),
        })
    }

    fn read_config(&self) -> Reading {
        let config = match &self.config {
            Some(Ok(config)) => config,
            Some(Err(err)) => {
                return Reading::failed(Level::Config, err.clone(), (Ok(false), None, None));
            }
            None => return Reading::silent(Level::Config),
        };
        let Some(listen) = &config.listen else {
            return Reading::silent(Level::Config);
        };
        let own = match &config.policy {
            Some(text) => match text.parse::<Policy>() {
                Ok(policy) => Some(policy),
                Err(err) => {
                    let err = ListenError::Policy {
                        label: config.policy_label.clone(),
                        error: err,
                    };
                    return Reading::failed(Level::Config, err, (Ok(false), None, None));
                }
            },
            None => None,
        };
        let shown = own.clone().unwrap_or_else(|| self.policy.clone());
        let opted = shown.allows_wildcard();
        let verb = if own.is_some() {
            "change policy to"
        } else {
            "set policy ="
        };
        let hint = std::format!("{verb} \"{shown},allow_wildcard\" beside it");
        let mut named = Named::text(listen.clone(), &config.listen_label);
        named.own_policy = own;
        Reading::naming(Level::Config, named, (Ok(opted), None, Some(hint)))
    }

    /// The wildcard on the ports of `below`: what an opt-in alone means.
    fn exposed(&self, below: &[ListenAddr], opt_in: &str) -> Result<BindSet, ListenError> {
        let mut ports: Vec<u16> = Vec::new();
        for addr in below.iter().filter_map(ListenAddr::ip) {
            if !ports.contains(&addr.port()) {
                ports.push(addr.port());
            }
        }
        // One [::] socket takes IPv4 too where IPV6_V6ONLY is off by default (Linux's
        // usual setting); elsewhere, or when unknown, 0.0.0.0 and [::] each. A Unix
        // socket of the default is not an interface: it stays as it is.
        let dual_stack = crate::sysctl::ipv6_v6only_default() == Some(false);
        let mut addrs: Vec<ListenAddr> = below
            .iter()
            .filter(|a| a.unix().is_some())
            .cloned()
            .collect();
        for port in ports {
            if !dual_stack {
                addrs.push(ListenAddr::Ip(unchecked(SocketAddr::from((
                    Ipv4Addr::UNSPECIFIED,
                    port,
                )))));
            }
            addrs.push(ListenAddr::Ip(unchecked(SocketAddr::from((
                Ipv6Addr::UNSPECIFIED,
                port,
            )))));
        }
        check_addrs(
            &addrs,
            &self.policy.clone().allow_wildcard(),
            &Source::new(opt_in),
        )
    }

    /// The sources this loader reads, for `--help`: the variables, the config key and
    /// the default.
    #[cfg_attr(not(feature = "clap"), allow(dead_code))]
    pub(crate) fn help(&self) -> Help<'_> {
        Help { listen: self }
    }
}

/// A source's opt-in: whether it was given, its name, its instruction.
type OptIn = (Result<bool, ListenError>, Option<String>, Option<String>);

impl Reading {
    fn silent(level: Level) -> Self {
        Reading::opt_in_only(level, (Ok(false), None, None))
    }

    fn opt_in_only(level: Level, (opted, opt_in_name, opt_in_hint): OptIn) -> Self {
        Reading {
            level,
            named: None,
            opted,
            opt_in_name,
            opt_in_hint,
        }
    }

    fn naming(level: Level, named: Named, opt_in: OptIn) -> Self {
        let mut reading = Reading::opt_in_only(level, opt_in);
        reading.named = Some(Ok(named));
        reading
    }

    fn failed(level: Level, err: ListenError, opt_in: OptIn) -> Self {
        let mut reading = Reading::opt_in_only(level, opt_in);
        reading.named = Some(Err(err));
        reading
    }
}

impl Named {
    fn text(items: Vec<String>, label: &str) -> Self {
        Named {
            items,
            label: label.into(),
            own_policy: None,
        }
    }
}

/// How a warning names the source that decided.
fn winner_label(winner: &Reading) -> String {
    match &winner.named {
        Some(Ok(named)) => named.label.clone(),
        _ => String::from("another source"),
    }
}

/// `--help` text about where the address comes from (see `integrations/clap.rs`).
pub(crate) struct Help<'a> {
    listen: &'a Listen,
}

#[cfg_attr(not(feature = "clap"), allow(dead_code))]
impl Help<'_> {
    /// The sources after `--bind`, in order, and the default.
    pub(crate) fn bind_fallbacks(&self) -> String {
        let listen = self.listen;
        let mut places: Vec<String> = Vec::new();
        if let Some(vars) = &listen.env {
            places.push(vars.bind.clone());
        }
        if listen.platform {
            places.push("HOST and PORT".into());
        }
        if let Some(key) = &listen.config_key {
            places.push(std::format!("{key}.listen in the config file"));
        }
        places.push(std::format!("the default, {}", listen.default));
        places.join(", then ")
    }

    /// The environment's opt-in variable, if there is one.
    pub(crate) fn expose_var(&self) -> Option<&str> {
        self.listen
            .env
            .as_ref()
            .and_then(|env| env.expose.as_deref())
    }

    /// The environment variables an operator may set, each with what it does.
    pub(crate) fn variables(&self) -> Vec<(String, String)> {
        let listen = self.listen;
        let mut vars: Vec<(String, String)> = Vec::new();
        if let Some(env) = &listen.env {
            vars.push((
                env.bind.clone(),
                "address(es) to listen on, when --bind is not given".into(),
            ));
            if let Some(expose) = &env.expose {
                vars.push((
                    expose.clone(),
                    std::format!(
                        "set to 1 to allow a wildcard {}, or alone, to listen on every interface",
                        env.bind
                    ),
                ));
            }
        }
        if listen.platform {
            vars.push((
                "HOST, PORT".into(),
                "a hosting platform's address (HOST an IP address) and port".into(),
            ));
        }
        if listen.host_guard {
            vars.push((
                crate::host_guard::DEFAULT_ENV_VAR.into(),
                "more host names requests may use (a proxy's or tunnel's), comma-separated".into(),
            ));
            vars.push((
                crate::host_guard::DEFAULT_ORIGINS_ENV_VAR.into(),
                "more origins (scheme://host:port) allowed to send state-changing requests".into(),
            ));
        }
        vars
    }

    /// The config keys, if the application named its section.
    pub(crate) fn config_keys(&self) -> Option<String> {
        self.listen.config_key.as_ref().map(|key| {
            std::format!(
                "{key}.listen = [\"ADDR\", …] and {key}.policy = \"POLICY\" (\"default,allow_wildcard\" allows the wildcard)"
            )
        })
    }
}

/// Checks the texts of one source with `policy`; errors are said to `source`. Every
/// entry is kept, Unix sockets too (`unix:/run/app.sock`).
fn check_texts(items: &[String], policy: &Policy, source: &Source) -> Result<BindSet, ListenError> {
    let mut endpoints: Vec<ListenAddr> = Vec::new();
    for item in items {
        let set = BindSet::parse(policy, item).map_err(|err| {
            // Every source here reads `localhost:PORT` as both loopback addresses.
            let err = if err.kind() == crate::ErrorKind::MissingPort
                && err.input().eq_ignore_ascii_case("localhost")
            {
                err.with_detail(
                    "localhost:PORT is both loopback addresses, such as localhost:8080".into(),
                )
            } else {
                err
            };
            ListenError::Address(err.with_source(source.clone()))
        })?;
        endpoints.extend(set.endpoints().iter().cloned());
    }
    BindSet::from_addrs(endpoints).ok_or_else(|| empty(source))
}

/// Checks entries that are already values (the default, the exposed wildcard): the IP
/// addresses with `policy`; a Unix socket was checked when the value was made.
fn check_addrs(
    addrs: &[ListenAddr],
    policy: &Policy,
    source: &Source,
) -> Result<BindSet, ListenError> {
    let mut checked: Vec<ListenAddr> = Vec::with_capacity(addrs.len());
    for addr in addrs {
        match addr {
            ListenAddr::Ip(ip) => {
                let ip = policy
                    .check(*ip.as_socket_addr())
                    .map_err(|err| ListenError::Address(err.with_source(source.clone())))?;
                checked.push(ListenAddr::Ip(ip));
            }
            ListenAddr::Unix(_) => checked.push(addr.clone()),
        }
    }
    BindSet::from_addrs(checked).ok_or_else(|| empty(source))
}

fn empty(source: &Source) -> ListenError {
    ListenError::Address(BindError::new("", crate::ErrorKind::Empty).with_source(source.clone()))
}

/// An address built here only to be checked by [`check_addrs`] right after.
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

/// `HOST` and `PORT` as one address text. `HOST` is a host, never a list or an address
/// with a port: `localhost`, an IPv4 address, or an IPv6 address with or without
/// brackets.
fn host_with_port(host: &str, port: u16) -> Result<String, ListenError> {
    let host = host.trim_ascii();
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(std::format!("localhost:{port}"));
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) if bare == host => Ok(SocketAddr::from((ip, port)).to_string()),
        Ok(IpAddr::V6(ip)) => Ok(SocketAddr::from((ip, port)).to_string()),
        _ => Err(ListenError::Host {
            value: error::quoted(host),
        }),
    }
}

/// A port as an operator writes it: decimal digits, no sign, no leading zero (`08080`
/// is not a number anyone meant), at most 65535.
fn port(text: &str) -> Option<u16> {
    let text = text.trim_ascii();
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    if !digits || text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
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

/// Reads an opt-in switch: `None` for anything that is not clearly on or off. Only
/// ASCII white space is trimmed, as everywhere else.
pub(crate) fn switch(value: &str) -> Option<bool> {
    let value = value.trim_ascii();
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

#[cfg(test)]
mod tests;
