// Values followed the way the compiler sees them (issue 22), and judged by the value
// and the shape of its use (issue 26).
use std::net::Ipv4Addr as V4;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::LazyLock;

const Z: u8 = 0;
pub const DEFAULT_INBOUND_LISTEN_ADDR: &str = "0.0.0.0:4143"; // expect: high wildcard-string
const ZERO: IpAddr = IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)); // expect: none (only compared)
static LISTEN: LazyLock<SocketAddr> = LazyLock::new(|| "[::]:9000".parse().unwrap()); // expect: high wildcard-string

fn is_unspecified(ip: IpAddr) -> bool {
    ip == ZERO
}

fn aliases_and_constants() -> std::io::Result<()> {
    let a = std::net::TcpListener::bind((V4::UNSPECIFIED, 80))?; // expect: high wildcard-constant
    let b = std::net::TcpListener::bind((Ipv4Addr::new(Z, Z, Z, Z), 81))?; // expect: high wildcard-constructed
    let zeros = [0u8; 4];
    let c = std::net::TcpListener::bind((IpAddr::from(zeros), 82))?; // expect: high wildcard-constructed
    let text = concat!("0.0.0.0", ":", 83); // expect: high wildcard-string
    let d = std::net::TcpListener::bind(text)?;
    Ok(())
}

fn captures_and_shadowing(port: u16) -> std::io::Result<()> {
    let host = "0.0.0.0"; // expect: high wildcard-string
    let addr = format!("{host}:{port}");
    let addr = addr.as_str();
    let l = std::net::TcpListener::bind(addr)?;
    let make = || format!("0.0.0.0:{port}"); // expect: high wildcard-string
    let m = std::net::TcpListener::bind(make())?;
    Ok(())
}

fn shapes(port: u16) {
    let any: SocketAddr = ([0, 0, 0, 0], 0).into(); // expect: high wildcard-constructed
    let v4 = SocketAddr::new([0, 0, 0, 0].into(), port); // expect: high wildcard-constructed
    let udp = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0); // expect: high wildcard-constant
    let host_only = Ipv6Addr::UNSPECIFIED; // expect: low wildcard-constant
    service.add_tcp("0.0.0.0:6145"); // expect: high wildcard-string
    let listeners = Listeners::tcp(&format!("[::]:{port}")); // expect: high wildcard-string
    server.set_listening_address(Ipv4Addr::UNSPECIFIED); // expect: high wildcard-constant
}

struct Settings {
    bind_addr: SocketAddr,
    agent_host: String,
}

fn settings() -> Settings {
    Settings {
        bind_addr: SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 9).into(), // expect: high wildcard-constant
        agent_host: "0.0.0.0".into(), // expect: none (a destination)
    }
}

fn default_address() -> SocketAddr {
    SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 8088) // expect: high wildcard-constant
}

fn default_host() -> String {
    "::".to_owned() // expect: high wildcard-string
}

#[derive(serde::Deserialize)]
struct Config {
    #[serde(default = "host_default")]
    host: String,
}

fn host_default() -> String {
    String::from("0.0.0.0") // expect: high wildcard-string
}

#[derive(Default)]
struct Server {
    #[default(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)))] // expect: high wildcard-constructed
    bind: IpAddr,
    #[builder(default = r#"String::from("::")"#)] // expect: high wildcard-string
    http_host: String,
}

#[derive(clap::Parser)]
struct Args {
    #[arg(long, default_value = "0.0.0.0")] // expect: high wildcard-string
    listen_host: String,
    #[arg(long, default_value = "0.0.0.0")] // expect: none (a destination)
    jaeger_agent_host: String,
    #[arg(long, default_value = "0.0.0.0")] // expect: low wildcard-string (says nothing of its use)
    value: String,
}
