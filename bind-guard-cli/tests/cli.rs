//! The `bind-guard` command-line tool, run as a real process: exit codes, text and JSON.
//!
//! Cargo builds the binary for this package's tests and names it in
//! `CARGO_BIN_EXE_bind-guard`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use serde_json::Value;
use wait_timeout::ChildExt;

/// How long one run of the binary may take before the test kills it and fails.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);

/// The binary under test.
fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bind-guard"))
}

/// One finished run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {:?}", self.stdout))
    }
}

/// Runs the binary with `args`, with a timeout, and collects its output.
fn run(args: &[&str]) -> Run {
    let mut command = Command::new(bin());
    command.args(args);
    run_command(command, args)
}

/// Runs `command` (the binary, or `ip netns exec NS` the binary), with a timeout.
fn run_command(mut command: Command, args: &[&str]) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bind-guard");
    // Read both pipes on threads so a large output never blocks the child.
    let mut stdout = child.stdout.take().expect("stdout pipe");
    let mut stderr = child.stderr.take().expect("stderr pipe");
    let out = thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let Some(status) = child
        .wait_timeout(RUN_TIMEOUT)
        .expect("wait for bind-guard")
    else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("bind-guard {args:?} ran longer than {RUN_TIMEOUT:?}");
    };
    Run {
        code: status
            .code()
            .expect("bind-guard exited (not killed by a signal)"),
        stdout: out.join().expect("stdout reader").expect("stdout is UTF-8"),
        stderr: err.join().expect("stderr reader").expect("stderr is UTF-8"),
    }
}

// ---------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------

