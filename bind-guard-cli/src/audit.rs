//! `bind-guard audit`: this host's listening sockets, checked against a policy (Linux).
//!
//! The socket tables come from `/proc/net/{tcp,tcp6,udp,udp6}` and the owners from
//! `/proc/PID/fd`, both read with the `procfs` crate. The tables are those of the
//! network namespace `bind-guard` runs in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use bind_guard::{ErrorKind, Escaped, Policy, Scope};
use serde::Serialize;

use crate::audit_filter::{AuditFilter, running_as_root};
use crate::explain::RouteLocalnetJson;
use crate::json::{ErrorJson, family};
use crate::{EXIT_OK, EXIT_REFUSED, Outcome, PolicyArgs};

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    filter: AuditFilter,
    /// Print one JSON object on stdout instead of a table
    #[arg(long)]
    json: bool,
}

/// One listening socket, as the kernel lists it.
// Only the Linux reader builds sockets and owners; elsewhere only the tests do.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Socket {
    pub(crate) proto: Proto,
    pub(crate) addr: SocketAddr,
    pub(crate) uid: u32,
    pub(crate) inode: u64,
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// The processes holding each socket, by inode, lowest pid first.
pub(crate) type Owners = BTreeMap<u64, Vec<Owner>>;

/// A process holding a socket.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) pid: i32,
    pub(crate) name: Option<String>,
}

/// One row of the JSON `sockets` array (schema in the crate docs).
#[derive(Debug, Serialize)]
struct RowJson {
    proto: &'static str,
    family: &'static str,
    address: String,
    port: u16,
    scope: &'static str,
    wildcard: bool,
    allowed: bool,
    allowed_by: Option<String>,
    error: Option<ErrorJson>,
    uid: u32,
    inode: u64,
    pid: Option<i32>,
    process: Option<String>,
    pids: Vec<i32>,
}

#[derive(Debug, Serialize)]
struct AuditJson {
    policy: String,
    allow_wildcard: bool,
    sockets: Vec<RowJson>,
    refused: usize,
    owners_complete: bool,
    route_localnet: RouteLocalnetJson,
}

pub(crate) fn run(args: &AuditArgs) -> Outcome {
    match host::listening_sockets() {
        Ok((sockets, owners)) => report(args, sockets, &owners, RouteLocalnetJson::read()),
        Err(err) => Outcome::error(err),
    }
}

/// Judges every socket and prints the report. Separate from the `/proc` reading so the
/// rules of the report can be tested with made-up sockets.
fn report(
    args: &AuditArgs,
    mut sockets: Vec<Socket>,
    owners: &Owners,
    route_localnet: RouteLocalnetJson,
) -> Outcome {
    sockets.retain(|s| args.filter.includes(s.proto));
    sockets.sort_by_key(|s| (s.proto, s.addr.port(), s.addr.ip(), s.inode));
    let policy = args.policy.policy();
    let rows: Vec<RowJson> = sockets
        .iter()
        .map(|socket| row(socket, &policy, &args.filter, owners.get(&socket.inode)))
        .collect();
    let refused = rows.iter().filter(|row| !row.allowed).count();
    let code = if refused == 0 { EXIT_OK } else { EXIT_REFUSED };
    let doc = AuditJson {
        policy: args.policy.name(),
        allow_wildcard: policy.allows_wildcard(),
        owners_complete: rows.iter().all(|row| row.pid.is_some()),
        refused,
        sockets: rows,
        route_localnet,
    };
    if args.json {
        return Outcome::json(code, &doc);
    }
    Outcome {
        code,
        stdout: text(&doc, &sockets, &policy, running_as_root()),
        stderr: String::new(),
    }
}

