//! [`UnixAddr`]: a Unix domain socket as a bind address (`unix:/path`, `unix:@name`), and
//! [`ListenAddr`]: an IP address under a rule, or a Unix socket.
//!
//! A Unix socket is reachable through no network and by no web page: only processes on
//! this host that may open its file (a path) or that share its network namespace (an
//! abstract name). So every policy accepts a path, whose exposure the file's mode and
//! directory decide when it is bound (`bind_guard::unix`, `unix` feature), and only an
//! explicit opt-in accepts an abstract name, which has no file and so no permissions.

use alloc::boxed::Box;
use core::fmt;
use core::str::FromStr;

use crate::marker::{Checked, Rule};
use crate::{BindAddr, BindError, ErrorKind, Policy};

/// The prefix of the text form.
pub(crate) const PREFIX: &str = "unix:";

/// The longest path or abstract name a socket address holds: `sun_path` is 108 bytes,
/// which a path shares with its terminating NUL and an abstract name with its leading
/// NUL.
pub const MAX_UNIX_PATH: usize = 107;

/// A Unix domain socket to listen on, checked when it was built: an absolute path
/// (`unix:/run/app/admin.sock`) or, where the policy opted in, a Linux abstract name
/// (`unix:@app-admin`).
///
/// The path is absolute, has no empty, `.` or `..` component and no control character,
/// and fits a socket address (at most [`MAX_UNIX_PATH`] bytes), so the file bound is the
/// one the text names. [`FromStr`] uses the default policy, which refuses abstract
/// names; [`Policy::parse_unix`] reads one under any policy.
///
/// ```
/// use bind_guard::{ErrorKind, Policy, UnixAddr};
///
/// let admin: UnixAddr = "unix:/run/app/admin.sock".parse()?;
/// assert_eq!(admin.path(), Some("/run/app/admin.sock"));
/// assert_eq!(admin.to_string(), "unix:/run/app/admin.sock");
///
/// let err = "unix:@app".parse::<UnixAddr>().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::AbstractSocket);
/// let named = Policy::default().allow_abstract().parse_unix("unix:@app")?;
/// assert_eq!(named.abstract_name(), Some("app"));
///
/// assert_eq!("unix:run/app.sock".parse::<UnixAddr>().unwrap_err().kind(), ErrorKind::InvalidUnixPath);
/// # Ok::<(), bind_guard::BindError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixAddr {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Path(Box<str>),
    Abstract(Box<str>),
}

impl UnixAddr {
    /// The path of a socket file, or `None` for an abstract name.
    #[must_use]
    pub fn path(&self) -> Option<&str> {
        match &self.kind {
            Kind::Path(path) => Some(path),
            Kind::Abstract(_) => None,
        }
    }

    /// The abstract name (without the `@`), or `None` for a path.
    #[must_use]
    pub fn abstract_name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Abstract(name) => Some(name),
            Kind::Path(_) => None,
        }
    }

    /// Whether this is an abstract name: no file, and no permissions.
    #[must_use]
    pub fn is_abstract(&self) -> bool {
        matches!(self.kind, Kind::Abstract(_))
    }

    /// Whether `text` is meant as a Unix socket (it starts with `unix:`, in any case),
    /// well formed or not: how a list reader chooses between this and an IP address.
    #[must_use]
    pub fn is_unix_form(text: &str) -> bool {
        is_unix_form(text)
    }
}

/// Whether `s` is meant as a Unix socket (`unix:…`), well formed or not.
pub(crate) fn is_unix_form(s: &str) -> bool {
    s.get(..PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(PREFIX))
}

/// Reads `unix:/path` or `unix:@name`, and refuses an abstract name unless
/// `allow_abstract`. The one reader of the text form.
pub(crate) fn parse(s: &str, allow_abstract: bool) -> Result<UnixAddr, ErrorKind> {
    let rest = match s.strip_prefix(PREFIX) {
        Some(rest) => rest,
        None => return Err(ErrorKind::InvalidUnixPath),
    };
    if rest.chars().any(char::is_control) {
        return Err(ErrorKind::InvalidUnixPath);
    }
    if rest.len() > MAX_UNIX_PATH + usize::from(rest.starts_with('@')) {
        return Err(ErrorKind::UnixPathTooLong);
    }
    if let Some(name) = rest.strip_prefix('@') {
        if name.is_empty() {
            return Err(ErrorKind::InvalidUnixPath);
        }
        // Decided after the form, so a malformed text is named as such first.
        if !allow_abstract {
            return Err(ErrorKind::AbstractSocket);
        }
        return Ok(UnixAddr {
            kind: Kind::Abstract(name.into()),
        });
    }
    let components = match rest.strip_prefix('/') {
        Some(components) => components,
        None => return Err(ErrorKind::InvalidUnixPath),
    };
    // `/` alone, `//`, a trailing `/`, `.` and `..` would name another file than the
    // text seems to (or a directory), and the checks of the parent directory read the
    // text's parent: refuse them rather than normalize.
    if components
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(ErrorKind::InvalidUnixPath);
    }
    Ok(UnixAddr {
        kind: Kind::Path(rest.into()),
    })
}

