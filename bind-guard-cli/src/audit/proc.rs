//! The socket tables of `/proc/net/{tcp,tcp6,udp,udp6}` (the fallback where
//! `sock_diag` is unavailable) and the owners of sockets from `/proc/PID/fd`, read
//! with the `procfs` crate.
use std::collections::BTreeSet;

use procfs::ProcError;
use procfs::net::{TcpState, UdpState};
use procfs::process::FDTarget;

use super::{Owner, Owners, Proto, Socket};

/// Every listening TCP socket and bound, unconnected UDP socket, from the tables.
/// `/proc/net/*` shows neither `IPV6_V6ONLY` nor a bound device: both are unknown.
pub(super) fn listening_sockets() -> Result<Vec<Socket>, String> {
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
                    v6only: None,
                    device: None,
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
                    v6only: None,
                    device: None,
                });
            }
        }
    }
    Ok(sockets)
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