fn row(
    socket: &Socket,
    policy: &Policy,
    filter: &AuditFilter,
    owners: Option<&Vec<Owner>>,
) -> RowJson {
    let ip = socket.addr.ip();
    let scope = Scope::of(ip);
    let mut verdict = policy.check(socket.addr).map(|_| ());
    let mut allowed_by = None;
    if verdict.is_err() {
        allowed_by = filter.accepts(socket.proto, socket.addr, owners);
        if allowed_by.is_some() {
            verdict = Ok(());
        }
    }
    let first = owners.and_then(|owners| owners.first());
    RowJson {
        proto: socket.proto.name(),
        family: family(ip),
        address: ip.to_string(),
        port: socket.addr.port(),
        scope: scope.name(),
        wildcard: scope == Scope::Unspecified,
        allowed: verdict.is_ok(),
        allowed_by,
        error: verdict.as_ref().err().map(ErrorJson::new),
        uid: socket.uid,
        inode: socket.inode,
        pid: first.map(|owner| owner.pid),
        process: first.and_then(|owner| owner.name.clone()),
        pids: owners
            .map(|owners| owners.iter().map(|owner| owner.pid).collect())
            .unwrap_or_default(),
    }
}

/// The table, then each refusal and the library's hint for each kind of refusal.
fn text(doc: &AuditJson, sockets: &[Socket], policy: &Policy, root: Option<bool>) -> String {
    let mut out = String::new();
    // Sockets on 127.0.0.0/8 count as "this machine only" in every policy, which is
    // false while route_localnet is on: said first, whatever the sockets and the policy.
    if let Some(warning) = doc.route_localnet.warning() {
        let _ = writeln!(out, "warning: {warning}\n");
    }
    if doc.sockets.is_empty() {
        let _ = writeln!(out, "no listening TCP or bound UDP sockets");
        return out;
    }
    // A process name is chosen by whoever started the process, any local user: printed
    // raw, `\x1b[1A\x1b[2K` in it would erase the row above from the reader's terminal.
    let owner = |row: &RowJson| match (row.pid, &row.process) {
        (Some(pid), Some(name)) => format!("{pid}/{}", Escaped::new(name)),
        (Some(pid), None) => pid.to_string(),
        (None, _) => "-".to_owned(),
    };
    let addrs: Vec<String> = sockets.iter().map(|s| s.addr.to_string()).collect();
    let addr_width = addrs.iter().map(String::len).max().unwrap_or(0).max(13);
    let _ = writeln!(
        out,
        "{:<5}  {:<addr_width$}  {:<13}  {:<7}  PROCESS",
        "PROTO", "LOCAL ADDRESS", "SCOPE", "VERDICT"
    );
    for (row, addr) in doc.sockets.iter().zip(&addrs) {
        let verdict = match (row.allowed, &row.allowed_by) {
            (true, None) => "ok",
            (true, Some(_)) => "listed",
            (false, _) => "REFUSED",
        };
        let _ = writeln!(
            out,
            "{:<5}  {addr:<addr_width$}  {:<13}  {verdict:<7}  {}",
            row.proto,
            row.scope,
            owner(row)
        );
    }
    let wildcard = if args_widened(policy, &doc.policy) {
        " (with --allow-wildcard)"
    } else {
        ""
    };
    let _ = writeln!(out);
    if doc.refused == 0 {
        let _ = writeln!(
            out,
            "all {} sockets are allowed by the '{}' policy{wildcard}",
            doc.sockets.len(),
            doc.policy
        );
    } else {
        let _ = writeln!(
            out,
            "{} of {} sockets break the '{}' policy{wildcard}:",
            doc.refused,
            doc.sockets.len(),
            doc.policy
        );
        let mut kinds: Vec<ErrorKind> = Vec::new();
        for (socket, row) in sockets.iter().zip(&doc.sockets) {
            if row.allowed {
                continue;
            }
            if let Err(kind) = policy.decide(socket.addr) {
                let _ = writeln!(
                    out,
                    "  {} {} ({}): {}",
                    row.proto,
                    socket.addr,
                    owner(row),
                    kind.problem()
                );
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
                    "hint: to listen on this machine only, bind 127.0.0.1 or [::1]; to accept \
                     the wildcard in this audit, pass --allow-wildcard: it adds the wildcard, \
                     and nothing else, to the '{}' policy",
                    doc.policy
                );
            } else {
                let _ = writeln!(out, "hint: {}", kind.hint());
            }
        }
        let _ = writeln!(
            out,
            "hint: to accept a listener you expect, pass --allow PORT/PROTO (such as \
             --allow 22/tcp), --allow-addr IP or --allow-process NAME"
        );
    }
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
    out
}

