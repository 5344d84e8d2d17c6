use bind_guard::{BindAddr, bind_addr};

// The IPv6 wildcard (and, on Linux, the IPv4 one too: dual-stack).
const API: BindAddr = bind_addr!("[::]:8080");

fn main() {}
