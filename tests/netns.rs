//! End to end, in network namespaces: where a server bound through bind-guard can be
//! reached from, on a real (virtual) network.
//!
//! Each test builds two throwaway hosts, A and B, as network namespaces joined by a
//! veth pair on benchmarking-range addresses (RFC 2544 and RFC 5180: never routed), and
//! some a third host C on a second link of A's:
//!
//! ```text
//!   host A: lo 127.0.0.1 ::1, veth 198.18.0.1/24 2001:2::1/64, veth 198.18.1.1/24 2001:2:0:1::1/64
//!   host B: lo 127.0.0.1 ::1, veth 198.18.0.2/24 2001:2::2/64
//!   host C: lo 127.0.0.1 ::1,                                   veth 198.18.1.2/24 2001:2:0:1::2/64
//! ```
//!
//! A process cannot move itself into a namespace without unsafe code, so the server and
//! the clients are this test binary again, started with `ip netns exec HOST` and told
//! what to do through an environment variable (see [`netns_peer_process`]). The
//! namespaces, the link and every child are removed when a test ends, also when it
//! fails.
//!
//! Needs root and `ip` (iproute2) and `ss`; without them the tests say why and skip,
//! except under `CI=true`, where they fail instead.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use bind_guard::Policy;
use bind_guard::socket2::{SocketOptions, tcp_listener};
use bind_guard_test_support::netns::{self, reach};
use std::net::{IpAddr, Ipv4Addr, UdpSocket};

/// The environment variable that turns this test binary into a peer process.
const PEER_ENV: &str = "BIND_GUARD_NETNS_PEER";
/// The name of the (ignored) test that runs the peer.
const PEER_TEST: &str = "netns_peer_process";

/// How long a client waits for a TCP handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the test waits for a child's answer or exit, or for an `ip` command.
const CHILD_TIMEOUT: Duration = Duration::from_secs(10);
/// A server exits by itself after this, should the test that started it be gone.
const SERVE_LIFETIME: Duration = Duration::from_secs(60);

// The peer's exit codes beyond a client's (`reach`: 0 connected, 10 refused, 11 timed out, 12 other).
const EXIT_USAGE: i32 = 2;
const EXIT_POLICY_REFUSED: i32 = 20;
const EXIT_BIND_FAILED: i32 = 21;

const A_V4: &str = "198.18.0.1";
const A_V6: &str = "2001:2::1";
const B_V4: &str = "198.18.0.2";
const B_V6: &str = "2001:2::2";
/// A's address on its second link, to host C.
const A2_V4: &str = "198.18.1.1";
const A2_V6: &str = "2001:2:0:1::1";
const C_V4: &str = "198.18.1.2";
const C_V6: &str = "2001:2:0:1::2";
/// An organization-local multicast group (RFC 2365): it never leaves these namespaces.
const GROUP_V4: &str = "239.255.42.1";

// ---------------------------------------------------------------------------------
// The peer process: `serve ADDR POLICY MODE` or `connect ADDR`.
// ---------------------------------------------------------------------------------

/// Not a test of its own: the server or client that the netns tests start inside a
/// namespace (`ip netns exec HOST <this binary> --exact netns_peer_process --ignored`).
/// It reads its command from `BIND_GUARD_NETNS_PEER`, prints its results on stdout as
/// lines (`BOUND addr`, `REFUSED kind pid`, …) and reports through its exit code.
#[test]
#[ignore = "the peer process of the netns tests, which start it inside a namespace"]
fn netns_peer_process() {
    let Ok(command) = std::env::var(PEER_ENV) else {
        eprintln!("{PEER_ENV} is not set: this is a helper process of the netns tests");
        return;
    };
    let words: Vec<&str> = command.split_whitespace().collect();
    let code = match words.as_slice() {
        ["serve", addr, policy, mode] => serve(addr, policy, mode),
        ["connect", addr] => connect(addr),
        ["udprecv", addr, policy, join] => udp_receive(addr, policy, join),
        ["udpsend", from, to] => udp_send(from, to),
        ["dualstack", addr] => report_dual_stack(addr),
        ["bindset", list] => bind_set(list),
        _ => EXIT_USAGE,
    };
    std::process::exit(code);
}

/// Writes one line to the real stdout (the test harness captures `println!`, and this
/// process ends with `exit`, which would lose captured output).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// `default`, `wildcard` (the default policy with the wildcard), or a policy in the
/// text form (`default,allow_scope=broadcast`).
fn peer_policy(policy: &str) -> Option<Policy> {
    match policy {
        "default" => Some(Policy::default()),
        "wildcard" => Some(Policy::default().allow_wildcard()),
        text => text.parse().ok(),
    }
}

