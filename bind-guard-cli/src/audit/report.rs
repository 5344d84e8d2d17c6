//! What `audit` found, gathered from every namespace, judged, and made into the one
//! report document that the text, JSON and OpenMetrics formats all write.

use std::collections::BTreeSet;

use bind_guard::{Policy, Scope};
use serde::Serialize;

use super::baseline::{self, Baseline};
use super::host::HostJson;
use super::published::Published;
use super::unix::{FileState, UnixSocket};
use super::{AuditArgs, AuditFormat, Owner, Owners, Socket, Source, metrics, text};
use crate::json::{ErrorJson, RouteLocalnetJson, family};
use crate::{EXIT_OK, EXIT_REFUSED, Outcome};

/// One namespace as the report names it, with how it was read.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NamespaceJson {
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) inode: u64,
    pub(crate) netns: Vec<String>,
    pub(crate) runtime: Option<String>,
    pub(crate) container_id: Option<String>,
    pub(crate) own: bool,
    pub(crate) processes: usize,
    /// `sock_diag` or `proc`; `null` when unreadable.
    pub(crate) source: Option<&'static str>,
    pub(crate) source_note: Option<String>,
    /// Where device names and addresses come from, or why they are unknown.
    pub(crate) devices: String,
    pub(crate) route_localnet: Option<RouteLocalnetJson>,
    /// Rule sets read for published ports, and those that could not be.
    pub(crate) rules_missing: Vec<&'static str>,
    pub(crate) rules_problems: Vec<String>,
    /// Why the namespace could not be read; it then counts as refused.
    pub(crate) error: Option<String>,
}

/// Everything read from the host, before judging.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    pub(crate) namespaces: Vec<NamespaceJson>,
    pub(crate) sockets: Vec<Socket>,
    pub(crate) unix: Vec<UnixSocket>,
    pub(crate) published: Vec<Published>,
    pub(crate) owners: Owners,
    /// `docker-proxy` listeners by socket inode: where they forward.
    pub(crate) forwards: std::collections::BTreeMap<u64, String>,
    /// Whether every namespace was audited.
    pub(crate) all_namespaces: bool,
    pub(crate) scope_note: Option<String>,
    pub(crate) host: Option<HostJson>,
    pub(crate) route_localnet: Option<RouteLocalnetJson>,
}

/// One row of the JSON `sockets` array (schema in `JSON.md`).
#[derive(Debug, Serialize)]
pub(crate) struct RowJson {
    pub(crate) key: String,
    pub(crate) namespace: String,
    pub(crate) proto: &'static str,
    pub(crate) family: &'static str,
    pub(crate) address: String,
    pub(crate) port: u16,
    pub(crate) scope: &'static str,
    pub(crate) wildcard: bool,
    pub(crate) device: Option<String>,
    pub(crate) device_addresses: Option<Vec<String>>,
    pub(crate) v6only: Option<bool>,
    pub(crate) allowed: bool,
    pub(crate) allowed_by: Option<String>,
    pub(crate) error: Option<ErrorJson>,
    pub(crate) uid: u32,
    pub(crate) inode: u64,
    pub(crate) pid: Option<i32>,
    pub(crate) process: Option<String>,
    pub(crate) pids: Vec<i32>,
    pub(crate) forwards_to: Option<String>,
    #[serde(skip)]
    pub(crate) addr: std::net::SocketAddr,
    #[serde(skip)]
    pub(crate) refusal: Option<bind_guard::BindError>,
}

/// A refusal that is not the library's `BindError` (Unix sockets, unreadable rules).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlainErrorJson {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) problem: &'static str,
    pub(crate) hint: &'static str,
}

/// One row of the JSON `unix_sockets` array.
#[derive(Debug, Serialize)]
pub(crate) struct UnixRowJson {
    pub(crate) key: String,
    pub(crate) namespace: String,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    #[serde(rename = "abstract")]
    pub(crate) is_abstract: bool,
    pub(crate) mode: Option<String>,
    pub(crate) owner_uid: Option<u32>,
    pub(crate) owner_gid: Option<u32>,
    /// `found`, `unlinked`, `unknown` or `none` (abstract).
    pub(crate) file: &'static str,
    pub(crate) file_note: Option<String>,
    pub(crate) inode: u64,
    pub(crate) allowed: bool,
    pub(crate) allowed_by: Option<String>,
    pub(crate) error: Option<PlainErrorJson>,
    pub(crate) pid: Option<i32>,
    pub(crate) process: Option<String>,
    pub(crate) pids: Vec<i32>,
    #[serde(skip)]
    pub(crate) shown: String,
}

