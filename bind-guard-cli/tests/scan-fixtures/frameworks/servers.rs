use std::net::{Ipv4Addr, SocketAddr};

async fn tokio_and_socket2(port: u16) -> std::io::Result<()> {
    let l = tokio::net::TcpListener::bind("0.0.0.0:3000").await?; // expect: high wildcard-string
    let u = tokio::net::UdpSocket::bind(("0.0.0.0", port)).await?; // expect: high wildcard-string
    let s = tokio::net::TcpSocket::new_v4()?;
    s.bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)))?; // expect: high wildcard-constant
    let raw = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    raw.bind(&SocketAddr::from(([0, 0, 0, 0], port)).into())?; // expect: high wildcard-constructed
    socket2::Socket::bind(&raw, &"[::]:443".parse::<SocketAddr>().unwrap().into())?; // expect: high wildcard-string
    let fine = tokio::net::TcpListener::bind("127.0.0.1:3000").await?; // expect: none
    Ok(())
}

async fn web_frameworks(port: u16) {
    // actix-web
    HttpServer::new(|| App::new()).bind(("0.0.0.0", 8080))?.run().await; // expect: high wildcard-string
    HttpServer::new(app).bind_rustls_0_23("[::]:8443", config)?.run().await; // expect: high wildcard-string
    HttpServer::new(app).bind(("127.0.0.1", 8080))?.run().await; // expect: none
    // axum 0.6 / hyper 0.14
    let addr = SocketAddr::from(([0, 0, 0, 0], 3000)); // expect: high wildcard-constructed
    axum::Server::bind(&addr).serve(app.into_make_service()).await;
    hyper::Server::bind(&([0, 0, 0, 0], 8080).into()).serve(svc).await; // expect: high wildcard-constructed
    hyper::Server::try_bind(&"0.0.0.0:80".parse().unwrap()); // expect: high wildcard-string
    axum_server::bind(SocketAddr::from(([0, 0, 0, 0], 443))).serve(app).await; // expect: high wildcard-constructed
    // warp
    warp::serve(routes).run(([0, 0, 0, 0], 3030)).await; // expect: high wildcard-constructed
    warp::serve(routes).bind(([0, 0, 0, 0], 3030)).await; // expect: high wildcard-constructed
    let (bound, server) = warp::serve(routes).bind_ephemeral((Ipv4Addr::UNSPECIFIED, 0)); // expect: high wildcard-constant
    warp::serve(routes).run(([127, 0, 0, 1], 3030)).await; // expect: none
    // tonic
    tonic::transport::Server::builder().add_service(svc).serve("[::]:50051".parse().unwrap()).await; // expect: high wildcard-string
    Server::builder().add_service(svc).serve_with_shutdown("0.0.0.0:50051".parse()?, signal).await; // expect: high wildcard-string
    // tide
    app.listen("0.0.0.0:8080").await?; // expect: high wildcard-string
    // salvo
    let acceptor = salvo::conn::TcpListener::new("0.0.0.0:5800").bind().await; // expect: high wildcard-string
    // poem
    poem::Server::new(poem::listener::TcpListener::bind("0.0.0.0:3000")).run(app).await; // expect: high wildcard-string
    // rocket
    let config = rocket::Config { address: Ipv4Addr::UNSPECIFIED.into(), port, ..rocket::Config::default() }; // expect: high wildcard-constant
    let figment = rocket::Config::figment().merge(("address", "0.0.0.0")); // expect: high wildcard-string
    let figment = rocket::Config::figment().merge(("address", "127.0.0.1")); // expect: none
    let other = ServerOptions { host: "0.0.0.0".into() }; // expect: high wildcard-string (a `host` field)
}
