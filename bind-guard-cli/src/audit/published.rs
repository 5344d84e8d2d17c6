//! Published ports: host addresses and ports that accept traffic and forward it
//! elsewhere (a container), as Docker, Podman and Kubernetes set them up, judged by the
//! policy like a listener on the host side.
//!
//! - DNAT rules, from `nft -j list ruleset` (nftables, and the native rules of
//!   `iptables-nft`) and from `iptables-save`/`ip6tables-save` (iptables as Docker
//!   and Podman write them: `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT
//!   --to-destination 172.17.0.2:80`). A rule with no destination address, or a
//!   negated one, accepts every address of the host: `0.0.0.0:8080 → 172.17.0.2:80`.
//!   Rules belong to a network namespace; they are read inside each.
//! - `docker-proxy` and `rootlessport` processes hold an ordinary listening socket,
//!   which `audit` lists anyway; the listener row then says where it forwards.
//!
//! `-p 127.0.0.1:8080:80` writes a DNAT rule for `-d 127.0.0.1`. IPv4 packets from
//! the network addressed to 127.0.0.1 are dropped only at the routing decision (unless
//! `route_localnet` is on), and DNAT runs before it: a neighbour that sends such a
//! packet to this host's MAC address reaches the container (moby#45610). Docker 28
//! adds a rule in the `raw` table that drops them first (`-d 127.0.0.1 ! -i lo … -j
//! DROP`), and one that drops packets sent straight to a container's address from
//! outside its bridge ("direct routing", unless the network's gateway mode is
//! `routed`). So a port published on IPv4 loopback is judged as loopback only when
//! such a drop rule covers it, and as the wildcard otherwise. `[::1]` needs no rule:
//! the kernel drops IPv6 packets for `::1` from other interfaces before netfilter.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

use super::Proto;

/// One published port range. Its JSON form is the rule's part of a row of the audit's
/// `published` array (see `report::PublishedJson`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Published {
    pub(crate) proto: Proto,
    /// The host address that accepts the traffic (the family's wildcard for any).
    #[serde(rename = "host_address")]
    pub(crate) host: IpAddr,
    pub(crate) port: u16,
    /// The last port of a range (`port` for one port).
    pub(crate) port_end: u16,
    /// Where the traffic goes, when the rule says.
    #[serde(rename = "target_address")]
    pub(crate) target: Option<IpAddr>,
    pub(crate) target_port: Option<u16>,
    /// An input interface the rule is restricted to (`-i eth0`); judged as the wildcard
    /// all the same, the wider reading.
    pub(crate) via: Option<String>,
    /// Where it was found: `nftables`, `iptables`, `ip6tables`.
    pub(crate) source: &'static str,
    /// For a port published on IPv4 loopback: whether a rule drops what arrives for it
    /// from other interfaces before DNAT. `None` for other addresses.
    pub(crate) loopback_dropped: Option<bool>,
    /// The index of its namespace in the report (the row names the namespace).
    #[serde(skip)]
    pub(crate) ns: usize,
}

impl Published {
    /// A TCP port published on `host:port` by a rule found in `source`, with no target
    /// and no interface: the tests' starting point, changed field by field.
    #[cfg(test)]
    pub(crate) fn tcp(host: &str, port: u16, source: &'static str) -> Published {
        Published {
            proto: Proto::Tcp,
            host: host.parse().expect("an IP address"),
            port,
            port_end: port,
            target: None,
            target_port: None,
            via: None,
            source,
            loopback_dropped: None,
            ns: 0,
        }
    }

    /// `0.0.0.0:8080` or `0.0.0.0:8000-8010`.
    pub(crate) fn host_text(&self) -> String {
        let addr = SocketAddr::new(self.host, self.port);
        if self.port_end == self.port {
            addr.to_string()
        } else {
            format!("{addr}-{}", self.port_end)
        }
    }

    /// `172.17.0.2:80`, `172.17.0.2` (same port), or `?`.
    pub(crate) fn target_text(&self) -> String {
        match (self.target, self.target_port) {
            (Some(ip), Some(port)) => SocketAddr::new(ip, port).to_string(),
            (Some(IpAddr::V6(ip)), None) => format!("[{ip}]"),
            (Some(ip), None) => ip.to_string(),
            (None, Some(port)) => format!("port {port}"),
            (None, None) => "?".to_owned(),
        }
    }

