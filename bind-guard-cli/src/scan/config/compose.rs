//! Docker Compose: ports published on every interface of the host, services on the
//! host's network, and wildcard addresses in a service's command and environment.
//!
//! The file is read by a YAML parser, so every syntax Compose accepts is seen: block
//! and flow lists over several lines, quoted keys, the long syntax, anchors and merge
//! keys (`<<: *defaults`), and `${VAR:-default}` interpolation, which Compose applies
//! before it reads a port (an unset variable gives its default).

use super::super::classify::{self, Spelling};
use super::super::{Confidence, Finding, RuleId, shorten};
use super::args::{self, Word};
use super::finding;
use super::keys;
use super::tree::{NodeId, Tree, Value};
use super::value::{self, UNSET};

/// Keys only a Compose service has (with `services:` at the top, they tell a Compose
/// file from other YAML whatever its name).
const SERVICE_KEYS: &[&str] = &[
    "image",
    "build",
    "ports",
    "network_mode",
    "container_name",
    "depends_on",
    "restart",
    "healthcheck",
];

/// Whether a document is a Compose file: `services:` holding a map whose values are
/// services, and none of the top keys of a CI workflow or a Kubernetes object.
pub(crate) fn is_compose(tree: &Tree<'_>, root: NodeId) -> bool {
    let top = tree.entries(root);
    if top
        .iter()
        .any(|(k, _)| matches!(*k, "apiVersion" | "kind" | "jobs" | "on" | "steps"))
    {
        return false;
    }
    let Some(services) = top.iter().find(|(k, _)| *k == "services").map(|(_, v)| *v) else {
        return false;
    };
    tree.entries(services).iter().any(|(_, service)| {
        tree.entries(*service)
            .iter()
            .any(|(k, _)| SERVICE_KEYS.contains(k))
    })
}

/// Findings in a Compose document.
pub(crate) fn scan(tree: &Tree<'_>, root: NodeId, findings: &mut Vec<Finding>) {
    let Some(services) = tree.get(root, "services") else {
        return;
    };
    for (name, service) in tree.entries(services) {
        let service_entries = tree.entries(service);
        let get = |key: &str| {
            service_entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
        };
        if let Some(ports) = get("ports") {
            for item in tree.items(ports) {
                port(tree, *item, findings);
            }
        }
        if let Some(mode) = get("network_mode")
            && tree.scalar(mode) == Some("host")
        {
            findings.push(finding(
                RuleId::HostNetwork,
                Confidence::High,
                tree.position(mode),
                format!(
                    "service {} runs on the host's network (network_mode: host): every \
                     address it listens on is the host's, the wildcard included, and no \
                     ports: entry limits it",
                    shorten(name, 60)
                ),
            ));
        }
        for key in ["command", "entrypoint"] {
            if let Some(node) = get(key) {
                args::scan(&command_words(tree, node), key, findings);
            }
        }
        if let Some(environment) = get("environment") {
            keys::environment(tree, environment, findings);
        }
    }
}

/// A command as words: a list of strings, or one string.
pub(crate) fn command_words(tree: &Tree<'_>, node: NodeId) -> Vec<Word> {
    let word = |id: NodeId| {
        let text = tree.scalar(id)?;
        let at = tree.position(id);
        Some(Word {
            text: text.to_owned(),
            line: at.line,
            column: at.column,
        })
    };
    match tree.value(node) {
        Some(Value::Seq(items)) => items.iter().filter_map(|id| word(*id)).collect(),
        _ => word(node).into_iter().collect(),
    }
}

/// One `ports:` item, short (`"[HOST:]HOST_PORT:CONTAINER_PORT[/PROTO]"`) or long.
fn port(tree: &Tree<'_>, item: NodeId, findings: &mut Vec<Finding>) {
    if tree.is_map(item) {
        return long_port(tree, item, findings);
    }
    let Some(text) = tree.scalar(item) else {
        return;
    };
    let expanded = value::expand(text);
    let spec = expanded.split('/').next().unwrap_or_default();
    let published = |message: String| {
        finding(
            RuleId::ComposePublishAll,
            Confidence::High,
            tree.position(item),
            message,
        )
    };
    if value::has_variable(spec) && !spec.contains(':') {
        // The whole entry is a variable: decided at deploy time, and it may publish on
        // every interface.
        findings.push(finding(
            RuleId::ComposePublishAll,
            Confidence::Low,
            tree.position(item),
            format!(
                "port \"{}\" comes from a variable: if it names no host IP, Docker publishes it on every interface of the host",
                shorten(text, 80)
            ),
        ));
        return;
    }
    match host_of(spec) {
        None => findings.push(published(format!(
            "port \"{}\" has no host IP, so Docker publishes it on every interface of the host",
            shorten(text, 80)
        ))),
        Some("") => findings.push(published(format!(
            "port \"{}\" has an empty host IP, so Docker publishes it on every interface of the host",
            shorten(text, 80)
        ))),
        Some(host) if host.chars().all(|c| c == UNSET) => findings.push(finding(
            RuleId::ComposePublishAll,
            Confidence::Low,
            tree.position(item),
            format!(
                "port \"{}\" takes its host IP from a variable without a default: when it is \
                 unset, Docker publishes the port on every interface of the host",
                shorten(text, 80)
            ),
        )),
        Some(host) if value::has_variable(host) => {}
        Some(host) => {
            if classify::literal(host) == Some(Spelling::Host) {
                findings.push(published(format!(
                    "port \"{}\" is published on {}, every interface of the host",
                    shorten(text, 80),
                    shorten(host, 40)
                )));
            }
        }
    }
}

/// The host IP of a short port spec (without `/proto`): `None` when it has none.
fn host_of(spec: &str) -> Option<&str> {
    if let Some(rest) = spec.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return after.starts_with(':').then_some(host);
    }
    let mut parts = spec.rsplitn(3, ':');
    let (_container, _published, host) = (parts.next(), parts.next(), parts.next());
    host
}

/// `- target: 80` with `published:` and `host_ip:`.
fn long_port(tree: &Tree<'_>, item: NodeId, findings: &mut Vec<Finding>) {
    let published = tree
        .get(item, "published")
        .and_then(|p| tree.scalar(p))
        .map_or_else(|| "(any)".to_owned(), |p| shorten(p, 40));
    let host_ip = tree.get(item, "host_ip");
    let host = host_ip.and_then(|h| tree.scalar(h)).map(value::expand);
    match (host_ip, host.as_deref()) {
        (None, _) | (Some(_), None | Some("")) => findings.push(finding(
            RuleId::ComposePublishAll,
            Confidence::High,
            tree.position(item),
            format!(
                "port {published} has no host_ip, so Docker publishes it on every interface of the host"
            ),
        )),
        (Some(at), Some(host)) => {
            if classify::literal(host) == Some(Spelling::Host) {
                findings.push(finding(
                    RuleId::ComposePublishAll,
                    Confidence::High,
                    tree.position(at),
                    format!(
                        "host_ip {} publishes port {published} on every interface of the host",
                        shorten(host, 40)
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_short_specs() {
        assert_eq!(host_of("8080:80"), None);
        assert_eq!(host_of("3000"), None);
        assert_eq!(host_of("127.0.0.1:80:80"), Some("127.0.0.1"));
        assert_eq!(host_of("[::1]:80:80"), Some("::1"));
        assert_eq!(host_of("::1:80:80"), Some("::1"));
        assert_eq!(host_of(":80:80"), Some(""));
        assert_eq!(host_of("0.0.0.0:5000-5010:5000-5010"), Some("0.0.0.0"));
        assert_eq!(host_of("[::]80"), None);
    }
}
