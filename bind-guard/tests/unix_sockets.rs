//! Unix sockets as another user sees them: each claim of `bind_guard::unix` tried the
//! way a local attacker would, by connecting as `nobody` (uid 65534) from a child
//! process (this test binary, run again with its uid and gid set: no `unsafe`).
//!
//! Needs root (to start a process as `nobody`), as CI and the project's machines run;
//! elsewhere the tests that need another user say so and fail rather than pass unseen.
#![cfg(all(feature = "unix", target_os = "linux"))]

use std::io;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bind_guard::unix::{FileKind, UnixOptions, UnixProblem};
use bind_guard::{BindSet, ErrorKind, Policy, UnixAddr};

const NOBODY: u32 = 65534;
const NOGROUP: u32 = 65534;

/// The window test changes the process's umask; the others must not run meanwhile.
static UMASK: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    UMASK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fresh directory that `nobody` may enter (0755, owned by root), removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("bg-unix-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Dir(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn addr(&self, name: &str) -> UnixAddr {
        format!("unix:{}", self.join(name).display())
            .parse()
            .unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the child saw.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Connected,
    Denied,
    Refused,
    Other(i32),
}

/// Runs this test binary again as `nobody` to connect to `target` (a path, or `@name`)
/// once, or for `for_ms` milliseconds in a loop (then `Connected` if any attempt did).
fn connect_as_nobody(target: &str, for_ms: u64) -> Seen {
    assert!(
        rustix::process::geteuid().is_root(),
        "this test connects as another user, which needs root"
    );
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_connects",
            "--ignored",
            "--quiet",
            "--test-threads=1",
        ])
        .env("BG_UNIX_TARGET", target)
        .env("BG_UNIX_FOR_MS", for_ms.to_string())
        .uid(NOBODY)
        .gid(NOGROUP)
        // (std drops root's supplementary groups when it sets the uid as root.)
        .status()
        .unwrap();
    match status.code() {
        Some(0) => Seen::Connected,
        Some(3) => Seen::Denied,
        Some(4) => Seen::Refused,
        other => Seen::Other(other.unwrap_or(-1)),
    }
}

/// The child: connects and says what happened in its exit code. It runs only when the
/// parent starts it (`--ignored --exact`).
#[test]
#[ignore = "run by the other tests as another user"]
fn child_connects() {
    use std::os::linux::net::SocketAddrExt;
    let target = std::env::var("BG_UNIX_TARGET").unwrap();
    let for_ms: u64 = std::env::var("BG_UNIX_FOR_MS").unwrap().parse().unwrap();
    assert_ne!(
        rustix::process::geteuid().as_raw(),
        0,
        "must run as another user"
    );
    let connect = || match target.strip_prefix('@') {
        Some(name) => {
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name).unwrap();
            UnixStream::connect_addr(&addr)
        }
        None => UnixStream::connect(&target),
    };
    let code = |result: io::Result<UnixStream>| match result {
        Ok(_) => 0,
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => 3,
        Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => 4,
        Err(err) if err.kind() == io::ErrorKind::NotFound => 4,
        Err(_) => 5,
    };
    if for_ms == 0 {
        std::process::exit(code(connect()));
    }
    let end = Instant::now() + Duration::from_millis(for_ms);
    let mut attempts = 0u64;
    while Instant::now() < end {
        attempts += 1;
        if connect().is_ok() {
            eprintln!("connected after {attempts} attempts");
            std::process::exit(0);
        }
    }
    eprintln!("{attempts} attempts, none connected");
    std::process::exit(3);
}

#[test]
fn a_0600_socket_refuses_another_user_and_admits_its_owner() {
    let _lock = lock();
    let dir = Dir::new("0600");
    let addr = dir.addr("admin.sock");
    let listener = addr.bind().unwrap();
    let path = dir.join("admin.sock");
    let mode = std::fs::symlink_metadata(&path)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o600);
    assert_eq!(connect_as_nobody(path.to_str().unwrap(), 0), Seen::Denied);
    UnixStream::connect(&path).unwrap();
    drop(listener);
}

#[test]
fn a_0660_socket_admits_its_group() {
    let _lock = lock();
    let dir = Dir::new("0660");
    let path = dir.join("group.sock");
    let _listener = dir
        .addr("group.sock")
        .bind_with(&UnixOptions::new().group(NOGROUP))
        .unwrap();
    let meta = std::fs::symlink_metadata(&path).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!((meta.mode() & 0o7777, meta.gid()), (0o660, NOGROUP));
    assert_eq!(
        connect_as_nobody(path.to_str().unwrap(), 0),
        Seen::Connected
    );
}

