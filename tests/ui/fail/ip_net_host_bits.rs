use bind_guard::ip_net;
use ipnet::IpNet;

// Host bits after the prefix: 10.0.0.1/8 is an address, not a network.
const OFFICE: IpNet = ip_net!("10.0.0.1/8");

fn main() {}
