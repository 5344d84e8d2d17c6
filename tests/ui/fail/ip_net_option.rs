use bind_guard::ip_net;
use ipnet::IpNet;

const OFFICE: IpNet = ip_net!("10.0.0.0/8", allow_wildcard);

fn main() {}