/// One row of the JSON `published` array.
#[derive(Debug, Serialize)]
pub(crate) struct PublishedJson {
    pub(crate) key: String,
    pub(crate) namespace: String,
    /// The rule as read: `proto`, `host_address`, `port`, `port_end`,
    /// `target_address`, `target_port`, `via`, `source`, `loopback_dropped`.
    #[serde(flatten)]
    pub(crate) rule: Published,
    pub(crate) judged_as: String,
    /// Why it is judged as another address than its host address.
    pub(crate) note: Option<&'static str>,
    pub(crate) allowed: bool,
    pub(crate) allowed_by: Option<String>,
    pub(crate) error: Option<ErrorJson>,
    #[serde(skip)]
    pub(crate) host_text: String,
    #[serde(skip)]
    pub(crate) target_text: String,
    #[serde(skip)]
    pub(crate) refusal: Option<bind_guard::BindError>,
}

/// `--baseline`: what was left out as known.
#[derive(Debug, Serialize)]
pub(crate) struct BaselineJson {
    pub(crate) file: String,
    pub(crate) known: usize,
}

/// The report (schema in `JSON.md`).
#[derive(Debug, Serialize)]
pub(crate) struct AuditJson {
    pub(crate) policy: String,
    pub(crate) allow_wildcard: bool,
    pub(crate) all_namespaces: bool,
    pub(crate) scope_note: Option<String>,
    pub(crate) namespaces: Vec<NamespaceJson>,
    pub(crate) sockets: Vec<RowJson>,
    pub(crate) unix_sockets: Vec<UnixRowJson>,
    pub(crate) published: Vec<PublishedJson>,
    pub(crate) refused: usize,
    pub(crate) unreadable_namespaces: usize,
    pub(crate) owners_complete: bool,
    pub(crate) route_localnet: RouteLocalnetJson,
    pub(crate) source: &'static str,
    pub(crate) source_note: Option<String>,
    pub(crate) host: HostJson,
    pub(crate) baseline: Option<BaselineJson>,
}

