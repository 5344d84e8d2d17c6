//! Verdicts against what a neighbour can really reach, in network namespaces: each test
//! shows first that the exposure exists (a neighbour connects), then that the verdict
//! covers it (the same setup under a policy that excludes the exposed address is
//! refused).
//!
//! - A labelled IPv4 alias (`ip addr add 198.18.1.1/24 dev a0 label a0:1`, listed by
//!   `getifaddrs` under `a0:1`) is an address of the device `a0`: a socket bound to the
//!   device takes connections for it, so device binding (`device_tcp_listeners`) and the
//!   verdict on an inherited or audited socket (`SocketFacts::judge`) judge it.
//! - A device's IPv6 link-local address is reachable through a socket bound to the
//!   device, so device binding judges it, whatever the `iface:` form's family says.
//! - A dual-stack `[::]` takes IPv4 connections, so a deny list that refuses `0.0.0.0`
//!   refuses it too (with `net.ipv6.bindv6only=0`), and does not when the namespace's
//!   default is IPv6-only (`net.ipv6.bindv6only=1`), where IPv4 cannot reach it.
//!
//! Two namespaces joined by a veth pair, on benchmarking-range addresses (RFC 2544) and
//! 2001:2::/48:
//!
//! ```text
//!   server  a0 198.18.0.1/24, 198.18.1.1/24 "a0:1", 2001:2::1/64, fe80::…
//!     ── client  a1 198.18.0.2/24, 198.18.1.2/24, 2001:2::2/64
//! ```
//!
//! The server and the client are this test binary again, started with `ip netns exec`
//! and told their role through `BIND_GUARD_VERDICT_ROLE`. The namespaces are deleted
//! when a test ends, also when it fails. Needs root and `ip` (iproute2); without them
//! the tests say why and pass, except under `CI=true`, where they fail.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use bind_guard::socket2::{SocketOptions, device_tcp_listeners};
use bind_guard::{BindSet, InterfaceSpec, Policy};
use bind_guard_test_support::child::KillOnDrop as Server;
use bind_guard_test_support::netns::reach::{self, CONNECTED, REFUSED};
use bind_guard_test_support::netns::{self, Lines, ip};

const ROLE_ENV: &str = "BIND_GUARD_VERDICT_ROLE";
const HELPER_TEST: &str = "netns_verdicts_helper";
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The server or a client inside a namespace; does nothing when run as a plain test.
/// Roles (words separated by `|`):
///
/// - `device|POLICY|SPEC`: `device_tcp_listeners(SPEC, POLICY)`;
/// - `bind|POLICY|LIST`: `BindSet::parse(POLICY, LIST)` and `bind_tcp`;
/// - `judge|POLICY|DEVICE`: a TCP socket on `0.0.0.0:0` restricted to `DEVICE`, judged
///   as an inherited socket is; it listens whatever the verdict;
/// - `judge6|POLICY|V6ONLY`: a TCP socket on `[::]:0` with `IPV6_V6ONLY` = V6ONLY,
///   judged likewise;
///
/// each prints `BOUND port…` (or `ALLOWED port`) or `REFUSED message` (`REFUSED port
/// message` for a judged socket, which still listens), answers `ok` to every connection
/// until stdin closes; and `connect|IP:PORT`, which exits with [`CONNECTED`],
/// [`REFUSED`], `TIMED_OUT` or `OTHER` (see `reach`).
#[test]
#[ignore = "the server and client processes of netns_verdicts, started inside a namespace"]
fn netns_verdicts_helper() {
    let Ok(role) = std::env::var(ROLE_ENV) else {
        return;
    };
    let words: Vec<&str> = role.split('|').collect();
    let policy = || -> Policy { words[1].parse().unwrap() };
    let listeners: Vec<TcpListener> = match words[0] {
        "connect" => std::process::exit(reach::connect(
            words[1].parse().unwrap(),
            CONNECT_TIMEOUT,
            true,
        )),
        "device" => {
            let spec: InterfaceSpec = words[2].parse().unwrap();
            match device_tcp_listeners(&spec, &policy(), &SocketOptions::new()) {
                Ok(sockets) => sockets.into_iter().map(TcpListener::from).collect(),
                Err(err) => return refused(&err.to_string()),
            }
        }
        "bind" => match BindSet::parse(&policy(), words[2]) {
            Ok(set) => set.bind_tcp().unwrap(),
            Err(err) => return refused(&err.to_string()),
        },
        "judge" | "judge6" => {
            let (addr, device, v6only) = if words[0] == "judge" {
                ("0.0.0.0:0", Some(words[2]), None)
            } else {
                ("[::]:0", None, Some(words[2] == "true"))
            };
            let addr: SocketAddr = addr.parse().unwrap();
            let socket = socket2::Socket::new(
                socket2::Domain::for_address(addr),
                socket2::Type::STREAM,
                None,
            )
            .unwrap();
            if let Some(v6only) = v6only {
                socket.set_only_v6(v6only).unwrap();
            }
            if let Some(device) = device {
                socket.bind_device(Some(device.as_bytes())).unwrap();
            }
            socket.bind(&addr.into()).unwrap();
            socket.listen(16).unwrap();
            let listener = TcpListener::from(socket);
            let port = listener.local_addr().unwrap().port();
            match bind_guard::inherited::facts(&listener, true)
                .unwrap()
                .judge(&policy())
            {
                Ok(()) => println!("ALLOWED {port}"),
                Err(err) => println!("REFUSED {port} {err:?}"),
            }
            vec![listener]
        }
        other => panic!("unknown role {other:?}"),
    };
    let ports: Vec<String> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port().to_string())
        .collect();
    if words[0] != "judge" && words[0] != "judge6" {
        println!("BOUND {}", ports.join(" "));
    }
    std::io::stdout().flush().unwrap();
    reach::answer_ok_until_stdin_closes(listeners);
}

