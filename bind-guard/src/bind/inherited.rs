//! Sockets inherited from a service manager, checked against a [`Policy`] before use
//! (`listenfd` feature, Linux): systemd socket activation and the `LISTEN_FDS`
//! protocol.
//!
//! With socket activation the service manager binds, and the service only receives
//! file descriptors. The address is in the `.socket` unit, not in the service's
//! config, and no check of the service sees it. The easy spelling is also the widest:
//! `ListenStream=8080` (a bare port) is `[::]:8080` with `IPV6_V6ONLY` off, the
//! wildcard of both IPv4 and IPv6. [`Activation`] takes the inherited sockets and
//! checks each one as the kernel holds it before handing out a `TcpListener` or
//! `UdpSocket`:
//!
//! - its **local address**, through the policy like any bind address;
//! - **`IPV6_V6ONLY`**: an IPv6 wildcard without it also takes IPv4, so it is judged as
//!   `0.0.0.0` too (a deny list that refuses `0.0.0.0` refuses it);
//! - its **bound device** (`SO_BINDTODEVICE`, `BindToDevice=` in the unit): a wildcard
//!   restricted to a device is judged by every address of that device, its IPv6
//!   link-local and labelled IPv4 aliases included (with the `if-addrs` feature;
//!   without it, as the wildcard it is);
//! - its **state**: a TCP socket must be listening.
//!
//! A refused socket is an [`InheritedError`] naming the file descriptor, its name
//! (`FileDescriptorName=`), what it is bound to and the rule. The refusal closes it
//! **and every inherited socket not taken yet**, judged or not: a service that logs the
//! error and goes on (or starts a child) keeps no listener open that nobody checked,
//! and nothing more is handed out. [`Activation::tcp_listeners`] takes every inherited
//! socket or none (the ones judged before the refusal are closed too).
//!
//! ```no_run
//! use bind_guard::inherited::Activation;
//! use bind_guard::Policy;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // First thing in main, before any thread starts (see "The environment" below).
//!     let mut activation = Activation::from_env()?;
//!     let listeners = activation.tcp_listeners(&Policy::loopback())?;
//!     for listener in listeners {
//!         // serve on `listener`: it is bound to loopback, and listening
//! #       drop(listener);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Taking ownership without `unsafe`
//!
//! An inherited socket is a bare number; turning it into a `TcpListener` asserts that
//! the number is an open socket nobody else owns, which Rust can only express with
//! `unsafe` (`FromRawFd`). This crate forbids `unsafe` code, so it leaves that step to
//! the [`listenfd`](https://docs.rs/listenfd) crate, which does only that: it checks
//! that the descriptor is a socket of the expected type and family, sets close-on-exec
//! and takes it over once. The alternatives were worse: opening `/proc/self/fd/N`
//! gives a new open file, not the socket; `sd-notify` does not hand out sockets. What
//! `listenfd` does not do, this module does: it follows `sd_listen_fds(3)` exactly.
//! `LISTEN_PID` is honoured strictly (no `LISTEN_PID`, or another process's pid, means
//! the sockets are not ours: none are taken); descriptors are numbered from 3, so a
//! `LISTEN_FDS_FIRST_FD` other than 3 (a `listenfd` convention that would make stdin
//! "the first socket") is refused; `LISTEN_PID` and `LISTEN_FDS` are plain decimal
//! numbers or refused (`+1` and `08` are not what a manager writes); `LISTEN_FDNAMES`
//! is read; `LISTEN_FDS` is bounded. What the kernel says about each socket is read
//! through `socket2` (`getsockname`, `IPV6_V6ONLY`, `SO_BINDTODEVICE`,
//! `SO_ACCEPTCONN`), which needs no ownership at all. To close an inherited socket
//! this module takes it through `listenfd` (as whichever socket kind it is) and drops
//! it; a descriptor that is no socket (`ListenFIFO=`) cannot be taken without `unsafe`
//! code and is left as the manager passed it.
//!
//! # The environment
//!
//! `sd_listen_fds(1)` removes `LISTEN_PID` and `LISTEN_FDS` so that child processes do
//! not take sockets meant for the parent. `listenfd` does that too, with
//! `std::env::remove_var`. Changing the environment races with any other thread that
//! reads it (in C as in Rust; the reason edition 2024 made `remove_var` unsafe), so
//! [`Activation::from_env`] must run before the program starts threads, first thing in
//! `main`, like `sd_listen_fds`. It is meant to be called once: a second call finds
//! nothing. `LISTEN_FDNAMES` is read and left in place: without `LISTEN_FDS` it means
//! nothing to a child, and the descriptors themselves are close-on-exec.

