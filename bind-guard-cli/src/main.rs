//! `bind-guard`: check, explain, audit and scan bind addresses from the shell.
//!
//! Installed with `cargo install bind-guard-cli` (or `--path bind-guard-cli` in the
//! repository), which also installs `cargo-bind-guard`, so that `cargo bind-guard scan`
//! works. Every verdict on an address is made by the `bind-guard` library; this binary
//! parses arguments, gathers facts (audit: the kernel's `sock_diag` and rtnetlink, with
//! `/proc/net` as a fallback, in every network namespace; scan: the files it is given),
//! and prints.
//!
//! ```text
//! bind-guard check ADDR[,ADDR…] [--policy POLICY] [--allow-wildcard] [--format text|json]
//! bind-guard explain ADDR [--format text|json]
//! bind-guard audit [--policy POLICY] [--allow-wildcard] [--baseline FILE]
//!                  [--format text|json|openmetrics]                          (Linux)
//! bind-guard scan [PATH…] [--min-confidence low|high] [--baseline FILE]
//!                 [--format text|json|sarif]
//! ```
//!
//! `--json` is accepted everywhere as the older spelling of `--format json`.
//!
//! # Exit codes
//!
//! | code | `check` | `explain` | `audit` | `scan` |
//! | --- | --- | --- | --- | --- |
//! | 0 | the address is allowed | the input is an address (whatever the policies say) | nothing (new) is refused | no finding (new) |
//! | 1 | a valid address that the policy refuses | — | a socket or published port is refused, or a namespace is unreadable | findings |
//! | 2 | not an address at all, or a usage error | not an address, or a usage error | socket tables unreadable, a bad baseline, not Linux, or a usage error | unreadable input, or a usage error |
//!
//! # Policies
//!
//! `--policy` takes the library's policy text (`Policy`'s `FromStr`): a base —
//! `default` (everything but the wildcard), `loopback`, `local` or `nothing` — then
//! options such as `allow_wildcard`, `deny_port_zero`, `allow_scope=private`,
//! `allow=CIDR`, `deny=CIDR`; for example `local,deny=10.99.0.0/16` or
//! `default,allow_wildcard`. `--allow-wildcard` adds the wildcard to any of them.
//!
//! # JSON output (`--format json`)
//!
//! The schema of the JSON output of `check`, `explain` and `audit` is in `JSON.md`
//! beside this package's manifest, included here; `scan`'s keys (and its SARIF) are
//! documented where they are written, in `scan/output.rs` and `scan/sarif.rs`.
#![doc = include_str!("../JSON.md")]
// The `///` comments on clap arguments are the command's help text, which writes
// addresses such as `[::1]:8080` as they are typed, not as rustdoc links.
#![allow(rustdoc::broken_intra_doc_links)]

mod audit;
mod check;
mod explain;
mod format;
mod json;
mod scan;

use std::io::{self, Write};
use std::process::ExitCode;

use bind_guard::Policy;
use clap::{Parser, Subcommand};

