use bind_guard::{BindAddr, bind_addr};

// The IPv4 wildcard: every interface.
const API: BindAddr = bind_addr!("0.0.0.0:8080");

fn main() {}
