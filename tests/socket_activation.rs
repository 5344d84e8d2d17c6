//! Socket activation end to end: the `socket_activated` example started with a real
//! inherited socket at fd 3, as systemd starts a service from a `.socket` unit.
//!
//! The test binds the socket itself (with the options a unit would set: a bare port's
//! dual-stack `[::]`, `BindToDevice=`, a socket that is not listening), passes it to
//! the child at fd 3 with the `command-fds` crate, and sets `LISTEN_PID` to the child's
//! own pid through `sh -c 'LISTEN_PID=$$ exec …'` (the shell's pid is the program's
//! after `exec`), so the example sees exactly what `sd_listen_fds` would accept. One
//! more test runs systemd's own `systemd-socket-activate` when it is installed.
//!
//! Linux only (the protocol is systemd's).
#![cfg(target_os = "linux")]
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use bind_guard::Policy;
use bind_guard::inherited::Activation;
use command_fds::{CommandFdExt, FdMapping};
use socket2::{Domain, Socket, Type};

const TIMEOUT: Duration = Duration::from_secs(20);

/// Builds the example (once) and returns its path.
fn example() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| bind_guard_test_support::example::path("socket_activated"))
}

/// The example, with `socket` at fd 3, `LISTEN_FDS=1`, `LISTEN_FDNAMES=web` and
/// `LISTEN_PID` set to `pid` (`None`: the child's own).
fn activated(socket: impl Into<OwnedFd>, pid: Option<u32>, args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    let pid = pid.map_or_else(|| "$$".to_owned(), |pid| pid.to_string());
    command
        .args(["-c", &format!("LISTEN_PID={pid} exec \"$0\" \"$@\"")])
        .arg(example())
        .args(args)
        .env("LISTEN_FDS", "1")
        .env("LISTEN_FDNAMES", "web")
        .env_remove("LISTEN_PID")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
        .fd_mappings(vec![FdMapping {
            parent_fd: socket.into(),
            child_fd: 3,
        }])
        .unwrap();
    command
}

/// Runs `command` to its end, within [`TIMEOUT`]. The command (and with it the test's
/// copy of the socket) is dropped once the child started.
fn run(mut command: Command) -> Output {
    let child = command.spawn().unwrap();
    drop(command);
    wait(child)
}

fn wait(mut child: Child) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("the example did not exit within {TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A socket as a unit would leave it: bound, options set, listening or not.
fn socket(addr: &str, v6only: Option<bool>, device: Option<&str>, listen: bool) -> Option<Socket> {
    let addr: SocketAddr = addr.parse().unwrap();
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).unwrap();
    if let Some(v6only) = v6only {
        socket.set_only_v6(v6only).unwrap();
    }
    if let Some(device) = device {
        socket.bind_device(Some(device.as_bytes())).unwrap();
    }
    // No IPv6 on this host: the caller skips.
    socket.bind(&addr.into()).ok()?;
    if listen {
        socket.listen(16).unwrap();
    }
    Some(socket)
}

#[test]
fn an_allowed_inherited_socket_serves_the_self_test() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let out = run(activated(
        listener,
        None,
        &["--policy", "loopback", "--self-test"],
    ));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("(inherited fd 3, web)"), "{stdout}");
    assert!(
        stdout.contains("self-test fetched: hello from bind-guard"),
        "{stdout}"
    );
}

