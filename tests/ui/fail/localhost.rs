use bind_guard::{BindAddr, bind_addr};

// A host name: the macro does not resolve names.
const API: BindAddr = bind_addr!("localhost:8080");

fn main() {}
