//! The rules `scan` reports, each written once: its id, its descriptions, the fix, and
//! how severe it is. Text, JSON and SARIF all read them from here.

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum RuleId {
    /// A string literal that spells the wildcard.
    WildcardString,
    /// `Ipv4Addr::UNSPECIFIED`, `Ipv6Addr::UNSPECIFIED`, `libc::INADDR_ANY`.
    WildcardConstant,
    /// `Ipv4Addr::new(0, 0, 0, 0)`, `([0, 0, 0, 0], port)` and the like.
    WildcardConstructed,
    /// A config value (`Rocket.toml`, `.env`, an app's YAML/TOML/JSON) that sets the
    /// wildcard.
    ConfigWildcard,
    /// A Docker Compose port published without a host IP.
    ComposePublishAll,
    /// A container on the host's network (`network_mode: host`, `hostNetwork: true`).
    HostNetwork,
    /// A Kubernetes `hostPort` without a `hostIP`.
    KubernetesHostPort,
    /// A command-line argument in a config (Dockerfile `CMD`, Compose `command`,
    /// Kubernetes `args`, systemd `ExecStart`) that sets the wildcard.
    ArgumentWildcard,
    /// A systemd `.socket` unit listening on every interface (`ListenStream=8080`).
    SocketUnitWildcard,
    /// `bind-guard: allow-wildcard` without a reason.
    SuppressionWithoutReason,
}

/// What the rule says, for every output format.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) id: RuleId,
    /// Stable identifier (JSON `rule`, SARIF `ruleId`).
    pub(crate) name: &'static str,
    pub(crate) short: &'static str,
    pub(crate) full: &'static str,
    /// How to fix it.
    pub(crate) fix: &'static str,
    /// Whether the rule is about exposure (its SARIF `security-severity` then follows
    /// the finding's confidence, [`security_severity`]) or about the code's hygiene.
    pub(crate) security: bool,
    pub(crate) tags: &'static [&'static str],
}

/// The common fix for a wildcard in code.
const CODE_FIX: &str = "bind 127.0.0.1 (or [::1]) to serve this machine only, or read the address \
    from configuration into a bind_guard::BindAddr, which refuses the wildcard unless \
    Policy::allow_wildcard() opts in; if every interface is intended, say why with a \
    `// bind-guard: allow-wildcard <reason>` comment";

const WILDCARD_TAGS: &[&str] = &["security", "external/cwe/cwe-1327", "CWE-1327"];

