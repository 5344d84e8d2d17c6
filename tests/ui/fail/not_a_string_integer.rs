use bind_guard::{BindAddr, bind_addr};

const API: BindAddr = bind_addr!(8080);

fn main() {}
