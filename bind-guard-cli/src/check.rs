//! `bind-guard check ADDR`: one address, or a list, against one policy, for scripts.

use std::net::SocketAddr;

use bind_guard::{BindError, BindSet, ErrorKind, Policy};
use serde::Serialize;

use crate::json::ErrorJson;
use crate::{EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE, Outcome, PolicyArgs};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The bind address, or a comma-separated list, as an application reads it:
    /// 127.0.0.1:8080, [::1]:8080, localhost:8080 (both loopback addresses); other host
    /// names are not resolved
    #[arg(value_name = "ADDR")]
    addr: String,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Print one JSON object on stdout instead of text
    #[arg(long)]
    json: bool,
}

/// The JSON document of `check` (schema in the crate docs).
#[derive(Debug, Serialize)]
struct CheckJson<'a> {
    input: &'a str,
    policy: String,
    allow_wildcard: bool,
    valid: bool,
    allowed: bool,
    addresses: Vec<String>,
    address: Option<String>,
    ip: Option<String>,
    port: Option<u16>,
    scope: Option<&'static str>,
    wildcard: Option<bool>,
    error: Option<ErrorJson>,
}

pub(crate) fn run(args: &CheckArgs) -> Outcome {
    let policy = args.policy.policy();
    // What an application with this policy reads: BindSet::parse, as `Listen` uses it.
    let verdict = BindSet::parse(&policy, &args.addr)
        .map_err(|err| err.with_source(args.policy.source("ADDR")));
    let code = match &verdict {
        Ok(_) => EXIT_OK,
        Err(err) if err.kind().is_refusal() => EXIT_REFUSED,
        Err(_) => EXIT_UNUSABLE,
    };
    if args.json {
        let addrs = socket_addrs(&args.addr).unwrap_or_default();
        let one = match addrs.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let doc = CheckJson {
            input: &args.addr,
            policy: args.policy.name(),
            allow_wildcard: policy.allows_wildcard(),
            valid: !addrs.is_empty(),
            allowed: verdict.is_ok(),
            addresses: addrs.iter().map(ToString::to_string).collect(),
            address: one.map(|a| a.to_string()),
            ip: one.map(|a| a.ip().to_string()),
            port: one.map(|a| a.port()),
            scope: one.map(|a| bind_guard::Scope::of(a.ip()).name()),
            wildcard: one.map(|a| bind_guard::Scope::of(a.ip()) == bind_guard::Scope::Unspecified),
            error: verdict.as_ref().err().map(ErrorJson::new),
        };
        return Outcome::json(code, &doc);
    }
    match verdict {
        Ok(set) => Outcome {
            code,
            stdout: format!("{set}\n"),
            stderr: String::new(),
        },
        Err(err) => Outcome {
            code,
            stdout: String::new(),
            stderr: refusal_text(&err, args),
        },
    }
}

/// The text on stderr: the library's sentence, and for a refusal which policy refused.
fn refusal_text(err: &BindError, args: &CheckArgs) -> String {
    let mut text = format!("error: {err}\n");
    if err.kind().is_refusal() {
        let wildcard = if args.policy.allow_wildcard {
            " with --allow-wildcard"
        } else {
            ""
        };
        // The refused item is a valid address, so it holds nothing but address
        // characters and is safe to echo unescaped.
        text.push_str(&format!(
            "\nnote: refused by the '{}' policy{wildcard}; 'bind-guard explain {}' says what binding it means\n",
            args.policy.name(),
            shell_word(err.input())
        ));
        if err.kind() == ErrorKind::Wildcard {
            // The library's hint names its API; on the command line the opt-in is a flag.
            // Never a wider policy: `--policy default,allow_wildcard` on a narrower base would open more.
            text.push_str(&format!(
                "note: to accept the wildcard here, pass --allow-wildcard: it adds the \
                 wildcard, and nothing else, to the '{}' policy\n",
                args.policy.name()
            ));
        }
    }
    text
}

/// The addresses a list denotes (`localhost:PORT` is both loopback addresses),
/// whatever any policy says; `None` when it is not a list of addresses.
pub(crate) fn socket_addrs(text: &str) -> Option<Vec<SocketAddr>> {
    BindSet::parse(&Policy::new().allow_wildcard(), text)
        .ok()
        .map(|set| set.iter().map(|addr| *addr.as_socket_addr()).collect())
}

/// `text` quoted for a POSIX shell when it holds anything but address characters
/// (brackets are glob characters in some shells, so IPv6 gets quotes too).
pub(crate) fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_'));
    if plain && !text.is_empty() {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("0.0.0.0:80"), "0.0.0.0:80");
        assert_eq!(shell_word("[::]:80"), "'[::]:80'");
        assert_eq!(shell_word("a'b"), r"'a'\''b'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn valid_means_what_the_library_parses() {
        assert!(socket_addrs("0.0.0.0:80").is_some());
        assert!(socket_addrs("[::ffff:0.0.0.0]:80").is_some());
        assert!(socket_addrs("8.8.8.8:53").is_some());
        assert!(socket_addrs("127.1:80").is_none());
        assert!(socket_addrs(":80").is_none());
        assert_eq!(socket_addrs("localhost:80").map(|a| a.len()), Some(2));
        assert_eq!(
            socket_addrs("127.0.0.1:1, [::1]:2").map(|a| a.len()),
            Some(2)
        );
        assert!(socket_addrs("127.0.0.1:1,").is_none());
    }
}
