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
