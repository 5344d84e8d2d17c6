//! A library whose admin endpoint only accepts `LoopbackAddr`: the rule lives in the
//! signature, so no caller, however configured, can put the endpoint on a network.
//!
//! ```text
//! cargo run --example admin_library
//! ```
//!
//! The `admin` module below stands for a library crate. Its caller (`main`) shows the
//! three ways to get a `LoopbackAddr`, and what happens to addresses that are not
//! loopback: at compile time for literals, at run time for configuration.
//!
//! # What a caller gets for a public address
//!
//! These calls do not compile. The messages are copied from rustc 1.95.0 (the pinned
//! toolchain), compiling a copy of this file's `admin::start` in a scratch crate
//! (hence `src/main.rs`); `tests/ui` holds compile-fail tests for the same rules.
//!
//! A literal that is not loopback, checked by `bind_addr!` against the parameter's type:
//!
//! ```text
//! error[E0080]: evaluation panicked: this address is not a loopback address, and only 127.0.0.0/8 and ::1 (this machine) are accepted here; use 127.0.0.1:PORT or [::1]:PORT
//!   --> src/main.rs:10:18
//!    |
//! 10 |     admin::start(bind_addr!("192.168.1.10:9000"))?;
//!    |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ evaluation of `main::{constant#0}` failed here
//! ```
//!
//! The wildcard fails the same way (`error[E0080]: evaluation panicked: this address is
//! the wildcard address: a socket bound to it listens on every interface …`).
//!
//! A `BindAddr` that was checked against a wider rule (here, parsed from a config):
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> src/main.rs:11:18
//!    |
//! 11 |     admin::start(public)?;
//!    |     ------------ ^^^^^^ expected `BindAddr<Loopback>`, found `BindAddr`
//!    |     |
//!    |     arguments to this function are incorrect
//!    |
//!    = note: expected struct `BindAddr<bind_guard::marker::Loopback>`
//!               found struct `BindAddr<Checked>`
//! ```
//!
//! The fix for the second is a checked conversion, `LoopbackAddr::try_from(public)`,
//! which `main` shows refusing at run time.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use bind_guard::{BindAddr, LoopbackAddr, bind_addr};

/// Stands for a library crate that serves an admin endpoint (metrics, debug hooks,
/// shutdown): it must never be reachable from another machine.
// Its items are `pub` as they would be in the library it stands for.
#[allow(unreachable_pub)]
mod admin {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use bind_guard::LoopbackAddr;

    /// The admin endpoint, listening.
    pub struct Admin {
        listener: TcpListener,
    }

    /// Starts the admin endpoint on `addr`. The type is the whole security review:
    /// a `LoopbackAddr` holds `127.0.0.0/8` or `::1`, nothing else.
    pub fn start(addr: LoopbackAddr) -> std::io::Result<Admin> {
        Ok(Admin {
            listener: addr.bind_tcp()?,
        })
    }

    impl Admin {
        /// Where it listens (with the port the system picked for port 0).
        pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
            self.listener.local_addr()
        }

        /// Answers one request with a status line.
        pub fn answer_one(&self) -> std::io::Result<()> {
            let (mut stream, _) = self.listener.accept()?;
            let mut reader = BufReader::new(stream.try_clone()?);
            let mut line = String::new();
            while reader.read_line(&mut line)? > 2 {
                line.clear();
            }
            let body = "admin: ok\n";
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A literal, checked while compiling against the parameter's type.
    let admin = admin::start(bind_addr!("127.0.0.1:0"))?;
    let local = admin.local_addr()?;
    println!("admin endpoint listening on http://{local}/");

    // 2. Configuration text, checked at run time by the same rule.
    for text in ["[::1]:9000", "192.168.1.10:9000", "0.0.0.0:9000"] {
        match text.parse::<LoopbackAddr>() {
            Ok(addr) => println!("config {text:<18} accepted as {addr:?}"),
            Err(err) => println!("config {text:<18} refused: {}", err.kind().problem()),
        }
    }

    // 3. An address checked against a wider rule elsewhere: narrowing checks again.
    let public: BindAddr = "203.0.113.7:9000".parse()?;
    match LoopbackAddr::try_from(public) {
        Ok(addr) => println!("narrowed {public} to {addr:?}"),
        Err(err) => println!("narrowing {public} refused: {}", err.kind().problem()),
    }

    // Talk to the endpoint once, so the example shows it working end to end.
    let server = std::thread::spawn(move || admin.answer_one());
    let mut stream = TcpStream::connect_timeout(&local, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"GET / HTTP/1.1\r\nhost: admin\r\nconnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    server.join().map_err(|_| "the admin thread panicked")??;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    println!("fetched: {}", body.trim());
    Ok(())
}
