//! Literals the macros must refuse, one `const` per line. `tests/macro_agreement.rs`
//! parses this file, checks each literal with the run-time parser, and asserts that the
//! compile error on that line of `agreement_refused.stderr` is the run-time error's
//! message. Add a literal here, then refresh the snapshot (see tests/ui.rs).
//! Format, exactly: `const NAME: TYPE = MACRO!("LITERAL"[, allow_wildcard]);`
#![allow(dead_code)]

use bind_guard::{BindAddr, LocalAddr, LoopbackAddr, bind_addr, ip_net};
use ipnet::IpNet;

// The wildcard, in every spelling.
const W01: BindAddr = bind_addr!("0.0.0.0:8080");
const W02: BindAddr = bind_addr!("[::]:8080");
const W03: BindAddr = bind_addr!("[::0]:8080");
const W04: BindAddr = bind_addr!("[0:0:0:0:0:0:0:0]:8080");
const W05: BindAddr = bind_addr!("[::ffff:0.0.0.0]:80");
const W06: BindAddr = bind_addr!(":8080");
const W07: BindAddr = bind_addr!("*:8080");
const W08: BindAddr = bind_addr!(":8080", allow_wildcard);
const W09: BindAddr = bind_addr!("*:8080", allow_wildcard);
const W10: LocalAddr = bind_addr!("0.0.0.0:8080");
const W11: LocalAddr = bind_addr!("[::]:8080", allow_wildcard);
const W12: LoopbackAddr = bind_addr!("0.0.0.0:8080");
const W13: LoopbackAddr = bind_addr!("[::]:8080", allow_wildcard);

// Rules of the narrower types.
const L01: LoopbackAddr = bind_addr!("192.168.1.10:9000");
const L02: LoopbackAddr = bind_addr!("10.0.0.1:9000");
const L03: LoopbackAddr = bind_addr!("[fe80::1%2]:9000");
const L04: LoopbackAddr = bind_addr!("8.8.8.8:53");
const L05: LoopbackAddr = bind_addr!("[::ffff:192.168.1.1]:80");
const L06: LoopbackAddr = bind_addr!("[::2]:80");
const N01: LocalAddr = bind_addr!("8.8.8.8:53");
const N02: LocalAddr = bind_addr!("[2001:4860:4860::8888]:53");
const N03: LocalAddr = bind_addr!("192.0.2.1:80");
const N04: LocalAddr = bind_addr!("224.0.0.1:5353");
const N05: LocalAddr = bind_addr!("255.255.255.255:67");

// Parse errors: the same for every type.
const P01: BindAddr = bind_addr!("");
const P02: BindAddr = bind_addr!("127.0.0.1");
const P03: BindAddr = bind_addr!("[::1]");
const P04: BindAddr = bind_addr!("127.0.0.1:");
const P05: BindAddr = bind_addr!("127.0.0.1:65536");
const P06: BindAddr = bind_addr!("127.0.0.1:http");
const P07: BindAddr = bind_addr!("127.0.0.1:-1");
const P08: BindAddr = bind_addr!("127.1:80");
const P09: BindAddr = bind_addr!("0x7f.0.0.1:80");
const P10: BindAddr = bind_addr!("2130706433:80");
const P11: BindAddr = bind_addr!("0177.0.0.1:80");
const P12: BindAddr = bind_addr!("010.0.0.1:80");
const P13: BindAddr = bind_addr!("256.0.0.1:80");
const P14: BindAddr = bind_addr!("1.2.3.4.5:80");
const P15: BindAddr = bind_addr!("localhost:8080");
const P16: BindAddr = bind_addr!("api.localhost:8080");
const P17: BindAddr = bind_addr!("example.com:443");
const P18: BindAddr = bind_addr!("::1:8080");
const P19: BindAddr = bind_addr!("fe80::1");
const P20: BindAddr = bind_addr!("[127.0.0.1]:80");
const P21: BindAddr = bind_addr!("[::1::2]:80");
const P22: BindAddr = bind_addr!("[fe80::1%eth0]:80");
const P23: BindAddr = bind_addr!("[fe80::1%4294967296]:80");
const P24: BindAddr = bind_addr!("http://127.0.0.1:80");
const P25: BindAddr = bind_addr!("10.0.0.0/8");
const P26: BindAddr = bind_addr!(" 127.0.0.1:80");
const P27: BindAddr = bind_addr!("127.0.0.1:80\n");
const P28: BindAddr = bind_addr!("127.0.0.1:80\0");
const P29: BindAddr = bind_addr!("１２７.0.0.1:80");
const P30: BindAddr = bind_addr!("127.0.0.1:80:90");
const P31: LoopbackAddr = bind_addr!("127.1:80");
const P32: LocalAddr = bind_addr!("localhost:80");

// Networks.
const C01: IpNet = ip_net!("10.0.0.1/8");
const C02: IpNet = ip_net!("fd00::1/8");
const C03: IpNet = ip_net!("10.0.0.0/33");
const C04: IpNet = ip_net!("::/129");
const C05: IpNet = ip_net!("10.0.0.0");
const C06: IpNet = ip_net!("10.0.0.0/");
const C07: IpNet = ip_net!("10.0/8");
const C08: IpNet = ip_net!("");

fn main() {}
