//! `bind-guard audit`: this host's listening sockets, checked against a policy (Linux).
//!
//! The sockets come from the kernel's `sock_diag` netlink interface ([`sock_diag`]),
//! which also reports the device a socket is restricted to and `IPV6_V6ONLY`; where
//! netlink is unavailable, from `/proc/net/{tcp,tcp6,udp,udp6}` ([`proc`]), which
//! shows neither (both are then unknown, and judged at their widest). The report says
//! which source it used. Owners come from `/proc/PID/fd`. The [`host`] section reads
//! the sysctls that change exposure. All of it is the network namespace `bind-guard`
//! runs in.
//!
//! The verdict on each socket is the library's `SocketFacts::judge`: a wildcard
//! restricted to a device is judged by that device's addresses.

mod host;
#[cfg(target_os = "linux")]
mod proc;
#[cfg(target_os = "linux")]
mod sock_diag;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use bind_guard::facts::{SocketFacts, SocketRefusal};
use bind_guard::{BindError, ErrorKind, Escaped, Policy, Scope};
use serde::Serialize;

use self::host::HostJson;

use crate::json::{ErrorJson, family};
use crate::{EXIT_OK, EXIT_REFUSED, Outcome, PolicyArgs};

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    #[command(flatten)]
    policy: PolicyArgs,
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
    /// `IPV6_V6ONLY` of an IPv6 socket, when the source shows it.
    pub(crate) v6only: Option<bool>,
    /// The device the socket is restricted to (`SO_BINDTODEVICE`), when the source
    /// shows it.
    pub(crate) device: Option<String>,
}

impl Socket {
    /// The library's verdict on this socket.
    fn verdict(&self, policy: &Policy) -> Result<(), BindError> {
        // Only listening TCP sockets and bound UDP sockets are listed.
        let listening = (self.proto == Proto::Tcp).then_some(true);
        let facts = SocketFacts::new(self.addr, self.v6only, self.device.clone(), listening);
        match facts.judge(policy) {
            Ok(()) => Ok(()),
            Err(SocketRefusal::Policy(err)) => Err(err),
            // Not reachable for a listed socket; refused as the wildcard would be, never
            // allowed by accident.
            Err(_) => Err(BindError::new(&self.addr.to_string(), ErrorKind::Wildcard)),
        }
    }
}

/// Where the socket tables came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The kernel's sock_diag netlink interface.
    SockDiag,
    /// `/proc/net/*`, with why netlink was not used.
    Proc(String),
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
    device: Option<String>,
    v6only: Option<bool>,
    allowed: bool,
    error: Option<ErrorJson>,
    uid: u32,
    inode: u64,
    pid: Option<i32>,
    process: Option<String>,
    pids: Vec<i32>,
}

#[derive(Debug, Serialize)]
struct AuditJson {
    policy: &'static str,
    allow_wildcard: bool,
    source: &'static str,
    source_note: Option<String>,
    sockets: Vec<RowJson>,
    refused: usize,
    owners_complete: bool,
    host: HostJson,
}

pub(crate) fn run(args: &AuditArgs) -> Outcome {
    match read_sockets() {
        Ok((sockets, owners, source)) => report(args, sockets, &owners, &source, HostJson::read()),
        Err(err) => Outcome::error(err),
    }
}

/// The sockets from sock_diag, or from `/proc` where netlink fails; their owners.
#[cfg(target_os = "linux")]
fn read_sockets() -> Result<(Vec<Socket>, Owners, Source), String> {
    let (sockets, source) = match sock_diag::listening_sockets() {
        Ok(sockets) => (sockets, Source::SockDiag),
        Err(why) => (proc::listening_sockets()?, Source::Proc(why)),
    };
    let inodes = sockets.iter().map(|socket| socket.inode).collect();
    Ok((sockets, proc::owners(&inodes), source))
}