/// What a serving peer does first: starts the clock of [`SERVE_LIFETIME`], then reads
/// `addr` under `policy` (see [`peer_policy`]). A refusal is said (see [`refused`]) and
/// is the exit code.
fn serving_addr(addr: &str, policy: &str) -> Result<bind_guard::BindAddr, i32> {
    thread::spawn(|| {
        thread::sleep(SERVE_LIFETIME);
        std::process::exit(reach::OTHER);
    });
    let policy = peer_policy(policy).ok_or(EXIT_USAGE)?;
    policy.parse(addr).map_err(|err| refused(&err))
}

/// A socket that was bound: says `BOUND <local addr>`; or `BINDFAIL error` and the exit
/// code when the bind or reading its address failed.
fn bound<T>(
    socket: std::io::Result<T>,
    local: impl FnOnce(&T) -> std::io::Result<SocketAddr>,
) -> Result<T, i32> {
    let said = socket.and_then(|socket| Ok((local(&socket)?, socket)));
    match said {
        Ok((addr, socket)) => {
            say(&format!("BOUND {addr}"));
            Ok(socket)
        }
        Err(err) => {
            say(&format!("BINDFAIL {err}"));
            Err(EXIT_BIND_FAILED)
        }
    }
}

/// Says `REFUSED kind pid` and waits for stdin to close.
fn refused(err: &bind_guard::BindError) -> i32 {
    say(&format!("REFUSED {:?} {}", err.kind(), std::process::id()));
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    EXIT_POLICY_REFUSED
}

/// Binds a UDP socket on `addr` through bind-guard under `policy`, joins the multicast
/// group `addr` names on each interface address of `join` (comma-separated, `-` for
/// none), says `BOUND <local addr>`, then `GOT <source>` for every datagram.
fn udp_receive(addr: &str, policy: &str, join: &str) -> i32 {
    let addr = match serving_addr(addr, policy) {
        Ok(addr) => addr,
        Err(code) => return code,
    };
    // Joined before `BOUND` is said: the test sends as soon as it reads it.
    let joined = addr.bind_udp().and_then(|socket| {
        if let IpAddr::V4(group) = addr.ip() {
            for interface in join.split(',').filter(|j| *j != "-") {
                let interface: Ipv4Addr = interface.parse().map_err(std::io::Error::other)?;
                socket
                    .join_multicast_v4(&group, &interface)
                    .map_err(|err| {
                        std::io::Error::other(format!("join {group} on {interface}: {err}"))
                    })?;
            }
        }
        Ok(socket)
    });
    let socket = match bound(joined, |s| s.local_addr()) {
        Ok(socket) => socket,
        Err(code) => return code,
    };
    let mut buf = [0; 64];
    loop {
        if let Ok((_, source)) = socket.recv_from(&mut buf) {
            say(&format!("GOT {}", source.ip()));
        }
    }
}

/// Sends one datagram from `from` (an address of this host, port 0) to `to`, with
/// `SO_BROADCAST` on. Binding the source address makes the kernel send a broadcast or
/// multicast datagram out of that address's interface, without a route.
fn udp_send(from: &str, to: &str) -> i32 {
    let (Ok(from), Ok(to)) = (from.parse::<IpAddr>(), to.parse::<SocketAddr>()) else {
        return EXIT_USAGE;
    };
    let sent = UdpSocket::bind(SocketAddr::new(from, 0)).and_then(|socket| {
        socket.set_broadcast(true)?;
        socket.send_to(b"hello", to)
    });
    match sent {
        Ok(_) => reach::CONNECTED,
        Err(err) => {
            say(&format!("SENDFAIL {err}"));
            reach::OTHER
        }
    }
}

/// Binds `addr` through bind-guard under `policy` (see [`peer_policy`]), with
/// `mode` (`plain`: `BindAddr::bind_tcp`; `v6only` or `dualstack`: the socket2
/// integration with that IPv6 choice), says `BOUND <local addr>` and accepts until
/// killed. A refusal says `REFUSED <kind> <pid>` and waits for stdin to close, so the
/// test can look at this process's sockets while it is alive.
fn serve(addr: &str, policy: &str, mode: &str) -> i32 {
    let addr = match serving_addr(addr, policy) {
        Ok(addr) => addr,
        Err(code) => return code,
    };
    let listener = match mode {
        "plain" => addr.bind_tcp(),
        "v6only" => tcp_listener(addr, &SocketOptions::new().v6_only()).map(TcpListener::from),
        "dualstack" => {
            tcp_listener(addr, &SocketOptions::new().dual_stack()).map(TcpListener::from)
        }
        // No IPv6 choice: the system's default, the rule of every path.
        "socket2" => tcp_listener(addr, &SocketOptions::new()).map(TcpListener::from),
        "tokio" => tokio_listener(addr),
        mode if mode.starts_with("device:") => {
            device_listener(addr, mode.trim_start_matches("device:"))
        }
        _ => return EXIT_USAGE,
    };
    let listener = match bound(listener, TcpListener::local_addr) {
        Ok(listener) => listener,
        Err(code) => return code,
    };
    loop {
        // Accept and close: a completed handshake is what the clients test.
        let _ = listener.accept();
    }
}

