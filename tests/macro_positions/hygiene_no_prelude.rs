//! The expansion uses only absolute paths, so it works in a module without the prelude.

mod bare {
    #![no_implicit_prelude]

    pub(crate) const API: ::bind_guard::BindAddr = ::bind_guard::bind_addr!("127.0.0.1:80");
    pub(crate) const ADMIN: ::bind_guard::LoopbackAddr =
        ::bind_guard::bind_addr!("[::1]:81", allow_wildcard);
    pub(crate) const NET: ::ipnet::IpNet = ::bind_guard::ip_net!("10.0.0.0/8");
}

pub(crate) fn main() {
    assert_eq!(bare::API.port(), 80);
    assert_eq!(bare::ADMIN.port(), 81);
    assert_eq!(bare::NET.prefix_len(), 8);
}
