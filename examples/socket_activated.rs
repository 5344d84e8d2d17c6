//! An HTTP responder on sockets inherited from systemd (socket activation), checked
//! against a policy before a single byte is served.
//!
//! ```text
//! systemd-socket-activate -l 127.0.0.1:8080 target/debug/examples/socket_activated
//! systemd-socket-activate -l 8080 target/debug/examples/socket_activated   # exits 1: [::]:8080, dual-stack
//! socket_activated --policy loopback --self-test    # (under a manager) fetch one page from itself, exit 0
//! ```
//!
//! With a `.socket` unit the address lives in `ListenStream=`, and `ListenStream=8080`
//! (a bare port) means `[::]:8080` for IPv6 *and* IPv4. This program takes the
//! inherited sockets with `bind_guard::inherited::Activation` and checks each against
//! the policy (`--policy`, in bind-guard's policy text form; default: everything but
//! the wildcard); a refused socket ends it with exit code 1 and the reason, before it
//! serves anything. No inherited socket: exit code 2.
//!
//! Serving is the examples' shared responder (`bind_guard_examples::support`):
//! concurrent, with a deadline for the request head, a bounded head and write
//! timeouts; a client that sends nothing, garbage or too much only loses its own
//! connection.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    eprintln!("error: socket activation (LISTEN_FDS) is a Linux/systemd protocol");
    std::process::ExitCode::from(2)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{self, Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::process::ExitCode;
    use std::thread;
    use std::time::Duration;

    use bind_guard::Policy;
    use bind_guard::inherited::Activation;
    use bind_guard_examples::support;

    /// How long the self-test client waits.
    const IO_TIMEOUT: Duration = Duration::from_secs(5);

    pub(crate) fn main() -> ExitCode {
        // First, before any thread: taking the sockets clears LISTEN_PID/LISTEN_FDS.
        let activation = Activation::from_env();
        let args: Vec<String> = std::env::args().skip(1).collect();
        let self_test = args.iter().any(|a| a == "--self-test");
        let policy = match policy_arg(&args) {
            Ok(policy) => policy,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
        let mut activation = match activation {
            Ok(activation) => activation,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        };
        if activation.is_empty() {
            eprintln!(
                "error: no inherited socket (LISTEN_FDS for this process); start this from a \
                 .socket unit, or with: systemd-socket-activate -l 127.0.0.1:8080 {}",
                std::env::args().next().unwrap_or_default()
            );
            return ExitCode::from(2);
        }
        let listeners = match activation.tcp_listeners(&policy) {
            Ok(listeners) => listeners,
            Err(err) => {
                // Every inherited socket is closed by now: nothing was served.
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        };
        let mut locals = Vec::new();
        for (index, listener) in listeners.iter().enumerate() {
            match listener.local_addr() {
                Ok(local) => {
                    let name = activation.name(index).unwrap_or("unnamed");
                    println!(
                        "listening on http://{local}/ (inherited fd {}, {name})",
                        3 + index
                    );
                    locals.push(local);
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let _ = io::stdout().flush();
        let mut servers = Vec::new();
        for listener in listeners {
            servers.push(thread::spawn(move || {
                let respond = |request: &support::Request<'_>| {
                    support::Response::ok(format!(
                        "hello from bind-guard: listening on {}, a socket inherited and \
                         checked, you are {}\n",
                        request.local, request.peer
                    ))
                };
                // Only an error of the listener itself ends this.
                if let Err(err) = support::serve(&listener, support::Limits::DEFAULT, respond) {
                    eprintln!("error: the inherited listener failed: {err}");
                }
            }));
        }
        if self_test {
            return match locals.first().map(|local| self_test_run(*local)) {
                Some(Ok(body)) => {
                    println!("self-test fetched: {}", body.trim());
                    ExitCode::SUCCESS
                }
                Some(Err(err)) => {
                    eprintln!("error: self-test request failed: {err}");
                    ExitCode::FAILURE
                }
                None => ExitCode::FAILURE,
            };
        }
        for server in servers {
            let _ = server.join();
        }
        ExitCode::SUCCESS
    }

    /// `--policy TEXT` (bind-guard's policy text form), or the default policy.
    fn policy_arg(args: &[String]) -> Result<Policy, String> {
        match args.iter().position(|a| a == "--policy") {
            None => Ok(Policy::default()),
            Some(at) => {
                let text = args.get(at + 1).ok_or("--policy needs a value")?;
                text.parse().map_err(|err| format!("--policy: {err}"))
            }
        }
    }

    /// Misbehaves first (a client that sends nothing and one that sends garbage, both
    /// left open), then fetches a page: it must come while the others still hang.
    fn self_test_run(addr: SocketAddr) -> io::Result<String> {
        let silent = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
        let mut garbage = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
        garbage.write_all(b"\x16\x03\x01 not http at all\r\n")?;
        let mut stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.write_all(b"GET / HTTP/1.1\r\nhost: self-test\r\nconnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        drop((silent, garbage));
        match response.split_once("\r\n\r\n") {
            Some((head, body)) if head.starts_with("HTTP/1.1 200") => Ok(body.to_owned()),
            _ => Err(io::Error::other(format!("unexpected answer: {response:?}"))),
        }
    }
}