#[test]
fn a_dual_stack_wildcard_exits_1_and_serves_nothing() {
    let Some(socket) = socket("[::]:0", Some(false), None, true) else {
        return;
    };
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    // A client already waiting in the backlog when the service starts.
    let mut early = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let out = run(activated(socket, None, &[]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for part in [
        "inherited socket fd 3 (\"web\")",
        &format!("bound to [::]:{port} (IPv6 and IPv4: IPV6_V6ONLY is off)"),
        "is the wildcard address",
        "ListenStream=",
    ] {
        assert!(stderr.contains(part), "{part:?} missing from {stderr}");
    }
    assert!(!text(&out.stdout).contains("listening on"));
    // Every copy of the socket is closed: the waiting client gets nothing but the end.
    early.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut got = Vec::new();
    match early.read_to_end(&mut got) {
        Ok(_) => assert!(got.is_empty(), "served {got:?}"),
        Err(err) => assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}"),
    }
}

#[test]
fn a_v6only_wildcard_is_judged_as_the_wildcard_and_a_device_bound_one_by_its_device() {
    // [::] IPv6-only is still every IPv6 interface: refused by the default policy.
    if let Some(socket) = socket("[::]:0", Some(true), None, true) {
        let out = run(activated(socket, None, &[]));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("(IPv6 only)"), "{stderr}");
    }
    // 0.0.0.0 restricted to lo (BindToDevice=lo) reaches this host only: a loopback
    // policy serves it.
    let socket = socket("0.0.0.0:0", None, Some("lo"), true).unwrap();
    let out = run(activated(
        socket,
        None,
        &["--policy", "loopback", "--self-test"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The same without the device is refused by that policy.
    let socket = socket_plain_wildcard();
    let out = run(activated(socket, None, &["--policy", "loopback"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

fn socket_plain_wildcard() -> Socket {
    socket("0.0.0.0:0", None, None, true).unwrap()
}

#[test]
fn a_socket_that_is_not_listening_is_refused() {
    let socket = socket("127.0.0.1:0", None, None, false).unwrap();
    let out = run(activated(socket, None, &[]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not listening"), "{stderr}");
}

#[test]
fn sockets_meant_for_another_process_are_not_taken() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    // LISTEN_PID names this test process, not the example: as sd_listen_fds, it takes
    // nothing.
    let out = run(activated(listener, Some(std::process::id()), &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no inherited socket"));
}

#[test]
fn misbehaving_clients_do_not_stop_the_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut command = activated(listener, None, &[]);
    let mut child = command.spawn().unwrap();
    drop(command);
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ready = rx.recv_timeout(TIMEOUT).unwrap();
    assert!(ready.starts_with("listening on"), "{ready}");
    // Silent clients, garbage, a client that resets mid-request, a huge header.
    let silent: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let mut garbage = TcpStream::connect(addr).unwrap();
    garbage.write_all(b"\x00\xff\x1b[2J\r\n\r\n").unwrap();
    let reset = socket2::Socket::from(TcpStream::connect(addr).unwrap());
    reset.set_linger(Some(Duration::ZERO)).unwrap();
    drop(reset);
    let mut huge = TcpStream::connect(addr).unwrap();
    let _ =
        huge.write_all(format!("GET / HTTP/1.1\r\nx: {}\r\n", "a".repeat(64 * 1024)).as_bytes());
    // A good client is answered meanwhile, twice.
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nhost: t\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response:?}");
    }
    assert!(child.try_wait().unwrap().is_none(), "the server exited");
    drop((silent, garbage, huge));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn systemd_socket_activate_with_a_bare_port_is_refused() {
    let tool = "systemd-socket-activate";
    if Command::new(tool).arg("--version").output().is_err() {
        bind_guard_test_support::env::unavailable(
            "socket_activation",
            &format!("{tool} is not installed"),
        );
        return;
    }
    // A free port (the tool cannot take port 0); the tool binds it as ListenStream=PORT.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(tool)
        .args(["-l", &port.to_string(), "--fdname=web"])
        .arg(example())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The tool starts the service on the first connection.
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < TIMEOUT, "{tool} never listened");
        thread::sleep(Duration::from_millis(20));
    }
    let out = wait(child);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "fd 3 (\"web\") bound to [::]:{port} (IPv6 and IPv4"
        )),
        "{stderr}"
    );
}

const ROLE_ENV: &str = "BIND_GUARD_ACTIVATION_ROLE";
const HELPER_TEST: &str = "activation_helper";

/// A service that takes its inherited sockets with `Activation` and then keeps running
/// (as a server that logs an error and goes on, or that starts children, would): it
/// prints `TOOK n`, `REFUSED fd N: message` or `ENV-ERROR message`, then waits until
/// stdin closes. Does nothing when run as a plain test.
#[test]
#[ignore = "the service process of socket_activation, started with inherited sockets"]
fn activation_helper() {
    let Ok(policy) = std::env::var(ROLE_ENV) else {
        return;
    };
    let policy: Policy = policy.parse().unwrap();
    match Activation::from_env() {
        Err(err) => println!("ENV-ERROR {err}"),
        Ok(mut activation) => match activation.tcp_listeners(&policy) {
            Ok(listeners) => println!("TOOK {}", listeners.len()),
            Err(err) => println!("REFUSED fd {}: {err}", err.fd()),
        },
    }
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read(&mut [0u8; 1]);
}

/// The helper, started through `sh` so that `LISTEN_PID` is its own pid (written as
/// `{pid_prefix}$$`), with `sockets` at fds 3, 4, … and `env` set.
struct Service {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Service {
    fn start(sockets: Vec<OwnedFd>, policy: &str, pid_prefix: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("LISTEN_PID={pid_prefix}$$ exec \"$0\" \"$@\""),
        ]);
        bind_guard_test_support::netns::helper_args(&mut command, HELPER_TEST);
        command
            .env(ROLE_ENV, policy)
            .env("LISTEN_FDS", sockets.len().to_string())
            .env_remove("LISTEN_PID")
            .env_remove("LISTEN_FDS_FIRST_FD")
            .env_remove("LISTEN_FDNAMES")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let mappings = sockets
            .into_iter()
            .enumerate()
            .map(|(n, fd)| FdMapping {
                parent_fd: fd,
                child_fd: 3 + i32::try_from(n).unwrap(),
            })
            .collect();
        command.fd_mappings(mappings).unwrap();
        let mut child = command.spawn().unwrap();
        // The test's copies of the sockets go with the command: only the child has them.
        drop(command);
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Service { child, lines }
    }

    /// The helper's verdict line (the test harness prints its own lines around it).
    fn verdict(&self) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).expect("the service reports");
            for marker in ["TOOK ", "REFUSED ", "ENV-ERROR "] {
                if let Some(at) = line.find(marker) {
                    return line[at..].to_owned();
                }
            }
        }
    }

    /// Whether the running service still holds descriptor `fd`.
    fn holds(&self, fd: i32) -> bool {
        std::fs::symlink_metadata(format!("/proc/{}/fd/{fd}", self.child.id())).is_ok()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listening(addr: &str) -> (OwnedFd, SocketAddr) {
    let socket = socket(addr, None, None, true).unwrap();
    let local = socket.local_addr().unwrap().as_socket().unwrap();
    (socket.into(), local)
}

/// Whether a TCP handshake with `port` on loopback completes.
fn answers(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    )
    .is_ok()
}

