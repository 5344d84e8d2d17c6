use bind_guard::{LoopbackAddr, bind_addr};

// A LAN address where only this machine may connect.
const ADMIN: LoopbackAddr = bind_addr!("192.168.1.10:9000");

fn main() {}
