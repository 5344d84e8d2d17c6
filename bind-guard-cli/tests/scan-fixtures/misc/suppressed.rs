use std::net::{Ipv4Addr, TcpListener};

fn in_container() -> std::io::Result<()> {
    // bind-guard: allow-wildcard the container's published port is the boundary
    let a = TcpListener::bind("0.0.0.0:8080")?; // expect: suppressed wildcard-string
    let b = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 9090))?; // bind-guard: allow-wildcard metrics scraped over the pod network // expect: suppressed wildcard-constant
    let c = TcpListener::bind("0.0.0.0:7070")?; // a trailing comment covers its own line only // expect: high wildcard-string
    // expect-next: high suppression-without-reason
    // bind-guard: allow-wildcard
    let d = TcpListener::bind("[::]:6060")?; // expect: high wildcard-string
    /* bind-guard: allow-wildcard health checks from the load balancer */
    let e = TcpListener::bind("[::]:5050")?; // expect: suppressed wildcard-string
    // bind-guard: allow-wildcards is not the marker
    let f = TcpListener::bind("[::]:4040")?; // expect: high wildcard-string
    Ok(())
}
