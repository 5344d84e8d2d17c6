//! The main demo: a std-only HTTP responder whose listen address is a checked `BindAddr`.
//!
//! ```text
//! cargo run --example serve                    # 127.0.0.1:8080, until Ctrl-C
//! cargo run --example serve -- 0.0.0.0:8080    # refused: the wildcard needs an opt-in
//! cargo run --example serve -- '[::1]:0' --once  # answer one request, then exit
//! BIND_ADDR=127.0.0.1:3000 cargo run --example serve
//! ```
//!
//! It first shows how bind-guard judges a few addresses people put in configs, then
//! binds (the embedded default is `127.0.0.1:8080`), prints where it listens, and
//! answers every request with a short page until you press Ctrl-C. With `--once` it
//! answers a single request and exits; `--self-test` also sends that request itself, so
//! the demo runs start to finish with no second terminal.
//!
//! Connections are served concurrently, with timeouts and a bounded request head
//! (`examples/support.rs`): a client that closes early, resets, stalls or floods gets a
//! one-line log entry, and the demo goes on serving everyone else.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;

use bind_guard::{BindAddr, bind_addr};
use bind_guard_examples::support;

/// The embedded default: this machine only.
const DEFAULT: BindAddr = bind_addr!("127.0.0.1:8080");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let once = args.iter().any(|a| a == "--once" || a == "--self-test");
    let self_test = args.iter().any(|a| a == "--self-test");
    let given = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .or_else(|| std::env::var("BIND_ADDR").ok());

    show_decisions();

    let addr: BindAddr = match given.as_deref().map(str::parse).transpose() {
        Ok(addr) => addr.unwrap_or(DEFAULT),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let (addr, listener) = match addr.bind_tcp() {
        Ok(listener) => (addr, listener),
        // The embedded default may be taken on this machine; a demo should still run.
        Err(err) if given.is_none() && err.kind() == std::io::ErrorKind::AddrInUse => {
            println!("{addr} is in use; taking a free port on 127.0.0.1 instead");
            match BindAddr::loopback(0).bind_tcp() {
                Ok(listener) => (BindAddr::loopback(0), listener),
                Err(err) => {
                    eprintln!("error: cannot listen on 127.0.0.1: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
        Err(err) => {
            eprintln!("error: cannot listen on {addr}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on http://{local}/ (scope: {})", addr.scope());
    if once {
        println!("answering one request, then exiting");
    } else {
        println!("press Ctrl-C to stop");
    }
    if self_test {
        let client = std::thread::spawn(move || fetch(local));
        if let Err(err) = serve(&listener, addr, true) {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
        match client.join() {
            Ok(Ok(body)) => println!("self-test fetched: {}", body.trim()),
            Ok(Err(err)) => {
                eprintln!("error: self-test request failed: {err}");
                return ExitCode::FAILURE;
            }
            Err(_) => return ExitCode::FAILURE,
        }
        return ExitCode::SUCCESS;
    }
    match serve(&listener, addr, once) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// What bind-guard says about addresses that show up in real configs.
fn show_decisions() {
    println!("how bind-guard judges a few bind addresses (default policy):");
    for input in [
        "127.0.0.1:8080",
        "[::1]:8080",
        "0.0.0.0:8080",
        "[::]:8080",
        ":8080",
        "127.1:8080",
        "localhost:8080",
        "192.168.1.20:8080",
    ] {
        match input.parse::<BindAddr>() {
            Ok(addr) => println!("  ok      {input:<18} scope {}", addr.scope()),
            Err(err) => println!("  refused {input:<18} {}", err.kind().problem()),
        }
    }
    println!();
}

/// Answers requests until the listener fails (or after one with `once`). One client's
/// fault is logged and never ends the loop; see `support` for the limits.
fn serve(listener: &TcpListener, addr: BindAddr, once: bool) -> std::io::Result<()> {
    let scope = addr.scope();
    let respond = move |request: &support::Request<'_>| {
        support::Response::ok(format!(
            "hello from bind-guard: listening on {} ({scope} scope), you are {}\n",
            request.local, request.peer
        ))
    };
    if once {
        support::serve_once(listener, support::Limits::DEFAULT, respond)
    } else {
        support::serve(listener, support::Limits::DEFAULT, respond)
    }
}

/// A minimal HTTP GET, for `--self-test`.
fn fetch(addr: std::net::SocketAddr) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(b"GET / HTTP/1.1\r\nhost: demo\r\nconnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or(response))
}
