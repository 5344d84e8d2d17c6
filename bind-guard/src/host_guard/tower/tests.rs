use super::*;
use core::convert::Infallible;
use core::future::Future;
use core::task::{Context, Poll};
use std::string::String;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower_layer::Layer;
use tower_service::Service;

#[derive(Clone)]
struct Ok200(Arc<AtomicUsize>);

impl Service<Request<()>> for Ok200 {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = core::future::Ready<Result<Response<String>, Infallible>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::Relaxed);
        core::future::ready(Ok(Response::new(String::from("ok"))))
    }
}

fn run<S>(service: &mut S, req: Request<()>) -> Response<String>
where
    S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
{
    let waker = core::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut future = core::pin::pin!(service.call(req));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        other => panic!("{other:?}"),
    }
}

fn req(host: &str) -> http::request::Builder {
    Request::builder().uri("/").header("host", host)
}

fn guard() -> HostGuard {
    HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .build()
        .unwrap()
}

#[test]
fn refuses_before_the_inner_service() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = HostGuardLayer::new(guard()).layer(Ok200(Arc::clone(&calls)));

    let ok = run(&mut service, req("localhost:1234").body(()).unwrap());
    assert_eq!((ok.status(), ok.body().as_str()), (StatusCode::OK, "ok"));
    assert!(ok.extensions().get::<RefusalInfo>().is_none());
    assert_eq!(calls.load(Ordering::Relaxed), 1);

    let refused = run(&mut service, req("rebind.test").body(()).unwrap());
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.headers()["x-bind-guard-refusal"],
        "host_not_allowed"
    );
    assert!(
        refused.body().contains("add `rebind.test` to"),
        "{}",
        refused.body()
    );
    let info = refused.extensions().get::<RefusalInfo>().unwrap();
    assert_eq!(info.reason, Reason::HostNotAllowed);
    assert_eq!(std::format!("{}\n", info.message), *refused.body());
    assert_eq!(calls.load(Ordering::Relaxed), 1);

    let two = req("localhost")
        .header("host", "localhost")
        .body(())
        .unwrap();
    assert_eq!(run(&mut service, two).status(), StatusCode::BAD_REQUEST);
    let absolute = Request::builder()
        .uri("http://evil.example/")
        .header("host", "localhost")
        .body(())
        .unwrap();
    assert_eq!(
        run(&mut service, absolute).status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    let cross = req("localhost")
        .method("POST")
        .header("origin", "http://evil.example")
        .body(())
        .unwrap();
    let cross = run(&mut service, cross);
    assert_eq!(
        cross.headers()["x-bind-guard-refusal"],
        "origin_not_allowed"
    );
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}

#[test]
fn websocket_handshakes_and_includes_are_read_from_the_headers() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = HostGuardLayer::new(guard()).layer(Ok200(Arc::clone(&calls)));
    let ws = |origin: &str| {
        req("127.0.0.1:8080")
            .header("connection", "keep-alive, Upgrade")
            .header("upgrade", "websocket")
            .header("origin", origin)
            .body(())
            .unwrap()
    };
    let refused = run(&mut service, ws("http://evil.test:8000"));
    assert_eq!(
        refused.headers()["x-bind-guard-refusal"],
        "origin_not_allowed"
    );
    assert_eq!(
        run(&mut service, ws("http://localhost:8080")).status(),
        StatusCode::OK
    );
    let script = |site: &str| {
        req("localhost:8080")
            .header("sec-fetch-mode", "no-cors")
            .header("sec-fetch-site", site)
            .header("sec-fetch-dest", "script")
            .body(())
            .unwrap()
    };
    let refused = run(&mut service, script("cross-site"));
    assert_eq!(
        refused.headers()["x-bind-guard-refusal"],
        "cross_site_include"
    );
    assert_eq!(
        run(&mut service, script("same-origin")).status(),
        StatusCode::OK
    );
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

#[test]
fn the_whole_refusal_can_be_replaced() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = HostGuardLayer::new(guard())
        .with_refusal_response(|refusal: &Refusal<'_>| {
            let mut response = Response::new(std::format!("<h1>{}</h1>", refusal.reason()));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        })
        .layer(Ok200(calls));
    let refused = run(&mut service, req("rebind.test").body(()).unwrap());
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(refused.body(), "<h1>host_not_allowed</h1>");
    assert_eq!(
        refused.extensions().get::<RefusalInfo>().unwrap().reason,
        Reason::HostNotAllowed
    );
}

#[test]
fn the_resource_policy_is_set_where_missing() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = HostGuardLayer::new(guard())
        .with_resource_policy(ResourcePolicy::SameOrigin)
        .layer(Ok200(calls));
    let ok = run(&mut service, req("localhost").body(()).unwrap());
    assert_eq!(ok.headers()["cross-origin-resource-policy"], "same-origin");
    let refused = run(&mut service, req("rebind.test").body(()).unwrap());
    assert_eq!(
        refused.headers()["cross-origin-resource-policy"],
        "same-origin"
    );
    let mut plain = HostGuardLayer::new(guard()).layer(Ok200(Arc::new(AtomicUsize::new(0))));
    let ok = run(&mut plain, req("localhost").body(()).unwrap());
    assert!(ok.headers().get("cross-origin-resource-policy").is_none());
}

