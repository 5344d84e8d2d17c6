//! End to end: `examples/service.rs` (axum; `--bind`, `APP_BIND`, `app.toml`, default)
//! run as a child process, once per source and per misconfiguration. Each refusal must
//! name its source and the operator's fix; each accepted value must be served; a
//! misbehaving client must not stop the service; Ctrl-C (SIGINT) must.
//!
//! The child gets a clean environment (only `PATH`) and its own working directory, so
//! the `app.toml` it reads is the one a test wrote. Servers listen on port 0 (a free
//! port), except for the one case that checks the default, which accepts "address in
//! use" on a busy machine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

/// Builds the example once, with the flags `tests/examples.rs` uses (so the two share
/// the build), and returns its path.
fn service() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(build) {
        Ok(path) => path,
        Err(err) => panic!("building the service example failed:\n{err}"),
    }
}

fn build() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("unexpected test binary location")?;
    let target_dir = profile_dir
        .parent()
        .ok_or("unexpected test binary location")?;
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--workspace",
            "--all-features",
            "--message-format=json",
        ])
        .args(["--example", "service"])
        .arg("--target-dir")
        .arg(target_dir);
    if profile_dir.file_name().and_then(|n| n.to_str()) == Some("release") {
        cmd.arg("--release");
    }
    let output = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|m| m["target"]["name"] == "service" && m["executable"].is_string())
        .and_then(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no service example".to_owned())
}

/// A fresh working directory, with an `app.toml` when `config` is given; removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(config: Option<&str>) -> Dir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "bind-guard-service-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        if let Some(config) = config {
            std::fs::write(path.join("app.toml"), config).unwrap();
        }
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where a value is set.
#[derive(Debug, Clone, Copy)]
enum Src {
    Flag,
    Env,
    Config,
}

/// A run of the service: arguments, environment and config.
#[derive(Default)]
struct Setup {
    args: Vec<String>,
    env: Vec<(String, String)>,
    config: Option<String>,
}

impl Setup {
    fn with(src: Src, value: &str) -> Setup {
        Setup::default().set(src, value)
    }

    fn set(mut self, src: Src, value: &str) -> Setup {
        match src {
            Src::Flag => self.args.extend(["--bind".to_owned(), value.to_owned()]),
            Src::Env => self.env.push(("APP_BIND".into(), value.into())),
            Src::Config => {
                self.config = Some(format!("[server]\nlisten = [{}]\n", toml_str(value)));
            }
        }
        self
    }

    fn arg(mut self, arg: &str) -> Setup {
        self.args.push(arg.into());
        self
    }

    fn var(mut self, name: &str, value: &str) -> Setup {
        self.env.push((name.into(), value.into()));
        self
    }

