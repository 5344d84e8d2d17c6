//! `HostGuardLayer` in front of a plain tower service served by hyper-util (no axum),
//! over HTTP/1.1 and HTTP/2 (for HTTP/2 the `:authority` is what the guard checks), and
//! in front of a tonic server.

use std::convert::Infallible;
use std::future::Ready;
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::Duration;

use bind_guard::host_guard::{HostGuard, HostGuardLayer};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tower_service::Service;

/// Answers `ok` to everything.
#[derive(Clone)]
struct Ok200;

impl Service<Request<Incoming>> for Ok200 {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<Incoming>) -> Self::Future {
        std::future::ready(Ok(Response::new(Full::from("ok"))))
    }
}

/// A listener on an ephemeral loopback port, its address, and the guard for it.
async fn guarded_listener() -> (tokio::net::TcpListener, SocketAddr, HostGuard) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let guard = HostGuard::builder()
        .listener(&listener)
        .unwrap()
        .build()
        .unwrap();
    (listener, addr, guard)
}

async fn serve() -> SocketAddr {
    let (listener, addr, guard) = guarded_listener().await;
    let service = tower_layer_apply(HostGuardLayer::new(guard));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn tower_layer_apply(
    layer: HostGuardLayer,
) -> impl Service<Request<Incoming>, Response = Response<Full<Bytes>>, Error = Infallible, Future: Send>
+ Clone
+ Send
+ 'static {
    tower_layer::Layer::layer(&layer, Ok200)
}

async fn h2_get(addr: SocketAddr, uri: &str) -> (u16, String) {
    h2_get_with_host(addr, uri, None).await
}

async fn h2_get_with_host(addr: SocketAddr, uri: &str, host: Option<&str>) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let mut req = Request::get(uri);
    if let Some(host) = host {
        req = req.header("host", host);
    }
    let req = req.body(Empty::<Bytes>::new()).unwrap();
    let res = send.send_request(req).await.unwrap();
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn h1_get(addr: SocketAddr, host: &str) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = Request::get("/")
        .header("host", host)
        .body(Empty::<Bytes>::new())
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn hyper_util_http1_and_http2() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let addr = serve().await;
        let port = addr.port();
        assert_eq!(h1_get(addr, "localhost").await, (200, "ok".into()));
        let (status, body) = h1_get(addr, "rebind.test").await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("host_not_allowed"), "{body}");

        assert_eq!(
            h2_get(addr, &format!("http://localhost:{port}/")).await,
            (200, "ok".into())
        );
        assert_eq!(
            h2_get(addr, &format!("http://127.0.0.1:{port}/")).await.0,
            200
        );
        let (status, body) = h2_get(addr, &format!("http://rebind.test:{port}/")).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("add `rebind.test` to"), "{body}");
        assert_eq!(
            h2_get(addr, &format!("http://0.0.0.0:{port}/")).await.0,
            403
        );
        // A Host field next to `:authority` must name the same authority.
        let uri = format!("http://localhost:{port}/");
        let (status, body) = h2_get_with_host(addr, &uri, Some("rebind.test")).await;
        assert_eq!(status, 421, "{body}");
        let same = format!("localhost:{port}");
        assert_eq!(h2_get_with_host(addr, &uri, Some(&same)).await.0, 200);
    })
    .await
    .unwrap();
}

/// A gRPC-shaped service for tonic's router: answers `ok` on `/test.Echo/*`.
#[derive(Clone)]
struct Echo;

impl tonic::server::NamedService for Echo {
    const NAME: &'static str = "test.Echo";
}

impl Service<Request<tonic::body::Body>> for Echo {
    type Response = Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<tonic::body::Body>) -> Self::Future {
        std::future::ready(Ok(Response::new(tonic::body::Body::new(String::from(
            "ok",
        )))))
    }
}

#[tokio::test]
async fn tonic_server() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let (listener, addr, guard) = guarded_listener().await;
        // tonic's body is not `From<String>`: give the layer its constructor.
        let layer =
            HostGuardLayer::new(guard).with_body(|text: String| tonic::body::Body::new(text));
        tokio::spawn(
            tonic::transport::Server::builder()
                .layer(layer)
                .add_service(Echo)
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
        );
        let port = addr.port();
        let ok = h2_get(addr, &format!("http://localhost:{port}/test.Echo/Call")).await;
        assert_eq!(ok, (200, "ok".into()));
        let (status, body) =
            h2_get(addr, &format!("http://rebind.test:{port}/test.Echo/Call")).await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("host_not_allowed"), "{body}");
    })
    .await
    .unwrap();
}
