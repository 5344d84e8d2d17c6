//! Listen addresses from the environment (`std` feature), with a visible opt-in for the
//! wildcard.
//!
//! Twelve-factor services and containers take their listen address from a variable.
//! [`EnvConfig`] reads it under a [`Policy`] (a comma-separated list, `localhost`
//! meaning both loopback addresses, as [`BindSet::parse`] reads it), falls back to a
//! default when it is unset, and lets a second, application-chosen variable opt in to
//! the wildcard, the way a container sets `MYAPP_EXPOSE=1` next to
//! `MYAPP_BIND=0.0.0.0:8080`:
//!
//! ```
//! use bind_guard::{env::EnvConfig, BindSet};
//!
//! let config = EnvConfig::new("MYAPP_BIND")
//!     .fallback(BindSet::localhost(8080))
//!     .wildcard_opt_in("MYAPP_EXPOSE");
//!
//! // `load()` reads the process environment; `load_from` takes any lookup.
//! let env = |vars: &'static [(&'static str, &'static str)]| {
//!     move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
//! };
//! assert_eq!(config.load_from(env(&[]))?.to_string(), "127.0.0.1:8080,[::1]:8080");
//!
//! let refused = config.load_from(env(&[("MYAPP_BIND", "0.0.0.0:8080")])).unwrap_err();
//! assert!(refused.to_string().contains("set MYAPP_EXPOSE=1"));
//!
//! let exposed = config.load_from(env(&[("MYAPP_BIND", "0.0.0.0:8080"), ("MYAPP_EXPOSE", "1")]))?;
//! assert!(exposed.addrs()[0].is_wildcard()); // and one warning was logged
//! # Ok::<(), bind_guard::env::EnvError>(())
//! ```
//!
//! When the loaded addresses include the wildcard, [`EnvConfig::load`] emits one
//! warning through `log` (feature `log`) and/or `tracing` (feature `tracing`), target
//! `bind_guard`, naming the address and the concrete addresses it is reachable on
//! (listed with the `if-addrs` feature; otherwise "every address of every interface").
//! [`wildcard_warning`] gives the same text, for applications that print it themselves.
//!
//! [`Listen`](crate::listen::Listen) reads a flag and a config file too, with the
//! same rules; `EnvConfig` is for a variable of any name alone.

use std::borrow::Cow;
use std::ffi::OsString;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::{BindError, BindSet, Policy, Source};

/// Where a service reads its listen addresses from: a variable, a default, a policy and
/// an optional wildcard opt-in variable. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvConfig {
    var: Cow<'static, str>,
    fallback: Option<BindSet>,
    wildcard_var: Option<Cow<'static, str>>,
    policy: Policy,
}

impl EnvConfig {
    /// Reads the addresses from `var`, under the default policy, with no default (an
    /// unset variable is an error) and no wildcard opt-in.
    #[must_use]
    pub fn new(var: impl Into<Cow<'static, str>>) -> Self {
        EnvConfig {
            var: var.into(),
            fallback: None,
            wildcard_var: None,
            policy: Policy::new(),
        }
    }

    /// The addresses to use when the variable is unset: a value (`bind_addr!`,
    /// [`BindSet::localhost`]), so a typo in it is a compile error; checked by the same
    /// policy when loading.
    #[must_use]
    pub fn fallback(mut self, addrs: impl Into<BindSet>) -> Self {
        self.fallback = Some(addrs.into());
        self
    }

    /// A variable that, set to `1`, `true`, `yes` or `on` (any case), opts in to the
    /// wildcard; `0`, `false`, `no`, `off`, empty or unset leave it refused. Any other
    /// value is an error rather than a guess.
    ///
    /// The opt-in adds exactly the wildcard ([`Policy::allow_wildcard`]) to the
    /// [`policy`](EnvConfig::policy) and nothing else: under
    /// [`Policy::loopback`] it lets `0.0.0.0:8080` through and still refuses
    /// `10.0.0.1:8080`. (At compile time the types say the same: `bind_addr!` refuses
    /// `allow_wildcard` into a `LoopbackAddr`.)
    #[must_use]
    pub fn wildcard_opt_in(mut self, var: impl Into<Cow<'static, str>>) -> Self {
        self.wildcard_var = Some(var.into());
        self
    }