/// `unix:/path` or `unix:@name`: the form [`FromStr`] and [`Policy::parse_unix`] read.
impl fmt::Display for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Path(path) => write!(f, "{PREFIX}{path}"),
            Kind::Abstract(name) => write!(f, "{PREFIX}@{name}"),
        }
    }
}

/// Reads `unix:/path` under the default policy, which refuses abstract names.
impl FromStr for UnixAddr {
    type Err = BindError;

    fn from_str(s: &str) -> Result<Self, BindError> {
        Policy::new().parse_unix(s)
    }
}

impl Policy {
    /// Reads a Unix socket address, `unix:/ABSOLUTE/PATH` or `unix:@NAME`. Every policy
    /// accepts a path (who may connect is the file's mode, which binding sets and
    /// checks); an abstract name only with [`allow_abstract`](Policy::allow_abstract).
    pub fn parse_unix(&self, s: &str) -> Result<UnixAddr, BindError> {
        parse(s, self.allows_abstract()).map_err(|kind| BindError::new(s, kind))
    }

    /// Reads a listen address: a Unix socket (`unix:…`, see
    /// [`parse_unix`](Policy::parse_unix)) or an IP socket address, checked by this
    /// policy (see [`parse`](Policy::parse)).
    ///
    /// ```
    /// use bind_guard::{ListenAddr, Policy};
    ///
    /// let policy = Policy::loopback();
    /// assert!(matches!(policy.parse_listen("unix:/run/app.sock")?, ListenAddr::Unix(_)));
    /// assert!(matches!(policy.parse_listen("[::1]:80")?, ListenAddr::Ip(_)));
    /// assert!(policy.parse_listen("10.0.0.1:80").is_err());
    /// # Ok::<(), bind_guard::BindError>(())
    /// ```
    pub fn parse_listen(&self, s: &str) -> Result<ListenAddr, BindError> {
        if is_unix_form(s) {
            self.parse_unix(s).map(ListenAddr::Unix)
        } else {
            self.parse(s).map(ListenAddr::Ip)
        }
    }
}

/// Where a server listens: an IP socket address under the rule `P`, or a Unix socket.
///
/// [`LoopbackAddr`](crate::LoopbackAddr) keeps meaning "TCP or UDP on loopback"; a
/// library whose endpoint may as well be a Unix socket takes `ListenAddr<Loopback>`:
/// loopback or a Unix socket, and nothing a remote host could reach.
///
/// ```
/// use bind_guard::{ListenAddr, marker::Loopback};
///
/// fn start_admin(addr: ListenAddr<Loopback>) -> String {
///     addr.to_string()
/// }
/// assert_eq!(start_admin("unix:/run/app/admin.sock".parse()?), "unix:/run/app/admin.sock");
/// assert_eq!(start_admin("127.0.0.1:9000".parse()?), "127.0.0.1:9000");
/// assert!("10.0.0.1:9000".parse::<ListenAddr<Loopback>>().is_err());
/// # Ok::<(), bind_guard::BindError>(())
/// ```
///
/// [`FromStr`] reads `unix:…` with the default policy (abstract names refused) and any
/// other text as [`BindAddr<P>`] does.
pub enum ListenAddr<P = Checked> {
    /// An IP socket address that passed the rule `P`.
    Ip(BindAddr<P>),
    /// A Unix domain socket.
    Unix(UnixAddr),
}

impl<P> ListenAddr<P> {
    /// The IP address, if this is one.
    #[must_use]
    pub fn ip(&self) -> Option<&BindAddr<P>> {
        match self {
            ListenAddr::Ip(addr) => Some(addr),
            ListenAddr::Unix(_) => None,
        }
    }

    /// The Unix socket, if this is one.
    #[must_use]
    pub fn unix(&self) -> Option<&UnixAddr> {
        match self {
            ListenAddr::Unix(addr) => Some(addr),
            ListenAddr::Ip(_) => None,
        }
    }
}

// Written by hand, as for `BindAddr`, so that they need no bound on the marker.
impl<P> Clone for ListenAddr<P> {
    fn clone(&self) -> Self {
        match self {
            ListenAddr::Ip(addr) => ListenAddr::Ip(*addr),
            ListenAddr::Unix(addr) => ListenAddr::Unix(addr.clone()),
        }
    }
}

impl<P> PartialEq for ListenAddr<P> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ListenAddr::Ip(a), ListenAddr::Ip(b)) => a == b,
            (ListenAddr::Unix(a), ListenAddr::Unix(b)) => a == b,
            _ => false,
        }
    }
}

impl<P> Eq for ListenAddr<P> {}

impl<P> core::hash::Hash for ListenAddr<P> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        match self {
            ListenAddr::Ip(addr) => (0u8, addr).hash(state),
            ListenAddr::Unix(addr) => (1u8, addr).hash(state),
        }
    }
}

impl<P: Rule> fmt::Debug for ListenAddr<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Ip(addr) => f.debug_tuple("Ip").field(addr).finish(),
            ListenAddr::Unix(addr) => f.debug_tuple("Unix").field(addr).finish(),
        }
    }
}

