//! `audit`'s table for people: where the tables came from, the namespaces, the inet
//! sockets, the Unix sockets, the published ports, then each refusal with the hint for
//! its kind, notes, and the host settings. Every name another user could choose
//! (process names, socket paths, device names, namespace names) goes through
//! `Escaped`: `\x1b[1A\x1b[2K` in a process name would otherwise erase the row above
//! from the reader's terminal.

use std::fmt::Write as _;

use bind_guard::{BindError, ErrorKind, Escaped, Policy};

use super::report::{AuditJson, RowJson};

fn verdict(allowed: bool, allowed_by: Option<&String>) -> &'static str {
    match (allowed, allowed_by) {
        (true, None) => "ok",
        (true, Some(_)) => "listed",
        (false, _) => "REFUSED",
    }
}

fn owner(pid: Option<i32>, process: Option<&String>) -> String {
    match (pid, process) {
        (Some(pid), Some(name)) => format!("{pid}/{}", Escaped::new(name)),
        (Some(pid), None) => pid.to_string(),
        (None, _) => "-".to_owned(),
    }
}

fn esc(text: &str) -> String {
    Escaped::new(text).to_string()
}

/// The whole table.
pub(crate) fn render(doc: &AuditJson, policy: &Policy, root: Option<bool>) -> String {
    let mut out = String::new();
    match &doc.source_note {
        None => {
            let _ = writeln!(
                out,
                "source: sock_diag (netlink): devices and IPV6_V6ONLY as the kernel holds them; \
                 device names and addresses read in each socket's own namespace (rtnetlink)"
            );
        }
        Some(why) => {
            let _ = writeln!(
                out,
                "source: /proc/net ({}): devices and IPV6_V6ONLY unknown, [::] judged as \
                 dual-stack",
                esc(why)
            );
        }
    }
    if let Some(note) = &doc.scope_note {
        let _ = writeln!(out, "note: {note}");
    }
    namespaces(&mut out, doc);
    // Sockets on 127.0.0.0/8 count as "this machine only" in every policy, which is
    // false while route_localnet is on: said first, whatever the sockets and the policy.
    if let Some(warning) = doc.route_localnet.warning() {
        let _ = writeln!(out, "warning: {warning}\n");
    }
    for ns in &doc.namespaces {
        if ns.own {
            continue;
        }
        if let Some(warning) = ns.route_localnet.as_ref().and_then(|r| r.warning()) {
            let _ = writeln!(out, "warning: in {}: {warning}\n", esc(&ns.name));
        }
    }
    let total = doc.sockets.len()
        + doc.unix_sockets.len()
        + doc.published.len()
        + doc.unreadable_namespaces;
    if doc.sockets.is_empty() {
        let _ = writeln!(out, "no listening TCP or bound UDP sockets");
    } else {
        inet_table(&mut out, doc);
    }
    unix_table(&mut out, doc);
    published_table(&mut out, doc);
    summary(&mut out, doc, policy, total);
    if !doc.owners_complete {
        // As root every process's descriptors are readable: another user is no reason.
        let other_user = if root == Some(true) {
            ""
        } else {
            "a process of another user (run as root to see it), "
        };
        let _ = writeln!(
            out,
            "note: the owner of some sockets was not found: {other_user}a process in another \
             PID namespace (a container sharing this network), or a socket the kernel holds"
        );
    }
    if let Some(baseline) = &doc.baseline {
        let _ = writeln!(
            out,
            "baseline: {} rows of {} were known and are not listed",
            baseline.known,
            esc(&baseline.file)
        );
    }
    out.push('\n');
    out.push_str(&doc.host.text());
    out
}

fn namespaces(out: &mut String, doc: &AuditJson) {
    let names: Vec<String> = doc.namespaces.iter().map(|ns| esc(&ns.name)).collect();
    let _ = writeln!(
        out,
        "namespaces: {} ({})",
        doc.namespaces.len(),
        if names.len() <= 12 {
            names.join(", ")
        } else {
            format!("{}, …", names.get(..12).unwrap_or_default().join(", "))
        }
    );
    for ns in &doc.namespaces {
        if let Some(err) = &ns.error {
            let _ = writeln!(
                out,
                "UNREADABLE: namespace {} (inode {}): {} — its sockets are unknown, and it counts as refused",
                esc(&ns.name),
                ns.inode,
                esc(err)
            );
        }
        for problem in &ns.rules_problems {
            let _ = writeln!(
                out,
                "note: published ports of {} may be missing: {}",
                esc(&ns.name),
                esc(problem)
            );
        }
    }
}