use std::boxed::Box;
use std::fmt;
use std::io;
use std::net::{TcpListener, UdpSocket};
use std::os::fd::AsFd;
use std::string::{String, ToString};
use std::vec::Vec;

use ::socket2::SockRef;
use listenfd::ListenFd;

use super::facts::{SocketFacts, SocketRefusal};
use crate::{BindError, Escaped, Policy};

/// The first inherited descriptor (`SD_LISTEN_FDS_START`).
const FIRST_FD: i32 = 3;

/// More inherited sockets than this is not a service manager talking: the variable is
/// refused rather than trusted with an allocation of its size.
const MAX_FDS: usize = 4096;

/// The sockets a service manager passed to this process, not taken yet.
pub struct Activation {
    fds: ListenFd,
    names: Vec<String>,
    count: usize,
    /// Set by the first refusal, which closed every socket not taken yet.
    closed: bool,
}

impl fmt::Debug for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Activation")
            .field("count", &self.count)
            .field("names", &self.names)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl From<SocketRefusal> for InheritedRefusal {
    fn from(refusal: SocketRefusal) -> Self {
        match refusal {
            SocketRefusal::Policy(err) => InheritedRefusal::Policy(err),
            SocketRefusal::NotListening => InheritedRefusal::NotListening,
        }
    }
}

/// The old name of [`InheritedRefusal`], which `host_guard::Refusal` (a refused
/// request) also had.
#[deprecated(note = "renamed InheritedRefusal; host_guard::Refusal is a refused request")]
pub type Refusal = InheritedRefusal;

/// Why an inherited socket is not handed out.
#[derive(Debug)]
#[non_exhaustive]
pub enum InheritedRefusal {
    /// The policy refuses an address the socket is reachable on.
    Policy(BindError),
    /// A TCP socket that is not listening (connected, or never `listen`ed).
    NotListening,
    /// There is no inherited socket at this index, or it was taken already.
    Missing,
    /// An earlier inherited socket was refused, and this one was closed with the rest.
    Closed,
    /// Not a socket of the type asked for, or its state cannot be read (then it is
    /// refused: what cannot be checked is not served).
    Io(io::Error),
    /// `LISTEN_FDS` or `LISTEN_PID` is not a plain decimal number, `LISTEN_FDS` is too
    /// large, or `LISTEN_FDS_FIRST_FD` asks for another numbering than fd 3.
    Environment(&'static str),
}

/// An inherited socket that was refused, or an environment that cannot be trusted.
pub struct InheritedError(Box<ErrorParts>);

crate::bind_error::debug_is_display!(InheritedError);

#[derive(Debug)]
struct ErrorParts {
    fd: i32,
    name: Option<String>,
    facts: Option<SocketFacts>,
    refusal: InheritedRefusal,
}

impl InheritedError {
    fn new(
        fd: i32,
        name: Option<String>,
        facts: Option<SocketFacts>,
        refusal: InheritedRefusal,
    ) -> Self {
        InheritedError(Box::new(ErrorParts {
            fd,
            name,
            facts,
            refusal,
        }))
    }

    /// The file descriptor (3 for the first inherited socket; 3 too for an environment
    /// error, which concerns them all).
    #[must_use]
    pub fn fd(&self) -> i32 {
        self.0.fd
    }

    /// The socket's name (`FileDescriptorName=` in the unit), if it has one.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// What the kernel said about the socket, when it could be read.
    #[must_use]
    pub fn facts(&self) -> Option<&SocketFacts> {
        self.0.facts.as_ref()
    }

