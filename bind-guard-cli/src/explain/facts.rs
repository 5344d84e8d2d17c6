//! Everything `explain` says about one address, and the named policies it judges by.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bind_guard::registry::{self, RegistryEntry};
use bind_guard::{BindError, ErrorKind, Policy, Scope};

use super::json::{DualStackJson, ExplainJson, PoliciesJson, RegistryJson, VerdictJson};
use super::render::{bindv6only, host_note, meaning, notes};
use super::subject::Subject;
use crate::json::{ErrorJson, RouteLocalnetJson, family};

/// The policies `explain` shows a verdict for, named in the library's policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PolicyName {
    /// Loopback only: 127.0.0.0/8 and ::1, this machine
    Loopback,
    /// Loopback, link-local, private, shared (CGNAT) and unique-local networks
    Local,
    /// Every address except the wildcard, multicast and broadcast
    Default,
    /// Every address, the wildcard included
    DefaultAllowWildcard,
}

impl PolicyName {
    /// Every named policy, in the order `explain` shows them.
    pub(super) const ALL: [PolicyName; 4] = [
        PolicyName::Loopback,
        PolicyName::Local,
        PolicyName::Default,
        PolicyName::DefaultAllowWildcard,
    ];

    /// The library policy of this name. Built, not parsed, so no fallback stands in for
    /// a text that failed to parse; a test checks that each name's text reads back as
    /// this policy (one vocabulary).
    pub(super) fn policy(self) -> Policy {
        match self {
            PolicyName::Loopback => Policy::loopback(),
            PolicyName::Local => Policy::local(),
            PolicyName::Default => Policy::default(),
            PolicyName::DefaultAllowWildcard => Policy::default().allow_wildcard(),
        }
    }

    /// The policy's text form, as `--policy` takes it and JSON prints it.
    pub(super) fn name(self) -> &'static str {
        match self {
            PolicyName::Loopback => "loopback",
            PolicyName::Local => "local",
            PolicyName::Default => "default",
            PolicyName::DefaultAllowWildcard => "default,allow_wildcard",
        }
    }
}

/// Everything `explain` says about one address, worked out once for both outputs.
pub(super) struct Facts {
    pub(super) subject: Subject,
    pub(super) scope: Scope,
    pub(super) mapped: Option<Ipv4Addr>,
    pub(super) registry: Option<RegistryEntry>,
    pub(super) dual_stack: Option<DualStackJson>,
    /// For IPv4 loopback (and its IPv4-mapped form): this host's route_localnet.
    pub(super) route_localnet: Option<RouteLocalnetJson>,
    /// Whether an interface of this host has the address (read before anything is said
    /// about who could have it).
    pub(super) on_this_host: OnThisHost,
    pub(super) meaning: String,
    pub(super) notes: Vec<String>,
    /// Each named policy's verdict, as the library's error for the input text.
    pub(super) verdicts: Verdicts,
}

/// Which interfaces of this host have an address, as the kernel lists them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OnThisHost {
    /// These interfaces have it (names as the kernel gives them; escape to print).
    Yes(Vec<String>),
    /// No interface has it.
    No,
    /// The interfaces could not be read (the reason), or the question does not apply
    /// (the wildcard, a group or broadcast address: `None`).
    Unknown(Option<String>),
}

impl OnThisHost {
    /// The interfaces of this host that hold `ip` (an IPv4-mapped address counts as its
    /// IPv4 address).
    pub(super) fn read(ip: IpAddr, scope: Scope) -> OnThisHost {
        if matches!(
            scope,
            Scope::Unspecified | Scope::Multicast | Scope::Broadcast
        ) {
            return OnThisHost::Unknown(None);
        }
        match bind_guard::iface::interfaces() {
            Ok(interfaces) => OnThisHost::among(ip, &interfaces),
            Err(err) => OnThisHost::Unknown(Some(err.to_string())),
        }
    }

    fn among(ip: IpAddr, interfaces: &[bind_guard::iface::Interface]) -> OnThisHost {
        let ip = ip.to_canonical();
        let names: Vec<String> = interfaces
            .iter()
            .filter(|i| i.addresses.iter().any(|a| a.ip.to_canonical() == ip))
            .map(|i| i.name.clone())
            .collect();
        if names.is_empty() {
            OnThisHost::No
        } else {
            OnThisHost::Yes(names)
        }
    }
}

/// One verdict per named policy: a field each, so a verdict cannot be missing (and
/// cannot be read as "allowed" for want of one).
pub(super) struct Verdicts {
    loopback: Result<(), BindError>,
    local: Result<(), BindError>,
    default: Result<(), BindError>,
    default_allow_wildcard: Result<(), BindError>,
}