impl<P> fmt::Display for ListenAddr<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Ip(addr) => fmt::Display::fmt(addr, f),
            ListenAddr::Unix(addr) => fmt::Display::fmt(addr, f),
        }
    }
}

impl<P: Rule> FromStr for ListenAddr<P> {
    type Err = BindError;

    fn from_str(s: &str) -> Result<Self, BindError> {
        if is_unix_form(s) {
            s.parse().map(ListenAddr::Unix)
        } else {
            s.parse().map(ListenAddr::Ip)
        }
    }
}

impl<P> From<BindAddr<P>> for ListenAddr<P> {
    fn from(addr: BindAddr<P>) -> Self {
        ListenAddr::Ip(addr)
    }
}

impl<P> From<UnixAddr> for ListenAddr<P> {
    fn from(addr: UnixAddr) -> Self {
        ListenAddr::Unix(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};

    fn kind(s: &str) -> Result<String, ErrorKind> {
        parse(s, true).map(|addr| addr.to_string())
    }

    #[test]
    fn paths_are_absolute_and_plain() {
        for ok in [
            "unix:/a",
            "unix:/run/app/admin.sock",
            "unix:/tmp/x y",
            "unix:/é",
        ] {
            assert_eq!(kind(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "unix:",
            "unix:a.sock",
            "unix:./a",
            "unix:/",
            "unix://a",
            "unix:/a/",
            "unix:/a//b",
            "unix:/a/./b",
            "unix:/a/../b",
            "unix:/..",
            "unix:/.",
            "unix:/a\nb",
            "unix:/a\0b",
            "unix:@",
            "unix:@a\u{1b}",
            "unx:/a",
            "/a",
        ] {
            assert_eq!(kind(bad), Err(ErrorKind::InvalidUnixPath), "{bad:?}");
        }
        // Dots inside a name are names.
        assert!(kind("unix:/a/..b/.c/d.").is_ok());
    }

    #[test]
    fn length_is_what_a_socket_address_holds() {
        let longest = alloc::format!("unix:/{}", "a".repeat(MAX_UNIX_PATH - 1));
        assert!(kind(&longest).is_ok());
        let over = alloc::format!("{longest}a");
        assert_eq!(kind(&over), Err(ErrorKind::UnixPathTooLong));
        let name = alloc::format!("unix:@{}", "a".repeat(MAX_UNIX_PATH));
        assert!(kind(&name).is_ok());
        assert_eq!(
            kind(&alloc::format!("{name}a")),
            Err(ErrorKind::UnixPathTooLong)
        );
    }

    #[test]
    fn abstract_names_need_the_opt_in() {
        assert_eq!(parse("unix:@app", false), Err(ErrorKind::AbstractSocket));
        let named = parse("unix:@app", true).unwrap();
        assert!(named.is_abstract() && named.path().is_none());
        assert_eq!(named.abstract_name(), Some("app"));
        // A malformed form is named as such, opt-in or not.
        assert_eq!(parse("unix:@", false), Err(ErrorKind::InvalidUnixPath));
        let path = parse("unix:/a", false).unwrap();
        assert!(!path.is_abstract() && path.abstract_name().is_none());
    }

    #[test]
    fn listen_addr_reads_both_kinds_under_a_rule() {
        use crate::marker::Loopback;
        let unix: ListenAddr<Loopback> = "unix:/run/a.sock".parse().unwrap();
        assert_eq!(unix.unix().and_then(UnixAddr::path), Some("/run/a.sock"));
        assert!(unix.ip().is_none());
        let ip: ListenAddr<Loopback> = "[::1]:80".parse().unwrap();
        assert_eq!(ip.ip().map(|a| a.port()), Some(80));
        assert!(ip.unix().is_none());
        assert_eq!(
            "10.0.0.1:80"
                .parse::<ListenAddr<Loopback>>()
                .unwrap_err()
                .kind(),
            ErrorKind::NotLoopback
        );
        assert_eq!(
            "unix:@x"
                .parse::<ListenAddr<Loopback>>()
                .unwrap_err()
                .kind(),
            ErrorKind::AbstractSocket
        );
        assert!(is_unix_form("UNIX:/a") && !is_unix_form("uni"));
    }

    #[cfg(all(feature = "serde", feature = "std"))]
    #[test]
    fn serde_keeps_unix_entries() {
        use crate::BindSet;
        let set: BindSet = serde_json::from_str(r#"["127.0.0.1:80", "unix:/run/a.sock"]"#).unwrap();
        assert_eq!(set.unix().count(), 1);
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["127.0.0.1:80","unix:/run/a.sock"]"#
        );
        let one: ListenAddr = serde_json::from_str(r#""unix:/run/a.sock""#).unwrap();
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            r#""unix:/run/a.sock""#
        );
        let err = serde_json::from_str::<UnixAddr>(r#""unix:@a""#).unwrap_err();
        assert!(err.to_string().contains("abstract Unix socket"), "{err}");
        assert!(serde_json::from_str::<BindSet>(r#""unix:@a,127.0.0.1:1""#).is_err());
    }
}
