//! An axum service whose listen address comes from a flag, the environment, a TOML
//! config or its default, in that order, through one `Listen` loader.
//!
//! ```text
//! cargo run --example service                                   # the default: 127.0.0.1:8080
//! cargo run --example service -- --bind localhost:3000          # 127.0.0.1:3000 and [::1]:3000
//! APP_BIND='[::1]:3000' cargo run --example service             # the environment
//! cargo run --example service -- --config app.toml              # [server] listen = ["…"]
//! cargo run --example service -- --bind 0.0.0.0:3000            # refused: says "add --expose"
//! APP_BIND=0.0.0.0:3000 cargo run --example service             # refused: says "set APP_EXPOSE=1"
//! cargo run --example service -- --expose                       # every interface, port 8080
//! ```
//!
//! `app.toml` (optional; its `[server]` section is a `ListenSection`):
//!
//! ```toml
//! [server]
//! listen = ["127.0.0.1:8080", "[::1]:8080"]
//! # policy = "default,allow_wildcard"   # the config's own opt-in to 0.0.0.0
//! ```
//!
//! Every error names the flag, variable or config key to change, and how; a wildcard
//! is logged once with the addresses it is reachable on. Each listener is served by
//! axum, whose per-connection errors never end the process; the service stops when a
//! listener fails or on Ctrl-C.

use std::future::IntoFuture;
use std::process::ExitCode;

use axum::{Router, routing::get};
use bind_guard::{bind_addr, clap::ListenArgs, listen::Listen, serde::ListenSection};
use clap::Parser;

/// A small service that listens only where it was told to.
#[derive(Parser)]
struct Cli {
    /// The config file; a missing file is no config.
    #[arg(long, default_value = "app.toml")]
    config: String,
    #[command(flatten)]
    listen: ListenArgs,
}

#[derive(Default, serde::Deserialize)]
struct Config {
    server: Option<ListenSection>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    // The glue: read the config, then let `Listen` pick and check (11 lines).
    let config: Config = match std::fs::read_to_string(&cli.config) {
        Ok(text) => toml::from_str(&text).map_err(|err| format!("{}: {err}", cli.config))?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Config::default(),
        Err(err) => return Err(format!("{}: {err}", cli.config).into()),
    };
    let label = format!("server.listen in {}", cli.config);
    let set = Listen::new(bind_addr!("127.0.0.1:8080"))
        .args(&cli.listen)
        .env_prefix("APP")
        .config(config.server.as_ref(), &label)
        .load()?;

    let app = Router::new().route("/", get(|| async { "hello from a bind-guard service\n" }));
    // Serving a set: one task per listener; the first to fail, or Ctrl-C, stops them all
    // (dropping the JoinSet aborts the others).
    let mut servers = tokio::task::JoinSet::new();
    for listener in bind_guard::tokio::bind_tcp_all(&set).await? {
        println!("listening on http://{}/", listener.local_addr()?);
        servers.spawn(axum::serve(listener, app.clone()).into_future());
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => Ok(()),
        Some(ended) = servers.join_next() => Ok(ended??),
    }
}