#[test]
fn the_peer_comes_from_the_extensions() {
    let guard = HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .trust_proxies([IpAddr::from([127, 0, 0, 9])])
        .build()
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = HostGuardLayer::new(guard)
        .with_body(|text: String| text)
        .layer(Ok200(calls));
    let mut request = req("127.0.0.1:8080")
        .header("x-forwarded-host", "evil.example")
        .body(())
        .unwrap();
    // No peer: refused, never skipped.
    let unknown = run(&mut service, request.clone());
    assert_eq!(unknown.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(unknown.headers()["x-bind-guard-refusal"], "unknown_peer");
    request
        .extensions_mut()
        .insert("127.0.0.9:5555".parse::<SocketAddr>().unwrap());
    assert_eq!(
        run(&mut service, request.clone()).status(),
        StatusCode::FORBIDDEN
    );
    // A `[::]` listener sees the proxy as IPv4-mapped.
    request
        .extensions_mut()
        .insert("[::ffff:127.0.0.9]:5555".parse::<SocketAddr>().unwrap());
    assert_eq!(
        run(&mut service, request.clone()).status(),
        StatusCode::FORBIDDEN
    );
    request
        .extensions_mut()
        .insert("127.0.0.8:5555".parse::<SocketAddr>().unwrap());
    assert_eq!(run(&mut service, request).status(), StatusCode::OK);
}

#[test]
fn the_peer_filter_serves_allowed_networks_only() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service =
        PeerFilterLayer::new(super::super::PeerFilter::loopback()).layer(Ok200(Arc::clone(&calls)));
    let from = |peer: &str| {
        let mut r = req("localhost").body(()).unwrap();
        r.extensions_mut()
            .insert(peer.parse::<SocketAddr>().unwrap());
        r
    };
    assert_eq!(
        run(&mut service, from("127.0.0.1:1")).status(),
        StatusCode::OK
    );
    assert_eq!(
        run(&mut service, from("[::ffff:127.0.0.1]:1")).status(),
        StatusCode::OK
    );
    let refused = run(&mut service, from("192.0.2.1:1"));
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.headers()["x-bind-guard-refusal"],
        "peer_not_allowed"
    );
    assert!(
        refused.body().contains("BIND_GUARD_ALLOWED_PEERS"),
        "{}",
        refused.body()
    );
    let unknown = run(&mut service, req("localhost").body(()).unwrap());
    assert_eq!(unknown.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

/// axum's `into_make_service_with_connect_info` puts the peer in a
/// `ConnectInfo<SocketAddr>`; the default lookup finds it.
#[cfg(feature = "axum")]
#[test]
fn the_peer_comes_from_axum_connect_info() {
    let guard = HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .trust_proxies([IpAddr::from([127, 0, 0, 9])])
        .build()
        .unwrap();
    let mut service = HostGuardLayer::new(guard).layer(Ok200(Arc::new(AtomicUsize::new(0))));
    let mut request = req("127.0.0.1:8080")
        .header("x-forwarded-host", "evil.example")
        .body(())
        .unwrap();
    request.extensions_mut().insert(axum::extract::ConnectInfo(
        "[::ffff:127.0.0.9]:5555".parse::<SocketAddr>().unwrap(),
    ));
    let refused = run(&mut service, request);
    assert_eq!(
        refused.headers()["x-bind-guard-refusal"],
        "forwarded_host_not_allowed"
    );
}

/// Every field the guard reads is taken from the request, repeated ones as `Many`
/// (the one pass of `head_of`; cargo-mutants deleted its arms unseen before).
#[test]
fn the_head_holds_every_field_the_guard_reads() {
    let request = Request::builder()
        .method("POST")
        .uri("http://app.test:8080/api/x")
        .header("host", "h")
        .header("origin", "o")
        .header("sec-fetch-site", "s")
        .header("sec-fetch-mode", "m")
        .header("sec-fetch-dest", "d")
        .header("upgrade", "u")
        .header("connection", "c")
        .header("content-type", "t")
        .header("x-forwarded-host", "x")
        .header("forwarded", "f1")
        .header("forwarded", "f2")
        .header("accept", "ignored")
        .body(())
        .unwrap();
    let head = head_of(&request, None);
    assert_eq!(head.method, "POST");
    assert_eq!(head.path, "/api/x");
    assert_eq!(head.target_authority, Some(&b"app.test:8080"[..]));
    let one = |v: &'static str| Field::One(v.as_bytes());
    assert_eq!(
        [
            head.host,
            head.origin,
            head.sec_fetch_site,
            head.sec_fetch_mode,
            head.sec_fetch_dest,
            head.upgrade,
            head.connection,
            head.content_type,
            head.x_forwarded_host,
        ],
        [
            one("h"),
            one("o"),
            one("s"),
            one("m"),
            one("d"),
            one("u"),
            one("c"),
            one("t"),
            one("x")
        ]
    );
    assert_eq!(head.forwarded, Field::Many);
    let bare = Request::builder().uri("/").body(()).unwrap();
    assert_eq!(head_of(&bare, None).host, Field::Absent);
}

/// A service that is not ready yet.
#[derive(Clone)]
struct NotReady;

impl Service<Request<()>> for NotReady {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = core::future::Ready<Result<Response<String>, Infallible>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Pending
    }
    fn call(&mut self, _: Request<()>) -> Self::Future {
        core::future::ready(Ok(Response::new(String::new())))
    }
}

/// Both layers are ready when the service behind them is, not before (backpressure
/// passes through).
#[test]
fn readiness_is_the_inner_services() {
    let mut cx = Context::from_waker(core::task::Waker::noop());
    let mut guarded = HostGuardLayer::new(guard()).layer(NotReady);
    assert!(guarded.poll_ready(&mut cx).is_pending());
    let mut filtered = PeerFilterLayer::new(super::super::PeerFilter::loopback()).layer(NotReady);
    assert!(filtered.poll_ready(&mut cx).is_pending());
    let mut ready = HostGuardLayer::new(guard()).layer(Ok200(Arc::default()));
    assert!(ready.poll_ready(&mut cx).is_ready());
    let future = ready.call(req("127.0.0.1:8080").body(()).unwrap());
    assert!(std::format!("{future:?}").starts_with("ResponseFuture"));
}
