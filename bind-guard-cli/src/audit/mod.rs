//! `bind-guard audit`: this host's listening sockets, checked against a policy (Linux).
//!
//! The sockets come from the kernel's `sock_diag` netlink interface ([`sock_diag`]),
//! which also reports the device a socket is restricted to and `IPV6_V6ONLY`; where
//! netlink is unavailable, from `/proc/net/{tcp,tcp6,udp,udp6}` ([`proc`]), which
//! shows neither (both are then unknown, and judged at their widest). The report says
//! which source it used. Owners come from `/proc/PID/fd`. The [`host`] section reports
//! the sysctls that change exposure. All of it is the network namespace `bind-guard`
//! runs in.
//!
//! The policy's verdict on each socket is the library's `SocketFacts::judge`: a
//! wildcard restricted to a device is judged by that device's addresses.

mod filter;
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

use self::filter::{AuditFilter, running_as_root};
use crate::json::RouteLocalnetJson;
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
    /// `IPV6_V6ONLY` of an IPv6 socket, when the source shows it.
    pub(crate) v6only: Option<bool>,
    /// The device the socket is restricted to (`SO_BINDTODEVICE`), when the source
    /// shows it.
    pub(crate) device: Option<String>,
}

impl Socket {
    /// The library's verdict on this socket, as the kernel holds it.
    fn verdict(&self, policy: &Policy) -> Result<(), BindError> {
        // Only listening TCP sockets and bound UDP sockets are listed.
        let listening = (self.proto == Proto::Tcp).then_some(true);
        let facts = SocketFacts::new(self.addr, self.v6only, self.device.clone(), listening);
        match facts.judge(policy) {
            Ok(()) => Ok(()),
            Err(SocketRefusal::Policy(err)) => Err(err),
            // Not reachable for a listed socket; refused, never allowed by accident.
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
    source: &'static str,
    source_note: Option<String>,
    host: HostJson,
}

pub(crate) fn run(args: &AuditArgs) -> Outcome {
    match read_sockets() {
        Ok((sockets, owners, source)) => {
            let route_localnet = RouteLocalnetJson::read();
            let host = HostJson::read(route_localnet.clone());
            report(args, sockets, &owners, &source, route_localnet, host)
        }
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
    route_localnet: RouteLocalnetJson,
    host: HostJson,
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
        source: match source {
            Source::SockDiag => "sock_diag",
            Source::Proc(_) => "proc",
        },
        source_note: match source {
            Source::SockDiag => None,
            Source::Proc(why) => Some(why.clone()),
        },
        host,
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
    let mut verdict = socket.verdict(policy);
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
        device: socket.device.clone(),
        v6only: socket.v6only,
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
                "source: /proc/net ({}): devices and IPV6_V6ONLY unknown, [::] judged as \
                 dual-stack",
                Escaped::new(why)
            );
        }
    }
    // Sockets on 127.0.0.0/8 count as "this machine only" in every policy, which is
    // false while route_localnet is on: said first, whatever the sockets and the policy.
    if let Some(warning) = doc.route_localnet.warning() {
        let _ = writeln!(out, "warning: {warning}\n");
    }
    if doc.sockets.is_empty() {
        let _ = writeln!(out, "no listening TCP or bound UDP sockets");
        out.push('\n');
        out.push_str(&doc.host.text());
        return out;
    }
    // A process name is chosen by whoever started the process, any local user: printed
    // raw, `\x1b[1A\x1b[2K` in it would erase the row above from the reader's terminal.
    let owner = |row: &RowJson| match (row.pid, &row.process) {
        (Some(pid), Some(name)) => format!("{pid}/{}", Escaped::new(name)),
        (Some(pid), None) => pid.to_string(),
        (None, _) => "-".to_owned(),
    };
    // A device name is the host's, but printed in a table all the same: escaped.
    let device = |row: &RowJson| {
        row.device
            .as_deref()
            .map_or_else(|| "-".to_owned(), |name| Escaped::new(name).to_string())
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
        let verdict = match (row.allowed, &row.allowed_by) {
            (true, None) => "ok",
            (true, Some(_)) => "listed",
            (false, _) => "REFUSED",
        };
        let _ = writeln!(
            out,
            "{:<5}  {addr:<addr_width$}  {device:<device_width$}  {:<6}  {:<13}  {verdict:<7}  {}",
            row.proto,
            v6only(row),
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
            if let Err(err) = socket.verdict(policy) {
                let kind = err.kind();
                let on = row
                    .device
                    .as_deref()
                    .map(|name| format!(" on {}", Escaped::new(name)))
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
    out.push('\n');
    out.push_str(&doc.host.text());
    out
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

    /// `report` for made-up sockets read through sock_diag, on a host whose settings
    /// are all off.
    fn report_for_test(
        args: &AuditArgs,
        sockets: Vec<Socket>,
        owners: &Owners,
        route_localnet: RouteLocalnetJson,
    ) -> Outcome {
        let host = HostJson::from_values(route_localnet.clone(), Some(false), Some(false));
        report(
            args,
            sockets,
            owners,
            &Source::SockDiag,
            route_localnet,
            host,
        )
    }
    use bind_guard::Policy;

    fn args(policy: Policy, json: bool) -> AuditArgs {
        AuditArgs {
            policy: PolicyArgs {
                policy,
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
        let outcome = report_for_test(
            &args(Policy::default(), true),
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

        let text = report_for_test(
            &args(Policy::default(), false),
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

        let any = report_for_test(
            &args(Policy::default().allow_wildcard(), false),
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
        let mut args = args(Policy::default(), true);
        args.filter.ports = vec!["5353/udp".parse().unwrap()];
        args.filter.processes = vec!["sshd".to_owned()];
        let outcome = report_for_test(&args, sockets.clone(), &owners, RouteLocalnetJson::off());
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
            report_for_test(&args, sockets.clone(), &owners, RouteLocalnetJson::off()).code,
            EXIT_OK
        );
        // --udp audits UDP alone.
        args.filter.ports.clear();
        args.filter.udp = true;
        let outcome = report_for_test(&args, sockets.clone(), &owners, RouteLocalnetJson::off());
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(json["sockets"].as_array().unwrap().len(), 1);
        assert_eq!(outcome.code, EXIT_REFUSED);

        let mut text_args = self::args(Policy::default(), false);
        text_args.filter.processes = vec!["sshd".to_owned()];
        let text = report_for_test(&text_args, sockets, &owners, RouteLocalnetJson::off()).stdout;
        assert!(text.contains("listed"), "{text}");
        assert!(
            text.contains("hint: to accept a listener you expect, pass --allow PORT/PROTO"),
            "{text}"
        );
        assert!(!text.contains("Policy::"), "{text}");
    }

    #[test]
    fn device_and_v6only_are_shown_and_a_device_bound_wildcard_is_judged_by_its_device() {
        let mut on_lo = socket(Proto::Tcp, "0.0.0.0:8080", 1);
        on_lo.device = Some("lo".to_owned());
        let mut v6only = socket(Proto::Tcp, "[::]:8081", 2);
        v6only.v6only = Some(true);
        let plain = socket(Proto::Tcp, "0.0.0.0:8082", 3);
        let sockets = vec![on_lo, v6only, plain];
        let outcome = report_for_test(
            &args(Policy::loopback(), true),
            sockets.clone(),
            &BTreeMap::new(),
            RouteLocalnetJson::off(),
        );
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        let rows = json["sockets"].as_array().unwrap();
        assert_eq!(
            (&rows[0]["device"], &rows[0]["v6only"]),
            (&"lo".into(), &serde_json::Value::Null)
        );
        // lo's addresses are loopback (read from this host): allowed where the plain
        // wildcard is not.
        assert_eq!(rows[0]["allowed"], cfg!(target_os = "linux"));
        assert_eq!(rows[1]["v6only"], true);
        assert_eq!(rows[2]["allowed"], false);
        assert_eq!(json["source"], "sock_diag");
        assert!(json["host"]["ip_forward"]["meaning"].is_string());
        let text = report_for_test(
            &args(Policy::loopback(), false),
            sockets,
            &BTreeMap::new(),
            RouteLocalnetJson::off(),
        )
        .stdout;
        assert!(text.starts_with("source: sock_diag"), "{text}");
        assert!(text.contains("DEVICE  V6ONLY"), "{text}");
        assert!(text.contains("\nhost:\n  route_localnet 0"), "{text}");
    }

    #[test]
    fn the_note_on_unknown_owners_is_true_for_root() {
        let sockets = vec![socket(Proto::Tcp, "0.0.0.0:1", 1)];
        let doc_args = args(Policy::default(), false);
        let policy = doc_args.policy.policy();
        let rows = vec![row(&sockets[0], &policy, &doc_args.filter, None)];
        let doc = AuditJson {
            policy: "default".to_owned(),
            allow_wildcard: false,
            refused: 1,
            owners_complete: false,
            sockets: rows,
            route_localnet: RouteLocalnetJson::off(),
            source: "sock_diag",
            source_note: None,
            host: HostJson::from_values(RouteLocalnetJson::off(), Some(false), Some(false)),
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
        let outcome = report_for_test(
            &args(Policy::loopback(), false),
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
        let outcome = report_for_test(
            &args(Policy::loopback(), false),
            Vec::new(),
            &BTreeMap::new(),
            RouteLocalnetJson::off(),
        );
        assert_eq!(outcome.code, EXIT_OK);
        assert!(outcome.stdout.contains("no listening"));
    }
}
