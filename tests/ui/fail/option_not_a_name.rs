use bind_guard::{BindAddr, bind_addr};

const API: BindAddr = bind_addr!("0.0.0.0:8080", true);

fn main() {}
