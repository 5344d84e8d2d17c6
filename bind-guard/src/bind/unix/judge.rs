//! The decisions about a Unix socket's file and directory, from facts read elsewhere:
//! pure functions, shared by binding, inherited sockets and `bind-guard audit`.

use std::fmt;
use std::io;
use std::path::Path;

use crate::{ErrorKind, Policy};

/// Write permission for others (`o+w`): on a socket file, it lets every local user
/// connect; on a directory, it lets every local user create, delete and rename its files.
const OTHERS_WRITE: u32 = 0o002;
/// Write permission for the file's group (`g+w`).
const GROUP_WRITE: u32 = 0o020;
/// The sticky bit: in a directory that has it, only a file's owner (or the directory's,
/// or root) may delete or rename the file, whoever may write the directory (`/tmp`).
const STICKY: u32 = 0o1000;

/// What kind of file is at a path (a symbolic link is not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A socket file.
    Socket,
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// Anything else (a FIFO, a device).
    Other,
}

impl FileKind {
    fn name(self) -> &'static str {
        match self {
            FileKind::Socket => "socket file",
            FileKind::Regular => "regular file",
            FileKind::Directory => "directory",
            FileKind::Symlink => "symbolic link",
            FileKind::Other => "special file",
        }
    }
}

/// The facts about a file that decide who may use a Unix socket: its kind, permission
/// bits, owner and group (as `lstat` or `stat` reports them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileFacts {
    /// What the file is.
    pub kind: FileKind,
    /// The permission bits, with the set-id and sticky bits (`mode & 0o7777`).
    pub mode: u32,
    /// The owner's user id.
    pub uid: u32,
    /// The file's group id.
    pub gid: u32,
}

impl FileFacts {
    /// The facts of the file at `path` itself (`lstat`: a symbolic link is reported as
    /// one, not followed).
    ///
    /// # Errors
    ///
    /// The error of `lstat` (`NotFound` if nothing is there).
    pub fn lstat(path: &Path) -> io::Result<Self> {
        std::fs::symlink_metadata(path).map(|meta| Self::of(&meta))
    }

    /// The facts of the file `path` leads to (`stat`: symbolic links followed), for a
    /// directory such as `/var/run` that is a link to `/run`.
    ///
    /// # Errors
    ///
    /// The error of `stat`.
    pub fn stat(path: &Path) -> io::Result<Self> {
        std::fs::metadata(path).map(|meta| Self::of(&meta))
    }

    fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let file_type = meta.file_type();
        let kind = if file_type.is_socket() {
            FileKind::Socket
        } else if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_dir() {
            FileKind::Directory
        } else if file_type.is_file() {
            FileKind::Regular
        } else {
            FileKind::Other
        };
        FileFacts {
            kind,
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
        }
    }
}

/// Why a Unix socket is refused: at bind time, for an inherited socket, or by an audit.
/// Each says what is wrong and what to change, for whoever set the path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnixProblem {
    /// The socket's directory is not a directory.
    ParentNotDirectory,
    /// The directory is writable by every user, without the sticky bit.
    ParentWritableByOthers {
        /// The directory's permission bits.
        mode: u32,
    },
    /// The directory is writable by a group the server does not run as, without the
    /// sticky bit.
    ParentWritableByGroup {
        /// The directory's group.
        gid: u32,
    },
    /// The directory belongs to a user who is neither the server's nor root.
    ParentOwnedByOther {
        /// The directory's owner.
        uid: u32,
    },
    /// A server is listening on the socket at the path.
    InUse,
    /// Something that is not a socket is at the path; it was left as it is.
    Occupied(FileKind),
    /// A socket file nobody listens on, but of another user: not ours to delete.
    ForeignSocket {
        /// The socket file's owner.
        uid: u32,
    },
    /// Connecting to the socket at the path, to see whether it is in use, failed in a
    /// way that does not say (permission denied, say).
    Unknown(io::ErrorKind),
    /// An abstract socket, which the policy did not opt in to.
    Abstract,
    /// The socket file lets every local user connect.
    OthersMayConnect {
        /// The socket file's permission bits.
        mode: u32,
    },
    /// The socket file belongs to a user who is neither the server's nor root.
    OwnedByOther {
        /// The socket file's owner.
        uid: u32,
    },
    /// After binding, the socket file was not as created (mode, owner, group or kind).
    NotAsCreated(FileFacts),
}

