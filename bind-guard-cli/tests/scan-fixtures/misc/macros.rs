use std::net::{Ipv4Addr, SocketAddr};

fn in_macros(port: u16) {
    let body = serde_json::json!({ "bind": "0.0.0.0:8080", "host": "localhost" }); // expect: low wildcard-string
    let cfg = serde_json::json!({ "addr": Ipv4Addr::UNSPECIFIED }); // expect: low wildcard-constant
    let list = vec!["[::]:80", "127.0.0.1:80"]; // expect: low wildcard-string
    let logged = format!("{}", Ipv4Addr::new(0, 0, 0, 0)); // expect: low wildcard-constructed
    tracing::info!("binding {}", "0.0.0.0:80"); // expect: low wildcard-string
    write!(f, "0.0.0.0:{}", port)?; // expect: low wildcard-string
    my_dsl! { listen => "0.0.0.0:7000" }; // expect: low wildcard-string
    let fine = serde_json::json!({ "bind": "127.0.0.1:8080" }); // expect: none
    let not_addr = serde_json::json!({ "sep": "::" }); // expect: none
}

macro_rules! serve_on {
    ($app:expr) => {
        TcpListener::bind("0.0.0.0:8000") // expect: low wildcard-string
    };
}

#[test]
fn tests_are_scanned_too() {
    let l = std::net::TcpListener::bind("0.0.0.0:0").unwrap(); // expect: high wildcard-string
    let connect_info = SocketAddr::from(([0, 0, 0, 0], 1337)); // expect: low wildcard-constructed
}
