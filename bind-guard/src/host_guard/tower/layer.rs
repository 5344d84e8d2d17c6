//! [`HostGuardLayer`]: the guard, the refusal maker and the options of the adapter.

use std::sync::Arc;

use http::HeaderValue;

use super::{IntoBody, PeerOf, WithBody, WithResponse, peer_from_extensions};
use crate::host_guard::{BoundListener, HostGuard, HostGuardError};

/// The value of the `Cross-Origin-Resource-Policy` response header
/// ([`HostGuardLayer::with_resource_policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResourcePolicy {
    /// `same-origin`: browsers give the response to this server's own pages only.
    SameOrigin,
    /// `same-site`: also to pages of the same site (other ports of `localhost`,
    /// sibling subdomains).
    SameSite,
}

impl ResourcePolicy {
    pub(crate) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            ResourcePolicy::SameOrigin => "same-origin",
            ResourcePolicy::SameSite => "same-site",
        })
    }
}

/// A `tower::Layer` that runs a [`HostGuard`] before the service it wraps.
#[derive(Debug, Clone)]
pub struct HostGuardLayer<M = IntoBody> {
    pub(crate) guard: Arc<HostGuard>,
    pub(crate) make_refusal: M,
    pub(crate) peer: PeerOf,
    pub(crate) resource_policy: Option<ResourcePolicy>,
}

impl HostGuardLayer {
    /// The layer for `guard`.
    #[must_use]
    pub fn new(guard: HostGuard) -> Self {
        Self {
            guard: Arc::new(guard),
            make_refusal: IntoBody,
            peer: peer_from_extensions,
            resource_policy: None,
        }
    }

    /// The layer for one listener (`std` or tokio `TcpListener`), with the hosts of
    /// `BIND_GUARD_ALLOWED_HOSTS` and the origins of `BIND_GUARD_ALLOWED_ORIGINS`
    /// ([`HostGuard::from_listener`]).
    ///
    /// # Errors
    ///
    /// Reading the listener's address, or a bad entry in a variable.
    pub fn from_listener(listener: &impl BoundListener) -> Result<Self, HostGuardError> {
        HostGuard::from_listener(listener).map(Self::new)
    }

    /// The layer for every listener of a server ([`HostGuard::from_listeners`]): a
    /// slice or `Vec` of listeners (what `bind_guard::tokio::bind_tcp_all` returns), a
    /// bound `BindSet`, or `SocketAddr`s read from the sockets.
    ///
    /// # Errors
    ///
    /// No listener, reading an address, or a bad entry in a variable.
    pub fn from_listeners<L: BoundListener>(
        listeners: impl IntoIterator<Item = L>,
    ) -> Result<Self, HostGuardError> {
        HostGuard::from_listeners(listeners).map(Self::new)
    }
}

impl<M> HostGuardLayer<M> {
    /// Makes refusal bodies with `make_body` instead of `From<String>` (the status
    /// and headers stay the guard's).
    pub fn with_body<F>(self, make_body: F) -> HostGuardLayer<WithBody<F>> {
        self.with(WithBody(make_body))
    }

    /// Makes the whole refusal response with `make`, from the
    /// [`Refusal`](crate::host_guard::Refusal) (its `Display` is the guard's text).
    /// The response still carries a [`RefusalInfo`](super::RefusalInfo) extension.
    pub fn with_refusal_response<F>(self, make: F) -> HostGuardLayer<WithResponse<F>> {
        self.with(WithResponse(make))
    }

    fn with<N>(self, make_refusal: N) -> HostGuardLayer<N> {
        HostGuardLayer {
            guard: self.guard,
            make_refusal,
            peer: self.peer,
            resource_policy: self.resource_policy,
        }
    }

    /// Where to find the peer's address (for [trusted
    /// proxies](crate::host_guard::HostGuardBuilder::trust_proxies)); by default
    /// [`peer_from_extensions`](super::peer_from_extensions). For a server that keeps
    /// it elsewhere: `|ext| ext.get::<MyConnInfo>().map(|c| c.addr.ip())`.
    #[must_use]
    pub fn peer_addr(mut self, peer: PeerOf) -> Self {
        self.peer = peer;
        self
    }

    /// Sets `Cross-Origin-Resource-Policy` on every response that has none, so that
    /// browsers keep even images, media and timing-free loads of this server from
    /// pages of other origins (or sites).
    #[must_use]
    pub fn with_resource_policy(mut self, policy: ResourcePolicy) -> Self {
        self.resource_policy = Some(policy);
        self
    }

    /// The guard.
    #[must_use]
    pub fn guard(&self) -> &HostGuard {
        &self.guard
    }
}

impl<S, M: Clone> tower_layer::Layer<S> for HostGuardLayer<M> {
    type Service = super::HostGuardService<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        super::HostGuardService {
            inner,
            layer: self.clone(),
        }
    }
}
