//! Unix domain sockets as listen addresses (`unix` feature, Unix): bound with no looser
//! moment, nothing at the path lost, and peers checked by their credentials.
//!
//! A Unix socket is the safest listener for an admin endpoint, a metrics scrape or a
//! sidecar: no network reaches it and no web page either. So a server behind one needs
//! no Host or Origin check (the request guard's DNS-rebinding defence is for TCP): a
//! browser cannot connect to a Unix socket, and only local processes that may open its
//! file, or share its network namespace for an abstract name, can.
//!
//! Its dangers are well known, and [`UnixAddr::bind`] answers each:
//!
//! - **A looser window.** A socket made with the umask's mode and tightened later lets
//!   anyone connect in between. Here the file gets its mode (`0600`, or `0660` and a
//!   group with [`UnixOptions::group`]) from its birth: the socket's own mode is set
//!   before `bind()` makes the file, so no peer can ever connect through a looser
//!   mode (see [`UnixAddr::bind_with`] for the order of the system calls), and the
//!   mode is read back after binding, as `local_addr()` is for TCP.
//! - **A directory others can write.** Whoever may delete or rename a file in the
//!   socket's directory may put their own socket in its place; such a directory is
//!   refused ([`judge_directory`]).
//! - **Lost files.** Servers often delete whatever sits at their path on start. Here a
//!   stale socket (a socket file of this user that nobody listens on) is replaced; a
//!   live one is refused as in use, and a regular file, a directory or a symbolic link
//!   is refused and left exactly as it was.
//! - **Abstract names** (`unix:@name`, Linux) have no file and so no permissions: any
//!   local process in the network namespace may connect, and they crossed into
//!   containers that share it (containerd CVE-2020-15257). They are refused unless the
//!   policy opts in ([`Policy::allow_abstract`](crate::Policy::allow_abstract),
//!   `allow_abstract` in a policy text).
//!
//! ```no_run
//! use bind_guard::{unix::PeerAllow, UnixAddr};
//!
//! let admin: UnixAddr = "unix:/run/app/admin.sock".parse()?;
//! let listener = admin.bind()?; // 0600, this user only
//! let allow = PeerAllow::same_user();
//! for stream in listener.incoming() {
//!     let stream = stream?;
//!     if allow.admit(&stream).is_err() {
//!         continue; // dropped: closes the connection
//!     }
//!     // serve `stream`
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A socket a service manager bound (`ListenStream=/run/app.sock`) is judged by
//! [`judge_listening`] (`inherited::Activation::take_unix` with the `listenfd` feature),
//! and `bind-guard audit` judges the Unix sockets it finds with [`judge_socket_file`]
//! and [`judge_abstract`].
//!
//! A [`BindSet`](crate::BindSet) with Unix sockets binds with `BindSet::bind`, which
//! returns a [`Listener`] per entry; `bind_guard::tokio::bind_unix` and
//! `bind_guard::tokio::bind_all` do the same for tokio.

mod judge;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod peer;

pub use judge::{
    FileFacts, FileKind, UnixProblem, judge_abstract, judge_directory, judge_socket_file,
};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use peer::{PeerAllow, PeerCred, PeerRefused};

use std::fmt;
use std::io;
use std::net::TcpListener;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};

use crate::marker::Rule;
use crate::{BindSet, ListenAddr, UnixAddr};
use judge::{Probe, judge_created, judge_existing};

/// The mode of a socket file only its owner may connect to.
const OWNER_ONLY: u32 = 0o600;
/// The mode of a socket file its owner and its group may connect to.
const OWNER_AND_GROUP: u32 = 0o660;
/// The listen backlog (what `std` asks for on Linux, where the kernel caps it at
/// `net.core.somaxconn`).
const BACKLOG: i32 = 1024;

/// How a Unix socket file is made: mode `0600` by default (its owner alone may
/// connect), or `0660` and a group ([`group`](UnixOptions::group)). No other mode is
/// offered: a socket every user may connect to is a TCP port on loopback with extra
/// steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UnixOptions {
    group: Option<u32>,
}

impl UnixOptions {
    /// Mode `0600`: only the server's user may connect.
    #[must_use]
    pub const fn new() -> Self {
        UnixOptions { group: None }
    }

