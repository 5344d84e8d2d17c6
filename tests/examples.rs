//! End to end: each serving example runs as a child process on an ephemeral loopback
//! port, prints where it listens, answers a real HTTP request, and is killed. Each one
//! also goes through the same client faults ([`survives_client_faults`]): a new serving
//! example is added to [`EXAMPLES`] and gets one `#[test]` calling it.
//!
//! The example binaries are built with the `cargo` that runs this test (`env!("CARGO")`),
//! into the same target directory and with the same flags as the README's
//! `cargo test --workspace --all-features`, so after that command built them this is a
//! no-op check; run alone (`cargo test --test examples`) it builds what is missing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a child may take to print its address, and a request to be answered.
const TIMEOUT: Duration = Duration::from_secs(20);

const EXAMPLES: [&str; 5] = [
    "serve",
    "axum_server",
    "toml_config",
    "admin_library",
    "host_guard",
];

/// Builds the examples once for all tests, and returns the path of `name`.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| bind_guard_test_support::example::build(&EXAMPLES));
    match built {
        Ok(paths) => paths
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("cargo built no example named {name}: {paths:?}")),
        Err(err) => panic!("building the examples failed:\n{err}"),
    }
}

/// A running example, killed when dropped (also when a test fails).
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    /// Its stderr so far, when captured.
    stderr: Option<Arc<Mutex<Vec<u8>>>>,
}

impl Running {
    fn start(name: &str, args: &[&str]) -> Running {
        Running::start_with(name, args, false)
    }

    /// Starts `name`; with `capture_stderr`, its stderr is kept for [`Running::stderr`]
    /// instead of going to the test's.
    fn start_with(name: &str, args: &[&str], capture_stderr: bool) -> Running {
        let mut child = Command::new(example(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if capture_stderr {
                Stdio::piped()
            } else {
                Stdio::inherit()
            })
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stderr = child.stderr.take().map(|mut pipe| {
            let kept = Arc::new(Mutex::new(Vec::new()));
            let sink = Arc::clone(&kept);
            std::thread::spawn(move || {
                let mut buf = [0; 4096];
                while let Ok(read @ 1..) = pipe.read(&mut buf) {
                    sink.lock().unwrap().extend_from_slice(&buf[..read]);
                }
            });
            kept
        });
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
            stderr,
        }
    }

    /// What the child wrote to stderr so far (empty unless captured).
    fn stderr(&self) -> String {
        self.stderr.as_ref().map_or_else(String::new, |kept| {
            String::from_utf8_lossy(&kept.lock().unwrap()).into_owned()
        })
    }

    /// Fails if the child has exited.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("the example exited ({status}); stderr:\n{}", self.stderr());
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
    try_get(addr, TIMEOUT).unwrap_or_else(|err| panic!("GET http://{addr}/: {err}"))
}

/// A real HTTP/1.1 GET that must be answered within `timeout`.
fn try_get(addr: SocketAddr, timeout: Duration) -> Result<(String, String), String> {
    let deadline = Instant::now() + timeout;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    let mut buf = [0; 4096];
    // Read until the server closes, with one deadline for the whole answer.
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no complete answer within {timeout:?}"));
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(read) => response.extend_from_slice(&buf[..read]),
            Err(e) => return Err(format!("{e} (after {} bytes)", response.len())),
        }
    }
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP response: {response:?}"))?;
    let status = head.lines().next().unwrap_or_default().to_owned();
    Ok((status, body.to_owned()))
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
        stderr.starts_with("error: --bind: bind address \"0.0.0.0:0\" is the wildcard address"),
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
        stderr.contains(&format!(
            "error: {}:2: server.listen: bind address \"10.0.0.1:80\" is not a loopback address",
            config.display()
        )),
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

/// Requests in the burst of the fault suite, and how many are in flight at once.
const BURST: usize = 200;
const BURST_CONCURRENCY: usize = 50;

/// How soon a request must be answered while another client holds a connection open
/// without finishing its request.
const BESIDE_A_STALLED_CLIENT: Duration = Duration::from_secs(2);