impl Verdicts {
    fn of(addr: SocketAddr, input: &str) -> Verdicts {
        // `:8080`, `*:8080` and `8080` are explained as the wildcard others read them
        // as, but no policy accepts the text (the opt-in opens `0.0.0.0:8080` written
        // in full): every verdict is the text's refusal, as `check` gives it.
        let text_refused = match Policy::default().allow_wildcard().parse(input) {
            Err(err)
                if matches!(
                    err.kind(),
                    ErrorKind::EmptyHost | ErrorKind::StarHost | ErrorKind::PortWithoutHost
                ) =>
            {
                Some(err.kind())
            }
            _ => None,
        };
        let verdict = |name: PolicyName| match text_refused {
            Some(kind) => Err(BindError::new(input, kind)),
            None => name
                .policy()
                .decide(addr)
                .map_err(|kind| BindError::new(input, kind)),
        };
        Verdicts {
            loopback: verdict(PolicyName::Loopback),
            local: verdict(PolicyName::Local),
            default: verdict(PolicyName::Default),
            default_allow_wildcard: verdict(PolicyName::DefaultAllowWildcard),
        }
    }

    pub(super) fn get(&self, name: PolicyName) -> &Result<(), BindError> {
        match name {
            PolicyName::Loopback => &self.loopback,
            PolicyName::Local => &self.local,
            PolicyName::Default => &self.default,
            PolicyName::DefaultAllowWildcard => &self.default_allow_wildcard,
        }
    }

    /// The verdicts in the order `explain` shows them.
    pub(super) fn iter(&self) -> impl Iterator<Item = (PolicyName, &Result<(), BindError>)> {
        PolicyName::ALL
            .into_iter()
            .map(|name| (name, self.get(name)))
    }
}

impl Facts {
    pub(super) fn of(subject: Subject, input: &str) -> Facts {
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
        let on_this_host = OnThisHost::read(ip, scope);
        let mut notes = notes(subject, scope, mapped, dual_stack, route_localnet.as_ref());
        if let Some(note) = host_note(ip, &on_this_host) {
            notes.insert(0, note);
        }
        Facts {
            subject,
            scope,
            mapped,
            registry: registry::entry_for(ip),
            dual_stack,
            meaning: meaning(&subject.display(), scope, &on_this_host),
            notes,
            route_localnet,
            on_this_host,
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

    pub(super) fn to_json<'a>(&self, input: &'a str) -> ExplainJson<'a> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_reads_back_as_its_policy() {
        for name in PolicyName::ALL {
            assert_eq!(
                name.name().parse::<Policy>().unwrap(),
                name.policy(),
                "{name:?}"
            );
            assert_eq!(name.policy().to_string(), name.name(), "{name:?}");
        }
    }

    #[test]
    fn the_host_is_asked_who_has_an_address() {
        use bind_guard::iface::interfaces;
        // This host's loopback address is on lo; the IPv4-mapped form is the same one.
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let on_lo = OnThisHost::Yes(vec!["lo".to_owned()]);
        assert_eq!(OnThisHost::read(ip, Scope::Loopback), on_lo);
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(OnThisHost::among(mapped, &interfaces().unwrap()), on_lo);
        let nowhere: IpAddr = "198.51.100.254".parse().unwrap();
        assert_eq!(
            OnThisHost::read(nowhere, Scope::Documentation),
            OnThisHost::No
        );
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        assert_eq!(
            OnThisHost::read(any, Scope::Unspecified),
            OnThisHost::Unknown(None)
        );
    }

    #[test]
    fn named_policies_match_the_library() {
        let wildcard = "0.0.0.0:80".parse().unwrap();
        let private = "10.0.0.1:80".parse().unwrap();
        let global = "8.8.8.8:80".parse().unwrap();
        let allows = |name: PolicyName, addr| name.policy().allows(addr);
        assert!(!allows(PolicyName::Default, wildcard));
        assert!(allows(PolicyName::DefaultAllowWildcard, wildcard));
        assert!(allows(PolicyName::Local, private));
        assert!(!allows(PolicyName::Local, global));
        assert!(!allows(PolicyName::Loopback, private));
    }

    /// Issue 21 item 8: `explain :8080` agrees with `check :8080 --allow-wildcard`
    /// (refused: the opt-in opens 0.0.0.0:8080 written in full, not the text).
    #[test]
    fn text_that_no_policy_accepts_is_refused_by_every_policy() {
        for text in [":8080", "*:8080", "8080"] {
            let facts = Facts::of(Subject::parse(text).unwrap(), text);
            for (name, verdict) in facts.verdicts.iter() {
                assert!(verdict.is_err(), "{text} {name:?}");
            }
        }
        let facts = Facts::of(Subject::parse("0.0.0.0:8080").unwrap(), "0.0.0.0:8080");
        assert!(facts.verdicts.get(PolicyName::DefaultAllowWildcard).is_ok());
        let facts = Facts::of(Subject::parse("localhost:8080").unwrap(), "localhost:8080");
        assert!(facts.verdicts.get(PolicyName::Default).is_ok());
    }
}
