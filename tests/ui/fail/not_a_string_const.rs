use bind_guard::{BindAddr, bind_addr};

const TEXT: &str = "127.0.0.1:8080";
const API: BindAddr = bind_addr!(TEXT);

fn main() {}
