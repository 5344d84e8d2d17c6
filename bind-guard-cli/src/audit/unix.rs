//! Unix domain sockets in `audit`: the listening ones (and bound datagram ones), with
//! their path or `@name`, the socket file's mode and owner, and the verdict.
//!
//! Who can connect to a Unix socket is decided by the file system, not by an address:
//! a path socket by the mode of its file (connecting needs write permission on it),
//! an abstract socket (`@name`, Linux) by nothing at all: any process in the network
//! namespace may connect, whatever its user (containerd CVE-2020-15257). So under every
//! policy, an abstract socket and a path socket others may write to are refused,
//! unless `--allow-process` lists every process holding it.
//!
//! The path is the socket's own mount namespace's: its file is looked up through
//! `/proc/PID/root` of a process holding the socket, and trusted only when its inode is
//! the one the kernel reports for the socket (`UNIX_DIAG_VFS`).

use std::ffi::OsStr;
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use bind_guard::Escaped;

/// The socket type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UnixKind {
    Stream,
    Dgram,
    Seqpacket,
}

impl UnixKind {
    /// From the `SOCK_*` value the kernel reports.
    pub(crate) fn from_type(kind: u8) -> Option<UnixKind> {
        match kind {
            1 => Some(UnixKind::Stream),
            2 => Some(UnixKind::Dgram),
            5 => Some(UnixKind::Seqpacket),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            UnixKind::Stream => "stream",
            UnixKind::Dgram => "dgram",
            UnixKind::Seqpacket => "seqpacket",
        }
    }
}

/// What a Unix socket is bound to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UnixName {
    Path(PathBuf),
    /// The abstract name, without its leading NUL.
    Abstract(Vec<u8>),
}

impl fmt::Display for UnixName {
    /// `/run/app.sock` or `@name`, escaped: any local user picks these bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnixName::Path(path) => {
                write!(
                    f,
                    "{}",
                    Escaped::new(&String::from_utf8_lossy(path.as_os_str().as_bytes()))
                )
            }
            UnixName::Abstract(bytes) => {
                // NULs are common inside abstract names; shown as `@` as ss shows them.
                let text: String = String::from_utf8_lossy(bytes).replace('\0', "@");
                write!(f, "@{}", Escaped::new(&text))
            }
        }
    }
}

/// What was found at a path socket's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileState {
    /// Not looked up yet, or an abstract socket (no file).
    None,
    /// The socket's own file: its mode (permission bits) and owner.
    Found { mode: u32, uid: u32, gid: u32 },
    /// Nothing at the path: the file was removed, and no one can connect by the path.
    Unlinked,
    /// The file could not be read or is not the socket's (with why).
    Unknown(String),
}

/// One Unix socket of one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnixSocket {
    pub(crate) kind: UnixKind,
    pub(crate) name: UnixName,
    /// The socket's inode (sockfs), as for inet sockets: how its holders are found.
    pub(crate) inode: u64,
    /// The inode of the file the socket was bound to, when the kernel says.
    pub(crate) file_inode: Option<u64>,
    pub(crate) file: FileState,
    /// The index of its namespace in the report.
    pub(crate) ns: usize,
}

/// Why a Unix socket is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnixRefusal {
    Abstract,
    OthersWritable,
    Unknown,
}

impl UnixRefusal {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            UnixRefusal::Abstract => "abstract_unix_socket",
            UnixRefusal::OthersWritable => "others_writable_unix_socket",
            UnixRefusal::Unknown => "unix_socket_mode_unknown",
        }
    }

    pub(crate) fn problem(self) -> &'static str {
        match self {
            UnixRefusal::Abstract => {
                "is an abstract Unix socket: it has no permissions, so any local process in \
                 its network namespace may connect, whatever its user"
            }
            UnixRefusal::OthersWritable => {
                "is a Unix socket others may write to: any local user may connect"
            }
            UnixRefusal::Unknown => {
                "is a Unix socket whose file could not be checked, so who may connect is \
                 unknown"
            }
        }
    }

    pub(crate) fn hint(self) -> &'static str {
        match self {
            UnixRefusal::Abstract => {
                "bind a path in a directory only its users can enter (mode 0700 or 0750) \
                 instead, or accept it here with --allow-process NAME"
            }
            UnixRefusal::OthersWritable => {
                "create the socket with mode 0600 (or 0660 and a group) before listening, \
                 or accept it here with --allow-process NAME"
            }
            UnixRefusal::Unknown => {
                "run the audit as root so the file can be read through a process holding \
                 the socket"
            }
        }
    }
}

impl UnixSocket {
    pub(crate) fn new(
        kind: UnixKind,
        name: UnixName,
        inode: u64,
        file_inode: Option<u64>,
    ) -> UnixSocket {
        UnixSocket {
            kind,
            name,
            inode,
            file_inode,
            file: FileState::None,
            ns: 0,
        }
    }