    /// Why it was refused.
    #[must_use]
    pub fn refusal(&self) -> &InheritedRefusal {
        &self.0.refusal
    }
}

impl fmt::Display for InheritedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let InheritedRefusal::Environment(what) = self.0.refusal {
            return write!(
                f,
                "the socket-activation environment is not usable: {what}; start the service \
                 from its .socket unit, or without LISTEN_FDS"
            );
        }
        write!(f, "inherited socket fd {}", self.fd())?;
        if let Some(name) = &self.0.name {
            write!(f, " (\"{}\")", Escaped::new(name))?;
        }
        if let Some(facts) = &self.0.facts {
            write!(f, " bound to {}", facts.local)?;
            if let Some(device) = &facts.device {
                write!(f, " on device {}", Escaped::new(device))?;
            }
            if facts.local.is_ipv6() && facts.local.ip().is_unspecified() {
                match facts.v6only {
                    Some(false) => f.write_str(" (IPv6 and IPv4: IPV6_V6ONLY is off)")?,
                    Some(true) => f.write_str(" (IPv6 only)")?,
                    None => {}
                }
            }
        }
        f.write_str(" is refused: ")?;
        match &self.0.refusal {
            // The problem without the library's hint, which names its API: the person
            // reading this fixes a unit file or a policy flag.
            InheritedRefusal::Policy(err) => {
                let addr = err.resolved_addr().map(|a| a.to_string());
                let addr = addr.as_deref().unwrap_or(err.input());
                write!(f, "{addr} {}", err.kind().problem())?;
                if let Some(detail) = err.detail() {
                    write!(f, " ({detail})")?;
                }
            }
            InheritedRefusal::NotListening => {
                f.write_str("it is a TCP socket that is not listening")?
            }
            InheritedRefusal::Missing => f.write_str("there is no such inherited socket")?,
            InheritedRefusal::Closed => f.write_str(
                "it was closed, with every inherited socket not taken yet, when an earlier \
                 one was refused",
            )?,
            InheritedRefusal::Io(err) => write!(f, "{err}")?,
            InheritedRefusal::Environment(_) => {}
        }
        f.write_str(
            "; change what the service manager binds (ListenStream=, ListenDatagram=, \
             BindIPv6Only=, BindToDevice= in the .socket unit) or the service's policy",
        )
    }
}

impl std::error::Error for InheritedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.refusal {
            InheritedRefusal::Policy(err) => Some(err),
            InheritedRefusal::Io(err) => Some(err),
            _ => None,
        }
    }
}

/// What the socket-activation variables say, read before any descriptor is taken.
#[derive(Debug, PartialEq, Eq)]
struct Passed {
    count: usize,
    names: Vec<String>,
}

impl Passed {
    /// The variables as [`Activation::from_env`] reads them, from `var` (the process
    /// environment there, a table in the tests) for the process `pid`: `None` when
    /// nothing was passed to this process.
    fn read(
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
        pid: u32,
    ) -> Result<Option<Passed>, InheritedError> {
        let env_error =
            |what| InheritedError::new(FIRST_FD, None, None, InheritedRefusal::Environment(what));
        let (Some(count), Some(listen_pid)) = (var("LISTEN_FDS"), var("LISTEN_PID")) else {
            return Ok(None);
        };
        // A value that is not text is as wrong as text that is not a number: an error,
        // never "nothing passed", which would leave the descriptors open and unjudged.
        let number = |value: &std::ffi::OsStr, what| {
            value
                .to_str()
                .and_then(plain_number)
                .ok_or_else(|| env_error(what))
        };
        let listen_pid = number(
            &listen_pid,
            "LISTEN_PID is not a process id (plain decimal digits)",
        )?;
        if listen_pid != u64::from(pid) {
            // Meant for another process (a parent that did not clear them).
            return Ok(None);
        }
        let count = number(&count, "LISTEN_FDS is not a number (plain decimal digits)")?;
        let count = usize::try_from(count)
            .ok()
            .filter(|count| *count <= MAX_FDS)
            .ok_or_else(|| env_error("LISTEN_FDS is larger than 4096"))?;
        // `listenfd` would number the descriptors from this variable; systemd's protocol
        // (which this module follows) always starts at 3.
        match var("LISTEN_FDS_FIRST_FD") {
            None => {}
            Some(first) if first == "3" => {}
            Some(_) => {
                return Err(env_error(
                    "LISTEN_FDS_FIRST_FD asks for inherited sockets from another descriptor \
                     than 3, where systemd's protocol puts them; unset it",
                ));
            }
        }
        let names = match var("LISTEN_FDNAMES") {
            None => Vec::new(),
            Some(names) => names
                .to_str()
                .ok_or_else(|| env_error("LISTEN_FDNAMES is not text"))?
                .split(':')
                .take(count)
                .map(String::from)
                .collect(),
        };
        Ok(Some(Passed { count, names }))
    }
}