/// A loopback connection with timeouts, so a server that stops reading or answering
/// fails the test instead of hanging it.
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to {addr} (has the example exited?): {e}"));
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    stream
}

/// Sends `total` GETs to `addr`, `concurrent` at a time; returns the time it took and
/// the failures (a request not answered with 200).
fn burst(addr: SocketAddr, total: usize, concurrent: usize) -> (Duration, Vec<String>) {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..concurrent)
        .map(|_| {
            let next = Arc::clone(&next);
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                    match try_get(addr, TIMEOUT) {
                        Ok((status, _)) if status == "HTTP/1.1 200 OK" => {}
                        Ok((status, body)) => failures.push(format!("{status}: {body}")),
                        Err(err) => failures.push(err),
                    }
                }
                failures
            })
        })
        .collect();
    let failures = clients
        .into_iter()
        .flat_map(|client| client.join().unwrap())
        .collect();
    (started.elapsed(), failures)
}

/// The client faults a serving example must survive, run against the first address
/// `name args` listens on: connections closed without a byte, half requests, resets in
/// and right after a request, a 1 MiB header line, a request served while another
/// connection stalls, and a burst; then a normal request must still be answered and
/// stderr must hold nothing from the clients that [`bind_guard::Escaped`] would escape. Returns the stderr.
///
/// A new serving example is covered by one `#[test]` calling this.
fn survives_client_faults(name: &str, args: &[&str]) -> String {
    let mut child = Running::start_with(name, args, true);
    let [addr, ..] = child.listening(1)[..] else {
        unreachable!()
    };

    // Connect and close without sending anything (browsers' speculative connections).
    for _ in 0..20 {
        drop(connect(addr));
    }
    // Half a request, then close; the second carries terminal escapes for the log.
    for half in [
        &b"GET / HTTP/1.1\r\nhost: lo"[..],
        b"GET /\x1b[31mred\x1b]0;title\x07\r\x08 HTTP/1.1\r\n",
    ] {
        let mut stream = connect(addr);
        stream.write_all(half).unwrap();
    }
    // A reset (RST, through SO_LINGER 0) in the middle of a request, and right after a
    // whole one, before its answer is read: the server's write then meets a reset or
    // a broken pipe, as with a browser tab closed mid-load.
    for sent in [
        &b"GET / HTTP/1.1\r\nho"[..],
        b"GET / HTTP/1.1\r\nhost: lo\r\n\r\n",
    ] {
        let mut stream = connect(addr);
        stream.write_all(sent).unwrap();
        let socket = socket2::Socket::from(stream);
        socket.set_linger(Some(Duration::ZERO)).unwrap();
        drop(socket);
    }
    child.assert_running();

    // A 1 MiB header line: answered 431, or the connection closed; never read whole.
    {
        let mut stream = connect(addr);
        let mut request = b"GET / HTTP/1.1\r\nhost: lo\r\nx-big: ".to_vec();
        request.resize(request.len() + (1 << 20), b'a');
        request.extend_from_slice(b"\r\n\r\n");
        // The server may close before taking it all.
        let _ = stream.write_all(&request);
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("{name} held a connection with a 1 MiB header line for {TIMEOUT:?}")
            }
            // A reset: closed, possibly with the 431 lost.
            Ok(_) | Err(_) => {}
        }
        assert!(
            answer.is_empty() || answer.starts_with(b"HTTP/1.1 431 "),
            "{name} answered a 1 MiB header line with {:?}",
            String::from_utf8_lossy(&answer[..answer.len().min(200)])
        );
    }

    // A connection that never finishes its request holds nobody else up.
    let mut stalled = connect(addr);
    stalled
        .write_all(b"GET / HTTP/1.1\r\nhost: lo\r\n")
        .unwrap();
    match try_get(addr, BESIDE_A_STALLED_CLIENT) {
        Ok((status, _)) => assert_eq!(status, "HTTP/1.1 200 OK"),
        Err(err) => panic!("{name}, beside a stalled client: {err}"),
    }

    // A bounded burst, still beside the stalled client.
    let (_, failures) = burst(addr, BURST, BURST_CONCURRENCY);
    assert!(
        failures.is_empty(),
        "{name}: {} of {BURST} requests failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    drop(stalled);

    child.assert_running();
    let (status, _) = get(addr);
    assert_eq!(status, "HTTP/1.1 200 OK");
    child.assert_running();

    let stderr = child.stderr();
    assert!(
        !stderr
            .chars()
            .any(|c| c != '\n' && bind_guard::Escaped::needs_escape(c)),
        "{name} wrote a character that needs escaping to stderr: {stderr:?}"
    );
    stderr
}

