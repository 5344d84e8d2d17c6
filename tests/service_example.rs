//! End to end: `examples/service.rs` (axum; `--bind`, `APP_BIND`, `app.toml`, default)
//! run as a child process, once per source and per misconfiguration. Each refusal must
//! name its source (for the config, its file, key and line) and the operator's fix;
//! each accepted value must be served, and announced with the URLs it answers on; a
//! mistake in a source that does not decide must be a warning; `--help` must name
//! every source; a rebinding `Host` must get 403; a misbehaving client must not stop
//! the service; Ctrl-C (SIGINT) must.
//!
//! The child gets a clean environment (only `PATH`) and its own working directory, so
//! the `app.toml` it reads is the one a test wrote. Servers listen on port 0 (a free
//! port), except for the one case that checks the default, which accepts "address in
//! use" on a busy machine.

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
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| bind_guard_test_support::example::path("service"))
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
        assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
        assert!(output.stdout.is_empty(), "it listened: {:?}", output.stdout);
        assert!(stderr.starts_with("Error: "), "{stderr}");
        stderr
    }

    /// Starts the service, reads the first line it prints (empty if it prints none),
    /// stops it: that line, and what it wrote on stderr.
    fn first_line(&self) -> (String, String) {
        let dir = Dir::new(self.config.as_deref());
        let mut child = self.command(&dir).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        (line, String::from_utf8_lossy(&output.stderr).into_owned())
    }

    /// Starts a service that must listen; returns it once it has printed where it is
    /// reachable (the report's lines, printed at once).
    fn serving(&self) -> Running {
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
            report: Vec::new(),
            stderr: errors,
            _dir: dir,
        };
        let mut wait = TIMEOUT;
        loop {
            match lines.recv_timeout(wait) {
                Ok(line) => running.report.push(line),
                Err(_) if !running.report.is_empty() => break,
                Err(err) => panic!("no report ({err}); stderr: {}", running.stderr()),
            }
            wait = Duration::from_millis(300);
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
    /// What it printed: `Local: URL` and `Network: URL` lines.
    report: Vec<String>,
    stderr: Arc<Mutex<String>>,
    _dir: Dir,
}