    /// The address the policy judges: the host address, except a port published on
    /// IPv4 loopback that nothing protects, which the network reaches as it reaches the
    /// wildcard.
    pub(crate) fn judged_addr(&self) -> SocketAddr {
        let ip = match (self.host, self.loopback_dropped) {
            (IpAddr::V4(ip), Some(false)) if ip.is_loopback() => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            (ip, _) => ip,
        };
        SocketAddr::new(ip, self.port)
    }

    fn key(&self) -> (Proto, IpAddr, u16, u16, Option<IpAddr>, Option<u16>) {
        (
            self.proto,
            self.host,
            self.port,
            self.port_end,
            self.target,
            self.target_port,
        )
    }
}

/// What was read of one namespace's rules.
#[derive(Debug, Default)]
pub(crate) struct RuleScan {
    pub(crate) published: Vec<Published>,
    /// Rule sets that could not be read, with why.
    pub(crate) problems: Vec<String>,
    /// Tools that are not installed (their rules cannot exist).
    pub(crate) missing: Vec<&'static str>,
}

/// A drop rule before DNAT: daddr, negated input interface, protocol, ports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Drop {
    daddr: Option<(IpAddr, u8)>,
    not_iif: Option<String>,
    proto: Option<Proto>,
    ports: Option<(u16, u16)>,
}

impl Drop {
    /// Whether it drops what arrives from outside (`! -i lo`) for `p`.
    fn covers(&self, p: &Published) -> bool {
        let from_outside = self.not_iif.as_deref() == Some("lo");
        let addr = self
            .daddr
            .is_some_and(|(net, len)| in_prefix(p.host, net, len));
        let proto = self.proto.is_none_or(|proto| proto == p.proto);
        let ports = self
            .ports
            .is_none_or(|(lo, hi)| lo <= p.port && p.port_end <= hi);
        from_outside && addr && proto && ports
    }
}

fn in_prefix(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(len.min(32)))
                .unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(len.min(128)))
                .unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// Reads the calling thread's namespace's rules with the tools installed.
pub(crate) fn read() -> RuleScan {
    let mut scan = RuleScan::default();
    let mut drops = Vec::new();
    match run("nft", &["-j", "list", "ruleset"]) {
        Tool::Output(text) => match serde_json::from_str::<Value>(&text) {
            Ok(doc) => {
                let (published, found) = from_nft(&doc);
                scan.published.extend(published);
                drops.extend(found);
            }
            Err(err) => scan
                .problems
                .push(format!("nft -j list ruleset: not JSON: {err}")),
        },
        Tool::Missing => scan.missing.push("nft"),
        Tool::Failed(why) => scan.problems.push(format!("nft -j list ruleset: {why}")),
    }
    for (tool, source) in [
        ("iptables-save", "iptables"),
        ("ip6tables-save", "ip6tables"),
    ] {
        match run(tool, &[]) {
            Tool::Output(text) => {
                let (published, found) = from_iptables_save(&text, source);
                scan.published.extend(published);
                drops.extend(found);
            }
            Tool::Missing => scan.missing.push(tool),
            Tool::Failed(why) => scan.problems.push(format!("{tool}: {why}")),
        }
    }
    finish(&mut scan.published, &drops);
    scan
}

/// Deduplicates (iptables-nft rules show in both) and marks loopback protection.
fn finish(published: &mut Vec<Published>, drops: &[Drop]) {
    published.sort();
    published.dedup_by(|a, b| a.key() == b.key());
    for p in published.iter_mut() {
        p.loopback_dropped = match p.host {
            IpAddr::V4(ip) if ip.is_loopback() => Some(drops.iter().any(|d| d.covers(p))),
            _ => None,
        };
    }
}

enum Tool {
    Output(String),
    Missing,
    Failed(String),
}

