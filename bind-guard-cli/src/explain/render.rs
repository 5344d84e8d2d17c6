//! `explain` as text: the facts in columns, and the prose that says what they mean.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bind_guard::{ErrorKind, Scope};

use super::facts::{Facts, OnThisHost, PolicyName};
use super::json::DualStackJson;
use super::subject::Subject;
use crate::json::{RouteLocalnetJson, family};

impl Facts {
    pub(super) fn to_text(&self) -> String {
        let ip = self.subject.ip();
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.subject.display());
        let scope_note = match self.scope {
            Scope::Unspecified => " (the wildcard: every interface)",
            Scope::Loopback => " (this machine only, unless route_localnet is on)",
            _ => "",
        };
        let _ = writeln!(out, "  scope:     {}{scope_note}", self.scope);
        let registry = match &self.registry {
            Some(entry) => {
                let reach = match entry.globally_reachable() {
                    Some(true) => "globally reachable",
                    Some(false) => "not globally reachable",
                    None => "global reachability N/A",
                };
                format!(
                    "{} \"{}\", {} ({reach})",
                    entry.prefix(),
                    entry.name(),
                    entry.rfc()
                )
            }
            None if self.scope == Scope::Multicast => {
                "none (multicast has registries of its own; RFC 5771, RFC 4291)".to_owned()
            }
            None => "none: not a special-purpose address".to_owned(),
        };
        let _ = writeln!(out, "  registry:  {registry}");
        let _ = writeln!(out, "  family:    {}", family(ip));
        let _ = writeln!(
            out,
            "  wildcard:  {}",
            yes_no(self.scope == Scope::Unspecified)
        );
        let _ = writeln!(out, "  loopback:  {}", yes_no(self.scope.is_loopback()));
        match &self.on_this_host {
            OnThisHost::Yes(names) => {
                let _ = writeln!(out, "  here:      yes, on {}", interface_names(names));
            }
            OnThisHost::No => {
                let _ = writeln!(out, "  here:      no interface of this host has it");
            }
            OnThisHost::Unknown(_) => {}
        }
        let _ = writeln!(out, "\n{}", self.meaning);
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\nnotes:");
            for note in &self.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        let _ = writeln!(out, "\npolicies:");
        for (name, verdict) in self.verdicts.iter() {
            let _ = match verdict {
                Ok(()) => writeln!(out, "  {:<22} allowed", name.name()),
                Err(err) => writeln!(
                    out,
                    "  {:<22} refused: {}",
                    name.name(),
                    short_problem(err.kind())
                ),
            };
        }
        if let Err(err) = self.verdicts.get(PolicyName::Default) {
            let _ = writeln!(out, "\nwhy the default policy refuses it: {err}");
        }
        out
    }
}

/// The problem sentence up to its first colon or semicolon: a column-sized reason.
fn short_problem(kind: ErrorKind) -> String {
    if let ErrorKind::ScopeNotAllowed(scope) = kind {
        return format!("scope {scope} is not allowed");
    }
    let problem = kind.problem();
    let end = [": ", "; ", ", and "]
        .iter()
        .filter_map(|separator| problem.find(separator))
        .min()
        .unwrap_or(problem.len());
    problem.get(..end).unwrap_or(problem).to_owned()
}

