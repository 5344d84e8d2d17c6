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
    /// A config file (`Rocket.toml`, `.env`) that sets the wildcard.
    ConfigWildcard,
    /// A Docker Compose port published without a host IP.
    ComposePublishAll,
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
    /// GitHub code scanning's 0.0–10.0 score (`properties.security-severity`).
    pub(crate) security_severity: &'static str,
    /// How often a result is a real problem (`properties.precision`): `medium` for the
    /// code rules, whose low-confidence results are leads; `high` for the others.
    pub(crate) precision: &'static str,
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
        security_severity: "6.5",
        precision: "medium",
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::WildcardConstant,
        name: "wildcard-constant",
        short: "Constant is the wildcard address (UNSPECIFIED, INADDR_ANY)",
        full: "Ipv4Addr::UNSPECIFIED, Ipv6Addr::UNSPECIFIED and INADDR_ANY are the wildcard \
            address. A server bound to it listens on every interface (CWE-1327).",
        fix: CODE_FIX,
        security_severity: "6.5",
        precision: "medium",
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
        security_severity: "6.5",
        precision: "medium",
        tags: WILDCARD_TAGS,
    },
    Rule {
        id: RuleId::ConfigWildcard,
        name: "config-wildcard",
        short: "Configuration sets the wildcard address",
        full: "A configuration value (Rocket.toml address, a .env HOST) is the wildcard \
            address: the server it configures listens on every interface (CWE-1327).",
        fix: "set it to 127.0.0.1 (or ::1) to serve this machine only; if every interface is \
            intended, say why with a `# bind-guard: allow-wildcard <reason>` comment",
        security_severity: "6.5",
        precision: "high",
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
        security_severity: "6.5",
        precision: "high",
        tags: WILDCARD_TAGS,
    },
    SUPPRESSION,
];

const SUPPRESSION: Rule = Rule {
    id: RuleId::SuppressionWithoutReason,
    name: "suppression-without-reason",
    short: "bind-guard: allow-wildcard without a reason",
    full: "A `bind-guard: allow-wildcard` comment must say why listening on every interface \
            is intended. Without a reason it suppresses nothing.",
    fix: "write the reason after the marker: `// bind-guard: allow-wildcard container; the \
            published port is the boundary`",
    security_severity: "2.0",
    precision: "high",
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
            RuleId::SuppressionWithoutReason,
        ] {
            assert_eq!(RULES.iter().filter(|r| r.id == id).count(), 1, "{id:?}");
            assert_eq!(id.rule().id, id);
        }
    }
}
