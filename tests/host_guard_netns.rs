//! A guard for a wildcard listener learns the interface addresses that appear after
//! it was built (DHCP, a new interface), in a network
//! namespace: the guard is built for `0.0.0.0` and `[::]` listeners, an address is then
//! added to the namespace (`198.18.30.1`, `2001:2::30`: benchmarking and
//! documentation ranges, never routed), and a request naming it is accepted within
//! the re-read interval.
//!
//! The guard runs in this test binary again, started with `ip netns exec` (a process
//! cannot enter a namespace without unsafe code) and told its role through
//! `BIND_GUARD_HOST_GUARD_ROLE`; the test talks to it over stdin/stdout. The namespace
//! is deleted when the test ends, also when it fails.
//!
//! Needs root and `ip` (iproute2); without them the test says why and passes, except
//! under `CI=true`, where it fails.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bind_guard::host_guard::{DualStack, Field, HostGuard, Reason, RequestHead};
use bind_guard_test_support::child::KillOnDrop as Helper;
use bind_guard_test_support::netns::{Namespace, ip};

const ROLE_ENV: &str = "BIND_GUARD_HOST_GUARD_ROLE";
const HELPER_TEST: &str = "host_guard_netns_helper";
const HOSTS: [&str; 2] = ["198.18.30.1", "[2001:2::30]"];
/// Longer than the guard's re-read interval (one second), with room for a slow CI.
const LEARN_WITHIN: Duration = Duration::from_secs(5);

/// The guard inside the namespace; does nothing when run as a plain test. Reads a
/// command per line on stdin: `check` answers one line per host of [`HOSTS`]
/// (`ok` or the refusal's reason); `wait-for ok|refused` repeats the checks until
/// every host gets that verdict or [`LEARN_WITHIN`] passes, and answers the verdicts
/// and the milliseconds it took.
#[test]
#[ignore = "the guard of host_guard_netns, started inside a namespace"]
fn host_guard_netns_helper() {
    if std::env::var(ROLE_ENV).is_err() {
        return;
    }
    let listeners = [
        std::net::TcpListener::bind("0.0.0.0:0").unwrap(),
        std::net::TcpListener::bind("[::]:0").unwrap(),
    ];
    let guard = HostGuard::builder()
        .listeners(&listeners)
        .unwrap()
        .dual_stack(DualStack::No)
        .build()
        .unwrap();
    let verdicts = || -> Vec<String> {
        HOSTS
            .iter()
            .map(|host| {
                let req = RequestHead {
                    host: Field::One(host.as_bytes()),
                    ..RequestHead::default()
                };
                match guard.check(&req) {
                    Ok(()) => "ok".to_string(),
                    Err(refusal) => refusal.reason().name().to_string(),
                }
            })
            .collect()
    };
    let mut stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let answer = match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["check"] => verdicts().join(" "),
            ["wait-for", want] => {
                let start = Instant::now();
                let mut got = verdicts();
                while start.elapsed() < LEARN_WITHIN
                    && !got.iter().all(|v| (v == "ok") == (want == "ok"))
                {
                    std::thread::sleep(Duration::from_millis(50));
                    got = verdicts();
                }
                format!("{} after {} ms", got.join(" "), start.elapsed().as_millis())
            }
            _ => panic!("unknown command {line:?}"),
        };
        writeln!(stdout, "answer: {answer}").unwrap();
        stdout.flush().unwrap();
    }
}

/// Makes the namespace, or says why it cannot (then the test passes, except under
/// `CI=true`).
fn namespace() -> Option<Namespace> {
    Namespace::for_test("host_guard_netns", "bg-hg")
}

#[test]
fn netns_a_wildcard_guard_learns_addresses_added_after_start() {
    let Some(ns) = namespace() else {
        return;
    };
    ip(&["-n", &ns.0, "link", "set", "lo", "up"]);
    let mut helper = Helper(
        bind_guard_test_support::netns::helper(&ns.0, HELPER_TEST, ROLE_ENV, "guard")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Bounded: a helper that stops answering is killed, so the read below ends.
    let pid = helper.0.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = Command::new("kill").args(["-9", &pid]).status();
    });
    let mut stdin = helper.0.stdin.take().unwrap();
    let mut stdout = BufReader::new(helper.0.stdout.take().unwrap());
    let mut ask = |command: &str| -> String {
        writeln!(stdin, "{command}").unwrap();
        stdin.flush().unwrap();
        // Skip the test harness's own lines ("running 1 test", …).
        loop {
            let mut line = String::new();
            assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "the helper ended");
            let line = line.trim();
            // libtest prints `test NAME ... ` without a newline before the first answer.
            if let Some((_, answer)) = line.split_once("answer: ") {
                return answer.to_string();
            }
        }
    };
    let unreachable = Reason::IpNotReachable.name();

    // Not there yet: refused (and the refusal made the guard read the interfaces).
    assert_eq!(ask("check"), format!("{unreachable} {unreachable}"));

    // DHCP hands out an address: the guard learns it within the interval.
    ip(&["-n", &ns.0, "addr", "add", "198.18.30.1/32", "dev", "lo"]);
    ip(&[
        "-n",
        &ns.0,
        "addr",
        "add",
        "2001:2::30/128",
        "dev",
        "lo",
        "nodad",
    ]);
    let learned = ask("wait-for ok");
    assert!(learned.starts_with("ok ok after"), "{learned}");

    // An address that goes away is not forgotten at once: the guard re-reads the
    // interfaces when it refuses a request (at most once a second), never on the
    // accept path, so a request naming the old address keeps passing until then. The
    // host no longer answers on that address, and a rebinding page sends its own name
    // as Host, not this host's old address, so nothing opens by it.
}