#[test]
fn an_abstract_socket_admits_any_local_user() {
    let _lock = lock();
    let name = format!("bg-unix-test-{}", std::process::id());
    let text = format!("unix:@{name}");
    // The default policy refuses it, saying why.
    let err = BindSet::parse(&Policy::default(), &text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AbstractSocket);
    assert!(
        err.to_string()
            .contains("any local process in this network namespace may connect"),
        "{err}"
    );
    let policy: Policy = "default,allow_abstract".parse().unwrap();
    let addr = policy.parse_unix(&text).unwrap();
    let _listener = addr.bind().unwrap();
    // What the opt-in opens: another user connects, no file mode in the way.
    assert_eq!(connect_as_nobody(&format!("@{name}"), 0), Seen::Connected);
}

/// The mode is never looser (the argument from the order of the system calls is on
/// `UnixAddr::bind_with`; this tries it): with umask 0 the kernel makes a socket file 0777, and
/// `nobody` tries to connect in a loop while the socket is bound again and again. A
/// plain `UnixListener::bind` under the same umask is the control: `nobody` connects to
/// it, so a test that saw no connection saw the window closed, not a broken probe.
#[test]
fn no_moment_lets_another_user_connect_while_binding() {
    let _lock = lock();
    let dir = Dir::new("window");
    let path = dir.join("w.sock");
    let addr = dir.addr("w.sock");
    let old = rustix::process::umask(rustix::fs::Mode::empty());
    let restore = || {
        rustix::process::umask(old);
    };
    // Control: std's bind under umask 0 leaves a file anyone may connect to.
    let control = UnixListener::bind(&path).unwrap();
    let control_seen = connect_as_nobody(path.to_str().unwrap(), 0);
    drop(control);
    std::fs::remove_file(&path).unwrap();
    if control_seen != Seen::Connected {
        restore();
        panic!("control: nobody could not connect to a 0777 socket: {control_seen:?}");
    }
    // The kernel fact the order rests on: a socket's own mode, set before bind(), is
    // the mode its file is born with (here under umask 0, which would give 0777).
    {
        use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};
        let raw = rustix::net::socket_with(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        rustix::fs::fchmod(&raw, rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR).unwrap();
        rustix::net::bind(&raw, &SocketAddrUnix::new(&path).unwrap()).unwrap();
        let born = std::fs::symlink_metadata(&path)
            .unwrap()
            .permissions()
            .mode();
        drop(raw);
        std::fs::remove_file(&path).unwrap();
        if born & 0o777 != 0o600 {
            restore();
            panic!("a socket fchmod'ed to 0600 made a file of mode {born:o}");
        }
    }
    // The child tries for 3 s; meanwhile bind, close, unlink, over and over.
    let target = path.to_str().unwrap().to_owned();
    let child = std::thread::spawn(move || connect_as_nobody(&target, 3000));
    let end = Instant::now() + Duration::from_millis(3200);
    let mut binds = 0;
    while Instant::now() < end {
        let listener = addr.bind().unwrap();
        binds += 1;
        drop(listener);
        std::fs::remove_file(&path).unwrap();
    }
    restore();
    let seen = child.join().unwrap();
    assert!(binds > 100, "only {binds} binds");
    assert_eq!(seen, Seen::Denied, "after {binds} binds");
}

#[test]
fn a_stale_socket_of_this_user_is_replaced() {
    let _lock = lock();
    let dir = Dir::new("stale");
    let path = dir.join("s.sock");
    drop(UnixListener::bind(&path).unwrap()); // the file stays, nobody listens
    assert!(path.exists());
    let listener = dir.addr("s.sock").bind().unwrap();
    UnixStream::connect(&path).unwrap();
    drop(listener);
}

#[test]
fn a_live_socket_is_in_use_and_never_taken_over() {
    let _lock = lock();
    let dir = Dir::new("live");
    let path = dir.join("l.sock");
    let other = UnixListener::bind(&path).unwrap();
    let err = dir.addr("l.sock").bind().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    assert!(err.to_string().contains("in use"), "{err}");
    // The other server still has its socket: a client reaches it.
    let _client = UnixStream::connect(&path).unwrap();
    other.set_nonblocking(true).unwrap();
    // The probe's connection and the client's are both queued at the other server.
    assert!(other.accept().is_ok());
}

#[test]
fn a_stale_socket_of_another_user_stays() {
    let _lock = lock();
    let dir = Dir::new("foreign");
    let path = dir.join("f.sock");
    drop(UnixListener::bind(&path).unwrap());
    std::os::unix::fs::chown(&path, Some(NOBODY), None).unwrap();
    let err = dir.addr("f.sock").bind().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::symlink_metadata(&path).unwrap().uid(), NOBODY);
}

