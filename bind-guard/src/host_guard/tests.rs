//! The guard's decisions as a table: Host, Origin, method and fields, with the bypass
//! classes of DNS rebinding and "0.0.0.0 day" requests.

use std::net::{IpAddr, SocketAddr};
use std::string::ToString;

use super::*;

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// Bound to 127.0.0.1:8080 and [::1]:8080, with `app.example.com` and `.tunnel.example`.
fn builder() -> HostGuardBuilder {
    HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .bound(addr("[::1]:8080"))
        .allow_host("app.example.com")
        .unwrap()
        .allow_host(".tunnel.example")
        .unwrap()
        .allowed_hosts_from("MYAPP_HOSTS", |_| Some("extra.example.org".into()))
        .unwrap()
        .allowed_origins_from("MYAPP_ORIGINS", |_| {
            Some(
                "https://partner.example, chrome-extension://abcdefghijklmnopabcdefghijklmnop"
                    .into(),
            )
        })
        .unwrap()
}

fn guard() -> HostGuard {
    builder().build().unwrap()
}

/// [`guard`] behind a reverse proxy at 127.0.0.9.
fn proxied() -> HostGuard {
    builder()
        .trust_proxies([IpAddr::from([127, 0, 0, 9])])
        .build()
        .unwrap()
}

const OK: Option<Reason> = None;
use Reason as R;

fn with_host(host: &'static str) -> RequestHead<'static> {
    RequestHead {
        host: Field::One(host.as_bytes()),
        ..RequestHead::default()
    }
}

fn post(host: &'static str, origin: Option<&'static str>) -> RequestHead<'static> {
    RequestHead {
        method: "POST",
        origin: origin.map_or(Field::Absent, |o| Field::One(o.as_bytes())),
        ..with_host(host)
    }
}

fn verdict(guard: &HostGuard, req: &RequestHead<'_>) -> Option<Reason> {
    guard.check(req).err().map(|r| r.reason())
}

