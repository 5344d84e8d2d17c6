//! `HostGuard::check` allocates nothing, whether it accepts or refuses, and showing a
//! refusal (the response body's text) allocates nothing but the output buffer.
//!
//! One test function: the allocator counts every thread of the process.

use std::alloc::System;
use std::fmt::Write as _;
use std::net::SocketAddr;

use bind_guard::host_guard::{Field, HostGuard, RequestHead};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    let change = region.change();
    change.allocations + change.reallocations
}

#[test]
fn checks_allocate_nothing() {
    let guard = HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .bound("[::1]:8080".parse::<SocketAddr>().unwrap())
        .allow_host(".example.com")
        .unwrap()
        .allow_host_net("10.0.0.0/8".parse::<bind_guard::IpNet>().unwrap())
        .unwrap()
        .allow_origin("https://app.example.org")
        .unwrap()
        .trust_proxies(["127.0.0.9/32".parse::<bind_guard::IpNet>().unwrap()])
        .require_json_post(true)
        .build()
        .unwrap();
    let requests = [
        RequestHead {
            host: Field::One(b"localhost:8080"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"a.example.com"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"rebind.test"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"0.0.0.0:8080"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"[::1]:8080"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"[0:0::1]"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"127.1"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"a\xffb"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::Many,
            ..RequestHead::default()
        },
        RequestHead {
            target_authority: Some(b"evil.test"),
            host: Field::One(b"localhost"),
            ..RequestHead::default()
        },
        RequestHead {
            method: "POST",
            host: Field::One(b"localhost"),
            origin: Field::One(b"http://evil.test"),
            ..RequestHead::default()
        },
        RequestHead {
            method: "POST",
            host: Field::One(b"localhost"),
            origin: Field::One(b"http://localhost:8080"),
            content_type: Field::One(b"application/json"),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"127.0.0.1:8080"),
            peer: Some("127.0.0.9".parse().unwrap()),
            x_forwarded_host: Field::One(b"a.example.com, evil.test"),
            forwarded: Field::One(b"for=1.2.3.4;host=\"a.example.com\""),
            ..RequestHead::default()
        },
        // No peer while proxies are trusted (the only request without one).
        RequestHead {
            host: Field::One(b"no-peer.localhost"),
            peer: None,
            ..RequestHead::default()
        },
        // A WebSocket handshake from another site, and from an allowed origin.
        RequestHead {
            host: Field::One(b"[::ffff:7f00:1]:8080"),
            upgrade: Field::One(b"websocket"),
            connection: Field::One(b"keep-alive, Upgrade"),
            origin: Field::One(b"http://evil.test"),
            peer: Some("::1".parse().unwrap()),
            ..RequestHead::default()
        },
        RequestHead {
            host: Field::One(b"10.1.2.3:8080"),
            upgrade: Field::One(b"websocket"),
            origin: Field::One(b"https://app.example.org"),
            sec_fetch_site: Field::One(b"same-site"),
            peer: Some("::1".parse().unwrap()),
            ..RequestHead::default()
        },
        // A script included by another site.
        RequestHead {
            host: Field::One(b"localhost:8080"),
            sec_fetch_mode: Field::One(b"no-cors"),
            sec_fetch_site: Field::One(b"cross-site"),
            sec_fetch_dest: Field::One(b"script"),
            peer: Some("::1".parse().unwrap()),
            ..RequestHead::default()
        },
    ];
    let requests: Vec<RequestHead<'_>> = requests
        .into_iter()
        .map(|req| match req.peer {
            None if req.host != Field::One(b"no-peer.localhost") => RequestHead {
                peer: Some("::1".parse().unwrap()),
                ..req
            },
            _ => req,
        })
        .collect();
    let (mut accepted, mut refused) = (0, 0);
    // The first refusal of each host records it in the warning table: no allocation
    // either, but run everything twice so both the first and the later sight count.
    for _ in 0..2 {
        for req in &requests {
            let n = allocations(|| match guard.check(req) {
                Ok(()) => accepted += 1,
                Err(_) => refused += 1,
            });
            assert_eq!(n, 0, "{req:?}");
        }
    }
    assert!(accepted > 0 && refused > 0, "{accepted} {refused}");

    let mut body = String::with_capacity(1024);
    for req in &requests {
        if let Err(refusal) = guard.check(req) {
            body.clear();
            let n = allocations(|| write!(body, "{refusal}").unwrap());
            assert_eq!(n, 0, "{req:?}: {body}");
        }
    }

    // A wildcard listener (its interface addresses are read again on a refused
    // address, with feature `if-addrs`): accepting still allocates nothing.
    let wildcard = HostGuard::builder()
        .bound("0.0.0.0:8080".parse::<SocketAddr>().unwrap())
        .build()
        .unwrap();
    for host in [&b"127.0.0.1:8080"[..], b"localhost"] {
        let req = RequestHead {
            host: Field::One(host),
            ..RequestHead::default()
        };
        let n = allocations(|| assert!(wildcard.check(&req).is_ok()));
        assert_eq!(n, 0, "{req:?}");
    }
}
