//! The values exist at compile time: they are used where only a constant is allowed.
use bind_guard::{BindAddr, LoopbackAddr, Scope, bind_addr, ip_net};
use ipnet::IpNet;

const API: BindAddr = bind_addr!("127.0.0.1:8080");
const ADMIN: LoopbackAddr = bind_addr!("[::1]:16");

// An array length.
const P: u16 = ADMIN.port();
static BUFFER: [u8; P as usize] = [0; P as usize];

// A const generic argument.
struct Ports<const N: u16>;
impl<const N: u16> Ports<N> {
    const fn get(&self) -> u16 {
        N
    }
}

// A static assertion: fails the build, not the run, if the value were different.
const _: () = assert!(API.port() == 8080);
const _: () = assert!(matches!(API.scope(), Scope::Loopback));

// The macro itself in an anonymous constant (the array length).
const LEN: usize = {
    let lan: BindAddr = bind_addr!("192.168.0.1:4");
    lan.port() as usize
};

// ipnet has few `const fn`s, but a network literal is a constant all the same.
const OFFICE: IpNet = ip_net!("10.20.0.0/16");
const OFFICES: [IpNet; 2] = [OFFICE, ip_net!("fd00::/8")];

fn classify(port: u16) -> &'static str {
    // A `match` pattern: only a constant may stand here.
    const API_PORT: u16 = API.port();
    match port {
        API_PORT => "api",
        P => "admin",
        _ => "other",
    }
}

pub(crate) fn main() {
    assert_eq!(BUFFER.len(), 16);
    assert_eq!([0u8; LEN].len(), 4);
    assert_eq!(Ports::<{ API.port() }>.get(), 8080);
    assert_eq!(classify(8080), "api");
    assert_eq!(classify(16), "admin");
    assert_eq!(classify(1), "other");
    assert_eq!(OFFICES[0].prefix_len(), 16);
    assert_eq!(OFFICES[1].prefix_len(), 8);
}