#[test]
fn host_table() {
    let g = guard();
    let table: &[(&str, Option<Reason>)] = &[
        // Loopback names (RFC 6761), any case, a trailing dot, any port.
        ("localhost", OK),
        ("localhost:8080", OK),
        ("LOCALHOST:8080", OK),
        ("localhost.:8080", OK),
        ("api.localhost:8080", OK),
        ("a.b.localhost", OK),
        ("localhost:1", OK),
        // The bound addresses, canonical.
        ("127.0.0.1:8080", OK),
        ("127.0.0.1", OK),
        ("[::1]:8080", OK),
        ("[::1]", OK),
        // Configured names.
        ("app.example.com", OK),
        ("APP.Example.com.:443", OK),
        ("tunnel.example", OK),
        ("x.tunnel.example", OK),
        ("a.b.tunnel.example:8443", OK),
        ("extra.example.org", OK),
        // DNS rebinding: a name that resolves to us but is not ours.
        ("evil.example", Some(R::HostNotAllowed)),
        ("evil.example:8080", Some(R::HostNotAllowed)),
        ("localhost.evil.example", Some(R::HostNotAllowed)),
        ("notlocalhost", Some(R::HostNotAllowed)),
        ("localhostx", Some(R::HostNotAllowed)),
        ("evil-localhost", Some(R::HostNotAllowed)),
        ("x.app.example.com", Some(R::HostNotAllowed)),
        ("app.example.com.evil", Some(R::HostNotAllowed)),
        ("eviltunnel.example", Some(R::HostNotAllowed)),
        ("tunnel.example.evil", Some(R::HostNotAllowed)),
        ("example.org", Some(R::HostNotAllowed)),
        ("rebind.127.0.0.1.nip.io", Some(R::HostNotAllowed)),
        // "0.0.0.0 day" and other addresses we do not listen on.
        ("0.0.0.0", Some(R::IpNotReachable)),
        ("0.0.0.0:8080", Some(R::IpNotReachable)),
        ("[::]:8080", Some(R::IpNotReachable)),
        ("[::ffff:0.0.0.0]", Some(R::IpNotReachable)),
        ("127.0.0.2:8080", Some(R::IpNotReachable)),
        ("192.168.1.10:8080", Some(R::IpNotReachable)),
        ("[::ffff:127.0.0.2]:8080", Some(R::IpNotReachable)),
        ("[::ffff:7f00:2]:8080", Some(R::IpNotReachable)),
        // The IPv4-mapped spellings of 127.0.0.1: Rust's and RFC 5952's, and the
        // URL Standard's that Chromium and Firefox send; the connection reaches
        // 127.0.0.1.
        ("[::ffff:127.0.0.1]:8080", OK),
        ("[::ffff:7f00:1]:8080", OK),
        ("[::FFFF:7F00:1]", OK),
        ("[::ffff:7f00:0001]", Some(R::NumericHost)),
        ("[fe80::1]", Some(R::IpNotReachable)),
        // Numeric shorthands of 127.0.0.1.
        ("127.1", Some(R::NumericHost)),
        ("127.1:8080", Some(R::NumericHost)),
        ("2130706433", Some(R::NumericHost)),
        ("0x7f.0.0.1", Some(R::NumericHost)),
        ("0x7f000001:8080", Some(R::NumericHost)),
        ("0177.0.0.1", Some(R::NumericHost)),
        ("127.000.000.001", Some(R::NumericHost)),
        ("127.0.0.1.", Some(R::NumericHost)),
        ("1.2.3.4.5", Some(R::NumericHost)),
        ("localhost.123", Some(R::NumericHost)),
        // IPv6 not in the RFC 5952 form browsers send.
        ("[0:0:0:0:0:0:0:1]:8080", Some(R::NumericHost)),
        ("[0::1]", Some(R::NumericHost)),
        ("[::0:1]", Some(R::NumericHost)),
        ("[::0.0.0.1]", Some(R::NumericHost)),
        // Malformed.
        ("", Some(R::MalformedHost)),
        (":8080", Some(R::MalformedHost)),
        ("localhost:", Some(R::MalformedHost)),
        ("localhost:8080:8080", Some(R::MalformedHost)),
        ("localhost:99999", Some(R::MalformedHost)),
        ("localhost:+80", Some(R::MalformedHost)),
        ("local host", Some(R::MalformedHost)),
        (" localhost", Some(R::MalformedHost)),
        ("localhost\r\nX-Evil: 1", Some(R::MalformedHost)),
        ("localhost/", Some(R::MalformedHost)),
        ("localhost#", Some(R::MalformedHost)),
        ("loc%61lhost", Some(R::MalformedHost)),
        ("*", Some(R::MalformedHost)),
        ("..localhost", Some(R::MalformedHost)),
        ("a..localhost", Some(R::MalformedHost)),
        (".localhost", Some(R::MalformedHost)),
        ("localhost..", Some(R::MalformedHost)),
        ("[::1", Some(R::MalformedHost)),
        ("::1", Some(R::MalformedHost)),
        ("[::1%25lo]:8080", Some(R::MalformedHost)),
        ("[127.0.0.1]", Some(R::MalformedHost)),
        ("ｌocalhost", Some(R::MalformedHost)),
        // User information.
        ("evil.example@localhost", Some(R::HostUserinfo)),
        ("user@127.0.0.1:8080", Some(R::HostUserinfo)),
        ("localhost@evil.example", Some(R::HostUserinfo)),
    ];
    for (host, want) in table {
        assert_eq!(verdict(&g, &with_host(host)), *want, "Host: {host:?}");
    }
    assert!(table.len() >= 70, "{}", table.len());
}

#[test]
fn field_shapes() {
    let g = guard();
    let no_host = RequestHead::default();
    assert_eq!(verdict(&g, &no_host), Some(R::MissingHost));
    let two = RequestHead {
        host: Field::Many,
        ..RequestHead::default()
    };
    assert_eq!(verdict(&g, &two), Some(R::DuplicateHost));
    let not_utf8 = RequestHead {
        host: Field::One(b"local\xffhost"),
        ..RequestHead::default()
    };
    assert_eq!(verdict(&g, &not_utf8), Some(R::MalformedHost));
    let status = |req: &RequestHead<'_>| g.check(req).unwrap_err().status();
    assert_eq!(
        (status(&no_host), status(&two), status(&not_utf8)),
        (400, 400, 400)
    );
}