    /// Mode `0660` with the file's group set to `gid`: the members of that group may
    /// connect too (say, a web server's group for a FastCGI socket). The server's user
    /// must be a member of the group (or root) to set it.
    #[must_use]
    pub const fn group(mut self, gid: u32) -> Self {
        self.group = Some(gid);
        self
    }

    /// The mode the socket file gets.
    #[must_use]
    pub const fn mode(&self) -> u32 {
        match self.group {
            Some(_) => OWNER_AND_GROUP,
            None => OWNER_ONLY,
        }
    }
}

/// A Unix socket that was refused: the socket and why. Converts into an
/// [`io::Error`] of the fitting kind ([`UnixProblem::io_kind`]) with this message.
#[derive(Clone, PartialEq, Eq)]
pub struct UnixError {
    socket: String,
    problem: UnixProblem,
}

crate::bind_error::debug_is_display!(UnixError);

impl UnixError {
    /// An error about `socket` (`unix:/run/app.sock`).
    #[must_use]
    pub fn new(socket: &str, problem: UnixProblem) -> Self {
        UnixError {
            socket: socket.into(),
            problem,
        }
    }

    /// Why it was refused.
    #[must_use]
    pub fn problem(&self) -> &UnixProblem {
        &self.problem
    }
}

impl fmt::Display for UnixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Unix socket \"{}\" refused: {}",
            crate::Escaped::new(&self.socket),
            self.problem
        )
    }
}

impl std::error::Error for UnixError {}

impl From<UnixError> for io::Error {
    fn from(err: UnixError) -> io::Error {
        io::Error::new(err.problem.io_kind(), err)
    }
}

/// A listener of either kind, as [`BindSet::bind`] opens them.
#[derive(Debug)]
pub enum Listener {
    /// A TCP listener on an IP address.
    Tcp(TcpListener),
    /// A Unix domain socket listener.
    Unix(UnixListener),
}

impl UnixAddr {
    /// Opens a listener on this socket with mode `0600` (see
    /// [`bind_with`](UnixAddr::bind_with)).
    ///
    /// # Errors
    ///
    /// See [`bind_with`](UnixAddr::bind_with).
    pub fn bind(&self) -> io::Result<UnixListener> {
        self.bind_with(&UnixOptions::new())
    }

    /// Opens a listener on this socket, made as `options` say.
    ///
    /// For a path, in this order:
    ///
    /// 1. the directory is checked ([`judge_directory`]) for the user and group the
    ///    process runs as;
    /// 2. whatever is at the path is looked at without following links: nothing goes
    ///    on; a socket file is connected to, and if nobody listens and it is this
    ///    user's, it is removed (a stale socket); anything else is refused and left as
    ///    it is ([`UnixProblem`]);
    /// 3. `socket()`, `fchmod(socket, 0600)`, then `bind()`: Linux makes the file with
    ///    the socket's own mode less the umask (`unix_bind`: `SOCK_INODE(sock)->i_mode &
    ///    ~current_umask()`), so it is born `0600` or tighter, never with the umask's
    ///    looser default. (Not listening yet is *not* enough on its own: `connect()`
    ///    checks the file's permission first and the listening state later, so a
    ///    connect that passed the check on a `0777` file could still reach the socket
    ///    once it listens; `tests/unix_sockets.rs` catches exactly that under umask 0.)
    /// 4. `chown()` to the group if one was asked for, then `chmod()` to the mode (the
    ///    group first, so the `0660` bits never apply to the wrong group); these go by
    ///    path, which only this user or root can change, since step 1 refused a
    ///    directory others may write;
    /// 5. the file is read back (`lstat`): a socket, the exact mode, this user, the
    ///    group; anything else closes the socket and removes the file;
    /// 6. `listen()`: from here peers can connect.
    ///
    /// So the file never has a looser mode than asked: `0600` or tighter from its
    /// birth, then exactly `0600`, or `0600` and then `0660` for the group asked for.
    /// Other systems make the file from the umask alone, so this is Linux only:
    /// elsewhere binding a path is `Unsupported` rather than racy. (Binding in a
    /// private directory and renaming the file into place would close the window too,
    /// but the socket would keep the private path as its own address, which
    /// `local_addr()`, audits and peers then report.)
    ///
    /// An abstract name is bound and listened on (it has no file); it exists only if a
    /// policy opted in. It is a Linux feature: elsewhere this is `Unsupported`.
    ///
    /// # Errors
    ///
    /// A [`UnixError`] as an [`io::Error`] (`AddrInUse` for a live socket,
    /// `AlreadyExists` for a file left in place, `PermissionDenied` for a directory
    /// others may write), or the error of a system call.
    pub fn bind_with(&self, options: &UnixOptions) -> io::Result<UnixListener> {
        match (self.path(), self.abstract_name()) {
            (Some(path), _) => bind_path(self, Path::new(path), options),
            (None, Some(name)) => bind_abstract(name),
            (None, None) => Err(io::Error::other("a Unix socket with neither path nor name")),
        }
    }
}

