//! Errors: what was wrong with a bind address, and how to fix it.
//!
//! Every refusal is an [`ErrorKind`] with fixed sentences: the *problem* and the *hint*
//! (and, where the fix in code names the crate's API, a programmer's hint).
//! `bind_guard::BindError` adds the input. The sentences live in one table below, used
//! by the run-time `Display` and, through [`ErrorKind::message`], by the compile-time
//! errors of `bind_addr!` and `ip_net!`, so both say the same thing.

use core::fmt;

use crate::Scope;

/// Declares `ErrorKind` from one table. Each row gives, in this order:
///
/// - the class: `parse` (the text is not an address or network) or `refusal` (a valid
///   address that a rule or policy does not allow);
/// - the subject the sentences are about: `address` or `network`;
/// - the variant (with an example value if it carries one, for [`ErrorKind::ALL`]);
/// - its stable snake_case name (a JSON and log contract: never changed or reused);
/// - the problem and the hint sentences, and optionally (`code: "…"`) the hint for a
///   programmer when it names the crate's API, which an operator's hint never does.
///
/// So a kind cannot exist without its class, subject, name and explanation.
macro_rules! error_kinds {
    ($(
        $(#[$doc:meta])*
        $class:ident $subject:ident $variant:ident $(($field:ty = $example:expr))? as $name:literal
            => ($problem:literal, $hint:literal $(, code: $code:literal)?),
    )*) => {
        /// What was wrong with a bind address or a network.
        ///
        /// Parse errors (the text is not a socket address or network) and refusals (a
        /// valid address that a rule or policy does not allow; [`is_refusal`]). Match with
        /// a wildcard arm: new kinds may be added.
        ///
        /// [`is_refusal`]: ErrorKind::is_refusal
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[$doc])* $variant $(($field))?,)*
        }

        impl ErrorKind {
            /// Every kind, once (a kind that carries a value appears with an example
            /// value), in the order of the table: for documentation and tests.
            pub const ALL: &'static [ErrorKind] = &[
                $(ErrorKind::$variant $(({ let example: $field = $example; example }))?,)*
            ];

            /// A stable snake_case name for this kind (`"wildcard"`, `"ipv4_shorthand"`),
            /// for logs and JSON output. Names are never changed or reused.
            #[must_use]
            pub const fn name(&self) -> &'static str {
                match self { $(error_kinds!(@pat $variant $(($field))?) => $name,)* }
            }

            /// What was wrong, as the end of a sentence whose subject is the address or
            /// network ([`subject`](ErrorKind::subject)).
            #[must_use]
            pub const fn problem(&self) -> &'static str {
                match self { $(error_kinds!(@pat $variant $(($field))?) => $problem,)* }
            }

            /// How to fix it, in words for whoever set the value (an operator): no Rust
            /// API is named. Where a value came from decides how the wildcard is opted
            /// in to, so `bind_guard::Source` adds that (`BindError::with_source`).
            #[must_use]
            pub const fn hint(&self) -> &'static str {
                match self { $(error_kinds!(@pat $variant $(($field))?) => $hint,)* }
            }

            /// How to fix it in code: the hint for a programmer, which may name the
            /// crate's API (`Policy::allow_wildcard`, `bind_addr!(…, allow_wildcard)`).
            /// The same as [`hint`](ErrorKind::hint) where no API helps.
            #[must_use]
            pub const fn code_hint(&self) -> &'static str {
                match self { $(error_kinds!(@pat $variant $(($field))?) => error_kinds!(@code $hint $(, $code)?),)* }
            }

            /// Whether this is a refusal by a rule or policy (the text was a valid
            /// address), as opposed to a parse error.
            #[must_use]
            pub const fn is_refusal(&self) -> bool {
                match self {
                    $(error_kinds!(@pat $variant $(($field))?) => error_kinds!(@refusal $class),)*
                }
            }

            /// What the sentences are about: `"address"` or `"network"`.
            #[must_use]
            pub const fn subject(&self) -> &'static str {
                match self {
                    $(error_kinds!(@pat $variant $(($field))?) => stringify!($subject),)*
                }
            }

            /// The kind whose variant is named `variant` (`"NotLoopback"`), for the kinds
            /// without a field: how `bind-guard-macros` finds the sentences of a refusal
            /// that the type system reports.
            #[doc(hidden)]
            #[must_use]
            pub fn from_variant_name(variant: &str) -> Option<ErrorKind> {
                $(if variant == stringify!($variant) {
                    return error_kinds!(@unit $variant $(($field))?);
                })*
                None
            }

            /// The problem and the hint in one sentence, without the input
            /// (`this address is empty; write …`). This is the text of the macros'
            /// compile errors, read by the programmer who wrote the literal, so it
            /// carries the [`code_hint`](ErrorKind::code_hint).
            #[must_use]
            pub const fn message(&self) -> &'static str {
                match self {
                    $(error_kinds!(@pat $variant $(($field))?) =>
                        concat!("this ", stringify!($subject), " ", $problem, "; ", error_kinds!(@code $hint $(, $code)?)),)*
                }
            }
        }
    };
    (@code $hint:literal) => { $hint };
    (@code $hint:literal, $code:literal) => { $code };
    (@refusal parse) => { false };
    (@refusal refusal) => { true };
    (@unit $variant:ident) => { Some(ErrorKind::$variant) };
    (@unit $variant:ident ($field:ty)) => { None };
    (@pat $variant:ident) => { ErrorKind::$variant };
    (@pat $variant:ident ($field:ty)) => { ErrorKind::$variant(_) };
}