    /// Checks the addresses with `policy` instead of the default one. The opt-in
    /// variable adds [`Policy::allow_wildcard`] to it; a policy that allows the wildcard
    /// already needs no opt-in.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Reads the process environment; see [`load_from`](EnvConfig::load_from).
    ///
    /// # Errors
    ///
    /// As [`load_from`](EnvConfig::load_from).
    pub fn load(&self) -> Result<BindSet, EnvError> {
        self.load_from(|name| std::env::var_os(name))
    }

    /// Reads the variables through `lookup` (which returns `None` for an unset one),
    /// checks the addresses, and warns once if they include the wildcard.
    ///
    /// # Errors
    ///
    /// An unset variable without a default, a value that is not UTF-8, an opt-in value
    /// that is not a switch, or a refused address (the [`BindError`] says why).
    pub fn load_from(
        &self,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<BindSet, EnvError> {
        let read = |var: &str| -> Result<Option<String>, EnvError> {
            lookup(var)
                .map(|value| {
                    value
                        .into_string()
                        .map_err(|_| EnvError::NotUnicode { var: var.into() })
                })
                .transpose()
        };
        let opted_in = match &self.wildcard_var {
            Some(var) => match read(var)? {
                Some(value) => switch(&value).ok_or_else(|| EnvError::Switch {
                    var: var.to_string(),
                    value: value.clone(),
                })?,
                None => false,
            },
            None => false,
        };
        let policy = if opted_in {
            self.policy.clone().allow_wildcard()
        } else {
            self.policy.clone()
        };
        let opt_in = |source: Source| match (&self.wildcard_var, opted_in) {
            (Some(var), false) => source.with_wildcard_opt_in(&std::format!("set {var}=1")),
            _ => source,
        };
        let set = match read(&self.var)? {
            Some(value) => BindSet::parse(&policy, &value).map_err(|error| {
                EnvError::Address(error.with_source(opt_in(Source::env(&self.var))))
            })?,
            None => match &self.fallback {
                Some(fallback) => {
                    let mut addrs = Vec::with_capacity(fallback.len());
                    for addr in fallback {
                        addrs.push(policy.check(*addr.as_socket_addr()).map_err(|error| {
                            EnvError::Address(error.with_source(Source::default_value()))
                        })?);
                    }
                    BindSet::from_addrs(addrs).unwrap_or_else(|| fallback.clone())
                }
                None => {
                    return Err(EnvError::Missing {
                        var: self.var.to_string(),
                    });
                }
            },
        };
        if let Some(text) = wildcard_warning(&set) {
            emit_warning(&text);
        }
        Ok(set)
    }
}

use crate::listen::switch;

/// Why [`EnvConfig::load`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// The variable is unset and there is no default.
    #[error("{var} is not set; set it to the address to listen on, such as 127.0.0.1:8080")]
    Missing {
        /// The variable.
        var: String,
    },
    /// A variable's value is not UTF-8.
    #[error("{var} is not valid UTF-8")]
    NotUnicode {
        /// The variable.
        var: String,
    },
    /// The opt-in variable holds something that is not a switch.
    #[error(
        "{var}=\"{}\" is not a switch; set it to 1, true, yes or on to allow a wildcard \
         address (it adds the wildcard and nothing else to what is allowed), or to 0, false, \
         no or off (or unset it) not to",
        crate::Escaped::new(value)
    )]
    Switch {
        /// The variable.
        var: String,
        /// Its value, escaped and cut for printing.
        value: String,
    },
    /// An address was refused; the error names its source ([`BindError::value_source`]:
    /// the variable or the default) and, for a wildcard, the opt-in variable.
    #[error("{0}")]
    Address(BindError),
}