impl Running {
    /// The addresses of the report's URLs, `Local` ones first.
    fn addrs(&self) -> Vec<SocketAddr> {
        self.report
            .iter()
            .map(|line| {
                let url = line
                    .strip_prefix("Local: ")
                    .or_else(|| line.strip_prefix("Network: "))
                    .unwrap_or_else(|| panic!("not a report line: {line:?}"));
                let addr = url
                    .strip_prefix("http://")
                    .and_then(|rest| rest.strip_suffix('/'))
                    .unwrap_or_else(|| panic!("not a URL: {url:?}"));
                // A link-local address's zone is in the URL as %25NAME.
                addr.replace("%25", "%")
                    .parse()
                    .unwrap_or_else(|e| panic!("{addr}: {e}"))
            })
            .collect()
    }

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

/// A real HTTP request to `addr`, with `host` as its `Host`: the status line and body.
fn request(addr: SocketAddr, host: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A request as a browser sends it to `addr` (its `Host` is the address), answered.
fn get(addr: SocketAddr) -> String {
    let response = request(addr, &addr.to_string());
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
        Src::Flag => ("Error: --bind: bind address", "add --expose"),
        Src::Env => ("Error: APP_BIND: bind address", "set APP_EXPOSE=1"),
        // The file, the line of the value and its key.
        Src::Config => (
            "Error: app.toml:2: server.listen: bind address",
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
            assert!(stderr.starts_with(label), "{src:?} {value}: {stderr}");
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
        stderr.starts_with("Error: APP_BIND: bind address \"\" is empty"),
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
        let mut running = Setup::with(src, "localhost:0").serving();
        let addrs = running.addrs();
        assert_eq!(addrs.len(), 2, "{:?}", running.report);
        assert!(addrs[0].ip().is_loopback() && addrs[0].is_ipv4());
        assert!(addrs[1].ip().is_loopback() && addrs[1].is_ipv6());
        assert!(
            running
                .report
                .iter()
                .all(|l| l.starts_with("Local: http://"))
        );
        for addr in addrs {
            assert_ne!(addr.port(), 0, "the report names the real port");
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
    let running = all.serving();
    assert_eq!(running.addrs()[0].ip().to_string(), "127.0.0.1");
    drop(running);
    let running = Setup::with(Src::Config, "127.0.0.3:0")
        .set(Src::Env, "127.0.0.2:0")
        .serving();
    assert_eq!(running.addrs()[0].ip().to_string(), "127.0.0.2");
    drop(running);
    let running = Setup::with(Src::Config, "127.0.0.3:0").serving();
    assert_eq!(running.addrs()[0].ip().to_string(), "127.0.0.3");
    get(running.addrs()[0]);
}

/// Issue 21 item 1: a mistake in a source that does not decide is a warning.
#[test]
fn a_bad_config_value_under_a_valid_flag_starts_and_warns() {
    for config in [
        "[server]\nlisten = \"*:80\"\n",
        "[server]\nlisten = [\"0.0.0.0:80\"]\npolicy = \"nonsense\"\n",
        "[server]\nlisten = 80\n",
        "[server\n",
    ] {
        let setup = Setup {
            config: Some(config.into()),
            ..Setup::default()
        }
        .arg("--bind")
        .arg("127.0.0.1:0");
        let running = setup.serving();
        get(running.addrs()[0]);
        let stderr = running.stderr_with("WARN");
        assert_eq!(stderr.matches("WARN").count(), 1, "{config}: {stderr}");
        assert!(
            stderr.contains("not used, as --bind decides: app.toml"),
            "{config}: {stderr}"
        );
        // Without the flag, the same config is the error.
        let stderr = Setup {
            config: Some(config.into()),
            ..Setup::default()
        }
        .refused();
        assert!(stderr.starts_with("Error: app.toml"), "{config}: {stderr}");
    }
}

/// Issue 21 item 2: the error names the file, the key and the line of the value.
#[test]
fn a_config_error_names_file_key_and_line() {
    let setup = Setup {
        config: Some(
            "# the service\n\n[server]\n# where\nlisten = [\n  \"127.0.0.1:0\",\n  \"*:80\",\n]\npolicy = \"loopback\"\n"
                .into(),
        ),
        ..Setup::default()
    };
    let stderr = setup.refused();
    assert!(
        stderr.starts_with(
            "Error: app.toml:5: server.listen: bind address \"*:80\" uses * as the host"
        ),
        "{stderr}"
    );
    let setup = Setup {
        config: Some("[server]\nlisten = \"127.0.0.1:0\"\npolicy = \"loopbak\"\n".into()),
        ..Setup::default()
    };
    let stderr = setup.refused();
    assert!(
        stderr.starts_with("Error: app.toml:3: server.policy: policy item \"loopbak\""),
        "{stderr}"
    );
}

/// Issue 21 item 5: `--help` names the variables, the config key and the default.
#[test]
fn help_names_every_source() {
    let dir = Dir::new(None);
    let output = run_to_end(Setup::default().arg("--help").command(&dir));
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "--bind",
        "--expose",
        "APP_BIND",
        "APP_EXPOSE",
        "server.listen",
        "server.policy",
        "127.0.0.1:8080",
        "BIND_GUARD_ALLOWED_HOSTS",
        "BIND_GUARD_ALLOWED_ORIGINS",
    ] {
        assert!(help.contains(name), "{name}: {help}");
    }
    // A broken config does not stop --help.
    let dir = Dir::new(Some("[server"));
    let output = run_to_end(Setup::default().arg("--help").command(&dir));
    assert!(output.status.success(), "{output:?}");
}

/// Issue 21 item 3: every listener is behind the Host/Origin guard.
#[test]
fn a_rebinding_host_gets_403_on_every_listener() {
    let running = Setup::with(Src::Flag, "localhost:0").serving();
    for addr in running.addrs() {
        for host in [
            "evil.example",
            &format!("evil.example:{}", addr.port()),
            "0.0.0.0",
        ] {
            let response = request(addr, host);
            assert!(response.starts_with("HTTP/1.1 403"), "{host}: {response}");
            assert!(!response.contains("hello"), "{response}");
        }
        let response = request(addr, &format!("localhost:{}", addr.port()));
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    // The operator's name for a proxy in front of it is accepted.
    let running = Setup::with(Src::Flag, "127.0.0.1:0")
        .var("BIND_GUARD_ALLOWED_HOSTS", "svc.example")
        .serving();
    let response = request(running.addrs()[0], "svc.example");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    // A guard that would accept every name stops the service, in a sentence.
    let stderr = Setup::with(Src::Flag, "127.0.0.1:0")
        .var("BIND_GUARD_ALLOWED_HOSTS", "*")
        .refused();
    assert!(stderr.starts_with("Error: "), "{stderr}");
    assert!(stderr.contains("BIND_GUARD_ALLOWED_HOSTS"), "{stderr}");
    assert!(!stderr.contains("HostGuardError"), "{stderr}");
}

#[test]
fn the_default_is_used_when_no_source_says_anything() {
    let (line, stderr) = Setup::default().first_line();
    // Port 8080 may be taken on a shared machine; then the error names it.
    assert!(
        line == "Local: http://127.0.0.1:8080/\n" || stderr.contains("cannot bind 127.0.0.1:8080"),
        "stdout {line:?}, stderr {stderr}"
    );
}

/// Issue 21 item 4: a wildcard is announced with the URLs it is reachable on, with the
/// port the system picked, from the bound socket.
#[test]
fn each_opt_in_opens_the_wildcard_of_its_own_source_and_the_real_urls_are_printed() {
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
    let interfaces: Vec<std::net::IpAddr> = bind_guard::reachable::reachable(
        "0.0.0.0:1".parse::<SocketAddr>().unwrap(),
        bind_guard::reachable::DualStack::No,
    )
    .unwrap()
    .iter()
    .map(SocketAddr::ip)
    .collect();
    for setup in cases {
        let running = setup.serving();
        let addrs = running.addrs();
        let port = addrs[0].port();
        assert_ne!(port, 0, "{:?}", running.report);
        assert_eq!(
            running.report[0],
            format!("Local: http://127.0.0.1:{port}/"),
            "{:?}",
            running.report
        );
        // Every IPv4 address of every interface, each with the real port.
        let listed: Vec<std::net::IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
        assert_eq!(listed, interfaces, "{:?}", running.report);
        assert!(addrs.iter().all(|a| a.port() == port));
        assert!(!running.report.iter().any(|l| l.contains("0.0.0.0")));
        for addr in addrs {
            get(addr);
        }
        let stderr = running.stderr_with("WARN");
        assert_eq!(stderr.matches("WARN").count(), 1, "{stderr}");
        assert!(
            stderr.contains("listening on the wildcard address 0.0.0.0:0"),
            "{stderr}"
        );
    }
    // One source's opt-in does not open another's value.
    let stderr = Setup::with(Src::Flag, "0.0.0.0:0")
        .var("APP_EXPOSE", "1")
        .refused();
    assert!(stderr.contains("add --expose"), "{stderr}");
    let running = Setup::with(Src::Env, "0.0.0.0:0")
        .arg("--expose")
        .arg("--bind=127.0.0.1:0")
        .serving(); // the flag wins; APP_BIND is not used
    assert_eq!(running.addrs()[0].ip().to_string(), "127.0.0.1");
    let stderr = Setup::with(Src::Config, "0.0.0.0:0")
        .var("APP_EXPOSE", "1")
        .refused();
    assert!(
        stderr.contains("set policy = \"default,allow_wildcard\" beside it"),
        "{stderr}"
    );
}

/// Issue 25 item 5: an opt-in never replaces an address a source named with the
/// wildcard; alone, it is the wildcard on the default's port.
#[test]
fn an_opt_in_never_replaces_a_named_address() {
    for setup in [
        Setup::with(Src::Config, "127.0.0.1:0").arg("--expose"),
        Setup::with(Src::Config, "127.0.0.1:0").var("APP_EXPOSE", "1"),
        Setup::with(Src::Env, "127.0.0.1:0").arg("--expose"),
    ] {
        let running = setup.serving();
        assert_eq!(running.report.len(), 1, "{:?}", running.report);
        assert!(
            running.report[0].starts_with("Local: http://127.0.0.1:"),
            "{:?}",
            running.report
        );
        let stderr = running.stderr_with("is ignored");
        assert!(
            stderr.contains("is ignored: it opens only its own source's address"),
            "{stderr}"
        );
    }
    let stderr = Setup::default().var("APP_EXPOSE", "maybe").refused();
    assert!(
        stderr.starts_with("Error: APP_EXPOSE=\"maybe\" is not a switch"),
        "{stderr}"
    );
}

/// `--expose` alone: the wildcard on the default's port (8080, which a shared machine
/// may have taken; then the error names it).
#[test]
fn expose_alone_is_the_wildcard_on_the_default_port() {
    let (line, stderr) = Setup::default().arg("--expose").first_line();
    assert!(
        line == "Local: http://127.0.0.1:8080/\n" || stderr.contains(":8080"),
        "stdout {line:?}, stderr {stderr}"
    );
}

#[test]
fn misbehaving_clients_do_not_stop_the_service_and_sigint_does() {
    let mut running = Setup::with(Src::Flag, "127.0.0.1:0").serving();
    let addr = running.addrs()[0];
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

/// The lines of glue of `examples/service.rs`: every line that is not blank, a comment,
/// part of a `use` or the handler (`async fn hello` to its closing brace).
fn glue_lines(source: &str) -> Vec<&str> {
    let mut glue = Vec::new();
    let (mut in_use, mut in_handler) = (false, false);
    for line in source.lines() {
        let trimmed = line.trim();
        if in_handler {
            in_handler = line != "}";
            continue;
        }
        if in_use {
            in_use = !trimmed.ends_with(';');
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with("use ") {
            in_use = !trimmed.ends_with(';');
            continue;
        }
        if line.starts_with("async fn hello") {
            in_handler = true;
            continue;
        }
        glue.push(line);
    }
    glue
}

/// Issue 21: at most 20 lines of glue, and the README says how many.
#[test]
fn the_service_is_at_most_twenty_lines_of_glue_as_the_readme_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let source = std::fs::read_to_string(root.join("examples/service.rs")).unwrap();
    let glue = glue_lines(&source);
    assert!(glue.len() <= 20, "{} lines: {glue:#?}", glue.len());
    assert!(glue.iter().any(|l| l.contains("Listen::new")), "{glue:#?}");
    // The recipe is on the crate's README (its crates.io page).
    let readme = std::fs::read_to_string(root.join("bind-guard/README.md")).unwrap();
    let claim = format!("**{} lines of glue**", glue.len());
    assert!(readme.contains(&claim), "the README should say {claim}");
    // The counter counts: a use group, a comment and the handler are not glue.
    let sample = "use a::{\n    b,\n};\n// c\nfn main() {\n    x();\n}\n\nasync fn hello() -> u8 {\n    1\n}\n";
    assert_eq!(glue_lines(sample), ["fn main() {", "    x();", "}"]);
}
