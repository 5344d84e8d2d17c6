//! `explain` on a host that has a documentation address on an interface: it reads the
//! host's interfaces before it says who could have the address, in a network namespace
//! where `e0` holds `192.0.2.2` (as a lab or a copied config would set it).
//!
//! Needs root and `ip` (iproute2); without them the test says why and passes, except
//! under `CI=true`, where it fails.

use bind_guard_test_support::netns::{Namespace, ip};
use std::process::Command;

fn explain(ns: &str, addr: &str) -> serde_json::Value {
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            env!("CARGO_BIN_EXE_bind-guard"),
            "explain",
            "--json",
        ])
        .arg(addr)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn explain_reads_the_host_interfaces_before_calling_an_address_a_copied_example() {
    let Some(ns) = Namespace::for_test("explain_netns", "bgx-explain") else {
        return;
    };
    ip(&[
        "-n", &ns.0, "link", "add", "e0", "type", "veth", "peer", "name", "e1",
    ]);
    ip(&["-n", &ns.0, "addr", "add", "192.0.2.2/24", "dev", "e0"]);

    let held = explain(&ns.0, "192.0.2.2");
    let meaning = held["meaning"].as_str().unwrap();
    assert!(!meaning.contains("probably a copied example"), "{meaning}");
    assert!(meaning.contains("this host has it (on e0)"), "{meaning}");
    assert!(
        held["notes"]
            .to_string()
            .contains("this host has 192.0.2.2 on e0"),
        "{held}"
    );
    // Another address of the same range, which this host does not have.
    let other = explain(&ns.0, "192.0.2.3");
    let meaning = other["meaning"].as_str().unwrap();
    assert!(meaning.contains("this host does not have it"), "{meaning}");
    assert!(meaning.contains("copied example"), "{meaning}");

    // The text form says where it is.
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            env!("CARGO_BIN_EXE_bind-guard"),
            "explain",
            "192.0.2.2",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("here:      yes, on e0"), "{text}");
}
