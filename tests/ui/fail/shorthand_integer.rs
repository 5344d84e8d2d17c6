use bind_guard::{BindAddr, bind_addr};

// inet_aton reads one 32-bit number as a whole address.
const API: BindAddr = bind_addr!("2130706433:80");

fn main() {}
