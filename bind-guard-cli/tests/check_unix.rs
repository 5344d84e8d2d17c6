//! `bind-guard check` and `explain` on Unix sockets (`unix:/path`, `unix:@name`), run
//! as a real process: paths pass every policy, abstract names only with
//! `allow_abstract`, and `explain` says what is at the path now.

#![cfg(unix)]

use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bind-guard"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run bind-guard")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn check_reads_unix_sockets_in_lists() {
    let out = run(&[
        "check",
        "unix:/run/app/admin.sock,[::1]:9000",
        "--policy",
        "loopback",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "unix:/run/app/admin.sock,[::1]:9000\n");

    let out = run(&[
        "check",
        "unix:/run/app.sock",
        "--policy",
        "nothing",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["address"], "unix:/run/app.sock");
    assert_eq!(doc["unix_path"], "/run/app.sock");
    assert_eq!(doc["unix_abstract"], serde_json::Value::Null);
    assert_eq!(doc["ip"], serde_json::Value::Null);
}

#[test]
fn check_refuses_abstract_names_without_the_opt_in() {
    let out = run(&["check", "unix:@app-admin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("any local process in this network namespace may connect"),
        "{err}"
    );
    assert!(err.contains("allow_abstract"), "{err}");

    let out = run(&[
        "check",
        "unix:@app-admin",
        "--policy",
        "default,allow_abstract",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!(doc["unix_abstract"], "app-admin");
    assert_eq!(doc["allowed"], true);

    let out = run(&["check", "unix:@x", "--json"]);
    assert_eq!(json(&out)["error"]["kind"], "abstract_socket");
}

#[test]
fn malformed_unix_forms_are_unusable_input() {
    for bad in ["unix:relative.sock", "unix:/a/../b", "unix:/a/"] {
        let out = run(&["check", bad, "--json"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let doc = json(&out);
        assert_eq!(doc["valid"], false, "{bad}");
        assert_eq!(doc["error"]["kind"], "invalid_unix_path", "{bad}");
    }
    let long = format!("unix:/{}", "a".repeat(200));
    let out = run(&["check", &long, "--json"]);
    assert_eq!(json(&out)["error"]["kind"], "unix_path_too_long");
}

#[test]
fn explain_says_what_a_unix_socket_reaches_and_what_is_there() {
    let dir = std::env::temp_dir().join(format!("bg-cli-unix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("x.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let input = format!("unix:{}", path.display());
    let out = run(&["explain", &input, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = json(&out);
    assert_eq!(doc["kind"], "unix_path");
    assert_eq!(doc["file"]["kind"], "socket");
    assert_eq!(doc["policies"]["default"]["allowed"], true);
    assert!(doc["meaning"].as_str().unwrap().contains("no web page"));
    drop(listener);

    let out = run(&["explain", "unix:@name"]);
    assert_eq!(out.status.code(), Some(0));
    let said = text(&out.stdout);
    assert!(
        said.contains("any local process in this network namespace"),
        "{said}"
    );
    assert!(said.contains("policy default: refused"), "{said}");
    assert!(
        said.contains("policy default,allow_abstract: allowed"),
        "{said}"
    );

    let out = run(&["explain", "unix:nope"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
