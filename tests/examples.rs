//! End to end: each serving example runs as a child process on an ephemeral loopback
//! port, prints where it listens, answers a real HTTP request, and is killed.
//!
//! The example binaries are built with the `cargo` that runs this test (`env!("CARGO")`),
//! into the same target directory and with the same flags as the README's
//! `cargo test --workspace --all-features`, so after that command built them this is a
//! no-op check; run alone (`cargo test --test examples`) it builds what is missing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a child may take to print its address, and a request to be answered.
const TIMEOUT: Duration = Duration::from_secs(20);

const EXAMPLES: [&str; 4] = ["serve", "axum_server", "toml_config", "admin_library"];

/// Builds the examples once for all tests, and returns the path of `name`.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    let built = BUILT.get_or_init(build_examples);
    match built {
        Ok(paths) => paths
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("cargo built no example named {name}: {paths:?}")),
        Err(err) => panic!("building the examples failed:\n{err}"),
    }
}

fn build_examples() -> Result<HashMap<String, PathBuf>, String> {
    // This test runs as TARGET/PROFILE/deps/examples-HASH.
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
        .arg("--target-dir")
        .arg(target_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    for name in EXAMPLES {
        cmd.args(["--example", name]);
    }
    let output = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let mut paths = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_example = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
        if let (true, Some(name), Some(exe)) = (
            is_example,
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            paths.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    Ok(paths)
}

/// A running example, killed when dropped (also when a test fails).
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(name: &str, args: &[&str]) -> Running {
        let mut child = Command::new(example(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        // A reader thread, so that waiting for a line has a timeout.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The addresses of the next `count` lines `listening on http://ADDR/`.
    fn listening(&mut self, count: usize) -> Vec<SocketAddr> {
        let mut addrs = Vec::new();
        while addrs.len() < count {
            let line = match self.lines.recv_timeout(TIMEOUT) {
                Ok(line) => line,
                Err(err) => panic!(
                    "no `listening on` line ({err}); output so far: {:#?}",
                    self.seen
                ),
            };
            if let Some(rest) = line.strip_prefix("listening on http://") {
                let addr = rest.split('/').next().unwrap_or_default();
                addrs.push(addr.parse().unwrap_or_else(|e| panic!("{line}: {e}")));
            }
            self.seen.push(line);
        }
        addrs
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs an example that should exit by itself, and returns its output; kills it and
/// fails if it is still running after [`TIMEOUT`] (a server that should have refused
/// to start must not hang the test).
fn run_to_end(name: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut child = Command::new(example(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name} {args:?} was still running after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A real HTTP/1.1 GET with timeouts; returns the status line and the body.
fn get(addr: SocketAddr) -> (String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, body.to_owned())
}

#[test]
fn serve_answers_on_an_ephemeral_loopback_port() {
    let mut child = Running::start("serve", &["127.0.0.1:0"]);
    let [addr] = child.listening(1)[..] else {
        unreachable!()
    };
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
    let (status, body) = get(addr);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        body.starts_with(&format!("hello from bind-guard: listening on {addr}")),
        "{body}"
    );
}

#[test]
fn axum_server_answers_on_every_bind_address() {
    let mut child = Running::start(
        "axum_server",
        &["--bind", "127.0.0.1:0", "--bind", "[::1]:0"],
    );
    let addrs = child.listening(2);
    assert_eq!(addrs[0].ip().to_string(), "127.0.0.1");
    assert_eq!(addrs[1].ip().to_string(), "::1");
    for addr in addrs {
        let (status, body) = get(addr);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, "hello from axum, bound through bind-guard\n");
    }
}

#[test]
fn axum_server_refuses_the_wildcard_without_expose() {
    let output = run_to_end("axum_server", &["--bind".as_ref(), "0.0.0.0:0".as_ref()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: invalid value '0.0.0.0:0' for '--bind <ADDR>'"),
        "{stderr}"
    );
    assert!(stderr.contains("add --expose"), "{stderr}");
    assert!(stderr.contains("Usage: axum_server"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn toml_config_answers_on_the_configured_addresses() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let config = dir.join("examples-test-config.toml");
    std::fs::write(
        &config,
        "[server]\nlisten = [\"127.0.0.1:0\"]\npolicy = \"loopback\"\n\n[admin]\nlisten = \"[::1]:0\"\n",
    )
    .unwrap();
    let mut child = Running::start("toml_config", &[config.to_str().unwrap()]);
    let [addr] = child.listening(1)[..] else {
        unreachable!()
    };
    let (status, body) = get(addr);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(body, format!("hello from toml_config (on {addr})\n"));
}

#[test]
fn toml_config_names_the_bad_value() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let config = dir.join("examples-test-bad-config.toml");
    std::fs::write(
        &config,
        "[server]\nlisten = [\"127.0.0.1:0\"]\n\n[admin]\nlisten = \"192.168.7.7:9090\"\n",
    )
    .unwrap();
    let output = run_to_end("toml_config", &[config.as_ref()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("listen = \"192.168.7.7:9090\""), "{stderr}");
    assert!(
        stderr.contains("bind address \"192.168.7.7:9090\" is not a loopback address"),
        "{stderr}"
    );

    // The policy in the config applies to server.listen.
    std::fs::write(
        &config,
        "[server]\nlisten = [\"10.0.0.1:80\"]\npolicy = \"loopback\"\n\n[admin]\nlisten = \"127.0.0.1:0\"\n",
    )
    .unwrap();
    let output = run_to_end("toml_config", &["--check".as_ref(), config.as_ref()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("server.listen: bind address \"10.0.0.1:80\" is not a loopback address"),
        "{stderr}"
    );
}

#[test]
fn admin_library_runs_to_the_end() {
    let output = run_to_end("admin_library", &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("config 192.168.1.10:9000  refused: is not a loopback address"),
        "{stdout}"
    );
    assert!(
        stdout.contains("narrowing 203.0.113.7:9000 refused"),
        "{stdout}"
    );
    assert!(stdout.ends_with("fetched: admin: ok\n"), "{stdout}");
}