/// One plain-language sentence on what binding `shown` (of `scope`) means, given
/// whether this host has the address.
pub(super) fn meaning(shown: &str, scope: Scope, on_this_host: &OnThisHost) -> String {
    // Reserved ranges that no ordinary host has: unless this one has it. Then it is an
    // address of this host like any other, reachable from whoever can route to it.
    if let (Scope::Documentation | Scope::Benchmarking | Scope::Reserved, OnThisHost::Yes(names)) =
        (scope, on_this_host)
    {
        let range = match scope {
            Scope::Documentation => "reserved for documentation and examples",
            Scope::Benchmarking => "reserved for benchmarking test networks (RFC 2544, RFC 5180)",
            _ => "in reserved address space",
        };
        return format!(
            "A server bound to {shown} is reachable from every host that can route packets \
             to this address, through any of this host's interfaces: it is {range}, and \
             this host has it (on {}), so it was configured here (on purpose, or from a \
             copied example).",
            interface_names(names)
        );
    }
    let not_here = match on_this_host {
        OnThisHost::No => "this host does not have it, so binding it fails",
        _ => "binding it fails unless this host has it",
    };
    let what = match scope {
        Scope::Unspecified => {
            "listens on every interface of this host: every network the host is on (the \
             LAN, a Wi-Fi, a VPN, the internet) can connect, through any of its addresses. \
             To listen on this machine only, bind 127.0.0.1 or [::1] instead"
        }
        Scope::Loopback => {
            "is reachable only from programs on this same machine: the kernel drops packets \
             for loopback addresses that arrive from a network, except IPv4 ones when \
             net.ipv4.conf.*.route_localnet is 1 (see the notes); 0.0.0.0 would instead \
             listen on every interface, for every network the host is on"
        }
        Scope::LinkLocal => {
            "is reachable from hosts on the same network link (the same switch or Wi-Fi), \
             if this host has this address; routers do not forward link-local traffic. An \
             IPv6 link-local socket is tied to the interface of its zone; an IPv4 one \
             (169.254.0.0/16) takes packets for its address on every interface, like any \
             address (only SO_BINDTODEVICE limits a socket to one interface)"
        }
        Scope::Private => {
            "is reachable from every host that can route packets to this private (RFC 1918) \
             address, if this host has it: the office LAN, a VPN, containers, and through any \
             of the host's interfaces, not only the one that holds the address (Linux \
             accepts a packet for any local address on every interface; only binding to a \
             device, SO_BINDTODEVICE, limits a socket to one interface); not from the \
             internet directly"
        }
        Scope::Shared => {
            "is reachable from the carrier-grade NAT network (RFC 6598) this address belongs \
             to, which can hold other customers of the same provider, if this host has it"
        }
        Scope::UniqueLocal => {
            "is reachable from every host that can route packets to this unique-local (RFC \
             4193) IPv6 address, if this host has it, through any of the host's interfaces \
             (only binding to a device, SO_BINDTODEVICE, limits a socket to one interface); \
             not from the internet directly"
        }
        Scope::Documentation => {
            return format!(
                "A server bound to {shown} would use an address reserved for documentation \
                 and examples: {not_here}; it is probably a copied example."
            );
        }
        Scope::Benchmarking => {
            return format!(
                "A server bound to {shown} would use an address reserved for benchmarking \
                 test networks (RFC 2544, RFC 5180): {not_here} (a lab network configures \
                 such addresses)."
            );
        }
        Scope::Multicast => {
            "receives the datagrams sent to this multicast group on every network the \
             host has joined it on, from every host there, like the wildcard; it is a UDP \
             address (Linux lets TCP bind it, but no connection can ever reach it, so that \
             is useless)"
        }
        Scope::Broadcast => {
            "receives the broadcast datagrams of every network this host is on, from every \
             host there, like the wildcard; it is a UDP address (Linux lets TCP bind it, but \
             no connection can ever reach it, so that is useless)"
        }
        Scope::Reserved => {
            return format!(
                "A server bound to {shown} would use reserved address space, not used on \
                 ordinary networks: {not_here}."
            );
        }
        Scope::Global => {
            "is reachable from the whole internet if this host has this public address and \
             no firewall stops the traffic, through any of the host's interfaces"
        }
        // `Scope` may grow; the library's name is still right.
        _ => "has a scope this version of bind-guard cannot describe further",
    };
    format!("A server bound to {shown} {what}.")
}

/// `eth0` or `eth0 and eth1`, escaped for a terminal.
fn interface_names(names: &[String]) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|name| bind_guard::Escaped::new(name).to_string())
        .collect();
    names.join(" and ")
}