/// Runs a tool from the calling thread (so in its network namespace). Its output is
/// read whole: a rule set is text the kernel holds, bounded by its memory.
fn run(tool: &str, args: &[&str]) -> Tool {
    match Command::new(tool)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
    {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Tool::Missing,
        Err(err) => Tool::Failed(err.to_string()),
        Ok(out) if out.status.success() => {
            Tool::Output(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Ok(out) => Tool::Failed(format!(
            "{} ({})",
            String::from_utf8_lossy(&out.stderr).trim(),
            out.status
        )),
    }
}

/// The DNAT rules and pre-NAT drop rules of `nft -j list ruleset`.
fn from_nft(doc: &Value) -> (Vec<Published>, Vec<Drop>) {
    let mut published = Vec::new();
    let mut drops = Vec::new();
    let items = doc.get("nftables").and_then(Value::as_array);
    // Chains hooked at prerouting before NAT (raw -300, mangle -150), by (family, table, name).
    let mut early = Vec::new();
    for item in items.into_iter().flatten() {
        if let Some(chain) = item.get("chain") {
            let hook = chain.get("hook").and_then(Value::as_str);
            let prio = chain.get("prio").and_then(Value::as_i64);
            if hook == Some("prerouting") && prio.is_some_and(|p| p < -100) {
                early.push((
                    chain.get("family").cloned(),
                    chain.get("table").cloned(),
                    chain.get("name").cloned(),
                ));
            }
        }
    }
    for item in items.into_iter().flatten() {
        let Some(rule) = item.get("rule") else {
            continue;
        };
        let family = rule.get("family").and_then(Value::as_str).unwrap_or("");
        let Some(exprs) = rule.get("expr").and_then(Value::as_array) else {
            continue;
        };
        let mut m = NftMatch::default();
        for expr in exprs {
            m.add(expr);
        }
        let in_early = early.contains(&(
            rule.get("family").cloned(),
            rule.get("table").cloned(),
            rule.get("chain").cloned(),
        ));
        if m.drop && in_early {
            drops.push(Drop {
                daddr: m.daddr.filter(|_| !m.daddr_negated),
                not_iif: m.not_iif.clone(),
                proto: m.proto,
                ports: m.ports,
            });
        }
        if let Some((target, target_port)) = m.dnat {
            let families: &[bool] = match family {
                "ip" => &[false],
                "ip6" => &[true],
                _ => &[false, true], // inet: both
            };
            for &v6 in families {
                // A dnat to an address of the other family does not apply to this one.
                if target.is_some_and(|t| t.is_ipv6() != v6) {
                    continue;
                }
                published.extend(m.published(v6, target, target_port, "nftables"));
            }
        }
    }
    (published, drops)
}

/// What one nft rule matches and does.
#[derive(Debug, Default)]
struct NftMatch {
    daddr: Option<(IpAddr, u8)>,
    daddr_negated: bool,
    iif: Option<String>,
    not_iif: Option<String>,
    proto: Option<Proto>,
    ports: Option<(u16, u16)>,
    port_sets: Vec<(u16, u16)>,
    dnat: Option<(Option<IpAddr>, Option<u16>)>,
    drop: bool,
}

impl NftMatch {
    fn add(&mut self, expr: &Value) {
        if let Some(m) = expr.get("match") {
            let op = m.get("op").and_then(Value::as_str).unwrap_or("==");
            let (Some(left), Some(right)) = (m.get("left"), m.get("right")) else {
                return;
            };
            let negated = op == "!=";
            if let Some(payload) = left.get("payload") {
                let field = payload.get("field").and_then(Value::as_str);
                let protocol = payload.get("protocol").and_then(Value::as_str);
                match (protocol, field) {
                    (Some("ip" | "ip6"), Some("daddr")) => {
                        self.daddr = nft_prefix(right);
                        self.daddr_negated = negated;
                    }
                    (Some(p @ ("tcp" | "udp")), Some("dport")) => {
                        self.proto = Some(if p == "tcp" { Proto::Tcp } else { Proto::Udp });
                        if !negated {
                            self.port_sets = nft_ports(right);
                            self.ports = self.port_sets.first().copied();
                        }
                    }
                    _ => {}
                }
            } else if let Some(meta) = left.get("meta") {
                match meta.get("key").and_then(Value::as_str) {
                    Some("iifname" | "iif") => {
                        let name = right.as_str().map(str::to_owned);
                        if negated {
                            self.not_iif = name;
                        } else {
                            self.iif = name;
                        }
                    }
                    Some("l4proto") => match right.as_str() {
                        Some("tcp") => self.proto = Some(Proto::Tcp),
                        Some("udp") => self.proto = Some(Proto::Udp),
                        _ => {}
                    },
                    _ => {}
                }
            }
        } else if let Some(dnat) = expr.get("dnat") {
            let addr = dnat
                .get("addr")
                .and_then(Value::as_str)
                .and_then(|a| a.parse().ok());
            let port = dnat
                .get("port")
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok());
            self.dnat = Some((addr, port));
        } else if expr.get("drop").is_some() {
            self.drop = true;
        }
    }

    fn published(
        &self,
        v6: bool,
        target: Option<IpAddr>,
        target_port: Option<u16>,
        source: &'static str,
    ) -> Vec<Published> {
        let host = match self.daddr {
            Some((ip, len)) if !self.daddr_negated && ip.is_ipv6() == v6 && full(ip, len) => ip,
            _ if v6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        if self.daddr.is_some_and(|(ip, _)| ip.is_ipv6() != v6) && !self.daddr_negated {
            return Vec::new();
        }
        let protos: &[Proto] = match self.proto {
            Some(Proto::Tcp) => &[Proto::Tcp],
            Some(Proto::Udp) => &[Proto::Udp],
            None => &[Proto::Tcp, Proto::Udp],
        };
        let ranges = if self.port_sets.is_empty() {
            vec![(0, u16::MAX)]
        } else {
            self.port_sets.clone()
        };
        let mut out = Vec::new();
        for &proto in protos {
            for &(port, port_end) in &ranges {
                out.push(Published {
                    proto,
                    host,
                    port,
                    port_end,
                    target,
                    target_port,
                    via: self.iif.clone(),
                    source,
                    loopback_dropped: None,
                    ns: 0,
                });
            }
        }
        out
    }
}

fn full(ip: IpAddr, len: u8) -> bool {
    u32::from(len) == if ip.is_ipv4() { 32 } else { 128 }
}

/// `"1.2.3.4"` or `{"prefix": {"addr": "10.0.0.0", "len": 8}}`.
fn nft_prefix(value: &Value) -> Option<(IpAddr, u8)> {
    if let Some(text) = value.as_str() {
        let ip: IpAddr = text.parse().ok()?;
        return Some((ip, if ip.is_ipv4() { 32 } else { 128 }));
    }
    let prefix = value.get("prefix")?;
    let ip = prefix.get("addr")?.as_str()?.parse().ok()?;
    let len = u8::try_from(prefix.get("len")?.as_u64()?).ok()?;
    Some((ip, len))
}

/// `8080`, `{"range": [8000, 8010]}`, `{"set": [80, 443, {"range": [...]}]}`.
fn nft_ports(value: &Value) -> Vec<(u16, u16)> {
    let one = |v: &Value| -> Option<(u16, u16)> {
        if let Some(port) = v.as_u64() {
            let port = u16::try_from(port).ok()?;
            return Some((port, port));
        }
        let range = v.get("range")?.as_array()?;
        let lo = u16::try_from(range.first()?.as_u64()?).ok()?;
        let hi = u16::try_from(range.get(1)?.as_u64()?).ok()?;
        Some((lo, hi))
    };
    if let Some(set) = value.get("set").and_then(Value::as_array) {
        set.iter().filter_map(one).collect()
    } else {
        one(value).into_iter().collect()
    }
}

/// The DNAT rules (nat table) and pre-NAT drop rules (raw and mangle PREROUTING) of an
/// `iptables-save` text.
fn from_iptables_save(text: &str, source: &'static str) -> (Vec<Published>, Vec<Drop>) {
    let v6 = source == "ip6tables";
    let mut published = Vec::new();
    let mut drops = Vec::new();
    let mut table = "";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('*') {
            table = name.trim();
            continue;
        }
        let Some(rule) = line.strip_prefix("-A ") else {
            continue;
        };
        let words = split_words(rule);
        let chain = words.first().map(String::as_str).unwrap_or("");
        let r = IptRule::parse(words.get(1..).unwrap_or(&[]));
        match (table, r.jump.as_deref()) {
            ("nat", Some("DNAT")) => {
                let (target, target_port) = r
                    .to_destination
                    .as_deref()
                    .map_or((None, None), parse_destination);
                let m = NftMatch {
                    daddr: r.daddr,
                    daddr_negated: r.daddr_negated,
                    iif: r.iif.clone(),
                    not_iif: r.not_iif.clone(),
                    proto: r.proto,
                    ports: r.ports.first().copied(),
                    port_sets: r.ports.clone(),
                    dnat: None,
                    drop: false,
                };
                published.extend(m.published(v6, target, target_port, source));
            }
            ("raw" | "mangle", Some("DROP")) if chain == "PREROUTING" => drops.push(Drop {
                daddr: r.daddr.filter(|_| !r.daddr_negated),
                not_iif: r.not_iif.clone(),
                proto: r.proto,
                ports: r.ports.first().copied(),
            }),
            _ => {}
        }
    }
    (published, drops)
}

#[derive(Debug, Default)]
struct IptRule {
    daddr: Option<(IpAddr, u8)>,
    daddr_negated: bool,
    iif: Option<String>,
    not_iif: Option<String>,
    proto: Option<Proto>,
    ports: Vec<(u16, u16)>,
    jump: Option<String>,
    to_destination: Option<String>,
}

impl IptRule {
    fn parse(words: &[String]) -> IptRule {
        let mut rule = IptRule::default();
        let mut negate = false;
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let value = words.get(i + 1).map(String::as_str);
            let mut used = true;
            match word.as_str() {
                "!" => {
                    negate = true;
                    i += 1;
                    continue;
                }
                "-d" | "--destination" => {
                    rule.daddr = value.and_then(parse_cidr);
                    rule.daddr_negated = negate;
                }
                "-i" | "--in-interface" => {
                    let name = value.map(str::to_owned);
                    if negate {
                        rule.not_iif = name;
                    } else {
                        rule.iif = name;
                    }
                }
                "-p" | "--protocol" if !negate => {
                    rule.proto = match value {
                        Some("tcp" | "6") => Some(Proto::Tcp),
                        Some("udp" | "17") => Some(Proto::Udp),
                        _ => None,
                    };
                }
                "--dport" | "--destination-port" | "--dports" | "--destination-ports"
                    if !negate =>
                {
                    rule.ports = value.map(parse_port_list).unwrap_or_default();
                }
                "-j" | "--jump" => rule.jump = value.map(str::to_owned),
                "--to-destination" => rule.to_destination = value.map(str::to_owned),
                _ => used = false,
            }
            negate = false;
            i += if used { 2 } else { 1 };
        }
        rule
    }
}

