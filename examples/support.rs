//! The std-only HTTP/1.1 responder shared by the examples that serve without an async
//! runtime (`serve`, `toml_config`, and any new one: `use bind_guard_examples::support;`
//! and call [`serve`]).
//!
//! What one client does never stops the service, and never holds the others up:
//!
//! - each connection is handled on its own thread, at most [`Limits::connections`] at a
//!   time; the next connection waits in the kernel's accept queue until one ends;
//! - the request head must arrive whole within [`Limits::head_timeout`] (a deadline for
//!   the head, not per read, so a client trickling one byte at a time gets no longer)
//!   and fit in [`Limits::max_head`] bytes, else `431 Request Header Fields Too Large`;
//! - writing the answer has [`Limits::write_timeout`];
//! - a connection's error (reset, broken pipe, timeout, a half request) is logged on one
//!   stderr line, with anything the client sent escaped and cut, and the loop goes on.
//!   Only an error of the listener itself ends [`serve`].
//!
//! A connection closed before sending a single byte is not logged: browsers open such
//! speculative connections all the time.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bind_guard::Escaped;

/// What a client may take from the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections handled at once; more wait to be accepted.
    pub connections: usize,
    /// Time from accepting a connection until its request head is complete.
    pub head_timeout: Duration,
    /// Time a write of the answer may block.
    pub write_timeout: Duration,
    /// The largest request head read, in bytes.
    pub max_head: usize,
}

impl Limits {
    /// Sized for a demo on a laptop: a browser opens about six connections per host.
    pub const DEFAULT: Limits = Limits {
        connections: 64,
        head_timeout: Duration::from_secs(10),
        write_timeout: Duration::from_secs(10),
        max_head: 16 * 1024,
    };
}

/// A request whose head was read completely.
#[derive(Debug)]
pub struct Request<'a> {
    /// The address the connection came in on.
    pub local: SocketAddr,
    /// The client's address.
    pub peer: SocketAddr,
    /// The request head, up to and without the blank line; not checked to be UTF-8.
    pub head: &'a [u8],
}

/// The answer to a request: always `connection: close`, `content-type: text/plain`.
#[derive(Debug)]
pub struct Response {
    /// Status code and reason, such as `"200 OK"`.
    pub status: &'static str,
    /// The body.
    pub body: String,
}

impl Response {
    /// A `200 OK` with `body`.
    pub fn ok(body: String) -> Response {
        Response {
            status: "200 OK",
            body,
        }
    }
}

