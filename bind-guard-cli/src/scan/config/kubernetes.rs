//! Kubernetes manifests: pods on the node's network (`hostNetwork: true`), container
//! ports bound on the node (`hostPort` without a `hostIP`), and wildcard addresses in a
//! container's `args`, `command` and `env`.
//!
//! A pod spec is any map with `containers`, wherever it sits (a Pod, a Deployment's
//! `spec.template.spec`, a CronJob's job template, a `List`'s items).

use super::super::classify::{self, Spelling};
use super::super::{Confidence, Finding, RuleId, shorten};
use super::args;
use super::compose::command_words;
use super::finding;
use super::keys;
use super::tree::{NodeId, Tree, Value};
use super::value;

/// Whether a document is a Kubernetes object.
pub(crate) fn is_manifest(tree: &Tree<'_>, root: NodeId) -> bool {
    tree.get(root, "apiVersion").is_some() && tree.get(root, "kind").is_some()
}

const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// Findings in every pod spec of the file.
pub(crate) fn scan(tree: &Tree<'_>, findings: &mut Vec<Finding>) {
    for (id, node) in tree.nodes.iter().enumerate() {
        let Value::Map(entries) = &node.value else {
            continue;
        };
        if !entries.iter().any(|e| e.key == "containers") {
            continue;
        }
        pod_spec(tree, id, findings);
    }
}

fn pod_spec(tree: &Tree<'_>, spec: NodeId, findings: &mut Vec<Finding>) {
    if let Some(host_network) = tree.get(spec, "hostNetwork")
        && tree.scalar(host_network) == Some("true")
    {
        findings.push(finding(
            RuleId::HostNetwork,
            Confidence::High,
            tree.position(host_network),
            "hostNetwork: true puts the pod on the node's network: every address it listens \
             on is the node's, the wildcard included"
                .to_owned(),
        ));
    }
    for list in CONTAINER_LISTS {
        let Some(containers) = tree.get(spec, list) else {
            continue;
        };
        for container in tree.items(containers) {
            container_findings(tree, *container, findings);
        }
    }
}

fn container_findings(tree: &Tree<'_>, container: NodeId, findings: &mut Vec<Finding>) {
    let name = tree
        .get(container, "name")
        .and_then(|n| tree.scalar(n))
        .map_or_else(|| "(unnamed)".to_owned(), |n| shorten(n, 60));
    if let Some(ports) = tree.get(container, "ports") {
        for port in tree.items(ports) {
            host_port(tree, *port, &name, findings);
        }
    }
    for key in ["command", "args"] {
        if let Some(node) = tree.get(container, key) {
            args::scan(&command_words(tree, node), key, findings);
        }
    }
    if let Some(env) = tree.get(container, "env") {
        for var in tree.items(env) {
            let name = tree.get(*var, "name").and_then(|n| tree.scalar(n));
            let value = tree.get(*var, "value");
            if let (Some(name), Some(value)) = (name, value)
                && let Some(text) = tree.scalar(value)
            {
                keys::env_finding(name, text, tree.position(value), findings);
            }
        }
    }
}

/// `hostPort: 8080`: the container port is bound on the node, on every interface
/// unless `hostIP` names one.
fn host_port(tree: &Tree<'_>, port: NodeId, container: &str, findings: &mut Vec<Finding>) {
    let Some(host_port) = tree.get(port, "hostPort") else {
        return;
    };
    let Some(number) = tree.scalar(host_port) else {
        return;
    };
    let host_ip_node = tree.get(port, "hostIP");
    let host_ip = host_ip_node.and_then(|h| tree.scalar(h)).map(value::expand);
    let everywhere = match host_ip.as_deref() {
        None | Some("") => true,
        Some(ip) => classify::literal(ip) == Some(Spelling::Host),
    };
    if everywhere {
        findings.push(finding(
            RuleId::KubernetesHostPort,
            Confidence::High,
            // At the wildcard `hostIP` when there is one, else at the port.
            tree.position(
                host_ip_node
                    .filter(|_| host_ip.as_deref().is_some_and(|ip| !ip.is_empty()))
                    .unwrap_or(host_port),
            ),
            format!(
                "container {container}'s hostPort {} is bound on every interface of the node ({})",
                shorten(number, 20),
                match host_ip.as_deref() {
                    Some(ip) if !ip.is_empty() => format!("hostIP {}", shorten(ip, 40)),
                    _ => "no hostIP".to_owned(),
                }
            ),
        ));
    }
}