#[test]
fn files_directories_and_links_at_the_path_are_left_exactly_as_they_were() {
    let _lock = lock();
    let dir = Dir::new("occupied");
    // A regular file, with content and a mode.
    let file = dir.join("file.sock");
    std::fs::write(&file, b"precious\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    // A directory with something in it.
    let sub = dir.join("dir.sock");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("inside"), b"x").unwrap();
    // A symbolic link to a file elsewhere, and one that dangles.
    let target = dir.join("target");
    std::fs::write(&target, b"target\n").unwrap();
    let link = dir.join("link.sock");
    symlink(&target, &link).unwrap();
    let dangling = dir.join("dangling.sock");
    symlink(dir.join("nowhere"), &dangling).unwrap();

    let snapshot = |p: &Path| {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(p).unwrap();
        (meta.ino(), meta.mode(), meta.len(), meta.mtime_nsec())
    };
    let cases = [
        (&file, FileKind::Regular),
        (&sub, FileKind::Directory),
        (&link, FileKind::Symlink),
        (&dangling, FileKind::Symlink),
    ];
    for (path, kind) in cases {
        let before = snapshot(path);
        let addr: UnixAddr = format!("unix:{}", path.display()).parse().unwrap();
        let err = addr.bind().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
        assert!(err.to_string().contains("left as it is"), "{err}");
        let inner = err.into_inner().unwrap();
        let unix = inner.downcast_ref::<bind_guard::unix::UnixError>().unwrap();
        assert_eq!(unix.problem(), &UnixProblem::Occupied(kind));
        assert_eq!(snapshot(path), before, "{}", path.display());
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"precious\n");
    assert_eq!(std::fs::read(sub.join("inside")).unwrap(), b"x");
    assert_eq!(std::fs::read(&target).unwrap(), b"target\n");
    assert!(!dir.join("nowhere").exists());
}

#[test]
fn a_directory_others_may_write_is_refused_unless_sticky() {
    let _lock = lock();
    let dir = Dir::new("open-dir");
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o777)).unwrap();
    let err = dir.addr("x.sock").bind().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err}");
    assert!(err.to_string().contains("writable by every user"), "{err}");
    assert!(!dir.join("x.sock").exists());
    // With the sticky bit (as /tmp), only the owner may remove the socket file.
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let _listener = dir.addr("x.sock").bind().unwrap();
}

#[test]
fn a_set_binds_tcp_and_unix_together_or_nothing() {
    let _lock = lock();
    let dir = Dir::new("set");
    let list = format!("127.0.0.1:0,unix:{}", dir.join("a.sock").display());
    let set = BindSet::parse(&Policy::loopback(), &list).unwrap();
    let listeners = set.bind().unwrap();
    assert!(matches!(
        listeners.as_slice(),
        [
            bind_guard::unix::Listener::Tcp(_),
            bind_guard::unix::Listener::Unix(_)
        ]
    ));
    drop(listeners);
    // The IP-only binders refuse the set rather than leave the Unix socket out.
    let err = set.bind_tcp().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    assert!(err.to_string().contains("unix:"), "{err}");
    // A file in the way: nothing stays bound, and the error names the entry.
    std::fs::write(dir.join("b.sock"), b"").unwrap();
    let taken = format!("unix:{},127.0.0.1:0", dir.join("b.sock").display());
    let err = BindSet::parse(&Policy::default(), &taken)
        .unwrap()
        .bind()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("cannot listen on unix:"),
        "{err}"
    );
}

/// What `inherited::Activation::take_unix` applies to a socket a service manager bound.
#[test]
fn a_socket_bound_elsewhere_is_judged_by_its_file_and_name() {
    use bind_guard::unix::judge_listening;
    let _lock = lock();
    let dir = Dir::new("inherited");
    let path = dir.join("app.sock");
    let listener = UnixListener::bind(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = judge_listening(&listener, &Policy::default()).unwrap();
    assert_eq!(text, format!("unix:{}", path.display()));
    // Every user may connect: refused, and the error says so.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let err = judge_listening(&listener, &Policy::default()).unwrap_err();
    assert!(
        err.to_string().contains("lets every local user connect"),
        "{err}"
    );
    // Owned by another user (not root): refused.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&path, Some(NOBODY), None).unwrap();
    let err = judge_listening(&listener, &Policy::default()).unwrap_err();
    assert!(err.to_string().contains("belongs to user 65534"), "{err}");
    // An abstract name: refused by default, accepted with the opt-in.
    use std::os::linux::net::SocketAddrExt;
    let name = format!("bg-inherited-{}", std::process::id());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
    let named = UnixListener::bind_addr(&addr).unwrap();
    let err = judge_listening(&named, &Policy::default()).unwrap_err();
    assert!(err.to_string().contains("abstract"), "{err}");
    let policy = Policy::default().allow_abstract();
    assert_eq!(
        judge_listening(&named, &policy).unwrap(),
        format!("unix:@{name}")
    );
    // Not a listening Unix socket: refused.
    let (a, _b) = UnixStream::pair().unwrap();
    assert!(judge_listening(&a, &policy).is_err());
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(judge_listening(&tcp, &policy).is_err());
}
