//! End to end, in network namespaces: where a server bound through bind-guard can be
//! reached from, on a real (virtual) network.
//!
//! Each test builds two throwaway hosts, A and B, as network namespaces joined by a
//! veth pair on benchmarking-range addresses (RFC 2544 and RFC 5180: never routed):
//!
//! ```text
//!   host A: lo 127.0.0.1 ::1, veth 198.18.0.1/24 2001:2::1/64
//!   host B: lo 127.0.0.1 ::1, veth 198.18.0.2/24 2001:2::2/64
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
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use bind_guard::Policy;
use bind_guard::socket2::{SocketOptions, tcp_listener};

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

// The peer's exit codes.
const EXIT_CONNECTED: i32 = 0;
const EXIT_USAGE: i32 = 2;
const EXIT_CONNECTION_REFUSED: i32 = 10;
const EXIT_CONNECT_TIMEOUT: i32 = 11;
const EXIT_CONNECT_OTHER: i32 = 12;
const EXIT_POLICY_REFUSED: i32 = 20;
const EXIT_BIND_FAILED: i32 = 21;

const A_V4: &str = "198.18.0.1";
const A_V6: &str = "2001:2::1";
const B_V4: &str = "198.18.0.2";
const B_V6: &str = "2001:2::2";

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

/// Binds `addr` through bind-guard under `policy` (`default` or `wildcard`), with
/// `mode` (`plain`: `BindAddr::bind_tcp`; `v6only` or `dualstack`: the socket2
/// integration with that IPv6 choice), says `BOUND <local addr>` and accepts until
/// killed. A refusal says `REFUSED <kind> <pid>` and waits for stdin to close, so the
/// test can look at this process's sockets while it is alive.
fn serve(addr: &str, policy: &str, mode: &str) -> i32 {
    thread::spawn(|| {
        thread::sleep(SERVE_LIFETIME);
        std::process::exit(EXIT_CONNECT_OTHER);
    });
    let policy = match policy {
        "default" => Policy::default(),
        "wildcard" => Policy::default().allow_wildcard(),
        _ => return EXIT_USAGE,
    };
    let addr = match policy.parse(addr) {
        Ok(addr) => addr,
        Err(err) => {
            say(&format!("REFUSED {:?} {}", err.kind(), std::process::id()));
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            return EXIT_POLICY_REFUSED;
        }
    };
    let listener = match mode {
        "plain" => addr.bind_tcp(),
        "v6only" => tcp_listener(addr, &SocketOptions::new().v6_only()).map(TcpListener::from),
        "dualstack" => {
            tcp_listener(addr, &SocketOptions::new().dual_stack()).map(TcpListener::from)
        }
        _ => return EXIT_USAGE,
    };
    let listener = match listener {
        Ok(listener) => listener,
        Err(err) => {
            say(&format!("BINDFAIL {err}"));
            return EXIT_BIND_FAILED;
        }
    };
    match listener.local_addr() {
        Ok(local) => say(&format!("BOUND {local}")),
        Err(err) => {
            say(&format!("BINDFAIL {err}"));
            return EXIT_BIND_FAILED;
        }
    }
    loop {
        // Accept and close: a completed handshake is what the clients test.
        let _ = listener.accept();
    }
}

/// One TCP connection attempt with a short timeout; the exit code says what happened.
fn connect(addr: &str) -> i32 {
    let Ok(addr) = addr.parse::<SocketAddr>() else {
        return EXIT_USAGE;
    };
    match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
        Ok(_) => EXIT_CONNECTED,
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => EXIT_CONNECTION_REFUSED,
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            EXIT_CONNECT_TIMEOUT
        }
        Err(err) => {
            say(&format!("CONNECTFAIL {err}"));
            EXIT_CONNECT_OTHER
        }
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
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0");
    if !root {
        return Some("not running as root (network namespaces need it)".into());
    }
    for tool in [["ip", "-V"], ["ss", "-V"]] {
        if let Err(e) = run(&tool) {
            return Some(format!("{} is not usable: {e}", tool[0]));
        }
    }
    None
}

/// Skips (returns `None`) when the test cannot run, except under `CI=true`, where it
/// fails: CI runs as root with iproute2 installed, so a skip there would hide a break.
fn lab_or_skip(test: &str) -> Option<Lab> {
    let why = match missing_prerequisite() {
        Some(why) => why,
        None => match Lab::new() {
            Ok(lab) => return Some(lab),
            Err(e) => format!("cannot build the namespaces: {e}"),
        },
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test} cannot run under CI: {why}");
    }
    // Straight to stderr: the harness would hide an `eprintln!` of a passing test.
    let _ = writeln!(std::io::stderr(), "skipping {test}: {why}");
    None
}

/// Two network namespaces joined by a veth pair, deleted on drop (with the link, which
/// goes with its namespaces).
struct Lab {
    a: String,
    b: String,
}

