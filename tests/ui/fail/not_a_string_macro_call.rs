use bind_guard::{BindAddr, bind_addr};

const API: BindAddr = bind_addr!(concat!("127.0.0.1", ":8080"));

fn main() {}