#[test]
fn serve_survives_client_faults() {
    let log = survives_client_faults("serve", &["127.0.0.1:0"]);
    // Each fault is one escaped line, naming what the client sent.
    assert!(
        log.contains(r#"closed before the end of the request head, after 36 bytes: "GET /\u{1b}[31mred\u{1b}]0;title\u{7}\r\u{8} HTTP/1.1\r\n""#),
        "{log}"
    );
    assert!(
        log.contains("request head too large; answered 431"),
        "{log}"
    );
}

#[test]
fn axum_server_survives_client_faults() {
    survives_client_faults("axum_server", &["--bind", "127.0.0.1:0"]);
}

#[test]
fn host_guard_survives_client_faults() {
    survives_client_faults("host_guard", &["--bind", "127.0.0.1:0"]);
}

#[test]
fn toml_config_survives_client_faults() {
    let config = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples-test-faults.toml");
    std::fs::write(
        &config,
        "[server]\nlisten = [\"127.0.0.1:0\"]\n\n[admin]\nlisten = \"127.0.0.1:0\"\n",
    )
    .unwrap();
    survives_client_faults("toml_config", &[config.to_str().unwrap()]);
}

/// The README's burst figures: requests per second of `serve` and of `axum_server`,
/// measured in one run on this machine, in alternating rounds so that load from
/// elsewhere falls on both; prints the median rate of each and the median of the
/// per-round ratios. Run it on an optimised build:
/// `cargo test --release --test examples -- --ignored --nocapture burst_rates`.
#[test]
#[ignore = "a measurement, not a check: prints figures for the README"]
fn burst_rates() {
    const ROUNDS: usize = 7;
    const PER_ROUND: usize = 2000;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mut servers: Vec<(&str, Running, SocketAddr)> = [
        ("serve", &["127.0.0.1:0"][..]),
        ("axum_server", &["--bind", "127.0.0.1:0"]),
    ]
    .into_iter()
    .map(|(name, args)| {
        let mut child = Running::start_with(name, args, true);
        let [addr, ..] = child.listening(1)[..] else {
            unreachable!()
        };
        // Warm up: threads, allocator, the kernel's accept queue.
        let _ = burst(addr, BURST, BURST_CONCURRENCY);
        (name, child, addr)
    })
    .collect();
    let mut rates = vec![Vec::new(); servers.len()];
    for _ in 0..ROUNDS {
        for ((name, child, addr), rates) in servers.iter_mut().zip(&mut rates) {
            let (took, failures) = burst(*addr, PER_ROUND, BURST_CONCURRENCY);
            assert!(failures.is_empty(), "{name}: {failures:?}");
            child.assert_running();
            rates.push(PER_ROUND as f64 / took.as_secs_f64());
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "{ROUNDS} rounds of {PER_ROUND} GETs, {BURST_CONCURRENCY} at a time, {cores} cores, medians:"
    );
    for ((name, ..), rates) in servers.iter().zip(&rates) {
        println!("  {name:<12} {:>7.0} requests/s", median(rates.clone()));
    }
    let ratios = rates[0].iter().zip(&rates[1]).map(|(s, a)| s / a).collect();
    println!("  serve / axum_server: {:.2}", median(ratios));
}
