//! The network namespaces of this host and how each is read.
//!
//! A namespace is found through the processes in it (`/proc/PID/ns/net`, one link per
//! process, deduplicated by the namespace's inode) and through the names `ip netns`
//! gives (`/run/netns/NAME`, bind mounts of the same inode, also held when no process
//! is in it). It is named by its `ip netns` name, else by the container of a process
//! in it (runtime and id from the process's cgroup), else by its inode.
//!
//! It is read from a thread moved into it (`setns`, through rustix's safe wrapper):
//! netlink sockets opened there see its sockets and devices, and so do its sysctls.
//! Where that is not allowed (not root), its tables are read through a process in it
//! (`/proc/PID/net/*`, no devices or `IPV6_V6ONLY`); a namespace read neither way is
//! reported as unreadable, never left out.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use super::links::Links;
use super::published::{self, RuleScan};
use super::unix::UnixSocket;
use super::{Socket, Source, proc, sock_diag};
use crate::json::RouteLocalnetJson;

/// One network namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Namespace {
    /// The namespace's inode (`ip netns identify`, `lsns -t net`); 0 when not known.
    pub(crate) inode: u64,
    pub(crate) name: NsName,
    /// Processes in it, lowest first.
    pub(crate) pids: Vec<i32>,
    /// Its `/run/netns` files.
    pub(crate) netns_files: Vec<PathBuf>,
    /// Whether `bind-guard` runs in it.
    pub(crate) own: bool,
}

/// What a namespace is called in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NsName {
    /// The namespace of PID 1 or the kernel's threads (this host's own network).
    Host,
    /// An `ip netns` name.
    Netns(String),
    /// A container's: runtime and id, from a process's cgroup.
    Container { runtime: String, id: String },
    /// Nothing better than its inode.
    Inode,
}

impl Namespace {
    /// The name shown everywhere: `host`, `netns:NAME`, `docker:ID12`, `net:[INODE]`.
    pub(crate) fn label(&self) -> String {
        match &self.name {
            NsName::Host => "host".to_owned(),
            NsName::Netns(name) => format!("netns:{name}"),
            NsName::Container { runtime, id } => {
                format!("{runtime}:{}", id.get(..12).unwrap_or(id))
            }
            NsName::Inode => format!("net:[{}]", self.inode),
        }
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self.name {
            NsName::Host => "host",
            NsName::Netns(_) => "netns",
            NsName::Container { .. } => "container",
            NsName::Inode => "inode",
        }
    }
}

/// The inode of a namespace link's target: `net:[4026531840]`.
fn link_inode(path: &Path) -> Option<u64> {
    let target = std::fs::read_link(path).ok()?;
    let text = target.to_str()?;
    text.strip_prefix("net:[")?.strip_suffix(']')?.parse().ok()
}

/// The host's own namespace (the kernel's first, `init_net`): PID 1's, or, where that
/// cannot be read, that of `kthreadd` (PID 2), which kernel threads never leave.
fn host_inode() -> Option<u64> {
    link_inode(Path::new("/proc/1/ns/net")).or_else(|| link_inode(Path::new("/proc/2/ns/net")))
}

/// This process's namespace inode.
pub(crate) fn own_inode() -> Option<u64> {
    link_inode(Path::new("/proc/self/ns/net"))
}

/// Every network namespace: those of processes, then those only `ip netns` holds.
/// Processes whose link cannot be read (another user's, without root) are passed over:
/// without root only the audit's own namespace is read anyway.
pub(crate) fn all() -> Vec<Namespace> {
    let own = own_inode();
    let pid1 = host_inode();
    let mut by_inode: BTreeMap<u64, Vec<i32>> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok())
            else {
                continue;
            };
            if let Some(inode) = link_inode(&entry.path().join("ns/net")) {
                by_inode.entry(inode).or_default().push(pid);
            }
        }
    }
    let mut netns_files = netns_names();
    for inode in netns_files.keys() {
        by_inode.entry(*inode).or_default();
    }
    if let Some(own) = own {
        by_inode.entry(own).or_default();
    }
    by_inode
        .into_iter()
        .map(|(inode, mut pids)| {
            pids.sort_unstable();
            let files = netns_files.remove(&inode).unwrap_or_default();
            let name = name_of(inode, pid1, &files, &pids);
            Namespace {
                inode,
                name,
                pids,
                netns_files: files,
                own: Some(inode) == own,
            }
        })
        .collect()
}

