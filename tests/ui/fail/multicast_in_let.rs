use bind_guard::{BindAddr, bind_addr};

fn main() {
    // A multicast group receives from every network the host is attached to: the
    // default rule refuses it, in a `let` as in a `const`.
    let group: BindAddr = bind_addr!("224.0.0.1:5000");
    let _ = group;
}
