//! A crate that depends on bind-guard under another name:
//! `guard = { package = "bind-guard", … }`. There is no `bind_guard` in its extern
//! prelude, so the macros compile here only if their expansion reaches the runtime crate
//! through `$crate`. `tests/ui.rs` (`renamed_dependency`) writes the manifest, builds
//! and runs this file. Cargo refuses one package under two names in one manifest, so
//! this cannot be a plain trybuild pass case of the suite.

use guard::{BindAddr, LocalAddr, LoopbackAddr, bind_addr, ip_net};

const API: BindAddr = bind_addr!("127.0.0.1:8080");
const ADMIN: LoopbackAddr = guard::bind_addr!("[::1]:9000");
const LAN: LocalAddr = bind_addr!("192.168.1.10:8080");
const ANY: BindAddr = bind_addr!("0.0.0.0:80", allow_wildcard);
const OFFICE: ipnet::IpNet = ip_net!("10.20.0.0/16");

pub(crate) fn main() {
    assert_eq!(API, "127.0.0.1:8080".parse::<BindAddr>().unwrap());
    assert_eq!(ADMIN, "[::1]:9000".parse::<LoopbackAddr>().unwrap());
    assert_eq!(LAN, "192.168.1.10:8080".parse::<LocalAddr>().unwrap());
    assert!(ANY.is_wildcard());
    assert_eq!(OFFICE.to_string(), "10.20.0.0/16");
    let local: BindAddr = bind_addr!("10.0.0.1:1");
    println!("renamed dependency: {API} {ADMIN} {LAN} {ANY} {OFFICE} {local}");
}
