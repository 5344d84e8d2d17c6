//! [`PeerFilterLayer`]: the peer filter ("protected mode") as a layer.

use core::task::{Context, Poll};
use std::string::ToString;
use std::sync::Arc;

use http::{Request, Response};

use super::future::ResponseFuture;
use super::{IntoBody, PeerOf, RefusalBody, peer_from_extensions};
use crate::host_guard::PeerFilter;

/// A `tower::Layer` that serves only peers a [`PeerFilter`] allows; others get a 403
/// whose body names the setting. A request whose peer is not found in its extensions
/// (see [`PeerOf`]) is refused with 500: the server is not set up to tell.
#[derive(Debug, Clone)]
pub struct PeerFilterLayer<M = IntoBody> {
    filter: Arc<PeerFilter>,
    make_body: M,
    peer: PeerOf,
}

impl PeerFilterLayer {
    /// The layer for `filter`.
    #[must_use]
    pub fn new(filter: PeerFilter) -> Self {
        Self {
            filter: Arc::new(filter),
            make_body: IntoBody,
            peer: peer_from_extensions,
        }
    }
}

impl<M> PeerFilterLayer<M> {
    /// Makes refusal bodies with `make_body` instead of `From<String>`.
    pub fn with_body<F>(self, make_body: F) -> PeerFilterLayer<super::WithBody<F>> {
        PeerFilterLayer {
            filter: self.filter,
            make_body: super::WithBody(make_body),
            peer: self.peer,
        }
    }

    /// Where to find the peer's address; by default
    /// [`peer_from_extensions`](super::peer_from_extensions).
    #[must_use]
    pub fn peer_addr(mut self, peer: PeerOf) -> Self {
        self.peer = peer;
        self
    }
}

impl<S, M: Clone> tower_layer::Layer<S> for PeerFilterLayer<M> {
    type Service = PeerFilterService<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        PeerFilterService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`PeerFilterLayer`] wraps around `S`.
#[derive(Debug, Clone)]
pub struct PeerFilterService<S, M = IntoBody> {
    inner: S,
    layer: PeerFilterLayer<M>,
}

impl<S, M, ReqB, ResB> tower_service::Service<Request<ReqB>> for PeerFilterService<S, M>
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
        let filter = &self.layer.filter;
        let verdict = match (self.layer.peer)(req.extensions()) {
            Some(peer) => filter.check(peer),
            None => Err(filter.unknown()),
        };
        match verdict {
            Ok(()) => ResponseFuture::inner(self.inner.call(req), None),
            Err(refusal) => {
                let message = refusal.to_string();
                let response = super::default_response(refusal.reason(), &message, |text| {
                    self.layer.make_body.body(text)
                });
                ResponseFuture::refused(super::with_refusal_info(
                    response,
                    refusal.reason(),
                    message,
                ))
            }
        }
    }
}