/// Answers every connection on `listener` with `respond`, concurrently, until the
/// listener fails. Returns only that error.
pub fn serve<F>(listener: &TcpListener, limits: Limits, respond: F) -> io::Result<()>
where
    F: Fn(&Request<'_>) -> Response + Send + Sync + 'static,
{
    let respond = Arc::new(respond);
    let slots = Arc::new(Slots::new(limits.connections));
    loop {
        // Waiting for a free slot before accepting keeps the number of open
        // connections bounded; the kernel queues the rest.
        let slot = slots.take();
        let Some((stream, peer)) = accept(listener)? else {
            continue;
        };
        let respond = Arc::clone(&respond);
        let spawned = std::thread::Builder::new()
            .name(format!("conn {peer}"))
            .spawn(move || {
                // Dropped when the thread ends, also by a panic in `respond`.
                let _slot = slot;
                answer(stream, peer, limits, &*respond);
            });
        if let Err(err) = spawned {
            // Out of threads for now: this connection is dropped, the next may fare better.
            eprintln!("{peer}: cannot start a thread for the connection: {err}");
        }
    }
}

/// Answers connections on `listener` one at a time until one request was answered,
/// then returns (for `--once` and self-tests).
pub fn serve_once<F>(listener: &TcpListener, limits: Limits, respond: F) -> io::Result<()>
where
    F: Fn(&Request<'_>) -> Response,
{
    loop {
        if let Some((stream, peer)) = accept(listener)?
            && answer(stream, peer, limits, &respond)
        {
            return Ok(());
        }
    }
}

/// The next connection; `None` when the one accepted failed on its own (the client
/// reset it while it waited in the queue). Other errors are the listener's.
fn accept(listener: &TcpListener) -> io::Result<Option<(TcpStream, SocketAddr)>> {
    match listener.accept() {
        Ok(accepted) => Ok(Some(accepted)),
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::Interrupted
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// Reads one request head, writes the answer, logs what went wrong; true if answered.
fn answer<F>(stream: TcpStream, peer: SocketAddr, limits: Limits, respond: &F) -> bool
where
    F: Fn(&Request<'_>) -> Response + ?Sized,
{
    match exchange(stream, peer, limits, respond) {
        Ok(()) => true,
        Err(Fault::Silent) => false,
        Err(fault) => {
            eprintln!("{peer}: {fault}");
            false
        }
    }
}

fn exchange<F>(
    mut stream: TcpStream,
    peer: SocketAddr,
    limits: Limits,
    respond: &F,
) -> Result<(), Fault>
where
    F: Fn(&Request<'_>) -> Response + ?Sized,
{
    stream.set_write_timeout(Some(limits.write_timeout))?;
    let head = match read_head(&mut stream, limits) {
        Ok(head) => head,
        Err(Fault::TooLarge) => {
            // Best effort: the client may not read it, or may have gone.
            let _ = stream.write_all(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
            return Err(Fault::TooLarge);
        }
        Err(fault) => return Err(fault),
    };
    let request = Request {
        local: stream.local_addr()?,
        peer,
        head: &head,
    };
    let response = respond(&request);
    let mut bytes = format!(
        "HTTP/1.1 {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        response.status,
        response.body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(response.body.as_bytes());
    stream.write_all(&bytes)?;
    Ok(())
}

/// Reads up to the blank line that ends the head, within the deadline and size limit.
fn read_head(stream: &mut TcpStream, limits: Limits) -> Result<Vec<u8>, Fault> {
    let deadline = Instant::now() + limits.head_timeout;
    let mut head = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Fault::HeadTimeout(Excerpt::of(&head)));
        }
        stream.set_read_timeout(Some(left))?;
        let read = match stream.read(&mut buf) {
            Ok(read) => read,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Fault::HeadTimeout(Excerpt::of(&head)));
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        };
        if read == 0 {
            return Err(if head.is_empty() {
                Fault::Silent
            } else {
                Fault::ClosedInHead(Excerpt::of(&head))
            });
        }
        // Only the new bytes and the three before them can complete the terminator, so
        // the scan costs linear time in the head however it is split into reads.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(buf.get(..read).unwrap_or_default());
        if let Some(end) = head_end(head.get(from..).unwrap_or_default()) {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > limits.max_head {
            return Err(Fault::TooLarge);
        }
    }
}

/// Where the head ends in `bytes`: the length up to and with the line feed of the last
/// header line, when an empty line (`\r\n`, or a bare `\n` as the demo always took)
/// follows it.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(2)
        .enumerate()
        .find_map(|(i, pair)| match pair {
            b"\n\n" => Some(i + 1),
            [b'\n', b'\r'] if bytes.get(i + 2) == Some(&b'\n') => Some(i + 1),
            _ => None,
        })
}

/// Why a connection ended without an answer.
#[derive(Debug)]
enum Fault {
    /// Closed before sending anything: not worth a log line.
    Silent,
    ClosedInHead(Excerpt),
    HeadTimeout(Excerpt),
    TooLarge,
    Io(io::Error),
}

impl From<io::Error> for Fault {
    fn from(err: io::Error) -> Self {
        Fault::Io(err)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Silent => f.write_str("closed without sending anything"),
            Fault::ClosedInHead(sent) => {
                write!(f, "closed before the end of the request head, after {sent}")
            }
            Fault::HeadTimeout(sent) => {
                write!(f, "request head not complete in time, after {sent}")
            }
            Fault::TooLarge => f.write_str("request head too large; answered 431"),
            Fault::Io(err) => write!(f, "{err}"),
        }
    }
}

/// The start of what a client sent, for a log line: cut, and escaped by the crate's
/// one rule ([`Escaped`]) so no control character from the client reaches a terminal.
#[derive(Debug)]
struct Excerpt {
    text: String,
    total: usize,
}

impl Excerpt {
    /// Bytes of a request quoted in a log line.
    const KEPT: usize = 64;

    fn of(bytes: &[u8]) -> Excerpt {
        let kept = bytes.get(..Self::KEPT).unwrap_or(bytes);
        Excerpt {
            text: String::from_utf8_lossy(kept).into_owned(),
            total: bytes.len(),
        }
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes: \"{}", self.total, Escaped::new(&self.text))?;
        if self.total > Self::KEPT {
            f.write_str("…")?;
        }
        f.write_str("\"")
    }
}

/// A counting semaphore: at most `max` connections at once.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

impl Slots {
    fn new(max: usize) -> Slots {
        Slots {
            used: Mutex::new(0),
            freed: Condvar::new(),
            max: max.max(1),
        }
    }

    /// Waits for a free slot and takes it; it is given back when dropped.
    fn take(self: &Arc<Self>) -> Slot {
        // The counter is consistent even if a holder panicked: no code panics while
        // holding the lock, so a poisoned lock is used as is.
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used >= self.max {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used += 1;
        Slot(Arc::clone(self))
    }
}

/// One taken slot of [`Slots`].
struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut used = self.0.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(1);
        self.0.freed.notify_one();
    }
}