#[cfg(not(target_os = "linux"))]
fn read_sockets() -> Result<(Vec<Socket>, Owners, Source), String> {
    Err(
        "'bind-guard audit' reads Linux's socket tables and is not available on this system; \
         use 'bind-guard check' on each address instead (for example from the output of \
         'netstat -an' or 'lsof -i')"
            .to_owned(),
    )
}

/// Judges every socket and prints the report. Separate from the reading so the rules
/// of the report can be tested with made-up sockets.
fn report(
    args: &AuditArgs,
    mut sockets: Vec<Socket>,
    owners: &Owners,
    source: &Source,
    host: HostJson,
) -> Outcome {
    sockets.sort_by_key(|s| (s.proto, s.addr.port(), s.addr.ip(), s.inode));
    let policy = args.policy.policy();
    let verdicts: Vec<Result<(), BindError>> = sockets
        .iter()
        .map(|socket| socket.verdict(&policy))
        .collect();
    let rows: Vec<RowJson> = sockets
        .iter()
        .zip(&verdicts)
        .map(|(socket, verdict)| row(socket, verdict, owners.get(&socket.inode)))
        .collect();
    let refused = rows.iter().filter(|row| !row.allowed).count();
    let code = if refused == 0 { EXIT_OK } else { EXIT_REFUSED };
    let doc = AuditJson {
        policy: args.policy.policy.name(),
        allow_wildcard: policy.allows_wildcard(),
        source: match source {
            Source::SockDiag => "sock_diag",
            Source::Proc(_) => "proc",
        },
        source_note: match source {
            Source::SockDiag => None,
            Source::Proc(why) => Some(why.clone()),
        },
        host,
        owners_complete: rows.iter().all(|row| row.pid.is_some()),
        refused,
        sockets: rows,
    };
    if args.json {
        return Outcome::json(code, &doc);
    }
    Outcome {
        code,
        stdout: text(&doc, &sockets, &verdicts, &policy),
        stderr: String::new(),
    }
}

