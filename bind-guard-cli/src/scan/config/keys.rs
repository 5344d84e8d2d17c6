//! How sure a key's name makes a wildcard value a listening address, and the scan of an
//! application's own config files (YAML, TOML, JSON) by key.
//!
//! `listen`/`bind` keys say it outright (high). `host`/`address`/`addr`/`ip` keys say it
//! when the value carries a port (`0.0.0.0:8080`) or the key sits in a server's section
//! (`server: {host: 0.0.0.0}`), and are a lead otherwise (low): a `database.host` is where
//! a client connects. Environment variables follow the same words, with any other name
//! a lead.

use super::super::classify::Spelling;
use super::super::{Confidence, Finding, RuleId, shorten};
use super::finding;
use super::tree::{NodeId, Tree, Value};
use super::value;

/// What a key's name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyClass {
    /// `listen`, `bind`, `bind_addr`, `listenAddress`, `web.listen-address`.
    Listen,
    /// `host`, `hostname`, `address`, `addr`, `ip`, `interface`, `HOST_IP`.
    Host,
    /// Anything else.
    Other,
}

/// The lowercase words of a key: split at punctuation and at camelCase humps.
fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

const HOST_WORDS: &[&str] = &[
    "host",
    "hostname",
    "hostaddr",
    "hostip",
    "addr",
    "address",
    "ip",
    "ipaddr",
    "ipaddress",
    "interface",
    "iface",
];

/// Sections whose `host`/`address` is where a server listens.
const SERVER_WORDS: &[&str] = &[
    "server",
    "http",
    "https",
    "web",
    "api",
    "grpc",
    "rpc",
    "metrics",
    "admin",
    "listener",
    "listeners",
    "endpoint",
    "endpoints",
    "service",
];

pub(crate) fn class(key: &str) -> KeyClass {
    let words = words(key);
    if words
        .iter()
        .any(|w| w.starts_with("listen") || w.starts_with("bind"))
    {
        KeyClass::Listen
    } else if words.iter().any(|w| HOST_WORDS.contains(&w.as_str())) {
        KeyClass::Host
    } else {
        KeyClass::Other
    }
}

fn is_server_section(key: &str) -> bool {
    class(key) == KeyClass::Listen
        || words(key)
            .iter()
            .any(|w| SERVER_WORDS.contains(&w.as_str()))
}

/// The confidence of a wildcard under `key` in an application's config file, `None`
/// when the key says nothing about listening.
pub(crate) fn app_grade(
    key: &str,
    section: Option<&str>,
    spelling: Spelling,
) -> Option<Confidence> {
    let with_port = matches!(spelling, Spelling::SocketAddr | Spelling::Prefix);
    match class(key) {
        KeyClass::Listen => Some(Confidence::High),
        KeyClass::Host if with_port || section.is_some_and(is_server_section) => {
            Some(Confidence::High)
        }
        KeyClass::Host => Some(Confidence::Low),
        KeyClass::Other if with_port => Some(Confidence::Low),
        KeyClass::Other => None,
    }
}

/// The confidence of a wildcard in an environment variable: its name says an address
/// (high), or it is a lead (low).
pub(crate) fn env_grade(name: &str) -> Confidence {
    match class(name) {
        KeyClass::Listen | KeyClass::Host => Confidence::High,
        KeyClass::Other => Confidence::Low,
    }
}

/// A wildcard in an environment variable, wherever it is set (`.env`, Compose
/// `environment`, a Kubernetes container's `env`, a Dockerfile's `ENV`).
pub(crate) fn env_finding(
    name: &str,
    value: &str,
    position: super::super::Position,
    findings: &mut Vec<Finding>,
) {
    let Some(spelling) = value::wildcard(value, false) else {
        return;
    };
    findings.push(finding(
        RuleId::ConfigWildcard,
        env_grade(name),
        position,
        format!(
            "{} is {}: a server listening on it serves every interface",
            shorten(name, 80),
            spelling.describe()
        ),
    ));
}

/// Whether a scalar could be the wildcard at all: the check that skips most values
/// before any allocation.
pub(crate) fn may_be_wildcard(text: &str) -> bool {
    text.contains('0') || text.contains("::") || text.contains('$')
}

/// Every `key: value` of the file whose value is the wildcard and whose key says it
/// is an address (`listen`, `bind`, `host`, …), list items under such a key included.
pub(crate) fn scan(tree: &Tree<'_>, findings: &mut Vec<Finding>) {
    for (id, node) in tree.nodes.iter().enumerate() {
        let Value::Scalar(text) = &node.value else {
            continue;
        };
        if node.is_key || !may_be_wildcard(text) {
            continue;
        }
        let Some(key) = tree.key_of(id) else {
            continue;
        };
        findings.extend(app_finding(key, tree.parent_key_of(id), text, || {
            tree.position(id)
        }));
    }
}