#[cfg(target_os = "linux")]
mod host {
    use std::collections::BTreeSet;

    use procfs::ProcError;
    use procfs::net::{TcpState, UdpState};
    use procfs::process::FDTarget;

    use super::{Owner, Owners, Proto, Socket};

    /// Every listening TCP socket and bound, unconnected UDP socket, with the
    /// processes holding each (by inode).
    pub(super) fn listening_sockets() -> Result<(Vec<Socket>, Owners), String> {
        let mut sockets = Vec::new();
        for (table, entries) in [
            ("/proc/net/tcp", procfs::net::tcp()),
            ("/proc/net/tcp6", procfs::net::tcp6()),
        ] {
            for entry in optional_table(table, entries)? {
                if entry.state == TcpState::Listen {
                    sockets.push(Socket {
                        proto: Proto::Tcp,
                        addr: entry.local_address,
                        uid: entry.uid,
                        inode: entry.inode,
                    });
                }
            }
        }
        for (table, entries) in [
            ("/proc/net/udp", procfs::net::udp()),
            ("/proc/net/udp6", procfs::net::udp6()),
        ] {
            for entry in optional_table(table, entries)? {
                // A connected UDP socket only hears its peer, and port 0 is not bound yet:
                // neither listens for the network.
                if entry.state == UdpState::Close && entry.local_address.port() != 0 {
                    sockets.push(Socket {
                        proto: Proto::Udp,
                        addr: entry.local_address,
                        uid: entry.uid,
                        inode: entry.inode,
                    });
                }
            }
        }
        let inodes = sockets.iter().map(|socket| socket.inode).collect();
        Ok((sockets, owners(&inodes)))
    }

    /// A table that may be missing (the IPv6 ones, when IPv6 is disabled) reads as empty.
    fn optional_table<T>(path: &str, entries: Result<Vec<T>, ProcError>) -> Result<Vec<T>, String> {
        match entries {
            Ok(entries) => Ok(entries),
            Err(ProcError::NotFound(_)) if path.ends_with('6') => Ok(Vec::new()),
            Err(err) => Err(format!("cannot read {path}: {err}")),
        }
    }

    /// The processes holding each of `inodes`, lowest pid first. Processes whose file
    /// descriptors cannot be read (another user's, without root) or that exit during the
    /// scan are skipped: their sockets show no owner.
    fn owners(inodes: &BTreeSet<u64>) -> Owners {
        let mut owners = Owners::new();
        let Ok(processes) = procfs::process::all_processes() else {
            return owners;
        };
        for process in processes.flatten() {
            let Ok(fds) = process.fd() else { continue };
            let mut name = None;
            for fd in fds.flatten() {
                let FDTarget::Socket(inode) = fd.target else {
                    continue;
                };
                if !inodes.contains(&inode) {
                    continue;
                }
                let name = name
                    .get_or_insert_with(|| process.stat().ok().map(|stat| stat.comm))
                    .clone();
                let holders = owners.entry(inode).or_default();
                // One process may hold the same socket in several descriptors.
                if !holders.iter().any(|owner| owner.pid == process.pid()) {
                    holders.push(Owner {
                        pid: process.pid(),
                        name,
                    });
                }
            }
        }
        for holders in owners.values_mut() {
            holders.sort_by_key(|owner| owner.pid);
        }
        owners
    }
}

