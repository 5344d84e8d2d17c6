use bind_guard::{BindAddr, bind_addr};

// inet_aton reads hex octets.
const API: BindAddr = bind_addr!("0x7f.0.0.1:80");

fn main() {}