/// Every rule, in the order SARIF lists them.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: RuleId::WildcardString,
        name: "wildcard-string",
        short: "String spells the wildcard address (0.0.0.0, [::])",
        full: "A string literal is the wildcard address (0.0.0.0, ::, [::], ::ffff:0.0.0.0), \
            alone or with a port. A server bound to it listens on every interface, so every \
            network this host is on can reach it (CWE-1327).",
        fix: CODE_FIX,
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::WildcardConstant,
        name: "wildcard-constant",
        short: "Constant is the wildcard address (UNSPECIFIED, INADDR_ANY)",
        full: "Ipv4Addr::UNSPECIFIED, Ipv6Addr::UNSPECIFIED and INADDR_ANY are the wildcard \
            address. A server bound to it listens on every interface (CWE-1327).",
        fix: CODE_FIX,
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::WildcardConstructed,
        name: "wildcard-constructed",
        short: "Address built from zeros is the wildcard (Ipv4Addr::new(0, 0, 0, 0))",
        full: "An address built from zeros (Ipv4Addr::new(0, 0, 0, 0), Ipv6Addr::new(0, …, 0), \
            ([0, 0, 0, 0], port)) is the wildcard. A server bound to it listens on every \
            interface (CWE-1327).",
        fix: CODE_FIX,
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::ConfigWildcard,
        name: "config-wildcard",
        short: "Configuration sets the wildcard address",
        full: "A configuration value (Rocket.toml address, a .env HOST, a listen, bind, host \
            or address key in an application's YAML, TOML or JSON config, an env setting of a \
            container) is the wildcard address, possibly as the default of ${VAR:-0.0.0.0}: \
            the server it configures listens on every interface (CWE-1327). listen and bind \
            keys are high confidence; host and address keys are high with a port or in a \
            server section, low otherwise.",
        fix: "set it to 127.0.0.1 (or ::1) to serve this machine only; if every interface is \
            intended, say why with a `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::ComposePublishAll,
        name: "compose-publish-all",
        short: "Compose port published on every interface",
        full: "A Docker Compose ports: entry without a host IP (\"8080:80\") publishes the port \
            on every interface of the host, and Docker's own iptables rules let it through \
            ahead of ufw and firewalld (CWE-1327).",
        fix: "publish on loopback with a host IP: \"127.0.0.1:8080:80\" (or host_ip: 127.0.0.1 in \
            the long syntax); if every interface is intended, write 0.0.0.0 explicitly with a \
            `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::HostNetwork,
        name: "host-network",
        short: "Container runs on the host's network",
        full: "A Compose service with network_mode: host or a Kubernetes pod with \
            hostNetwork: true shares the host's network stack: every address it listens on \
            is the host's, the wildcard included, and no published-port setting limits it \
            (CWE-1327).",
        fix: "use the default bridge (Compose) or pod network and publish only the ports \
            needed, on 127.0.0.1; if the host network is intended, say why with a \
            `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::KubernetesHostPort,
        name: "kubernetes-host-port",
        short: "Kubernetes hostPort bound on every interface of the node",
        full: "A container port with hostPort and no hostIP is bound on every interface of \
            the node it runs on, outside the Service and NetworkPolicy model (CWE-1327).",
        fix: "expose the port through a Service instead, or set hostIP to the address that \
            should serve it; if every interface is intended, say why with a \
            `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::ArgumentWildcard,
        name: "argument-wildcard",
        short: "Command-line argument sets the wildcard address",
        full: "A server's command line in a config (Dockerfile CMD or ENTRYPOINT, Compose \
            command, Kubernetes args, systemd ExecStart) passes the wildcard address \
            (--host 0.0.0.0, --bind-address=0.0.0.0, 0.0.0.0:8000): the server listens on \
            every interface (CWE-1327). In a container that is how a published port reaches \
            it; then check how the port is published.",
        fix: "pass 127.0.0.1 (or ::1), or publish the container's port on 127.0.0.1 only; if \
            every interface is intended, say why with a \
            `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::SocketUnitWildcard,
        name: "socket-unit-wildcard",
        short: "systemd socket unit listens on every interface",
        full: "A systemd .socket unit's ListenStream=, ListenDatagram= or \
            ListenSequentialPacket= is a port alone (8080 is [::]:8080, dual-stack: every IPv4 \
            and IPv6 interface) or a wildcard address (CWE-1327).",
        fix: "write the address: ListenStream=127.0.0.1:8080 (and [::1]:8080), or add \
            BindToDevice=lo; if every interface is intended, say why with a \
            `# bind-guard: allow-wildcard <reason>` comment",
        security: true,
        tags: WILDCARD_TAGS,
    },
    SUPPRESSION,
];

/// Where each rule is described: the README section named after it.
pub(crate) const HELP_BASE: &str =
    "https://github.com/bind-guard/bind-guard/blob/main/bind-guard-cli/README.md#";

/// GitHub code scanning's 0.0–10.0 score (`properties.security-severity`) of an
/// exposure finding: 7.0 ("high") when the scanner is sure the wildcard is bound, 3.0
/// ("low") for a lead whose use it does not follow.
pub(crate) fn security_severity(confidence: super::Confidence) -> &'static str {
    match confidence {
        super::Confidence::High => "7.0",
        super::Confidence::Low => "3.0",
    }
}

/// The score of a hygiene rule (a suppression without a reason).
pub(crate) const HYGIENE_SEVERITY: &str = "2.0";

const SUPPRESSION: Rule = Rule {
    id: RuleId::SuppressionWithoutReason,
    name: "suppression-without-reason",
    short: "bind-guard: allow-wildcard without a reason",
    full: "A `bind-guard: allow-wildcard` comment must say why listening on every interface \
            is intended. Without a reason it suppresses nothing.",
    fix: "write the reason after the marker: `// bind-guard: allow-wildcard container; the \
            published port is the boundary`",
    security: false,
    tags: &["maintainability"],
};

impl RuleId {
    /// This rule's entry in [`RULES`].
    pub(crate) fn rule(self) -> &'static Rule {
        // `RULES` lists the variants in declaration order (the test below checks it).
        let index = self as usize;
        match RULES.get(index) {
            Some(rule) => rule,
            None => &SUPPRESSION,
        }
    }

    /// The stable identifier.
    pub(crate) fn name(self) -> &'static str {
        self.rule().name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_listed_once() {
        for id in [
            RuleId::WildcardString,
            RuleId::WildcardConstant,
            RuleId::WildcardConstructed,
            RuleId::ConfigWildcard,
            RuleId::ComposePublishAll,
            RuleId::HostNetwork,
            RuleId::KubernetesHostPort,
            RuleId::ArgumentWildcard,
            RuleId::SocketUnitWildcard,
            RuleId::SuppressionWithoutReason,
        ] {
            assert_eq!(RULES.iter().filter(|r| r.id == id).count(), 1, "{id:?}");
            assert_eq!(id.rule().id, id);
        }
    }
}