    /// Looks the socket's file up through `root` (`/proc/PID/root` of a holder, or `/`
    /// in the audit's own mount namespace).
    pub(crate) fn look_up(&mut self, root: &Path) {
        let UnixName::Path(path) = &self.name else {
            return;
        };
        let relative = path.strip_prefix("/").unwrap_or(path);
        let full = root.join(relative);
        self.file = match std::fs::metadata(&full) {
            Ok(meta) => match self.file_inode {
                Some(inode) if inode != meta.ino() => FileState::Unknown(format!(
                    "the file at {} is not this socket's (replaced, or resolved through a \
                     symbolic link outside its mount namespace)",
                    self.name
                )),
                // Without the kernel's inode the file is still the best evidence there is.
                _ => FileState::Found {
                    mode: meta.mode() & 0o7777,
                    uid: meta.uid(),
                    gid: meta.gid(),
                },
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => FileState::Unlinked,
            Err(err) => FileState::Unknown(format!(
                "cannot read {}: {err}",
                Escaped::new(&full.to_string_lossy())
            )),
        };
    }

    /// The verdict: an abstract socket, or a path socket others may write to (or whose
    /// file could not be checked) is refused; a path socket whose file is gone is
    /// unreachable, and allowed.
    pub(crate) fn verdict(&self) -> Result<(), UnixRefusal> {
        match (&self.name, &self.file) {
            (UnixName::Abstract(_), _) => Err(UnixRefusal::Abstract),
            (UnixName::Path(_), FileState::Found { mode, .. }) => {
                if mode & 0o002 == 0 {
                    Ok(())
                } else {
                    Err(UnixRefusal::OthersWritable)
                }
            }
            (UnixName::Path(_), FileState::Unlinked) => Ok(()),
            (UnixName::Path(_), FileState::None | FileState::Unknown(_)) => {
                Err(UnixRefusal::Unknown)
            }
        }
    }

    pub(crate) fn is_abstract(&self) -> bool {
        matches!(self.name, UnixName::Abstract(_))
    }

    /// The path or `@name` as JSON and metrics show it: the path as bytes made text
    /// (lossy), the abstract name with `@` for its leading NUL.
    pub(crate) fn display_name(&self) -> String {
        match &self.name {
            UnixName::Path(path) => {
                String::from_utf8_lossy(path.as_os_str().as_bytes()).into_owned()
            }
            UnixName::Abstract(bytes) => format!("@{}", String::from_utf8_lossy(bytes)),
        }
    }
}

/// A path from `/proc/net/unix` (the fallback): `@` starts an abstract name there.
pub(crate) fn name_from_proc(path: &Path) -> UnixName {
    let bytes = path.as_os_str().as_bytes();
    match bytes.strip_prefix(b"@") {
        Some(rest) => UnixName::Abstract(rest.to_vec()),
        None => UnixName::Path(Path::new(OsStr::from_bytes(bytes)).to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_socket(mode: u32) -> UnixSocket {
        let mut socket = UnixSocket::new(
            UnixKind::Stream,
            UnixName::Path("/run/a.sock".into()),
            1,
            None,
        );
        socket.file = FileState::Found {
            mode,
            uid: 0,
            gid: 0,
        };
        socket
    }

    #[test]
    fn abstract_and_others_writable_sockets_are_refused() {
        let abs = UnixSocket::new(UnixKind::Stream, UnixName::Abstract(b"x".to_vec()), 1, None);
        assert_eq!(abs.verdict(), Err(UnixRefusal::Abstract));
        assert_eq!(path_socket(0o600).verdict(), Ok(()));
        assert_eq!(path_socket(0o660).verdict(), Ok(()));
        assert_eq!(path_socket(0o775).verdict(), Ok(()));
        assert_eq!(
            path_socket(0o777).verdict(),
            Err(UnixRefusal::OthersWritable)
        );
        assert_eq!(
            path_socket(0o602).verdict(),
            Err(UnixRefusal::OthersWritable)
        );
        let mut gone = path_socket(0o777);
        gone.file = FileState::Unlinked;
        assert_eq!(gone.verdict(), Ok(()));
        gone.file = FileState::Unknown("x".into());
        assert_eq!(gone.verdict(), Err(UnixRefusal::Unknown));
        gone.file = FileState::None;
        assert_eq!(gone.verdict(), Err(UnixRefusal::Unknown));
    }

    #[test]
    fn names_are_escaped_for_the_terminal() {
        let abs = UnixName::Abstract(b"evil\x1b[2J\0x".to_vec());
        let shown = abs.to_string();
        assert!(shown.starts_with('@'), "{shown}");
        assert!(!shown.contains('\x1b'), "{shown}");
        let path = UnixName::Path("/tmp/\x1b[1A".into());
        assert!(!path.to_string().contains('\x1b'));
        assert_eq!(
            name_from_proc(Path::new("@foo")),
            UnixName::Abstract(b"foo".to_vec())
        );
        assert_eq!(name_from_proc(Path::new("/a")), UnixName::Path("/a".into()));
    }

    #[test]
    fn the_file_is_trusted_only_when_it_is_the_sockets() {
        let dir = std::env::temp_dir().join(format!("bg-audit-unixfile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("s");
        std::fs::write(&path, b"").unwrap();
        let ino = std::fs::metadata(&path).unwrap().ino();
        let mut socket =
            UnixSocket::new(UnixKind::Stream, UnixName::Path(path.clone()), 1, Some(ino));
        socket.look_up(Path::new("/"));
        assert!(
            matches!(socket.file, FileState::Found { .. }),
            "{:?}",
            socket.file
        );
        socket.file_inode = Some(ino + 1);
        socket.look_up(Path::new("/"));
        assert!(
            matches!(socket.file, FileState::Unknown(_)),
            "{:?}",
            socket.file
        );
        std::fs::remove_file(&path).unwrap();
        socket.look_up(Path::new("/"));
        assert_eq!(socket.file, FileState::Unlinked);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