/// Check, explain, audit and scan server bind addresses (127.0.0.1 vs 0.0.0.0).
#[derive(Debug, Parser)]
#[command(
    name = "bind-guard",
    version,
    about = "Check, explain, audit and scan server bind addresses (127.0.0.1 vs 0.0.0.0)",
    long_about = "Check, explain, audit and scan server bind addresses.\n\n\
        127.0.0.1 and ::1 are loopback: only this machine can connect (unless \
        net.ipv4.conf.*.route_localnet is 1, which opens IPv4 loopback to neighbours; \
        explain and audit warn about it). 0.0.0.0 and [::] are \
        the wildcard: the server listens on every interface and every network this host is \
        on can reach it. bind-guard refuses the wildcard unless you opt in.",
    after_help = "Exit codes: 0 allowed (scan: no finding), 1 refused by the policy (scan: \
        findings), 2 unusable input or a usage error.\n\
        See 'bind-guard help <COMMAND>' for more."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one bind address against a policy (for scripts and entrypoints)
    #[command(
        long_about = "Check one bind address against a policy.\n\n\
            Prints the address in canonical form on stdout and exits 0 when the policy allows \
            it; prints why on stderr and exits 1 when the policy refuses it; exits 2 when the \
            text is not a socket address at all (such as 127.1:80, :8080 or localhost:80). \
            Host names are not resolved. iface:NAME:PORT, iface:NAME/ipv4:PORT and \
            iface:NAME/ipv6:PORT stand for the addresses of a network interface, looked up \
            now; an unknown interface exits 2.",
        after_help = "Examples:\n  \
            bind-guard check \"$BIND_ADDR\" || exit 1\n  \
            bind-guard check 0.0.0.0:8080 --allow-wildcard\n  \
            bind-guard check iface:eth0/ipv4:8080 --policy local\n  \
            bind-guard check 10.0.0.5:5432 --policy local --format json"
    )]
    Check(check::CheckArgs),
    /// Explain what binding an address means: scope, registry entry, dual-stack notes
    #[command(
        long_about = "Explain what binding an address means.\n\n\
            Accepts a socket address (127.0.0.1:8080, [::]:8080) or a bare IP address \
            (0.0.0.0, ::1). Prints its scope, the IANA special-purpose registry entry and RFC \
            behind it, whether it is the wildcard, dual-stack and IPv4-mapped notes, and the \
            verdict of each policy. Exits 0 for any address, 2 when the input is not one \
            (and says why).",
        after_help = "Examples:\n  \
            bind-guard explain 0.0.0.0:8080\n  \
            bind-guard explain '[::]:8080'\n  \
            bind-guard explain ::ffff:127.0.0.1 --format json"
    )]
    Explain(explain::ExplainArgs),
    /// List this host's listening sockets and check each against a policy (Linux)
    #[command(
        long_about = "List every listening TCP socket, bound UDP socket, Unix socket and \
            published port (DNAT rules of nftables and iptables, docker-proxy) and check \
            each against a policy. As root every network namespace of the host is read \
            (containers included), each named; --this-namespace reads only this one. Each \
            socket shows its owning processes, the device it is restricted to (named in its \
            own namespace), IPV6_V6ONLY, its scope and the verdict, then the host settings \
            that change exposure (route_localnet, bindv6only, ip_forward). Exits 1 when \
            anything is refused or a namespace cannot be read. Reads the kernel's sock_diag \
            netlink interface, or /proc/net where that is unavailable (it says which): \
            Linux only.",
        after_help = "Examples:\n  \
            bind-guard audit\n  \
            bind-guard audit --policy loopback --format json > baseline.json\n  \
            bind-guard audit --baseline baseline.json\n  \
            bind-guard audit --format openmetrics > /var/lib/node_exporter/bind_guard.prom"
    )]
    Audit(audit::AuditArgs),
    /// Find wildcard binds (0.0.0.0, [::]) in Rust source and config files
    #[command(
        long_about = "Find wildcard binds in Rust source (.rs) and the config files next to it \
            (Docker Compose, Kubernetes, systemd units, Dockerfiles, .env, Rocket.toml and an \
            application's YAML/TOML/JSON listen, bind, host and address keys).\n\n\
            A finding is high confidence when the wildcard is a listening address by its value \
            (a wildcard with a port, a multiaddr) or by the shape of its use (a call or field \
            named for listening or binding, a default, a config's listen key), and low \
            otherwise. Comparisons, connects, logs and asserts are not findings. Suppress one \
            with a comment at the end of its line or alone on the line before: \
            // bind-guard: allow-wildcard <reason>. Exits 0 with no finding, 1 with findings, \
            2 on a usage error or unreadable input; a file that does not parse is reported \
            and skipped.",
        after_help = "Examples:\n  \
            bind-guard scan\n  \
            bind-guard scan src Rocket.toml --format json\n  \
            bind-guard scan . --format sarif > bind-guard.sarif"
    )]
    Scan(scan::ScanArgs),
}

/// `--policy` and `--allow-wildcard`, shared by `check` and `audit`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PolicyArgs {
    /// The policy to check against, in the library's text form: a base (default,
    /// loopback, local or nothing), then options such as allow_wildcard, deny_port_zero,
    /// allow_scope=private, allow=CIDR, deny=CIDR (for example local,deny=10.99.0.0/16)
    #[arg(long, value_name = "POLICY", default_value = "default")]
    pub(crate) policy: Policy,
    /// Allow the wildcard (0.0.0.0, [::]) on top of the policy
    #[arg(long)]
    pub(crate) allow_wildcard: bool,
}