#[cfg(not(target_os = "linux"))]
mod host {
    use super::{Owners, Socket};

    pub(super) fn listening_sockets() -> Result<(Vec<Socket>, Owners), String> {
        Err(
            "'bind-guard audit' reads Linux's /proc and is not available on this system; \
             use 'bind-guard check' on each address instead (for example from the output of \
             'netstat -an' or 'lsof -i')"
                .to_owned(),
        )
    }
}

/// Whether `--allow-wildcard` widened the policy named `name`.
fn args_widened(policy: &Policy, name: &str) -> bool {
    policy.allows_wildcard()
        && !name
            .parse::<Policy>()
            .is_ok_and(|given| given.allows_wildcard())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyName;

    fn args(policy: PolicyName, json: bool) -> AuditArgs {
        AuditArgs {
            policy: PolicyArgs {
                policy: policy.policy(),
                allow_wildcard: false,
            },
            filter: AuditFilter::default(),
            json,
        }
    }

    fn socket(proto: Proto, addr: &str, inode: u64) -> Socket {
        Socket {
            proto,
            addr: addr.parse().unwrap(),
            uid: 1000,
            inode,
        }
    }

    #[test]
    fn report_judges_every_socket_and_sets_the_exit_code() {
        let sockets = vec![
            socket(Proto::Udp, "127.0.0.53:53", 3),
            socket(Proto::Tcp, "[::]:22", 2),
            socket(Proto::Tcp, "127.0.0.1:5432", 1),
        ];
        let mut owners = BTreeMap::new();
        owners.insert(
            2,
            vec![Owner {
                pid: 7,
                name: Some("sshd".to_owned()),
            }],
        );
        let outcome = report(
            &args(PolicyName::Default, true),
            sockets.clone(),
            &owners,
            RouteLocalnetJson::off(),
        );
        assert_eq!(outcome.code, EXIT_REFUSED);
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(json["refused"], 1);
        assert_eq!(json["owners_complete"], false);
        let rows = json["sockets"].as_array().unwrap();
        // Sorted: tcp before udp, then by port.
        assert_eq!(rows[0]["address"], "::");
        assert_eq!(rows[0]["port"], 22);
        assert_eq!(rows[0]["allowed"], false);
        assert_eq!(rows[0]["error"]["kind"], "wildcard");
        assert_eq!(rows[0]["pid"], 7);
        assert_eq!(rows[0]["process"], "sshd");
        assert_eq!(rows[1]["address"], "127.0.0.1");
        assert_eq!(rows[1]["pid"], serde_json::Value::Null);
        assert_eq!(rows[2]["proto"], "udp");
        assert_eq!(rows[2]["allowed"], true);

        let text = report(
            &args(PolicyName::Default, false),
            sockets.clone(),
            &owners,
            RouteLocalnetJson::off(),
        );
        assert!(
            text.stdout
                .contains("1 of 3 sockets break the 'default' policy")
        );
        assert!(
            text.stdout
                .contains("tcp [::]:22 (7/sshd): is the wildcard address")
        );

        let any = report(
            &args(PolicyName::DefaultAllowWildcard, false),
            sockets,
            &owners,
            RouteLocalnetJson::off(),
        );
        assert_eq!(any.code, EXIT_OK);
        assert!(any.stdout.contains("all 3 sockets are allowed"));
    }

    #[test]
    fn the_allow_list_gates_ci_and_says_what_allowed_a_socket() {
        let sockets = vec![
            socket(Proto::Tcp, "[::]:22", 2),
            socket(Proto::Udp, "0.0.0.0:5353", 3),
            socket(Proto::Tcp, "0.0.0.0:8080", 4),
        ];
        let mut owners = BTreeMap::new();
        owners.insert(
            2,
            vec![Owner {
                pid: 7,
                name: Some("sshd".to_owned()),
            }],
        );
        owners.insert(
            4,
            vec![Owner {
                pid: 9,
                name: Some("node".to_owned()),
            }],
        );
        let mut args = args(PolicyName::Default, true);
        args.filter.ports = vec!["5353/udp".parse().unwrap()];
        args.filter.processes = vec!["sshd".to_owned()];
        let outcome = report(&args, sockets.clone(), &owners, RouteLocalnetJson::off());
        assert_eq!(outcome.code, EXIT_REFUSED, "node on 8080 is not listed");
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(json["refused"], 1);
        let rows = json["sockets"].as_array().unwrap();
        assert_eq!(rows[0]["allowed_by"], "--allow-process sshd");
        assert_eq!(rows[0]["error"], serde_json::Value::Null);
        assert_eq!(rows[1]["allowed_by"], serde_json::Value::Null);
        assert_eq!(rows[1]["allowed"], false);
        assert_eq!(rows[2]["allowed_by"], "--allow 5353/udp");

        args.filter.ports.push("8080/tcp".parse().unwrap());
        assert_eq!(
            report(&args, sockets.clone(), &owners, RouteLocalnetJson::off()).code,
            EXIT_OK
        );
        // --udp audits UDP alone.
        args.filter.ports.clear();
        args.filter.udp = true;
        let outcome = report(&args, sockets.clone(), &owners, RouteLocalnetJson::off());
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(json["sockets"].as_array().unwrap().len(), 1);
        assert_eq!(outcome.code, EXIT_REFUSED);

        let mut text_args = self::args(PolicyName::Default, false);
        text_args.filter.processes = vec!["sshd".to_owned()];
        let text = report(&text_args, sockets, &owners, RouteLocalnetJson::off()).stdout;
        assert!(text.contains("listed"), "{text}");
        assert!(
            text.contains("hint: to accept a listener you expect, pass --allow PORT/PROTO"),
            "{text}"
        );
        assert!(!text.contains("Policy::"), "{text}");
    }

    #[test]
    fn the_note_on_unknown_owners_is_true_for_root() {
        let sockets = vec![socket(Proto::Tcp, "0.0.0.0:1", 1)];
        let doc_args = args(PolicyName::Default, false);
        let policy = doc_args.policy.policy();
        let rows = vec![row(&sockets[0], &policy, &doc_args.filter, None)];
        let doc = AuditJson {
            policy: "default".to_owned(),
            allow_wildcard: false,
            refused: 1,
            owners_complete: false,
            sockets: rows,
            route_localnet: RouteLocalnetJson::off(),
        };
        let as_root = text(&doc, &sockets, &policy, Some(true));
        assert!(!as_root.contains("run as root"), "{as_root}");
        assert!(as_root.contains("another PID namespace"), "{as_root}");
        let as_user = text(&doc, &sockets, &policy, Some(false));
        assert!(as_user.contains("run as root"), "{as_user}");
    }

    #[test]
    fn hints_never_suggest_a_wider_policy() {
        let sockets = vec![
            socket(Proto::Tcp, "0.0.0.0:80", 1),
            socket(Proto::Tcp, "10.0.0.1:81", 2),
        ];
        let outcome = report(
            &args(PolicyName::Loopback, false),
            sockets,
            &BTreeMap::new(),
            RouteLocalnetJson::off(),
        );
        assert!(!outcome.stdout.contains("--policy"), "{}", outcome.stdout);
        assert!(!outcome.stdout.contains("Policy::"), "{}", outcome.stdout);
        assert!(
            outcome.stdout.contains("pass --allow-wildcard: it adds the wildcard, and nothing else, to the 'loopback' policy"),
            "{}",
            outcome.stdout
        );
    }

    #[test]
    fn no_sockets_is_not_an_error() {
        let outcome = report(
            &args(PolicyName::Loopback, false),
            Vec::new(),
            &BTreeMap::new(),
            RouteLocalnetJson::off(),
        );
        assert_eq!(outcome.code, EXIT_OK);
        assert!(outcome.stdout.contains("no listening"));
    }
}
