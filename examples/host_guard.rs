//! An axum server with the request-side guard: DNS rebinding and "0.0.0.0 day"
//! requests are refused, whatever the address it is bound to.
//!
//! ```text
//! cargo run --example host_guard --features tower                          # 127.0.0.1:8080
//! cargo run --example host_guard --features tower -- --bind 127.0.0.1:0    # a free port
//! BIND_GUARD_ALLOWED_HOSTS=.my-tunnel.example cargo run --example host_guard --features tower
//!
//! curl -H 'Host: localhost' http://127.0.0.1:8080/           # ok
//! curl -H 'Host: rebind.example' http://127.0.0.1:8080/      # 403, and how to allow it
//! ```
//!
//! The first line on stdout is `listening on http://ADDR:PORT` with the port the
//! system picked. `GET /` (and `POST /`) answer `ok` when the guard accepts the
//! request. A client that misbehaves only loses its own connection.

use std::process::ExitCode;

use axum::Router;
use axum::routing::get;
use bind_guard::BindAddr;
use bind_guard::host_guard::HostGuardLayer;
use clap::Parser;

/// An axum server that answers only requests that name it.
#[derive(Parser)]
#[command(name = "host_guard")]
struct Cli {
    /// The address to listen on (port 0: a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: BindAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let listener = match bind_guard::tokio::bind_tcp(cli.bind).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {}: {err}", cli.bind);
            return ExitCode::FAILURE;
        }
    };
    // The guard is built from the socket, so it knows the real address and port.
    let guard = match HostGuardLayer::from_listener(&listener) {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("listening on http://{local}"),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    }

    let app = Router::new()
        .route("/", get(|| async { "ok" }).post(|| async { "ok" }))
        .layer(guard);
    // axum::serve ends only when accepting fails for good; an error on one connection
    // (a reset, garbage, a slow client) closes that connection and nothing else.
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
