use clap::{Arg, Parser};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

const DEFAULT_BIND: &str = "[::]:8080"; // expect: high wildcard-string

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "0.0.0.0:8080")] // expect: high wildcard-string
    listen: SocketAddr,
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))] // expect: high wildcard-constant
    host: IpAddr,
    #[clap(long, default_value = "0.0.0.0")] // expect: low wildcard-string (the field name says nothing of its use)
    old_style: String,
    #[arg(long, default_value = DEFAULT_BIND)]
    via_const: SocketAddr,
    #[arg(long, default_value = "127.0.0.1:8080")] // expect: none
    safe: SocketAddr,
    #[arg(long, env = "HOST", help = "address, such as 0.0.0.0")] // expect: none
    helped: String,
    #[serde(rename = "0.0.0.0")] // expect: none
    renamed: String,
}

fn builder() -> clap::Command {
    clap::Command::new("srv")
        .arg(Arg::new("bind").long("bind").default_value("0.0.0.0:9000")) // expect: high wildcard-string
        .arg(Arg::new("safe").long("safe").default_value("127.0.0.1:9000")) // expect: none
}
