//! Async binding with tokio (`tokio` feature).
//!
//! Free functions rather than methods, so they never collide with the `std`
//! [`BindAddr::bind_tcp`] and [`BindAddr::bind_udp`] (which block and return `std`
//! sockets): `bind_guard::tokio::bind_tcp(addr).await` reads as what it does. Each binds
//! with tokio, then re-checks the bound address with [`BindAddr::verify_bound`], as the
//! `std` methods do.
//!
//! ```
//! use bind_guard::{bind_addr, LoopbackAddr};
//!
//! const ADMIN: LoopbackAddr = bind_addr!("127.0.0.1:9000");
//!
//! async fn serve_admin() -> std::io::Result<()> {
//!     let listener = bind_guard::tokio::bind_tcp(ADMIN).await?;
//!     let (stream, peer) = listener.accept().await?;
//!     // …
//!     # drop((stream, peer));
//!     Ok(())
//! }
//! ```
//!
//! The functions need a tokio runtime with the I/O driver enabled (`Runtime` built with
//! `enable_io`, or `#[tokio::main]`), like every tokio socket.

use std::io;
use std::vec::Vec;

use ::tokio::net::{TcpListener, UdpSocket};

use crate::marker::Rule;
use crate::{BindAddr, BindSet};

/// Opens a tokio TCP listener on `addr` and checks where it was bound.
///
/// # Errors
///
/// The bind error, or an error if the socket was bound anywhere but `addr` (then it is
/// closed).
pub async fn bind_tcp<P: Rule>(addr: BindAddr<P>) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(*addr.as_socket_addr()).await?;
    addr.verify_bound(listener.local_addr()?)?;
    Ok(listener)
}

/// Opens a tokio UDP socket on `addr` and checks where it was bound.
///
/// # Errors
///
/// As [`bind_tcp`].
pub async fn bind_udp<P: Rule>(addr: BindAddr<P>) -> io::Result<UdpSocket> {
    let socket = UdpSocket::bind(*addr.as_socket_addr()).await?;
    addr.verify_bound(socket.local_addr()?)?;
    Ok(socket)
}

/// Opens a tokio TCP listener on every address of `set`, or none: on the first failure
/// the listeners opened so far are closed, and the error names the address that failed.
/// A set with a Unix socket is refused (bind it with `bind_all`, `unix` feature).
///
/// ```
/// use bind_guard::{BindSet, Policy};
///
/// async fn listen() -> Result<(), Box<dyn std::error::Error>> {
///     let set = BindSet::parse(&Policy::loopback(), "localhost:8080")?;
///     let listeners = bind_guard::tokio::bind_tcp_all(&set).await?; // 127.0.0.1 and [::1]
///     # drop(listeners);
///     Ok(())
/// }
/// ```
///
/// # Errors
///
/// The first error, with the address it happened on.
pub async fn bind_tcp_all(set: &BindSet) -> io::Result<Vec<TcpListener>> {
    // A Unix socket left out would run the server elsewhere than the operator asked.
    set.refuse_unix()?;
    let mut listeners = Vec::with_capacity(set.len());
    for addr in set {
        // On error `listeners` is dropped, closing what was opened.
        listeners.push(
            bind_tcp(*addr)
                .await
                .map_err(|err| set.bind_error(addr, err))?,
        );
    }
    Ok(listeners)
}

#[cfg(all(feature = "unix", unix))]
pub use self::unix::{Listener, bind_all, bind_all_with, bind_unix, bind_unix_with};

/// Unix sockets with tokio: made by the same checks as the `std` binders
/// ([`UnixAddr::bind_with`](crate::UnixAddr::bind_with)), then handed to tokio.
#[cfg(all(feature = "unix", unix))]
mod unix {
    use std::io;
    use std::vec::Vec;

    use ::tokio::net::{TcpListener, UnixListener};

    use crate::unix::UnixOptions;
    use crate::{BindSet, UnixAddr};