impl Activation {
    /// The sockets passed to this process: none unless `LISTEN_PID` is this process's
    /// id and `LISTEN_FDS` is set, numbered from fd 3 as `sd_listen_fds(3)` numbers
    /// them. Removes `LISTEN_PID` and `LISTEN_FDS` when they were for this process.
    /// **Call it before starting threads** (see the [module docs](self#the-environment)).
    ///
    /// Read strictly, since a wrong number here hands out the wrong descriptor:
    /// `LISTEN_PID` and `LISTEN_FDS` must be plain decimal numbers (no sign, no leading
    /// zero, no white space: `+1` or `08` is not what a service manager writes), and
    /// `LISTEN_FDS_FIRST_FD` (a convention of `listenfd` and `systemfd`, which systemd
    /// never sets) must be absent or `3`: any other value would move the numbering to
    /// descriptors such as stdin, so it is refused rather than ignored.
    ///
    /// # Errors
    ///
    /// An environment error ([`InheritedRefusal::Environment`]) for a `LISTEN_PID` or
    /// `LISTEN_FDS` that is not a plain number, more than 4096 sockets, or a
    /// `LISTEN_FDS_FIRST_FD` other than 3. Nothing is taken then, and nothing closed:
    /// the numbers cannot be trusted, so the program should exit.
    pub fn from_env() -> Result<Activation, InheritedError> {
        let Some(passed) = Passed::read(|name| std::env::var_os(name), std::process::id())? else {
            return Ok(Activation::empty());
        };
        let fds = ListenFd::from_env();
        Ok(Activation {
            count: passed.count.min(fds.len()),
            fds,
            names: passed.names,
            closed: false,
        })
    }

    /// No inherited sockets.
    #[must_use]
    pub fn empty() -> Activation {
        Activation {
            fds: ListenFd::empty(),
            names: Vec::new(),
            count: 0,
            closed: false,
        }
    }

    /// How many sockets were passed (taken or not).
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether none were passed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The name of the socket at `index` (`FileDescriptorName=`), if the manager gave
    /// one.
    #[must_use]
    pub fn name(&self, index: usize) -> Option<&str> {
        self.names
            .get(index)
            .map(String::as_str)
            .filter(|name| !name.is_empty())
    }

    /// Takes the TCP listener at `index` (fd `3 + index`) if the policy allows it.
    ///
    /// # Errors
    ///
    /// An [`InheritedError`] naming the socket. Any refusal closes the refused socket
    /// **and every inherited socket not taken yet** (those already taken are the
    /// caller's): after one refusal nothing more is handed out ([`InheritedRefusal::Closed`]).
    pub fn take_tcp(
        &mut self,
        index: usize,
        policy: &Policy,
    ) -> Result<TcpListener, InheritedError> {
        let taken = self.taken(index, |fds| fds.take_tcp_listener(index))?;
        self.judged(index, taken, policy, true)
    }

    /// Takes the UDP socket at `index` if the policy allows it.
    ///
    /// # Errors
    ///
    /// As [`take_tcp`](Activation::take_tcp): a refusal closes every socket not taken.
    pub fn take_udp(&mut self, index: usize, policy: &Policy) -> Result<UdpSocket, InheritedError> {
        let taken = self.taken(index, |fds| fds.take_udp_socket(index))?;
        self.judged(index, taken, policy, false)
    }