#[test]
fn target_authority_must_pass_and_agree() {
    let g = guard();
    let target = |authority: &'static str, host: Field<'static>| RequestHead {
        target_authority: Some(authority.as_bytes()),
        host,
        ..RequestHead::default()
    };
    let table = [
        // HTTP/2 (no Host) and absolute form.
        (target("localhost:8080", Field::Absent), OK),
        (
            target("evil.example", Field::Absent),
            Some(R::HostNotAllowed),
        ),
        (target("localhost:8080", Field::One(b"LOCALHOST:8080")), OK),
        (target("localhost:8080", Field::One(b"localhost.:8080")), OK),
        // The Host passes, the target does not: the target is what is served.
        (
            target("evil.example", Field::One(b"localhost")),
            Some(R::AuthorityMismatch),
        ),
        (
            target("localhost", Field::One(b"evil.example")),
            Some(R::AuthorityMismatch),
        ),
        (
            target("localhost:8080", Field::One(b"localhost:9090")),
            Some(R::AuthorityMismatch),
        ),
        (
            target("u@localhost", Field::One(b"localhost")),
            Some(R::HostUserinfo),
        ),
        (target("localhost", Field::Many), Some(R::DuplicateHost)),
    ];
    for (req, want) in table {
        assert_eq!(verdict(&g, &req), want, "{req:?}");
    }
    let mismatch = target("evil.example", Field::One(b"localhost"));
    assert_eq!(g.check(&mismatch).unwrap_err().status(), 421);
}

