use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};

const LISTEN: &str = "0.0.0.0:3000"; // expect: high wildcard-string
const UNUSED: &str = "0.0.0.0:3001"; // expect: high wildcard-string (a socket address: its port says listener)
static ANY: Ipv4Addr = Ipv4Addr::UNSPECIFIED; // expect: low wildcard-constant

fn through_names(port: u16) -> std::io::Result<()> {
    let addr = SocketAddr::from(([0, 0, 0, 0], port)); // expect: high wildcard-constructed
    let listener = TcpListener::bind(addr)?;
    let ip = Ipv6Addr::UNSPECIFIED; // expect: high wildcard-constant
    let both = SocketAddr::new(ip.into(), port);
    let second = TcpListener::bind(both)?;
    let third = TcpListener::bind(LISTEN)?; // expect-sink-of: 3
    let host = std::env::var("HOST").unwrap_or("0.0.0.0".to_string()); // expect: high wildcard-string
    let fourth = TcpListener::bind((host.as_str(), port))?;
    let fallback = std::env::var("BIND").unwrap_or_else(|_| "[::]:9000".into()); // expect: high wildcard-string
    let fifth = TcpListener::bind(fallback)?;
    let chosen = if public { "0.0.0.0:80" } else { "127.0.0.1:80" }; // expect: high wildcard-string
    let sixth = TcpListener::bind(chosen)?;
    let kept = Ipv4Addr::new(0, 0, 0, 0); // expect: none (only printed)
    println!("{kept}");
    let mut late = "127.0.0.1:1";
    late = "0.0.0.0:1"; // expect: high wildcard-string
    let seventh = TcpListener::bind(late)?; // expect-sink-of: 23
    Ok(())
}

fn constants_alone() -> Vec<SocketAddr> {
    let everywhere = "0.0.0.0"; // expect: low wildcard-string
    let v6 = Ipv6Addr::UNSPECIFIED; // expect: low wildcard-constant
    let raw = libc::INADDR_ANY; // expect: low wildcard-constant
    let list = vec![SocketAddr::from(([0, 0, 0, 0], 1))]; // expect: high wildcard-constructed (the wildcard with a port)
    let text = concat!("0.0.0.0:", "8080"); // expect: high wildcard-string (concat! joined: "0.0.0.0:8080")
    let formatted = format!("{host}:{port}", host = "0.0.0.0", port = 1); // expect: low wildcard-string
    let mapped = "::ffff:0.0.0.0"; // expect: low wildcard-string
    let bracketed = "[::]"; // expect: low wildcard-string
    let prefix = "0.0.0.0:".to_owned() + &port.to_string(); // expect: high wildcard-string (a prefix to which a port is added)
    list
}

struct Settings {
    host: String,
    port: u16,
}

fn settings() -> Settings {
    Settings { host: "0.0.0.0".to_owned(), port: 8080 } // expect: high wildcard-string
}

fn default_listen() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::UNSPECIFIED, 8080)) // expect: high wildcard-constant
}

fn early(public: bool) -> &'static str {
    if public {
        return "[::]:443"; // expect: high wildcard-string
    }
    "127.0.0.1:443"
}

impl Settings {
    fn listen_addr(&self) -> SocketAddr {
        SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), self.port) // expect: high wildcard-constant
    }
}

fn serve(s: Settings) -> std::io::Result<()> {
    let a = TcpListener::bind((s.host.as_str(), s.port))?;
    let b = TcpListener::bind(default_listen())?;
    let c = TcpListener::bind(early(true))?;
    let d = TcpListener::bind(s.listen_addr())?;
    Ok(())
}

fn not_bound() -> Ipv4Addr {
    Ipv4Addr::UNSPECIFIED // expect: low wildcard-constant
}

fn netmask() -> Mask {
    Mask { bits: Ipv4Addr::new(0, 0, 0, 0) } // expect: low wildcard-constructed
}