fn refused(message: &str) {
    println!("REFUSED {}", message.replace('\n', " "));
    std::io::stdout().flush().unwrap();
}

/// The two namespaces, deleted on drop (which deletes the veth pair too).
struct Net {
    server: String,
    client: String,
    /// The server's link-local address on `a0`, zoned for the client's `a1` (by index).
    link_local: String,
}

impl Net {
    fn new(tag: &str) -> Net {
        let id = std::process::id();
        let mut net = Net {
            server: format!("bgv-{tag}-s-{id}"),
            client: format!("bgv-{tag}-c-{id}"),
            link_local: String::new(),
        };
        let (s, c) = (net.server.clone(), net.client.clone());
        for ns in [&s, &c] {
            ip(&["netns", "add", ns]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
            // No duplicate address detection: addresses are usable at once.
            for conf in ["default", "all"] {
                netns::sysctl(ns, &format!("net.ipv6.conf.{conf}.accept_dad"), "0");
            }
        }
        ip(&[
            "-n", &s, "link", "add", "a0", "type", "veth", "peer", "name", "a1", "netns", &c,
        ]);
        for (ns, dev, addrs) in [
            (&s, "a0", ["198.18.0.1/24", "2001:2::1/64"]),
            (&c, "a1", ["198.18.0.2/24", "2001:2::2/64"]),
        ] {
            for addr in addrs {
                ip(&["-n", ns, "addr", "add", addr, "dev", dev, "nodad"]);
            }
        }
        // The classic alias: listed by getifaddrs under "a0:1", not "a0".
        ip(&[
            "-n",
            &s,
            "addr",
            "add",
            "198.18.1.1/24",
            "dev",
            "a0",
            "label",
            "a0:1",
        ]);
        ip(&["-n", &c, "addr", "add", "198.18.1.2/24", "dev", "a1"]);
        ip(&["-n", &s, "link", "set", "a0", "up"]);
        // An interface that is up with no address at all (no IPv6, so no link-local).
        ip(&[
            "-n", &s, "link", "add", "e0", "type", "veth", "peer", "name", "e1",
        ]);
        netns::sysctl(&s, "net.ipv6.conf.e0.disable_ipv6", "1");
        ip(&["-n", &s, "link", "set", "e0", "up"]);
        ip(&["-n", &c, "link", "set", "a1", "up"]);
        net.link_local = net.wait_for_link_local();
        net
    }

    /// The server's `fe80::…` address on `a0`, once the kernel has made it.
    fn wait_for_link_local(&self) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let out = Command::new("ip")
                .args(["-n", &self.server, "-6", "-o", "addr", "show", "dev", "a0"])
                .args(["scope", "link"])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if !text.contains("tentative")
                && let Some(addr) = text
                    .split_whitespace()
                    .find(|word| word.starts_with("fe80::"))
            {
                let ip = addr.split('/').next().unwrap();
                // The zone is the client's interface, by index (`1: lo: …`).
                let out = Command::new("ip")
                    .args(["-n", &self.client, "-o", "link", "show", "dev", "a1"])
                    .output()
                    .unwrap();
                let index = String::from_utf8_lossy(&out.stdout)
                    .split(':')
                    .next()
                    .unwrap()
                    .trim()
                    .to_owned();
                return format!("[{ip}%{index}]");
            }
            assert!(Instant::now() < deadline, "a0 has no link-local address");
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// This test binary in namespace `ns`, in `role`.
    fn helper(&self, ns: &str, role: &str) -> Command {
        bind_guard_test_support::netns::helper(ns, HELPER_TEST, ROLE_ENV, role)
    }

    /// The server in `role`, and its first line (`BOUND …`, `ALLOWED …`, `REFUSED …`).
    fn serve(&self, role: &str) -> (Server, String) {
        let mut child = self
            .helper(&self.server, role)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = Lines::of(&mut child);
        let line = lines.find(&["BOUND", "ALLOWED", "REFUSED"], TIMEOUT);
        (Server(child), line)
    }

    /// A client connecting to `target` from the client namespace: its exit code.
    fn connect(&self, target: &str) -> i32 {
        let role = format!("connect|{target}");
        let what = format!("client connecting to {target}");
        netns::run_client(self.helper(&self.client, &role), TIMEOUT, &what)
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in [&self.server, &self.client] {
            netns::delete(ns);
        }
    }
}

/// The ports after `BOUND` (or the one after `ALLOWED`/`REFUSED` of a judged socket).
fn ports(line: &str) -> Vec<u16> {
    line.split_whitespace()
        .skip(1)
        .map_while(|word| word.parse().ok())
        .collect()
}

#[test]
fn netns_a_labelled_alias_is_judged_as_an_address_of_its_device() {
    if !netns::available("netns_verdicts", "bgv-alias") {
        return;
    }
    let net = Net::new("alias");
    // The exposure: a socket bound to the device a0 takes connections for the alias.
    let (_server, line) = net.serve("device|nothing,allow=198.18.0.0/23|iface:a0/ipv4:0");
    assert!(line.starts_with("BOUND "), "{line}");
    let port = ports(&line)[0];
    assert_eq!(net.connect(&format!("198.18.1.1:{port}")), CONNECTED);
    assert_eq!(net.connect(&format!("198.18.0.1:{port}")), CONNECTED);

    // So a policy that allows 198.18.0.0/24 only must refuse the device: before the fix
    // it judged 198.18.0.1 alone and bound it.
    let (_server, line) = net.serve("device|nothing,allow=198.18.0.0/24|iface:a0/ipv4:0");
    assert!(line.starts_with("REFUSED "), "{line}");
    assert!(line.contains("198.18.1.1"), "{line}");
    // The same verdict on a socket already bound to the device (inherited or audited).
    let (_server, line) = net.serve("judge|nothing,allow=198.18.0.0/24|a0");
    assert!(line.starts_with("REFUSED "), "{line}");
    assert!(line.contains("198.18.1.1"), "{line}");
    let port = ports(&line)[0];
    assert_eq!(net.connect(&format!("198.18.1.1:{port}")), CONNECTED);
    let (_server, line) =
        net.serve("judge|nothing,allow=198.18.0.0/23,allow=fe80::/10,allow=2001:2::/48|a0");
    assert!(line.starts_with("ALLOWED "), "{line}");

    // The address forms count the alias too: iface:a0 is both of a0's addresses.
    let (_server, line) = net.serve("bind|nothing,allow=198.18.0.0/23|iface:a0/ipv4:0");
    assert_eq!(ports(&line).len(), 2, "{line}");
    let (_server, line) = net.serve("bind|nothing,allow=198.18.0.0/24|iface:a0/ipv4:0");
    assert!(line.contains("198.18.1.1"), "{line}");
}

#[test]
fn netns_a_device_is_judged_by_its_link_local_address() {
    if !netns::available("netns_verdicts", "bgv-ll") {
        return;
    }
    let net = Net::new("ll");
    let ll = net.link_local.clone();
    // The exposure: through a socket bound to the device, a neighbour reaches the
    // device's link-local address.
    let open = "nothing,allow=198.18.0.0/23,allow=2001:2::/48,allow=fe80::/10";
    let (_server, line) = net.serve(&format!("device|{open}|iface:a0:0"));
    let bound = ports(&line);
    assert_eq!(bound.len(), 2, "an IPv4 and an IPv6 socket: {line}");
    assert_eq!(net.connect(&format!("{ll}:{}", bound[1])), CONNECTED);
    assert_eq!(net.connect(&format!("[2001:2::1]:{}", bound[1])), CONNECTED);
    // So a policy without fe80::/10 refuses the device, for iface:a0 and for
    // iface:a0/ipv6 (whose address form leaves link-local out: the device does not).
    let closed = "nothing,allow=198.18.0.0/23,allow=2001:2::/48";
    for spec in ["iface:a0:0", "iface:a0/ipv6:0"] {
        let (_server, line) = net.serve(&format!("device|{closed}|{spec}"));
        assert!(line.starts_with("REFUSED "), "{spec}: {line}");
        assert!(line.contains("fe80::"), "{spec}: {line}");
    }
    // An interface that is up without any address is not "unknown": it has no address.
    let (_server, line) = net.serve("device|default|iface:e0:0");
    assert!(line.contains("e0 has no address"), "{line}");
    assert!(!line.contains("does not have"), "{line}");
    // IPv4 alone binds no IPv6 socket: no link-local address is reachable through it.
    let (_server, line) = net.serve(&format!("device|{closed}|iface:a0/ipv4:0"));
    let bound = ports(&line);
    assert_eq!(bound.len(), 1, "{line}");
    assert_eq!(net.connect(&format!("{ll}:{}", bound[0])), REFUSED);
}

#[test]
fn netns_a_dual_stack_wildcard_meets_the_ipv4_deny_list() {
    if !netns::available("netns_verdicts", "bgv-dual") {
        return;
    }
    let net = Net::new("dual");
    let deny_v4 = "default,allow_wildcard,deny=0.0.0.0/0";
    netns::sysctl(&net.server, "net.ipv6.bindv6only", "0");
    // The exposure: [::] with the namespace's default (dual-stack) takes IPv4.
    let (_server, line) = net.serve("bind|default,allow_wildcard|[::]:0");
    let port = ports(&line)[0];
    assert_eq!(net.connect(&format!("198.18.0.1:{port}")), CONNECTED);
    // So a deny list that refuses 0.0.0.0 refuses it: the text path, and a socket's
    // facts with IPV6_V6ONLY off (before the fix both said yes).
    let (_server, line) = net.serve(&format!("bind|{deny_v4}|[::]:0"));
    assert!(line.starts_with("REFUSED "), "{line}");
    assert!(line.contains("judged as 0.0.0.0:0 too"), "{line}");
    let (_server, line) = net.serve(&format!("judge6|{deny_v4}|false"));
    assert!(line.starts_with("REFUSED "), "{line}");
    assert_eq!(
        net.connect(&format!("198.18.0.1:{}", ports(&line)[0])),
        CONNECTED
    );
    // IPv6-only, by the socket's own option or by the namespace's default: IPv4 cannot
    // reach it, and the IPv4 deny list has nothing to refuse.
    let (_server, line) = net.serve(&format!("judge6|{deny_v4}|true"));
    assert!(line.starts_with("ALLOWED "), "{line}");
    netns::sysctl(&net.server, "net.ipv6.bindv6only", "1");
    let (_server, line) = net.serve(&format!("bind|{deny_v4}|[::]:0"));
    assert!(line.starts_with("BOUND "), "{line}");
    let port = ports(&line)[0];
    assert_eq!(net.connect(&format!("198.18.0.1:{port}")), REFUSED);
    assert_eq!(net.connect(&format!("[2001:2::1]:{port}")), CONNECTED);
}
