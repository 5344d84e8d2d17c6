//! The expansion names nothing from the caller's scope: a crate that defines its own
//! `Ok`, `Err`, `Some`, `None`, `Result`, `Option`, `panic!`, `core`, `std`,
//! `ErrorKind`, and constants named like the bindings a `match` would use, still gets
//! the real thing.
#![allow(non_upper_case_globals, dead_code, non_camel_case_types, unused_macros)]

// The caller's names live in this module; `main` is outside it because `assert_eq!`
// itself binds a `kind` and would trip over the constant below.
mod caller {
    use bind_guard::{BindAddr, LoopbackAddr, bind_addr, ip_net};

    // A constant in scope turns a same-named `match` binding into a constant pattern.
    const value: () = ();
    const kind: () = ();
    const v: () = ();
    const e: () = ();
    const err: () = ();
    const error: () = ();
    const result: () = ();
    const addr: () = ();

    struct Ok;
    struct Err;
    struct Some;
    struct None;
    struct Result;
    struct Option;
    struct ErrorKind;
    mod core {}
    mod std {}
    mod __private {}
    macro_rules! panic {
        ($($t:tt)*) => {
            compile_error!("the caller's panic! was used")
        };
    }
    macro_rules! concat {
        ($($t:tt)*) => {
            compile_error!("the caller's concat! was used")
        };
    }

    pub(crate) const API: BindAddr = bind_addr!("127.0.0.1:80");
    pub(crate) const ADMIN: LoopbackAddr = bind_addr!("[::1]:81");
    pub(crate) const NET: ipnet::IpNet = ip_net!("10.0.0.0/8");

    pub(crate) fn local() -> BindAddr {
        bind_addr!("10.0.0.1:82")
    }
}

pub(crate) fn main() {
    assert_eq!(caller::API.port(), 80);
    assert_eq!(caller::ADMIN.port(), 81);
    assert_eq!(caller::local().port(), 82);
    assert_eq!(caller::NET.prefix_len(), 8);
}