#[test]
fn a_refusal_closes_every_inherited_socket_while_the_service_runs_on() {
    // fd 3, the wildcard, is refused by a loopback policy; fd 4, another wildcard, was
    // never judged: both must be gone, not left open (and inheritable) in a process
    // that lives on.
    let (first, first_addr) = listening("0.0.0.0:0");
    let (second, second_addr) = listening("0.0.0.0:0");
    let service = Service::start(vec![first, second], "loopback", "", &[]);
    let verdict = service.verdict();
    assert!(verdict.starts_with("REFUSED fd 3: "), "{verdict}");
    assert!(verdict.contains("is the wildcard address"), "{verdict}");
    assert!(
        !answers(second_addr.port()),
        "fd 4 still completes handshakes"
    );
    assert!(!answers(first_addr.port()));
    assert!(!service.holds(3) && !service.holds(4));
}

#[test]
fn a_refusal_closes_the_sockets_taken_before_it_and_names_its_own_fd() {
    let (first, first_addr) = listening("127.0.0.1:0");
    let (second, _) = listening("0.0.0.0:0");
    let (third, third_addr) = listening("127.0.0.1:0");
    let service = Service::start(vec![first, second, third], "loopback", "", &[]);
    let verdict = service.verdict();
    assert!(
        verdict.starts_with("REFUSED fd 4: inherited socket fd 4 "),
        "{verdict}"
    );
    assert!(!answers(first_addr.port()));
    assert!(!answers(third_addr.port()));
    assert!(!service.holds(3) && !service.holds(4) && !service.holds(5));
}

#[test]
fn the_environment_is_read_as_sd_listen_fds_reads_it_and_strictly() {
    let loopback = || vec![listening("127.0.0.1:0").0];
    // The protocol's own form: taken.
    let service = Service::start(loopback(), "loopback", "", &[]);
    assert_eq!(service.verdict(), "TOOK 1");
    let service = Service::start(loopback(), "loopback", "", &[("LISTEN_FDS_FIRST_FD", "3")]);
    assert_eq!(service.verdict(), "TOOK 1");
    // listenfd's LISTEN_FDS_FIRST_FD=0 would hand out stdin as "fd 3": refused.
    let service = Service::start(loopback(), "loopback", "", &[("LISTEN_FDS_FIRST_FD", "0")]);
    let verdict = service.verdict();
    assert!(verdict.starts_with("ENV-ERROR "), "{verdict}");
    assert!(verdict.contains("LISTEN_FDS_FIRST_FD"), "{verdict}");
    // Numbers that are not what a manager writes.
    for count in ["+1", "01", " 1", "1 ", "0x1"] {
        let service = Service::start(loopback(), "loopback", "", &[("LISTEN_FDS", count)]);
        let verdict = service.verdict();
        assert!(
            verdict.contains("LISTEN_FDS is not a number"),
            "{count:?}: {verdict}"
        );
    }
    for prefix in ["+", "0"] {
        let service = Service::start(loopback(), "loopback", prefix, &[]);
        let verdict = service.verdict();
        assert!(
            verdict.contains("LISTEN_PID is not a process id"),
            "{prefix:?}: {verdict}"
        );
    }
}
