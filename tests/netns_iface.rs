//! Interface binding, in network namespaces: a socket bound to an interface as a
//! *device* (`SO_BINDTODEVICE`, `bind_guard::socket2::bind_device`) is not reachable
//! through the host's other interface, while a socket bound to the same interface's
//! *address* (`iface:a0/ipv4:PORT` in a `BindSet`) is, because Linux follows the weak
//! host model.
//!
//! Three namespaces, on benchmarking-range addresses (RFC 2544, never routed):
//!
//! ```text
//!   client A  a1 198.18.21.2/24 ── a0 198.18.21.1/24  server  b0 198.18.22.1/24 ── b1 198.18.22.2/24  client B
//! ```
//!
//! Client A routes 198.18.22.0/24 through the server's `a0`, client B routes
//! 198.18.21.0/24 through its `b0`, so each client can address both of the server's
//! addresses, through one interface only. The server and the clients are this test
//! binary again, started with `ip netns exec` (a process cannot enter a namespace
//! without unsafe code) and told their role through `BIND_GUARD_IFACE_ROLE`. The
//! namespaces, and with them the links, are deleted when the test ends, also when it
//! fails.
//!
//! Needs root and `ip` (iproute2); without them the test says why and passes, except
//! under `CI=true`, where it fails.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use bind_guard::socket2::{SocketOptions, device_tcp_listeners};
use bind_guard::{BindSet, InterfaceSpec, Policy};
use bind_guard_test_support::child::KillOnDrop as Server;
use bind_guard_test_support::netns::reach::{self, CONNECTED, REFUSED};
use bind_guard_test_support::netns::{self, Lines, ip};

const ROLE_ENV: &str = "BIND_GUARD_IFACE_ROLE";
const HELPER_TEST: &str = "netns_iface_helper";
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

const SERVER_A: &str = "198.18.21.1";
const SERVER_B: &str = "198.18.22.1";

/// The server or a client inside a namespace; does nothing when run as a plain test.
///
/// - `serve`: binds `iface:a0/ipv4:0` as a device and as an address, prints
///   `DEVICE port` and `ADDRESS port`, answers `ok` to each connection until stdin
///   closes.
/// - `connect IP:PORT`: connects, reads `ok`, exits with [`CONNECTED`], [`REFUSED`],
///   `TIMED_OUT` or `OTHER` (see `reach`).
#[test]
#[ignore = "the server and client process of netns_iface, started inside a namespace"]
fn netns_iface_helper() {
    let Ok(role) = std::env::var(ROLE_ENV) else {
        return;
    };
    let mut words = role.split_whitespace();
    match (words.next(), words.next()) {
        (Some("serve"), None) => serve(),
        (Some("connect"), Some(target)) => std::process::exit(reach::connect(
            target.parse().unwrap(),
            CONNECT_TIMEOUT,
            true,
        )),
        _ => panic!("unknown role {role:?}"),
    }
}

