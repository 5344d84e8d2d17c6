//! `bind-guard check ADDR`: one address, or a list, against one policy, for scripts.

use bind_guard::{BindError, BindSet, ErrorKind, ListenAddr, Policy};
use serde::Serialize;

use crate::format::FormatArgs;
use crate::json::ErrorJson;
use crate::{EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE, Outcome, PolicyArgs};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The bind address, or a comma-separated list, as an application reads it:
    /// 127.0.0.1:8080, [::1]:8080, localhost:8080 (both loopback addresses), a Unix
    /// socket unix:/run/app.sock (or unix:@name, refused unless the policy has
    /// allow_abstract); other host names are not resolved
    #[arg(value_name = "ADDR")]
    addr: String,
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    output: FormatArgs,
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
    unix_path: Option<String>,
    unix_abstract: Option<String>,
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
    if args.output.is_json() {
        let entries = entries(&args.addr).unwrap_or_default();
        let (one, one_unix) = match entries.as_slice() {
            [ListenAddr::Ip(one)] => (Some(*one.as_socket_addr()), None),
            [ListenAddr::Unix(unix)] => (None, Some(unix)),
            _ => (None, None),
        };
        let doc = CheckJson {
            input: &args.addr,
            policy: args.policy.name(),
            allow_wildcard: policy.allows_wildcard(),
            valid: !entries.is_empty(),
            allowed: verdict.is_ok(),
            addresses: entries.iter().map(ToString::to_string).collect(),
            address: one
                .map(|a| a.to_string())
                .or_else(|| one_unix.map(ToString::to_string)),
            ip: one.map(|a| a.ip().to_string()),
            port: one.map(|a| a.port()),
            scope: one.map(|a| bind_guard::Scope::of(a.ip()).name()),
            wildcard: one.map(|a| bind_guard::Scope::of(a.ip()) == bind_guard::Scope::Unspecified),
            unix_path: one_unix.and_then(|u| u.path()).map(str::to_owned),
            unix_abstract: one_unix.and_then(|u| u.abstract_name()).map(str::to_owned),
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
        // The refused item is a valid address; an abstract Unix socket's name may hold
        // any printable text, so it is quoted and escaped like any other echo.
        text.push_str(&format!(
            "\nnote: refused by the '{}' policy{wildcard}; 'bind-guard explain {}' says what binding it means\n",
            args.policy.name(),
            bind_guard::Escaped::new(&shell_word(err.input()))
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

/// The entries a list denotes (`localhost:PORT` is both loopback addresses, Unix
/// sockets included), whatever any policy says; `None` when it is not such a list.
pub(crate) fn entries(text: &str) -> Option<Vec<ListenAddr>> {
    BindSet::parse(&Policy::new().allow_wildcard().allow_abstract(), text)
        .ok()
        .map(|set| set.endpoints().to_vec())
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
        assert!(entries("0.0.0.0:80").is_some());
        assert!(entries("[::ffff:0.0.0.0]:80").is_some());
        assert!(entries("8.8.8.8:53").is_some());
        assert!(entries("127.1:80").is_none());
        assert!(entries(":80").is_none());
        assert_eq!(entries("localhost:80").map(|a| a.len()), Some(2));
        assert_eq!(entries("127.0.0.1:1, [::1]:2").map(|a| a.len()), Some(2));
        assert!(entries("127.0.0.1:1,").is_none());
        // Unix sockets are entries too, abstract ones included (a policy judges them).
        assert_eq!(
            entries("unix:/run/a.sock,127.0.0.1:1,unix:@n").map(|a| a.len()),
            Some(3)
        );
        assert!(entries("unix:run/a.sock").is_none());
    }
}
