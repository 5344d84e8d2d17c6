//! What the input denotes: an address, with or without a port, or text other programs
//! read as one.

use std::net::{IpAddr, SocketAddr};

use bind_guard::{BindError, ErrorKind, Policy};

/// What the input denotes: an address, with or without a port.
#[derive(Debug, Clone, Copy)]
pub(super) struct Subject {
    /// The address; port 0 when none was given.
    pub(super) addr: SocketAddr,
    pub(super) port: Option<u16>,
    /// For text that is not an address but that programs read as one (`localhost:8080`,
    /// `:8080`, `*:8080`, `8080`): how they read it.
    pub(super) reading: Option<&'static str>,
}

impl Subject {
    /// Parses with the library's parser and a policy that allows every address, so
    /// "is an address" means exactly what `check` and the library accept.
    ///
    /// A bare IP is not a socket address to the library; the library's own diagnosis
    /// says so (`MissingPort` for `127.0.0.1` and `[::1]`, `MissingBrackets` for `::1`),
    /// and then the same parser reads it again with a port added. Any other error, or a
    /// second failure, is the original error: that is the explanation the user needs.
    pub(super) fn parse(text: &str) -> Result<Subject, BindError> {
        let everything = Policy::every_scope();
        let err = match everything.parse(text) {
            Ok(addr) => {
                return Ok(Subject {
                    addr: *addr.as_socket_addr(),
                    port: Some(addr.port()),
                    reading: None,
                });
            }
            Err(err) => err,
        };
        if let Some(subject) = Subject::as_others_read_it(text, err.kind()) {
            return Ok(subject);
        }
        let with_port = match err.kind() {
            ErrorKind::MissingPort => format!("{text}:0"),
            ErrorKind::MissingBrackets => format!("[{text}]:0"),
            _ => return Err(err),
        };
        match everything.parse(&with_port) {
            Ok(addr) => Ok(Subject {
                addr: *addr.as_socket_addr(),
                port: None,
                reading: None,
            }),
            Err(_) => Err(err),
        }
    }

    /// `localhost:PORT`, `:PORT`, `*:PORT` and `PORT`: not addresses to the parser, but
    /// each has a reading that a server gives it, which is what an operator needs to
    /// know. The port is read by the library's parser, with the host the reading names.
    fn as_others_read_it(text: &str, kind: ErrorKind) -> Option<Subject> {
        let (host, port, reading) = match kind {
            ErrorKind::Localhost => (
                "127.0.0.1",
                text.rsplit_once(':')?.1,
                "localhost: bind-guard (BindSet, Listen, check) reads localhost:PORT as both \
                 loopback addresses, 127.0.0.1 and [::1], without asking DNS; other programs \
                 ask the resolver, which may return either or both. Only this machine can connect",
            ),
            ErrorKind::EmptyHost => (
                "0.0.0.0",
                text.strip_prefix(':')?,
                "an empty host (:PORT): Go, Python and many servers read it as every interface, \
                 the wildcard, as explained here; bind-guard refuses it: write 127.0.0.1:PORT, \
                 or 0.0.0.0:PORT with the wildcard opted in",
            ),
            ErrorKind::StarHost => (
                "0.0.0.0",
                text.strip_prefix("*:")?,
                "a * host (*:PORT): many servers read it as every interface, the wildcard, as \
                 explained here; bind-guard refuses it: write 127.0.0.1:PORT, or 0.0.0.0:PORT \
                 with the wildcard opted in",
            ),
            ErrorKind::PortWithoutHost => (
                "0.0.0.0",
                text,
                "a port without a host: Node's listen(PORT), Docker's -p PORT and many servers \
                 listen on every interface for it, the wildcard, as explained here; bind-guard \
                 refuses it: write 127.0.0.1:PORT for this machine only",
            ),
            _ => return None,
        };
        let addr = Policy::every_scope()
            .parse(&format!("{host}:{port}"))
            .ok()?;
        Some(Subject {
            addr: *addr.as_socket_addr(),
            port: Some(addr.port()),
            reading: Some(reading),
        })
    }

    pub(super) fn ip(&self) -> IpAddr {
        self.addr.ip()
    }

    /// `IP:PORT` / `[IPV6]:PORT`, or the bare IP (with its zone) when no port was given.
    pub(super) fn display(&self) -> String {
        match (self.port, self.addr) {
            (Some(_), addr) => addr.to_string(),
            (None, SocketAddr::V6(v6)) if v6.scope_id() != 0 => {
                format!("{}%{}", v6.ip(), v6.scope_id())
            }
            (None, addr) => addr.ip().to_string(),
        }
    }
}