#[test]
fn origin_and_method_table() {
    let g = guard();
    let table: &[(RequestHead<'static>, Option<Reason>)] = &[
        // Safe methods: Origin is not looked at.
        (
            RequestHead {
                origin: Field::One(b"http://evil.example"),
                ..with_host("localhost")
            },
            OK,
        ),
        (
            RequestHead {
                method: "HEAD",
                origin: Field::One(b"null"),
                ..with_host("localhost")
            },
            OK,
        ),
        (
            RequestHead {
                method: "OPTIONS",
                sec_fetch_site: Field::One(b"cross-site"),
                ..with_host("localhost")
            },
            OK,
        ),
        // Unsafe methods with no Origin (curl, scripts) or our own.
        (post("localhost:8080", None), OK),
        (post("localhost:8080", Some("http://localhost:8080")), OK),
        (
            post("localhost:8080", Some("http://api.localhost:3000")),
            OK,
        ),
        (post("127.0.0.1:8080", Some("http://127.0.0.1:8080")), OK),
        (post("[::1]:8080", Some("http://[::1]:8080")), OK),
        (post("app.example.com", Some("https://app.example.com")), OK),
        (post("localhost", Some("https://x.tunnel.example")), OK),
        (post("localhost", Some("HTTP://LOCALHOST")), OK),
        // Another site's page.
        (
            post("localhost:8080", Some("http://evil.example")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost:8080", Some("https://evil.example:8080")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("127.0.0.1:8080", Some("http://0.0.0.0:8080")),
            Some(R::OriginNotAllowed),
        ),
        (post("localhost", Some("null")), Some(R::OriginNotAllowed)),
        (
            post("localhost", Some("file://")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost", Some("chrome-extension://abc")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost", Some("http://localhost/path")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost", Some("http://127.1")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost", Some("http://u@localhost")),
            Some(R::OriginNotAllowed),
        ),
        (post("localhost", Some("")), Some(R::OriginNotAllowed)),
        (
            RequestHead {
                method: "PUT",
                ..post("localhost", Some("http://evil.example"))
            },
            Some(R::OriginNotAllowed),
        ),
        (
            RequestHead {
                method: "PATCH",
                ..post("localhost", Some("http://evil.example"))
            },
            Some(R::OriginNotAllowed),
        ),
        (
            RequestHead {
                method: "DELETE",
                ..post("localhost", Some("http://evil.example"))
            },
            Some(R::OriginNotAllowed),
        ),
        (
            RequestHead {
                method: "PROPFIND",
                ..post("localhost", Some("http://evil.example"))
            },
            Some(R::OriginNotAllowed),
        ),
        (
            RequestHead {
                origin: Field::Many,
                ..post("localhost", None)
            },
            Some(R::OriginNotAllowed),
        ),
        // The Host check comes first.
        (
            post("evil.example", Some("http://evil.example")),
            Some(R::HostNotAllowed),
        ),
        (
            post("0.0.0.0:8080", Some("http://evil.example")),
            Some(R::IpNotReachable),
        ),
        // Sec-Fetch-Site.
        (
            RequestHead {
                sec_fetch_site: Field::One(b"cross-site"),
                ..post("localhost", None)
            },
            Some(R::CrossSite),
        ),
        (
            RequestHead {
                sec_fetch_site: Field::One(b"Cross-Site"),
                ..post("localhost", None)
            },
            Some(R::CrossSite),
        ),
        (
            RequestHead {
                sec_fetch_site: Field::One(b"same-site"),
                ..post("localhost", None)
            },
            OK,
        ),
        (
            RequestHead {
                sec_fetch_site: Field::One(b"same-origin"),
                ..post("localhost", None)
            },
            OK,
        ),
        (
            RequestHead {
                sec_fetch_site: Field::One(b"none"),
                ..post("localhost", None)
            },
            OK,
        ),
        (
            RequestHead {
                sec_fetch_site: Field::Many,
                ..post("localhost", None)
            },
            Some(R::CrossSite),
        ),
    ];
    for (req, want) in table {
        assert_eq!(verdict(&g, req), *want, "{req:?}");
    }
}

#[test]
fn json_is_required_when_asked() {
    let g = HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .require_json_post(true)
        .build()
        .unwrap();
    let ct = |method, value: Field<'static>| RequestHead {
        method,
        content_type: value,
        ..with_host("localhost")
    };
    let table = [
        (ct("POST", Field::One(b"application/json")), OK),
        (
            ct("POST", Field::One(b"Application/JSON; charset=utf-8")),
            OK,
        ),
        (ct("POST", Field::One(b"text/plain")), Some(R::NotJson)),
        (
            ct("POST", Field::One(b"application/x-www-form-urlencoded")),
            Some(R::NotJson),
        ),
        (
            ct("POST", Field::One(b"application/jsonx")),
            Some(R::NotJson),
        ),
        (ct("POST", Field::Absent), Some(R::NotJson)),
        (ct("POST", Field::Many), Some(R::NotJson)),
        (ct("PUT", Field::One(b"text/plain")), OK),
        (ct("GET", Field::Absent), OK),
    ];
    for (req, want) in table {
        assert_eq!(verdict(&g, &req), want, "{req:?}");
    }
}

#[test]
fn ports_are_matched_when_asked() {
    let g = HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .match_port(true)
        .build()
        .unwrap();
    let table = [
        (with_host("localhost:8080"), OK),
        (with_host("127.0.0.1:8080"), OK),
        (with_host("localhost:9090"), Some(R::PortNotAllowed)),
        (with_host("localhost"), Some(R::PortNotAllowed)),
        (post("localhost:8080", Some("http://localhost:8080")), OK),
        (
            post("localhost:8080", Some("http://localhost:3000")),
            Some(R::OriginNotAllowed),
        ),
        (
            post("localhost:8080", Some("http://localhost")),
            Some(R::OriginNotAllowed),
        ),
    ];
    for (req, want) in table {
        assert_eq!(verdict(&g, &req), want, "{req:?}");
    }
    // Ignored by default.
    assert_eq!(verdict(&guard(), &with_host("localhost:9090")), OK);
}

#[test]
fn forwarded_hosts_only_from_trusted_proxies() {
    let g = proxied();
    let proxy = IpAddr::from([127, 0, 0, 9]);
    let other = IpAddr::from([127, 0, 0, 1]);
    let fwd = |peer, xfh: Field<'static>, fwd: Field<'static>| RequestHead {
        peer: Some(peer),
        x_forwarded_host: xfh,
        forwarded: fwd,
        ..with_host("127.0.0.1:8080")
    };
    let table = [
        (
            fwd(proxy, Field::One(b"app.example.com"), Field::Absent),
            OK,
        ),
        (
            fwd(proxy, Field::One(b"evil.example"), Field::Absent),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(
                proxy,
                Field::One(b"app.example.com, evil.example"),
                Field::Absent,
            ),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(proxy, Field::One(b"0.0.0.0"), Field::Absent),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(proxy, Field::One(b"bad host"), Field::Absent),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(proxy, Field::Many, Field::Absent),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(
                proxy,
                Field::Absent,
                Field::One(b"for=1.2.3.4;host=app.example.com;proto=https"),
            ),
            OK,
        ),
        (
            fwd(
                proxy,
                Field::Absent,
                Field::One(b"for=1.2.3.4;Host=\"x.tunnel.example\""),
            ),
            OK,
        ),
        (
            fwd(
                proxy,
                Field::Absent,
                Field::One(b"host=app.example.com, for=5.6.7.8;host=evil.example"),
            ),
            Some(R::ForwardedHostNotAllowed),
        ),
        (
            fwd(proxy, Field::Absent, Field::One(b"for")),
            Some(R::ForwardedHostNotAllowed),
        ),
        // Not a trusted peer: the fields are ignored.
        (
            fwd(
                other,
                Field::One(b"evil.example"),
                Field::One(b"host=evil.example"),
            ),
            OK,
        ),
        // The proxy on a `[::]` listener: IPv4-mapped.
        (
            fwd(
                IpAddr::from([0, 0, 0, 0, 0, 0xffff, 0x7f00, 9]),
                Field::One(b"evil.example"),
                Field::Absent,
            ),
            Some(R::ForwardedHostNotAllowed),
        ),
        // No peer known: refused, whatever the fields say (the forwarded host
        // cannot be judged, and skipping it would let anyone's through).
        (
            RequestHead {
                peer: None,
                ..fwd(proxy, Field::One(b"evil.example"), Field::Absent)
            },
            Some(R::UnknownPeer),
        ),
        (
            RequestHead {
                peer: None,
                ..fwd(proxy, Field::Absent, Field::Absent)
            },
            Some(R::UnknownPeer),
        ),
        // Trusting a proxy does not widen Host.
        (
            RequestHead {
                host: Field::One(b"evil.example"),
                ..fwd(proxy, Field::One(b"app.example.com"), Field::Absent)
            },
            Some(R::HostNotAllowed),
        ),
    ];
    for (req, want) in table {
        assert_eq!(verdict(&g, &req), want, "{req:?}");
    }
}

#[test]
fn exempt_paths_skip_the_checks() {
    let g = HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .insecure_bypass(|path| path == "/healthz")
        .build()
        .unwrap();
    let health = RequestHead {
        path: "/healthz",
        ..with_host("10.0.0.7:8080")
    };
    assert_eq!(verdict(&g, &health), OK);
    let other = RequestHead {
        path: "/healthz/x",
        ..with_host("10.0.0.7:8080")
    };
    assert_eq!(verdict(&g, &other), Some(R::IpNotReachable));
}

#[test]
fn a_specific_bind_accepts_only_its_own_address() {
    let g = HostGuard::builder()
        .bound(addr("127.0.0.2:80"))
        .build()
        .unwrap();
    assert_eq!(verdict(&g, &with_host("127.0.0.2")), OK);
    assert_eq!(
        verdict(&g, &with_host("127.0.0.1")),
        Some(R::IpNotReachable)
    );
    assert_eq!(
        verdict(&g, &with_host("localhost")),
        OK,
        "the name is always ours"
    );
    let mapped = HostGuard::builder()
        .bound(addr("[::ffff:127.0.0.1]:80"))
        .build()
        .unwrap();
    assert_eq!(verdict(&mapped, &with_host("127.0.0.1")), OK);
}

#[test]
fn refusals_name_the_fix_and_escape_the_value() {
    let g = guard();
    let text = g
        .check(&with_host("evil.example:8080"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        text,
        "refused: this server does not answer to `evil.example`. If it should, add `evil.example` \
         to the MYAPP_HOSTS environment variable (comma-separated) (host_not_allowed)."
    );
    let hostile = with_host("\x1b[31mevil`\\");
    let text = g.check(&hostile).unwrap_err().to_string();
    assert!(text.contains(r"`\u{1b}[31mevil`\\`"), "{text}");
    let long: &'static str = std::boxed::Box::leak("a".repeat(10_000).into_boxed_str());
    let text = g.check(&with_host(long)).unwrap_err().to_string();
    assert!(text.len() < 400, "{}", text.len());
    let origin = g
        .check(&post("localhost", Some("https://Evil.example:8443")))
        .unwrap_err()
        .to_string();
    assert!(
        origin
            .contains("add `https://Evil.example:8443` to the MYAPP_ORIGINS environment variable"),
        "{origin}"
    );
    let null = g
        .check(&post("localhost", Some("null")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        null,
        "refused: a sandboxed frame or local file (Origin: null) may not send this request \
         (origin_not_allowed)."
    );
    let bad = g
        .check(&post("localhost", Some("http://127.1")))
        .unwrap_err()
        .to_string();
    assert!(!bad.contains("add"), "{bad}");
    let fixed = HostGuard::builder()
        .bound(addr("127.0.0.1:1"))
        .setting_name("allowed_hosts in /etc/myapp.toml")
        .build()
        .unwrap();
    let text = fixed
        .check(&with_host("evil.example"))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("add `evil.example` to allowed_hosts in /etc/myapp.toml"),
        "{text}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::string::String;
    use std::vec::Vec;

    /// What should be accepted, written independently of the guard with `std` only:
    /// `localhost` names, the configured names of [`guard`], and the canonical text of
    /// the bound addresses, each with an optional port.
    fn oracle(host: &[u8]) -> bool {
        let Ok(host) = core::str::from_utf8(host) else {
            return false;
        };
        let (host, port) = match host.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && (!h.starts_with('[') || h.ends_with(']')) => {
                (h, Some(p))
            }
            _ => (host, None),
        };
        if let Some(port) = port
            && (port.is_empty()
                || port.len() > 5
                || !port.bytes().all(|b| b.is_ascii_digit())
                || port.parse::<u32>().map_or(true, |p| p > 65535))
        {
            return false;
        }
        if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            // `[::1]`, or 127.0.0.1 mapped into IPv6 (in either spelling browsers
            // use, which the unit tables pin down).
            return inner.parse::<Ipv6Addr>().is_ok_and(|ip| {
                ip == Ipv6Addr::LOCALHOST || ip.to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST)
            });
        }
        if host.parse::<Ipv4Addr>() == Ok(Ipv4Addr::LOCALHOST) {
            return true;
        }
        let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        let labels_ok = name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if !labels_ok || name.len() > 253 {
            return false;
        }
        name == "localhost"
            || name.ends_with(".localhost")
            || name == "app.example.com"
            || name == "extra.example.org"
            || name == "tunnel.example"
            || name.ends_with(".tunnel.example")
    }

    const PIECES: &[&str] = &[
        "localhost",
        "LocalHost",
        "127.0.0.1",
        "0.0.0.0",
        "[::1]",
        "[::]",
        "::1",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::ffff:7f00:01]",
        "app.example.com",
        "example.com",
        "tunnel.example",
        ".tunnel.example",
        "extra.example.org",
        "evil",
        "x",
        ".",
        "..",
        ":",
        ":8080",
        ":65536",
        ":0",
        "@",
        "1",
        "0x7f",
        "127",
        "%2e",
        "-",
        "_",
        "[",
        "]",
        "\0",
        " ",
        "\r\n",
        "é",
        "\u{ff0e}",
        "0",
        "00",
        "com",
    ];

    fn near_misses() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(PIECES), 1..6)
            .prop_map(|pieces| pieces.concat().into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn only_accepted_names_and_reachable_ips_pass(
            host in prop_oneof![
                near_misses(),
                "[a-zA-Z0-9.:\\[\\]@%_-]{0,40}".prop_map(String::into_bytes),
                prop::collection::vec(any::<u8>(), 0..40),
            ]
        ) {
            let g = guard();
            let req = RequestHead { host: Field::One(&host), ..RequestHead::default() };
            let accepted = g.check(&req).is_ok();
            prop_assert!(!accepted || oracle(&host), "accepted {:?}", String::from_utf8_lossy(&host));
            if let Err(refusal) = g.check(&req) {
                let text = refusal.to_string();
                prop_assert!(!text.chars().any(char::is_control), "{text:?}");
            }
        }
    }

    #[test]
    fn the_oracle_is_not_vacuous() {
        let g = guard();
        for host in [
            "localhost:1",
            "127.0.0.1",
            "[::1]:8080",
            "a.tunnel.example",
            "APP.example.com.",
        ] {
            assert!(oracle(host.as_bytes()), "{host}");
            let req = RequestHead {
                host: Field::One(host.as_bytes()),
                ..RequestHead::default()
            };
            assert!(g.check(&req).is_ok(), "{host}");
        }
        for host in ["evil", "0.0.0.0", "127.1", "[::]", "localhost:99999"] {
            assert!(!oracle(host.as_bytes()), "{host}");
        }
    }

    /// What should pass the cross-site rules, written with `std` only: a request a
    /// page of another site can send (an upgrade or a method other than `GET`,
    /// `HEAD`, `OPTIONS`, `TRACE`) must have no `Origin` or one of this server's or
    /// of the allowed origins, and not be marked cross-site; a `no-cors` request
    /// for a script or style from anything but this origin or the user is refused.
    fn cross_site_oracle(req: &Request) -> bool {
        let lower = |v: &Option<&str>| v.map(str::to_ascii_lowercase);
        let upgrade = req.upgrade.is_some()
            || lower(&req.connection).is_some_and(|c| c.split(',').any(|o| o.trim() == "upgrade"))
            || lower(&req.mode).as_deref() == Some("websocket");
        let unsafe_method = !["GET", "HEAD", "OPTIONS", "TRACE"].contains(&req.method);
        if upgrade || unsafe_method {
            // An origin whose host is one of this server's (any port: ports are not
            // matched), or one of the allowed origins, whole.
            let own_host = |o: &str| {
                let Some(rest) = o
                    .strip_prefix("http://")
                    .or_else(|| o.strip_prefix("https://"))
                else {
                    return false;
                };
                let host = match rest.find(']') {
                    Some(end) if rest.starts_with('[') => &rest[..=end],
                    _ => rest.split(':').next().unwrap_or(rest),
                };
                [
                    "localhost",
                    "127.0.0.1",
                    "[::ffff:7f00:1]",
                    "app.example.com",
                    "a.tunnel.example",
                ]
                .contains(&host)
            };
            let origin_ok = match lower(&req.origin).as_deref() {
                None => true,
                Some(o) => {
                    own_host(o)
                        || [
                            "https://partner.example",
                            "https://partner.example:443",
                            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                        ]
                        .contains(&o)
                }
            };
            if !origin_ok || lower(&req.site).as_deref() == Some("cross-site") {
                return false;
            }
        }
        let included = lower(&req.mode).as_deref() == Some("no-cors")
            && !matches!(lower(&req.site).as_deref(), Some("same-origin" | "none"))
            && matches!(lower(&req.dest).as_deref(), Some("script" | "style"));
        !included
    }

    #[derive(Debug, Clone)]
    struct Request {
        method: &'static str,
        origin: Option<&'static str>,
        site: Option<&'static str>,
        mode: Option<&'static str>,
        dest: Option<&'static str>,
        upgrade: Option<&'static str>,
        connection: Option<&'static str>,
    }

    fn one_of(values: &'static [&'static str]) -> impl Strategy<Value = Option<&'static str>> {
        prop::option::of(prop::sample::select(values))
    }

    fn requests() -> impl Strategy<Value = Request> {
        (
            prop::sample::select(
                &[
                    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "get",
                ][..],
            ),
            one_of(&[
                "http://localhost",
                "http://localhost:8080",
                "http://LOCALHOST:3000",
                "http://127.0.0.1:8080",
                "http://[::ffff:7f00:1]:8080",
                "https://app.example.com",
                "http://a.tunnel.example",
                "https://partner.example",
                "https://partner.example:8443",
                "http://partner.example",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                "moz-extension://abcdefghijklmnopabcdefghijklmnop",
                "http://evil.example",
                "http://0.0.0.0:8080",
                "http://127.1",
                "null",
                "",
                "localhost",
            ]),
            one_of(&[
                "same-origin",
                "same-site",
                "cross-site",
                "none",
                "CROSS-SITE",
                "other",
            ]),
            one_of(&[
                "no-cors",
                "cors",
                "navigate",
                "websocket",
                "same-origin",
                "NO-CORS",
            ]),
            one_of(&[
                "script", "style", "image", "document", "empty", "worker", "Script",
            ]),
            one_of(&["websocket", "h2c", ""]),
            one_of(&["Upgrade", "keep-alive", "keep-alive, upgrade", "close"]),
        )
            .prop_map(
                |(method, origin, site, mode, dest, upgrade, connection)| Request {
                    method,
                    origin,
                    site,
                    mode,
                    dest,
                    upgrade,
                    connection,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn only_this_servers_pages_send_upgrades_and_include_scripts(req in requests()) {
            let g = guard();
            let field = |v: Option<&'static str>| v.map_or(Field::Absent, |v| Field::One(v.as_bytes()));
            let head = RequestHead {
                method: req.method,
                origin: field(req.origin),
                sec_fetch_site: field(req.site),
                sec_fetch_mode: field(req.mode),
                sec_fetch_dest: field(req.dest),
                upgrade: field(req.upgrade),
                connection: field(req.connection),
                ..with_host("localhost:8080")
            };
            let accepted = g.check(&head).is_ok();
            // Equal, not just "accepted implies the oracle": nothing this server's
            // own pages send may be refused either.
            prop_assert_eq!(accepted, cross_site_oracle(&req), "{:?}", req);
        }
    }
}

// Found by `cargo mutants` on this module: each test below failed on one surviving mutant.

#[test]
fn a_field_is_absent_one_or_many() {
    let values: [&[u8]; 2] = [b"a.example", b"b.example"];
    assert_eq!(
        Field::from_values(values.iter().copied().take(0)),
        Field::Absent
    );
    assert_eq!(
        Field::from_values(values.iter().copied().take(1)),
        Field::One(b"a.example")
    );
    assert_eq!(Field::from_values(values.iter().copied()), Field::Many);
}

#[test]
fn forwarded_pairs_are_split_at_semicolons_too() {
    let req = RequestHead {
        peer: Some(IpAddr::from([127, 0, 0, 9])),
        forwarded: Field::One(b"for=1.2.3.4;host=evil.example"),
        ..with_host("127.0.0.1:8080")
    };
    assert_eq!(verdict(&proxied(), &req), Some(R::ForwardedHostNotAllowed));
}

#[test]
fn an_origin_refusal_names_the_origins_setting() {
    let g = HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .match_port(true)
        .allowed_hosts_from("HOSTS", |_| None)
        .unwrap()
        .allowed_origins_from("ORIGINS", |_| None)
        .unwrap()
        .build()
        .unwrap();
    // A page of this host on another port: the whole origin is what to add.
    let req = post("localhost:8080", Some("http://localhost:3000"));
    let text = g.check(&req).unwrap_err().to_string();
    assert!(
        text.contains("add `http://localhost:3000` to the ORIGINS environment variable"),
        "{text}"
    );
    assert!(!text.contains("HOSTS"), "{text}");
    let req = post("localhost:8080", Some("http://evil.example:8080"));
    let text = g.check(&req).unwrap_err().to_string();
    assert!(
        text.contains("add `http://evil.example:8080` to the ORIGINS"),
        "{text}"
    );
    let named = HostGuard::builder()
        .bound(addr("127.0.0.1:8080"))
        .origin_setting_name("allowed_origins in app.toml")
        .build()
        .unwrap();
    let text = named.check(&req).unwrap_err().to_string();
    assert!(text.contains("to allowed_origins in app.toml"), "{text}");
}

#[test]
fn configuration_errors_name_the_entry() {
    let err = HostGuard::builder().allow_host("*").unwrap_err();
    assert_eq!(err.entry(), "*");
    let err = HostGuard::builder().allow_host(".com").unwrap_err();
    assert_eq!(err.entry(), ".com");
}

#[test]
fn a_guard_from_a_listener_or_a_set_accepts_its_addresses() {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let g = HostGuard::builder()
        .listener(&listener)
        .unwrap()
        .match_port(true)
        .build()
        .unwrap();
    let host = std::format!("127.0.0.2:{port}");
    let req = RequestHead {
        host: Field::One(host.as_bytes()),
        ..RequestHead::default()
    };
    assert_eq!(verdict(&g, &req), OK);
    assert_eq!(
        verdict(&g, &with_host("127.0.0.3")),
        Some(R::IpNotReachable)
    );

    let set: crate::BindSet = "127.0.0.4:8080,[::1]:8080".parse().unwrap();
    let g = HostGuard::builder().bind_set(&set).build().unwrap();
    assert_eq!(verdict(&g, &with_host("127.0.0.4:8080")), OK);
    assert_eq!(verdict(&g, &with_host("[::1]:8080")), OK);
    assert_eq!(
        verdict(&g, &with_host("127.0.0.1:8080")),
        Some(R::IpNotReachable)
    );
}

#[test]
fn one_guard_for_every_listener() {
    let listeners = [
        std::net::TcpListener::bind("127.0.0.5:0").unwrap(),
        std::net::TcpListener::bind("127.0.0.6:0").unwrap(),
    ];
    let ports: std::vec::Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    let g = HostGuard::builder()
        .listeners(&listeners)
        .unwrap()
        .match_port(true)
        .build()
        .unwrap();
    for (ip, port) in ["127.0.0.5", "127.0.0.6"].iter().zip(&ports) {
        let host = std::format!("{ip}:{port}");
        let req = RequestHead {
            host: Field::One(host.as_bytes()),
            ..RequestHead::default()
        };
        assert_eq!(verdict(&g, &req), OK, "{host}");
    }
    assert_eq!(
        verdict(&g, &with_host("127.0.0.7")),
        Some(R::IpNotReachable)
    );
    // The environment variable is read, as by `from_listener`; the bound set and
    // plain addresses work too.
    let g = HostGuard::from_listeners(&listeners).unwrap();
    assert_eq!(verdict(&g, &with_host("127.0.0.6")), OK);
    let set: crate::BindSet = "127.0.0.8:8080,[::1]:8080".parse().unwrap();
    let g = HostGuard::from_listeners(&set).unwrap();
    assert_eq!(verdict(&g, &with_host("[::1]:8080")), OK);
    let g = HostGuard::from_listeners([addr("127.0.0.9:1")]).unwrap();
    assert_eq!(verdict(&g, &with_host("127.0.0.9")), OK);
    let none: [SocketAddr; 0] = [];
    assert_eq!(
        HostGuard::from_listeners(none).unwrap_err().kind(),
        HostGuardErrorKind::NoBoundAddress
    );
}
