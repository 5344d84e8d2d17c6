use bind_guard::{BindAddr, bind_addr};

// `*` as the host: many servers read it as the wildcard.
const API: BindAddr = bind_addr!("*:8080");

fn main() {}
