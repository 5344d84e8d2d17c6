use bind_guard::{BindAddr, bind_addr};

const API: BindAddr = bind_addr!(b"127.0.0.1:8080");

fn main() {}
