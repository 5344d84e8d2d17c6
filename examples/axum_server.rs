//! An axum server on tokio whose listen addresses come from `--bind`/`--expose`.
//!
//! ```text
//! cargo run --example axum_server --features axum                                  # localhost:3000: 127.0.0.1 and [::1]
//! cargo run --example axum_server --features axum -- --bind 127.0.0.1:0            # a free port
//! cargo run --example axum_server --features axum -- --bind 0.0.0.0:3000           # refused: needs --expose
//! cargo run --example axum_server --features axum -- --bind 0.0.0.0:3000 --expose  # every interface, on purpose
//! ```
//!
//! The flags are bind-guard's `ListenArgs`, flattened into the parser. `--bind` may be
//! repeated or comma-separated; a wildcard needs `--expose`, and then the server prints
//! the concrete addresses it is reachable on (what dev servers print as "Network:").
//! Every socket is bound before any is served, all or none, and each prints
//! `listening on http://ADDR/`. Ctrl-C stops the server.
//!
//! What a client can do to it is what `axum::serve` allows, with hyper's defaults
//! (`tests/examples.rs` runs the same fault suite as on the std examples): each
//! connection is its own task and its error is dropped, so no client stops the server
//! or holds up another; a request head over hyper's read buffer (8 KiB + 100 × 4 KiB,
//! about 408 KiB) or with more than 100 headers is answered `431`. `axum::serve` gives
//! hyper no timer, so hyper's 30 s header-read timeout does not apply: a connection that
//! never finishes its request keeps one task and one socket until its client closes it.
//! Where that matters, serve behind a reverse proxy, or build connections with
//! `hyper_util::server::conn::auto::Builder` and set `http1().timer(…)` and
//! `header_read_timeout(…)`.

use std::process::ExitCode;

use axum::Router;
use axum::routing::get;
use bind_guard::BindSet;
use bind_guard::clap::ListenArgs;
use bind_guard::reachable::{DualStack, http_urls};
use clap::{CommandFactory, Parser};

/// An axum server that listens only where you said, and on every interface only if you
/// said --expose.
#[derive(Parser)]
#[command(name = "axum_server")]
struct Cli {
    #[command(flatten)]
    listen: ListenArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let set = match cli.listen.bind_set(BindSet::localhost(3000)) {
        Ok(set) => set,
        // Print it as clap prints its own errors, with the usage line, and exit 2.
        Err(err) => err.format(&mut Cli::command()).exit(),
    };
    let listeners = match bind_guard::tokio::bind_tcp_all(&set).await {
        Ok(listeners) => listeners,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };

    let app = Router::new().route(
        "/",
        get(|| async { "hello from axum, bound through bind-guard\n" }),
    );
    let mut servers = tokio::task::JoinSet::new();
    for listener in listeners {
        let local = match listener.local_addr() {
            Ok(local) => local,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on http://{local}/");
        if local.ip().is_unspecified() {
            // std and tokio leave IPV6_V6ONLY at the system default.
            match http_urls(local, DualStack::SystemDefault) {
                Ok(urls) => {
                    for url in urls {
                        println!("  reachable at {url}");
                    }
                }
                Err(err) => println!("  reachable on every interface (cannot list them: {err})"),
            }
        }
        let app = app.clone();
        servers.spawn(async move { axum::serve(listener, app).await });
    }

    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            println!("stopping");
            ExitCode::SUCCESS
        }
        Some(result) = servers.join_next() => {
            // A server task only ends on an error.
            match result {
                Ok(Ok(())) => ExitCode::SUCCESS,
                Ok(Err(err)) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