impl UnixProblem {
    /// The `std::io` error kind that fits.
    #[must_use]
    pub fn io_kind(&self) -> io::ErrorKind {
        match self {
            UnixProblem::InUse => io::ErrorKind::AddrInUse,
            UnixProblem::Occupied(_) | UnixProblem::ForeignSocket { .. } => {
                io::ErrorKind::AlreadyExists
            }
            UnixProblem::Unknown(kind) => *kind,
            _ => io::ErrorKind::PermissionDenied,
        }
    }
}

impl fmt::Display for UnixProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnixProblem::ParentNotDirectory => f.write_str(
                "its parent is not a directory; write the path of a socket file in a directory",
            ),
            UnixProblem::ParentWritableByOthers { mode } => write!(
                f,
                "its directory is writable by every user (mode {mode:04o}) without the sticky \
                 bit, so any local user could delete the socket file and put their own in its \
                 place; remove write permission for others (chmod o-w) or add the sticky bit \
                 (chmod +t), or choose another directory"
            ),
            UnixProblem::ParentWritableByGroup { gid } => write!(
                f,
                "its directory is writable by group {gid}, which this server does not run as, \
                 without the sticky bit, so that group's members could replace the socket \
                 file; remove group write permission (chmod g-w) or choose another directory"
            ),
            UnixProblem::ParentOwnedByOther { uid } => write!(
                f,
                "its directory belongs to user {uid}, neither this server's user nor root, who \
                 could replace the socket file or open the directory to others; choose a \
                 directory owned by the server's user or by root"
            ),
            UnixProblem::InUse => f.write_str(
                "it is in use: another server is listening on it, and it is never taken over; \
                 stop that server or choose another path",
            ),
            UnixProblem::Occupied(kind) => write!(
                f,
                "a {} is at that path, and it was left as it is; remove it yourself if it is \
                 not needed, or choose another path",
                kind.name()
            ),
            UnixProblem::ForeignSocket { uid } => write!(
                f,
                "a socket file of user {uid} that nobody listens on is at that path, and it is \
                 not this server's to delete; remove it yourself, or choose another path"
            ),
            UnixProblem::Unknown(kind) => write!(
                f,
                "a socket file is at that path, and connecting to it to see whether it is in \
                 use failed ({}), so it was left as it is; remove it yourself if it is stale, \
                 or choose another path",
                io::Error::from(*kind)
            ),
            UnixProblem::Abstract => write!(
                f,
                "{}; {}",
                ErrorKind::AbstractSocket.problem(),
                ErrorKind::AbstractSocket.hint()
            ),
            UnixProblem::OthersMayConnect { mode } => write!(
                f,
                "its file mode {mode:04o} lets every local user connect; give it mode 0600 \
                 (its owner only) or 0660 with a group"
            ),
            UnixProblem::OwnedByOther { uid } => write!(
                f,
                "its file belongs to user {uid}, neither this server's user nor root; have it \
                 created by the server's user (systemd: SocketUser=)"
            ),
            UnixProblem::NotAsCreated(facts) => write!(
                f,
                "after binding, the socket file is not as it was made ({} with mode {:04o}, \
                 owner {}, group {}), so it was closed; check what else changes files in its \
                 directory",
                facts.kind.name(),
                facts.mode,
                facts.uid,
                facts.gid
            ),
        }
    }
}