#[test]
fn check_allowed_prints_the_canonical_address_and_exits_0() {
    let run = run(&["check", "127.0.0.1:8080"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "127.0.0.1:8080\n");
    assert_eq!(run.stderr, "");

    let run = self::run(&["check", "[0:0:0:0:0:0:0:1]:8080"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "[::1]:8080\n");
}

#[test]
fn check_refused_exits_1_with_the_reason_on_stderr() {
    for addr in ["0.0.0.0:8080", "[::]:8080", "[::ffff:0.0.0.0]:8080"] {
        let run = run(&["check", addr]);
        assert_eq!(run.code, 1, "{addr}: {run:?}");
        assert_eq!(run.stdout, "", "{addr}");
        assert!(
            run.stderr.starts_with("error: ADDR: bind address"),
            "{run:?}"
        );
        assert!(run.stderr.contains("wildcard"), "{run:?}");
        assert!(
            run.stderr
                .contains("to listen on every interface on purpose, pass --allow-wildcard"),
            "{run:?}"
        );
        // The operator of the CLI reads flags, never the library's API.
        assert!(!run.stderr.contains("Policy::"), "{run:?}");
        assert!(!run.stderr.contains("bind_addr!"), "{run:?}");
    }
}

/// clap's own usage errors quote the refused argument: through the escaping rule too.
#[test]
fn usage_errors_escape_the_argument() {
    let hostile = "x\x1b[1A\x1b[2K\ry";
    let run = run(&["check", "127.0.0.1:80", "--policy", hostile]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        !run.stderr.contains('\x1b') && !run.stderr.contains('\r'),
        "{run:?}"
    );
    // (clap's plain rendering drops the escape sequences; the carriage return would stay.)
    assert!(run.stderr.contains(r"\ry'"), "{run:?}");
}

/// A hint never widens more than needed: under `--policy loopback` the way to accept
/// the wildcard is `--allow-wildcard` (the wildcard and nothing else), never
/// `--policy any` (which accepts every global address too).
#[test]
fn hints_never_suggest_a_wider_policy() {
    for policy in ["loopback", "local", "default"] {
        let run = run(&["check", "0.0.0.0:8080", "--policy", policy]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(!run.stderr.contains("--policy any"), "{policy}: {run:?}");
        assert!(
            run.stderr.contains(&format!(
                "pass --allow-wildcard: it adds the wildcard, and nothing else, to the '{policy}' policy"
            )),
            "{policy}: {run:?}"
        );
    }
}

#[test]
fn check_policies() {
    let code = |args: &[&str]| run(args).code;
    assert_eq!(code(&["check", "0.0.0.0:8080", "--allow-wildcard"]), 0);
    assert_eq!(
        code(&[
            "check",
            "0.0.0.0:8080",
            "--policy",
            "default,allow_wildcard"
        ]),
        0
    );
    // The library's whole policy text form, one vocabulary.
    let deny = ["--policy", "local,deny=10.99.0.0/16"];
    assert_eq!(code(&[&["check", "10.99.0.1:80"][..], &deny].concat()), 1);
    assert_eq!(code(&[&["check", "10.98.0.1:80"][..], &deny].concat()), 0);
    assert_eq!(code(&["check", "127.0.0.1:80", "--policy", "nothing"]), 1);
    assert_eq!(
        code(&["check", "192.168.1.10:80", "--policy", "loopback"]),
        1
    );
    assert_eq!(code(&["check", "192.168.1.10:80", "--policy", "local"]), 0);
    assert_eq!(code(&["check", "8.8.8.8:53", "--policy", "local"]), 1);
    assert_eq!(code(&["check", "8.8.8.8:53", "--policy", "default"]), 0);
    assert_eq!(code(&["check", "[::1]:80", "--policy=loopback"]), 0);
    // --allow-wildcard widens the policy by the wildcard alone.
    let widened = ["--policy", "loopback", "--allow-wildcard"];
    assert_eq!(code(&[&["check", "0.0.0.0:80"][..], &widened].concat()), 0);
    assert_eq!(code(&[&["check", "10.0.0.1:80"][..], &widened].concat()), 1);

    let run = run(&["check", "10.0.0.1:80", "--policy", "loopback"]);
    assert!(run.stderr.contains("not a loopback address"), "{run:?}");
    assert!(run.stderr.contains("'loopback' policy"), "{run:?}");
    // Under loopback, nothing suggests a wider policy than needed.
    for wider in [
        "--allow-wildcard",
        "--policy",
        "any",
        "local",
        "allow_scope",
    ] {
        assert!(!run.stderr.contains(wider), "{wider}: {run:?}");
    }
}

#[test]
fn check_accepts_what_an_application_accepts() {
    let run = run(&["check", "localhost:8080"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "127.0.0.1:8080,[::1]:8080\n");
    let run = self::run(&["check", "127.0.0.1:8080, [::1]:9090"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "127.0.0.1:8080,[::1]:9090\n");
    // One refused item refuses the list and is named.
    let run = self::run(&["check", "127.0.0.1:8080,0.0.0.0:8080"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("\"0.0.0.0:8080\" is the wildcard"),
        "{run:?}"
    );
    let json = self::run(&["check", "--json", "localhost:1"]).json();
    assert_eq!(json["valid"], true);
    assert_eq!(
        json["addresses"],
        serde_json::json!(["127.0.0.1:1", "[::1]:1"])
    );
    assert_eq!(json["address"], Value::Null);
    let json = self::run(&["check", "--json", "127.0.0.1:1"]).json();
    assert_eq!(json["address"], "127.0.0.1:1");
    assert_eq!(json["policy"], "default");
}

#[test]
fn check_unusable_input_exits_2() {
    for (addr, says) in [
        ("127.1:80", "shorthand"),
        (":8080", "no host"),
        ("8080", "a port without a host"),
        ("127.0.0.1:8080,", "stray comma"),
        ("127.0.0,1:8080", "comma inside an address"),
        ("", "empty"),
        ("::1:8080", "brackets"),
        ("127.0.0.1", "no port"),
        ("http://127.0.0.1:80/", "URL"),
    ] {
        let run = run(&["check", addr]);
        assert_eq!(run.code, 2, "{addr:?}: {run:?}");
        assert_eq!(run.stdout, "", "{addr:?}");
        assert!(run.stderr.starts_with("error: "), "{addr:?}: {run:?}");
        assert!(run.stderr.contains(says), "{addr:?}: {run:?}");
    }
    // A hostile input is escaped, never echoed raw to the terminal.
    let run = run(&["check", "1.2.3.4:80\u{1b}[31m"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains('\u{1b}'), "{run:?}");
}

#[test]
fn usage_errors_exit_2_in_clap_style() {
    let run = run(&[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Usage: bind-guard <COMMAND>"),
        "{run:?}"
    );

    let run = self::run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: the following required arguments were not provided")
    );
    assert!(run.stderr.contains("<ADDR>"));

    let run = self::run(&["check", "127.0.0.1:80", "--policy", "open"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid value 'open' for '--policy <POLICY>'"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("default, loopback, local or nothing"),
        "{run:?}"
    );
    // `any` was the CLI's own word; the library says default,allow_wildcard.
    assert_eq!(
        self::run(&["check", "0.0.0.0:80", "--policy", "any"]).code,
        2
    );

    let run = self::run(&["chek", "127.0.0.1:80"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("'check'"),
        "suggests the command: {run:?}"
    );

    let run = self::run(&["check", "127.0.0.1:80", "--jsn"]);
    assert_eq!(run.code, 2);
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    let run = run(&["--help"]);
    assert_eq!(run.code, 0);
    for word in ["check", "explain", "audit", "Exit codes"] {
        assert!(run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    let run = self::run(&["help", "check"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--allow-wildcard"));
    assert!(run.stdout.contains("--policy <POLICY>"));

    let run = self::run(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("bind-guard {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn check_json() {
    let run = run(&["check", "0.0.0.0:8080", "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "", "JSON mode keeps stderr empty");
    let json = run.json();
    assert_eq!(json["input"], "0.0.0.0:8080");
    assert_eq!(json["policy"], "default");
    assert_eq!(json["allow_wildcard"], false);
    assert_eq!(json["valid"], true);
    assert_eq!(json["allowed"], false);
    assert_eq!(json["address"], "0.0.0.0:8080");
    assert_eq!(json["ip"], "0.0.0.0");
    assert_eq!(json["port"], 8080);
    assert_eq!(json["scope"], "unspecified");
    assert_eq!(json["wildcard"], true);
    assert_eq!(json["error"]["kind"], "wildcard");
    assert_eq!(json["error"]["refusal"], true);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("0.0.0.0:8080")
    );
    assert!(
        json["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1")
    );

    let run = self::run(&[
        "check",
        "[::ffff:127.0.0.1]:80",
        "--json",
        "--policy",
        "loopback",
    ]);
    assert_eq!(run.code, 0);
    let json = run.json();
    assert_eq!(json["allowed"], true);
    assert_eq!(json["scope"], "loopback");
    assert_eq!(json["error"], Value::Null);

    let run = self::run(&["check", "0.0.0.0:80", "--json", "--allow-wildcard"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["allow_wildcard"], true);

    let run = self::run(&["check", "127.1:80", "--json"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["allowed"], false);
    assert_eq!(json["address"], Value::Null);
    assert_eq!(json["scope"], Value::Null);
    assert_eq!(json["error"]["kind"], "ipv4_shorthand");
    assert_eq!(json["error"]["refusal"], false);
}

// ---------------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------------

fn explain_json(addr: &str) -> Value {
    let run = run(&["explain", addr, "--json"]);
    assert_eq!(run.code, 0, "{addr}: {run:?}");
    assert_eq!(run.stderr, "");
    run.json()
}

#[test]
fn explain_loopback() {
    let run = run(&["explain", "127.0.0.1:8080"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("scope:     loopback"), "{}", run.stdout);
    assert!(run.stdout.contains("\"Loopback\""), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("only from programs on this same machine")
    );

    let json = explain_json("127.0.0.1:8080");
    for key in [
        "input",
        "valid",
        "address",
        "ip",
        "port",
        "family",
        "scope",
        "wildcard",
        "loopback",
        "local_network",
        "ipv4_mapped",
        "registry",
        "dual_stack",
        "meaning",
        "notes",
        "policies",
    ] {
        assert!(json.get(key).is_some(), "missing key {key}: {json}");
    }
    assert_eq!(json["address"], "127.0.0.1:8080");
    assert_eq!(json["port"], 8080);
    assert_eq!(json["family"], "ipv4");
    assert_eq!(json["scope"], "loopback");
    assert_eq!(json["loopback"], true);
    assert_eq!(json["wildcard"], false);
    assert_eq!(json["registry"]["prefix"], "127.0.0.0/8");
    assert_eq!(json["registry"]["name"], "Loopback");
    assert!(
        json["registry"]["rfc"]
            .as_str()
            .unwrap()
            .contains("RFC1122")
    );
    assert_eq!(json["registry"]["globally_reachable"], false);
    for policy in ["loopback", "local", "default", "default,allow_wildcard"] {
        assert_eq!(json["policies"][policy]["allowed"], true, "{policy}");
    }

    // A bare IP works too, with no port.
    let json = explain_json("::1");
    assert_eq!(json["address"], "::1");
    assert_eq!(json["port"], Value::Null);
    assert_eq!(json["scope"], "loopback");
    assert_eq!(json["registry"]["rfc"], "[RFC4291]");
}

#[test]
fn explain_wildcard() {
    let run = run(&["explain", "0.0.0.0:8080"]);
    assert_eq!(run.code, 0, "explain explains, it does not judge: {run:?}");
    assert!(run.stdout.contains("wildcard:  yes"), "{}", run.stdout);
    assert!(run.stdout.contains("every interface"));
    assert!(
        run.stdout.contains("127.0.0.1"),
        "points to loopback instead"
    );
    assert!(
        run.stdout
            .contains("why the default policy refuses it: bind address")
    );

    let json = explain_json("0.0.0.0:8080");
    assert_eq!(json["scope"], "unspecified");
    assert_eq!(json["wildcard"], true);
    assert_eq!(json["loopback"], false);
    assert_eq!(json["dual_stack"], Value::Null, "IPv4 has no dual-stack");
    assert_eq!(json["registry"]["name"], "This host on this network");
    assert_eq!(json["policies"]["default"]["allowed"], false);
    assert_eq!(json["policies"]["default"]["error"]["kind"], "wildcard");
    assert_eq!(json["policies"]["default,allow_wildcard"]["allowed"], true);
    assert_eq!(
        json["policies"]["default,allow_wildcard"]["error"],
        Value::Null
    );

    // [::]: dual-stack, with this host's sysctl.
    let json = explain_json("[::]:8080");
    assert_eq!(json["wildcard"], true);
    assert_eq!(json["family"], "ipv6");
    let sysctl = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());
    assert_eq!(json["dual_stack"]["bindv6only"].as_u64(), sysctl);
    assert_eq!(
        json["dual_stack"]["also_ipv4"].as_bool(),
        sysctl.map(|value| value == 0)
    );
    let notes = json["notes"].to_string();
    assert!(notes.contains("IPV6_V6ONLY"), "{notes}");
    assert!(notes.contains("net.ipv6.bindv6only"), "{notes}");
}

#[test]
fn explain_ipv4_mapped() {
    let json = explain_json("[::ffff:127.0.0.1]:80");
    assert_eq!(json["family"], "ipv6");
    assert_eq!(json["ipv4_mapped"], "127.0.0.1");
    assert_eq!(json["scope"], "loopback");
    assert_eq!(json["loopback"], true);
    assert!(
        json["notes"]
            .to_string()
            .contains("IPv4-mapped form of 127.0.0.1")
    );

    let json = explain_json("::ffff:0.0.0.0");
    assert_eq!(json["ipv4_mapped"], "0.0.0.0");
    assert_eq!(json["wildcard"], true, "the wildcard in disguise");
    assert_eq!(json["policies"]["default"]["allowed"], false);

    assert_eq!(explain_json("127.0.0.1")["ipv4_mapped"], Value::Null);
}

#[test]
fn explain_documentation_ranges() {
    for (addr, rfc) in [
        ("192.0.2.7:80", "RFC5737"),
        ("198.51.100.1", "RFC5737"),
        ("[2001:db8::1]:443", "RFC3849"),
    ] {
        let json = explain_json(addr);
        assert_eq!(json["scope"], "documentation", "{addr}");
        assert!(
            json["registry"]["rfc"].as_str().unwrap().contains(rfc),
            "{addr}: {json}"
        );
        assert!(
            json["meaning"].as_str().unwrap().contains("documentation"),
            "{addr}"
        );
        // Allowed by the default policy (it is not the wildcard), not by local.
        assert_eq!(json["policies"]["default"]["allowed"], true);
        assert_eq!(json["policies"]["local"]["allowed"], false);
    }
    // A global address has no registry entry.
    assert_eq!(explain_json("8.8.8.8:53")["registry"], Value::Null);
}

/// What Linux does, said as it is: broadcast and multicast hear every network (and TCP
/// can bind them, uselessly); an address is reachable through every interface; loopback
/// is host-only unless route_localnet.
#[test]
fn explain_says_what_linux_does() {
    for addr in [
        "255.255.255.255:9",
        "239.255.0.1:9",
        "[ff05::1]:9",
        "[::ffff:224.0.0.1]:9",
    ] {
        let meaning = explain_json(addr)["meaning"].as_str().unwrap().to_owned();
        assert!(meaning.contains("every network"), "{addr}: {meaning}");
        assert!(
            meaning.contains("Linux lets TCP bind it"),
            "{addr}: {meaning}"
        );
        assert!(!meaning.contains("TCP cannot"), "{addr}: {meaning}");
    }
    for addr in ["192.168.1.5:80", "[fd00::1]:80", "8.8.8.8:80"] {
        let meaning = explain_json(addr)["meaning"].as_str().unwrap().to_owned();
        assert!(
            meaning.contains("any of the host's interfaces"),
            "{addr}: {meaning}"
        );
    }
    let meaning = explain_json("192.168.1.5:80")["meaning"].to_string();
    assert!(meaning.contains("SO_BINDTODEVICE"), "{meaning}");
    let meaning = explain_json("127.0.0.1:80")["meaning"].to_string();
    assert!(!meaning.contains("never leave"), "{meaning}");
    assert!(meaning.contains("route_localnet"), "{meaning}");
}

#[test]
fn explain_says_why_input_is_not_an_address() {
    let run = run(&["explain", "127.1:80"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: bind address \"127.1:80\""),
        "{run:?}"
    );
    assert!(run.stderr.contains("shorthand"));

    let run = self::run(&["explain", "localhost", "--json"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["kind"], "localhost");

    // A bare IPv6 with what looks like a port is explained, with a pointer.
    let json = explain_json("::1:8080");
    assert!(json["notes"].to_string().contains("[::1]:8080"), "{json}");
}

// ---------------------------------------------------------------------------------
// audit
// ---------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
mod audit {
    use std::net::{SocketAddr, TcpListener, UdpSocket};

    use serde_json::Value;

    use super::run;

    fn row_for<'a>(json: &'a Value, proto: &str, addr: SocketAddr) -> &'a Value {
        json["sockets"]
            .as_array()
            .expect("sockets array")
            .iter()
            .find(|row| {
                row["proto"] == proto
                    && row["address"] == addr.ip().to_string()
                    && row["port"] == addr.port()
            })
            .unwrap_or_else(|| panic!("{proto} {addr} not in the audit: {json}"))
    }

    #[test]
    fn audit_finds_this_tests_listeners() {
        // Port 0 and closed right after the audit: nothing connects to them.
        let wildcard = TcpListener::bind("0.0.0.0:0").unwrap();
        let loopback = TcpListener::bind("127.0.0.1:0").unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let v6 = TcpListener::bind("[::1]:0").ok(); // absent when the host has no IPv6
        let me = std::process::id();

        let run = run(&["audit", "--json"]);
        assert_eq!(
            run.code, 1,
            "our own 0.0.0.0 listener breaks the default policy"
        );
        let json = run.json();
        assert_eq!(json["policy"], "default");

        let row = row_for(&json, "tcp", wildcard.local_addr().unwrap());
        assert_eq!(row["scope"], "unspecified");
        assert_eq!(row["wildcard"], true);
        assert_eq!(row["allowed"], false);
        assert_eq!(row["error"]["kind"], "wildcard");
        assert_eq!(row["pid"], me, "{row}");
        assert!(row["pids"].as_array().unwrap().contains(&Value::from(me)));
        let name = row["process"].as_str().unwrap();
        assert!(!name.is_empty());

        // The allow list: our wildcard port, by port and protocol, is expected.
        let port = wildcard.local_addr().unwrap().port().to_string();
        let listed = self::run(&["audit", "--json", "--allow", &format!("{port}/tcp")]).json();
        let row = row_for(&listed, "tcp", wildcard.local_addr().unwrap());
        assert_eq!(row["allowed"], true, "{row}");
        assert_eq!(row["allowed_by"], format!("--allow {port}/tcp"));
        let udp_only = self::run(&["audit", "--json", "--udp"]).json();
        assert!(
            udp_only["sockets"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["proto"] == "udp"),
            "{udp_only}"
        );
        assert_eq!(self::run(&["audit", "--allow", "22/sctp"]).code, 2);

        let row = row_for(&json, "tcp", loopback.local_addr().unwrap());
        assert_eq!(row["scope"], "loopback");
        assert_eq!(row["allowed"], true);
        assert_eq!(row["error"], Value::Null);
        assert_eq!(row["pid"], me);

        let row = row_for(&json, "udp", udp.local_addr().unwrap());
        assert_eq!(row["allowed"], true);
        assert_eq!(row["pid"], me);

        if let Some(v6) = &v6 {
            let row = row_for(&json, "tcp", v6.local_addr().unwrap());
            assert_eq!(row["family"], "ipv6");
            assert_eq!(row["scope"], "loopback");
            assert_eq!(row["allowed"], true);
        }
        // Every refused row counts (Unix sockets and published ports too), and every
        // namespace that could not be read.
        let refused = ["sockets", "unix_sockets", "published"]
            .iter()
            .flat_map(|list| json[*list].as_array().unwrap())
            .filter(|row| row["allowed"] == false)
            .count();
        assert_eq!(
            json["refused"],
            refused + json["unreadable_namespaces"].as_u64().unwrap() as usize
        );

        // The text report names the refused listener and its process.
        let port = wildcard.local_addr().unwrap().port();
        let run = self::run(&["audit"]);
        assert_eq!(run.code, 1);
        let line = run
            .stdout
            .lines()
            .find(|line| line.contains(" tcp ") && line.contains(&format!("0.0.0.0:{port} ")))
            .unwrap_or_else(|| panic!("no table line for port {port}: {}", run.stdout));
        assert!(line.contains("REFUSED"), "{line}");
        assert!(line.contains(&format!("{me}/")), "{line}");
        assert!(run.stdout.contains("break the 'default' policy"));

        // Opting in to the wildcard accepts every TCP and UDP listener of this namespace
        // (Unix sockets are left out by --tcp/--udp); loopback-only refuses ours again.
        let all = self::run(&[
            "audit",
            "--this-namespace",
            "--tcp",
            "--policy",
            "default,allow_wildcard",
        ]);
        assert_eq!(all.code, 0, "{all:?}");
        let json = self::run(&["audit", "--json", "--allow-wildcard"]).json();
        assert_eq!(
            row_for(&json, "tcp", wildcard.local_addr().unwrap())["allowed"],
            true
        );
        let json = self::run(&["audit", "--json", "--policy", "loopback"]).json();
        assert_eq!(
            row_for(&json, "tcp", loopback.local_addr().unwrap())["allowed"],
            true
        );
        assert_eq!(
            row_for(&json, "tcp", wildcard.local_addr().unwrap())["allowed"],
            false
        );

        drop((wildcard, loopback, udp, v6));
    }
}

#[cfg(not(target_os = "linux"))]
#[test]
fn audit_is_linux_only() {
    let run = run(&["audit"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Linux"));
}

#[test]
fn explain_explains_what_other_programs_read_as_addresses() {
    for (input, address, says) in [
        (
            "localhost:8080",
            "127.0.0.1:8080",
            "both loopback addresses",
        ),
        (":8080", "0.0.0.0:8080", "an empty host"),
        ("*:8080", "0.0.0.0:8080", "a * host"),
        ("8080", "0.0.0.0:8080", "a port without a host"),
    ] {
        let run = run(&["explain", input]);
        assert_eq!(run.code, 0, "{input}: {run:?}");
        assert!(
            run.stdout.starts_with(&format!("{address}\n")),
            "{input}: {run:?}"
        );
        assert!(run.stdout.contains(says), "{input}: {run:?}");
        let json = self::run(&["explain", "--json", input]).json();
        assert_eq!(json["address"], address, "{input}");
        assert!(json["notes"][0].as_str().unwrap().contains(says), "{input}");
    }
}

// ---------------------------------------------------------------------------------
// In a network namespace of its own (root and iproute2; skipped otherwise, except
// under CI=true): what a hostile local user can do to the output, and host sysctls.
// ---------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
mod netns {
    use bind_guard_test_support::netns::{self, Namespace};
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    use super::{Run, bin, run_command};

    /// Tells this test binary, started again, to be a listener (see [`listener_process`]).
    const LISTENER_ENV: &str = "BIND_GUARD_CLI_TEST_LISTENER";

    /// A throwaway network namespace with loopback up; deleted on drop.
    /// A namespace (deleted on drop) with `lo` up.
    struct Netns(Namespace);

    impl Netns {
        fn new(_test: &str) -> Option<Netns> {
            let ns = Namespace::for_test("cli", "bind-guard-cli-test")?;
            netns::ip(&["-n", ns.name(), "link", "set", "lo", "up"]);
            Some(Netns(ns))
        }

        /// Runs the binary inside the namespace.
        fn run(&self, args: &[&str]) -> Run {
            let mut command = Command::new("ip");
            command
                .args(["netns", "exec", self.0.name()])
                .arg(bin())
                .args(args);
            run_command(command, args)
        }

        fn sysctl(&self, key: &str, value: &str) {
            netns::sysctl(self.0.name(), key, value);
        }
    }

    /// A child process; killed and reaped on drop.
    struct Reaped(Child);

    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Not a test: the listener [`a_hostile_process_name_cannot_rewrite_the_audit`]
    /// starts. It binds TCP `0.0.0.0:0` (in a namespace of its own), says `LISTENING`,
    /// and lives until killed (or 60 s).
    #[test]
    #[ignore = "a helper process of the namespace tests"]
    fn listener_process() {
        if std::env::var_os(LISTENER_ENV).is_none() {
            return;
        }
        let listener = std::net::TcpListener::bind("0.0.0.0:0").expect("bind");
        println!("LISTENING {}", listener.local_addr().expect("local_addr"));
        std::thread::sleep(Duration::from_secs(60));
    }

    /// A local user names a process (its `comm`, the file name it was started from) so
    /// that printing it erases the line above: the REFUSED row of its own socket. The
    /// audit prints the name escaped, and the row stays.
    #[test]
    fn a_hostile_process_name_cannot_rewrite_the_audit() {
        let Some(ns) = Netns::new("a_hostile_process_name_cannot_rewrite_the_audit") else {
            return;
        };
        // Cursor up, erase line, carriage return: 14 bytes, within comm's 15.
        let name = "\x1b[1A\x1b[2K\r\x1b[2K";
        let dir = std::env::temp_dir().join(format!("bind-guard-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(std::env::current_exe().unwrap(), &link).unwrap();
        let child = Command::new("ip")
            .args(["netns", "exec", ns.0.name()])
            .arg(&link)
            .args([
                "--exact",
                "netns::listener_process",
                "--ignored",
                "--nocapture",
                "-q",
            ])
            .env(LISTENER_ENV, "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = Reaped(child);
        let stdout = child.0.stdout.take().unwrap();
        let listening = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.starts_with("LISTENING "));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(listening.is_some(), "the listener did not start");
        let comm =
            std::fs::read_to_string(format!("/proc/{}/comm", child.0.id())).unwrap_or_default();
        assert_eq!(
            comm.trim_end_matches('\n'),
            name,
            "the process name holds the escapes"
        );

        let run = ns.run(&["audit", "--this-namespace"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            !run.stdout.contains('\x1b') && !run.stdout.contains('\r'),
            "{run:?}"
        );
        let shown = format!("{}/{}", child.0.id(), bind_guard::Escaped::new(name));
        let row = run
            .stdout
            .lines()
            .find(|line| line.contains("REFUSED"))
            .unwrap_or_else(|| panic!("no REFUSED row: {run:?}"));
        assert!(row.ends_with(&shown), "{row:?} should end with {shown:?}");
        drop(child);
    }

    /// `route_localnet` (all, or one interface) is read and warned about by `explain`
    /// (text and JSON) and `audit`.
    #[test]
    fn explain_and_audit_warn_when_route_localnet_is_on() {
        let Some(ns) = Netns::new("explain_and_audit_warn_when_route_localnet_is_on") else {
            return;
        };
        let json = ns.run(&["explain", "127.0.0.1:8080", "--json"]).json();
        assert_eq!(json["route_localnet"]["on"], false, "{json}");
        let text = ns.run(&["explain", "127.0.0.1:8080"]).stdout;
        assert!(!text.contains("route_localnet is on ("), "{text}");

        ns.sysctl("net.ipv4.conf.all.route_localnet", "1");
        let json = ns.run(&["explain", "127.0.0.1:8080", "--json"]).json();
        assert_eq!(json["route_localnet"]["on"], true, "{json}");
        assert_eq!(json["route_localnet"]["all"], true, "{json}");
        let text = ns.run(&["explain", "127.0.0.1:8080"]).stdout;
        assert!(text.contains("route_localnet is on ("), "{text}");
        let audit = ns.run(&["audit"]);
        assert!(
            audit.stdout.contains("warning: route_localnet is on ("),
            "{audit:?}"
        );

        ns.sysctl("net.ipv4.conf.all.route_localnet", "0");
        ns.sysctl("net.ipv4.conf.lo.route_localnet", "1");
        let json = ns.run(&["explain", "127.0.0.1:8080", "--json"]).json();
        assert_eq!(json["route_localnet"]["on"], true, "{json}");
        assert_eq!(json["route_localnet"]["all"], false, "{json}");
        assert_eq!(json["route_localnet"]["interfaces"][0], "lo", "{json}");
        // Only IPv4 loopback is concerned.
        let json = ns.run(&["explain", "[::1]:8080", "--json"]).json();
        assert!(
            !json["notes"].to_string().contains("route_localnet"),
            "{json}"
        );
    }
}