impl<P: Rule> ListenAddr<P> {
    /// Opens a listener: TCP on an IP address ([`BindAddr::bind_tcp`](crate::BindAddr::bind_tcp)),
    /// or a Unix socket ([`UnixAddr::bind`]).
    ///
    /// # Errors
    ///
    /// The error of either.
    pub fn bind(&self) -> io::Result<Listener> {
        match self {
            ListenAddr::Ip(addr) => addr.bind_tcp().map(Listener::Tcp),
            ListenAddr::Unix(addr) => addr.bind().map(Listener::Unix),
        }
    }
}

impl BindSet {
    /// Opens a listener on every entry, TCP on the IP addresses and Unix sockets with
    /// mode `0600`, or none (see [`bind_with`](BindSet::bind_with)).
    ///
    /// # Errors
    ///
    /// The first error, naming the entry it happened on.
    pub fn bind(&self) -> io::Result<Vec<Listener>> {
        self.bind_with(&UnixOptions::new())
    }

    /// Opens a listener on every entry, or none: TCP on the IP addresses (as
    /// [`bind_tcp`](BindSet::bind_tcp)) and Unix sockets made as `options` say (as
    /// [`UnixAddr::bind_with`]). On the first failure the listeners opened so far are
    /// closed (the socket files they made stay, stale, and the next start replaces
    /// them).
    ///
    /// # Errors
    ///
    /// The first error, naming the entry it happened on.
    pub fn bind_with(&self, options: &UnixOptions) -> io::Result<Vec<Listener>> {
        self.bind_each(
            |addr| addr.bind_tcp().map(Listener::Tcp),
            |addr| addr.bind_with(options).map(Listener::Unix),
        )
    }
}

/// The verdict on a listening Unix socket this process did not bind itself (one a
/// service manager passed, `ListenStream=/run/app.sock`): its address read from the
/// kernel, then, for a path, its file and directory judged for this process's user
/// ([`judge_socket_file`]: a socket file, not writable by every user, owned by this
/// user or root, in a directory others cannot replace it in), and for an abstract name
/// the policy's opt-in ([`judge_abstract`]). Returns the socket's address as text
/// (`unix:/run/app.sock`, `unix:@name`).
///
/// # Errors
///
/// A [`UnixError`] (as an [`io::Error`]) for a refused socket; an `InvalidInput` error for a
/// socket that is not a listening Unix stream socket; or the error reading it.
pub fn judge_listening(socket: &impl AsFd, policy: &crate::Policy) -> io::Result<String> {
    let fd = socket.as_fd();
    let addr = SocketAddrUnix::try_from(rustix::net::getsockname(fd)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "not a Unix socket"))?;
    if !rustix::net::sockopt::socket_acceptconn(fd)? {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a Unix socket that is not listening",
        ));
    }
    if let Some(name) = addr.abstract_name() {
        let text = std::format!("unix:@{}", String::from_utf8_lossy(name));
        judge_abstract(policy).map_err(|problem| UnixError::new(&text, problem))?;
        return Ok(text);
    }
    let path = match addr.path_bytes() {
        Some(bytes) => Path::new(std::ffi::OsStr::from_bytes(bytes)),
        None => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an unnamed Unix socket",
            ));
        }
    };
    let text = std::format!("unix:{}", path.display());
    let (uid, gid) = effective_user();
    let file = FileFacts::lstat(path)?;
    let dir = FileFacts::stat(path.parent().unwrap_or(Path::new("/")))?;
    judge_socket_file(&file, &dir, uid, gid).map_err(|problem| UnixError::new(&text, problem))?;
    Ok(text)
}