/// Whether a socket file may go in the directory `dir`, for a server running as user
/// `uid` and group `gid`: whoever may delete or rename a file in that directory may
/// replace the socket with their own, and clients would talk to them.
///
/// Refused: a directory writable by every user without the sticky bit (with it, as in
/// `/tmp`, only the owner may delete or rename a file); writable by a group other than
/// the server's, without the sticky bit; owned by a user who is neither the server's nor
/// root (that user may change its mode at any time).
///
/// # Errors
///
/// The [`UnixProblem`] that refuses it.
pub fn judge_directory(dir: &FileFacts, uid: u32, gid: u32) -> Result<(), UnixProblem> {
    if dir.kind != FileKind::Directory {
        return Err(UnixProblem::ParentNotDirectory);
    }
    if dir.uid != uid && dir.uid != 0 {
        return Err(UnixProblem::ParentOwnedByOther { uid: dir.uid });
    }
    let sticky = dir.mode & STICKY != 0;
    if dir.mode & OTHERS_WRITE != 0 && !sticky {
        return Err(UnixProblem::ParentWritableByOthers { mode: dir.mode });
    }
    if dir.mode & GROUP_WRITE != 0 && !sticky && dir.gid != gid {
        return Err(UnixProblem::ParentWritableByGroup { gid: dir.gid });
    }
    Ok(())
}

/// What connecting to a socket file said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    /// A server accepted the connection.
    Listening,
    /// Nobody listens (`ECONNREFUSED`): a stale socket file.
    Refused,
    /// Some other error, which does not say.
    Failed(io::ErrorKind),
}

/// What may be done about the file found at the path before binding, for a server that
/// runs as `uid`: `Ok(())` if it is a stale socket file of this user, which is replaced;
/// otherwise why it stays (and the bind is refused). `probe` is asked only for a socket.
pub(crate) fn judge_existing(
    file: &FileFacts,
    uid: u32,
    probe: impl FnOnce() -> Probe,
) -> Result<(), UnixProblem> {
    if file.kind != FileKind::Socket {
        return Err(UnixProblem::Occupied(file.kind));
    }
    match probe() {
        Probe::Listening => Err(UnixProblem::InUse),
        Probe::Failed(kind) => Err(UnixProblem::Unknown(kind)),
        Probe::Refused if file.uid != uid => Err(UnixProblem::ForeignSocket { uid: file.uid }),
        Probe::Refused => Ok(()),
    }
}

/// Whether the socket file made by a bind is as it was meant: a socket, with `mode`
/// exactly, owned by `uid`, and of `gid` if a group was asked for.
pub(crate) fn judge_created(
    file: &FileFacts,
    mode: u32,
    uid: u32,
    gid: Option<u32>,
) -> Result<(), UnixProblem> {
    let group_ok = gid.is_none_or(|gid| file.gid == gid);
    if file.kind == FileKind::Socket && file.mode == mode && file.uid == uid && group_ok {
        Ok(())
    } else {
        Err(UnixProblem::NotAsCreated(*file))
    }
}

/// The verdict on a listening Unix socket with a path, from its file and its directory,
/// for a server that runs as `uid` and `gid` (an inherited socket, or one
/// `bind-guard audit` found): a socket file, owned by the server's user or root, that
/// not every local user may connect to, in a directory [`judge_directory`] accepts.
///
/// ```
/// use bind_guard::unix::{judge_socket_file, FileFacts, FileKind, UnixProblem};
///
/// let dir = FileFacts { kind: FileKind::Directory, mode: 0o755, uid: 0, gid: 0 };
/// let sock = FileFacts { kind: FileKind::Socket, mode: 0o600, uid: 1000, gid: 1000 };
/// assert_eq!(judge_socket_file(&sock, &dir, 1000, 1000), Ok(()));
/// let open = FileFacts { mode: 0o666, ..sock };
/// assert_eq!(judge_socket_file(&open, &dir, 1000, 1000), Err(UnixProblem::OthersMayConnect { mode: 0o666 }));
/// ```
///
/// # Errors
///
/// The first [`UnixProblem`] found: the file, then the directory.
pub fn judge_socket_file(
    file: &FileFacts,
    dir: &FileFacts,
    uid: u32,
    gid: u32,
) -> Result<(), UnixProblem> {
    if file.kind != FileKind::Socket {
        return Err(UnixProblem::Occupied(file.kind));
    }
    if file.mode & OTHERS_WRITE != 0 {
        return Err(UnixProblem::OthersMayConnect { mode: file.mode });
    }
    if file.uid != uid && file.uid != 0 {
        return Err(UnixProblem::OwnedByOther { uid: file.uid });
    }
    judge_directory(dir, uid, gid)
}