    /// Takes the Unix socket listener at `index` (`ListenStream=/run/app.sock`) if its
    /// file, mode, owner and directory pass, or, for an abstract name, if `policy`
    /// allows abstract sockets (see [`unix::judge_listening`](crate::unix::judge_listening)).
    ///
    /// # Errors
    ///
    /// As [`take_tcp`](Activation::take_tcp); a refused socket is closed.
    #[cfg(feature = "unix")]
    pub fn take_unix(
        &mut self,
        index: usize,
        policy: &Policy,
    ) -> Result<std::os::unix::net::UnixListener, InheritedError> {
        let listener = self.taken(index, |fds| fds.take_unix_listener(index))?;
        match crate::unix::judge_listening(&listener, policy) {
            Ok(_) => Ok(listener),
            // `listener` is dropped: the descriptor is closed, nothing is served on it,
            // and neither on any other socket not taken yet.
            Err(err) => {
                let err = self.error(index, None, InheritedRefusal::Io(err));
                Err(self.close_untaken(err))
            }
        }
    }

    /// Every inherited socket as a TCP listener, in fd order, or none: the first
    /// refusal closes them all (those judged before it, and those after it that were
    /// never judged). An empty list when nothing was inherited.
    ///
    /// # Errors
    ///
    /// The first socket refused.
    pub fn tcp_listeners(&mut self, policy: &Policy) -> Result<Vec<TcpListener>, InheritedError> {
        let mut listeners = Vec::with_capacity(self.count);
        for index in 0..self.count {
            // On error `listeners` is dropped: the sockets taken so far are closed too.
            listeners.push(self.take_tcp(index, policy)?);
        }
        Ok(listeners)
    }

    /// The socket at `index` as `take` gives it, or the refusal (which closes the rest).
    fn taken<S>(
        &mut self,
        index: usize,
        take: impl FnOnce(&mut ListenFd) -> io::Result<Option<S>>,
    ) -> Result<S, InheritedError> {
        if self.closed {
            return Err(self.error(index, None, InheritedRefusal::Closed));
        }
        let taken = take(&mut self.fds);
        self.present(index, taken)
            .map_err(|err| self.close_untaken(err))
    }

    /// Closes every inherited socket not taken yet, so that none stays open (and
    /// inheritable by a child: only taken descriptors are close-on-exec) after a
    /// refusal; returns `err`.
    ///
    /// A descriptor can only be closed by taking ownership of it, which `listenfd` does
    /// after checking its family and type: each socket is taken as whichever of the
    /// kinds below it is, then dropped. A descriptor that is no socket (`ListenFIFO=`,
    /// `ListenSpecial=`) cannot be taken without `unsafe` code and stays as the manager
    /// passed it; it reaches no network.
    fn close_untaken(&mut self, err: InheritedError) -> InheritedError {
        use ::socket2::{Domain, Type};
        use std::os::fd::OwnedFd;
        self.closed = true;
        // AF_INET covers AF_INET6 in `listenfd`'s check; AF_NETLINK is 16 on Linux.
        let families = [
            Domain::IPV4,
            Domain::UNIX,
            Domain::PACKET,
            Domain::VSOCK,
            Domain::from(16),
        ];
        let types = [Type::STREAM, Type::DGRAM, Type::SEQPACKET, Type::RAW];
        for index in 0..self.count {
            'kinds: for family in families {
                for ty in types {
                    // `Ok(Some)`: taken, and closed as it drops here; `Ok(None)`: taken
                    // before. Either way, on to the next descriptor; `Err`: not this kind.
                    let taken = self.fds.take_custom::<OwnedFd>(
                        index,
                        family.into(),
                        ty.into(),
                        "inherited socket",
                    );
                    if taken.is_ok() {
                        break 'kinds;
                    }
                }
            }
        }
        err
    }

    fn present<S>(&self, index: usize, taken: io::Result<Option<S>>) -> Result<S, InheritedError> {
        match taken {
            Ok(Some(socket)) => Ok(socket),
            Ok(None) => Err(self.error(index, None, InheritedRefusal::Missing)),
            Err(err) => Err(self.error(index, None, InheritedRefusal::Io(err))),
        }
    }

    fn judged<S: AsFd>(
        &mut self,
        index: usize,
        socket: S,
        policy: &Policy,
        tcp: bool,
    ) -> Result<S, InheritedError> {
        let verdict = match facts(&socket, tcp) {
            Err(err) => Err(self.error(index, None, InheritedRefusal::Io(err))),
            Ok(facts) => match facts.judge(policy) {
                Ok(()) => Ok(()),
                Err(refusal) => Err(self.error(index, Some(facts), refusal.into())),
            },
        };
        match verdict {
            Ok(()) => Ok(socket),
            // `socket` is dropped here: the descriptor is closed, nothing is served on
            // it, and neither on any other socket not taken yet.
            Err(err) => Err(self.close_untaken(err)),
        }
    }

    fn error(
        &self,
        index: usize,
        facts: Option<SocketFacts>,
        refusal: InheritedRefusal,
    ) -> InheritedError {
        // Descriptors follow the manager's order from fd 3 (`SD_LISTEN_FDS_START`).
        let fd = i32::try_from(index).map_or(i32::MAX, |i| FIRST_FD.saturating_add(i));
        InheritedError::new(fd, self.name(index).map(String::from), facts, refusal)
    }
}

