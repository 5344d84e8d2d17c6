//! Trusted proxies fail closed, end to end: an axum server behind `HostGuardLayer`
//! with `trust_proxies(127.0.0.1)`, on `127.0.0.1` and on `[::]` (where the proxy's
//! connection arrives as `::ffff:127.0.0.1`), served with and without axum's
//! `ConnectInfo`, and with a peer lookup of the application's own. A forwarded host
//! from the proxy is judged; a request whose peer the guard cannot learn is refused,
//! never waved through with its forwarded host unread.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::get;
use bind_guard::IpNet;
use bind_guard::host_guard::{HostGuard, HostGuardLayer};

/// How the server tells the guard who the peer is.
#[derive(Debug, Clone, Copy)]
enum Peer {
    /// `into_make_service_with_connect_info::<SocketAddr>()`, the default lookup.
    ConnectInfo,
    /// `axum::serve(listener, app)`: nothing in the extensions.
    Nothing,
    /// `ConnectInfo` with the application's own lookup (`peer_addr`).
    OwnLookup,
}

/// Starts the server on `bind`; returns the address to connect to (over IPv4) and
/// the runtime that serves it.
fn serve(bind: &str, peer: Peer) -> (SocketAddr, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
        let proxy: IpNet = "127.0.0.1/32".parse().unwrap();
        let guard = HostGuard::builder()
            .listener(&listener)
            .unwrap()
            .trust_proxies([proxy])
            .build()
            .unwrap();
        let mut layer = HostGuardLayer::new(guard);
        if let Peer::OwnLookup = peer {
            fn own(ext: &axum::http::Extensions) -> Option<IpAddr> {
                ext.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
            }
            layer = layer.peer_addr(own);
        }
        let app = Router::new()
            .route("/", get(|| async { "served" }))
            .layer(layer);
        let port = listener.local_addr().unwrap().port();
        match peer {
            Peer::Nothing => {
                tokio::spawn(async move { axum::serve(listener, app).await });
            }
            Peer::ConnectInfo | Peer::OwnLookup => {
                let service = app.into_make_service_with_connect_info::<SocketAddr>();
                tokio::spawn(async move { axum::serve(listener, service).await });
            }
        }
        SocketAddr::from(([127, 0, 0, 1], port))
    });
    (addr, runtime)
}

/// Sends a `GET /` with these header lines; returns the status and the refusal
/// header's value.
fn request(addr: SocketAddr, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{headers}Connection: close\r\n\r\n",
        addr.port()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let refusal = response
        .lines()
        .find_map(|l| l.strip_prefix("x-bind-guard-refusal: "))
        .unwrap_or("")
        .to_string();
    (status, refusal)
}

const EVIL: &str = "X-Forwarded-Host: evil.com\r\n";
const OURS: &str = "X-Forwarded-Host: localhost\r\n";

#[test]
fn a_proxys_forwarded_host_is_judged_on_ipv4_and_dual_stack_listeners() {
    for bind in ["127.0.0.1:0", "[::]:0"] {
        for peer in [Peer::ConnectInfo, Peer::OwnLookup] {
            let (addr, _runtime) = serve(bind, peer);
            assert_eq!(
                request(addr, EVIL),
                (403, "forwarded_host_not_allowed".into()),
                "{bind} {peer:?}"
            );
            assert_eq!(request(addr, OURS), (200, String::new()), "{bind} {peer:?}");
            assert_eq!(request(addr, ""), (200, String::new()), "{bind} {peer:?}");
        }
    }
}

#[test]
fn without_the_peer_every_request_is_refused() {
    for bind in ["127.0.0.1:0", "[::]:0"] {
        let (addr, _runtime) = serve(bind, Peer::Nothing);
        for headers in [EVIL, OURS, ""] {
            assert_eq!(
                request(addr, headers),
                (500, "unknown_peer".into()),
                "{bind} {headers:?}"
            );
        }
    }
}