/// The verdict on an abstract socket (`@name`): refused unless `policy` opted in with
/// [`Policy::allow_abstract`], because any local process in the network namespace may
/// connect to it.
///
/// # Errors
///
/// [`UnixProblem::Abstract`] without the opt-in.
pub fn judge_abstract(policy: &Policy) -> Result<(), UnixProblem> {
    if policy.allows_abstract() {
        Ok(())
    } else {
        Err(UnixProblem::Abstract)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    const ME: u32 = 1000;
    const MY_GROUP: u32 = 1000;

    fn dir(mode: u32, uid: u32, gid: u32) -> FileFacts {
        FileFacts {
            kind: FileKind::Directory,
            mode,
            uid,
            gid,
        }
    }

    fn sock(mode: u32, uid: u32) -> FileFacts {
        FileFacts {
            kind: FileKind::Socket,
            mode,
            uid,
            gid: MY_GROUP,
        }
    }

    #[test]
    fn directories_others_could_replace_a_file_in_are_refused() {
        let judge = |d: FileFacts| judge_directory(&d, ME, MY_GROUP);
        assert_eq!(judge(dir(0o755, ME, MY_GROUP)), Ok(()));
        assert_eq!(judge(dir(0o700, 0, 0)), Ok(()));
        // /tmp: world-writable, sticky.
        assert_eq!(judge(dir(0o1777, 0, 0)), Ok(()));
        assert_eq!(
            judge(dir(0o777, 0, 0)),
            Err(UnixProblem::ParentWritableByOthers { mode: 0o777 })
        );
        assert_eq!(
            judge(dir(0o757, ME, MY_GROUP)),
            Err(UnixProblem::ParentWritableByOthers { mode: 0o757 })
        );
        // Group-writable: fine for the server's own group or with the sticky bit.
        assert_eq!(judge(dir(0o775, ME, MY_GROUP)), Ok(()));
        assert_eq!(judge(dir(0o1775, ME, 50)), Ok(()));
        assert_eq!(
            judge(dir(0o775, ME, 50)),
            Err(UnixProblem::ParentWritableByGroup { gid: 50 })
        );
        assert_eq!(
            judge(dir(0o755, 1001, MY_GROUP)),
            Err(UnixProblem::ParentOwnedByOther { uid: 1001 })
        );
        let file = FileFacts {
            kind: FileKind::Regular,
            ..dir(0o755, ME, MY_GROUP)
        };
        assert_eq!(judge(file), Err(UnixProblem::ParentNotDirectory));
    }

    #[test]
    fn only_a_stale_socket_of_this_user_is_replaced() {
        let refused = || Probe::Refused;
        assert_eq!(judge_existing(&sock(0o600, ME), ME, refused), Ok(()));
        assert_eq!(
            judge_existing(&sock(0o600, ME), ME, || Probe::Listening),
            Err(UnixProblem::InUse)
        );
        assert_eq!(
            judge_existing(&sock(0o600, 0), ME, refused),
            Err(UnixProblem::ForeignSocket { uid: 0 })
        );
        // A live socket of another user is "in use", whoever owns it.
        assert_eq!(
            judge_existing(&sock(0o666, 0), ME, || Probe::Listening),
            Err(UnixProblem::InUse)
        );
        let denied = io::ErrorKind::PermissionDenied;
        assert_eq!(
            judge_existing(&sock(0o600, ME), ME, || Probe::Failed(denied)),
            Err(UnixProblem::Unknown(denied))
        );
        for kind in [
            FileKind::Regular,
            FileKind::Directory,
            FileKind::Symlink,
            FileKind::Other,
        ] {
            let file = FileFacts {
                kind,
                ..sock(0o600, ME)
            };
            let never = || -> Probe { panic!("a {kind:?} is not probed") };
            assert_eq!(
                judge_existing(&file, ME, never),
                Err(UnixProblem::Occupied(kind))
            );
        }
    }

    #[test]
    fn a_created_socket_is_exactly_as_asked() {
        assert_eq!(judge_created(&sock(0o600, ME), 0o600, ME, None), Ok(()));
        assert_eq!(
            judge_created(&sock(0o660, ME), 0o660, ME, Some(MY_GROUP)),
            Ok(())
        );
        for (file, group) in [
            (sock(0o644, ME), None),
            (sock(0o600, 0), None),
            (sock(0o600, ME), Some(7)),
            (
                FileFacts {
                    kind: FileKind::Regular,
                    ..sock(0o600, ME)
                },
                None,
            ),
        ] {
            assert_eq!(
                judge_created(&file, 0o600, ME, group),
                Err(UnixProblem::NotAsCreated(file))
            );
        }
    }

    #[test]
    fn a_listening_socket_file_is_judged_with_its_directory() {
        let home = dir(0o755, 0, 0);
        let judge = |f: FileFacts, d: FileFacts| judge_socket_file(&f, &d, ME, MY_GROUP);
        assert_eq!(judge(sock(0o600, ME), home), Ok(()));
        assert_eq!(judge(sock(0o660, 0), home), Ok(()));
        assert_eq!(
            judge(sock(0o602, ME), home),
            Err(UnixProblem::OthersMayConnect { mode: 0o602 })
        );
        assert_eq!(
            judge(sock(0o600, 1001), home),
            Err(UnixProblem::OwnedByOther { uid: 1001 })
        );
        assert_eq!(
            judge(sock(0o600, ME), dir(0o777, 0, 0)),
            Err(UnixProblem::ParentWritableByOthers { mode: 0o777 })
        );
        let link = FileFacts {
            kind: FileKind::Symlink,
            ..sock(0o777, ME)
        };
        assert_eq!(
            judge(link, home),
            Err(UnixProblem::Occupied(FileKind::Symlink))
        );
    }

    #[test]
    fn abstract_sockets_need_the_opt_in() {
        assert_eq!(judge_abstract(&Policy::new()), Err(UnixProblem::Abstract));
        assert_eq!(judge_abstract(&Policy::new().allow_abstract()), Ok(()));
        let text = UnixProblem::Abstract.to_string();
        assert!(text.contains("any local process in this network namespace may connect"));
    }

    #[test]
    fn every_problem_has_an_io_kind_and_a_sentence() {
        assert_eq!(UnixProblem::InUse.io_kind(), io::ErrorKind::AddrInUse);
        assert_eq!(
            UnixProblem::Occupied(FileKind::Regular).io_kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(
            UnixProblem::ForeignSocket { uid: 0 }.io_kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(
            UnixProblem::Unknown(io::ErrorKind::TimedOut).io_kind(),
            io::ErrorKind::TimedOut
        );
        assert_eq!(
            UnixProblem::Abstract.io_kind(),
            io::ErrorKind::PermissionDenied
        );
        let text = UnixProblem::ParentWritableByOthers { mode: 0o777 }.to_string();
        assert!(
            text.contains("mode 0777") && text.contains("sticky"),
            "{text}"
        );
        assert!(
            UnixProblem::Occupied(FileKind::Symlink)
                .to_string()
                .contains("a symbolic link is at that path, and it was left as it is")
        );
    }
}