/// A plain decimal number as a service manager writes one: digits only, no sign, no
/// leading zero (except `0` itself), no white space; `None` otherwise or past `u64`.
fn plain_number(text: &str) -> Option<u64> {
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if plain { text.parse().ok() } else { None }
}

/// Reads what the kernel holds for `socket`. For TCP, `listening` is filled in.
///
/// # Errors
///
/// The system's error reading an option or the address, or an address that is not IP.
pub fn facts(socket: &impl AsFd, tcp: bool) -> io::Result<SocketFacts> {
    let sock = SockRef::from(socket);
    let local = sock
        .local_addr()?
        .as_socket()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not an IPv4 or IPv6 socket"))?;
    let v6only = if local.is_ipv6() {
        Some(sock.only_v6()?)
    } else {
        None
    };
    let device = sock
        .device()?
        .map(|name| String::from_utf8_lossy(&name).into_owned());
    let listening = if tcp { Some(sock.is_listener()?) } else { None };
    Ok(SocketFacts::new(local, v6only, device, listening))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use ::socket2::{Domain, Socket, Type};
    use std::net::SocketAddr;
    use std::{format, vec};

    fn try_tcp(
        addr: &str,
        v6only: Option<bool>,
        device: Option<&str>,
        listen: bool,
    ) -> io::Result<Socket> {
        let addr: SocketAddr = addr.parse().unwrap();
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        if let Some(v6only) = v6only {
            socket.set_only_v6(v6only)?;
        }
        if let Some(device) = device {
            socket.bind_device(Some(device.as_bytes()))?;
        }
        socket.bind(&addr.into())?;
        if listen {
            socket.listen(8)?;
        }
        Ok(socket)
    }

    fn tcp(addr: &str, v6only: Option<bool>, device: Option<&str>, listen: bool) -> Socket {
        try_tcp(addr, v6only, device, listen).unwrap()
    }

    fn verdict(socket: &Socket, policy: &Policy) -> Result<(), SocketRefusal> {
        facts(socket, true).unwrap().judge(policy)
    }

    #[test]
    fn facts_are_what_the_kernel_holds() {
        let socket = tcp("127.0.0.1:0", None, None, true);
        let facts = facts(&socket, true).unwrap();
        assert!(facts.local.ip().is_loopback());
        assert_eq!(
            (facts.v6only, facts.device, facts.listening),
            (None, None, Some(true))
        );
        assert!(verdict(&socket, &Policy::loopback()).is_ok());
    }

    #[cfg(feature = "if-addrs")]
    #[test]
    fn a_dual_stack_wildcard_on_a_device_is_judged_for_ipv4_too() {
        let Ok(dual) = try_tcp("[::]:0", Some(false), Some("lo"), true) else {
            return; // no IPv6 here
        };
        let v6only = tcp("[::]:0", Some(true), Some("lo"), true);
        let facts = facts(&dual, true).unwrap();
        assert_eq!(
            (facts.v6only, facts.device.as_deref()),
            (Some(false), Some("lo"))
        );
        // A policy that takes ::1 but not 127.0.0.0/8: the dual-stack socket also takes
        // lo's 127.0.0.1, the IPv6-only one does not.
        let policy = Policy::loopback().deny_net("127.0.0.0/8".parse().unwrap());
        let Err(SocketRefusal::Policy(err)) = facts.judge(&policy) else {
            panic!("lo's IPv4 address must be judged");
        };
        assert_eq!(
            err.resolved_addr().map(|a| a.ip()),
            Some([127, 0, 0, 1].into())
        );
        assert!(verdict(&v6only, &policy).is_ok());
    }

    #[test]
    fn a_socket_that_is_not_listening_is_refused() {
        let socket = tcp("127.0.0.1:0", None, None, false);
        assert!(matches!(
            verdict(&socket, &Policy::loopback()),
            Err(SocketRefusal::NotListening)
        ));
    }

    #[cfg(feature = "if-addrs")]
    #[test]
    fn a_wildcard_bound_to_lo_is_judged_by_lo_addresses() {
        let socket = tcp("0.0.0.0:0", None, Some("lo"), true);
        let facts = facts(&socket, true).unwrap();
        assert_eq!(facts.device.as_deref(), Some("lo"));
        assert!(verdict(&socket, &Policy::loopback()).is_ok());
        let plain = tcp("0.0.0.0:0", None, None, true);
        assert!(matches!(
            verdict(&plain, &Policy::loopback()),
            Err(SocketRefusal::Policy(_))
        ));
    }

    #[test]
    fn numbers_are_plain_decimal_digits() {
        assert_eq!(plain_number("0"), Some(0));
        assert_eq!(plain_number("1"), Some(1));
        assert_eq!(plain_number("4096"), Some(4096));
        assert_eq!(plain_number("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "+1",
            "-1",
            "01",
            "08080",
            " 1",
            "1 ",
            "1\n",
            "0x1",
            "1e3",
            "١",
            "18446744073709551616",
        ] {
            assert_eq!(plain_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn errors_name_the_fd_the_address_and_the_unit_setting() {
        let err = InheritedError::new(
            4,
            Some("web\u{1b}".into()),
            Some(SocketFacts::new(
                "[::]:8080".parse().unwrap(),
                Some(false),
                None,
                Some(true),
            )),
            InheritedRefusal::Policy(BindError::for_addr(
                "[::]:8080".parse().unwrap(),
                crate::ErrorKind::Wildcard,
            )),
        );
        let text = err.to_string();
        assert!(text.starts_with("inherited socket fd 4 (\"web\\u{1b}\") bound to [::]:8080 (IPv6 and IPv4: IPV6_V6ONLY is off) is refused: [::]:8080 is the wildcard address"), "{text}");
        assert!(text.contains("ListenStream="), "{text}");
        assert!(!text.chars().any(char::is_control));
        assert_eq!(err.fd(), 4);
    }

    fn passed(vars: &[(&str, &str)], pid: u32) -> Result<Option<Passed>, String> {
        let var = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| std::ffi::OsString::from(value))
        };
        Passed::read(var, pid).map_err(|err| err.to_string())
    }

    #[test]
    fn the_environment_is_read_strictly_and_only_for_this_process() {
        let ok = |count, names: &[&str]| {
            Ok(Some(Passed {
                count,
                names: names.iter().map(|n| n.to_string()).collect(),
            }))
        };
        assert_eq!(passed(&[], 7), Ok(None));
        assert_eq!(passed(&[("LISTEN_FDS", "2")], 7), Ok(None));
        assert_eq!(
            passed(&[("LISTEN_FDS", "2"), ("LISTEN_PID", "8")], 7),
            Ok(None)
        );
        assert_eq!(
            passed(&[("LISTEN_FDS", "2"), ("LISTEN_PID", "7")], 7),
            ok(2, &[])
        );
        let named = [
            ("LISTEN_FDS", "2"),
            ("LISTEN_PID", "7"),
            ("LISTEN_FDNAMES", "web:admin:extra"),
        ];
        assert_eq!(passed(&named, 7), ok(2, &["web", "admin"]));
        // The limit is inclusive.
        assert_eq!(
            passed(&[("LISTEN_FDS", "4096"), ("LISTEN_PID", "7")], 7),
            ok(4096, &[])
        );
        let too_many = passed(&[("LISTEN_FDS", "4097"), ("LISTEN_PID", "7")], 7).unwrap_err();
        assert!(too_many.contains("larger than 4096"), "{too_many}");
        for bad in ["+1", "08", " 1", ""] {
            let err = passed(&[("LISTEN_FDS", "1"), ("LISTEN_PID", bad)], 7).unwrap_err();
            assert!(
                err.contains("LISTEN_PID is not a process id"),
                "{bad:?}: {err}"
            );
        }
        // Set but not text: an error, not "nothing passed" (which would leave the
        // descriptors open and unjudged).
        let bytes = |b: &[u8]| std::os::unix::ffi::OsStringExt::from_vec(b.to_vec());
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
            let var = |asked: &str| match asked {
                n if n == name => Some(bytes(b"1\xff")),
                "LISTEN_FDS" => Some("1".into()),
                "LISTEN_PID" => Some("7".into()),
                _ => None,
            };
            let err = Passed::read(var, 7).unwrap_err().to_string();
            assert!(err.contains(name), "{name}: {err}");
        }
        let err = passed(&[("LISTEN_FDS", "1x"), ("LISTEN_PID", "7")], 7).unwrap_err();
        assert!(err.contains("LISTEN_FDS is not a number"), "{err}");
        // LISTEN_FDS_FIRST_FD: absent or 3, nothing else.
        let first = |value| {
            passed(
                &[
                    ("LISTEN_FDS", "1"),
                    ("LISTEN_PID", "7"),
                    ("LISTEN_FDS_FIRST_FD", value),
                ],
                7,
            )
        };
        assert_eq!(first("3"), ok(1, &[]));
        for other in ["4", "0", "03"] {
            let err = first(other).unwrap_err();
            assert!(err.contains("LISTEN_FDS_FIRST_FD"), "{other}: {err}");
            assert!(
                err.starts_with("the socket-activation environment is not usable"),
                "{err}"
            );
        }
    }

    #[test]
    fn counts_and_names_of_an_activation() {
        let activation = Activation {
            fds: ListenFd::empty(),
            names: vec!["web".into(), String::new()],
            count: 2,
            closed: false,
        };
        assert_eq!((activation.len(), activation.is_empty()), (2, false));
        assert_eq!(activation.name(0), Some("web"));
        assert_eq!(activation.name(1), None, "an empty name is no name");
        assert_eq!(activation.name(2), None);
        let empty = Activation::empty();
        assert_eq!((empty.len(), empty.is_empty()), (0, true));
        let debug = format!("{activation:?}");
        assert!(
            debug.contains("count: 2") && debug.contains("\"web\""),
            "{debug}"
        );
    }

    #[test]
    fn an_error_names_the_socket_and_says_what_the_kernel_holds() {
        let dual = SocketFacts::new("[::]:8080".parse().unwrap(), Some(false), None, Some(true));
        let policy_err = BindError::for_addr("[::]:8080".parse().unwrap(), ErrorKind::Wildcard);
        let err = InheritedError::new(
            4,
            Some("web".into()),
            Some(dual.clone()),
            InheritedRefusal::Policy(policy_err),
        );
        assert_eq!(
            (err.fd(), err.name(), err.facts()),
            (4, Some("web"), Some(&dual))
        );
        let text = err.to_string();
        assert!(
            text.starts_with("inherited socket fd 4 (\"web\") bound to [::]:8080 (IPv6 and IPv4"),
            "{text}"
        );
        assert!(
            std::error::Error::source(&err).is_some(),
            "a policy refusal has its BindError as source"
        );
        // Only the IPv6 wildcard says how IPV6_V6ONLY widens it.
        let one = SocketFacts::new("[::1]:8080".parse().unwrap(), Some(false), None, Some(true));
        let err = InheritedError::new(3, None, Some(one), InheritedRefusal::NotListening);
        assert!(!err.to_string().contains("IPV6_V6ONLY"), "{err}");
        assert!(std::error::Error::source(&err).is_none());
        let io = InheritedError::new(
            3,
            None,
            None,
            InheritedRefusal::Io(io::Error::other("gone")),
        );
        assert!(std::error::Error::source(&io).is_some());
        assert_eq!(io.facts(), None);
    }
}
