//! The guard as a `tower` layer (feature `tower`), for axum, tonic and hyper-util.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use bind_guard::host_guard::HostGuardLayer;
//! # let app = ();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let guard = HostGuardLayer::from_listener(&listener)?; // the one line
//! // axum: `axum::serve(listener, app.layer(guard))`
//! # let _ = (guard, app);
//! # Ok(()) }
//! ```
//!
//! A refused request never reaches the inner service: it gets the refusal's status, a
//! `text/plain` body naming the fix, and an `x-bind-guard-refusal` header with the
//! reason's stable name.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::net::{IpAddr, SocketAddr};
use std::string::{String, ToString};
use std::sync::Arc;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};

use super::{BoundListener, Field, HostGuard, HostGuardError, RequestHead};

/// Makes a response body of type `B` from the refusal text.
pub trait RefusalBody<B> {
    /// The body for `text`.
    fn body(&self, text: String) -> B;
}

/// Makes the body with `B: From<String>` (axum's `Body`, `http_body_util::Full`,
/// `String`). For other bodies give a function to [`HostGuardLayer::with_body`]:
/// `|text| tonic::body::Body::new(text)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct IntoBody;

impl<B: From<String>> RefusalBody<B> for IntoBody {
    fn body(&self, text: String) -> B {
        B::from(text)
    }
}

impl<B, F: Fn(String) -> B> RefusalBody<B> for F {
    fn body(&self, text: String) -> B {
        self(text)
    }
}

/// Where the peer's address is in a request's extensions, for trusted proxies.
type PeerOf = fn(&http::Extensions) -> Option<IpAddr>;

fn socket_addr_extension(extensions: &http::Extensions) -> Option<IpAddr> {
    extensions.get::<SocketAddr>().map(SocketAddr::ip)
}

/// A `tower::Layer` that runs a [`HostGuard`] before the service it wraps.
#[derive(Debug, Clone)]
pub struct HostGuardLayer<M = IntoBody> {
    guard: Arc<HostGuard>,
    make_body: M,
    peer: PeerOf,
}

impl HostGuardLayer {
    /// The layer for `guard`.
    #[must_use]
    pub fn new(guard: HostGuard) -> Self {
        Self {
            guard: Arc::new(guard),
            make_body: IntoBody,
            peer: socket_addr_extension,
        }
    }

    /// The layer for one listener (`std` or tokio `TcpListener`), with the host names
    /// of `BIND_GUARD_ALLOWED_HOSTS` ([`HostGuard::from_listener`]).
    ///
    /// # Errors
    ///
    /// Reading the listener's address, or a bad entry in the variable.
    pub fn from_listener(listener: &impl BoundListener) -> Result<Self, HostGuardError> {
        HostGuard::from_listener(listener).map(Self::new)
    }

    /// The layer for every listener of a server ([`HostGuard::from_listeners`]): a
    /// slice or `Vec` of listeners (what `bind_guard::tokio::bind_tcp_all` returns), a
    /// bound `BindSet`, or `SocketAddr`s read from the sockets.
    ///
    /// # Errors
    ///
    /// No listener, reading an address, or a bad entry in the variable.
    pub fn from_listeners<L: BoundListener>(
        listeners: impl IntoIterator<Item = L>,
    ) -> Result<Self, HostGuardError> {
        HostGuard::from_listeners(listeners).map(Self::new)
    }
}

impl<M> HostGuardLayer<M> {
    /// Makes refusal bodies with `make_body` instead of `From<String>`.
    pub fn with_body<N>(self, make_body: N) -> HostGuardLayer<N> {
        HostGuardLayer {
            guard: self.guard,
            make_body,
            peer: self.peer,
        }
    }

    /// Where to find the peer's address (for [trusted
    /// proxies](super::HostGuardBuilder::trust_proxies)); by default a `SocketAddr`
    /// in the request's extensions. For axum:
    /// `|ext| ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())`.
    #[must_use]
    pub fn peer_addr(mut self, peer: PeerOf) -> Self {
        self.peer = peer;
        self
    }

    /// The guard.
    #[must_use]
    pub fn guard(&self) -> &HostGuard {
        &self.guard
    }
}

impl<S, M: Clone> tower_layer::Layer<S> for HostGuardLayer<M> {
    type Service = HostGuardService<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        HostGuardService {
            inner,
            guard: Arc::clone(&self.guard),
            make_body: self.make_body.clone(),
            peer: self.peer,
        }
    }
}

