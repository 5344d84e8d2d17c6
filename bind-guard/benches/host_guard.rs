//! `HostGuard::check` per request, against two baselines in the same process:
//!
//! - a hand-written compare (`host == "localhost:8080" || host == "127.0.0.1:8080"`),
//!   the least a server could do, which knows nothing of ports, case, names or `Origin`;
//! - allow-list matching as `tower_allowed_hosts`-style filters do it: read the value
//!   as an `http::uri::Authority` (which copies it), take its host, compare it with a
//!   list of `String`s.
//!
//!
//! and, as tower layers in front of the same trivial service (a request in, a ready
//! `200` out, polled once with a no-op waker: no runtime), `HostGuardLayer` against the
//! crate a tower user would pick instead, `tower_allowed_hosts` (0.13, without its
//! `tracing` feature), configured alike: `localhost:8080`, `127.0.0.1:8080`,
//! `[::1]:8080` and `app.example.com` (it matches the whole `Host` value, port
//! included). `HostGuardLayer` also checks `Origin`, `Sec-Fetch-*` and upgrades on the
//! same request; refusals are a `403` response there and an error there.
//!
//! ```text
//! cargo bench -p bind-guard --features tower --bench host_guard                          # Criterion + ratios
//! BIND_GUARD_BENCH=ratios cargo bench -p bind-guard --features tower --bench host_guard  # ratios only
//! ```

mod common;

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::hint::black_box;
use std::net::SocketAddr;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bind_guard::host_guard::{Field, HostGuard, HostGuardLayer, RequestHead};
use http::{Request, Response, StatusCode, header::HOST};
use tower_allowed_hosts::AllowedHostLayer;
use tower_allowed_hosts::matcher::Or;
use tower_layer::Layer;
use tower_service::Service;

const ACCEPTED: &[&str] = &[
    "localhost:8080",
    "127.0.0.1:8080",
    "app.example.com",
    "localhost:8080",
    "[::1]:8080",
    "127.0.0.1:8080",
];

const REFUSED: &[&str] = &[
    "rebind.test:8080",
    "0.0.0.0:8080",
    "127.1:8080",
    "evil.example.com",
    "[::]:8080",
    "192.168.1.20:8080",
];

fn guard() -> HostGuard {
    HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .bound("[::1]:8080".parse::<SocketAddr>().unwrap())
        .allow_host("app.example.com")
        .unwrap()
        .build()
        .unwrap()
}

fn guard_check(guard: &HostGuard, hosts: &[&str]) {
    for host in hosts {
        let req = RequestHead {
            host: Field::One(black_box(host.as_bytes())),
            ..RequestHead::default()
        };
        let _ = black_box(guard.check(&req).is_ok());
    }
}

fn hand_written(hosts: &[&str]) {
    for host in hosts {
        let host = black_box(host.as_bytes());
        let _ = black_box(host == b"localhost:8080" || host == b"127.0.0.1:8080");
    }
}

fn allow_list(allowed: &[String], hosts: &[&str]) {
    for host in hosts {
        let ok = http::uri::Authority::try_from(black_box(host.as_bytes()))
            .is_ok_and(|a| allowed.iter().any(|h| h == a.host()));
        let _ = black_box(ok);
    }
}

/// The service behind both layers: a ready `200`, so that what is measured is the layer.
#[derive(Clone)]
struct Ok200;

impl Service<Request<()>> for Ok200 {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(Ok(Response::new(String::new())))
    }
}

/// What a server must add behind `tower_allowed_hosts`, whose refusal is an error:
/// axum's `HandleErrorLayer` turning it into `(StatusCode::FORBIDDEN, error.to_string())`,
/// a `403` with a `text/plain` body. With it both layers answer the same request with a
/// response, so the refused rows compare like with like.
#[derive(Clone)]
struct ErrorTo403<S>(S);

impl<S> Service<Request<()>> for ErrorTo403<S>
where
    S: Service<Request<()>, Response = Response<String>>,
    S::Error: std::fmt::Display,
{
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let mut cx = Context::from_waker(Waker::noop());
        let response = match pin!(self.0.call(request)).poll(&mut cx) {
            Poll::Ready(Ok(response)) => response,
            Poll::Ready(Err(error)) => {
                let mut response = Response::new(error.to_string());
                *response.status_mut() = StatusCode::FORBIDDEN;
                response.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                response
            }
            Poll::Pending => unreachable!("every future here is ready"),
        };
        ready(Ok(response))
    }
}

/// One request through `service`, polled to its end once (every future here is ready):
/// whether it was served.
fn serve<S, E>(service: &mut S, host: &str) -> bool
where
    S: Service<Request<()>, Response = Response<String>, Error = E>,
{
    let request = Request::builder()
        .uri("/")
        .header(HOST, black_box(host))
        .body(())
        .unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(service.call(request)).poll(&mut cx) {
        Poll::Ready(Ok(response)) => response.status() == StatusCode::OK,
        Poll::Ready(Err(_)) => false,
        Poll::Pending => unreachable!("every future here is ready"),
    }
}