/// `80`, `8000:8010`, `80,443,8000:8010`.
fn parse_port_list(text: &str) -> Vec<(u16, u16)> {
    text.split(',')
        .filter_map(|part| match part.split_once(':') {
            Some((lo, hi)) => Some((lo.parse().ok()?, hi.parse().ok()?)),
            None => part.parse().ok().map(|p| (p, p)),
        })
        .collect()
}

/// `10.0.0.1`, `10.0.0.1/32`, `fd00::/64`.
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    match text.split_once('/') {
        Some((ip, len)) => Some((ip.parse().ok()?, len.parse().ok()?)),
        None => {
            let ip: IpAddr = text.parse().ok()?;
            Some((ip, if ip.is_ipv4() { 32 } else { 128 }))
        }
    }
}

/// `172.17.0.2:80`, `172.17.0.2`, `[fd00::2]:80`, `172.17.0.2:80-90`.
fn parse_destination(text: &str) -> (Option<IpAddr>, Option<u16>) {
    let (addr, port) = if let Some(rest) = text.strip_prefix('[') {
        match rest.split_once(']') {
            Some((addr, tail)) => (addr, tail.strip_prefix(':')),
            None => (rest, None),
        }
    } else {
        match text.split_once(':') {
            Some((addr, port)) => (addr, Some(port)),
            None => (text, None),
        }
    };
    let addr = addr.split('-').next().and_then(|a| a.parse().ok());
    let port = port.and_then(|p| p.split('-').next()?.parse().ok());
    (addr, port)
}

