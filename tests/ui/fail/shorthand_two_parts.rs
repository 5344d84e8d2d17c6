use bind_guard::{BindAddr, bind_addr};

// inet_aton reads 127.1 as 127.0.0.1; std does not.
const API: BindAddr = bind_addr!("127.1:80");

fn main() {}