/// A TCP listener on `addr` that is also bound to the device `interface`
/// (`SO_BINDTODEVICE`, through socket2's `bind_device`): what limits a socket to one
/// interface, which the address alone does not.
fn device_listener(addr: bind_guard::BindAddr, interface: &str) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let target = *addr.as_socket_addr();
    let socket = Socket::new(
        Domain::for_address(target),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.bind_device(Some(interface.as_bytes()))?;
    socket.bind(&target.into())?;
    socket.listen(16)?;
    Ok(socket.into())
}

/// `bind_guard::tokio::bind_tcp` on a runtime of its own, handed back as a std listener.
fn tokio_listener(addr: bind_guard::BindAddr) -> std::io::Result<TcpListener> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let listener = runtime.block_on(bind_guard::tokio::bind_tcp(addr))?;
    let listener = listener.into_std()?;
    listener.set_nonblocking(false)?;
    Ok(listener)
}

/// Says the library's reading of the IPv6 default (`V6ONLY true|false|unknown`) and
/// its wildcard warning for `addr` (`WARNING text`).
fn report_dual_stack(addr: &str) -> i32 {
    let v6only =
        bind_guard::sysctl::ipv6_v6only_default().map_or("unknown".to_owned(), |v| v.to_string());
    say(&format!("V6ONLY {v6only}"));
    let Ok(set) = bind_guard::BindSet::parse(&Policy::default().allow_wildcard(), addr) else {
        return EXIT_USAGE;
    };
    say(&format!(
        "WARNING {}",
        bind_guard::listen::wildcard_warning(&set).unwrap_or_default()
    ));
    reach::CONNECTED
}

/// Binds every address of `list` (the wildcard allowed) with `BindSet::bind_tcp`; says
/// `BOUND n` or `BINDFAIL error`.
fn bind_set(list: &str) -> i32 {
    let Ok(set) = bind_guard::BindSet::parse(&Policy::default().allow_wildcard(), list) else {
        return EXIT_USAGE;
    };
    match set.bind_tcp() {
        Ok(listeners) => {
            say(&format!("BOUND {}", listeners.len()));
            reach::CONNECTED
        }
        Err(err) => {
            say(&format!("BINDFAIL {err}"));
            EXIT_BIND_FAILED
        }
    }
}

/// One TCP connection attempt with a short timeout; the exit code says what happened.
fn connect(addr: &str) -> i32 {
    match addr.parse::<SocketAddr>() {
        // The servers here accept and close: a completed handshake is the answer.
        Ok(addr) => reach::connect(addr, CONNECT_TIMEOUT, false),
        Err(_) => EXIT_USAGE,
    }
}

// ---------------------------------------------------------------------------------
// The test side: namespaces, children, commands, all with timeouts and cleanup.
// ---------------------------------------------------------------------------------

/// Runs a command to completion within [`CHILD_TIMEOUT`]; its stdout on success.
fn run(args: &[&str]) -> Result<String, String> {
    let (program, rest) = args.split_first().ok_or("empty command")?;
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let status = wait_with_timeout(&mut child, CHILD_TIMEOUT);
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    match status {
        Some(status) if status.success() => Ok(stdout),
        Some(status) => Err(format!(
            "`{}` failed ({status}): {}",
            args.join(" "),
            stderr.trim()
        )),
        None => Err(format!("`{}` timed out", args.join(" "))),
    }
}

/// Waits for `child` to exit, killing it after `timeout`.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// Why these tests cannot run here, if they cannot.
fn missing_prerequisite() -> Option<String> {
    bind_guard_test_support::env::namespaces_missing().or_else(|| {
        (!bind_guard_test_support::env::have_tool("ss")).then(|| "needs `ss` (iproute2)".into())
    })
}

/// Skips (returns `None`) when the test cannot run, except under `CI=true`, where it
/// fails: CI runs as root with iproute2 installed, so a skip there would hide a break.
fn lab_or_skip(test: &str) -> Option<Lab> {
    build_or_skip(test, Lab::new)
}

/// [`lab_or_skip`] with host C too.
fn lab_with_c_or_skip(test: &str) -> Option<Lab> {
    build_or_skip(test, || Lab::new()?.with_c())
}

fn build_or_skip(_test: &str, build: impl FnOnce() -> Result<Lab, String>) -> Option<Lab> {
    let why = match missing_prerequisite() {
        Some(why) => why,
        None => match build() {
            Ok(lab) => return Some(lab),
            Err(e) => format!("cannot build the namespaces: {e}"),
        },
    };
    bind_guard_test_support::env::unavailable("netns", &why);
    None
}

