//! `bind-guard explain ADDR`: what binding an address means, for operators.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bind_guard::registry::{self, RegistryEntry};
use bind_guard::{BindError, ErrorKind, Escaped, Policy, Scope};
use serde::Serialize;

use crate::json::{ErrorJson, family};
use crate::{EXIT_OK, EXIT_UNUSABLE, Outcome, PolicyName};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A socket address (127.0.0.1:8080, [::]:8080) or a bare IP address (0.0.0.0, ::1)
    #[arg(value_name = "ADDR")]
    addr: String,
    /// Print one JSON object on stdout instead of text
    #[arg(long)]
    json: bool,
}

/// What the input denotes: an address, with or without a port.
#[derive(Debug, Clone, Copy)]
struct Subject {
    /// The address; port 0 when none was given.
    addr: SocketAddr,
    port: Option<u16>,
    /// For text that is not an address but that programs read as one (`localhost:8080`,
    /// `:8080`, `*:8080`, `8080`): how they read it.
    reading: Option<&'static str>,
}

/// A policy that allows every address: the default, with the wildcard and the scopes it
/// refuses. (`allow_scope` refuses only `Unspecified`, whose opt-in is `allow_wildcard`;
/// were it to refuse another, the narrower policy stands, which refuses more.)
fn every_address() -> Policy {
    let base = Policy::new().allow_wildcard();
    Scope::all()
        .filter(|scope| *scope != Scope::Unspecified)
        .try_fold(base.clone(), Policy::allow_scope)
        .unwrap_or(base)
}

impl Subject {
    /// Parses with the library's parser and a policy that allows every address, so
    /// "is an address" means exactly what `check` and the library accept.
    ///
    /// A bare IP is not a socket address to the library; the library's own diagnosis
    /// says so (`MissingPort` for `127.0.0.1` and `[::1]`, `MissingBrackets` for `::1`),
    /// and then the same parser reads it again with a port added. Any other error, or a
    /// second failure, is the original error: that is the explanation the user needs.
    fn parse(text: &str) -> Result<Subject, BindError> {
        let everything = every_address();
        let err = match everything.parse(text) {
            Ok(addr) => {
                return Ok(Subject {
                    addr: *addr.as_socket_addr(),
                    port: Some(addr.port()),
                    reading: None,
                });
            }
            Err(err) => err,
        };
        if let Some(subject) = Subject::as_others_read_it(text, err.kind()) {
            return Ok(subject);
        }
        let with_port = match err.kind() {
            ErrorKind::MissingPort => format!("{text}:0"),
            ErrorKind::MissingBrackets => format!("[{text}]:0"),
            _ => return Err(err),
        };
        match everything.parse(&with_port) {
            Ok(addr) => Ok(Subject {
                addr: *addr.as_socket_addr(),
                port: None,
                reading: None,
            }),
            Err(_) => Err(err),
        }
    }

    /// `localhost:PORT`, `:PORT`, `*:PORT` and `PORT`: not addresses to the parser, but
    /// each has a reading that a server gives it, which is what an operator needs to
    /// know. The port is read by the library's parser, with the host the reading names.
    fn as_others_read_it(text: &str, kind: ErrorKind) -> Option<Subject> {
        let (host, port, reading) = match kind {
            ErrorKind::Localhost => (
                "127.0.0.1",
                text.rsplit_once(':')?.1,
                "localhost: bind-guard (BindSet, Listen, check) reads localhost:PORT as both \
                 loopback addresses, 127.0.0.1 and [::1], without asking DNS; other programs \
                 ask the resolver, which may return either or both. Only this machine can connect",
            ),
            ErrorKind::EmptyHost => (
                "0.0.0.0",
                text.strip_prefix(':')?,
                "an empty host (:PORT): Go, Python and many servers read it as every interface, \
                 the wildcard, as explained here; bind-guard refuses it: write 127.0.0.1:PORT, \
                 or 0.0.0.0:PORT with the wildcard opted in",
            ),
            ErrorKind::StarHost => (
                "0.0.0.0",
                text.strip_prefix("*:")?,
                "a * host (*:PORT): many servers read it as every interface, the wildcard, as \
                 explained here; bind-guard refuses it: write 127.0.0.1:PORT, or 0.0.0.0:PORT \
                 with the wildcard opted in",
            ),
            ErrorKind::PortWithoutHost => (
                "0.0.0.0",
                text,
                "a port without a host: Node's listen(PORT), Docker's -p PORT and many servers \
                 listen on every interface for it, the wildcard, as explained here; bind-guard \
                 refuses it: write 127.0.0.1:PORT for this machine only",
            ),
            _ => return None,
        };
        let addr = every_address().parse(&format!("{host}:{port}")).ok()?;
        Some(Subject {
            addr: *addr.as_socket_addr(),
            port: Some(addr.port()),
            reading: Some(reading),
        })
    }

