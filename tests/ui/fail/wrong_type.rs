use bind_guard::bind_addr;

// The result is a BindAddr<_>, not a std SocketAddr.
const API: std::net::SocketAddr = bind_addr!("127.0.0.1:8080");

fn main() {}
