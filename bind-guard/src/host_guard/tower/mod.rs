//! The guards as `tower` layers (feature `tower`), for axum, tonic and hyper-util,
//! laid out as tower-http's middleware: the layer ([`HostGuardLayer`]), the service it
//! wraps around yours ([`HostGuardService`]), its future ([`ResponseFuture`]); and the
//! peer filter's ([`PeerFilterLayer`]).
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
//! `text/plain` body naming the fix, an `x-bind-guard-refusal` header with the reason's
//! stable name, and a [`RefusalInfo`] in its extensions (for an outer layer that logs
//! or rewrites refusals). [`HostGuardLayer::with_refusal_response`] replaces the whole
//! response.
//!
//! # The peer
//!
//! Trusted proxies and the peer filter need each request's peer address. The layers
//! find it in the request's extensions: a `SocketAddr` (hyper-util servers insert it
//! themselves), or with feature `axum`, the `ConnectInfo<SocketAddr>` of axum's
//! `into_make_service_with_connect_info`. Elsewhere, tell them with `peer_addr`. A
//! request whose peer cannot be found is refused when the answer depends on it.

mod future;
mod layer;
mod peer;
mod service;

use std::net::{IpAddr, SocketAddr};
use std::string::{String, ToString};

use http::header::{self, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};

use super::{Field, HostGuard, Reason, Refusal, RequestHead};

pub use future::ResponseFuture;
pub use layer::{HostGuardLayer, ResourcePolicy};
pub use peer::{PeerFilterLayer, PeerFilterService};
pub use service::HostGuardService;

/// Makes the response of a refused request.
pub trait MakeRefusal<B> {
    /// The response for `refusal`.
    fn response(&self, refusal: &Refusal<'_>) -> Response<B>;

    /// The response for `refusal`, whose text (its `Display`) the layer has formatted
    /// already as `message` for [`RefusalInfo`]: the default responses reuse it rather
    /// than format it again. By default, [`response`](MakeRefusal::response).
    fn response_with_message(&self, refusal: &Refusal<'_>, message: &str) -> Response<B> {
        let _ = message;
        self.response(refusal)
    }
}

/// Makes the body of the default refusal response from its text.
pub trait RefusalBody<B> {
    /// The body for `text`.
    fn body(&self, text: String) -> B;
}

/// The default refusal with a body made with `B: From<String>` (axum's `Body`,
/// `http_body_util::Full`, `String`). For other bodies give a function to
/// [`HostGuardLayer::with_body`]: `|text| tonic::body::Body::new(text)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct IntoBody;

impl<B: From<String>> RefusalBody<B> for IntoBody {
    fn body(&self, text: String) -> B {
        B::from(text)
    }
}

impl<B: From<String>> MakeRefusal<B> for IntoBody {
    fn response(&self, refusal: &Refusal<'_>) -> Response<B> {
        self.response_with_message(refusal, &refusal.to_string())
    }

    fn response_with_message(&self, refusal: &Refusal<'_>, message: &str) -> Response<B> {
        default_response(refusal.reason(), message, |text| self.body(text))
    }
}

/// The default refusal with a body made by a function ([`HostGuardLayer::with_body`]).
#[derive(Debug, Clone, Copy)]
pub struct WithBody<F>(pub(crate) F);

impl<B, F: Fn(String) -> B> RefusalBody<B> for WithBody<F> {
    fn body(&self, text: String) -> B {
        (self.0)(text)
    }
}

impl<B, F: Fn(String) -> B> MakeRefusal<B> for WithBody<F> {
    fn response(&self, refusal: &Refusal<'_>) -> Response<B> {
        self.response_with_message(refusal, &refusal.to_string())
    }

    fn response_with_message(&self, refusal: &Refusal<'_>, message: &str) -> Response<B> {
        default_response(refusal.reason(), message, |text| self.body(text))
    }
}

/// A refusal response made whole by a function
/// ([`HostGuardLayer::with_refusal_response`]).
#[derive(Debug, Clone, Copy)]
pub struct WithResponse<F>(pub(crate) F);

impl<B, F: Fn(&Refusal<'_>) -> Response<B>> MakeRefusal<B> for WithResponse<F> {
    fn response(&self, refusal: &Refusal<'_>) -> Response<B> {
        (self.0)(refusal)
    }
}

/// What a refused request's response carries in its extensions, whoever made the
/// response: why, and the text of the default body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalInfo {
    /// Why.
    pub reason: Reason,
    /// The one-line text that names the fix.
    pub message: String,
}

