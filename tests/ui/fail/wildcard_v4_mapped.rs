use bind_guard::{BindAddr, bind_addr};

// The IPv4 wildcard disguised as an IPv4-mapped IPv6 address.
const API: BindAddr = bind_addr!("[::ffff:0.0.0.0]:80");

fn main() {}