    fn ip(&self) -> IpAddr {
        self.addr.ip()
    }

    /// `IP:PORT` / `[IPV6]:PORT`, or the bare IP (with its zone) when no port was given.
    fn display(&self) -> String {
        match (self.port, self.addr) {
            (Some(_), addr) => addr.to_string(),
            (None, SocketAddr::V6(v6)) if v6.scope_id() != 0 => {
                format!("{}%{}", v6.ip(), v6.scope_id())
            }
            (None, addr) => addr.ip().to_string(),
        }
    }
}

/// The JSON document of `explain` for an address (schema in the crate docs).
#[derive(Debug, Serialize)]
struct ExplainJson<'a> {
    input: &'a str,
    valid: bool,
    address: String,
    ip: String,
    port: Option<u16>,
    family: &'static str,
    scope: &'static str,
    wildcard: bool,
    loopback: bool,
    local_network: bool,
    ipv4_mapped: Option<String>,
    registry: Option<RegistryJson>,
    dual_stack: Option<DualStackJson>,
    route_localnet: Option<RouteLocalnetJson>,
    meaning: String,
    notes: Vec<String>,
    policies: PoliciesJson,
}

/// `net.ipv4.conf.*.route_localnet` of this host, for IPv4 loopback addresses.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RouteLocalnetJson {
    /// Whether 127.0.0.0/8 is reachable from some network (`all` or an interface);
    /// `null` when it could not be read.
    on: Option<bool>,
    /// `net.ipv4.conf.all.route_localnet`; `null` when it could not be read.
    all: Option<bool>,
    interfaces: Vec<String>,
    /// Why it could not be read; then `on` is `null`.
    error: Option<String>,
}

impl RouteLocalnetJson {
    /// Whether 127.0.0.0/8 is reachable from some network; `None` when unreadable.
    pub(crate) fn on(&self) -> Option<bool> {
        self.on
    }

    /// Off, as on a host without the setting: for tests of the report rules.
    #[cfg(test)]
    pub(crate) fn off() -> RouteLocalnetJson {
        RouteLocalnetJson {
            on: Some(false),
            all: Some(false),
            interfaces: Vec::new(),
            error: None,
        }
    }

    /// Reads this host's setting. An unreadable setting is reported as unknown
    /// (`on: null`), never as off.
    pub(crate) fn read() -> RouteLocalnetJson {
        match bind_guard::sysctl::route_localnet() {
            Ok(localnet) => RouteLocalnetJson {
                on: Some(localnet.is_on()),
                all: Some(localnet.all()),
                interfaces: localnet.interfaces().to_vec(),
                error: None,
            },
            Err(err) => RouteLocalnetJson {
                on: None,
                all: None,
                interfaces: Vec::new(),
                error: Some(err.to_string()),
            },
        }
    }

    /// The warning to print when it is on, or `None`; where it was not readable, a
    /// note saying so.
    pub(crate) fn warning(&self) -> Option<String> {
        if let Some(err) = &self.error {
            return Some(format!(
                "whether route_localnet lets other hosts reach 127.0.0.0/8 here could not \
                 be read ({}): on Linux check net.ipv4.conf.all.route_localnet",
                Escaped::new(err)
            ));
        }
        if self.on != Some(true) {
            return None;
        }
        let which = if self.all == Some(true) {
            "net.ipv4.conf.all.route_localnet=1".to_owned()
        } else {
            let names: Vec<String> = self
                .interfaces
                .iter()
                .map(|name| Escaped::new(name).to_string())
                .collect();
            format!(
                "net.ipv4.conf.IFACE.route_localnet=1 on {}",
                names.join(", ")
            )
        };
        Some(format!(
            "route_localnet is on ({which}): this host accepts packets for 127.0.0.0/8 from \
             the network, so a neighbour that routes 127.0.0.1 to it reaches servers bound \
             to IPv4 loopback (CVE-2020-8558; kube-proxy sets it on Kubernetes nodes). [::1] \
             is not affected. Turn it off, or firewall 127.0.0.0/8 on non-loopback \
             interfaces"
        ))
    }
}

