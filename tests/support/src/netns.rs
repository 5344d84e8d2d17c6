//! Network namespaces for the exposure tests: made with `ip netns add`, deleted on drop
//! (with their interfaces), and the test binary itself run inside one as a helper.
//!
//! - Making them: [`Namespace::for_test`] (with the environment rule), [`available`]
//!   (a probe), [`ip`], [`sysctl`], [`delete`].
//! - Running the test binary inside one: [`helper`] / [`helper_args`] start an
//!   `#[ignore]`d helper test; [`Lines`] reads what it prints; [`run_client`] and
//!   [`exit_code`] wait for it.
//! - The reachability check itself: [`reach`] (a client's exit codes, the server that
//!   answers `ok`).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `ip ARGS` and fails the test, with `ip`'s error, if it fails.
pub fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace, deleted on drop.
#[derive(Debug)]
pub struct Namespace(pub String);

impl Namespace {
    /// Makes the namespace `name`; `None` when it cannot be made (not root, no `ip`).
    pub fn add(name: &str) -> Option<Namespace> {
        let made = Command::new("ip")
            .args(["netns", "add", name])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        made.then(|| Namespace(name.to_owned()))
    }

    /// A namespace for a test of `group`, named `TAG-PID-N` (unique in this process),
    /// or `None` after the environment rule ([`env::unavailable`](crate::env::unavailable):
    /// a failure under `CI=true`, one `SKIPPED` line otherwise) when namespaces cannot be
    /// made here. Its `lo` is down, as in any new namespace.
    pub fn for_test(group: &str, tag: &str) -> Option<Namespace> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let made = Namespace::add(&format!("{tag}-{}-{n}", std::process::id()));
        if made.is_none() {
            let why = crate::env::namespaces_missing()
                .unwrap_or_else(|| "`ip netns add` failed as root".to_owned());
            crate::env::unavailable(group, &why);
        }
        made
    }

    /// Its name, for `ip -n NAME` and `ip netns exec NAME`.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        delete(&self.0);
    }
}

/// Deletes namespace `name`, quietly (for types that hold several).
pub fn delete(name: &str) {
    let _ = Command::new("ip")
        .args(["netns", "del", name])
        .stderr(Stdio::null())
        .status();
}

/// Whether the tests of `group` can make namespaces here: a probe namespace named
/// after `tag`, made and deleted ([`Namespace::for_test`], with its environment rule).
pub fn available(group: &str, tag: &str) -> bool {
    Namespace::for_test(group, &format!("{tag}-probe")).is_some()
}

/// Sets the sysctl `key` (dotted, as `sysctl` writes it) to `value` inside namespace
/// `ns`; fails the test if it cannot.
pub fn sysctl(ns: &str, key: &str, value: &str) {
    let path = format!("/proc/sys/{}", key.replace('.', "/"));
    ip(&[
        "netns",
        "exec",
        ns,
        "sh",
        "-c",
        &format!("echo {value} > {path}"),
    ]);
}

/// This test binary run as `test` (an `#[ignore]`d helper test) with `role_env=role`,
/// inside namespace `ns`.
pub fn helper(ns: &str, test: &str, role_env: &str, role: &str) -> Command {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", ns]);
    helper_args(&mut command, test);
    command.env(role_env, role);
    command
}

/// Adds this test binary, running only the helper test `test`, to `command`.
pub fn helper_args(command: &mut Command, test: &str) {
    command
        .arg(std::env::current_exe().expect("the test binary's path"))
        .args([
            "--exact",
            test,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]);
}

/// Runs `command` (a client: its output is not read) to its end: its exit code, as
/// [`exit_code`] waits for it.
pub fn run_client(mut command: Command, timeout: Duration, what: &str) -> i32 {
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    exit_code(child, timeout, what)
}

/// The exit code of `child` (`-1` for a signal), killing it and failing the test if it
/// takes longer than `timeout`.
pub fn exit_code(mut child: Child, timeout: Duration, what: &str) -> i32 {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The two ends of a reachability check inside namespaces: a server that answers `ok`
/// on every connection, and a client whose exit code says what its connection got.
/// A client that reads the `ok` proves it reached that server; one that stops at the
/// handshake (for servers that accept and close) proves only that something listens.
pub mod reach {
    use std::io::{ErrorKind, Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::time::Duration;

    /// The exit code of a client that connected (and read `ok` when asked to).
    pub const CONNECTED: i32 = 0;
    /// Nothing listens there: the kernel answered with a reset.
    pub const REFUSED: i32 = 10;
    /// No answer within the timeout: the packets were dropped on the way.
    pub const TIMED_OUT: i32 = 11;
    /// Anything else (no route, a wrong answer).
    pub const OTHER: i32 = 12;

    /// One connection to `target` within `timeout`; with `read_ok`, the server's `ok`
    /// must follow. Returns the exit code the client process ends with.
    pub fn connect(target: SocketAddr, timeout: Duration, read_ok: bool) -> i32 {
        match TcpStream::connect_timeout(&target, timeout) {
            Ok(_) if !read_ok => CONNECTED,
            Ok(mut stream) => {
                let mut answer = [0u8; 2];
                let read = stream
                    .set_read_timeout(Some(timeout))
                    .and_then(|()| stream.read_exact(&mut answer));
                match read {
                    Ok(()) if &answer == b"ok" => CONNECTED,
                    _ => OTHER,
                }
            }
            Err(err) if err.kind() == ErrorKind::ConnectionRefused => REFUSED,
            Err(err) if matches!(err.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                TIMED_OUT
            }
            Err(_) => OTHER,
        }
    }

    /// Answers `ok` to every connection on each of `listeners` (a thread each) until
    /// this process's stdin closes, which is how the test that started it stops it.
    pub fn answer_ok_until_stdin_closes(listeners: Vec<TcpListener>) {
        for listener in listeners {
            std::thread::spawn(move || {
                for mut stream in listener.incoming().flatten() {
                    let _ = stream.write_all(b"ok");
                }
            });
        }
        let _ = std::io::stdin().read(&mut [0u8; 1]);
    }
}

/// The lines a helper child prints on stdout, read by a thread so that waiting for one
/// can time out (a pipe read cannot).
#[derive(Debug)]
pub struct Lines(std::sync::mpsc::Receiver<String>);

impl Lines {
    /// Takes `child`'s piped stdout and reads it line by line.
    pub fn of(child: &mut Child) -> Lines {
        let stdout = child.stdout.take().expect("the child's stdout is piped");
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(lines)
    }

    /// The next line holding one of `markers`, from the marker on (libtest may print
    /// `test NAME ... ` before it on the same line); fails the test after `timeout`.
    pub fn find(&self, markers: &[&str], timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .0
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line with {markers:?} within {timeout:?}"));
            if let Some(at) = markers.iter().filter_map(|m| line.find(m)).min() {
                return line[at..].to_owned();
            }
        }
    }
}