/// The `ip netns` names by namespace inode (`/run/netns`, and `/var/run/netns` where
/// it is not a link to it).
fn netns_names() -> BTreeMap<u64, Vec<PathBuf>> {
    use std::os::unix::fs::MetadataExt;
    let mut netns_files: BTreeMap<u64, Vec<PathBuf>> = BTreeMap::new();
    // A name whose mount is gone (a failed `ip netns del`) is an empty file of /run:
    // only files on the namespace file system (nsfs) are namespaces.
    let Ok(nsfs) = std::fs::metadata("/proc/self/ns/net").map(|meta| meta.dev()) else {
        return netns_files;
    };
    for dir in ["/run/netns", "/var/run/netns"] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.dev() == nsfs {
                let inode = meta.ino();
                let files = netns_files.entry(inode).or_default();
                // /var/run is usually a link to /run: one name each.
                if !files.iter().any(|f| f.file_name() == path.file_name()) {
                    files.push(path);
                }
            }
        }
    }
    netns_files
}

/// The audit's own namespace alone (`--this-namespace`, or not root).
pub(crate) fn own() -> Namespace {
    let inode = own_inode().unwrap_or(0);
    let pid1 = host_inode();
    let pid = i32::try_from(std::process::id()).unwrap_or(0);
    let files = netns_names().remove(&inode).unwrap_or_default();
    Namespace {
        inode,
        name: name_of(inode, pid1, &files, &[]),
        pids: vec![pid],
        netns_files: files,
        own: true,
    }
}

fn name_of(inode: u64, pid1: Option<u64>, files: &[PathBuf], pids: &[i32]) -> NsName {
    if Some(inode) == pid1 {
        return NsName::Host;
    }
    if let Some(name) = files.iter().filter_map(|f| f.file_name()?.to_str()).min() {
        return NsName::Netns(name.to_owned());
    }
    for pid in pids {
        let container = std::fs::read_to_string(format!("/proc/{pid}/cgroup"))
            .ok()
            .and_then(|cgroup| container_of(&cgroup));
        if let Some((runtime, id)) = container {
            return NsName::Container { runtime, id };
        }
    }
    NsName::Inode
}

/// The container runtime and id in a `/proc/PID/cgroup` text, as Docker, Podman,
/// containerd, CRI-O and Kubernetes name their cgroups: `docker-ID.scope`,
/// `/docker/ID`, `libpod-ID.scope`, `cri-containerd-ID.scope`, `crio-ID.scope`,
/// `/kubepods/…/ID`. The id is 64 hex digits.
pub(crate) fn container_of(cgroup: &str) -> Option<(String, String)> {
    const RUNTIMES: [(&str, &str); 6] = [
        ("docker-", "docker"),
        ("docker", "docker"),
        ("libpod-", "podman"),
        ("cri-containerd-", "containerd"),
        ("crio-", "cri-o"),
        ("kubepods", "kubernetes"),
    ];
    let is_id = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    for line in cgroup.lines() {
        let Some(path) = line.splitn(3, ':').nth(2) else {
            continue;
        };
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate().rev() {
            let stem = part.strip_suffix(".scope").unwrap_or(part);
            for (prefix, runtime) in RUNTIMES {
                if let Some(id) = stem.strip_prefix(prefix).filter(|id| is_id(id)) {
                    return Some((runtime.to_owned(), id.to_owned()));
                }
            }
            // `/docker/ID`, `/kubepods/burstable/podUID/ID`: the runtime is a parent.
            if is_id(stem) {
                let runtime = parts[..i].iter().rev().find_map(|parent| {
                    RUNTIMES
                        .iter()
                        .find(|(prefix, _)| parent.starts_with(prefix.trim_end_matches('-')))
                        .map(|(_, runtime)| *runtime)
                });
                if let Some(runtime) = runtime {
                    return Some((runtime.to_owned(), stem.to_owned()));
                }
            }
        }
    }
    None
}

/// What was read from one namespace.
#[derive(Debug, Default)]
pub(crate) struct NsScan {
    pub(crate) sockets: Vec<Socket>,
    pub(crate) unix: Vec<UnixSocket>,
    pub(crate) source: Option<Source>,
    /// Whether devices were named and their addresses read in the namespace.
    pub(crate) links: Option<Result<(), String>>,
    pub(crate) route_localnet: Option<RouteLocalnetJson>,
    /// Its DNAT rules, read inside it; `None` where it could not be entered.
    pub(crate) rules: Option<RuleScan>,
    /// Why the namespace could not be read at all.
    pub(crate) error: Option<String>,
}

