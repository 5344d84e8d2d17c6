use std::net::{Ipv4Addr, SocketAddr};

fn in_macros(port: u16) {
    let body = serde_json::json!({ "bind": "0.0.0.0:8080", "host": "localhost" }); // expect: high wildcard-string (a socket address)
    let cfg = serde_json::json!({ "addr": Ipv4Addr::UNSPECIFIED }); // expect: low wildcard-constant
    let list = vec!["[::]:80", "127.0.0.1:80"]; // expect: high wildcard-string (a socket address)
    let logged = format!("{}", Ipv4Addr::new(0, 0, 0, 0)); // expect: low wildcard-constructed
    tracing::info!("binding {}", "0.0.0.0:80"); // expect: none (a log line)
    write!(f, "0.0.0.0:{}", port)?; // expect: high wildcard-string (a socket address)
    my_dsl! { listen => "0.0.0.0:7000" }; // expect: high wildcard-string (a socket address)
    let fine = serde_json::json!({ "bind": "127.0.0.1:8080" }); // expect: none
    let not_addr = serde_json::json!({ "sep": "::" }); // expect: none
}

macro_rules! serve_on {
    ($app:expr) => {
        TcpListener::bind("0.0.0.0:8000") // expect: high wildcard-string (a socket address)
    };
}

#[test]
fn tests_are_scanned_too() {
    let l = std::net::TcpListener::bind("0.0.0.0:0").unwrap(); // expect: high wildcard-string
    let connect_info = SocketAddr::from(([0, 0, 0, 0], 1337)); // expect: none (the name says it is a connection's)
}