impl Lab {
    fn new() -> Result<Lab, String> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let (pid, n) = (std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        // Interface names are limited to 15 bytes; namespace names are not.
        let lab = Lab {
            a: format!("bind-guard-test-{pid}-{n}-a"),
            b: format!("bind-guard-test-{pid}-{n}-b"),
        };
        let (veth_a, veth_b) = (format!("bg{pid}n{n}a"), format!("bg{pid}n{n}b"));
        let (a, b) = (lab.a.as_str(), lab.b.as_str());
        // `lab` is built before the first command, so a failure half-way cleans up.
        run(&["ip", "netns", "add", a])?;
        run(&["ip", "netns", "add", b])?;
        #[rustfmt::skip]
        run(&["ip", "link", "add", &veth_a, "netns", a, "type", "veth", "peer", "name", &veth_b, "netns", b])?;
        for (ns, dev, v4, v6) in [(a, &veth_a, A_V4, A_V6), (b, &veth_b, B_V4, B_V6)] {
            run(&["ip", "-n", ns, "link", "set", "lo", "up"])?;
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
        for (ns, dev) in [(a, &veth_a), (b, &veth_b)] {
            while !run(&["ip", "-n", ns, "link", "show", dev])?.contains("LOWER_UP") {
                if Instant::now() > deadline {
                    return Err(format!("{dev} in {ns} did not come up"));
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        Ok(lab)
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
            Some(EXIT_CONNECTED) => Outcome::Connected,
            Some(EXIT_CONNECTION_REFUSED) => Outcome::Refused,
            Some(EXIT_CONNECT_TIMEOUT) => Outcome::TimedOut,
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
        for ns in [&self.a, &self.b] {
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

#[test]
fn netns_loopback_v4_is_reachable_from_host_a_only() {
    let Some(lab) = lab_or_skip("netns_loopback_v4_is_reachable_from_host_a_only") else {
        return;
    };
    let (_server, bound) = lab.serve("127.0.0.1:0", "default", "plain");
    let port = bound.port();
    assert_eq!(bound.ip(), sock("127.0.0.1:0").ip());
    assert_eq!(
        lab.connect(&lab.a, bound),
        Outcome::Connected,
        "A to itself"
    );
    assert_eq!(lab.connect(&lab.b, with_port(A_V4, port)), Outcome::Refused);
    assert_eq!(lab.connect(&lab.b, with_port(A_V6, port)), Outcome::Refused);
}

#[test]
fn netns_loopback_v6_is_reachable_from_host_a_only() {
    let Some(lab) = lab_or_skip("netns_loopback_v6_is_reachable_from_host_a_only") else {
        return;
    };
    let (_server, bound) = lab.serve("[::1]:0", "default", "plain");
    let port = bound.port();
    assert_eq!(
        lab.connect(&lab.a, bound),
        Outcome::Connected,
        "A to itself"
    );
    assert_eq!(lab.connect(&lab.b, with_port(A_V6, port)), Outcome::Refused);
    assert_eq!(lab.connect(&lab.b, with_port(A_V4, port)), Outcome::Refused);
}

#[test]
fn netns_opted_in_wildcard_v4_is_reachable_from_host_b() {
    let Some(lab) = lab_or_skip("netns_opted_in_wildcard_v4_is_reachable_from_host_b") else {
        return;
    };
    let (_server, bound) = lab.serve("0.0.0.0:0", "wildcard", "plain");
    let port = bound.port();
    assert!(lab.listeners(&lab.a).contains(&format!("0.0.0.0:{port}")));
    assert_eq!(
        lab.connect(&lab.b, with_port(A_V4, port)),
        Outcome::Connected
    );
    assert_eq!(
        lab.connect(&lab.a, with_port("127.0.0.1", port)),
        Outcome::Connected
    );
    // An IPv4 socket does not take IPv6 connections.
    assert_eq!(lab.connect(&lab.b, with_port(A_V6, port)), Outcome::Refused);
}

#[test]
fn netns_dual_stack_wildcard_is_reachable_over_ipv6_and_ipv4() {
    let Some(lab) = lab_or_skip("netns_dual_stack_wildcard_is_reachable_over_ipv6_and_ipv4") else {
        return;
    };
    let (_server, bound) = lab.serve("[::]:0", "wildcard", "dualstack");
    let port = bound.port();
    assert_eq!(
        lab.connect(&lab.b, with_port(A_V6, port)),
        Outcome::Connected
    );
    assert_eq!(
        lab.connect(&lab.b, with_port(A_V4, port)),
        Outcome::Connected
    );
}

#[test]
fn netns_v6only_wildcard_is_reachable_over_ipv6_only() {
    let Some(lab) = lab_or_skip("netns_v6only_wildcard_is_reachable_over_ipv6_only") else {
        return;
    };
    let (_server, bound) = lab.serve("[::]:0", "wildcard", "v6only");
    let port = bound.port();
    assert_eq!(
        lab.connect(&lab.b, with_port(A_V6, port)),
        Outcome::Connected
    );
    assert_eq!(lab.connect(&lab.b, with_port(A_V4, port)), Outcome::Refused);
}

#[test]
fn netns_veth_address_is_reachable_from_b_but_not_on_a_loopback() {
    let Some(lab) = lab_or_skip("netns_veth_address_is_reachable_from_b_but_not_on_a_loopback")
    else {
        return;
    };
    let (_v4, bound) = lab.serve(&format!("{A_V4}:0"), "default", "plain");
    let port = bound.port();
    assert_eq!(lab.connect(&lab.b, bound), Outcome::Connected);
    assert_eq!(
        lab.connect(&lab.a, bound),
        Outcome::Connected,
        "A to itself"
    );
    assert_eq!(
        lab.connect(&lab.a, with_port("127.0.0.1", port)),
        Outcome::Refused
    );

    let (_v6, bound) = lab.serve(&format!("[{A_V6}]:0"), "default", "plain");
    let port = bound.port();
    assert_eq!(lab.connect(&lab.b, bound), Outcome::Connected);
    assert_eq!(
        lab.connect(&lab.a, with_port("::1", port)),
        Outcome::Refused
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
