use bind_guard::{LoopbackAddr, bind_addr};

// A library's admin endpoint takes a LoopbackAddr; a LAN address is refused where it
// is passed, at the literal, by `cargo check` too.
fn start_admin(addr: LoopbackAddr) -> u16 {
    addr.port()
}

fn main() {
    start_admin(bind_addr!("192.168.1.10:9000"));
}