/// Splits an `iptables-save` rule into words, keeping `"quoted text"` whole.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut chars = text.chars();
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// What a `docker-proxy` process forwards, from its command line
/// (`-proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2
/// -container-port 80`): the listener it holds and the target.
pub(crate) fn docker_proxy_target(args: &[String]) -> Option<(Proto, SocketAddr, SocketAddr)> {
    let flag = |name: &str| {
        args.iter()
            .position(|a| a.trim_start_matches('-') == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
    };
    let proto = match flag("proto") {
        Some("udp") => Proto::Udp,
        Some("tcp") | None => Proto::Tcp,
        Some(_) => return None,
    };
    let host = SocketAddr::new(
        flag("host-ip")?.parse().ok()?,
        flag("host-port")?.parse().ok()?,
    );
    let target = SocketAddr::new(
        flag("container-ip")?.parse().ok()?,
        flag("container-port")?.parse().ok()?,
    );
    Some((proto, host, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKER_SAVE: &str = r#"# Generated by iptables-save v1.8.9 (nf_tables)
*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8081 -j DROP
-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -p tcp -m tcp --dport 80 -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.3:80
-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8082 -j DNAT --to-destination 172.17.0.4:80
-A DOCKER -d 198.18.0.1/32 -p udp -m udp --dport 5000:5010 -m comment --comment "a \"quoted\" note" -j DNAT --to-destination 172.17.0.5
COMMIT
"#;

    /// Each rule as `PROTO HOST -> TARGET LOOPBACK_DROPPED`.
    fn lines(all: &[Published]) -> Vec<String> {
        all.iter()
            .map(|p| {
                format!(
                    "{} {} -> {} {:?}",
                    p.proto.name(),
                    p.host_text(),
                    p.target_text(),
                    p.loopback_dropped
                )
            })
            .collect()
    }

    fn published(text: &str) -> Vec<Published> {
        let (mut published, drops) = from_iptables_save(text, "iptables");
        finish(&mut published, &drops);
        published
    }

    #[test]
    fn docker_rules_from_iptables_save() {
        let all = published(DOCKER_SAVE);
        assert_eq!(
            lines(&all),
            [
                "tcp 0.0.0.0:8080 -> 172.17.0.2:80 None",
                "tcp 127.0.0.1:8081 -> 172.17.0.3:80 Some(true)",
                "tcp 127.0.0.1:8082 -> 172.17.0.4:80 Some(false)",
                "udp 198.18.0.1:5000-5010 -> 172.17.0.5 None",
            ]
        );
        // The unprotected loopback port is judged as the wildcard; the protected one
        // as loopback.
        assert_eq!(all[1].judged_addr(), "127.0.0.1:8081".parse().unwrap());
        assert_eq!(all[2].judged_addr(), "0.0.0.0:8082".parse().unwrap());
        assert_eq!(all[0].judged_addr(), "0.0.0.0:8080".parse().unwrap());
    }

    #[test]
    fn ip6tables_and_negated_addresses_are_the_wildcard() {
        let text = "*nat\n-A DOCKER ! -d fd00::1/128 -p tcp --dport 443 -j DNAT --to-destination [fd00::2]:8443\n\
                    -A DOCKER -d ::1/128 -p tcp --dport 444 -j DNAT --to-destination [fd00::2]:8443\nCOMMIT\n";
        let (mut all, drops) = from_iptables_save(text, "ip6tables");
        finish(&mut all, &drops);
        assert_eq!(all[0].host_text(), "[::]:443");
        assert_eq!(all[0].target_text(), "[fd00::2]:8443");
        // [::1] needs no drop rule: the kernel drops it from other interfaces.
        assert_eq!(all[1].host_text(), "[::1]:444");
        assert_eq!(all[1].loopback_dropped, None);
        assert_eq!(all[1].judged_addr(), "[::1]:444".parse().unwrap());
    }

    #[test]
    fn nft_dnat_and_drop_rules() {
        let doc: Value = serde_json::from_str(r#"{"nftables": [
          {"metainfo": {"json_schema_version": 1}},
          {"table": {"family": "ip", "name": "t", "handle": 1}},
          {"chain": {"family": "ip", "table": "t", "name": "raw", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}},
          {"chain": {"family": "ip", "table": "t", "name": "pre", "handle": 2, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
          {"rule": {"family": "ip", "table": "t", "chain": "raw", "handle": 3, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.1"}},
            {"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "lo"}},
            {"drop": null}]}},
          {"rule": {"family": "ip", "table": "t", "chain": "pre", "handle": 4, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 18080}},
            {"dnat": {"addr": "198.18.0.2", "port": 80}}]}},
          {"rule": {"family": "ip", "table": "t", "chain": "pre", "handle": 5, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.1"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [18081, {"range": [18090, 18099]}]}}},
            {"dnat": {"addr": "198.18.0.3", "port": 80}}]}},
          {"rule": {"family": "inet", "table": "t", "chain": "pre", "handle": 6, "expr": [
            {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "udp"}},
            {"dnat": {"addr": "198.18.0.4"}}]}}
        ]}"#).unwrap();
        let (mut all, drops) = from_nft(&doc);
        assert_eq!(drops.len(), 1);
        finish(&mut all, &drops);
        assert_eq!(
            lines(&all),
            [
                "tcp 0.0.0.0:18080 -> 198.18.0.2:80 None",
                "tcp 127.0.0.1:18081 -> 198.18.0.3:80 Some(true)",
                "tcp 127.0.0.1:18090-18099 -> 198.18.0.3:80 Some(true)",
                "udp 0.0.0.0:0-65535 -> 198.18.0.4 None",
            ]
        );
    }

    #[test]
    fn drop_rules_cover_only_what_they_name() {
        let p = Published::tcp("127.0.0.1", 8080, "iptables");
        let drop = Drop {
            daddr: Some(("127.0.0.0".parse().unwrap(), 8)),
            not_iif: Some("lo".into()),
            proto: None,
            ports: None,
        };
        assert!(drop.covers(&p));
        assert!(
            !Drop {
                not_iif: Some("docker0".into()),
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            !Drop {
                not_iif: None,
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            !Drop {
                daddr: None,
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            !Drop {
                proto: Some(Proto::Udp),
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            !Drop {
                ports: Some((1, 8079)),
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            Drop {
                ports: Some((8080, 8080)),
                ..drop.clone()
            }
            .covers(&p)
        );
        assert!(
            !Drop {
                daddr: Some(("10.0.0.0".parse().unwrap(), 8)),
                ..drop
            }
            .covers(&p)
        );
    }

    #[test]
    fn words_and_destinations() {
        assert_eq!(split_words(r#"a  "b c" "d\"e" "#), ["a", "b c", "d\"e"]);
        assert_eq!(
            parse_destination("10.0.0.1:80-90"),
            (Some("10.0.0.1".parse().unwrap()), Some(80))
        );
        assert_eq!(
            parse_port_list("80,443,8000:8010"),
            [(80, 80), (443, 443), (8000, 8010)]
        );
        assert!(in_prefix(
            "127.1.2.3".parse().unwrap(),
            "127.0.0.0".parse().unwrap(),
            8
        ));
        assert!(!in_prefix(
            "128.0.0.1".parse().unwrap(),
            "127.0.0.0".parse().unwrap(),
            8
        ));
        assert!(in_prefix(
            "::1".parse().unwrap(),
            "::1".parse().unwrap(),
            128
        ));
        assert!(in_prefix(
            "1.2.3.4".parse().unwrap(),
            "0.0.0.0".parse().unwrap(),
            0
        ));
    }

    #[test]
    fn docker_proxy_command_line() {
        let args: Vec<String> = "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80"
            .split(' ')
            .map(str::to_owned)
            .collect();
        let (proto, host, target) = docker_proxy_target(&args).unwrap();
        assert_eq!(
            (proto, host.to_string(), target.to_string()),
            (Proto::Tcp, "0.0.0.0:8080".into(), "172.17.0.2:80".into())
        );
        assert_eq!(docker_proxy_target(&args[..3]), None);
    }
}
