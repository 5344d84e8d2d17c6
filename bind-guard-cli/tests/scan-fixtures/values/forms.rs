// Forms: multiaddrs, spawned servers' command lines, configs inside string literals.
use std::net::Ipv4Addr;

fn p2p(swarm: &mut Swarm, port: u16) -> Result<(), Error> {
    swarm.listen_on("/ip4/0.0.0.0/tcp/0".parse()?)?; // expect: high wildcard-string
    swarm.listen_on(format!("/ip6/::/udp/{port}/quic-v1").parse()?)?; // expect: high wildcard-string
    let addr = Multiaddr::empty()
        .with(Protocol::Ip4(Ipv4Addr::UNSPECIFIED)) // expect: high wildcard-constant
        .with(Protocol::Tcp(port));
    swarm.listen_on(addr)?;
    Ok(())
}

fn spawned() {
    let child = Command::new("server")
        .arg("--v4-addr=0.0.0.0:9900") // expect: high wildcard-string
        .arg("--host")
        .arg("::") // expect: high wildcard-string
        .spawn();
    let args = ["-i", "::"]; // expect: high wildcard-string
}

#[rstest]
#[case(server(&["-b", "0.0.0.0"]))] // expect: high wildcard-string
fn bind_cases(#[case] server: TestServer) {}

#[test]
fn parses_config() {
    let config: Config = toml::from_str(
        r#"
        rpc_bind_addr = "[::]:3901" # expect: high wildcard-string
        public_addr = "0.0.0.0:3901" # expect: none (not a listen key)
        bind: 0.0.0.0 # expect: high wildcard-string
        "#,
    )
    .unwrap();
}
