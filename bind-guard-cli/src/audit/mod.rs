//! `bind-guard audit`: the listening sockets of every network namespace on this host,
//! the ports published into containers, and the Unix sockets, checked against a policy
//! (Linux).
//!
//! - [`namespace`] finds the network namespaces (`/proc/*/ns/net`, `/run/netns`),
//!   names them and reads each from a thread moved into it;
//! - [`sock_diag`] lists the inet and Unix sockets of a namespace through the kernel's
//!   `sock_diag` netlink interface (over [`netlink`]), which also reports the device a
//!   socket is restricted to and `IPV6_V6ONLY`; [`links`] names that device and lists
//!   its addresses in the same namespace (rtnetlink, by interface index); where netlink
//!   is unavailable, [`proc`] reads `/proc/PID/net/*`, which shows neither (both are
//!   then unknown, and judged at their widest);
//! - [`published`] reads DNAT rules (nftables, iptables) and `docker-proxy` command
//!   lines; [`unix`] judges Unix sockets by their file's mode;
//! - the owners come from `/proc/PID/fd` in one pass; the [`host`] section reports
//!   the sysctls that change exposure;
//! - [`baseline`] keeps what a previous report listed out of this one; [`metrics`]
//!   writes OpenMetrics text; [`text`] the table.
//!
//! The policy's verdict on each socket is the library's: `SocketFacts`, with a
//! device-bound wildcard judged by its device's addresses as read in its own namespace
//! (`judge_with_device_addrs`).

mod baseline;
mod filter;
mod host;
#[cfg(target_os = "linux")]
mod links;
mod metrics;
#[cfg(target_os = "linux")]
mod namespace;
#[cfg(target_os = "linux")]
mod netlink;
#[cfg(target_os = "linux")]
mod proc;
mod published;
mod report;
#[cfg(target_os = "linux")]
mod sock_diag;
mod text;
mod unix;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use bind_guard::facts::{SocketFacts, SocketRefusal};
use bind_guard::{BindError, ErrorKind, Policy};

use self::filter::AuditFilter;
use crate::{Outcome, PolicyArgs};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum AuditFormat {
    /// A table for people
    Text,
    /// One JSON object (schema in JSON.md)
    Json,
    /// OpenMetrics text, for node_exporter's textfile collector
    Openmetrics,
}

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    filter: AuditFilter,
    /// Output format: text, json or openmetrics
    #[arg(long, value_enum, default_value = "text")]
    format: AuditFormat,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Audit only the network namespace bind-guard runs in (the default as a user other
    /// than root); as root every network namespace of the host is audited
    #[arg(long)]
    this_namespace: bool,
    /// A previous 'audit --format json' report: list only the listeners, Unix sockets
    /// and published ports that are not in it, and exit 0 unless one of them is refused
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

impl AuditArgs {
    fn format(&self) -> AuditFormat {
        if self.json {
            AuditFormat::Json
        } else {
            self.format
        }
    }
}

/// One listening inet socket, as the kernel lists it.
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
    /// The device the socket is restricted to (`SO_BINDTODEVICE`), named in its own
    /// namespace, when the source shows it.
    pub(crate) device: Option<String>,
    /// That device's addresses, read in the socket's namespace by interface index;
    /// `None` when they could not be read (the socket is then judged as the wildcard).
    pub(crate) device_addrs: Option<Vec<IpAddr>>,
    /// The index of its namespace in the report.
    pub(crate) ns: usize,
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
impl Socket {
    /// A socket as `/proc/net` shows it: no device, no `IPV6_V6ONLY`.
    pub(crate) fn plain(proto: Proto, addr: SocketAddr, uid: u32, inode: u64) -> Socket {
        Socket {
            proto,
            addr,
            uid,
            inode,
            v6only: None,
            device: None,
            device_addrs: None,
            ns: 0,
        }
    }

    /// The library's verdict on this socket, as the kernel holds it. A device-bound
    /// wildcard is judged by its device's addresses read in the socket's namespace;
    /// where they are unknown, as the wildcard it is (never by this process's
    /// interfaces, which may be another namespace's).
    pub(crate) fn verdict(&self, policy: &Policy) -> Result<(), BindError> {
        // Only listening TCP sockets and bound UDP sockets are listed.
        let listening = (self.proto == Proto::Tcp).then_some(true);
        let judged = match &self.device_addrs {
            Some(addrs) => SocketFacts::new(self.addr, self.v6only, self.device.clone(), listening)
                .judge_with_device_addrs(policy, addrs),
            None => SocketFacts::new(self.addr, self.v6only, None, listening).judge(policy),
        };
        match judged {
            Ok(()) => Ok(()),
            Err(SocketRefusal::Policy(err)) => Err(err),
            // Not reachable for a listed socket; refused, never allowed by accident.
            Err(_) => Err(BindError::new(&self.addr.to_string(), ErrorKind::Wildcard)),
        }
    }
}

/// Where a namespace's socket tables came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The kernel's sock_diag netlink interface.
    SockDiag,
    /// `/proc/net/*` or `/proc/PID/net/*`, with why netlink was not used.
    Proc(String),
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub(crate) fn name(self) -> &'static str {
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

pub(crate) fn run(args: &AuditArgs) -> Outcome {
    let baseline = match &args.baseline {
        Some(path) => match baseline::Baseline::read(path) {
            Ok(baseline) => Some(baseline),
            Err(err) => return Outcome::error(err),
        },
        None => None,
    };
    match report::gather(args.this_namespace) {
        Ok(gathered) => report::report(args, gathered, baseline.as_ref()),
        Err(err) => Outcome::error(err),
    }
}