/// The service [`HostGuardLayer`] wraps around `S`.
#[derive(Debug, Clone)]
pub struct HostGuardService<S, M = IntoBody> {
    inner: S,
    guard: Arc<HostGuard>,
    make_body: M,
    peer: PeerOf,
}

fn field<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Field<'a> {
    Field::from_values(headers.get_all(name).iter().map(HeaderValue::as_bytes))
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const REFUSAL: HeaderName = HeaderName::from_static("x-bind-guard-refusal");

impl<S, M, ReqB, ResB> tower_service::Service<Request<ReqB>> for HostGuardService<S, M>
where
    S: tower_service::Service<Request<ReqB>, Response = Response<ResB>>,
    M: RefusalBody<ResB>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqB>) -> Self::Future {
        let headers = req.headers();
        let head = RequestHead {
            method: req.method().as_str(),
            path: req.uri().path(),
            target_authority: req.uri().authority().map(|a| a.as_str().as_bytes()),
            host: field(headers, &header::HOST),
            origin: field(headers, &header::ORIGIN),
            sec_fetch_site: field(headers, &SEC_FETCH_SITE),
            content_type: field(headers, &header::CONTENT_TYPE),
            x_forwarded_host: field(headers, &X_FORWARDED_HOST),
            forwarded: field(headers, &header::FORWARDED),
            peer: (self.peer)(req.extensions()),
        };
        let refused = match self.guard.check(&head) {
            Ok(()) => None,
            Err(refusal) => Some((
                refusal.status(),
                refusal.reason().name(),
                refusal.to_string(),
            )),
        };
        match refused {
            None => ResponseFuture::Inner {
                future: self.inner.call(req),
            },
            Some((status, reason, mut text)) => {
                text.push('\n');
                let mut response = Response::new(self.make_body.body(text));
                *response.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                headers.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                headers.insert(REFUSAL, HeaderValue::from_static(reason));
                ResponseFuture::Refused {
                    response: Some(response),
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`HostGuardService`]: the inner service's, or the refusal.
    #[project = ResponseFutureProj]
    // pin-project-lite takes no docs on variant fields: `future` is the inner
    // service's future, `response` the refusal until it is returned.
    #[allow(missing_docs)]
    pub enum ResponseFuture<F, B> {
        /// Accepted: the inner service answers.
        Inner {
            #[pin]
            future: F,
        },
        /// Refused: answered at once.
        Refused {
            response: Option<Response<B>>,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            ResponseFutureProj::Inner { future } => future.poll(cx),
            ResponseFutureProj::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled after completion: stay pending rather than panic.
                None => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;
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

    fn run<M: RefusalBody<String>>(
        service: &mut HostGuardService<Ok200, M>,
        req: Request<()>,
    ) -> Response<String> {
        let waker = core::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut future = core::pin::pin!(service.call(req));
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(response)) => response,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_before_the_inner_service() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let guard = HostGuard::builder()
            .listener(&listener)
            .unwrap()
            .build()
            .unwrap();
        let mut service = HostGuardLayer::new(guard).layer(Ok200(Arc::clone(&calls)));
        let req = |host: &str| {
            Request::builder()
                .uri("/")
                .header("host", host)
                .body(())
                .unwrap()
        };

        let ok = run(&mut service, req("localhost:1234"));
        assert_eq!((ok.status(), ok.body().as_str()), (StatusCode::OK, "ok"));
        assert_eq!(calls.load(Ordering::Relaxed), 1);

        let refused = run(&mut service, req("rebind.test"));
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
        assert_eq!(calls.load(Ordering::Relaxed), 1);

        let two = Request::builder()
            .uri("/")
            .header("host", "localhost")
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
        let cross = Request::builder()
            .method("POST")
            .uri("/")
            .header("host", "localhost")
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
        let mut req = Request::builder()
            .uri("/")
            .header("host", "127.0.0.1:8080")
            .header("x-forwarded-host", "evil.example")
            .body(())
            .unwrap();
        assert_eq!(run(&mut service, req.clone()).status(), StatusCode::OK);
        req.extensions_mut()
            .insert("127.0.0.9:5555".parse::<SocketAddr>().unwrap());
        assert_eq!(run(&mut service, req).status(), StatusCode::FORBIDDEN);
    }
}
