//! The host settings that change who can reach a socket, beyond its address (`std`
//! feature): read from Linux's `/proc/sys`, in the network namespace of the caller.
//!
//! - [`ipv6_v6only_default`]: whether a new socket bound to `[::]` takes IPv6 only, or
//!   IPv4 too (dual-stack). Every bind path of this crate that does not choose
//!   `IPV6_V6ONLY` itself gets this default (see [`BindAddr::bind_tcp`](crate::BindAddr::bind_tcp)).
//! - [`route_localnet`]: whether IPv4 loopback (`127.0.0.0/8`) is reachable from other
//!   hosts. With `net.ipv4.conf.{all,IFACE}.route_localnet=1` the kernel accepts packets
//!   addressed to `127.0.0.1` that arrive on a network interface, so a neighbour that
//!   routes `127.0.0.1` to this host reaches a server bound to `127.0.0.1`
//!   (CVE-2020-8558: kube-proxy sets it on every Kubernetes node). `::1` has no such
//!   setting: IPv6 loopback packets from a network are always dropped.
//!
//! - [`ip_forward`]: whether this host routes IPv4 between its networks
//!   (`net.ipv4.ip_forward`).
//!
//! The first two are proven in network namespaces (`tests/netns.rs`).

use std::io;
use std::string::String;
use std::vec::Vec;

/// Whether an IPv6 wildcard socket also accepts IPv4 connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DualStack {
    /// It does (`IPV6_V6ONLY` off).
    Yes,
    /// It does not (`IPV6_V6ONLY` on).
    No,
    /// What a socket gets when nobody set `IPV6_V6ONLY`, as every bind path of this
    /// crate leaves it unless told (see the [`bind` rule](crate::BindAddr::bind_tcp)):
    /// [`ipv6_v6only_default`], read at the
    /// call. Where that is not known, [`resolve`](DualStack::resolve) says so
    /// instead of guessing.
    SystemDefault,
}

impl DualStack {
    /// Whether `[::]` takes IPv4 too; `None` when the system default is not known.
    #[must_use]
    pub fn resolve(self) -> Option<bool> {
        match self {
            DualStack::Yes => Some(true),
            DualStack::No => Some(false),
            DualStack::SystemDefault => ipv6_v6only_default().map(|v6only| !v6only),
        }
    }
}

/// The system's default for `IPV6_V6ONLY` on new IPv6 sockets: `Some(false)` means a
/// socket bound to `[::]` also accepts IPv4 connections (dual-stack) unless the program
/// sets the option itself, `Some(true)` IPv6 only.
///
/// On Linux it is the sysctl `net.ipv6.bindv6only` of the caller's network namespace
/// (usually 0), read at each call; on Windows it is always `Some(true)` (Windows turns
/// the option on by default). `None` when it cannot be known: other systems (macOS
/// defaults to dual-stack, FreeBSD and OpenBSD to IPv6 only, and the crate cannot read
/// their settings without unsafe code), or a Linux without IPv6 or without `/proc`.
///
/// ```
/// if let Some(v6only) = bind_guard::sysctl::ipv6_v6only_default() {
///     println!("[::] takes IPv4 too here: {}", !v6only);
/// }
/// ```
#[must_use]
pub fn ipv6_v6only_default() -> Option<bool> {
    if cfg!(windows) {
        return Some(true);
    }
    if !cfg!(target_os = "linux") {
        return None;
    }
    std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only")
        .ok()
        .and_then(|text| switch(&text))
}

/// A boolean sysctl's text (`"0\n"`, `"1\n"`); anything else is not known.
/// `net.ipv4.ip_forward` of the caller's network namespace: `Some(true)` when this host
/// routes IPv4 packets between its networks (a router, a container host), so that a
/// neighbour on one network reaches the addresses this host has on the others, and
/// containers' published ports. `None` where it cannot be read (not Linux, no `/proc`).
#[must_use]
pub fn ip_forward() -> Option<bool> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward")
        .ok()
        .and_then(|text| switch(&text))
}

fn switch(text: &str) -> Option<bool> {
    match text.strip_suffix('\n').unwrap_or(text) {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    }
}

/// Where `net.ipv4.conf.*.route_localnet` is on; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteLocalnet {
    all: bool,
    interfaces: Vec<String>,
}

