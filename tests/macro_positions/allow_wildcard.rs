//! `allow_wildcard` opts a `BindAddr` in to the wildcard, in every spelling.
use bind_guard::{BindAddr, LocalAddr, Policy, bind_addr};

const V4: BindAddr = bind_addr!("0.0.0.0:8080", allow_wildcard);
const V6: BindAddr = bind_addr!("[::]:8080", allow_wildcard);
const V6_LONG: BindAddr = bind_addr!("[0:0:0:0:0:0:0:0]:8080", allow_wildcard);
const MAPPED: BindAddr = bind_addr!("[::ffff:0.0.0.0]:80", allow_wildcard);
const TRAILING_COMMA: BindAddr = bind_addr!("0.0.0.0:1", allow_wildcard,);
// The opt-in allows the wildcard; it does not demand it.
const NOT_WILDCARD: BindAddr = bind_addr!("127.0.0.1:8080", allow_wildcard);
// On the narrower types it is allowed but widens nothing.
const LAN: LocalAddr = bind_addr!("10.0.0.1:8080", allow_wildcard);

pub(crate) fn main() {
    let policy = Policy::default().allow_wildcard();
    for (addr, text) in [
        (V4, "0.0.0.0:8080"),
        (V6, "[::]:8080"),
        (V6_LONG, "[0:0:0:0:0:0:0:0]:8080"),
        (MAPPED, "[::ffff:0.0.0.0]:80"),
        (TRAILING_COMMA, "0.0.0.0:1"),
    ] {
        assert!(addr.is_wildcard(), "{text}");
        assert_eq!(addr, policy.parse(text).unwrap(), "{text}");
    }
    assert!(!NOT_WILDCARD.is_wildcard());
    assert_eq!(LAN.port(), 8080);
}
