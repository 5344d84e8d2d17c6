use bind_guard::{LoopbackAddr, bind_addr};

// allow_wildcard widens only BindAddr: a LoopbackAddr can never hold the wildcard.
const ADMIN: LoopbackAddr = bind_addr!("0.0.0.0:9000", allow_wildcard);

fn main() {}
