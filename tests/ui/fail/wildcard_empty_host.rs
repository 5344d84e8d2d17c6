use bind_guard::{BindAddr, bind_addr};

// An empty host: Go and Python read it as the wildcard.
const API: BindAddr = bind_addr!(":8080");

fn main() {}