/// Two network namespaces joined by a veth pair (and a third one, C, on a second link of
/// A's, for the tests that need two networks), deleted on drop (with the links, which go
/// with their namespaces).
struct Lab {
    a: String,
    b: String,
    c: Option<String>,
    /// The prefix of this lab's names: `bind-guard-test-PID-N`.
    id: (u32, u32),
}

impl Lab {
    fn new() -> Result<Lab, String> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let (pid, n) = (std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        // `lab` is built before the first command, so a failure half-way cleans up.
        let lab = Lab {
            a: format!("bind-guard-test-{pid}-{n}-a"),
            b: format!("bind-guard-test-{pid}-{n}-b"),
            c: None,
            id: (pid, n),
        };
        run(&["ip", "netns", "add", &lab.a])?;
        run(&["ip", "netns", "add", &lab.b])?;
        for ns in [&lab.a, &lab.b] {
            run(&["ip", "-n", ns, "link", "set", "lo", "up"])?;
        }
        lab.link('a', (&lab.a, A_V4, A_V6), (&lab.b, B_V4, B_V6))?;
        Ok(lab)
    }

    /// Adds host C, linked to A on a second network.
    fn with_c(mut self) -> Result<Lab, String> {
        let (pid, n) = self.id;
        let c = format!("bind-guard-test-{pid}-{n}-c");
        run(&["ip", "netns", "add", &c])?;
        self.c = Some(c.clone());
        run(&["ip", "-n", &c, "link", "set", "lo", "up"])?;
        self.link('c', (&self.a, A2_V4, A2_V6), (&c, C_V4, C_V6))?;
        Ok(self)
    }

    /// Host C (panics if the lab was built without it).
    fn c(&self) -> &str {
        self.c.as_deref().expect("a lab built with_c")
    }