fn serve_all<S, E>(service: &mut S, hosts: &[&str])
where
    S: Service<Request<()>, Response = Response<String>, Error = E>,
{
    for host in hosts {
        let _ = black_box(serve(service, host));
    }
}

fn main() {
    let guard = guard();
    let mut guarded = HostGuardLayer::new(guard.clone()).layer(Ok200);
    let mut allowed_hosts = AllowedHostLayer::new(Or::new(
        Or::new(Or::new("localhost:8080", "127.0.0.1:8080"), "[::1]:8080"),
        "app.example.com",
    ))
    .layer(Ok200);
    let mut allowed_hosts_403 = ErrorTo403(allowed_hosts.clone());
    let mut bare = Ok200;
    // Both layers decide alike on these requests (else the comparison would be moot).
    for host in ACCEPTED {
        assert!(serve(&mut guarded, host), "{host}");
        assert!(serve(&mut allowed_hosts, host), "{host}");
    }
    for host in REFUSED {
        assert!(!serve(&mut guarded, host), "{host}");
        assert!(!serve(&mut allowed_hosts, host), "{host}");
        assert!(!serve(&mut allowed_hosts_403, host), "{host}");
    }
    let allowed: Vec<String> = ["localhost", "127.0.0.1", "[::1]", "app.example.com"]
        .map(String::from)
        .to_vec();
    for host in ACCEPTED {
        let req = RequestHead {
            host: Field::One(host.as_bytes()),
            ..RequestHead::default()
        };
        assert!(guard.check(&req).is_ok(), "{host}");
    }
    for host in REFUSED {
        let req = RequestHead {
            host: Field::One(host.as_bytes()),
            ..RequestHead::default()
        };
        assert!(guard.check(&req).is_err(), "{host}");
    }
    if !common::ratios_only() {
        let mut c = common::criterion();
        for (class, hosts) in [("accepted", ACCEPTED), ("refused", REFUSED)] {
            let mut group = c.benchmark_group(format!("host_guard/{class}"));
            group.throughput(criterion::Throughput::Elements(hosts.len() as u64));
            group.bench_function("hand-written compare", |b| b.iter(|| hand_written(hosts)));
            group.bench_function("Authority + String list", |b| {
                b.iter(|| allow_list(&allowed, hosts));
            });
            group.bench_function("HostGuard::check", |b| {
                b.iter(|| guard_check(&guard, hosts))
            });
            group.bench_function("tower: no layer", |b| {
                b.iter(|| serve_all(&mut bare, hosts))
            });
            group.bench_function("tower: tower_allowed_hosts", |b| {
                b.iter(|| serve_all(&mut allowed_hosts, hosts))
            });
            group.bench_function("tower: tower_allowed_hosts + 403 response", |b| {
                b.iter(|| serve_all(&mut allowed_hosts_403, hosts))
            });
            group.bench_function("tower: HostGuardLayer", |b| {
                b.iter(|| serve_all(&mut guarded, hosts))
            });
            group.finish();
        }
        c.final_summary();
    }
    let budget = common::budget();
    println!();
    println!("host_guard: ns per request (paired, median of pair ratios)");
    println!(
        "| class | hand-written ns | HostGuard ns | ratio | Authority + list ns | HostGuard ns | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (class, hosts) in [("accepted", ACCEPTED), ("refused", REFUSED)] {
        let hand = common::paired(
            hosts.len(),
            budget,
            || hand_written(hosts),
            || guard_check(&guard, hosts),
        );
        let list = common::paired(
            hosts.len(),
            budget,
            || allow_list(&allowed, hosts),
            || guard_check(&guard, hosts),
        );
        println!(
            "| {class} | {:.1} | {:.1} | {:.2}× | {:.1} | {:.1} | {:.2}× |",
            hand.base_ns, hand.subject_ns, hand.ratio, list.base_ns, list.subject_ns, list.ratio
        );
    }
    println!();
    println!(
        "tower layers in front of one ready service: ns per request (paired, median of pair ratios)"
    );
    println!(
        "| class | no layer ns | tower_allowed_hosts ns | HostGuardLayer ns | ratio | ratio of what each layer adds |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (class, hosts) in [("accepted", ACCEPTED), ("refused", REFUSED)] {
        let floor = common::alone(hosts.len(), budget, || serve_all(&mut bare, hosts));
        let mut plain = |host: &str| serve(&mut allowed_hosts, host);
        let mut with_403 = |host: &str| serve(&mut allowed_hosts_403, host);
        for (name, baseline) in [
            ("", &mut plain as &mut dyn FnMut(&str) -> bool),
            (" (+ 403 response)", &mut with_403),
        ] {
            if class == "accepted" && !name.is_empty() {
                continue; // the same path as without it
            }
            let layers = common::paired(
                hosts.len(),
                budget,
                || {
                    for host in hosts {
                        let _ = black_box(baseline(host));
                    }
                },
                || serve_all(&mut guarded, hosts),
            );
            let added = (layers.subject_ns - floor) / (layers.base_ns - floor);
            println!(
                "| {class}{name} | {floor:.1} | {:.1} | {:.1} | {:.2}× | {added:.2}× |",
                layers.base_ns, layers.subject_ns, layers.ratio
            );
        }
    }
}