/// The effective user and group id of this process: whose a socket file it makes will
/// be, and the user and group [`judge_directory`] and [`judge_socket_file`] judge for.
#[must_use]
pub fn effective_user() -> (u32, u32) {
    (
        rustix::process::geteuid().as_raw(),
        rustix::process::getegid().as_raw(),
    )
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn bind_path(_: &UnixAddr, _: &Path, _: &UnixOptions) -> io::Result<UnixListener> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "binding a Unix socket file with its mode set before anyone can connect is \
         implemented for Linux only",
    ))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn bind_path(addr: &UnixAddr, path: &Path, options: &UnixOptions) -> io::Result<UnixListener> {
    let refuse = |problem| io::Error::from(UnixError::new(&addr.to_string(), problem));
    let (uid, gid) = effective_user();
    // 1. The directory, followed if it is a link (`/var/run` → `/run`).
    let parent = path.parent().unwrap_or(Path::new("/"));
    judge_directory(&FileFacts::stat(parent)?, uid, gid).map_err(refuse)?;
    // 2. What is there already.
    match FileFacts::lstat(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(err),
        Ok(file) => {
            judge_existing(&file, uid, || probe(path)).map_err(refuse)?;
            std::fs::remove_file(path)?;
        }
    }
    // 3. The socket's own mode first, then `bind()`: the file is born owner-only.
    let socket = stream_socket()?;
    rustix::fs::fchmod(&socket, rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR)?;
    rustix::net::bind(&socket, &SocketAddrUnix::new(path)?)?;
    // From here the file is ours: on any failure, close the socket and remove it.
    finish(&socket, path, options, uid).inspect_err(|_| {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(path);
    })?;
    // 6. Listening, with the mode final.
    rustix::net::listen(&socket, BACKLOG)?;
    Ok(UnixListener::from(socket))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
/// Steps 4 and 5 of [`UnixAddr::bind_with`]: the group and mode, then the check.
fn finish(socket: &OwnedFd, path: &Path, options: &UnixOptions, uid: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(gid) = options.group {
        std::os::unix::fs::chown(path, None, Some(gid))?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(options.mode()))?;
    let made = FileFacts::lstat(path)?;
    judge_created(&made, options.mode(), uid, options.group)
        .map_err(|problem| UnixError::new(&std::format!("unix:{}", path.display()), problem))?;
    // The socket's own address is the path asked for (as `verify_bound` checks for TCP).
    let bound = SocketAddrUnix::try_from(rustix::net::getsockname(socket.as_fd())?)
        .map_err(|_| io::Error::other("a Unix socket reported an address of another family"))?;
    let same = bound
        .path_bytes()
        .is_some_and(|bytes| bytes == path.as_os_str().as_encoded_bytes());
    if !same {
        return Err(io::Error::other(std::format!(
            "socket asked to bind unix:{} was bound elsewhere; it was closed",
            path.display()
        )));
    }
    Ok(())
}

/// Whether a server listens on the socket file at `path`: connecting says.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn probe(path: &Path) -> Probe {
    match UnixStream::connect(path) {
        Ok(_) => Probe::Listening,
        Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => Probe::Refused,
        Err(err) => Probe::Failed(err.kind()),
    }
}

/// A new Unix stream socket, closed on exec.
fn stream_socket() -> io::Result<OwnedFd> {
    Ok(rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )?)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn bind_abstract(name: &str) -> io::Result<UnixListener> {
    let socket = stream_socket()?;
    rustix::net::bind(
        &socket,
        &SocketAddrUnix::new_abstract_name(name.as_bytes())?,
    )?;
    rustix::net::listen(&socket, BACKLOG)?;
    Ok(UnixListener::from(socket))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn bind_abstract(_name: &str) -> io::Result<UnixListener> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "abstract Unix sockets (unix:@NAME) exist on Linux only; write unix:/ABSOLUTE/PATH",
    ))
}
