// Look-alikes that are provably not binds: no finding.
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

fn checks(ip: IpAddr, text: &str) -> bool {
    if ip == IpAddr::V4(Ipv4Addr::UNSPECIFIED) { // expect: none
        return true;
    }
    let allowed = ["0.0.0.0", "127.0.0.1"].contains(&text); // expect: none
    text.eq_ignore_ascii_case("0.0.0.0") // expect: none
}

fn logs(port: u16) {
    tracing::debug!("0.0.0.0:{} may already be taken", port); // expect: none
    log::info!("listening on {}", "0.0.0.0:80"); // expect: none
    assert_eq!(addr, "0.0.0.0:53".parse().unwrap()); // expect: none
}

fn clients() -> std::io::Result<()> {
    let stream = std::net::TcpStream::connect("0.0.0.0:9")?; // expect: none
    let app = app().layer(MockConnectInfo(SocketAddr::from(([0, 0, 0, 0], 1337)))); // expect: none
    let peer_template = BasicPeer::new("0.0.0.0:1"); // expect: none
    let local = Local(ClientAddr(([0, 0, 0, 0], 4444).into())); // expect: none
    socket.join_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?; // expect: none
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED)); // expect: none
    Ok(())
}

impl PeerAddr for Mock {
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(([0, 0, 0, 0], 0).into()) // expect: none
    }
}

fn dhcp() -> Message {
    Message { ciaddr: Ipv4Addr::UNSPECIFIED, yiaddr: Ipv4Addr::UNSPECIFIED } // expect: none
}

fn buffers() {
    let mut buf = [0u8; 16];
    let ip = std::net::Ipv6Addr::from(buf); // a buffer filled at run time, not the wildcard
    let parts = "a::b".split("::"); // expect: none
}
