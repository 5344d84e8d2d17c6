use bind_guard::bind_addr;

fn main() {
    // The rule comes from the annotated type, so a `let` needs one.
    let api = bind_addr!("127.0.0.1:8080");
    let _ = api;
}