impl RouteLocalnet {
    /// Whether IPv4 loopback is reachable from some network: `all` or any interface has
    /// it (the kernel accepts a packet for `127.0.0.0/8` when either the `all` setting
    /// or the setting of the interface it arrived on is 1).
    #[must_use]
    pub fn is_on(&self) -> bool {
        self.all || !self.interfaces.is_empty()
    }

    /// Whether `net.ipv4.conf.all.route_localnet` is 1: every interface accepts them.
    #[must_use]
    pub fn all(&self) -> bool {
        self.all
    }

    /// The interfaces whose own setting is 1, in name order. (`default`, the value new
    /// interfaces start with, is not an interface and is not listed.)
    #[must_use]
    pub fn interfaces(&self) -> &[String] {
        &self.interfaces
    }
}

/// Reads `net.ipv4.conf.{all,IFACE}.route_localnet` of the caller's network namespace.
///
/// ```no_run
/// let localnet = bind_guard::sysctl::route_localnet()?;
/// if localnet.is_on() {
///     eprintln!("warning: 127.0.0.1 is reachable from other hosts here (route_localnet)");
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// `Unsupported` on systems other than Linux; the error of reading
/// `/proc/sys/net/ipv4/conf` (such as `NotFound` without `/proc`), or `InvalidData`
/// when a value is not 0 or 1. Never a guess.
pub fn route_localnet() -> io::Result<RouteLocalnet> {
    if !cfg!(target_os = "linux") {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "route_localnet is a Linux setting",
        ));
    }
    read_route_localnet(std::path::Path::new("/proc/sys/net/ipv4/conf"))
}

/// [`route_localnet`] from a `conf` directory (one folder per interface, plus `all`
/// and `default`), so the reading is tested without a kernel.
fn read_route_localnet(conf: &std::path::Path) -> io::Result<RouteLocalnet> {
    let read = |dir: &std::path::Path| -> io::Result<bool> {
        let path = dir.join("route_localnet");
        let text = std::fs::read_to_string(&path)?;
        switch(&text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                std::format!("{} holds {:?}, not 0 or 1", path.display(), text),
            )
        })
    };
    let mut localnet = RouteLocalnet {
        all: read(&conf.join("all"))?,
        interfaces: Vec::new(),
    };
    for entry in std::fs::read_dir(conf)? {
        let entry = entry?;
        // Linux interface names are bytes: one that is not UTF-8 is named lossily.
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "all" && name != "default" && read(&entry.path())? {
            localnet.interfaces.push(name);
        }
    }
    localnet.interfaces.sort();
    Ok(localnet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_switches_are_0_or_1_and_nothing_else() {
        assert_eq!(switch("0\n"), Some(false));
        assert_eq!(switch("1\n"), Some(true));
        assert_eq!(switch("1"), Some(true));
        for unknown in ["", "2\n", " 1\n", "1\n\n", "yes"] {
            assert_eq!(switch(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn route_localnet_reads_all_and_every_interface() {
        let conf = std::env::temp_dir().join(std::format!(
            "bind-guard-route-localnet-{}",
            std::process::id()
        ));
        let set = |name: &str, value: &str| {
            std::fs::create_dir_all(conf.join(name)).unwrap();
            std::fs::write(conf.join(name).join("route_localnet"), value).unwrap();
        };
        for name in ["all", "default", "lo", "eth0"] {
            set(name, "0\n");
        }
        assert_eq!(
            read_route_localnet(&conf).unwrap(),
            RouteLocalnet::default()
        );
        assert!(!read_route_localnet(&conf).unwrap().is_on());
        set("default", "1\n"); // new interfaces only: not an exposure yet
        assert!(!read_route_localnet(&conf).unwrap().is_on());
        set("eth0", "1\n");
        set("cni0", "1\n");
        let on = read_route_localnet(&conf).unwrap();
        assert!(on.is_on() && !on.all());
        assert_eq!(on.interfaces(), ["cni0", "eth0"]);
        set("all", "1\n");
        assert!(read_route_localnet(&conf).unwrap().all());
        set("lo", "garbage");
        let err = read_route_localnet(&conf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        std::fs::remove_dir_all(&conf).unwrap();
        assert!(read_route_localnet(&conf).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_host_can_be_read() {
        // Whatever the values are: /proc/sys is there on Linux.
        route_localnet().unwrap();
    }
}