/// The JSON document of `explain` for input that is not an address.
#[derive(Debug, Serialize)]
struct InvalidJson<'a> {
    input: &'a str,
    valid: bool,
    error: ErrorJson,
}

#[derive(Debug, Serialize)]
struct RegistryJson {
    prefix: String,
    name: &'static str,
    rfc: &'static str,
    globally_reachable: Option<bool>,
}

impl RegistryJson {
    fn new(entry: &RegistryEntry) -> Self {
        RegistryJson {
            prefix: entry.prefix().to_string(),
            name: entry.name(),
            rfc: entry.rfc(),
            globally_reachable: entry.globally_reachable(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
struct DualStackJson {
    bindv6only: Option<u8>,
    also_ipv4: Option<bool>,
}

#[derive(Debug, Serialize)]
struct VerdictJson {
    allowed: bool,
    error: Option<ErrorJson>,
}

#[derive(Debug, Serialize)]
struct PoliciesJson {
    loopback: VerdictJson,
    local: VerdictJson,
    default: VerdictJson,
    #[serde(rename = "default,allow_wildcard")]
    default_allow_wildcard: VerdictJson,
}

pub(crate) fn run(args: &ExplainArgs) -> Outcome {
    let subject = match Subject::parse(&args.addr) {
        Ok(subject) => subject,
        Err(err) => return not_an_address(args, &err),
    };
    let mut facts = Facts::of(subject, &args.addr);
    if let Some(reading) = subject.reading {
        facts
            .notes
            .insert(0, format!("{} is not an address; {reading}", args.addr));
    }
    if let Some(note) = port_in_bare_ipv6(&args.addr, subject) {
        facts.notes.push(note);
    }
    if args.json {
        Outcome::json(EXIT_OK, &facts.to_json(&args.addr))
    } else {
        Outcome {
            code: EXIT_OK,
            stdout: facts.to_text(),
            stderr: String::new(),
        }
    }
}

fn not_an_address(args: &ExplainArgs, err: &BindError) -> Outcome {
    if args.json {
        let doc = InvalidJson {
            input: &args.addr,
            valid: false,
            error: ErrorJson::new(err),
        };
        return Outcome::json(EXIT_UNUSABLE, &doc);
    }
    Outcome::error(format!(
        "{err}\n\nbind-guard explains IP addresses and socket addresses, such as 127.0.0.1, \
         0.0.0.0:8080 or '[::1]:8080'"
    ))
}

/// Everything `explain` says about one address, worked out once for both outputs.
struct Facts {
    subject: Subject,
    scope: Scope,
    mapped: Option<Ipv4Addr>,
    registry: Option<RegistryEntry>,
    dual_stack: Option<DualStackJson>,
    /// For IPv4 loopback (and its IPv4-mapped form): this host's route_localnet.
    route_localnet: Option<RouteLocalnetJson>,
    meaning: String,
    notes: Vec<String>,
    /// Each named policy's verdict, as the library's error for the input text.
    verdicts: Verdicts,
}

/// One verdict per named policy: a field each, so a verdict cannot be missing (and
/// cannot be read as "allowed" for want of one).
struct Verdicts {
    loopback: Result<(), BindError>,
    local: Result<(), BindError>,
    default: Result<(), BindError>,
    default_allow_wildcard: Result<(), BindError>,
}

impl Verdicts {
    fn of(addr: SocketAddr, input: &str) -> Verdicts {
        let verdict = |name: PolicyName| {
            name.policy()
                .decide(addr)
                .map_err(|kind| BindError::new(input, kind))
        };
        Verdicts {
            loopback: verdict(PolicyName::Loopback),
            local: verdict(PolicyName::Local),
            default: verdict(PolicyName::Default),
            default_allow_wildcard: verdict(PolicyName::DefaultAllowWildcard),
        }
    }

    fn get(&self, name: PolicyName) -> &Result<(), BindError> {
        match name {
            PolicyName::Loopback => &self.loopback,
            PolicyName::Local => &self.local,
            PolicyName::Default => &self.default,
            PolicyName::DefaultAllowWildcard => &self.default_allow_wildcard,
        }
    }

    /// The verdicts in the order `explain` shows them.
    fn iter(&self) -> impl Iterator<Item = (PolicyName, &Result<(), BindError>)> {
        PolicyName::ALL
            .into_iter()
            .map(|name| (name, self.get(name)))
    }
}

impl Facts {
    fn of(subject: Subject, input: &str) -> Facts {
        let ip = subject.ip();
        let scope = Scope::of(ip);
        let mapped = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped(),
            IpAddr::V4(_) => None,
        };
        let dual_stack = match ip {
            IpAddr::V6(v6) if v6.is_unspecified() => {
                let bindv6only = bindv6only();
                Some(DualStackJson {
                    bindv6only,
                    also_ipv4: bindv6only.map(|v| v == 0),
                })
            }
            _ => None,
        };
        let v4_loopback = scope == Scope::Loopback && (ip.is_ipv4() || mapped.is_some());
        let route_localnet = v4_loopback.then(RouteLocalnetJson::read);
        let verdicts = Verdicts::of(subject.addr, input);
        Facts {
            subject,
            scope,
            mapped,
            registry: registry::entry_for(ip),
            dual_stack,
            meaning: meaning(&subject.display(), scope),
            notes: notes(subject, scope, mapped, dual_stack, route_localnet.as_ref()),
            route_localnet,
            verdicts,
        }
    }

    fn verdict(&self, name: PolicyName) -> VerdictJson {
        match self.verdicts.get(name) {
            Err(err) => VerdictJson {
                allowed: false,
                error: Some(ErrorJson::new(err)),
            },
            Ok(()) => VerdictJson {
                allowed: true,
                error: None,
            },
        }
    }

    fn to_json<'a>(&self, input: &'a str) -> ExplainJson<'a> {
        let ip = self.subject.ip();
        ExplainJson {
            input,
            valid: true,
            address: self.subject.display(),
            ip: ip.to_string(),
            port: self.subject.port,
            family: family(ip),
            scope: self.scope.name(),
            wildcard: self.scope == Scope::Unspecified,
            loopback: self.scope.is_loopback(),
            local_network: self.scope.is_local_network(),
            ipv4_mapped: self.mapped.map(|v4| v4.to_string()),
            registry: self.registry.as_ref().map(RegistryJson::new),
            dual_stack: self.dual_stack,
            route_localnet: self.route_localnet.clone(),
            meaning: self.meaning.clone(),
            notes: self.notes.clone(),
            policies: PoliciesJson {
                loopback: self.verdict(PolicyName::Loopback),
                local: self.verdict(PolicyName::Local),
                default: self.verdict(PolicyName::Default),
                default_allow_wildcard: self.verdict(PolicyName::DefaultAllowWildcard),
            },
        }
    }

    fn to_text(&self) -> String {
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

/// One plain-language sentence on what binding `shown` (of `scope`) means.
fn meaning(shown: &str, scope: Scope) -> String {
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
            "would use an address reserved for documentation and examples: no real host has \
             it, so binding it fails unless it was configured on purpose; it is probably a \
             copied example"
        }
        Scope::Benchmarking => {
            "would use an address reserved for benchmarking test networks (RFC 2544, RFC \
             5180): binding it fails unless a lab network configured it"
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
            "would use reserved address space, not used on ordinary networks: binding it \
             fails unless this host has the address"
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

/// Remarks beyond the one-sentence meaning.
fn notes(
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
fn port_in_bare_ipv6(input: &str, subject: Subject) -> Option<String> {
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
fn bindv6only() -> Option<u8> {
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
        for scope in Scope::all() {
            let text = meaning("x", scope);
            assert!(text.starts_with("A server bound to x "), "{text}");
            assert!(!text.contains("cannot describe"), "{scope}: {text}");
        }
    }

    #[test]
    fn dual_stack_note_follows_the_sysctl() {
        assert!(dual_stack_note(Some(0)).contains("IPv6 and IPv4 here"));
        assert!(dual_stack_note(Some(1)).contains("IPv6 only here"));
        assert!(dual_stack_note(None).contains("not readable"));
    }
}
