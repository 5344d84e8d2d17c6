use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, TcpListener, UdpSocket};

fn std_listeners(port: u16) -> std::io::Result<()> {
    let a = TcpListener::bind("0.0.0.0:8080")?; // expect: high wildcard-string
    let b = TcpListener::bind("[::]:8080")?; // expect: high wildcard-string
    let c = UdpSocket::bind("0.0.0.0:5353")?; // expect: high wildcard-string
    let d = std::net::TcpListener::bind("[::ffff:0.0.0.0]:80")?; // expect: high wildcard-string
    let e = TcpListener::bind("[0:0:0:0:0:0:0:0]:80")?; // expect: high wildcard-string
    let f = TcpListener::bind(("0.0.0.0", 8080))?; // expect: high wildcard-string
    let g = TcpListener::bind(("::", port))?; // expect: high wildcard-string
    let h = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port))?; // expect: high wildcard-constant
    let i = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::new(0, 0, 0, 0), port))?; // expect: high wildcard-constructed
    let j = TcpListener::bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0))?; // expect: high wildcard-constant
    let k = TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port)))?; // expect: high wildcard-constructed
    let l = TcpListener::bind(SocketAddr::from((Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), port)))?; // expect: high wildcard-constructed
    let m = TcpListener::bind((IpAddr::from([0, 0, 0, 0]), port))?; // expect: high wildcard-constructed
    let n = TcpListener::bind(format!("0.0.0.0:{port}"))?; // expect: high wildcard-string
    let o = TcpListener::bind(&format!("[::]:{}", port))?; // expect: high wildcard-string
    let p = UdpSocket::bind((Ipv4Addr::from(0), port))?; // expect: high wildcard-constructed
    let q = TcpListener::bind("0.0.0.0:0".parse::<SocketAddr>().unwrap())?; // expect: high wildcard-string
    let r = TcpListener::bind((Ipv6Addr::UNSPECIFIED, port))?; // expect: high wildcard-constant
    let s = TcpListener::bind(SocketAddr::from(([0; 4], port)))?; // expect: high wildcard-constructed
    let t = TcpListener::bind(SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 0], port)))?; // expect: high wildcard-constructed
    let u = TcpListener::bind((Ipv6Addr::from([0u8; 16]), port))?; // expect: high wildcard-constructed
    Ok(())
}

fn safe_listeners(port: u16) -> std::io::Result<()> {
    let a = TcpListener::bind("127.0.0.1:8080")?; // expect: none
    let b = TcpListener::bind("[::1]:8080")?; // expect: none
    let c = TcpListener::bind(":8080")?; // expect: none
    let d = TcpListener::bind(("127.0.0.1", port))?; // expect: none
    let e = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))?; // expect: none
    let f = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?; // expect: none
    let g = TcpListener::bind("192.168.1.10:80")?; // expect: none
    let h = TcpListener::bind(format!("127.0.0.1:{port}"))?; // expect: none
    let i = TcpListener::bind("*:80")?; // expect: none
    let j = TcpListener::bind("0.0.0.0.0:80")?; // expect: none
    let k = TcpListener::bind(format!("{}:{}", host, port))?; // expect: none
    Ok(())
}