fn inet_table(out: &mut String, doc: &AuditJson) {
    let device = |row: &RowJson| row.device.as_deref().map_or_else(|| "-".to_owned(), esc);
    let v6only = |row: &RowJson| match (row.family, row.v6only) {
        ("ipv4", _) => "-",
        (_, Some(true)) => "yes",
        (_, Some(false)) => "no",
        (_, None) => "?",
    };
    let addrs: Vec<String> = doc.sockets.iter().map(|r| r.addr.to_string()).collect();
    let namespaces: Vec<String> = doc.sockets.iter().map(|r| esc(&r.namespace)).collect();
    let devices: Vec<String> = doc.sockets.iter().map(device).collect();
    let width = |list: &[String], min: usize| {
        list.iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (ns_w, addr_w, dev_w) = (width(&namespaces, 9), width(&addrs, 13), width(&devices, 6));
    let _ = writeln!(
        out,
        "{:<ns_w$}  {:<5}  {:<addr_w$}  {:<dev_w$}  {:<6}  {:<13}  {:<7}  PROCESS",
        "NAMESPACE", "PROTO", "LOCAL ADDRESS", "DEVICE", "V6ONLY", "SCOPE", "VERDICT"
    );
    for (((row, addr), ns), dev) in doc
        .sockets
        .iter()
        .zip(&addrs)
        .zip(&namespaces)
        .zip(&devices)
    {
        let forwards = row
            .forwards_to
            .as_deref()
            .map(|to| format!(" → {}", esc(to)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{ns:<ns_w$}  {:<5}  {addr:<addr_w$}  {dev:<dev_w$}  {:<6}  {:<13}  {:<7}  {}{forwards}",
            row.proto,
            v6only(row),
            row.scope,
            verdict(row.allowed, row.allowed_by.as_ref()),
            owner(row.pid, row.process.as_ref())
        );
    }
}

fn unix_table(out: &mut String, doc: &AuditJson) {
    if doc.unix_sockets.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nUnix sockets:");
    let namespaces: Vec<String> = doc.unix_sockets.iter().map(|r| esc(&r.namespace)).collect();
    let ns_w = namespaces
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(
        out,
        "{:<ns_w$}  {:<9}  {:<5}  {:<11}  {:<7}  {:<16}  PATH OR @NAME",
        "NAMESPACE", "TYPE", "MODE", "OWNER", "VERDICT", "PROCESS"
    );
    for (row, ns) in doc.unix_sockets.iter().zip(&namespaces) {
        let owner_ids = match (row.owner_uid, row.owner_gid) {
            (Some(uid), Some(gid)) => format!("{uid}:{gid}"),
            _ => "-".to_owned(),
        };
        let mode = row.mode.clone().unwrap_or_else(|| match row.file {
            "unlinked" => "gone".to_owned(),
            "none" => "none".to_owned(),
            _ => "?".to_owned(),
        });
        let _ = writeln!(
            out,
            "{ns:<ns_w$}  {:<9}  {mode:<5}  {owner_ids:<11}  {:<7}  {:<16}  {}",
            row.kind,
            verdict(row.allowed, row.allowed_by.as_ref()),
            owner(row.pid, row.process.as_ref()),
            row.shown
        );
    }
}

fn published_table(out: &mut String, doc: &AuditJson) {
    if doc.published.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nPublished ports (DNAT: the host side accepts, the target receives):"
    );
    for row in &doc.published {
        let via = row
            .rule
            .via
            .as_deref()
            .map(|v| format!(" via {}", esc(v)))
            .unwrap_or_default();
        let guard = match row.rule.loopback_dropped {
            Some(true) => " (outside traffic to it dropped before DNAT: loopback only)",
            Some(false) => {
                " (no rule drops outside traffic to it before DNAT: neighbours reach it, judged as the wildcard)"
            }
            None => "",
        };
        let _ = writeln!(
            out,
            "{}  {:<3}  {} → {}{via}  [{}]  {}{guard}",
            esc(&row.namespace),
            row.rule.proto.name(),
            row.host_text,
            row.target_text,
            row.rule.source,
            verdict(row.allowed, row.allowed_by.as_ref())
        );
    }
}

fn summary(out: &mut String, doc: &AuditJson, policy: &Policy, total: usize) {
    let wildcard = if args_widened(policy, &doc.policy) {
        " (with --allow-wildcard)"
    } else {
        ""
    };
    let _ = writeln!(out);
    if doc.refused == 0 {
        let _ = writeln!(
            out,
            "all {total} listeners, Unix sockets and published ports are allowed by the '{}' \
             policy{wildcard}",
            doc.policy
        );
        return;
    }
    let _ = writeln!(
        out,
        "{} of {total} break the '{}' policy{wildcard}:",
        doc.refused, doc.policy
    );
    let mut kinds: Vec<ErrorKind> = Vec::new();
    let mut hints: Vec<&str> = Vec::new();
    for row in doc.sockets.iter().filter(|r| !r.allowed) {
        let Some(err) = &row.refusal else { continue };
        let on = row
            .device
            .as_deref()
            .map(|name| format!(" on {}", esc(name)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}{on} in {} ({}): {}",
            row.proto,
            row.addr,
            esc(&row.namespace),
            owner(row.pid, row.process.as_ref()),
            problem(err)
        );
        {
            let kind = err.kind();
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    for row in doc.unix_sockets.iter().filter(|r| !r.allowed) {
        let Some(err) = &row.error else { continue };
        let note = row
            .file_note
            .as_deref()
            .map(|n| format!(" ({})", esc(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  unix {} in {} ({}): {}{note}",
            row.shown,
            esc(&row.namespace),
            owner(row.pid, row.process.as_ref()),
            err.problem
        );
        if !hints.contains(&err.hint) {
            hints.push(err.hint);
        }
    }
    for row in doc.published.iter().filter(|r| !r.allowed) {
        let Some(err) = &row.refusal else { continue };
        let _ = writeln!(
            out,
            "  published {} {} → {} in {}: judged as {}: {}",
            row.rule.proto.name(),
            row.host_text,
            row.target_text,
            esc(&row.namespace),
            row.judged_as,
            problem(err)
        );
        if let Some(note) = row.note {
            let _ = writeln!(out, "    ({note})");
        }
        {
            let kind = err.kind();
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    for kind in kinds {
        if kind == ErrorKind::Wildcard {
            // Here the opt-in is a flag, and never a wider policy (`--policy
            // default,allow_wildcard` on a narrower base would accept more than the
            // wildcard).
            let _ = writeln!(
                out,
                "hint: to listen on this machine only, bind 127.0.0.1 or [::1] (publish with \
                 -p 127.0.0.1:PORT:PORT, on Docker 28 or later); to accept the wildcard in this \
                 audit, pass --allow-wildcard: it adds the wildcard, and nothing else, to the \
                 '{}' policy",
                doc.policy
            );
        } else {
            let _ = writeln!(out, "hint: {}", kind.hint());
        }
    }
    for hint in hints {
        let _ = writeln!(out, "hint: {hint}");
    }
    let _ = writeln!(
        out,
        "hint: to accept a listener you expect, pass --allow PORT/PROTO (such as \
         --allow 22/tcp), --allow-addr IP or --allow-process NAME"
    );
}

/// What is wrong, with the device's address that was refused for a device-bound
/// wildcard.
fn problem(err: &BindError) -> String {
    let which = err
        .resolved_addr()
        .map(|addr| format!("its address {addr} "))
        .unwrap_or_default();
    format!("{which}{}", err.kind().problem())
}

/// Whether `--allow-wildcard` widened the policy named `name`.
fn args_widened(policy: &Policy, name: &str) -> bool {
    policy.allows_wildcard()
        && !name
            .parse::<Policy>()
            .is_ok_and(|given| given.allows_wildcard())
}