pub(crate) const REFUSAL: HeaderName = HeaderName::from_static("x-bind-guard-refusal");
pub(crate) const CORP: HeaderName = HeaderName::from_static("cross-origin-resource-policy");

/// The guard's response: the status, `text/plain` body naming the fix (`message` and a
/// newline), and the reason's name in `x-bind-guard-refusal`.
fn default_response<B>(
    reason: Reason,
    message: &str,
    body: impl FnOnce(String) -> B,
) -> Response<B> {
    let mut text = String::with_capacity(message.len() + 1);
    text.push_str(message);
    text.push('\n');
    let mut response = Response::new(body(text));
    *response.status_mut() = StatusCode::from_u16(reason.status()).unwrap_or(StatusCode::FORBIDDEN);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(REFUSAL, HeaderValue::from_static(reason.name()));
    response
}

/// `response` with the [`RefusalInfo`] of its refusal, whichever guard or maker made it.
fn with_refusal_info<B>(mut response: Response<B>, reason: Reason, message: String) -> Response<B> {
    response
        .extensions_mut()
        .insert(RefusalInfo { reason, message });
    response
}

/// Where the peer's address is in a request's extensions.
pub type PeerOf = fn(&http::Extensions) -> Option<IpAddr>;

/// The default [`PeerOf`]: a `SocketAddr` extension, or axum's
/// `ConnectInfo<SocketAddr>` (feature `axum`).
#[must_use]
pub fn peer_from_extensions(extensions: &http::Extensions) -> Option<IpAddr> {
    if let Some(addr) = extensions.get::<SocketAddr>() {
        return Some(addr.ip());
    }
    #[cfg(feature = "axum")]
    if let Some(info) = extensions.get::<axum::extract::ConnectInfo<SocketAddr>>() {
        return Some(info.0.ip());
    }
    None
}

/// What the guard reads of an `http::Request`, in one pass over its header fields:
/// a request of a few fields costs a few comparisons, where a lookup per field the
/// guard reads (ten) would hash ten names whatever the request holds.
fn head_of<B>(req: &Request<B>, peer: Option<IpAddr>) -> RequestHead<'_> {
    let mut head = RequestHead {
        method: req.method().as_str(),
        path: req.uri().path(),
        target_authority: req.uri().authority().map(|a| a.as_str().as_bytes()),
        peer,
        ..RequestHead::default()
    };
    for (name, value) in req.headers() {
        // Header names are lowercase in `http`, so one exact match each.
        let field = match name.as_str() {
            "host" => &mut head.host,
            "origin" => &mut head.origin,
            "sec-fetch-site" => &mut head.sec_fetch_site,
            "sec-fetch-mode" => &mut head.sec_fetch_mode,
            "sec-fetch-dest" => &mut head.sec_fetch_dest,
            "upgrade" => &mut head.upgrade,
            "connection" => &mut head.connection,
            "content-type" => &mut head.content_type,
            "x-forwarded-host" => &mut head.x_forwarded_host,
            "forwarded" => &mut head.forwarded,
            _ => continue,
        };
        // A repeated field is `Many`, as `Field::from_values` reads it.
        *field = match *field {
            Field::Absent => Field::One(value.as_bytes()),
            Field::One(_) | Field::Many => Field::Many,
        };
    }
    head
}

impl HostGuard {
    /// Checks an `http::Request` outside tower: a WebSocket handshake with
    /// `tokio-tungstenite`'s `accept_hdr_async` callback, for example. `peer` is the
    /// connection's peer address (needed when proxies are trusted).
    ///
    /// ```
    /// use bind_guard::host_guard::{HostGuard, Reason};
    ///
    /// let guard = HostGuard::builder().bound(([127, 0, 0, 1], 8080)).build()?;
    /// let handshake = http::Request::builder()
    ///     .uri("/ws")
    ///     .header("host", "127.0.0.1:8080")
    ///     .header("upgrade", "websocket")
    ///     .header("connection", "Upgrade")
    ///     .header("origin", "http://evil.test")
    ///     .body(())?;
    /// let refusal = guard.check_http(&handshake, None).unwrap_err();
    /// assert_eq!(refusal.reason(), Reason::OriginNotAllowed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The refusal.
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn check_http<'a, B>(
        &'a self,
        req: &'a Request<B>,
        peer: Option<IpAddr>,
    ) -> Result<(), Refusal<'a>> {
        self.check(&head_of(req, peer))
    }
}

#[cfg(test)]
mod tests;
