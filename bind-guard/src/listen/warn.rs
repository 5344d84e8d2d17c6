//! The one warning a wildcard result gets, and how warnings are logged.

use std::string::{String, ToString};
use std::vec::Vec;

use crate::BindSet;

/// The warning [`Listen::load`](super::Listen::load) logs when `set` includes the wildcard, or `None`:
/// the wildcard address and the concrete addresses it is reachable on.
///
/// ```
/// use bind_guard::{listen::wildcard_warning, BindSet, Policy};
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

/// Logs `text` once, as a warning with target `bind_guard`
/// ([`warn_event!`](crate::warn_event::warn_event)).
#[allow(unused_variables)]
pub(crate) fn emit(text: &str) {
    crate::warn_event::warn_event!("bind_guard", [], "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

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
