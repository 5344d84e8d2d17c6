//! `audit --format openmetrics`: the report as OpenMetrics text, for node_exporter's
//! textfile collector (or any Prometheus scrape of a file).
//!
//! One gauge series per listener, Unix socket and published port, labelled with what
//! identifies it and the verdict; rows with the same labels (several `SO_REUSEPORT`
//! sockets, say) are one series whose value is their count. Then the refused count
//! and the unreadable namespaces, and `# EOF`.
//!
//! Label values are text from other users (process names, socket paths): they go
//! through the one escaping rule (`Escaped`: control characters written out), then
//! OpenMetrics' own (`\\`, `\"`, `\n`), so a label can neither break the exposition
//! nor carry terminal controls to whoever reads the file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bind_guard::Escaped;

use super::report::AuditJson;

const LISTENER: &str = "bind_guard_audit_listener";

/// The label names, in order.
const LABELS: [&str; 8] = [
    "kind",
    "namespace",
    "protocol",
    "address",
    "port",
    "process",
    "target",
    "verdict",
];

/// A label value, escaped for a terminal and for OpenMetrics.
fn label(value: &str) -> String {
    let shown = Escaped::new(value).to_string();
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn verdict(allowed: bool, allowed_by: Option<&String>) -> &'static str {
    match (allowed, allowed_by) {
        (true, None) => "ok",
        (true, Some(_)) => "listed",
        (false, _) => "refused",
    }
}

/// The exposition text.
pub(crate) fn render(doc: &AuditJson) -> String {
    let mut series: BTreeMap<[String; 8], u64> = BTreeMap::new();
    for row in &doc.sockets {
        let labels = [
            "socket".to_owned(),
            row.namespace.clone(),
            row.proto.to_owned(),
            row.address.clone(),
            row.port.to_string(),
            row.process.clone().unwrap_or_default(),
            row.forwards_to.clone().unwrap_or_default(),
            verdict(row.allowed, row.allowed_by.as_ref()).to_owned(),
        ];
        *series.entry(labels).or_default() += 1;
    }
    for row in &doc.unix_sockets {
        let labels = [
            "unix".to_owned(),
            row.namespace.clone(),
            format!("unix_{}", row.kind),
            row.name.clone(),
            String::new(),
            row.process.clone().unwrap_or_default(),
            String::new(),
            verdict(row.allowed, row.allowed_by.as_ref()).to_owned(),
        ];
        *series.entry(labels).or_default() += 1;
    }
    for row in &doc.published {
        let rule = &row.rule;
        let port = if rule.port == rule.port_end {
            rule.port.to_string()
        } else {
            format!("{}-{}", rule.port, rule.port_end)
        };
        let labels = [
            "published".to_owned(),
            row.namespace.clone(),
            rule.proto.name().to_owned(),
            rule.host.to_string(),
            port,
            String::new(),
            row.target_text.clone(),
            verdict(row.allowed, row.allowed_by.as_ref()).to_owned(),
        ];
        *series.entry(labels).or_default() += 1;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP {LISTENER} Listening sockets, Unix sockets and published ports, with the policy's verdict."
    );
    let _ = writeln!(out, "# TYPE {LISTENER} gauge");
    for (labels, count) in &series {
        let text: Vec<String> = LABELS
            .iter()
            .zip(labels)
            .map(|(name, value)| format!("{name}=\"{}\"", label(value)))
            .collect();
        let _ = writeln!(out, "{LISTENER}{{{}}} {count}", text.join(","));
    }
    let policy = format!("{{policy=\"{}\"}}", label(&doc.policy));
    for (name, labels, help, value) in [
        (
            "bind_guard_audit_refused",
            policy.as_str(),
            "Listeners, Unix sockets, published ports and unreadable namespaces the policy refuses.",
            doc.refused,
        ),
        (
            "bind_guard_audit_unreadable_namespaces",
            "",
            "Network namespaces that could not be read.",
            doc.unreadable_namespaces,
        ),
        (
            "bind_guard_audit_namespaces",
            "",
            "Network namespaces audited.",
            doc.namespaces.len(),
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        let _ = writeln!(out, "{name}{labels} {value}");
    }
    out.push_str("# EOF\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_twice() {
        assert_eq!(label("sshd"), "sshd");
        assert_eq!(label("a\"b"), "a\\\"b");
        // A backslash is doubled by Escaped, then each by OpenMetrics.
        assert_eq!(label("a\\b"), "a\\\\\\\\b");
        let hostile = label("x\x1b[2J\ny");
        assert!(
            !hostile.contains('\x1b') && !hostile.contains('\n'),
            "{hostile}"
        );
        assert_eq!(verdict(true, None), "ok");
        assert_eq!(verdict(true, Some(&String::new())), "listed");
        assert_eq!(verdict(false, None), "refused");
    }
}