/// Reads one namespace: from inside it where this process may enter it, else through
/// a process in it.
pub(crate) fn read(ns: &Namespace) -> NsScan {
    if ns.own {
        return read_here();
    }
    let entry = ns.netns_files.iter().cloned().chain(
        ns.pids
            .iter()
            .map(|pid| PathBuf::from(format!("/proc/{pid}/ns/net"))),
    );
    let mut why = Vec::new();
    for path in entry {
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(err) => {
                why.push(format!("{}: {err}", path.display()));
                continue;
            }
        };
        // The file handle keeps the namespace alive even if its last process exits.
        // Only this thread moves; it ends when the reading is done.
        let reading = std::thread::spawn(move || {
            rustix::thread::move_into_link_name_space(
                file.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .map(|()| read_here())
            .map_err(|err| format!("cannot enter it: {err}"))
        })
        .join();
        match reading {
            Ok(Ok(scan)) => return scan,
            Ok(Err(err)) => why.push(err),
            Err(_) => why.push("the reading thread failed".to_owned()),
        }
        break; // entering is refused for every handle alike (no CAP_SYS_ADMIN)
    }
    // Through a process in it, without entering.
    for pid in &ns.pids {
        match proc::process_sockets(*pid) {
            Ok((sockets, unix)) => {
                return NsScan {
                    sockets,
                    unix,
                    source: Some(Source::Proc(format!(
                        "read through /proc/{pid}/net: {}",
                        why.join("; ")
                    ))),
                    links: None,
                    route_localnet: None,
                    rules: None,
                    error: None,
                };
            }
            Err(err) => why.push(err),
        }
    }
    NsScan {
        error: Some(if why.is_empty() {
            "no process is in it and it has no /run/netns name to enter".to_owned()
        } else {
            why.join("; ")
        }),
        ..NsScan::default()
    }
}

/// Reads the calling thread's namespace: sock_diag and rtnetlink, or `/proc/net`.
fn read_here() -> NsScan {
    let route_localnet = Some(RouteLocalnetJson::read());
    // The tools run as children of this thread, so in its namespace.
    let rules = Some(published::read());
    let diag = sock_diag::open().and_then(|link| {
        let inet = sock_diag::inet_sockets(&link)?;
        let unix = sock_diag::unix_sockets(&link)?;
        Ok((inet, unix))
    });
    match diag {
        Ok((inet, unix)) => {
            let links = Links::read();
            let sockets = inet
                .into_iter()
                .map(|entry| {
                    let (device, device_addrs) = match (entry.device_index, &links) {
                        (0, _) => (None, None),
                        (index, Ok(links)) => (Some(links.name(index)), links.addrs(index)),
                        // The devices cannot be read: named by index, judged as the
                        // wildcard it is.
                        (index, Err(_)) => (Some(format!("if{index}")), None),
                    };
                    Socket {
                        proto: entry.proto,
                        addr: entry.addr,
                        uid: entry.uid,
                        inode: entry.inode,
                        v6only: entry.v6only,
                        device,
                        device_addrs,
                        ns: 0,
                    }
                })
                .collect();
            NsScan {
                sockets,
                unix,
                source: Some(Source::SockDiag),
                links: Some(links.map(|_| ())),
                route_localnet,
                rules,
                error: None,
            }
        }
        Err(why) => match proc::current_sockets() {
            Ok((sockets, unix)) => NsScan {
                sockets,
                unix,
                source: Some(Source::Proc(why)),
                links: None,
                route_localnet,
                rules,
                error: None,
            },
            Err(err) => NsScan {
                error: Some(format!("{why}; {err}")),
                route_localnet,
                rules,
                ..NsScan::default()
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Proto;

    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn containers_are_named_from_their_cgroup() {
        let cases = [
            (format!("0::/system.slice/docker-{ID}.scope\n"), "docker"),
            (format!("12:pids:/docker/{ID}\n"), "docker"),
            (
                format!("0::/machine.slice/libpod-{ID}.scope/container\n"),
                "podman",
            ),
            (
                format!(
                    "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-{ID}.scope\n"
                ),
                "containerd",
            ),
            (
                format!("0::/kubepods/burstable/pod1234/{ID}\n"),
                "kubernetes",
            ),
            (format!("0::/system.slice/crio-{ID}.scope\n"), "cri-o"),
        ];
        for (cgroup, runtime) in cases {
            assert_eq!(
                container_of(&cgroup),
                Some((runtime.to_owned(), ID.to_owned())),
                "{cgroup}"
            );
        }
        assert_eq!(
            container_of("0::/user.slice/user-1000.slice/session-2.scope\n"),
            None
        );
        assert_eq!(container_of(&format!("0::/system.slice/{ID}\n")), None);
        assert_eq!(container_of("garbage"), None);
    }

    #[test]
    fn labels() {
        let mut ns = Namespace {
            inode: 7,
            name: NsName::Inode,
            pids: vec![],
            netns_files: vec![],
            own: false,
        };
        assert_eq!(ns.label(), "net:[7]");
        ns.name = NsName::Container {
            runtime: "docker".into(),
            id: ID.into(),
        };
        assert_eq!(ns.label(), "docker:0123456789ab");
        ns.name = NsName::Netns("blue".into());
        assert_eq!(ns.label(), "netns:blue");
    }

    #[test]
    fn this_namespace_is_found_and_read() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let all = all();
        let own = all
            .iter()
            .find(|ns| ns.own)
            .expect("the audit's own namespace");
        let scan = read(own);
        assert!(scan.error.is_none(), "{:?}", scan.error);
        assert!(
            scan.sockets
                .iter()
                .any(|s| s.proto == Proto::Tcp && s.addr.port() == port)
        );
    }
}
