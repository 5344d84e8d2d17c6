//! `bind-guard check` on the interface forms (`iface:NAME[/FAMILY]:PORT`), run as a
//! real process against this host's interfaces. `check` reads what an application
//! reads (a `BindSet`), so an interface gives all its matching addresses.

use std::process::{Command, Output, Stdio};

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bind-guard"))
        .arg("check")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run bind-guard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[cfg(target_os = "linux")]
#[test]
fn an_interface_form_prints_its_one_address() {
    let out = check(&["iface:lo/ipv4:8080"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "127.0.0.1:8080\n");

    let out = check(&["iface:lo/ipv4:8080", "--policy", "loopback", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["address"], "127.0.0.1:8080");
    assert_eq!(json["scope"], "loopback");
    assert_eq!(json["allowed"], true);
}

#[cfg(target_os = "linux")]
#[test]
fn an_interface_with_several_addresses_gives_them_all_as_a_list() {
    // lo has 127.0.0.1 and, where IPv6 is on, ::1 (listed in /proc/net/if_inet6).
    let lo_has_v6 = std::fs::read_to_string("/proc/net/if_inet6")
        .is_ok_and(|table| table.lines().any(|line| line.ends_with(" lo")));
    let out = check(&["iface:lo:8080"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let expected = if lo_has_v6 {
        "127.0.0.1:8080,[::1]:8080\n"
    } else {
        "127.0.0.1:8080\n"
    };
    assert_eq!(text(&out.stdout), expected);
}

#[test]
fn an_unknown_interface_exits_2_and_lists_the_interfaces() {
    let out = check(&["iface:nosuchif0:8080"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("does not have"), "{err}");
    if cfg!(target_os = "linux") {
        assert!(err.contains("lo (127.0.0.1"), "{err}");
    }
    let out = check(&["iface:lo/ipv7:8080"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a valid interface form"));
}
