//! `bind-guard check ADDR`: one address against one policy, for scripts.

use std::net::SocketAddr;

use bind_guard::{BindError, ErrorKind, Policy};
use serde::Serialize;

use crate::json::ErrorJson;
use crate::{EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE, Outcome, PolicyArgs};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The bind address, such as 127.0.0.1:8080 or [::1]:8080 (host names are not resolved)
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
    policy: &'static str,
    allow_wildcard: bool,
    valid: bool,
    allowed: bool,
    address: Option<String>,
    ip: Option<String>,
    port: Option<u16>,
    scope: Option<&'static str>,
    wildcard: Option<bool>,
    error: Option<ErrorJson>,
}

pub(crate) fn run(args: &CheckArgs) -> Outcome {
    let policy = args.policy.policy();
    let verdict = policy.parse(&args.addr);
    let code = match &verdict {
        Ok(_) => EXIT_OK,
        Err(err) if err.kind().is_refusal() => EXIT_REFUSED,
        Err(_) => EXIT_UNUSABLE,
    };
    if args.json {
        let addr = socket_addr(&args.addr);
        let doc = CheckJson {
            input: &args.addr,
            policy: args.policy.policy.name(),
            allow_wildcard: policy.allows_wildcard(),
            valid: addr.is_some(),
            allowed: verdict.is_ok(),
            address: addr.map(|a| a.to_string()),
            ip: addr.map(|a| a.ip().to_string()),
            port: addr.map(|a| a.port()),
            scope: addr.map(|a| bind_guard::Scope::of(a.ip()).name()),
            wildcard: addr.map(|a| bind_guard::Scope::of(a.ip()) == bind_guard::Scope::Unspecified),
            error: verdict.as_ref().err().map(ErrorJson::new),
        };
        return Outcome::json(code, &doc);
    }
    match verdict {
        Ok(addr) => Outcome {
            code,
            stdout: format!("{addr}\n"),
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
    // Only a refusal gets here with a valid address, so `args.addr` holds nothing but
    // address characters and is safe to echo unescaped.
    if err.kind().is_refusal() {
        let wildcard = if args.policy.allow_wildcard {
            " with --allow-wildcard"
        } else {
            ""
        };
        text.push_str(&format!(
            "\nnote: refused by the '{}' policy{wildcard}; 'bind-guard explain {}' says what binding it means\n",
            args.policy.policy.name(),
            shell_word(&args.addr)
        ));
        if err.kind() == ErrorKind::Wildcard {
            // The library's hint names its API; on the command line the opt-in is a flag.
            // Never a wider policy: `--policy any` would open every global address too.
            text.push_str(&format!(
                "note: to accept the wildcard here, pass --allow-wildcard: it adds the \
                 wildcard, and nothing else, to the '{}' policy\n",
                args.policy.policy.name()
            ));
        }
    }
    text
}

/// The address the text denotes, whatever any policy says; `None` when it is not a
/// socket address. Parsed by the library with a policy that allows everything, so
/// "valid" means exactly what the library accepts.
pub(crate) fn socket_addr(text: &str) -> Option<SocketAddr> {
    Policy::new()
        .allow_wildcard()
        .parse(text)
        .ok()
        .map(|addr| *addr.as_socket_addr())
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
        assert!(socket_addr("0.0.0.0:80").is_some());
        assert!(socket_addr("[::ffff:0.0.0.0]:80").is_some());
        assert!(socket_addr("8.8.8.8:53").is_some());
        assert!(socket_addr("127.1:80").is_none());
        assert!(socket_addr(":80").is_none());
    }
}