fn row(socket: &Socket, verdict: &Result<(), BindError>, owners: Option<&Vec<Owner>>) -> RowJson {
    let ip = socket.addr.ip();
    let scope = Scope::of(ip);
    let first = owners.and_then(|owners| owners.first());
    RowJson {
        proto: socket.proto.name(),
        family: family(ip),
        address: ip.to_string(),
        port: socket.addr.port(),
        scope: scope.name(),
        wildcard: scope == Scope::Unspecified,
        device: socket.device.clone(),
        v6only: socket.v6only,
        allowed: verdict.is_ok(),
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

/// The source, the table, each refusal with the library's hint for each kind, then
/// the host settings.
fn text(
    doc: &AuditJson,
    sockets: &[Socket],
    verdicts: &[Result<(), BindError>],
    policy: &Policy,
) -> String {
    let mut out = String::new();
    match &doc.source_note {
        None => {
            let _ = writeln!(
                out,
                "source: sock_diag (netlink): devices and IPV6_V6ONLY as the kernel holds them"
            );
        }
        Some(why) => {
            let _ = writeln!(
                out,
                "source: /proc/net ({why}): devices and IPV6_V6ONLY unknown, [::] judged as dual-stack"
            );
        }
    }
    if doc.sockets.is_empty() {
        let _ = writeln!(out, "no listening TCP or bound UDP sockets");
        out.push('\n');
        out.push_str(&doc.host.text());
        return out;
    }
    // Process and device names come from other users and the host: escaped.
    let owner = |row: &RowJson| match (row.pid, &row.process) {
        (Some(pid), Some(name)) => format!("{pid}/{}", Escaped::cut(name, 32)),
        (Some(pid), None) => pid.to_string(),
        (None, _) => "-".to_owned(),
    };
    let device = |row: &RowJson| {
        row.device
            .as_deref()
            .map_or_else(|| "-".to_owned(), |name| Escaped::cut(name, 16).to_string())
    };
    let v6only = |row: &RowJson| match (row.family, row.v6only) {
        ("ipv4", _) => "-",
        (_, Some(true)) => "yes",
        (_, Some(false)) => "no",
        (_, None) => "?",
    };
    let addrs: Vec<String> = sockets.iter().map(|s| s.addr.to_string()).collect();
    let addr_width = addrs.iter().map(String::len).max().unwrap_or(0).max(13);
    let devices: Vec<String> = doc.sockets.iter().map(device).collect();
    let device_width = devices.iter().map(String::len).max().unwrap_or(0).max(6);
    let _ = writeln!(
        out,
        "{:<5}  {:<addr_width$}  {:<device_width$}  {:<6}  {:<13}  {:<7}  PROCESS",
        "PROTO", "LOCAL ADDRESS", "DEVICE", "V6ONLY", "SCOPE", "VERDICT"
    );
    for ((row, addr), device) in doc.sockets.iter().zip(&addrs).zip(&devices) {
        let verdict = if row.allowed { "ok" } else { "REFUSED" };
        let _ = writeln!(
            out,
            "{:<5}  {addr:<addr_width$}  {device:<device_width$}  {:<6}  {:<13}  {verdict:<7}  {}",
            row.proto,
            v6only(row),
            row.scope,
            owner(row)
        );
    }
    let wildcard = if policy.allows_wildcard() && doc.policy != "any" {
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
        for ((socket, row), verdict) in sockets.iter().zip(&doc.sockets).zip(verdicts) {
            if let Err(err) = verdict {
                let on = row
                    .device
                    .as_deref()
                    .map(|name| format!(" on {}", Escaped::cut(name, 16)))
                    .unwrap_or_default();
                // For a device-bound wildcard, the device's address that was refused.
                let which = err
                    .resolved_addr()
                    .map(|addr| format!("its address {addr} "))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} {}{on} ({}): {which}{}",
                    row.proto,
                    socket.addr,
                    owner(row),
                    err.kind().problem()
                );
                if !kinds.contains(&err.kind()) {
                    kinds.push(err.kind());
                }
            }
        }
        for kind in kinds {
            let _ = writeln!(out, "hint: {}", kind.hint());
            if kind == ErrorKind::Wildcard {
                // The library's hint names its API; here the opt-in is a flag.
                let _ = writeln!(
                    out,
                    "hint: to accept the wildcard in this audit, pass --allow-wildcard (or --policy any)"
                );
            }
        }
    }
    if !doc.owners_complete {
        let _ = writeln!(
            out,
            "note: the owner of some sockets was not found: a process of another user (run \
             as root to see it), a process in another PID namespace (a container sharing \
             this network), or a socket the kernel holds"
        );
    }
    out.push('\n');
    out.push_str(&doc.host.text());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyName;

    fn args(policy: PolicyName, json: bool) -> AuditArgs {
        AuditArgs {
            policy: PolicyArgs {
                policy,
                allow_wildcard: false,
            },
            json,
        }
    }

    fn host() -> HostJson {
        HostJson::from_values(Some(false), BTreeMap::new(), Some(false), Some(false))
    }

    fn socket(proto: Proto, addr: &str, inode: u64) -> Socket {
        Socket {
            proto,
            addr: addr.parse().unwrap(),
            uid: 1000,
            inode,
            v6only: None,
            device: None,
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
            &Source::SockDiag,
            host(),
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
            &Source::SockDiag,
            host(),
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
            &args(PolicyName::Any, false),
            sockets,
            &owners,
            &Source::SockDiag,
            host(),
        );
        assert_eq!(any.code, EXIT_OK);
        assert!(any.stdout.contains("all 3 sockets are allowed"));
    }

    #[test]
    fn no_sockets_is_not_an_error() {
        let outcome = report(
            &args(PolicyName::Loopback, false),
            Vec::new(),
            &BTreeMap::new(),
            &Source::Proc("no netlink".to_owned()),
            host(),
        );
        assert_eq!(outcome.code, EXIT_OK);
        assert!(outcome.stdout.contains("no listening"));
    }
}
