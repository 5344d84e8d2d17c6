//! `bind_addr!` in `const fn` bodies, `let` statements, arguments, struct fields and
//! generic functions: the expected type picks the rule wherever it comes from.
use bind_guard::{BindAddr, LocalAddr, LoopbackAddr, bind_addr, ip_net};
use ipnet::IpNet;

const fn api() -> BindAddr {
    bind_addr!("127.0.0.1:8080")
}
const fn admin() -> LoopbackAddr {
    bind_addr!("[::1]:9000")
}
const fn lan() -> LocalAddr {
    bind_addr!("10.1.2.3:80")
}
const fn office() -> IpNet {
    ip_net!("172.16.0.0/12")
}

fn takes_loopback(addr: LoopbackAddr) -> u16 {
    addr.port()
}

struct Config {
    listen: BindAddr,
    admin: LoopbackAddr,
}

fn generic<T: Default>() -> (T, LocalAddr) {
    // An inline const in a generic function that does not depend on `T`.
    (T::default(), bind_addr!("192.168.0.1:1"))
}

pub(crate) fn main() {
    let a: BindAddr = bind_addr!("127.0.0.1:3000");
    let b: LoopbackAddr = bind_addr!("127.0.0.1:3001");
    let c: LocalAddr = bind_addr!("[fd00::1]:3002");
    let d: IpNet = ip_net!("192.168.0.0/16");
    let e = ip_net!("::1/128"); // IpNet is the only possible type: no annotation needed
    assert_eq!((a.port(), b.port(), c.port()), (3000, 3001, 3002));
    assert!(d.contains(&"192.168.5.5".parse::<std::net::IpAddr>().unwrap()));
    assert_eq!(e.prefix_len(), 128);

    assert_eq!(api().port(), 8080);
    assert!(admin().ip().is_loopback());
    assert_eq!(lan().to_string(), "10.1.2.3:80");
    assert_eq!(office().to_string(), "172.16.0.0/12");

    assert_eq!(takes_loopback(bind_addr!("127.0.0.1:7")), 7);
    let config = Config {
        listen: bind_addr!("0.0.0.0:80", allow_wildcard),
        admin: bind_addr!("127.0.0.1:81"),
    };
    assert!(config.listen.is_wildcard());
    assert_eq!(config.admin.port(), 81);
    assert_eq!(generic::<u8>().1.port(), 1);
}
