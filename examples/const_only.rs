//! A program whose bind addresses are all built by `bind_addr!`, and so checked and built
//! while compiling: the binary holds the finished values and none of the parser.
//!
//! ```text
//! cargo run --example const_only
//! scripts/check-no-parser.sh   # builds this in release and looks for parser code in it
//! ```
//!
//! The script compares against a control program that parses one address at run time,
//! so it is shown able to fail.

use std::net::SocketAddr;

use bind_guard::marker::{Checked, LocalNetwork, Loopback};
use bind_guard::{BindAddr, LocalAddr, LoopbackAddr, bind_addr};

// Zero cost in size as well: a checked address is a `SocketAddr`, and the rule it was
// checked against is a zero-sized marker. These fail the build if that ever changes.
const _: () = assert!(size_of::<BindAddr>() == size_of::<SocketAddr>());
const _: () = assert!(size_of::<LoopbackAddr>() == size_of::<SocketAddr>());
const _: () = assert!(size_of::<Option<LocalAddr>>() == size_of::<Option<SocketAddr>>());
const _: () =
    assert!(size_of::<Checked>() + size_of::<Loopback>() + size_of::<LocalNetwork>() == 0);

const API: BindAddr = bind_addr!("127.0.0.1:8080");
const ADMIN: LoopbackAddr = bind_addr!("[::1]:9000");
const LAN: LocalAddr = bind_addr!("192.168.1.10:5432");
const LINK: LocalAddr = bind_addr!("[fe80::1%2]:8443");
const MAPPED: LoopbackAddr = bind_addr!("[::ffff:127.0.0.1]:7000");
const PUBLIC: BindAddr = bind_addr!("0.0.0.0:80", allow_wildcard);

fn main() {
    // In an expression too: still a `const` block.
    let metrics: LoopbackAddr = bind_addr!("127.0.0.1:9100");
    for (name, addr) in [
        ("api", API.to_string()),
        ("admin", ADMIN.to_string()),
        ("lan", LAN.to_string()),
        ("link", LINK.to_string()),
        ("mapped", MAPPED.to_string()),
        ("public", PUBLIC.to_string()),
        ("metrics", metrics.to_string()),
    ] {
        println!("{name:8} {addr}");
    }
    println!(
        "api scope: {}, public is the wildcard: {}",
        API.scope(),
        PUBLIC.is_wildcard()
    );
}
