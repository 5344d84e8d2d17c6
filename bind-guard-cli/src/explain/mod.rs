//! `bind-guard explain ADDR`: what binding an address means, for operators.
//!
//! The input is read (`subject`), the facts about it are worked out once (`facts`), and
//! printed as text (`render`) or as JSON (`json`).

mod facts;
mod json;
mod render;
mod subject;
#[cfg(unix)]
mod unix;

use bind_guard::BindError;

use self::facts::Facts;
use self::json::InvalidJson;
use self::render::port_in_bare_ipv6;
use self::subject::Subject;
use crate::format::FormatArgs;
use crate::json::ErrorJson;
use crate::{EXIT_OK, EXIT_UNUSABLE, Outcome};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A socket address (127.0.0.1:8080, [::]:8080), a bare IP address (0.0.0.0, ::1), or a
    /// Unix socket (unix:/run/app.sock, unix:@name)
    #[arg(value_name = "ADDR")]
    addr: String,
    #[command(flatten)]
    output: FormatArgs,
}

pub(crate) fn run(args: &ExplainArgs) -> Outcome {
    #[cfg(unix)]
    if let Some(outcome) = unix::explain(&args.addr, args.output.is_json(), |err| {
        not_an_address(args, err)
    }) {
        return outcome;
    }
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
    if args.output.is_json() {
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
    if args.output.is_json() {
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