    fn command(&self, dir: &Dir) -> Command {
        let mut cmd = Command::new(service());
        cmd.current_dir(&dir.0)
            .args(&self.args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs a service that must refuse to start; returns its stderr.
    fn refused(&self) -> String {
        let dir = Dir::new(self.config.as_deref());
        let output = run_to_end(self.command(&dir));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
        assert!(output.stdout.is_empty(), "it listened: {:?}", output.stdout);
        assert!(stderr.starts_with("error: "), "{stderr}");
        stderr
    }

    /// Starts a service that must listen on `count` addresses.
    fn serving(&self, count: usize) -> Running {
        let dir = Dir::new(self.config.as_deref());
        let mut child = self.command(&dir).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let errors = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&errors);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut running = Running {
            child,
            addrs: Vec::new(),
            stderr: errors,
            _dir: dir,
        };
        while running.addrs.len() < count {
            match lines.recv_timeout(TIMEOUT) {
                Ok(line) => {
                    let addr = line
                        .strip_prefix("listening on http://")
                        .and_then(|rest| rest.strip_suffix('/'))
                        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
                    running.addrs.push(addr.parse().unwrap());
                }
                Err(err) => panic!("no listening line ({err}); stderr: {}", running.stderr()),
            }
        }
        running
    }
}

fn toml_str(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A running service, killed when dropped.
struct Running {
    child: Child,
    addrs: Vec<SocketAddr>,
    stderr: Arc<Mutex<String>>,
    _dir: Dir,
}

impl Running {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stderr once it holds `needle` (it is read by another thread), or as it is after
    /// a short wait.
    fn stderr_with(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.stderr();
            if text.contains(needle) || started.elapsed() > Duration::from_secs(5) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn still_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run_to_end(mut cmd: Command) -> Output {
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "still running after {TIMEOUT:?}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A real HTTP request to `addr` (a wildcard is reached through loopback).
fn get(addr: SocketAddr) -> String {
    let target = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        other => other,
    };
    let mut stream = TcpStream::connect_timeout(&target, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.ends_with("hello from a bind-guard service\n"),
        "{response}"
    );
    response
}

/// How each source names itself in an error, and opts in to the wildcard.
fn label_and_opt_in(src: Src) -> (&'static str, &'static str) {
    match src {
        Src::Flag => ("error: --bind: bind address", "add --expose"),
        Src::Env => ("error: APP_BIND: bind address", "set APP_EXPOSE=1"),
        // toml prints where in the file, then the section's sentence.
        Src::Config => (
            "listen: bind address",
            "set policy = \"default,allow_wildcard\" beside it",
        ),
    }
}

const SOURCES: [Src; 3] = [Src::Flag, Src::Env, Src::Config];

/// Misconfigurations: the value, what is wrong, the fix, and whether the source's
/// wildcard opt-in is part of the fix.
const MISTAKES: [(&str, &str, &str, bool); 8] = [
    (
        "0.0.0.0:8080",
        "is the wildcard address",
        "to listen on this machine only, use 127.0.0.1 or [::1]",
        true,
    ),
    (
        "[::]:8080",
        "is the wildcard address",
        "to listen on this machine only, use 127.0.0.1 or [::1]",
        true,
    ),
    (
        ":8080",
        "has no host",
        "write 127.0.0.1:PORT to listen on this machine only",
        true,
    ),
    (
        "8080",
        "is a port without a host",
        "write the host before it, such as 127.0.0.1:8080",
        false,
    ),
    (
        "127.1:8080",
        "uses an IPv4 shorthand",
        "write all four octets in decimal, such as 127.0.0.1:8080",
        false,
    ),
    (
        "127.0.0.1",
        "has no port",
        "add one after a colon, such as 127.0.0.1:8080",
        false,
    ),
    (
        "127.0.0,1:8080",
        "has a comma inside an address",
        "write the address with dots, such as 127.0.0.1:8080",
        false,
    ),
    (
        "127.0.0.1:808O",
        "has a port that is not a decimal number",
        "write the port in digits",
        false,
    ),
];

#[test]
fn every_misconfiguration_names_its_source_and_the_fix() {
    for src in SOURCES {
        let (label, opt_in) = label_and_opt_in(src);
        for (value, problem, fix, wildcard) in MISTAKES {
            let stderr = Setup::with(src, value).refused();
            let expected = format!("{label} \"{value}\" {problem}");
            assert!(stderr.contains(&expected), "{src:?} {value}: {stderr}");
            assert!(stderr.contains(fix), "{src:?} {value}: {stderr}");
            assert_eq!(
                stderr.contains(opt_in),
                wildcard,
                "{src:?} {value}: {stderr}"
            );
            if let Src::Config = src {
                assert!(stderr.starts_with("error: app.toml: "), "{stderr}");
            }
            // An operator never reads a Rust API.
            for api in ["Policy::", "bind_addr!", "allow_wildcard()", "BindAddr"] {
                assert!(!stderr.contains(api), "{src:?} {value}: {stderr}");
            }
        }
    }
}

#[test]
fn empty_values_and_stray_commas_are_named_in_every_source() {
    for src in SOURCES {
        let stderr = Setup::with(src, "127.0.0.1:8080,").refused();
        assert!(
            stderr.contains("has an empty item, from a stray comma"),
            "{src:?}: {stderr}"
        );
    }
    // `APP_BIND=` from a Compose file whose variable is unset.
    let stderr = Setup::with(Src::Env, "").refused();
    assert!(
        stderr.starts_with("error: APP_BIND: bind address \"\" is empty"),
        "{stderr}"
    );
    let stderr = Setup::with(Src::Flag, " ").refused();
    assert!(
        stderr.contains("--bind: bind address \" \" is empty"),
        "{stderr}"
    );
}

#[test]
fn each_source_is_served_and_localhost_means_both_loopback_addresses() {
    for src in SOURCES {
        let mut running = Setup::with(src, "localhost:0").serving(2);
        assert!(running.addrs[0].ip().is_loopback() && running.addrs[0].is_ipv4());
        assert!(running.addrs[1].ip().is_loopback() && running.addrs[1].is_ipv6());
        for addr in running.addrs.clone() {
            get(addr);
        }
        assert!(running.still_running());
        assert!(!running.stderr().contains("WARN"), "{}", running.stderr());
    }
}

#[test]
fn flag_beats_env_beats_config() {
    let all = Setup::with(Src::Config, "127.0.0.3:0")
        .set(Src::Env, "127.0.0.2:0")
        .set(Src::Flag, "127.0.0.1:0");
    let running = all.serving(1);
    assert_eq!(running.addrs[0].ip().to_string(), "127.0.0.1");
    drop(running);
    let running = Setup::with(Src::Config, "127.0.0.3:0")
        .set(Src::Env, "127.0.0.2:0")
        .serving(1);
    assert_eq!(running.addrs[0].ip().to_string(), "127.0.0.2");
    drop(running);
    let running = Setup::with(Src::Config, "127.0.0.3:0").serving(1);
    assert_eq!(running.addrs[0].ip().to_string(), "127.0.0.3");
    get(running.addrs[0]);
}

#[test]
fn the_default_is_used_when_no_source_says_anything() {
    let dir = Dir::new(None);
    let mut child = Setup::default().command(&dir).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Port 8080 may be taken on a shared machine; then the error names it.
    assert!(
        line == "listening on http://127.0.0.1:8080/\n"
            || stderr.contains("cannot bind 127.0.0.1:8080"),
        "stdout {line:?}, stderr {stderr}"
    );
}

#[test]
fn each_opt_in_opens_the_wildcard_of_its_own_source_with_one_warning() {
    let cases = [
        Setup::with(Src::Flag, "0.0.0.0:0").arg("--expose"),
        Setup::with(Src::Env, "0.0.0.0:0").var("APP_EXPOSE", "1"),
        Setup {
            config: Some(
                "[server]\nlisten = [\"0.0.0.0:0\"]\npolicy = \"default,allow_wildcard\"\n".into(),
            ),
            ..Setup::default()
        },
    ];
    for setup in cases {
        let running = setup.serving(1);
        assert_eq!(running.addrs[0].ip().to_string(), "0.0.0.0");
        get(running.addrs[0]);
        let stderr = running.stderr_with("WARN");
        assert_eq!(stderr.matches("WARN").count(), 1, "{stderr}");
        assert!(
            stderr.contains("listening on the wildcard address 0.0.0.0:0"),
            "{stderr}"
        );
        assert!(
            stderr.contains("127.0.0.1 (on the port the system picks)"),
            "{stderr}"
        );
    }
    // One source's opt-in does not open another's value.
    let stderr = Setup::with(Src::Flag, "0.0.0.0:0")
        .var("APP_EXPOSE", "1")
        .refused();
    assert!(stderr.contains("add --expose"), "{stderr}");
    let stderr = Setup::with(Src::Env, "0.0.0.0:0")
        .arg("--expose")
        .arg("--bind=127.0.0.1:0");
    let running = stderr.serving(1); // the flag wins; APP_BIND is not read
    assert_eq!(running.addrs[0].ip().to_string(), "127.0.0.1");
    let stderr = Setup::with(Src::Config, "0.0.0.0:0")
        .var("APP_EXPOSE", "1")
        .refused();
    assert!(
        stderr.contains("set policy = \"default,allow_wildcard\" beside it"),
        "{stderr}"
    );
}

#[test]
fn an_opt_in_alone_is_the_wildcard_on_the_port_below_never_a_no_op() {
    for setup in [
        Setup::with(Src::Config, "127.0.0.1:0").arg("--expose"),
        Setup::with(Src::Config, "127.0.0.1:0").var("APP_EXPOSE", "1"),
    ] {
        let dual = bind_guard::sysctl::ipv6_v6only_default() == Some(false);
        let running = setup.serving(if dual { 1 } else { 2 });
        assert!(
            running.addrs.iter().all(|a| a.ip().is_unspecified()),
            "{:?}",
            running.addrs
        );
        assert!(running.addrs.iter().any(SocketAddr::is_ipv6));
        for addr in running.addrs.clone() {
            get(addr);
        }
        let stderr = running.stderr_with("WARN");
        assert_eq!(stderr.matches("WARN").count(), 1, "{stderr}");
    }
    let stderr = Setup::default().var("APP_EXPOSE", "maybe").refused();
    assert!(
        stderr.starts_with("error: APP_EXPOSE=\"maybe\" is not a switch"),
        "{stderr}"
    );
}

#[test]
fn misbehaving_clients_do_not_stop_the_service_and_sigint_does() {
    let mut running = Setup::with(Src::Flag, "127.0.0.1:0").serving(1);
    let addr = running.addrs[0];
    for junk in [
        &b"\x00\xff\x16\x03\x01 not http\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"GET / HTTP/1.1\r\n",
        b"",
    ] {
        let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
        stream.write_all(junk).unwrap();
        drop(stream); // hang up mid-request
    }
    // A client that sends garbage and reads the answer.
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.write_all(b"BREW /pot HTCPCP/1.0\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    get(addr);
    assert!(running.still_running());

    let pid = running.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < TIMEOUT, "SIGINT did not stop it");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status}");
}