/// The warning [`EnvConfig::load`] logs when `set` includes the wildcard, or `None`:
/// the wildcard address and the concrete addresses it is reachable on.
///
/// ```
/// use bind_guard::{env::wildcard_warning, BindSet, Policy};
///
/// let set = BindSet::parse(&Policy::default().allow_wildcard(), "0.0.0.0:8080")?;
/// let text = wildcard_warning(&set).unwrap();
/// assert!(text.starts_with("listening on the wildcard address 0.0.0.0:8080"));
/// #[cfg(feature = "if-addrs")] // the concrete addresses need the `if-addrs` feature
/// assert!(text.contains("127.0.0.1:8080"));
/// assert_eq!(wildcard_warning(&"127.0.0.1:8080".parse()?), None);
/// # Ok::<(), bind_guard::BindError>(())
/// ```
#[must_use]
pub fn wildcard_warning(set: &BindSet) -> Option<String> {
    let wildcards: Vec<String> = set.wildcards().map(ToString::to_string).collect();
    if wildcards.is_empty() {
        return None;
    }
    let places = reachable_text(set);
    Some(std::format!(
        "listening on the wildcard address {}: every interface, so the service is reachable \
         from every network this host is on, at {places}{}",
        wildcards.join(", "),
        dual_stack_text(set)
    ))
}

/// For `[::]`: whether it takes IPv4 too, as the system's default says (every bind path
/// of this crate leaves `IPV6_V6ONLY` at that default unless told otherwise).
fn dual_stack_text(set: &BindSet) -> &'static str {
    let v6_wildcard = set.wildcards().any(|addr| match addr.ip() {
        core::net::IpAddr::V6(ip) => ip.to_ipv4_mapped().is_none(),
        core::net::IpAddr::V4(_) => false,
    });
    if !v6_wildcard {
        return "";
    }
    match crate::sysctl::ipv6_v6only_default() {
        Some(false) => {
            "; [::] takes IPv4 connections too (IPV6_V6ONLY is off by default on this host)"
        }
        Some(true) => {
            "; [::] takes IPv6 connections only (IPV6_V6ONLY is on by default on this host)"
        }
        None => {
            "; whether [::] also takes IPv4 connections is not known (this system's \
             IPV6_V6ONLY default cannot be read), so its IPv4 addresses may be reachable too"
        }
    }
}

#[cfg(feature = "if-addrs")]
fn reachable_text(set: &BindSet) -> String {
    use crate::bind::reachable::{DualStack, reachable};

    let mut all: Vec<String> = Vec::new();
    for addr in set.wildcards() {
        // The system's IPV6_V6ONLY default, as the socket gets it; where it is not known,
        // the IPv6 addresses, and `dual_stack_text` says IPv4 may be reachable too.
        let listed = match reachable(*addr, DualStack::SystemDefault) {
            Err(err) if err.kind() == std::io::ErrorKind::Unsupported => {
                reachable(*addr, DualStack::No)
            }
            listed => listed,
        };
        match listed {
            // Port 0 is not where anyone connects: name the addresses, and the port as
            // the one the system picks.
            Ok(addrs) if addr.port() == 0 => all.extend(
                addrs
                    .iter()
                    .map(|a| std::format!("{} (on the port the system picks)", a.ip())),
            ),
            Ok(addrs) => all.extend(addrs.iter().map(ToString::to_string)),
            Err(err) => {
                return std::format!(
                    "every address of every interface (they could not be listed: {err})"
                );
            }
        }
    }
    all.dedup();
    if all.is_empty() {
        String::from("every address of every interface (none is configured now)")
    } else {
        all.join(", ")
    }
}

#[cfg(not(feature = "if-addrs"))]
fn reachable_text(_set: &BindSet) -> String {
    String::from("every address of every interface")
}

