//! The literal may come through the caller's own `macro_rules!` as a `literal`, `expr`
//! or `tt` fragment (an `expr` arrives wrapped in an invisible group).
use bind_guard::{BindAddr, LoopbackAddr, bind_addr, ip_net};

macro_rules! listen_literal {
    ($addr:literal) => {
        bind_addr!($addr)
    };
}
macro_rules! listen_expr {
    ($addr:expr) => {
        bind_addr!($addr, allow_wildcard)
    };
}
macro_rules! listen_tt {
    ($($args:tt)*) => {
        ::bind_guard::bind_addr!($($args)*)
    };
}
macro_rules! network {
    ($net:expr) => {
        ip_net!($net)
    };
}

const A: BindAddr = listen_literal!("127.0.0.1:1");
const B: BindAddr = listen_expr!("0.0.0.0:2");
const C: LoopbackAddr = listen_tt!("[::1]:3");
const D: ipnet::IpNet = network!("10.0.0.0/8");

pub(crate) fn main() {
    assert_eq!((A.port(), B.port(), C.port()), (1, 2, 3));
    assert!(B.is_wildcard());
    assert_eq!(D.prefix_len(), 8);
}