/// A TOML text that does not parse (a template: `peers = {{ .Values.peers }}`), read
/// line by line: each `key = "value"` (or `'value'`) under the last `[section]` seen,
/// judged as [`scan`] judges a parsed one. Arrays and inline tables are not read.
pub(crate) fn scan_toml_lines(text: &str, findings: &mut Vec<Finding>) {
    let mut section: Option<&str> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[') {
            // `[a.b]` and `[[a.b]]`: the innermost name, as `parent_key_of` gives it.
            let name = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("");
            section = name.rsplit('.').next().map(|s| s.trim().trim_matches('"'));
            continue;
        }
        let Some((key, rest)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            continue;
        };
        let Some(value) = rest[1..].split(quote).next() else {
            continue;
        };
        if !may_be_wildcard(value) {
            continue;
        }
        // The value's quotes, in characters from 1, as the parsed tree places a string.
        let start = line.chars().count() - rest.chars().count() + 1;
        let end = start + value.chars().count() + 2;
        let line = number + 1;
        let position = || super::super::Position {
            line,
            column: start,
            end_line: line,
            end_column: end,
        };
        findings.extend(app_finding(key, section, value, position));
    }
}

/// The finding for a wildcard `text` under `key` (in `section`) of an application's
/// config, if its key says it is an address.
fn app_finding(
    key: &str,
    section: Option<&str>,
    text: &str,
    position: impl FnOnce() -> super::super::Position,
) -> Option<Finding> {
    let urls = class(key) == KeyClass::Listen;
    let spelling = value::wildcard(text, urls)?;
    let confidence = app_grade(key, section, spelling)?;
    let place = match section {
        Some(section) => format!("{}.{}", shorten(section, 40), shorten(key, 40)),
        None => shorten(key, 80),
    };
    Some(finding(
        RuleId::ConfigWildcard,
        confidence,
        position(),
        format!(
            "`{place}` is {}: a server that listens on it serves every interface",
            spelling.describe()
        ),
    ))
}

/// The `KEY=VALUE` items or `KEY: VALUE` entries of an `environment`-like node.
pub(crate) fn environment(tree: &Tree<'_>, node: NodeId, findings: &mut Vec<Finding>) {
    if tree.is_map(node) {
        for (name, value) in tree.entries(node) {
            if let Some(text) = tree.scalar(value) {
                env_finding(name, text, tree.position(value), findings);
            }
        }
    }
    for item in tree.items(node) {
        if let Some((name, text)) = tree.scalar(*item).and_then(|s| s.split_once('=')) {
            env_finding(name, text, tree.position(*item), findings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_classes() {
        for key in [
            "listen",
            "bind",
            "bind_addr",
            "listenAddress",
            "web.listen-address",
            "BIND_ADDR",
            "LISTEN",
        ] {
            assert_eq!(class(key), KeyClass::Listen, "{key}");
        }
        for key in [
            "host",
            "address",
            "addr",
            "HOST_IP",
            "serverAddr",
            "ROCKET_ADDRESS",
            "ip",
        ] {
            assert_eq!(class(key), KeyClass::Host, "{key}");
        }
        for key in [
            "port",
            "zip",
            "skip",
            "DEFAULT_ROUTE",
            "DATABASE_URL",
            "hosting",
        ] {
            assert_eq!(class(key), KeyClass::Other, "{key}");
        }
    }

    #[test]
    fn grades() {
        use Confidence::{High, Low};
        use Spelling::{Host, SocketAddr};
        assert_eq!(app_grade("listen", None, Host), Some(High));
        assert_eq!(app_grade("host", None, SocketAddr), Some(High));
        assert_eq!(app_grade("host", Some("server"), Host), Some(High));
        assert_eq!(app_grade("host", Some("http_server"), Host), Some(High));
        assert_eq!(app_grade("host", Some("service"), Host), Some(High));
        assert_eq!(app_grade("host", Some("database"), Host), Some(Low));
        assert_eq!(app_grade("host", None, Host), Some(Low));
        assert_eq!(app_grade("gateway", None, SocketAddr), Some(Low));
        assert_eq!(app_grade("gateway", None, Host), None);
        assert_eq!(app_grade("gateway", Some("server"), Host), None);
        assert_eq!(env_grade("SAFE_HOST"), High);
        assert_eq!(env_grade("DEFAULT_ROUTE"), Low);
    }
}