/// Which interfaces of this host have `ip`, when some do; or that they could not be
/// read.
pub(super) fn host_note(ip: IpAddr, on_this_host: &OnThisHost) -> Option<String> {
    match on_this_host {
        OnThisHost::Yes(names) => Some(format!(
            "this host has {} on {}",
            ip.to_canonical(),
            interface_names(names)
        )),
        OnThisHost::Unknown(Some(err)) => Some(format!(
            "whether this host has {ip} is not known: its interfaces cannot be read ({err})"
        )),
        OnThisHost::No | OnThisHost::Unknown(None) => None,
    }
}

/// Remarks beyond the one-sentence meaning.
pub(super) fn notes(
    subject: Subject,
    scope: Scope,
    mapped: Option<Ipv4Addr>,
    dual_stack: Option<DualStackJson>,
    route_localnet: Option<&RouteLocalnetJson>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(warning) = route_localnet.and_then(RouteLocalnetJson::warning) {
        notes.push(warning);
    }
    if let Some(dual) = dual_stack {
        notes.push(dual_stack_note(dual.bindv6only));
    }
    if let Some(v4) = mapped {
        notes.push(format!(
            "{} is the IPv4-mapped form of {v4}: an IPv6 socket bound to it carries IPv4 \
             traffic for {v4} (and cannot bind it with IPV6_V6ONLY set), so it has the scope \
             of {v4}: {scope}",
            subject.ip()
        ));
    }
    match subject.ip() {
        IpAddr::V4(v4) if scope == Scope::Loopback && v4 != Ipv4Addr::LOCALHOST => {
            notes.push(
                "all of 127.0.0.0/8 is loopback, and Linux answers on every address of it, \
                 but some systems (macOS) configure only 127.0.0.1: binding another one may \
                 fail there"
                    .to_owned(),
            );
        }
        IpAddr::V6(v6) if scope == Scope::LinkLocal && mapped.is_none() => {
            if let SocketAddr::V6(addr) = subject.addr
                && addr.scope_id() == 0
            {
                notes.push(format!(
                    "a link-local IPv6 address needs a zone (the interface index), such as \
                     [{v6}%2]:8080; without one, binding it fails"
                ));
            }
        }
        _ => {}
    }
    match subject.port {
        Some(0) => notes.push(
            "port 0 asks the system for any free port: the server must report the port it got"
                .to_owned(),
        ),
        Some(port) if port < 1024 => notes.push(format!(
            "port {port} is below 1024: on Linux binding it needs root or CAP_NET_BIND_SERVICE \
             (unless net.ipv4.ip_unprivileged_port_start is lower)"
        )),
        _ => {}
    }
    notes
}

/// `::1:8080` is a valid IPv6 address, but often meant as `[::1]:8080`: say so.
pub(super) fn port_in_bare_ipv6(input: &str, subject: Subject) -> Option<String> {
    if subject.port.is_some() || !subject.ip().is_ipv6() || input.starts_with('[') {
        return None;
    }
    let (head, tail) = input.rsplit_once(':')?;
    if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let meant = Subject::parse(head).ok()?;
    let port: u16 = tail.parse().ok()?;
    if meant.port.is_some() || !meant.ip().is_ipv6() {
        return None;
    }
    Some(format!(
        "{input} is read as one IPv6 address; if {tail} is meant as a port, write \
         [{}]:{port}: an IPv6 address needs brackets before a port",
        meant.display()
    ))
}

fn dual_stack_note(bindv6only: Option<u8>) -> String {
    let general = "on Linux a socket bound to [::] also accepts IPv4 connections (dual-stack, \
                   as if it were bound to 0.0.0.0 too) unless the program sets IPV6_V6ONLY on it; \
                   new sockets take that option's default from the sysctl net.ipv6.bindv6only";
    let here = match bindv6only {
        Some(0) => ", which is 0 on this host: [::] means IPv6 and IPv4 here unless the \
                    program says otherwise"
            .to_owned(),
        Some(value) => format!(
            ", which is {value} on this host: [::] means IPv6 only here unless the program \
             turns IPV6_V6ONLY off"
        ),
        None => " (not readable here: /proc/sys/net/ipv6/bindv6only is missing, so this host is \
             not Linux or has no IPv6); other systems have defaults of their own"
            .to_owned(),
    };
    format!("{general}{here}")
}

