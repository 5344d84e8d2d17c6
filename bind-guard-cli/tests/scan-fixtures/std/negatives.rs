use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Binds 0.0.0.0:8080 in production (a doc comment is prose). // expect: none
fn checks(ip: IpAddr, addr: SocketAddr) -> bool {
    if ip == Ipv4Addr::UNSPECIFIED { // expect: none
        return false;
    }
    if addr.ip() != IpAddr::V6(Ipv6Addr::UNSPECIFIED) {} // expect: none
    assert_eq!(addr.ip(), Ipv4Addr::new(0, 0, 0, 0)); // expect: none
    assert_ne!(addr.to_string(), "0.0.0.0:80"); // expect: none
    debug_assert!(addr.ip() != Ipv4Addr::UNSPECIFIED); // expect: none
    let wild = matches!(ip, IpAddr::V4(v4) if v4 == Ipv4Addr::UNSPECIFIED); // expect: none
    let listed = [IpAddr::V4(Ipv4Addr::UNSPECIFIED)].contains(&ip); // expect: none
    let prefixed = line.starts_with("0.0.0.0:"); // expect: none
    match ip {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED) => true, // expect: none
        _ => ip.eq(&Ipv6Addr::UNSPECIFIED), // expect: none
    }
}

fn not_addresses() {
    let path = segments.join("::"); // expect: none
    out.push_str("::"); // expect: none
    let sep = "::"; // expect: none
    let url = "http://0.0.0.0:8080/"; // expect: none
    let message = "listening on 0.0.0.0:8080"; // expect: none
    let cidr = "0.0.0.0/0"; // expect: none
    let version = "0.0.0"; // expect: none
    let zeros = [0, 0, 0, 0]; // expect: none
    let (buf, len) = ([0; 4], 0); // expect: none
    let lo = Ipv4Addr::new(127, 0, 0, 1); // expect: none
    let bytes = [0u8; 16]; // expect: none
    let rows = vec![(zero(), &[0, 0, 0, 0, 0, 0, 0, 0])]; // expect: none
    let octal = "00.0.0.0:80"; // expect: none
    let empty_host = ":80"; // expect: none
    println!("listening on http://0.0.0.0:{}", port); // expect: none
    // TcpListener::bind("0.0.0.0:8080") in a comment // expect: none
}
