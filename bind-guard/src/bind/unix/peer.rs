//! Who is on the other end of a Unix socket: `SO_PEERCRED`, checked against an allow
//! list (Linux).

use std::fmt;
use std::io;
use std::os::fd::AsFd;
use std::vec::Vec;

/// The credentials of a Unix socket's peer, as the kernel recorded them when it
/// connected (`SO_PEERCRED`): the peer cannot choose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerCred {
    /// The peer's process id when it connected.
    pub pid: i32,
    /// The peer's effective user id.
    pub uid: u32,
    /// The peer's effective group id.
    pub gid: u32,
}

impl PeerCred {
    /// Reads the peer's credentials from a connected Unix stream: a
    /// `std::os::unix::net::UnixStream`, a `tokio::net::UnixStream`, or anything else
    /// that lends its file descriptor.
    ///
    /// # Errors
    ///
    /// The error of `getsockopt` (`ENOTSOCK`, or `EINVAL`-like errors for a socket that
    /// is not a connected Unix socket).
    pub fn of(stream: impl AsFd) -> io::Result<Self> {
        let cred = rustix::net::sockopt::socket_peercred(stream.as_fd())?;
        Ok(PeerCred {
            pid: cred.pid.as_raw_nonzero().get(),
            uid: cred.uid.as_raw(),
            gid: cred.gid.as_raw(),
        })
    }
}

/// The users and groups that may talk to a server over a Unix socket, checked on each
/// accepted connection. Empty, it admits nobody: a list that cannot decide refuses.
///
/// ```
/// use bind_guard::unix::{PeerAllow, PeerCred};
///
/// let allow = PeerAllow::new().uid(0).gid(33);
/// assert!(allow.allows(&PeerCred { pid: 1, uid: 0, gid: 0 }));
/// assert!(allow.allows(&PeerCred { pid: 1, uid: 1000, gid: 33 }));
/// assert!(!allow.allows(&PeerCred { pid: 1, uid: 1000, gid: 1000 }));
/// assert!(!PeerAllow::new().allows(&PeerCred { pid: 1, uid: 0, gid: 0 }));
/// ```
///
/// With std, check each stream as it is accepted; with tokio the same, as
/// `tokio::net::UnixStream` lends its descriptor:
///
/// ```no_run
/// # async fn serve(listener: tokio::net::UnixListener) -> std::io::Result<()> {
/// let allow = bind_guard::unix::PeerAllow::same_user();
/// loop {
///     let (stream, _) = listener.accept().await?;
///     let Ok(peer) = allow.admit(&stream) else { continue }; // dropped: closed
///     // serve `stream`; `peer` says who it is
///     # let _ = peer;
/// }
/// # }
/// ```
///
/// Behind a tower stack (axum, hyper-util), check in the accept loop as above, before
/// the connection reaches the service, and put the [`PeerCred`] in the request
/// extensions if handlers need it: a refused peer then never reaches a handler.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PeerAllow {
    uids: Vec<u32>,
    gids: Vec<u32>,
}

impl PeerAllow {
    /// Admits nobody yet; add users and groups with [`uid`](PeerAllow::uid) and
    /// [`gid`](PeerAllow::gid).
    #[must_use]
    pub fn new() -> Self {
        PeerAllow::default()
    }

    /// Admits the user this process runs as (its effective user id).
    #[must_use]
    pub fn same_user() -> Self {
        PeerAllow::new().uid(rustix::process::geteuid().as_raw())
    }

    /// Admits the user `uid` too.
    #[must_use]
    pub fn uid(mut self, uid: u32) -> Self {
        self.uids.push(uid);
        self
    }

    /// Admits the members of group `gid` too (a peer whose effective group is `gid`).
    #[must_use]
    pub fn gid(mut self, gid: u32) -> Self {
        self.gids.push(gid);
        self
    }

    /// Whether `peer` is admitted: its user or its group is on the list.
    #[must_use]
    pub fn allows(&self, peer: &PeerCred) -> bool {
        self.uids.contains(&peer.uid) || self.gids.contains(&peer.gid)
    }

    /// Checks `peer`.
    ///
    /// # Errors
    ///
    /// [`PeerRefused`] if it is not admitted.
    pub fn check(&self, peer: &PeerCred) -> Result<(), PeerRefused> {
        if self.allows(peer) {
            Ok(())
        } else {
            Err(PeerRefused { peer: *peer })
        }
    }

    /// Reads the credentials of an accepted stream and checks them: the peer, if
    /// admitted. A stream whose credentials cannot be read is refused.
    ///
    /// # Errors
    ///
    /// A [`PeerRefused`] (kind `PermissionDenied`), or the error reading the credentials.
    pub fn admit(&self, stream: impl AsFd) -> io::Result<PeerCred> {
        let peer = PeerCred::of(stream)?;
        self.check(&peer)
            .map_err(|err| io::Error::new(io::ErrorKind::PermissionDenied, err))?;
        Ok(peer)
    }
}

/// A peer that a [`PeerAllow`] did not admit.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerRefused {
    peer: PeerCred,
}

crate::bind_error::debug_is_display!(PeerRefused);

impl PeerRefused {
    /// The peer that was refused.
    #[must_use]
    pub fn peer(&self) -> &PeerCred {
        &self.peer
    }
}

impl fmt::Display for PeerRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Unix socket peer refused: process {} runs as user {} and group {}, which are \
             not allowed to connect",
            self.peer.pid, self.peer.uid, self.peer.gid
        )
    }
}

impl std::error::Error for PeerRefused {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixStream;
    use std::string::ToString;

    #[test]
    fn the_kernel_reports_this_process_as_the_peer() {
        let (a, b) = UnixStream::pair().unwrap();
        let peer = PeerCred::of(&a).unwrap();
        assert_eq!(peer.uid, rustix::process::geteuid().as_raw());
        assert_eq!(peer.gid, rustix::process::getegid().as_raw());
        assert_eq!(peer.pid, i32::try_from(std::process::id()).unwrap());
        assert_eq!(PeerAllow::same_user().admit(&b).unwrap(), peer);
        let err = PeerAllow::new().admit(&b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("not allowed"), "{err}");
    }

    #[test]
    fn users_or_groups_on_the_list_are_admitted() {
        let peer = |uid, gid| PeerCred { pid: 7, uid, gid };
        let allow = PeerAllow::new().uid(10).gid(20);
        assert!(allow.allows(&peer(10, 99)));
        assert!(allow.allows(&peer(99, 20)));
        assert!(!allow.allows(&peer(20, 10)));
        assert_eq!(allow.check(&peer(1, 1)).unwrap_err().peer(), &peer(1, 1));
        assert!(allow.check(&peer(10, 1)).is_ok());
        assert!(!PeerAllow::new().allows(&peer(0, 0)));
    }

    #[test]
    fn a_socket_without_a_peer_is_an_error() {
        let file = std::fs::File::open("/").unwrap();
        assert!(PeerCred::of(&file).is_err());
    }
}