    /// A tokio listener of either kind, as [`bind_all`] opens them.
    #[derive(Debug)]
    pub enum Listener {
        /// A TCP listener on an IP address.
        Tcp(TcpListener),
        /// A Unix domain socket listener.
        Unix(UnixListener),
    }

    /// Opens a tokio Unix listener on `addr` with mode `0600` (see [`bind_unix_with`]).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let admin: bind_guard::UnixAddr = "unix:/run/app/admin.sock".parse()?;
    /// let listener = bind_guard::tokio::bind_unix(&admin)?;
    /// let (stream, _) = listener.accept().await?;
    /// let peer = bind_guard::unix::PeerAllow::same_user().admit(&stream)?;
    /// # drop(peer);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`UnixAddr::bind_with`].
    pub fn bind_unix(addr: &UnixAddr) -> io::Result<UnixListener> {
        bind_unix_with(addr, &UnixOptions::new())
    }

    /// Opens a tokio Unix listener on `addr`, made as `options` say, through the
    /// checks of [`UnixAddr::bind_with`]. Binding is a few quick system calls on local
    /// files, done in place (not on a blocking thread); it needs a runtime with I/O.
    ///
    /// # Errors
    ///
    /// As [`UnixAddr::bind_with`].
    pub fn bind_unix_with(addr: &UnixAddr, options: &UnixOptions) -> io::Result<UnixListener> {
        let listener = addr.bind_with(options)?;
        listener.set_nonblocking(true)?;
        UnixListener::from_std(listener)
    }

    /// Opens a tokio listener on every entry of `set`, TCP on the IP addresses and
    /// Unix sockets with mode `0600`, or none.
    ///
    /// # Errors
    ///
    /// The first error, naming the entry it happened on.
    pub async fn bind_all(set: &BindSet) -> io::Result<Vec<Listener>> {
        bind_all_with(set, &UnixOptions::new()).await
    }

    /// Opens a tokio listener on every entry of `set`, or none, the Unix sockets made as
    /// `options` say.
    ///
    /// # Errors
    ///
    /// The first error, naming the entry it happened on.
    pub async fn bind_all_with(set: &BindSet, options: &UnixOptions) -> io::Result<Vec<Listener>> {
        // The std binders do the checks; tokio takes the sockets over.
        let opened = set.bind_with(options)?;
        let mut listeners = Vec::with_capacity(opened.len());
        for listener in opened {
            listeners.push(match listener {
                crate::unix::Listener::Tcp(tcp) => {
                    tcp.set_nonblocking(true)?;
                    Listener::Tcp(TcpListener::from_std(tcp)?)
                }
                crate::unix::Listener::Unix(unix) => {
                    unix.set_nonblocking(true)?;
                    Listener::Unix(UnixListener::from_std(unix)?)
                }
            });
        }
        Ok(listeners)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::os::unix::fs::PermissionsExt;

        #[test]
        fn tokio_listeners_go_through_the_same_checks() {
            let rt = ::tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .unwrap();
            let dir =
                std::env::temp_dir().join(std::format!("bg-tokio-unix-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir(&dir).unwrap();
            let path = dir.join("t.sock");
            let list = std::format!("unix:{},127.0.0.1:0", path.display());
            let set = BindSet::parse(&crate::Policy::loopback(), &list).unwrap();
            rt.block_on(async {
                let listeners = bind_all(&set).await.unwrap();
                assert!(matches!(
                    listeners.as_slice(),
                    [Listener::Unix(_), Listener::Tcp(_)]
                ));
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600);
                // A regular file in the way is refused as by std, and left.
                drop(listeners);
                std::fs::remove_file(&path).unwrap();
                std::fs::write(&path, b"keep").unwrap();
                let addr: UnixAddr = std::format!("unix:{}", path.display()).parse().unwrap();
                assert_eq!(
                    bind_unix(&addr).unwrap_err().kind(),
                    io::ErrorKind::AlreadyExists
                );
                assert!(bind_all(&set).await.is_err());
                assert!(crate::tokio::bind_tcp_all(&set).await.is_err());
            });
            assert_eq!(std::fs::read(&path).unwrap(), b"keep");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