/// `net.ipv6.bindv6only` of this host, when `/proc/sys` has it.
pub(super) fn bindv6only() -> Option<u8> {
    bind_guard::sysctl::ipv6_v6only_default().map(u8::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_ips_are_read_by_the_library_parser() {
        let bare = |s: &str| Subject::parse(s).map(|s| (s.display(), s.port));
        assert_eq!(bare("127.0.0.1").unwrap(), ("127.0.0.1".to_owned(), None));
        assert_eq!(bare("::1").unwrap(), ("::1".to_owned(), None));
        assert_eq!(bare("[::1]").unwrap(), ("::1".to_owned(), None));
        assert_eq!(bare("::").unwrap(), ("::".to_owned(), None));
        assert_eq!(bare("fe80::1%3").unwrap(), ("fe80::1%3".to_owned(), None));
        assert_eq!(bare("[::1]:80").unwrap(), ("[::1]:80".to_owned(), Some(80)));
        // Not addresses: the library's own diagnosis is kept.
        assert_eq!(
            Subject::parse("127.1").unwrap_err().kind(),
            ErrorKind::Ipv4Shorthand
        );
        assert_eq!(
            Subject::parse("localhost").unwrap_err().kind(),
            ErrorKind::Localhost
        );
        assert_eq!(Subject::parse("").unwrap_err().kind(), ErrorKind::Empty);
    }

    #[test]
    fn a_port_after_bare_ipv6_is_pointed_out() {
        let note = |s: &str| port_in_bare_ipv6(s, Subject::parse(s).unwrap());
        assert!(note("::1:8080").unwrap().contains("[::1]:8080"));
        assert_eq!(note("::1"), None);
        assert_eq!(note("[::1]:8080"), None);
        assert_eq!(note("127.0.0.1"), None);
        assert_eq!(note("fe80::ab"), None); // hex, not a port
    }

    #[test]
    fn short_problems_fit_a_column() {
        assert_eq!(
            short_problem(ErrorKind::Wildcard),
            "is the wildcard address"
        );
        assert_eq!(
            short_problem(ErrorKind::NotLoopback),
            "is not a loopback address"
        );
        assert_eq!(
            short_problem(ErrorKind::ScopeNotAllowed(Scope::Global)),
            "scope global is not allowed"
        );
    }

    #[test]
    fn every_scope_has_a_sentence() {
        let held = OnThisHost::Yes(vec!["eth0".to_owned()]);
        for on_host in [OnThisHost::No, OnThisHost::Unknown(None), held] {
            for scope in Scope::all() {
                let text = meaning("x", scope, &on_host);
                assert!(text.starts_with("A server bound to x "), "{text}");
                assert!(!text.contains("cannot describe"), "{scope}: {text}");
            }
        }
    }

    #[test]
    fn an_address_this_host_has_is_never_called_a_copied_example_nobody_has() {
        let held = OnThisHost::Yes(vec!["eth0".to_owned(), "x\u{1b}".to_owned()]);
        let text = meaning("192.0.2.2", Scope::Documentation, &held);
        assert!(
            text.contains("this host has it (on eth0 and x\\u{1b})"),
            "{text}"
        );
        assert!(
            text.contains("reachable from every host that can route"),
            "{text}"
        );
        let text = meaning("192.0.2.2", Scope::Documentation, &OnThisHost::No);
        assert!(text.contains("this host does not have it"), "{text}");
        let note = host_note("::ffff:192.0.2.2".parse().unwrap(), &held).unwrap();
        assert_eq!(note, "this host has 192.0.2.2 on eth0 and x\\u{1b}");
        assert_eq!(
            host_note("192.0.2.2".parse().unwrap(), &OnThisHost::No),
            None
        );
    }

    #[test]
    fn dual_stack_note_follows_the_sysctl() {
        assert!(dual_stack_note(Some(0)).contains("IPv6 and IPv4 here"));
        assert!(dual_stack_note(Some(1)).contains("IPv6 only here"));
        assert!(dual_stack_note(None).contains("not readable"));
    }
}
