use bind_guard::{BindAddr, bind_addr};

// C reads 010 as octal 8.
const API: BindAddr = bind_addr!("010.0.0.1:80");

fn main() {}