error_kinds! {
    // ---- parse errors ----
    /// The input is empty.
    parse address Empty as "empty" => ("is empty",
        "write an IP address and a port, such as 127.0.0.1:8080"),
    /// A list with an empty item: a stray comma (`127.0.0.1:8080,`, `a,,b`).
    parse address EmptyItem as "empty_item" => ("has an empty item, from a stray comma at the start, at the end or twice in a row",
        "remove the extra comma: separate addresses with one comma, such as 127.0.0.1:8080,[::1]:8080"),
    /// A comma inside one address (`127.0.0,1:8080`), a typo for a dot.
    parse address Comma as "comma" => ("has a comma inside an address, where a dot belongs",
        "write the address with dots, such as 127.0.0.1:8080; a comma only separates whole addresses"),
    /// A comma-separated list where one address is read (`127.0.0.1:80,[::1]:80`).
    parse address List as "list" => ("is a list of addresses, and only one address is read here",
        "give one address, such as 127.0.0.1:8080"),
    /// The input contains a control character such as NUL.
    parse address ControlCharacter as "control_character" => ("contains a control character (such as NUL or ESC)",
        "remove it: an address has only digits, the letters a-f, '.', ':', '[', ']' and '%'"),
    /// The input contains a byte that is not ASCII (full-width digits, look-alike dots).
    parse address NonAscii as "non_ascii" => ("contains a character that is not ASCII (full-width digits and look-alike punctuation are not digits and dots)",
        "type the address in plain ASCII, such as 127.0.0.1:8080"),
    /// The input contains white space.
    parse address Whitespace as "whitespace" => ("contains white space",
        "remove the spaces, tabs or line breaks around or inside the address"),
    /// The input is a URL (`http://127.0.0.1:80`).
    parse address Url as "url" => ("is a URL, not a socket address",
        "drop the scheme and any path: write HOST:PORT, such as 127.0.0.1:8080"),
    /// The input is a network in CIDR notation (`10.0.0.0/8`).
    parse address Cidr as "cidr" => ("is a network prefix (CIDR), not one address",
        "bind to one address of the network and a port, such as 10.0.0.5:8080"),
    /// `:8080`: no host at all, which Go and Python read as every interface.
    parse address EmptyHost as "empty_host" => ("has no host; Go and Python read an empty host (:8080) as every interface, the wildcard",
        "write 127.0.0.1:PORT to listen on this machine only, or 0.0.0.0:PORT for every interface",
        code: "write 127.0.0.1:PORT to listen on this machine only, or 0.0.0.0:PORT with the wildcard opted in (Policy::allow_wildcard, or bind_addr!(\"…\", allow_wildcard))"),
    /// `*:8080`: many servers read `*` as every interface.
    parse address StarHost as "star_host" => ("uses * as the host, which many servers read as every interface, the wildcard",
        "write 127.0.0.1:PORT to listen on this machine only, or 0.0.0.0:PORT for every interface",
        code: "write 127.0.0.1:PORT to listen on this machine only, or 0.0.0.0:PORT with the wildcard opted in (Policy::allow_wildcard, or bind_addr!(\"…\", allow_wildcard))"),
    /// No port (`127.0.0.1`, `[::1]`).
    parse address MissingPort as "missing_port" => ("has no port",
        "add one after a colon, such as 127.0.0.1:8080 or [::1]:8080 (port 0 lets the system pick a free port)"),
    /// The port is not a decimal number (`127.0.0.1:http`).
    parse address InvalidPort as "invalid_port" => ("has a port that is not a decimal number",
        "write the port in digits, from 0 to 65535; service names such as http are not looked up"),
    /// The port is larger than 65535.
    parse address PortOutOfRange as "port_out_of_range" => ("has a port larger than 65535",
        "use a port from 0 to 65535"),
    /// A port alone (`8080`): no host at all.
    parse address PortWithoutHost as "port_without_host" => ("is a port without a host",
        "write the host before it, such as 127.0.0.1:8080 for this machine only"),
    /// An inet_aton shorthand: `127.1`, `0x7f.0.0.1`, `2130706433`.
    parse address Ipv4Shorthand as "ipv4_shorthand" => ("uses an IPv4 shorthand that C resolvers (inet_aton) expand to a full address, as they expand 127.1, 0x7f.0.0.1 and 2130706433 to 127.0.0.1",
        "write all four octets in decimal, such as 127.0.0.1:8080"),
    /// A shorthand that C resolvers expand to `0.0.0.0`, the wildcard (`0:80`, `0.0:80`,
    /// `0x0:80`).
    parse address WildcardShorthand as "wildcard_shorthand" => ("is the wildcard 0.0.0.0 in shorthand: C resolvers (inet_aton) expand 0, 0.0 and 0x0 to 0.0.0.0, and a socket bound to it listens on every interface",
        "to listen on this machine only, write 127.0.0.1:PORT; to listen everywhere on purpose, write 0.0.0.0:PORT in full and opt in to the wildcard"),
    /// An octet with a leading zero, which C reads as octal (`010.0.0.1` is 8.0.0.1 there).
    parse address LeadingZero as "leading_zero" => ("has an IPv4 octet with a leading zero, which C resolvers read as octal (010 is 8)",
        "write each octet in decimal without leading zeros, such as 10.0.0.1"),
    /// Four parts that are not four octets from 0 to 255.
    parse address InvalidIpv4 as "invalid_ipv4" => ("is not a valid IPv4 address",
        "write four decimal numbers from 0 to 255 separated by dots, such as 192.168.1.10:8080"),
    /// `localhost` (or a name under `.localhost`), which parsing does not resolve.
    parse address Localhost as "localhost" => ("is the host name localhost, and parsing does not resolve names",
        "write 127.0.0.1:PORT or [::1]:PORT",
        code: "write 127.0.0.1:PORT or [::1]:PORT, or resolve it at run time with Policy::resolve or BindAddr::resolve (std feature), which maps localhost to both without asking DNS"),
    /// Any other host name.
    parse address Hostname as "hostname" => ("is a host name, and parsing does not resolve names",
        "write the IP address of the interface to listen on, such as 127.0.0.1:8080",
        code: "write the IP address, or resolve the name at run time with Policy::resolve or BindAddr::resolve (std feature), which checks every address it resolves to"),
    /// An IPv6 address without brackets (`::1:8080`, `fe80::1`).
    parse address MissingBrackets as "missing_brackets" => ("is an IPv6 address without brackets",
        "put IPv6 addresses in brackets before the port, such as [::1]:8080"),
    /// Brackets around something that is not IPv6.
    parse address InvalidIpv6 as "invalid_ipv6" => ("is not a valid bracketed IPv6 address",
        "write up to eight hex groups separated by colons, with at most one ::, in brackets and followed by the port, such as [2001:db8::1]:8080"),
    /// Brackets around an IPv4 address.
    parse address Ipv4InBrackets as "ipv4_in_brackets" => ("puts an IPv4 address in brackets",
        "brackets are for IPv6 only: write 127.0.0.1:8080"),
    /// An IPv6 zone given by interface name (`%eth0`).
    parse address ZoneName as "zone_name" => ("names the IPv6 zone by interface (such as %eth0), but only numeric zone ids are accepted",
        "use the interface's index instead (ip link shows it), such as [fe80::1%2]:8080"),
    /// An IPv6 zone marker with nothing after it (`[fe80::1%]:80`).
    parse address EmptyZone as "empty_zone" => ("has an empty IPv6 zone: nothing follows the %",
        "write the interface's index after the % (ip link shows it), such as [fe80::1%2]:8080, or drop the % for an address that needs no zone"),
    /// An IPv6 zone id larger than 4294967295.
    parse address InvalidScopeId as "invalid_scope_id" => ("has an IPv6 zone id larger than 4294967295",
        "use the interface's index (ip link shows it), such as [fe80::1%2]:8080"),
    /// Anything else that is not `IPV4:PORT` or `[IPV6]:PORT`.
    parse address Invalid as "invalid" => ("is not a socket address",
        "write IPV4:PORT or [IPV6]:PORT, such as 127.0.0.1:8080 or [::1]:8080"),
    /// A network (`ip_net!`) that is not `ADDRESS/LENGTH`.
    parse network InvalidNetwork as "invalid_network" => ("is not written in CIDR notation (ADDRESS/LENGTH)",
        "write ADDRESS/LENGTH, such as 10.0.0.0/8 or fd00::/8"),
    /// A network whose prefix length is longer than the address.
    parse network PrefixLength as "prefix_length" => ("has a prefix length longer than its address (over 32 for IPv4 or 128 for IPv6)",
        "use a length from 0 to 32 for IPv4 and from 0 to 128 for IPv6"),
    /// A network with bits set after the prefix (`10.0.0.1/8`).
    parse network HostBits as "host_bits" => ("has host bits set after the prefix length, so it names an address, not a network",
        "write the network's first address, such as 10.0.0.0/8 rather than 10.0.0.1/8"),
    /// A host name that resolved to no address.
    parse address Unresolvable as "unresolvable" => ("is a host name that did not resolve to any address",
        "check the name, or write the IP address itself"),
    /// An `iface:` form that is not `iface:NAME:PORT`, `iface:NAME/ipv4:PORT`,
    /// `iface:NAME/ipv6:PORT` or `iface:NAME/link-local:PORT`.
    parse address InvalidInterface as "invalid_interface" => ("is not a valid interface form",
        "write iface:NAME:PORT, iface:NAME/ipv4:PORT, iface:NAME/ipv6:PORT or iface:NAME/link-local:PORT, with an interface name of 1 to 15 characters without '/', ':' or spaces, such as iface:eth0:8080"),
    /// An `iface:` form naming an interface this host does not have.
    parse address UnknownInterface as "unknown_interface" => ("names a network interface that this host does not have",
        "use one of the interfaces listed (ip address shows them), or write the IP address itself"),
    /// An `iface:` form naming an interface without an address of the family asked for.
    parse address NoInterfaceAddress as "no_interface_address" => ("names a network interface that has no address of the family asked for",
        "bring the address up first, ask for another family (/ipv4, /ipv6, /link-local), or write the IP address itself"),
    /// An `iface:` form that matches several addresses where one is required.
    parse address AmbiguousInterface as "ambiguous_interface" => ("names a network interface with several addresses, where one address is required",
        "narrow it with iface:NAME/ipv4:PORT or iface:NAME/ipv6:PORT, or write one of the addresses listed"),
    /// An `iface:` form in a program built without interface support.
    parse address InterfaceUnsupported as "interface_unsupported" => ("names a network interface, and this program was built without interface lookup",
        "write the IP address itself (for the program's authors: enable bind-guard's if-addrs feature)"),

    /// A `unix:` form that is not `unix:/ABSOLUTE/PATH` or `unix:@NAME`: an empty or
    /// relative path, a `.` or `..` component, an empty component (`//`, a trailing `/`),
    /// or a control character.
    parse address InvalidUnixPath as "invalid_unix_path" => ("is not a valid Unix socket address: after unix: comes an absolute path with no empty, . or .. components and no control characters, or @ and a name",
        "write unix:/ABSOLUTE/PATH, such as unix:/run/app/admin.sock"),
    /// A Unix socket path or abstract name longer than a socket address holds (107 bytes).
    parse address UnixPathTooLong as "unix_path_too_long" => ("is a Unix socket path or name longer than the 107 bytes a socket address holds",
        "use a shorter path, such as one under /run"),

    // ---- refusals ----
    /// The wildcard address (`0.0.0.0`, `::`, `::ffff:0.0.0.0`) without an opt-in.
    refusal address Wildcard as "wildcard" => ("is the wildcard address: a socket bound to it listens on every interface and is exposed to every network this host is on",
        "to listen on this machine only, use 127.0.0.1 or [::1]",
        code: "to listen on this machine only, use 127.0.0.1 or [::1]; to listen everywhere on purpose, opt in to the wildcard with Policy::allow_wildcard() or bind_addr!(\"…\", allow_wildcard) into a BindAddr"),
    /// A non-loopback address where only loopback is accepted (`LoopbackAddr`,
    /// `Policy::loopback`).
    refusal address NotLoopback as "not_loopback" => ("is not a loopback address, and only 127.0.0.0/8 and ::1 (this machine) are accepted here",
        "use 127.0.0.1:PORT or [::1]:PORT"),
    /// An address outside the local networks where only those are accepted (`LocalAddr`,
    /// `Policy::local`).
    refusal address NotLocalNetwork as "not_local_network" => ("is not on a local network, and only loopback, link-local, private, shared (CGNAT) and unique-local addresses are accepted here",
        "use an address of this machine (127.0.0.1) or of a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)"),
    /// A multicast group address (`224.0.0.0/4`, `ff00::/8`) where the multicast scope is
    /// not allowed (the default rule, `BindAddr` and `Policy::default()`, refuses it).
    refusal address Multicast as "multicast" => ("is a multicast group address: a socket bound to it receives the group's traffic from every network this host is attached to",
        "to serve clients, use a unicast address of this host, such as 127.0.0.1 or 10.0.0.5; to receive a group on purpose, allow the multicast scope in the policy (allow_scope=multicast)",
        code: "to serve clients, bind a unicast address such as 127.0.0.1 or 10.0.0.5; to receive a group on purpose, allow the scope with Policy::allow_scope(Scope::Multicast)"),
    /// The limited broadcast address `255.255.255.255` where the broadcast scope is not
    /// allowed (the default rule refuses it).
    refusal address Broadcast as "broadcast" => ("is the limited broadcast address: a socket bound to it receives broadcasts from every network this host is attached to",
        "to serve clients, use a unicast address of this host, such as 127.0.0.1 or 10.0.0.5; to receive broadcasts on purpose, allow the broadcast scope in the policy (allow_scope=broadcast)",
        code: "to serve clients, bind a unicast address such as 127.0.0.1 or 10.0.0.5; to receive broadcasts on purpose, allow the scope with Policy::allow_scope(Scope::Broadcast)"),
    /// An address whose scope the policy does not allow.
    refusal address ScopeNotAllowed(Scope = Scope::Global) as "scope_not_allowed" => ("has a scope that this policy does not allow",
        "use an address of a scope that is allowed here",
        code: "use an address of an allowed scope, or allow this one with Policy::allow_scope"),
    /// An address inside a network the policy denies.
    refusal address DeniedNetwork as "denied_network" => ("is inside a network that this policy denies",
        "use an address outside the denied networks"),
    /// An abstract Unix socket (`unix:@name`, Linux) where the policy did not opt in.
    refusal address AbstractSocket as "abstract_socket" => ("is an abstract Unix socket, which has no file and so no permissions: any local process in this network namespace may connect to it (a container sharing the host's network namespace included)",
        "use a Unix socket path, such as unix:/run/app/admin.sock, whose file mode limits who may connect; to use the abstract name on purpose, add allow_abstract to the policy",
        code: "use a Unix socket path, such as unix:/run/app/admin.sock, whose file mode limits who may connect; to use the abstract name on purpose, opt in with Policy::allow_abstract (allow_abstract in a policy text)"),
    /// Port 0 where the policy asks for a fixed port.
    refusal address PortZero as "port_zero" => ("asks for port 0 (any free port), which this policy does not allow",
        "choose a fixed port",
        code: "choose a fixed port, or allow port 0 with Policy::allow_port_zero"),
}