#[allow(unused_variables)]
pub(crate) fn emit_warning(text: &str) {
    #[cfg(feature = "log")]
    log::warn!(target: "bind_guard", "{text}");
    #[cfg(feature = "tracing")]
    tracing::warn!(target: "bind_guard", "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    fn config() -> EnvConfig {
        EnvConfig::new("APP_BIND")
            .fallback(crate::bind_addr!("127.0.0.1:8080"))
            .wildcard_opt_in("APP_EXPOSE")
    }

    #[test]
    fn default_variable_and_opt_in() {
        assert_eq!(
            config().load_from(env(&[])).unwrap().to_string(),
            "127.0.0.1:8080"
        );
        let set = config()
            .load_from(env(&[("APP_BIND", "localhost:9000")]))
            .unwrap();
        assert_eq!(set.to_string(), "127.0.0.1:9000,[::1]:9000");
        let err = config()
            .load_from(env(&[("APP_BIND", "[::]:9000"), ("APP_EXPOSE", "off")]))
            .unwrap_err();
        let EnvError::Address(error) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(error.kind(), ErrorKind::Wildcard);
        assert_eq!(
            error.value_source().and_then(Source::wildcard_opt_in),
            Some("set APP_EXPOSE=1")
        );
        assert!(
            err.to_string()
                .starts_with("APP_BIND: bind address \"[::]:9000\" is the wildcard")
        );
        for on in ["1", "TRUE", " yes ", "On"] {
            let set = config()
                .load_from(env(&[("APP_BIND", "[::]:9000"), ("APP_EXPOSE", on)]))
                .unwrap();
            assert!(set.addrs()[0].is_wildcard());
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let err = EnvConfig::new("X").load_from(env(&[])).unwrap_err();
        assert_eq!(err, EnvError::Missing { var: "X".into() });
        let err = config()
            .load_from(env(&[("APP_EXPOSE", "maybe")]))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("APP_EXPOSE=\"maybe\" is not a switch"),
            "{err}"
        );
        let err = EnvConfig::new("X")
            .fallback(crate::bind_addr!("10.0.0.1:1"))
            .policy(Policy::loopback())
            .load_from(env(&[]))
            .unwrap_err();
        assert!(
            err.to_string().starts_with("the default: bind address"),
            "{err}"
        );
        // The hint offers the opt-in as what it is: the wildcard and nothing more.
        let err = config()
            .policy(Policy::loopback())
            .load_from(env(&[("APP_BIND", "0.0.0.0:80")]))
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("; to listen on every interface on purpose, set APP_EXPOSE=1"),
            "{err}"
        );
        // A narrower policy applies to the variable; the opt-in only adds the wildcard.
        let err = config()
            .policy(Policy::loopback())
            .load_from(env(&[("APP_BIND", "10.0.0.1:80"), ("APP_EXPOSE", "1")]))
            .unwrap_err();
        assert!(
            matches!(err, EnvError::Address(ref error) if error.kind() == ErrorKind::NotLoopback)
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_values_are_refused() {
        use std::os::unix::ffi::OsStringExt;
        let err = EnvConfig::new("X")
            .load_from(|_| Some(OsString::from_vec(std::vec![0xff])))
            .unwrap_err();
        assert_eq!(err, EnvError::NotUnicode { var: "X".into() });
    }

    #[test]
    fn the_warning_names_the_wildcard_and_where_it_is_reachable() {
        let set = BindSet::parse(
            &Policy::default().allow_wildcard(),
            "127.0.0.1:1,0.0.0.0:8080",
        )
        .unwrap();
        let text = wildcard_warning(&set).unwrap();
        assert!(
            text.starts_with("listening on the wildcard address 0.0.0.0:8080: "),
            "{text}"
        );
        if cfg!(feature = "if-addrs") {
            assert!(text.contains("127.0.0.1:8080"), "{text}");
        } else {
            assert!(text.ends_with("every address of every interface"), "{text}");
        }
    }
}