    /// A veth pair between two namespaces, each end with its IPv4 /24 and IPv6 /64, up.
    fn link(
        &self,
        tag: char,
        one: (&str, &str, &str),
        two: (&str, &str, &str),
    ) -> Result<(), String> {
        let (dev_one, dev_two) = (self.device(tag, 1), self.device(tag, 2));
        #[rustfmt::skip]
        run(&["ip", "link", "add", &dev_one, "netns", one.0, "type", "veth", "peer", "name", &dev_two, "netns", two.0])?;
        for ((ns, v4, v6), dev) in [(one, &dev_one), (two, &dev_two)] {
            run(&[
                "ip",
                "-n",
                ns,
                "addr",
                "add",
                &format!("{v4}/24"),
                "dev",
                dev,
            ])?;
            // nodad: usable at once, without duplicate address detection's delay.
            #[rustfmt::skip]
            run(&["ip", "-n", ns, "addr", "add", &format!("{v6}/64"), "dev", dev, "nodad"])?;
            run(&["ip", "-n", ns, "link", "set", dev, "up"])?;
        }
        // Wait until both ends have a carrier.
        let deadline = Instant::now() + CHILD_TIMEOUT;
        for (ns, dev) in [(one.0, &dev_one), (two.0, &dev_two)] {
            while !run(&["ip", "-n", ns, "link", "show", dev])?.contains("LOWER_UP") {
                if Instant::now() > deadline {
                    return Err(format!("{dev} in {ns} did not come up"));
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        Ok(())
    }

    /// The name of end `end` (1 or 2) of link `tag` (`a`: A–B, `c`: A–C). Interface
    /// names are limited to 15 bytes; namespace names are not.
    fn device(&self, tag: char, end: u8) -> String {
        let (pid, n) = self.id;
        format!("bg{pid}n{n}{tag}{end}")
    }

    /// Runs `ip -n ns ARGS…`.
    fn ip(&self, ns: &str, args: &[&str]) {
        let mut all = vec!["ip", "-n", ns];
        all.extend_from_slice(args);
        run(&all).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sends one UDP datagram from `from` (in `ns`) to `to`.
    fn send_udp(&self, ns: &str, from: &str, to: SocketAddr) {
        let mut sender = self.spawn(ns, &format!("udpsend {from} {to}"));
        let status = wait_with_timeout(&mut sender.child, CHILD_TIMEOUT)
            .unwrap_or_else(|| panic!("sending from {from} in {ns} hung"));
        assert_eq!(status.code(), Some(reach::CONNECTED), "udpsend {from} {to}");
    }

    /// Starts the peer with `command` inside `ns`.
    fn spawn(&self, ns: &str, command: &str) -> Peer {
        let exe = std::env::current_exe().expect("the test binary's path");
        let exe = exe.to_str().expect("a UTF-8 path");
        #[rustfmt::skip]
        let args = ["netns", "exec", ns, exe, "--exact", PEER_TEST, "--ignored", "--nocapture", "--test-threads=1", "-q"];
        let mut child = Command::new("ip")
            .args(args)
            .env(PEER_ENV, command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("ip netns exec starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Peer {
            child,
            stdin,
            lines,
        }
    }

    /// Starts a server in host A and returns it with the address it bound.
    fn serve(&self, addr: &str, policy: &str, mode: &str) -> (Peer, SocketAddr) {
        let mut server = self.spawn(&self.a, &format!("serve {addr} {policy} {mode}"));
        let line = server.line_starting("BOUND ");
        let bound = line
            .parse()
            .unwrap_or_else(|e| panic!("BOUND {line:?}: {e}"));
        (server, bound)
    }

    /// One connection attempt from `ns` to `addr`.
    fn connect(&self, ns: &str, addr: SocketAddr) -> Outcome {
        let mut client = self.spawn(ns, &format!("connect {addr}"));
        let status = wait_with_timeout(&mut client.child, CONNECT_TIMEOUT + CHILD_TIMEOUT)
            .unwrap_or_else(|| panic!("the client connecting to {addr} from {ns} hung"));
        match status.code() {
            Some(reach::CONNECTED) => Outcome::Connected,
            Some(reach::REFUSED) => Outcome::Refused,
            Some(reach::TIMED_OUT) => Outcome::TimedOut,
            _ => Outcome::Failed(status),
        }
    }

    /// The TCP listeners in `ns`, as `ss -ltnH` prints them.
    fn listeners(&self, ns: &str) -> String {
        run(&["ip", "netns", "exec", ns, "ss", "-ltnH"]).expect("ss runs")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for ns in [Some(&self.a), Some(&self.b), self.c.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Err(e) = run(&["ip", "netns", "del", ns]) {
                eprintln!("cleanup: {e}");
            }
        }
    }
}

/// A peer process; killed and reaped on drop.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Peer {
    /// The rest of the first output line that starts with `prefix` (the test harness
    /// prints lines of its own).
    fn line_starting(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + CHILD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.to_owned();
                    }
                    if line.starts_with("BINDFAIL") || line.starts_with("REFUSED") {
                        panic!("expected {prefix:?}, the peer said {line:?}");
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("no {prefix:?} line within the timeout"),
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait();
                    panic!("the peer ended ({status:?}) without a {prefix:?} line");
                }
            }
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Connected,
    Refused,
    TimedOut,
    Failed(ExitStatus),
}

fn sock(s: &str) -> SocketAddr {
    s.parse().expect("a socket address")
}

fn with_port(ip: &str, port: u16) -> SocketAddr {
    let ip: std::net::IpAddr = ip.parse().expect("an IP address");
    SocketAddr::new(ip, port)
}

// ---------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------

/// The hosts a client connects from, in [`Lab::expect`]'s tables.
#[derive(Debug, Clone, Copy)]
enum Host {
    A,
    B,
}

impl Lab {
    /// Starts a server in host A on `addr` (policy `policy`, bind path `mode`), then
    /// connects to each `(host, ip)` of `table` on the port it bound and asserts each
    /// outcome; every mismatch is reported, not only the first. The server is returned
    /// with its address, still running.
    fn expect(
        &self,
        (addr, policy, mode): (&str, &str, &str),
        table: &[(Host, &str, Outcome)],
    ) -> (Peer, SocketAddr) {
        let (server, bound) = self.serve(addr, policy, mode);
        let wrong: Vec<String> = table
            .iter()
            .filter_map(|&(from, ip, ref expected)| {
                let ns = match from {
                    Host::A => &self.a,
                    Host::B => &self.b,
                };
                let target = with_port(ip, bound.port());
                let got = self.connect(ns, target);
                (got != *expected)
                    .then(|| format!("{from:?} to {target}: {got:?}, not {expected:?}"))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{addr} ({policy}, {mode}):\n{}",
            wrong.join("\n")
        );
        (server, bound)
    }
}

use Host::{A, B};
use Outcome::{Connected, Refused};

#[test]
fn netns_loopback_v4_is_reachable_from_host_a_only() {
    let Some(lab) = lab_or_skip("netns_loopback_v4_is_reachable_from_host_a_only") else {
        return;
    };
    let (_server, bound) = lab.expect(
        ("127.0.0.1:0", "default", "plain"),
        &[
            (A, "127.0.0.1", Connected),
            (B, A_V4, Refused),
            (B, A_V6, Refused),
        ],
    );
    assert_eq!(bound.ip(), sock("127.0.0.1:0").ip());
}

#[test]
fn netns_loopback_v6_is_reachable_from_host_a_only() {
    let Some(lab) = lab_or_skip("netns_loopback_v6_is_reachable_from_host_a_only") else {
        return;
    };
    lab.expect(
        ("[::1]:0", "default", "plain"),
        &[
            (A, "::1", Connected),
            (B, A_V6, Refused),
            (B, A_V4, Refused),
        ],
    );
}

#[test]
fn netns_opted_in_wildcard_v4_is_reachable_from_host_b() {
    let Some(lab) = lab_or_skip("netns_opted_in_wildcard_v4_is_reachable_from_host_b") else {
        return;
    };
    // An IPv4 socket does not take IPv6 connections.
    let (_server, bound) = lab.expect(
        ("0.0.0.0:0", "wildcard", "plain"),
        &[
            (B, A_V4, Connected),
            (A, "127.0.0.1", Connected),
            (B, A_V6, Refused),
        ],
    );
    let listening = format!("0.0.0.0:{}", bound.port());
    assert!(lab.listeners(&lab.a).contains(&listening));
}

/// `[::ffff:0.0.0.0]` looks like an IPv6 address but binds the IPv4 wildcard: the
/// "wildcard in disguise" the scope table and the README name. It takes no IPv6
/// connection: it is the IPv4 wildcard, not `[::]`.
#[test]
fn netns_mapped_wildcard_is_the_ipv4_wildcard() {
    let Some(lab) = lab_or_skip("netns_mapped_wildcard_is_the_ipv4_wildcard") else {
        return;
    };
    lab.expect(
        ("[::ffff:0.0.0.0]:0", "wildcard", "plain"),
        &[
            (B, A_V4, Connected),
            (A, "127.0.0.1", Connected),
            (B, A_V6, Refused),
        ],
    );
}

#[test]
fn netns_dual_stack_wildcard_is_reachable_over_ipv6_and_ipv4() {
    let Some(lab) = lab_or_skip("netns_dual_stack_wildcard_is_reachable_over_ipv6_and_ipv4") else {
        return;
    };
    lab.expect(
        ("[::]:0", "wildcard", "dualstack"),
        &[(B, A_V6, Connected), (B, A_V4, Connected)],
    );
}

#[test]
fn netns_v6only_wildcard_is_reachable_over_ipv6_only() {
    let Some(lab) = lab_or_skip("netns_v6only_wildcard_is_reachable_over_ipv6_only") else {
        return;
    };
    lab.expect(
        ("[::]:0", "wildcard", "v6only"),
        &[(B, A_V6, Connected), (B, A_V4, Refused)],
    );
}

#[test]
fn netns_veth_address_is_reachable_from_b_but_not_on_a_loopback() {
    let Some(lab) = lab_or_skip("netns_veth_address_is_reachable_from_b_but_not_on_a_loopback")
    else {
        return;
    };
    let v4 = format!("{A_V4}:0");
    lab.expect(
        (&v4, "default", "plain"),
        &[
            (B, A_V4, Connected),
            (A, A_V4, Connected),
            (A, "127.0.0.1", Refused),
        ],
    );
    let v6 = format!("[{A_V6}]:0");
    lab.expect(
        (&v6, "default", "plain"),
        &[(B, A_V6, Connected), (A, "::1", Refused)],
    );
}

#[test]
fn netns_default_policy_opens_no_socket_for_the_wildcard() {
    let Some(lab) = lab_or_skip("netns_default_policy_opens_no_socket_for_the_wildcard") else {
        return;
    };
    for (addr, mode) in [("0.0.0.0:8080", "plain"), ("[::]:8080", "dualstack")] {
        let mut server = lab.spawn(&lab.a, &format!("serve {addr} default {mode}"));
        let refusal = server.line_starting("REFUSED ");
        let (kind, pid) = refusal.split_once(' ').expect("REFUSED kind pid");
        assert_eq!(kind, "Wildcard", "{addr}");
        // While the refusing process is alive: it holds no socket, and nothing in host
        // A listens at all.
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).expect("the peer's fds");
        let sockets: Vec<_> = fds
            .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .collect();
        assert_eq!(sockets, Vec::<std::path::PathBuf>::new(), "{addr}");
        assert_eq!(lab.listeners(&lab.a).trim(), "", "{addr}");
        assert_eq!(lab.connect(&lab.b, with_port(A_V4, 8080)), Outcome::Refused);
        // Closing its stdin lets it exit with the refusal's code.
        drop(server.stdin.take());
        let status = wait_with_timeout(&mut server.child, CHILD_TIMEOUT).expect("it exits");
        assert_eq!(status.code(), Some(EXIT_POLICY_REFUSED), "{addr}");
    }
}

#[test]
fn netns_namespaces_are_removed_also_when_a_test_fails() {
    let Some(lab) = lab_or_skip("netns_namespaces_are_removed_also_when_a_test_fails") else {
        return;
    };
    let names = [lab.a.clone(), lab.b.clone()];
    let listed = |name: &str| {
        run(&["ip", "netns", "list"])
            .expect("ip netns list")
            .lines()
            .any(|line| line.split_whitespace().next() == Some(name))
    };
    assert!(names.iter().all(|n| listed(n)));
    let server = std::panic::catch_unwind(move || {
        let (_server, _bound) = lab.serve("127.0.0.1:0", "default", "plain");
        panic!("an assertion fails with a server running");
    });
    assert!(server.is_err());
    for name in &names {
        assert!(!listed(name), "{name} is still there");
    }
}

// ---------------------------------------------------------------------------------
// What Linux really does: wildcard-like scopes, route_localnet, the weak host model.
// ---------------------------------------------------------------------------------

impl Peer {
    /// The sources of the next `n` datagrams the receiver reports.
    fn sources(&mut self, n: usize) -> Vec<IpAddr> {
        (0..n)
            .map(|_| {
                let line = self.line_starting("GOT ");
                line.parse().unwrap_or_else(|e| panic!("GOT {line:?}: {e}"))
            })
            .collect()
    }
}

/// A UDP socket bound to the limited broadcast address or to a multicast group hears
/// every network the host is on, like the wildcard: here host B (first link) and host
/// C (second link) both reach it. So the default rule refuses both scopes, and a
/// server opts in with `allow_scope=broadcast` / `allow_scope=multicast`.
#[test]
fn netns_broadcast_and_multicast_receive_from_every_attached_network() {
    let Some(lab) =
        lab_with_c_or_skip("netns_broadcast_and_multicast_receive_from_every_attached_network")
    else {
        return;
    };
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let cases = [
        ("255.255.255.255", "broadcast", "-".to_owned()),
        (GROUP_V4, "multicast", format!("{A_V4},{A2_V4}")),
    ];
    for (group, scope, join) in cases {
        let policy = format!("default,allow_scope={scope}");
        let mut receiver = lab.spawn(&lab.a, &format!("udprecv {group}:0 {policy} {join}"));
        let bound: SocketAddr = receiver.line_starting("BOUND ").parse().unwrap();
        assert_eq!(bound.ip(), ip(group));
        lab.send_udp(&lab.b, B_V4, bound);
        lab.send_udp(lab.c(), C_V4, bound);
        let mut got = receiver.sources(2);
        got.sort();
        assert_eq!(got, [ip(B_V4), ip(C_V4)], "{group} hears both networks");
    }
}

/// What the namespace test above proves, the rule says: the default refuses broadcast
/// and multicast addresses (IPv4, IPv6 and IPv4-mapped) like the wildcard, with a
/// reason, and `allow_scope` opts in, in the builder and in the policy text alike.
#[test]
fn broadcast_and_multicast_are_refused_by_default_and_allowed_by_scope() {
    use bind_guard::{BindAddr, Scope};
    let cases = [
        ("255.255.255.255:9", Scope::Broadcast),
        ("[::ffff:255.255.255.255]:9", Scope::Broadcast),
        ("239.255.42.1:9", Scope::Multicast),
        ("224.0.0.1:9", Scope::Multicast),
        ("[ff02::1]:9", Scope::Multicast),
        ("[ff05::1:3]:9", Scope::Multicast),
        ("[::ffff:239.1.2.3]:9", Scope::Multicast),
    ];
    for (addr, scope) in cases {
        let err = addr.parse::<BindAddr>().unwrap_err();
        assert!(err.kind().is_refusal(), "{addr}: {err}");
        assert!(err.to_string().contains(scope.name()), "{addr}: {err}");
        assert!(Policy::default().parse(addr).is_err(), "{addr}");
        assert!(Policy::new().parse(addr).is_err(), "{addr}");
        let builder = Policy::default()
            .allow_scope(scope)
            .expect("not the wildcard scope");
        assert!(
            builder.parse(addr).is_ok(),
            "{addr} with allow_scope({scope})"
        );
        let text: Policy = format!("default,allow_scope={scope}").parse().unwrap();
        assert!(text.parse(addr).is_ok(), "{addr} with allow_scope={scope}");
        // The opt-in is that scope only, and never the wildcard.
        assert!(builder.parse("0.0.0.0:9").is_err());
    }
}

/// `net.ipv4.conf.*.route_localnet=1` (which kube-proxy sets on every Kubernetes node,
/// CVE-2020-8558) makes a listener on 127.0.0.1 reachable from a neighbour that routes
/// 127.0.0.1 to this host; with the sysctl off (the kernel's default) the packets are
/// dropped as martians. `[::1]` has no such switch: unreachable either way.
#[test]
fn netns_route_localnet_exposes_ipv4_loopback_to_a_neighbour() {
    let Some(lab) = lab_or_skip("netns_route_localnet_exposes_ipv4_loopback_to_a_neighbour") else {
        return;
    };
    // B, the neighbour: without loopback addresses of its own (and so without their
    // local routes), 127.0.0.1 and ::1 are routed to A. B needs route_localnet itself to
    // accept A's answers from 127.0.0.1.
    lab.ip(&lab.b, &["addr", "flush", "dev", "lo"]);
    lab.ip(&lab.b, &["link", "set", "lo", "down"]);
    netns::sysctl(&lab.b, "net.ipv4.conf.all.route_localnet", "1");
    lab.ip(&lab.b, &["route", "add", "127.0.0.1/32", "via", A_V4]);
    lab.ip(&lab.b, &["-6", "route", "add", "::1/128", "via", A_V6]);

    let (_v4, bound_v4) = lab.serve("127.0.0.1:0", "default", "plain");
    let (_v6, bound_v6) = lab.serve("[::1]:0", "default", "plain");

    netns::sysctl(&lab.a, "net.ipv4.conf.all.route_localnet", "0");
    assert_eq!(
        lab.connect(&lab.b, bound_v4),
        Outcome::TimedOut,
        "sysctl off"
    );
    assert_eq!(
        lab.connect(&lab.b, bound_v6),
        Outcome::TimedOut,
        "sysctl off"
    );

    netns::sysctl(&lab.a, "net.ipv4.conf.all.route_localnet", "1");
    assert_eq!(
        lab.connect(&lab.b, bound_v4),
        Outcome::Connected,
        "sysctl on"
    );
    assert_eq!(
        lab.connect(&lab.b, bound_v6),
        Outcome::TimedOut,
        "::1 has no route_localnet"
    );
}

/// Binding one address limits the destination address of the packets a socket takes,
/// not the network they come from (Linux's weak host model, RFC 1122 3.3.4.2): host C,
/// on A's second link, reaches a server bound to A's first-link address through the
/// second link as soon as it has a route. Only device binding (`SO_BINDTODEVICE`)
/// limits a socket to one interface.
#[test]
fn netns_an_address_of_one_link_is_reachable_through_another() {
    let Some(lab) = lab_with_c_or_skip("netns_an_address_of_one_link_is_reachable_through_another")
    else {
        return;
    };
    let (_v4, bound_v4) = lab.serve(&format!("{A_V4}:0"), "default", "plain");
    let (_v6, bound_v6) = lab.serve(&format!("[{A_V6}]:0"), "default", "plain");
    // Without a route C cannot even send there.
    assert_ne!(lab.connect(lab.c(), bound_v4), Outcome::Connected);
    lab.ip(lab.c(), &["route", "add", "198.18.0.0/24", "via", A2_V4]);
    lab.ip(
        lab.c(),
        &["-6", "route", "add", "2001:2::/64", "via", A2_V6],
    );
    assert_eq!(lab.connect(lab.c(), bound_v4), Outcome::Connected);
    assert_eq!(lab.connect(lab.c(), bound_v6), Outcome::Connected);

    // Device binding is what limits a socket to one interface: the same address bound
    // to the A–B link's device takes B's connections and no longer C's.
    let device = format!("device:{}", lab.device('a', 1));
    let (_on_device, bound) = lab.serve(&format!("{A_V4}:0"), "default", &device);
    assert_eq!(lab.connect(&lab.b, bound), Outcome::Connected);
    assert_ne!(lab.connect(lab.c(), bound), Outcome::Connected);
}

/// `[::]` follows one rule on every bind path: the system's `IPV6_V6ONLY` default
/// (`net.ipv6.bindv6only`), which the library reads in the same namespace; the wildcard
/// warning lists the IPv4 addresses exactly when the socket takes IPv4.
#[test]
fn netns_every_bind_path_gives_the_ipv6_wildcard_the_system_default() {
    let Some(lab) = lab_or_skip("netns_every_bind_path_gives_the_ipv6_wildcard_the_system_default")
    else {
        return;
    };
    for (bindv6only, also_v4) in [("1", false), ("0", true)] {
        netns::sysctl(&lab.a, "net.ipv6.bindv6only", bindv6only);
        let mut report = lab.spawn(&lab.a, "dualstack [::]:8080");
        assert_eq!(report.line_starting("V6ONLY "), (!also_v4).to_string());
        let warning = report.line_starting("WARNING ");
        assert_eq!(
            warning.contains(A_V4),
            also_v4,
            "bindv6only={bindv6only}: {warning}"
        );
        assert!(warning.contains(A_V6), "{warning}");
        // A set with both wildcards on one port: bound when [::] is IPv6-only; when it is
        // dual-stack the error says that [::] took the IPv4 port too.
        let mut set = lab.spawn(&lab.a, "bindset [::]:8081,0.0.0.0:8081");
        if also_v4 {
            let fail = set.line_starting("BINDFAIL ");
            assert!(
                fail.contains("[::]:8081 also takes IPv4 on this host"),
                "{fail}"
            );
        } else {
            assert_eq!(set.line_starting("BOUND "), "2");
        }
        for mode in ["plain", "socket2", "tokio"] {
            let (_server, bound) = lab.serve("[::]:0", "wildcard", mode);
            let port = bound.port();
            assert_eq!(
                lab.connect(&lab.b, with_port(A_V6, port)),
                Outcome::Connected
            );
            let v4 = lab.connect(&lab.b, with_port(A_V4, port));
            let expected = if also_v4 {
                Outcome::Connected
            } else {
                Outcome::Refused
            };
            assert_eq!(v4, expected, "{mode} with bindv6only={bindv6only}");
        }
    }
}
