//! End to end: `examples/host_guard.rs` runs on an ephemeral loopback port, answers
//! requests that name it, refuses rebinding, `0.0.0.0` and cross-site requests with the
//! fix in the body, and keeps serving after clients misbehave.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);

/// The example, built as the test suite builds it (tests/support).
fn example() -> PathBuf {
    bind_guard_test_support::example::path("host_guard")
}

/// The running example, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(example())
        .args(["--bind", "127.0.0.1:0"])
        .env_remove("BIND_GUARD_ALLOWED_HOSTS")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, recv) = mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = send.send(first);
    });
    let line = recv.recv_timeout(TIMEOUT).expect("no first line");
    let addr = line
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .parse::<SocketAddr>()
        .unwrap();
    assert_ne!(addr.port(), 0, "the real port is printed");
    Server { child, addr }
}

/// Sends raw bytes and returns (status, body) of the answer.
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

fn request(addr: SocketAddr, method: &str, headers: &[&str]) -> (u16, String) {
    let mut text = format!("{method} / HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n");
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    raw(addr, text.as_bytes())
}

#[test]
fn serves_its_own_names_and_refuses_the_others() {
    let server = start(&[]);
    let a = server.addr;
    let port = a.port();
    assert_eq!(request(a, "GET", &["Host: localhost"]), (200, "ok".into()));
    assert_eq!(
        request(a, "GET", &[&format!("Host: 127.0.0.1:{port}")]).0,
        200
    );
    let (status, body) = request(a, "GET", &["Host: rebind.test"]);
    assert_eq!(status, 403);
    assert!(
        body.contains("add `rebind.test` to the BIND_GUARD_ALLOWED_HOSTS environment variable"),
        "{body}"
    );
    assert_eq!(
        request(a, "GET", &[&format!("Host: 0.0.0.0:{port}")]).0,
        403
    );
    assert_eq!(request(a, "GET", &["Host: 127.1"]).0, 403);
    assert_eq!(request(a, "GET", &[]).0, 400);
    assert_eq!(
        request(a, "GET", &["Host: localhost", "Host: localhost"]).0,
        400
    );
    assert_eq!(request(a, "GET", &["Host: evil@localhost"]).0, 400);
    let (status, body) = request(
        a,
        "POST",
        &["Host: localhost", "Origin: http://evil.example"],
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("origin_not_allowed"), "{body}");
    assert_eq!(
        request(
            a,
            "POST",
            &[
                "Host: localhost",
                &format!("Origin: http://localhost:{port}")
            ]
        )
        .0,
        200
    );
}

#[test]
fn the_environment_adds_names_and_bad_entries_stop_the_start() {
    let server = start(&[("BIND_GUARD_ALLOWED_HOSTS", "rebind.test, .tunnel.example")]);
    assert_eq!(request(server.addr, "GET", &["Host: rebind.test"]).0, 200);
    assert_eq!(
        request(server.addr, "GET", &["Host: a.tunnel.example"]).0,
        200
    );
    assert_eq!(request(server.addr, "GET", &["Host: other.test"]).0, 403);

    let output = Command::new(example())
        .args(["--bind", "127.0.0.1:0"])
        .env("BIND_GUARD_ALLOWED_HOSTS", "*")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`*` in the BIND_GUARD_ALLOWED_HOSTS environment variable"),
        "{stderr}"
    );
}

#[test]
fn keeps_serving_when_clients_misbehave() {
    let server = start(&[]);
    let a = server.addr;
    // Connect and hang up; send garbage; send half a request and hang up; send a
    // header with bytes that are not UTF-8; a huge Host.
    drop(TcpStream::connect(a).unwrap());
    let _ = raw(a, b"GARBAGE\r\n\r\n");
    {
        let mut half = TcpStream::connect(a).unwrap();
        half.write_all(b"GET / HTTP/1.1\r\nHost: loc").unwrap();
    }
    let (status, _) = raw(
        a,
        b"GET / HTTP/1.1\r\nHost: local\xffhost\r\nConnection: close\r\n\r\n",
    );
    assert!(status == 400, "{status}");
    let huge = format!("Host: {}", "a".repeat(20_000));
    let _ = request(a, "GET", &[&huge]);
    assert_eq!(request(a, "GET", &["Host: localhost"]), (200, "ok".into()));
}
