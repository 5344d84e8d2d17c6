//! A local module named `bind_guard` (with a `__private` of its own) does not capture
//! the expansion: the macros reach the runtime crate through `$crate`.
#![allow(dead_code)]

mod bind_guard {
    pub(crate) mod __private {
        pub(crate) fn bind_addr() {}
        pub(crate) fn ip_net() {}
    }
    pub(crate) struct ErrorKind;
}

const API: ::bind_guard::BindAddr = ::bind_guard::bind_addr!("127.0.0.1:80");
const NET: ipnet::IpNet = ::bind_guard::ip_net!("fd00::/8");

pub(crate) fn main() {
    bind_guard::__private::bind_addr();
    assert_eq!(API.port(), 80);
    assert_eq!(NET.prefix_len(), 8);
}