impl ErrorKind {
    /// Whether the fix may be the wildcard: the wildcard itself, or an empty or `*` host
    /// that other programs read as the wildcard. A `bind_guard::Source`'s opt-in is shown
    /// for these.
    #[must_use]
    pub const fn is_about_the_wildcard(&self) -> bool {
        matches!(
            self,
            ErrorKind::Wildcard | ErrorKind::EmptyHost | ErrorKind::StarHost
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::ScopeNotAllowed(scope) => write!(
                f,
                "has scope {scope}, which this policy does not allow; {}",
                self.hint()
            ),
            _ => write!(f, "{}; {}", self.problem(), self.hint()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_hints_name_no_rust_api() {
        // `hint` is what a run-time error shows whoever set the value; Rust names belong
        // in `code_hint` (compile errors and rustdoc) only.
        for kind in ErrorKind::ALL {
            let hint = kind.hint();
            for api in [
                "Policy::",
                "BindAddr",
                "bind_addr!",
                "ip_net!",
                "Scope::",
                "std feature",
                "()",
            ] {
                assert!(!hint.contains(api), "{}: {hint}", kind.name());
            }
        }
        assert!(ErrorKind::Wildcard.code_hint().contains("allow_wildcard"));
    }

    #[test]
    fn every_kind_has_a_unique_name_and_a_whole_message() {
        let mut names: alloc::vec::Vec<&str> = ErrorKind::ALL.iter().map(ErrorKind::name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "two kinds share a name");
        for kind in ErrorKind::ALL {
            let name = kind.name();
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
            assert!(
                !kind.problem().is_empty() && !kind.hint().is_empty(),
                "{name}"
            );
            let message = kind.message();
            assert!(
                message.starts_with(&alloc::format!("this {} ", kind.subject())),
                "{message}"
            );
            assert!(
                message.contains(kind.problem()) && message.ends_with(kind.code_hint()),
                "{message}"
            );
            assert!(!message.chars().any(char::is_control), "{name}");
        }
    }

    #[test]
    fn classes_and_subjects_come_from_the_table() {
        let refusals: alloc::vec::Vec<&str> = ErrorKind::ALL
            .iter()
            .filter(|k| k.is_refusal())
            .map(ErrorKind::name)
            .collect();
        assert_eq!(
            refusals,
            [
                "wildcard",
                "not_loopback",
                "not_local_network",
                "multicast",
                "broadcast",
                "scope_not_allowed",
                "denied_network",
                "abstract_socket",
                "port_zero"
            ]
        );
        let networks: alloc::vec::Vec<&str> = ErrorKind::ALL
            .iter()
            .filter(|k| k.subject() == "network")
            .map(ErrorKind::name)
            .collect();
        assert_eq!(networks, ["invalid_network", "prefix_length", "host_bits"]);
        assert!(ErrorKind::ALL.contains(&ErrorKind::ScopeNotAllowed(Scope::Global)));
    }

    #[test]
    fn kinds_by_variant_name() {
        assert_eq!(
            ErrorKind::from_variant_name("NotLoopback"),
            Some(ErrorKind::NotLoopback)
        );
        assert_eq!(ErrorKind::from_variant_name("ScopeNotAllowed"), None);
        assert_eq!(ErrorKind::from_variant_name("not_loopback"), None);
        for kind in ErrorKind::ALL {
            let variant = alloc::format!("{kind:?}");
            if !variant.contains('(') {
                assert_eq!(ErrorKind::from_variant_name(&variant), Some(*kind));
            }
        }
    }
}
