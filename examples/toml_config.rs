//! A service that reads its listen addresses from a TOML config through serde.
//!
//! ```text
//! cargo run --example toml_config --features toml                     # the embedded config below
//! cargo run --example toml_config --features toml -- my-config.toml   # a config file
//! cargo run --example toml_config --features toml -- --check my.toml  # only check the config
//! ```
//!
//! Both sections are checked with the same rules as everywhere else in bind-guard:
//!
//! - `admin.listen` is a `LoopbackAddr` field: serde refuses anything but loopback while
//!   reading, and the error names the field, the value and the fix;
//! - `[server]` is a `ListenSection`, text that `Listen::config_section` judges:
//!   `policy` is a `Policy` in its text form (`"default"`, `"default,allow_wildcard"` in
//!   a container, `"local,deny=10.99.0.0/16"`, …) and `listen` a list checked by *that*
//!   policy into a `BindSet` (`localhost:PORT` means both loopback addresses), bound all
//!   or none; an error names the file, the line and the key.
//!
//! It then prints `listening on http://ADDR/` for every socket and answers every
//! request with a short text until it is stopped.

use std::net::TcpListener;
use std::process::ExitCode;

use bind_guard::listen::{ConfigFile, Listen};
use bind_guard::serde::ListenSection;
use bind_guard::{BindSet, LoopbackAddr, Policy};
use bind_guard_examples::support;
use serde::Deserialize;

/// The config used when no file is given.
const EMBEDDED: &str = r#"
[server]
# Each entry is checked by `policy`; localhost:PORT means 127.0.0.1 and [::1].
listen = ["localhost:8080"]
# Inside a container, where the published port is the boundary:
#   policy = "default,allow_wildcard"  and  listen = ["0.0.0.0:8080"]
policy = "default"

[admin]
# A LoopbackAddr: nothing but 127.0.0.0/8 or [::1] is accepted here.
listen = "127.0.0.1:9090"
"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// `listen` checked with the `policy` beside it by `Listen`.
    server: ListenSection,
    admin: Admin,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Admin {
    listen: LoopbackAddr,
}

/// The checked result of a config.
struct Plan {
    server: BindSet,
    admin: LoopbackAddr,
    policy: Policy,
}

fn load(name: &str, text: &str) -> Result<Plan, String> {
    // toml's error names the field and shows the line; the message is bind-guard's.
    let file = ConfigFile::from_text(name, text);
    let config: Config = file.parse(toml::from_str).map_err(|e| e.to_string())?;
    if config.server.listen().is_none() {
        return Err(format!(
            "{name}: server.listen is missing; add listen = [\"127.0.0.1:8080\"] under [server]"
        ));
    }
    // The section decides (nothing else is read), so the default is never used.
    let server = Listen::new(BindSet::localhost(8080))
        .config_section(&file, "server", Some(&config.server))
        .load_from(|_| None)
        .map_err(|e| e.to_string())?;
    let policy = config.server.policy().unwrap_or("default");
    Ok(Plan {
        server,
        admin: config.admin.listen,
        policy: policy
            .parse()
            .map_err(|e: bind_guard::ParsePolicyError| e.to_string())?,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check_only = args.iter().any(|a| a == "--check");
    let path = args.iter().find(|a| !a.starts_with("--"));
    let (name, text) = match path {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (path.clone(), text),
            Err(err) => {
                eprintln!("error: cannot read {path}: {err}");
                return ExitCode::from(2);
            }
        },
        None => ("the embedded config".to_owned(), EMBEDDED.to_owned()),
    };
    let plan = match load(&name, &text) {
        Ok(plan) => plan,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    println!(
        "config {name}: policy \"{}\", server on {}, admin on {}",
        plan.policy, plan.server, plan.admin
    );
    if check_only {
        return ExitCode::SUCCESS;
    }
    match serve(&plan) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn serve(plan: &Plan) -> std::io::Result<()> {
    // All or none: if one address cannot be bound, none stays open.
    let listeners = plan.server.bind_tcp()?;
    let admin = plan.admin.bind_tcp()?;
    let mut threads = Vec::new();
    for listener in listeners {
        println!("listening on http://{}/", listener.local_addr()?);
        threads.push(std::thread::spawn(move || {
            answer(&listener, "hello from toml_config")
        }));
    }
    println!("admin on http://{}/", admin.local_addr()?);
    threads.push(std::thread::spawn(move || answer(&admin, "admin: ok")));
    for thread in threads {
        if let Ok(Err(err)) = thread.join() {
            return Err(err);
        }
    }
    Ok(())
}

/// Answers every request on `listener` with `text` and the address it came in on,
/// until the listener fails; one client's fault never ends it (see `support`).
fn answer(listener: &TcpListener, text: &'static str) -> std::io::Result<()> {
    support::serve(listener, support::Limits::DEFAULT, move |request| {
        support::Response::ok(format!("{text} (on {})\n", request.local))
    })
}