impl PolicyArgs {
    /// The library policy these arguments select.
    pub(crate) fn policy(&self) -> Policy {
        if self.allow_wildcard {
            self.policy.clone().allow_wildcard()
        } else {
            self.policy.clone()
        }
    }

    /// The policy as given to `--policy`, in its canonical text form.
    pub(crate) fn name(&self) -> String {
        self.policy.to_string()
    }

    /// How an error tells the user of this command to accept the wildcard, or nothing
    /// when it is accepted already.
    pub(crate) fn source(&self, label: &str) -> bind_guard::Source {
        let source = bind_guard::Source::new(label);
        if self.policy().allows_wildcard() {
            source
        } else {
            source.with_wildcard_opt_in("pass --allow-wildcard")
        }
    }
}

/// What a command produced: its exit code and its text for stdout and stderr. The
/// commands build this instead of printing, so that printing errors (a closed pipe) are
/// handled in one place and the commands stay easy to read.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) code: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Exit code: allowed (or nothing to report).
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: a valid address that the policy refuses.
pub(crate) const EXIT_REFUSED: u8 = 1;
/// Exit code: unusable input or an environment the command cannot work in.
pub(crate) const EXIT_UNUSABLE: u8 = 2;

impl Outcome {
    /// An outcome that prints one JSON document on stdout.
    pub(crate) fn json(code: u8, value: &impl serde::Serialize) -> Outcome {
        match serde_json::to_string_pretty(value) {
            Ok(mut text) => {
                text.push('\n');
                Outcome {
                    code,
                    stdout: text,
                    stderr: String::new(),
                }
            }
            // Our types serialize to JSON infallibly (plain structs, string keys); this is
            // for completeness, not an expected path.
            Err(err) => Outcome::error(format!("cannot write JSON: {err}")),
        }
    }

    /// An outcome that prints `error: MESSAGE` on stderr and exits 2.
    pub(crate) fn error(message: impl std::fmt::Display) -> Outcome {
        Outcome {
            code: EXIT_UNUSABLE,
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
        }
    }
}

fn main() -> ExitCode {
    // clap prints help and version on stdout with exit code 0, and usage errors on
    // stderr with exit code 2: the convention `check` follows for unusable input too.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version hold no one else's text: clap prints them, in color.
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => return ExitCode::from(emit(clap_outcome(&err))),
    };
    let outcome = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Scan(args) => scan::run(args),
    };
    ExitCode::from(emit(outcome))
}

/// What clap would print for a usage error, with the same exit code, on stderr, but plain
/// (no colors) and through the one escaping rule: a usage error quotes the argument it
/// refused, which may hold terminal controls.
fn clap_outcome(err: &clap::Error) -> Outcome {
    let rendered = err.render().to_string();
    let text: String = rendered
        .split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(line) => format!("{}\n", bind_guard::Escaped::new(line)),
            None => bind_guard::Escaped::new(line).to_string(),
        })
        .collect();
    Outcome {
        code: u8::try_from(err.exit_code()).unwrap_or(EXIT_UNUSABLE),
        stdout: String::new(),
        stderr: text,
    }
}

/// Writes an outcome and returns the exit code to use.
fn emit(outcome: Outcome) -> u8 {
    let written = write_all(&mut io::stdout().lock(), &outcome.stdout)
        .and_then(|()| write_all(&mut io::stderr().lock(), &outcome.stderr));
    match written {
        Ok(()) => outcome.code,
        // `bind-guard audit | head` closes the pipe early: not worth a message, and the
        // verdict (the exit code) is still the right one.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => outcome.code,
        Err(err) => {
            // Nowhere left to report it but stderr, which may be what failed.
            let _ = writeln!(io::stderr(), "error: cannot write output: {err}");
            EXIT_UNUSABLE
        }
    }
}

fn write_all(out: &mut impl Write, text: &str) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn allow_wildcard_widens_the_policy_by_the_wildcard_alone() {
        let wildcard = "0.0.0.0:80".parse().unwrap();
        let private = "10.0.0.1:80".parse().unwrap();
        let widened = PolicyArgs {
            policy: Policy::loopback(),
            allow_wildcard: true,
        };
        assert!(widened.policy().allows(wildcard));
        assert!(!widened.policy().allows(private));
    }
}
