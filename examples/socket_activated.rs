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
//! Serving is concurrent (a thread per connection, at most [`MAX_CONNECTIONS`]) with
//! read and write timeouts and a bounded request head; a client that sends nothing,
//! garbage or too much only loses its own connection.

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
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::process::ExitCode;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    use bind_guard::Policy;
    use bind_guard::inherited::Activation;

    /// Connections served at once; more wait in the kernel's backlog.
    pub(crate) const MAX_CONNECTIONS: usize = 64;
    /// How long a client may take to send its request or read the answer.
    const IO_TIMEOUT: Duration = Duration::from_secs(5);
    /// The longest request head read; the rest is not read.
    const MAX_HEAD: u64 = 8 * 1024;

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
        let active = Arc::new(AtomicUsize::new(0));
        let mut servers = Vec::new();
        for listener in listeners {
            let active = Arc::clone(&active);
            servers.push(thread::spawn(move || accept_loop(&listener, &active)));
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

    /// Accepts forever. A failed accept (a client that reset, too many open files) is
    /// reported and the loop goes on; so is every error of a connection.
    fn accept_loop(listener: &TcpListener, active: &Arc<AtomicUsize>) {
        loop {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(err) => {
                    eprintln!("accept failed: {err}");
                    // Out of descriptors: let connections finish before trying again.
                    thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            if active.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::AcqRel);
                drop(stream); // over the limit: closed at once
                continue;
            }
            let active = Arc::clone(active);
            thread::spawn(move || {
                if let Err(err) = answer(stream) {
                    eprintln!("connection failed: {err}");
                }
                active.fetch_sub(1, Ordering::AcqRel);
            });
        }
    }

    /// Reads a request head (bounded, with a timeout) and answers with a short page.
    fn answer(stream: TcpStream) -> io::Result<()> {
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        let local = stream.local_addr()?;
        let peer = stream.peer_addr()?;
        let mut reader = BufReader::new((&stream).take(MAX_HEAD));
        let mut line = Vec::new();
        let mut first = true;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the client closed or sent more than 8 KiB before the end of its request",
                ));
            }
            if first && !line.starts_with(b"GET ") && !line.starts_with(b"HEAD ") {
                let mut stream = &stream;
                stream.write_all(
                    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )?;
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "not a GET request",
                ));
            }
            first = false;
            if line == b"\r\n" || line == b"\n" {
                break;
            }
        }
        let body = format!(
            "hello from bind-guard: listening on {local}, a socket inherited and checked, \
             you are {peer}\n"
        );
        let mut stream = &stream;
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
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
