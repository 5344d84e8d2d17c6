use bind_guard::{BindAddr, bind_addr};

const API: BindAddr = bind_addr!("127.0.0.1:65536");

fn main() {}
