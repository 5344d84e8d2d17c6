//! The service bind-guard exists for, in 20 lines of glue: an axum service whose
//! address comes from `--bind`, `APP_BIND`, `[server] listen` in `app.toml` or its
//! default (in that order), refusing the wildcard unless that source opted in, every
//! listener behind the Host/Origin guard, printing where it is reachable, with errors
//! that name the flag, variable or config line to change. Ctrl-C stops it.
//!
//! ```text
//! cargo run --example service --features service                              # 127.0.0.1:8080
//! cargo run --example service --features service -- --bind localhost:3000    # 127.0.0.1 and [::1]
//! APP_BIND='[::1]:3000' cargo run --example service --features service        # the environment
//! cargo run --example service --features service -- --bind 0.0.0.0:3000      # refused: "add --expose"
//! cargo run --example service --features service -- --expose                 # every interface, port 8080
//! cargo run --example service --features service -- --help                   # names every source
//! ```
//!
//! `app.toml` in the working directory (optional):
//!
//! ```toml
//! [server]
//! listen = ["127.0.0.1:8080", "[::1]:8080"]
//! # policy = "default,allow_wildcard"   # the config's own opt-in to 0.0.0.0
//! ```
//!
//! A mistake in a source that does not decide (`listen = "*:80"` under a valid
//! `--bind`) is a warning on stderr, not an error. Behind a proxy, the operator adds
//! the public name to `BIND_GUARD_ALLOWED_HOSTS`; other `Host`s get 403.
//!
//! The glue is every line below that is not a `use`, a comment, a blank line or the
//! handler; the README counts it beside the same service written by hand.

use std::error::Error;
use std::future::IntoFuture;
use std::io::stderr;

use axum::{Router, routing::get};
use bind_guard::bind_addr;
use bind_guard::host_guard::HostGuardLayer;
use bind_guard::listen::{Listen, Reachability, serve_all};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt().with_writer(stderr).init();
    let listeners = Listen::new(bind_addr!("127.0.0.1:8080"))
        .env_prefix("APP")
        .config_file("app.toml", "server", |t| toml::from_str(t))
        .host_guard()
        .command_line()
        .bind_tcp()
        .await?;
    let app = Router::new()
        .route("/", get(hello))
        .layer(HostGuardLayer::from_listeners(&listeners)?);
    println!("{}", Reachability::of(&listeners)?);
    Ok(serve_all(listeners, |l| axum::serve(l, app.clone()).into_future()).await?)
}

/// The handler: the service itself.
async fn hello() -> &'static str {
    "hello from a bind-guard service\n"
}
