use bind_guard::ip_net;
use ipnet::IpNet;

const OFFICE: IpNet = ip_net!();

fn main() {}
