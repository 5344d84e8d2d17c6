//! The socket tables of `/proc/net/{tcp,tcp6,udp,udp6,unix}` (the fallback where
//! `sock_diag` is unavailable, and the way into a namespace this process may not
//! enter: `/proc/PID/net/*` is the namespace of PID), and the processes holding
//! sockets, from `/proc/PID/fd`, read with the `procfs` crate.
use std::collections::BTreeSet;

use procfs::ProcError;
use procfs::net::{TcpNetEntry, TcpState, UdpNetEntry, UdpState, UnixNetEntry, UnixState};
use procfs::process::{FDTarget, Process};

use super::unix::{UnixKind, UnixSocket, name_from_proc};
use super::{Owner, Owners, Proto, Socket};

/// The tables of one namespace as a process sees them.
type Tables = (Vec<Socket>, Vec<UnixSocket>);

/// The tables of the calling process's namespace (`/proc/self/net` is the thread's).
pub(super) fn current_sockets() -> Result<Tables, String> {
    let me = Process::myself().map_err(|err| format!("cannot read /proc/self: {err}"))?;
    tables(&me, "/proc/self/net")
}

/// The tables of the namespace `pid` is in.
pub(super) fn process_sockets(pid: i32) -> Result<Tables, String> {
    let process = Process::new(pid).map_err(|err| format!("cannot read /proc/{pid}: {err}"))?;
    tables(&process, &format!("/proc/{pid}/net"))
}

/// Every listening TCP socket, bound unconnected UDP socket and named Unix socket of
/// the tables. `/proc/net/*` shows neither `IPV6_V6ONLY` nor a bound device: both are
/// unknown, and judged at their widest.
fn tables(process: &Process, dir: &str) -> Result<Tables, String> {
    let mut sockets = Vec::new();
    for (table, entries) in [("tcp", process.tcp()), ("tcp6", process.tcp6())] {
        for entry in optional_table(dir, table, entries)? {
            if let Some(socket) = from_tcp(&entry) {
                sockets.push(socket);
            }
        }
    }
    for (table, entries) in [("udp", process.udp()), ("udp6", process.udp6())] {
        for entry in optional_table(dir, table, entries)? {
            if let Some(socket) = from_udp(&entry) {
                sockets.push(socket);
            }
        }
    }
    let unix = optional_table(dir, "unix", process.unix())?
        .iter()
        .filter_map(from_unix)
        .collect();
    Ok((sockets, unix))
}

fn from_tcp(entry: &TcpNetEntry) -> Option<Socket> {
    (entry.state == TcpState::Listen)
        .then(|| Socket::plain(Proto::Tcp, entry.local_address, entry.uid, entry.inode))
}

fn from_udp(entry: &UdpNetEntry) -> Option<Socket> {
    // A connected UDP socket only hears its peer, and port 0 is not bound yet: neither
    // listens for the network.
    (entry.state == UdpState::Close && entry.local_address.port() != 0)
        .then(|| Socket::plain(Proto::Udp, entry.local_address, entry.uid, entry.inode))
}

/// `/proc/net/unix` does not show which stream sockets listen (its flags column is not
/// parsed): every named, unconnected stream or seqpacket socket counts as listening,
/// the wider reading.
fn from_unix(entry: &UnixNetEntry) -> Option<UnixSocket> {
    let kind = UnixKind::from_type(u8::try_from(entry.socket_type).ok()?)?;
    if entry.state != UnixState::UNCONNECTED {
        return None;
    }
    let name = name_from_proc(entry.path.as_deref()?);
    Some(UnixSocket::new(kind, name, entry.inode, None))
}

/// A table that may be missing (the IPv6 ones, when IPv6 is disabled) reads as empty.
fn optional_table<T>(
    dir: &str,
    table: &str,
    entries: Result<Vec<T>, ProcError>,
) -> Result<Vec<T>, String> {
    match entries {
        Ok(entries) => Ok(entries),
        Err(ProcError::NotFound(_)) if table.ends_with('6') => Ok(Vec::new()),
        Err(err) => Err(format!("cannot read {dir}/{table}: {err}")),
    }
}

/// The processes holding each of `inodes`, lowest pid first, in one pass over every
/// process's descriptors (socket inodes are unique across namespaces). Processes whose
/// descriptors cannot be read (another user's, without root) or that exit during the
/// scan are skipped: their sockets show no owner, and the report says so.
pub(super) fn owners(inodes: &BTreeSet<u64>) -> Owners {
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

/// The command line of `pid`, for the publishers (`docker-proxy`, `rootlessport`).
pub(super) fn cmdline(pid: i32) -> Option<Vec<String>> {
    Process::new(pid).ok()?.cmdline().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proc_tables_show_a_listener_and_its_holder() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let local = listener.local_addr().unwrap();
        let (sockets, _) = current_sockets().unwrap();
        let found = sockets
            .iter()
            .find(|s| s.proto == Proto::Tcp && s.addr == local)
            .expect("the test's own listener");
        assert_eq!((found.v6only, &found.device), (None, &None));
        let by_pid = process_sockets(i32::try_from(std::process::id()).unwrap()).unwrap();
        assert!(by_pid.0.iter().any(|s| s.addr == local));
        let owners = owners(&BTreeSet::from([found.inode]));
        let me = i32::try_from(std::process::id()).unwrap();
        assert!(owners[&found.inode].iter().any(|o| o.pid == me));
        assert!(process_sockets(-5).is_err());
    }
}
