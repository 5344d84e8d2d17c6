//! `const` and `static` items of every type, checked against the run-time parser.
use bind_guard::{BindAddr, LocalAddr, LoopbackAddr, bind_addr, ip_net};
use ipnet::IpNet;

const API: BindAddr = bind_addr!("127.0.0.1:8080");
const PUBLIC: BindAddr = bind_addr!("203.0.113.7:443");
const ADMIN: LoopbackAddr = bind_addr!("[::1]:9000");
const ADMIN_V4: LoopbackAddr = bind_addr!("127.0.0.53:53");
const LAN: LocalAddr = bind_addr!("192.168.1.10:8080");
const LINK: LocalAddr = bind_addr!("[fe80::1%2]:8080");
const RAW: BindAddr = bind_addr!(r"10.0.0.5:5432");
const TRAILING_COMMA: BindAddr = bind_addr!("127.0.0.1:1",);
const OFFICE: IpNet = ip_net!("10.20.0.0/16");
const ULA: IpNet = ip_net!("fd00::/8");

static DB: BindAddr = bind_addr!("10.0.0.5:5432");
static DB_ADMIN: LoopbackAddr = bind_addr!("127.0.0.1:5433");
static DB_LAN: LocalAddr = bind_addr!("[fd12:3456::1]:5432");
static ALL_V4: IpNet = ip_net!("0.0.0.0/0");

pub(crate) fn main() {
    assert_eq!(API, "127.0.0.1:8080".parse::<BindAddr>().unwrap());
    assert_eq!(PUBLIC, "203.0.113.7:443".parse::<BindAddr>().unwrap());
    assert_eq!(ADMIN, "[::1]:9000".parse::<LoopbackAddr>().unwrap());
    assert_eq!(ADMIN_V4, "127.0.0.53:53".parse::<LoopbackAddr>().unwrap());
    assert_eq!(LAN, "192.168.1.10:8080".parse::<LocalAddr>().unwrap());
    assert_eq!(LINK.to_string(), "[fe80::1%2]:8080");
    assert_eq!(RAW.port(), 5432);
    assert_eq!(TRAILING_COMMA.port(), 1);
    assert_eq!(OFFICE, "10.20.0.0/16".parse::<IpNet>().unwrap());
    assert_eq!(ULA, "fd00::/8".parse::<IpNet>().unwrap());
    assert_eq!(DB.to_string(), "10.0.0.5:5432");
    assert_eq!(DB_ADMIN.port(), 5433);
    assert_eq!(DB_LAN.to_string(), "[fd12:3456::1]:5432");
    assert_eq!(ALL_V4.prefix_len(), 0);
}
