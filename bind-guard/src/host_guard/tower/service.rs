//! [`HostGuardService`]: checks each request, answers refusals itself.

use core::task::{Context, Poll};
use std::string::ToString;

use http::{Request, Response};

use super::future::ResponseFuture;
use super::{HostGuardLayer, IntoBody, MakeRefusal, head_of};

/// The service [`HostGuardLayer`] wraps around `S`.
#[derive(Debug, Clone)]
pub struct HostGuardService<S, M = IntoBody> {
    pub(crate) inner: S,
    pub(crate) layer: HostGuardLayer<M>,
}

impl<S, M, ReqB, ResB> tower_service::Service<Request<ReqB>> for HostGuardService<S, M>
where
    S: tower_service::Service<Request<ReqB>, Response = Response<ResB>>,
    M: MakeRefusal<ResB>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqB>) -> Self::Future {
        let layer = &self.layer;
        // The peer is looked up only where the guard uses it (trusted proxies).
        let peer = if layer.guard.needs_peer() {
            (layer.peer)(req.extensions())
        } else {
            None
        };
        let head = head_of(&req, peer);
        let refused = layer.guard.check(&head).err().map(|refusal| {
            // Formatted once, for the body and for `RefusalInfo`.
            let message = refusal.to_string();
            let response = layer.make_refusal.response_with_message(&refusal, &message);
            super::with_refusal_info(response, refusal.reason(), message)
        });
        let policy = layer
            .resource_policy
            .map(super::layer::ResourcePolicy::header);
        match refused {
            None => ResponseFuture::inner(self.inner.call(req), policy),
            Some(mut response) => {
                if let Some(policy) = policy {
                    response.headers_mut().entry(super::CORP).or_insert(policy);
                }
                ResponseFuture::refused(response)
            }
        }
    }
}
