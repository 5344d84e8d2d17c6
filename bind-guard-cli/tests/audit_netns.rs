//! `bind-guard audit` in a fresh network namespace, on sockets whose kernel state
//! `/proc/net/*` cannot show: a `0.0.0.0` listener restricted to `lo`
//! (`SO_BINDTODEVICE`) and `[::]` listeners with and without `IPV6_V6ONLY`.
//!
//! The sockets are opened by this test binary again, started inside the namespace with
//! `ip netns exec` (entering a namespace from a running process needs unsafe code),
//! then the audit runs there too. The namespace is deleted when the test ends, also
//! when it fails. Needs root and iproute2; skips otherwise, except under `CI=true`.
#![cfg(target_os = "linux")]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;
use socket2::{Domain, Socket, Type};

const ROLE_ENV: &str = "BIND_GUARD_AUDIT_NETNS_HOLDER";
const HOLDER_TEST: &str = "audit_netns_holder";
const TIMEOUT: Duration = Duration::from_secs(20);

/// Inside the namespace: opens the three listeners, prints `READY p1 p2 p3`, and holds
/// them until stdin closes. Does nothing as a plain test.
#[test]
#[ignore = "the socket holder of the audit netns test, started inside a namespace"]
fn audit_netns_holder() {
    if std::env::var(ROLE_ENV).is_err() {
        return;
    }
    let listen = |addr: &str, v6only: Option<bool>, device: Option<&str>| {
        let addr: SocketAddr = addr.parse().unwrap();
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).unwrap();
        if let Some(v6only) = v6only {
            socket.set_only_v6(v6only).unwrap();
        }
        if let Some(device) = device {
            socket.bind_device(Some(device.as_bytes())).unwrap();
        }
        socket.bind(&addr.into()).unwrap();
        socket.listen(8).unwrap();
        socket
    };
    let on_lo = listen("0.0.0.0:0", None, Some("lo"));
    let v6only = listen("[::]:0", Some(true), None);
    let dual = listen("[::]:0", Some(false), None);
    let port = |s: &Socket| s.local_addr().unwrap().as_socket().unwrap().port();
    println!("READY {} {} {}", port(&on_lo), port(&v6only), port(&dual));
    let _ = std::io::stdin().read(&mut [0u8; 1]);
}

struct Namespace(String);

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn namespace() -> Option<Namespace> {
    let name = format!("bgi-audit-{}", std::process::id());
    let made = Command::new("ip")
        .args(["netns", "add", &name])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "network namespaces are needed under CI (root and iproute2)"
        );
        eprintln!("skipped: cannot create network namespaces (needs root and iproute2)");
        return None;
    }
    let ns = Namespace(name);
    let up = Command::new("ip")
        .args(["-n", &ns.0, "link", "set", "lo", "up"])
        .status()
        .unwrap();
    assert!(up.success());
    Some(ns)
}

fn audit(ns: &Namespace, args: &[&str]) -> (i32, String) {
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            env!("CARGO_BIN_EXE_bind-guard"),
            "audit",
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn netns_audit_shows_the_device_and_v6only_the_kernel_holds() {
    let Some(ns) = namespace() else { return };
    let mut holder = Holder(
        Command::new("ip")
            .args(["netns", "exec", &ns.0])
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                HOLDER_TEST,
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROLE_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = holder.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ports: Vec<u16> = loop {
        let line = rx
            .recv_timeout(TIMEOUT)
            .expect("the holder reports its ports");
        // The harness's "test NAME ... " may precede it on the same line.
        if let Some((_, ports)) = line.split_once("READY ") {
            break ports.split(' ').map(|p| p.parse().unwrap()).collect();
        }
    };
    let (on_lo, v6only, dual) = (ports[0], ports[1], ports[2]);

    let (code, json) = audit(&ns, &["--json", "--policy", "loopback"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["source"], "sock_diag", "{json}");
    let row = |port: u16| -> &Value {
        doc["sockets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["port"] == port)
            .unwrap_or_else(|| panic!("no row for port {port}: {json}"))
    };
    // 0.0.0.0 restricted to lo: reachable on lo's addresses only, which the loopback
    // policy allows; /proc would have shown a plain wildcard.
    assert_eq!(row(on_lo)["address"], "0.0.0.0");
    assert_eq!(row(on_lo)["device"], "lo");
    assert_eq!(row(on_lo)["v6only"], Value::Null);
    assert_eq!(row(on_lo)["allowed"], true, "{json}");
    // [::] with and without IPV6_V6ONLY: both the wildcard, told apart.
    assert_eq!(row(v6only)["v6only"], true);
    assert_eq!(row(v6only)["device"], Value::Null);
    assert_eq!(row(v6only)["allowed"], false);
    assert_eq!(row(dual)["v6only"], false);
    assert_eq!(row(dual)["allowed"], false);
    assert_eq!(code, 1);
    assert_eq!(doc["refused"], 2);
    assert!(doc["host"]["bindv6only"]["value"].is_boolean(), "{json}");
    assert_eq!(doc["host"]["route_localnet"]["on"], false, "{json}");
    assert!(doc["host"]["ip_forward"]["value"].is_boolean(), "{json}");

    let (_, text) = audit(&ns, &["--policy", "loopback"]);
    let line = |port: u16| -> &str {
        text.lines()
            .find(|l| l.starts_with("tcp") && l.contains(&format!(":{port} ")))
            .unwrap_or_else(|| panic!("no line for port {port}: {text}"))
    };
    let columns = |port: u16| -> Vec<&str> { line(port).split_whitespace().collect() };
    assert_eq!(columns(on_lo)[2..4], ["lo", "-"], "{text}");
    assert_eq!(columns(v6only)[2..4], ["-", "yes"], "{text}");
    assert_eq!(columns(dual)[2..4], ["-", "no"], "{text}");
    assert!(text.starts_with("source: sock_diag"), "{text}");
    assert!(text.contains("\nhost:\n  route_localnet "), "{text}");
}
