//! [`ResponseFuture`]: the inner service's future, or the refusal.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use http::{HeaderValue, Response};

pin_project_lite::pin_project! {
    /// The future of [`HostGuardService`](super::HostGuardService) and
    /// [`PeerFilterService`](super::PeerFilterService): the inner service's, or the
    /// refusal.
    pub struct ResponseFuture<F, B> {
        #[pin]
        kind: Kind<F, B>,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProj]
    enum Kind<F, B> {
        Inner {
            #[pin]
            future: F,
            resource_policy: Option<HeaderValue>,
        },
        Refused {
            response: Option<Response<B>>,
        },
    }
}

impl<F, B> ResponseFuture<F, B> {
    pub(crate) fn inner(future: F, resource_policy: Option<HeaderValue>) -> Self {
        Self {
            kind: Kind::Inner {
                future,
                resource_policy,
            },
        }
    }

    pub(crate) fn refused(response: Response<B>) -> Self {
        Self {
            kind: Kind::Refused {
                response: Some(response),
            },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Inner {
                future,
                resource_policy,
            } => {
                let mut response = core::task::ready!(future.poll(cx))?;
                if let Some(policy) = resource_policy.take() {
                    response.headers_mut().entry(super::CORP).or_insert(policy);
                }
                Poll::Ready(Ok(response))
            }
            KindProj::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled after completion: stay pending rather than panic.
                None => Poll::Pending,
            },
        }
    }
}

impl<F, B> core::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
