use bind_guard::{LocalAddr, bind_addr};

// A global (internet) address where only local networks are allowed.
const LAN: LocalAddr = bind_addr!("8.8.8.8:53");

fn main() {}