/// Reads every namespace (or this one), the owners of their sockets and the files of
/// their Unix sockets.
#[cfg(target_os = "linux")]
pub(crate) fn gather(this_namespace: bool) -> Result<Gathered, String> {
    use super::namespace::{self, NsName};
    use super::{proc, published};

    let root = super::filter::running_as_root() == Some(true);
    let all = root && !this_namespace;
    let namespaces = if all {
        namespace::all()
    } else {
        vec![namespace::own()]
    };
    let mut gathered = Gathered {
        all_namespaces: all,
        scope_note: (!all && !this_namespace).then(|| {
            "only the network namespace bind-guard runs in was audited: run as root to \
             audit every namespace of the host (containers included)"
                .to_owned()
        }),
        ..Gathered::default()
    };
    for (index, ns) in namespaces.iter().enumerate() {
        let scan = namespace::read(ns);
        let (runtime, container_id) = match &ns.name {
            NsName::Container { runtime, id } => (Some(runtime.clone()), Some(id.clone())),
            _ => (None, None),
        };
        let rules = scan.rules.as_ref();
        gathered.namespaces.push(NamespaceJson {
            name: ns.label(),
            kind: ns.kind(),
            inode: ns.inode,
            netns: ns
                .netns_files
                .iter()
                .filter_map(|f| Some(f.file_name()?.to_string_lossy().into_owned()))
                .collect(),
            runtime,
            container_id,
            own: ns.own,
            processes: ns.pids.len(),
            source: scan.source.as_ref().map(|s| match s {
                Source::SockDiag => "sock_diag",
                Source::Proc(_) => "proc",
            }),
            source_note: match &scan.source {
                Some(Source::Proc(why)) => Some(why.clone()),
                _ => None,
            },
            devices: match &scan.links {
                Some(Ok(())) => "named and their addresses read in this namespace (rtnetlink, \
                                 by interface index)"
                    .to_owned(),
                Some(Err(why)) => {
                    format!("unknown ({why}): device-bound sockets judged as the wildcard")
                }
                None => {
                    "not shown by /proc/net: sockets judged as if bound to no device".to_owned()
                }
            },
            route_localnet: scan.route_localnet.clone(),
            rules_missing: rules.map(|r| r.missing.clone()).unwrap_or_default(),
            rules_problems: match rules {
                Some(r) => r.problems.clone(),
                None if scan.error.is_none() => vec![
                    "the namespace could not be entered, so its DNAT rules were not read"
                        .to_owned(),
                ],
                None => Vec::new(),
            },
            error: scan.error.clone(),
        });
        if ns.own {
            gathered.route_localnet = scan.route_localnet.clone();
        }
        gathered
            .sockets
            .extend(scan.sockets.into_iter().map(|mut s| {
                s.ns = index;
                s
            }));
        gathered.unix.extend(scan.unix.into_iter().map(|mut s| {
            s.ns = index;
            s
        }));
        if let Some(rules) = scan.rules {
            gathered
                .published
                .extend(rules.published.into_iter().map(|mut p| {
                    p.ns = index;
                    p
                }));
        }
    }
    let inodes: BTreeSet<u64> = gathered
        .sockets
        .iter()
        .map(|s| s.inode)
        .chain(gathered.unix.iter().map(|s| s.inode))
        .collect();
    gathered.owners = proc::owners(&inodes);
    for socket in &gathered.sockets {
        let Some(holders) = gathered.owners.get(&socket.inode) else {
            continue;
        };
        for holder in holders {
            if holder.name.as_deref() == Some("docker-proxy") {
                let target = proc::cmdline(holder.pid)
                    .and_then(|args| published::docker_proxy_target(&args));
                if let Some((_, _, target)) = target {
                    gathered
                        .forwards
                        .insert(socket.inode, format!("{target} (docker-proxy)"));
                }
            } else if holder.name.as_deref() == Some("rootlessport") {
                gathered.forwards.insert(
                    socket.inode,
                    "a rootless Podman container (rootlessport)".to_owned(),
                );
            }
        }
    }
    for socket in &mut gathered.unix {
        let holder = gathered.owners.get(&socket.inode).and_then(|h| h.first());
        match holder {
            Some(holder) => {
                socket.look_up(std::path::Path::new(&format!("/proc/{}/root", holder.pid)))
            }
            None if namespaces.get(socket.ns).is_some_and(|ns| ns.own) => {
                socket.look_up(std::path::Path::new("/"));
            }
            None => {
                socket.file = FileState::Unknown(
                    "no process holding it was found, so its file cannot be looked up in its \
                     mount namespace"
                        .to_owned(),
                );
            }
        }
    }
    let route_localnet = gathered
        .route_localnet
        .clone()
        .unwrap_or_else(RouteLocalnetJson::read);
    gathered.host = Some(HostJson::read(route_localnet));
    Ok(gathered)
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn gather(_this_namespace: bool) -> Result<Gathered, String> {
    Err(
        "'bind-guard audit' reads Linux's socket tables and is not available on this system; \
         use 'bind-guard check' on each address instead (for example from the output of \
         'netstat -an' or 'lsof -i')"
            .to_owned(),
    )
}

/// Judges everything and writes the report in the format asked for. Separate from the
/// reading so the rules of the report can be tested with made-up sockets.
pub(crate) fn report(args: &AuditArgs, gathered: Gathered, baseline: Option<&Baseline>) -> Outcome {
    let doc = judge(args, gathered, baseline);
    let code = if doc.refused == 0 {
        EXIT_OK
    } else {
        EXIT_REFUSED
    };
    match args.format() {
        AuditFormat::Json => Outcome::json(code, &doc),
        AuditFormat::Openmetrics => Outcome {
            code,
            stdout: metrics::render(&doc),
            stderr: String::new(),
        },
        AuditFormat::Text => Outcome {
            code,
            stdout: text::render(
                &doc,
                &args.policy.policy(),
                super::filter::running_as_root(),
            ),
            stderr: String::new(),
        },
    }
}

/// The report document: every row judged, the baseline's known rows left out.
pub(crate) fn judge(
    args: &AuditArgs,
    gathered: Gathered,
    baseline: Option<&Baseline>,
) -> AuditJson {
    let policy = args.policy.policy();
    let ns_name = |index: usize| {
        gathered
            .namespaces
            .get(index)
            .map_or_else(|| "host".to_owned(), |ns| ns.name.clone())
    };
    let mut sockets = gathered.sockets;
    sockets.retain(|s| args.filter.includes(s.proto));
    sockets.sort_by_key(|s| (s.ns, s.proto, s.addr.port(), s.addr.ip(), s.inode));
    let mut known = 0usize;
    let mut is_new = |key: &str| {
        let old = baseline.is_some_and(|b| b.contains(key));
        known += usize::from(old);
        !old
    };
    let rows: Vec<RowJson> = sockets
        .iter()
        .map(|socket| {
            let mut row = row(
                socket,
                &policy,
                args,
                gathered.owners.get(&socket.inode),
                ns_name(socket.ns),
            );
            row.forwards_to = gathered.forwards.get(&socket.inode).cloned();
            row
        })
        .filter(|row| is_new(&row.key))
        .collect();
    let unix_rows: Vec<UnixRowJson> = if args.filter.tcp || args.filter.udp {
        Vec::new()
    } else {
        let mut unix = gathered.unix;
        unix.sort_by(|a, b| (a.ns, &a.name, a.inode).cmp(&(b.ns, &b.name, b.inode)));
        unix.iter()
            .map(|socket| {
                unix_row(
                    socket,
                    args,
                    gathered.owners.get(&socket.inode),
                    ns_name(socket.ns),
                )
            })
            .filter(|row| is_new(&row.key))
            .collect()
    };
    let published_rows: Vec<PublishedJson> = gathered
        .published
        .iter()
        .filter(|p| args.filter.includes(p.proto))
        .map(|p| published_row(p, &policy, args, ns_name(p.ns)))
        .filter(|row| is_new(&row.key))
        .collect();
    let unreadable = gathered
        .namespaces
        .iter()
        .filter(|ns| ns.error.is_some())
        .count();
    let refused = rows.iter().filter(|r| !r.allowed).count()
        + unix_rows.iter().filter(|r| !r.allowed).count()
        + published_rows.iter().filter(|r| !r.allowed).count()
        + unreadable;
    let own = gathered.namespaces.iter().find(|ns| ns.own);
    let sources: Vec<&NamespaceJson> = gathered
        .namespaces
        .iter()
        .filter(|ns| ns.source.is_some())
        .collect();
    let route_localnet = gathered
        .route_localnet
        .clone()
        .unwrap_or_else(RouteLocalnetJson::read);
    AuditJson {
        policy: args.policy.name(),
        allow_wildcard: policy.allows_wildcard(),
        all_namespaces: gathered.all_namespaces,
        scope_note: gathered.scope_note,
        owners_complete: rows.iter().all(|row| row.pid.is_some())
            && unix_rows.iter().all(|row| row.pid.is_some()),
        refused,
        unreadable_namespaces: unreadable,
        sockets: rows,
        unix_sockets: unix_rows,
        published: published_rows,
        source: if sources.iter().all(|ns| ns.source == Some("sock_diag")) {
            "sock_diag"
        } else {
            "proc"
        },
        source_note: own.and_then(|ns| ns.source_note.clone()).or_else(|| {
            sources
                .iter()
                .find_map(|ns| ns.source_note.as_ref().map(|n| format!("{}: {n}", ns.name)))
        }),
        host: gathered
            .host
            .unwrap_or_else(|| HostJson::read(route_localnet.clone())),
        route_localnet,
        namespaces: gathered.namespaces,
        baseline: args.baseline.as_ref().map(|file| BaselineJson {
            file: file.display().to_string(),
            known,
        }),
    }
}

fn row(
    socket: &Socket,
    policy: &Policy,
    args: &AuditArgs,
    owners: Option<&Vec<Owner>>,
    namespace: String,
) -> RowJson {
    let ip = socket.addr.ip();
    let scope = Scope::of(ip);
    let mut verdict = socket.verdict(policy);
    let mut allowed_by = None;
    if verdict.is_err() {
        allowed_by = args.filter.accepts(socket.proto, socket.addr, owners);
        if allowed_by.is_some() {
            verdict = Ok(());
        }
    }
    let first = owners.and_then(|owners| owners.first());
    RowJson {
        key: baseline::socket_key(
            &namespace,
            socket.proto.name(),
            socket.addr,
            socket.device.as_deref(),
        ),
        namespace,
        proto: socket.proto.name(),
        family: family(ip),
        address: ip.to_string(),
        port: socket.addr.port(),
        scope: scope.name(),
        wildcard: scope == Scope::Unspecified,
        device: socket.device.clone(),
        device_addresses: socket
            .device
            .as_ref()
            .and(socket.device_addrs.as_ref())
            .map(|addrs| addrs.iter().map(ToString::to_string).collect()),
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
        forwards_to: None,
        addr: socket.addr,
        refusal: verdict.err(),
    }
}

fn unix_row(
    socket: &UnixSocket,
    args: &AuditArgs,
    owners: Option<&Vec<Owner>>,
    namespace: String,
) -> UnixRowJson {
    let verdict = socket.verdict();
    let allowed_by = verdict
        .is_err()
        .then(|| args.filter.accepts_holders(owners))
        .flatten();
    let first = owners.and_then(|owners| owners.first());
    let name = socket.display_name();
    let (mode, uid, gid, file, note) = match &socket.file {
        FileState::Found { mode, uid, gid } => (
            Some(format!("{mode:04o}")),
            Some(*uid),
            Some(*gid),
            "found",
            None,
        ),
        FileState::Unlinked => (
            None,
            None,
            None,
            "unlinked",
            Some("the file was removed: no one can connect by its path".to_owned()),
        ),
        FileState::Unknown(why) => (None, None, None, "unknown", Some(why.clone())),
        FileState::None => (
            None,
            None,
            None,
            if socket.is_abstract() {
                "none"
            } else {
                "unknown"
            },
            None,
        ),
    };
    UnixRowJson {
        key: baseline::unix_key(&namespace, &name),
        namespace,
        kind: socket.kind.name(),
        is_abstract: socket.is_abstract(),
        shown: socket.name.to_string(),
        name,
        mode,
        owner_uid: uid,
        owner_gid: gid,
        file,
        file_note: note,
        inode: socket.inode,
        allowed: verdict.is_ok() || allowed_by.is_some(),
        error: match (verdict, &allowed_by) {
            (Err(refusal), None) => Some(PlainErrorJson {
                kind: refusal.kind(),
                message: format!("{} {}", socket.name, refusal.problem()),
                problem: refusal.problem(),
                hint: refusal.hint(),
            }),
            _ => None,
        },
        allowed_by,
        pid: first.map(|owner| owner.pid),
        process: first.and_then(|owner| owner.name.clone()),
        pids: owners
            .map(|owners| owners.iter().map(|owner| owner.pid).collect())
            .unwrap_or_default(),
    }
}

fn published_row(
    p: &Published,
    policy: &Policy,
    args: &AuditArgs,
    namespace: String,
) -> PublishedJson {
    let judged = p.judged_addr();
    let mut verdict = Socket::plain(p.proto, judged, 0, 0).verdict(policy);
    let mut allowed_by = None;
    if verdict.is_err() {
        // --allow PORT and --allow-addr apply to the host side, as to a listener.
        allowed_by = args.filter.accepts(p.proto, judged, None);
        if allowed_by.is_some() {
            verdict = Ok(());
        }
    }
    let host_text = p.host_text();
    let target_text = p.target_text();
    PublishedJson {
        key: baseline::published_key(&namespace, p.proto.name(), &host_text, &target_text),
        namespace,
        rule: p.clone(),
        judged_as: judged.to_string(),
        note: (judged.ip() != p.host).then_some(
            "published on IPv4 loopback, but no rule drops packets for it that arrive on \
             other interfaces before DNAT (as Docker 28 adds in the raw table): DNAT runs \
             before the routing check that drops 127.0.0.0/8 from the network, so a \
             neighbour that sends to this host's MAC address reaches the target \
             (moby#45610); judged as the wildcard",
        ),
        allowed: verdict.is_ok(),
        allowed_by,
        error: verdict.as_ref().err().map(ErrorJson::new),
        host_text,
        target_text,
        refusal: verdict.err(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyArgs;
    use crate::audit::filter::AuditFilter;
    use crate::audit::unix::{UnixKind, UnixName};
    use crate::audit::{Proto, published::Published};
    use std::collections::BTreeMap;

    fn args(policy: Policy, format: AuditFormat) -> AuditArgs {
        AuditArgs {
            policy: PolicyArgs {
                policy,
                allow_wildcard: false,
            },
            filter: AuditFilter::default(),
            format,
            json: false,
            this_namespace: false,
            baseline: None,
        }
    }

    fn socket(proto: Proto, addr: &str, inode: u64) -> Socket {
        let mut socket = Socket::plain(proto, addr.parse().unwrap(), 1000, inode);
        socket.uid = 1000;
        socket
    }

    fn namespace(name: &str, own: bool) -> NamespaceJson {
        NamespaceJson {
            name: name.to_owned(),
            kind: "netns",
            inode: 1,
            netns: Vec::new(),
            runtime: None,
            container_id: None,
            own,
            processes: 1,
            source: Some("sock_diag"),
            source_note: None,
            devices: String::new(),
            route_localnet: None,
            rules_missing: Vec::new(),
            rules_problems: Vec::new(),
            error: None,
        }
    }

    /// Made-up sockets of one namespace, on a host whose settings are all off.
    fn gathered(sockets: Vec<Socket>, owners: Owners) -> Gathered {
        Gathered {
            namespaces: vec![namespace("host", true)],
            sockets,
            owners,
            host: Some(HostJson::from_values(
                RouteLocalnetJson::off(),
                Some(false),
                Some(false),
            )),
            route_localnet: Some(RouteLocalnetJson::off()),
            ..Gathered::default()
        }
    }

    fn sshd_owners() -> Owners {
        let mut owners = BTreeMap::new();
        owners.insert(
            2,
            vec![Owner {
                pid: 7,
                name: Some("sshd".to_owned()),
            }],
        );
        owners
    }

    fn run(args: &AuditArgs, gathered: Gathered) -> (u8, String) {
        let outcome = report(args, gathered, None);
        (outcome.code, outcome.stdout)
    }

    #[test]
    fn report_judges_every_socket_and_sets_the_exit_code() {
        let sockets = vec![
            socket(Proto::Udp, "127.0.0.53:53", 3),
            socket(Proto::Tcp, "[::]:22", 2),
            socket(Proto::Tcp, "127.0.0.1:5432", 1),
        ];
        let (code, text) = run(
            &args(Policy::default(), AuditFormat::Json),
            gathered(sockets.clone(), sshd_owners()),
        );
        assert_eq!(code, EXIT_REFUSED);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
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
        assert_eq!(rows[0]["namespace"], "host");
        assert_eq!(rows[0]["key"], "tcp host [::]:22");
        assert_eq!(rows[1]["address"], "127.0.0.1");
        assert_eq!(rows[1]["pid"], serde_json::Value::Null);
        assert_eq!(rows[2]["proto"], "udp");
        assert_eq!(rows[2]["allowed"], true);

        let (_, text) = run(
            &args(Policy::default(), AuditFormat::Text),
            gathered(sockets.clone(), sshd_owners()),
        );
        assert!(text.contains("1 of 3 break the 'default' policy"), "{text}");
        assert!(
            text.contains("tcp [::]:22 in host (7/sshd): is the wildcard address"),
            "{text}"
        );
        let mut json_alias = args(Policy::default(), AuditFormat::Text);
        json_alias.json = true;
        let (_, text) = run(&json_alias, gathered(sockets.clone(), sshd_owners()));
        assert!(text.starts_with('{'), "--json is --format json");

        let (code, text) = run(
            &args(Policy::default().allow_wildcard(), AuditFormat::Text),
            gathered(sockets, sshd_owners()),
        );
        assert_eq!(code, EXIT_OK);
        assert!(text.contains("all 3 listeners"), "{text}");
    }

    #[test]
    fn the_allow_list_gates_ci_and_says_what_allowed_a_socket() {
        let sockets = vec![
            socket(Proto::Tcp, "[::]:22", 2),
            socket(Proto::Udp, "0.0.0.0:5353", 3),
            socket(Proto::Tcp, "0.0.0.0:8080", 4),
        ];
        let mut owners = sshd_owners();
        owners.insert(
            4,
            vec![Owner {
                pid: 9,
                name: Some("node".to_owned()),
            }],
        );
        let mut args = args(Policy::default(), AuditFormat::Json);
        args.filter.ports = vec!["5353/udp".parse().unwrap()];
        args.filter.processes = vec!["sshd".to_owned()];
        let (code, text) = run(&args, gathered(sockets.clone(), owners.clone()));
        assert_eq!(code, EXIT_REFUSED, "node on 8080 is not listed");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["refused"], 1);
        let rows = json["sockets"].as_array().unwrap();
        assert_eq!(rows[0]["allowed_by"], "--allow-process sshd");
        assert_eq!(rows[0]["error"], serde_json::Value::Null);
        assert_eq!(rows[1]["allowed_by"], serde_json::Value::Null);
        assert_eq!(rows[1]["allowed"], false);
        assert_eq!(rows[2]["allowed_by"], "--allow 5353/udp");

        args.filter.ports.push("8080/tcp".parse().unwrap());
        assert_eq!(
            run(&args, gathered(sockets.clone(), owners.clone())).0,
            EXIT_OK
        );
        // --udp audits UDP alone.
        args.filter.ports.clear();
        args.filter.udp = true;
        let (code, text) = run(&args, gathered(sockets.clone(), owners.clone()));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["sockets"].as_array().unwrap().len(), 1);
        assert_eq!(code, EXIT_REFUSED);

        let mut text_args = self::args(Policy::default(), AuditFormat::Text);
        text_args.filter.processes = vec!["sshd".to_owned()];
        let (_, text) = run(&text_args, gathered(sockets, owners));
        assert!(text.contains("listed"), "{text}");
        assert!(
            text.contains("hint: to accept a listener you expect, pass --allow PORT/PROTO"),
            "{text}"
        );
        assert!(!text.contains("Policy::"), "{text}");
    }

    #[test]
    fn a_device_bound_wildcard_is_judged_by_the_addresses_read_in_its_namespace() {
        let mut on_a0 = socket(Proto::Tcp, "0.0.0.0:8080", 1);
        on_a0.device = Some("a0".to_owned());
        on_a0.device_addrs = Some(vec!["127.0.0.1".parse().unwrap()]);
        // A device whose addresses could not be read: judged as the wildcard, never by
        // this process's interface of the same name.
        let mut unknown = socket(Proto::Tcp, "0.0.0.0:8081", 2);
        unknown.device = Some("lo".to_owned());
        let mut alias = socket(Proto::Tcp, "0.0.0.0:8082", 3);
        alias.device = Some("a1".to_owned());
        alias.device_addrs = Some(vec![
            "127.0.0.1".parse().unwrap(),
            "198.18.1.1".parse().unwrap(),
        ]);
        let mut v6only = socket(Proto::Tcp, "[::]:8083", 4);
        v6only.v6only = Some(true);
        let (_, text) = run(
            &args(Policy::loopback(), AuditFormat::Json),
            gathered(vec![on_a0, unknown, alias, v6only], Owners::new()),
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rows = json["sockets"].as_array().unwrap();
        assert_eq!(
            (&rows[0]["device"], &rows[0]["allowed"]),
            (&"a0".into(), &true.into())
        );
        assert_eq!(rows[0]["device_addresses"][0], "127.0.0.1");
        assert_eq!(rows[1]["allowed"], false, "{text}");
        assert_eq!(rows[1]["device_addresses"], serde_json::Value::Null);
        assert_eq!(rows[2]["allowed"], false, "{text}");
        assert!(
            rows[2]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("198.18.1.1")
        );
        assert_eq!(rows[3]["v6only"], true);
        assert_eq!(json["source"], "sock_diag");
        assert!(json["host"]["ip_forward"]["meaning"].is_string());
        let (_, text) = run(
            &args(Policy::loopback(), AuditFormat::Text),
            gathered(vec![socket(Proto::Tcp, "0.0.0.0:1", 1)], Owners::new()),
        );
        assert!(text.starts_with("source: sock_diag"), "{text}");
        assert!(text.contains("DEVICE  V6ONLY"), "{text}");
        assert!(text.contains("\nhost:\n  route_localnet 0"), "{text}");
    }

    #[test]
    fn the_note_on_unknown_owners_is_true_for_root() {
        let doc = judge(
            &args(Policy::default(), AuditFormat::Text),
            gathered(vec![socket(Proto::Tcp, "0.0.0.0:1", 1)], Owners::new()),
            None,
        );
        let policy = Policy::default();
        let as_root = text::render(&doc, &policy, Some(true));
        assert!(!as_root.contains("run as root"), "{as_root}");
        assert!(as_root.contains("another PID namespace"), "{as_root}");
        let as_user = text::render(&doc, &policy, Some(false));
        assert!(as_user.contains("run as root"), "{as_user}");
    }

    #[test]
    fn hints_never_suggest_a_wider_policy() {
        let (_, text) = run(
            &args(Policy::loopback(), AuditFormat::Text),
            gathered(
                vec![
                    socket(Proto::Tcp, "0.0.0.0:80", 1),
                    socket(Proto::Tcp, "10.0.0.1:81", 2),
                ],
                Owners::new(),
            ),
        );
        assert!(!text.contains("--policy"), "{text}");
        assert!(!text.contains("Policy::"), "{text}");
        assert!(
            text.contains("pass --allow-wildcard: it adds the wildcard, and nothing else, to the 'loopback' policy"),
            "{text}"
        );
    }

    #[test]
    fn no_sockets_is_not_an_error() {
        let (code, text) = run(
            &args(Policy::loopback(), AuditFormat::Text),
            gathered(Vec::new(), Owners::new()),
        );
        assert_eq!(code, EXIT_OK);
        assert!(text.contains("no listening"), "{text}");
    }

    #[test]
    fn an_unreadable_namespace_is_reported_and_refused() {
        let mut gathered = gathered(Vec::new(), Owners::new());
        let mut broken = namespace("docker:0123456789ab", false);
        broken.error = Some("cannot enter it: EPERM".to_owned());
        broken.source = None;
        gathered.namespaces.push(broken);
        let (code, text) = run(&args(Policy::default(), AuditFormat::Text), gathered);
        assert_eq!(code, EXIT_REFUSED, "{text}");
        assert!(
            text.contains("UNREADABLE: namespace docker:0123456789ab"),
            "{text}"
        );
        assert!(text.contains("1 of 1 break"), "{text}");
    }

    #[test]
    fn sockets_of_each_namespace_are_named_and_sorted_by_namespace() {
        let mut gathered = gathered(Vec::new(), Owners::new());
        gathered.namespaces.push(namespace("netns:blue", false));
        let mut inner = socket(Proto::Tcp, "0.0.0.0:80", 5);
        inner.ns = 1;
        gathered.sockets = vec![inner, socket(Proto::Tcp, "127.0.0.1:9", 6)];
        let doc = judge(&args(Policy::default(), AuditFormat::Json), gathered, None);
        assert_eq!(doc.sockets[0].namespace, "host");
        assert_eq!(doc.sockets[1].namespace, "netns:blue");
        assert_eq!(doc.sockets[1].key, "tcp netns:blue 0.0.0.0:80");
        assert_eq!(doc.refused, 1);
    }

    fn unix_socket(name: UnixName, file: FileState, inode: u64) -> UnixSocket {
        let mut socket = UnixSocket::new(UnixKind::Stream, name, inode, None);
        socket.file = file;
        socket
    }

    #[test]
    fn unix_sockets_and_published_ports_count_and_can_be_listed() {
        let mut gathered = gathered(Vec::new(), sshd_owners());
        gathered.unix = vec![
            unix_socket(UnixName::Abstract(b"x\x1b[2J".to_vec()), FileState::None, 2),
            unix_socket(
                UnixName::Path("/run/a.sock".into()),
                FileState::Found {
                    mode: 0o600,
                    uid: 0,
                    gid: 0,
                },
                3,
            ),
        ];
        gathered.published = vec![Published {
            target: Some("172.17.0.2".parse().unwrap()),
            target_port: Some(80),
            ..Published::tcp("0.0.0.0", 8080, "iptables")
        }];
        let doc = judge(&args(Policy::default(), AuditFormat::Text), gathered, None);
        assert_eq!(doc.refused, 2);
        // Path sockets first.
        assert!(doc.unix_sockets[0].allowed);
        assert_eq!(doc.unix_sockets[0].mode.as_deref(), Some("0600"));
        assert_eq!(
            doc.unix_sockets[1].error.as_ref().unwrap().kind,
            "abstract_unix_socket"
        );
        assert_eq!(
            doc.published[0].key,
            "published tcp host 0.0.0.0:8080 -> 172.17.0.2:80"
        );
        let text = text::render(&doc, &Policy::default(), Some(true));
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(text.contains("0.0.0.0:8080 → 172.17.0.2:80"), "{text}");
        assert!(
            text.contains("unix @x\\u{1b}[2J in host (7/sshd): is an abstract"),
            "{text}"
        );
    }

    #[test]
    fn the_process_allow_list_accepts_a_unix_socket_and_the_port_list_a_published_port() {
        let mut gathered = gathered(Vec::new(), sshd_owners());
        gathered.unix = vec![unix_socket(
            UnixName::Abstract(b"x".to_vec()),
            FileState::None,
            2,
        )];
        gathered.published = vec![Published {
            loopback_dropped: Some(false),
            ..Published::tcp("127.0.0.1", 8080, "nftables")
        }];
        let mut args = args(Policy::default(), AuditFormat::Json);
        args.filter.processes = vec!["sshd".to_owned()];
        args.filter.ports = vec!["8080/tcp".parse().unwrap()];
        let doc = judge(&args, gathered, None);
        assert_eq!(doc.refused, 0);
        assert_eq!(
            doc.unix_sockets[0].allowed_by.as_deref(),
            Some("--allow-process sshd")
        );
        assert_eq!(
            doc.published[0].allowed_by.as_deref(),
            Some("--allow 8080/tcp")
        );
        assert_eq!(doc.published[0].judged_as, "0.0.0.0:8080");
        assert!(doc.published[0].note.is_some());
    }

    #[test]
    fn a_baseline_leaves_known_rows_out_and_counts_them() {
        let baseline = baseline::Baseline::parse(
            r#"{"sockets": [{"key": "tcp host 0.0.0.0:22"}], "published": [], "unix_sockets": [{"key": "unix host @x"}]}"#,
        )
        .unwrap();
        let mut gathered = gathered(
            vec![
                socket(Proto::Tcp, "0.0.0.0:22", 1),
                socket(Proto::Tcp, "0.0.0.0:23", 2),
            ],
            Owners::new(),
        );
        gathered.unix = vec![unix_socket(
            UnixName::Abstract(b"x".to_vec()),
            FileState::None,
            3,
        )];
        let mut args = args(Policy::default(), AuditFormat::Json);
        args.baseline = Some("base.json".into());
        let doc = judge(&args, gathered, Some(&baseline));
        assert_eq!(doc.sockets.len(), 1);
        assert_eq!(doc.sockets[0].port, 23);
        assert!(doc.unix_sockets.is_empty());
        assert_eq!(doc.refused, 1);
        assert_eq!(doc.baseline.as_ref().unwrap().known, 2);
    }
}