fn serve() {
    let spec: InterfaceSpec = "iface:a0/ipv4:0".parse().unwrap();
    // 198.18.0.0/15 is the benchmarking scope, which the default policy allows.
    let device = device_tcp_listeners(&spec, &Policy::default(), &SocketOptions::new())
        .expect("device-bound listener");
    assert_eq!(device.len(), 1, "a0 has IPv4 only");
    let device: TcpListener = device.into_iter().next().unwrap().into();
    let by_address = "iface:a0/ipv4:0".parse::<BindSet>().unwrap();
    assert_eq!(by_address.to_string(), format!("{SERVER_A}:0"));
    let address = by_address.bind_tcp().unwrap().pop().unwrap();
    println!("DEVICE {}", device.local_addr().unwrap().port());
    println!("ADDRESS {}", address.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    reach::answer_ok_until_stdin_closes(vec![device, address]);
}

/// The three namespaces, deleted on drop (which deletes the veth pairs too).
struct Topology {
    server: String,
    client_a: String,
    client_b: String,
}

impl Topology {
    fn new() -> Topology {
        let id = std::process::id();
        let topology = Topology {
            server: format!("bgi-srv-{id}"),
            client_a: format!("bgi-ca-{id}"),
            client_b: format!("bgi-cb-{id}"),
        };
        // Created by the guard before any namespace exists: dropped on any failure below.
        for ns in topology.names() {
            ip(&["netns", "add", ns]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
        }
        let (s, a, b) = (&topology.server, &topology.client_a, &topology.client_b);
        for (here, peer_ns, peer, here_addr, peer_addr, route, via) in [
            (
                "a0",
                a,
                "a1",
                "198.18.21.1/24",
                "198.18.21.2/24",
                "198.18.22.0/24",
                SERVER_A,
            ),
            (
                "b0",
                b,
                "b1",
                "198.18.22.1/24",
                "198.18.22.2/24",
                "198.18.21.0/24",
                SERVER_B,
            ),
        ] {
            ip(&[
                "-n", s, "link", "add", here, "type", "veth", "peer", "name", peer, "netns",
                peer_ns,
            ]);
            ip(&["-n", s, "addr", "add", here_addr, "dev", here]);
            ip(&["-n", s, "link", "set", here, "up"]);
            ip(&["-n", peer_ns, "addr", "add", peer_addr, "dev", peer]);
            ip(&["-n", peer_ns, "link", "set", peer, "up"]);
            ip(&["-n", peer_ns, "route", "add", route, "via", via]);
        }
        topology
    }

    fn names(&self) -> [&str; 3] {
        [&self.server, &self.client_a, &self.client_b]
    }

    /// This test binary in namespace `ns`, in `role`.
    fn helper(&self, ns: &str, role: &str) -> Command {
        bind_guard_test_support::netns::helper(ns, HELPER_TEST, ROLE_ENV, role)
    }

    /// A client in `ns` connecting to `target`: its exit code.
    fn connect(&self, ns: &str, target: &str) -> i32 {
        let what = format!("client in {ns} connecting to {target}");
        netns::run_client(
            self.helper(ns, &format!("connect {target}")),
            TIMEOUT,
            &what,
        )
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for ns in self.names() {
            netns::delete(ns);
        }
    }
}

#[test]
fn netns_device_bound_listener_is_not_reachable_through_the_other_interface() {
    if !netns::available("netns_iface", "bgi") {
        return;
    }
    let net = Topology::new();
    let mut server = Server(
        net.helper(&net.server, "serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let lines = Lines::of(&mut server.0);
    let port = |label: &str| -> u16 {
        let line = lines.find(&[label], TIMEOUT);
        line[label.len()..].trim().parse().unwrap()
    };
    let device = port("DEVICE");
    let address = port("ADDRESS");

    let from_a = |target: String| net.connect(&net.client_a, &target);
    let from_b = |target: String| net.connect(&net.client_b, &target);

    // The address-bound socket: reachable through its own interface, and through the
    // other one too (weak host model), which is why device binding exists.
    assert_eq!(from_a(format!("{SERVER_A}:{address}")), CONNECTED);
    assert_eq!(from_b(format!("{SERVER_A}:{address}")), CONNECTED);
    // The device-bound socket: reachable through a0 only. From B the same address,
    // reached through b0, finds no socket: the kernel answers with a reset.
    assert_eq!(from_a(format!("{SERVER_A}:{device}")), CONNECTED);
    assert_eq!(from_b(format!("{SERVER_A}:{device}")), REFUSED);
    assert_eq!(from_b(format!("{SERVER_B}:{device}")), REFUSED);
    // What the docs of `bind_device` warn about: the device takes what arrives through
    // it for any address of the host, b0's included.
    assert_eq!(from_a(format!("{SERVER_B}:{device}")), CONNECTED);
}
