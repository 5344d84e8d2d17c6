//! Command lines in configs: a Dockerfile's `CMD`/`ENTRYPOINT`, a Compose service's
//! `command`, a Kubernetes container's `args`, a systemd unit's `ExecStart`.
//!
//! A flag whose name says listen/bind/host/address (`--host 0.0.0.0`,
//! `--bind-address=0.0.0.0`, `-b 0.0.0.0:8000`) set to the wildcard is high; so is a
//! wildcard with a port anywhere on the line (`runserver 0.0.0.0:8000`,
//! `--metrics=[::]:9090`): clients do not connect to `0.0.0.0:PORT`. A bare wildcard
//! host after another flag, or on its own, is a lead (low).

use super::super::classify::Spelling;
use super::super::{Confidence, Finding, Position, RuleId, shorten};
use super::finding;
use super::keys::{self, KeyClass};
use super::value;

/// One word of a command line and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub(crate) text: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// Splits words that hold several (`["sh", "-c", "app --host 0.0.0.0"]`, a Compose
/// `command: app --host 0.0.0.0`) at white space; a piece keeps its place on the line.
fn pieces(words: &[Word]) -> Vec<Word> {
    let mut out = Vec::new();
    for word in words {
        let mut current: Option<Word> = None;
        for (column, c) in (word.column..).zip(word.text.chars()) {
            if c.is_whitespace() || c == ';' || c == '\'' || c == '"' {
                out.extend(current.take());
            } else {
                current
                    .get_or_insert_with(|| Word {
                        text: String::new(),
                        line: word.line,
                        column,
                    })
                    .text
                    .push(c);
            }
        }
        out.extend(current);
    }
    out
}

/// Single-letter flags that bind: `gunicorn -b`, `-l` (listen).
const BIND_LETTERS: &[&str] = &["b", "l"];

fn flag_class(name: &str) -> KeyClass {
    if BIND_LETTERS.contains(&name) {
        return KeyClass::Listen;
    }
    keys::class(name)
}

/// Findings in a command line; `context` names it for the message (`CMD`, `command`).
pub(crate) fn scan(words: &[Word], context: &str, findings: &mut Vec<Finding>) {
    let words = pieces(words);
    let mut consumed = None;
    for (i, word) in words.iter().enumerate() {
        if consumed == Some(i) {
            continue;
        }
        let text = word.text.as_str();
        if let Some(flag) = text.strip_prefix('-') {
            let flag = flag.trim_start_matches('-');
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name, Some((value, word, name.len() + 1))),
                None => (
                    flag,
                    words
                        .get(i + 1)
                        .filter(|next| !next.text.starts_with('-'))
                        .map(|next| (next.text.as_str(), next, 0)),
                ),
            };
            let Some((value_text, at, skip)) = value else {
                continue;
            };
            let Some(spelling) = value::wildcard(value_text, true) else {
                continue;
            };
            if skip == 0 {
                consumed = Some(i + 1);
            }
            let confidence = match (flag_class(name), spelling) {
                (KeyClass::Listen | KeyClass::Host, _)
                | (
                    _,
                    Spelling::SocketAddr
                    | Spelling::Prefix
                    | Spelling::Multiaddr
                    | Spelling::Argument,
                ) => Confidence::High,
                (KeyClass::Other, Spelling::Host) => Confidence::Low,
            };
            // The column of the value: after `--name=` when it is in the same word.
            let dashes = text.len() - flag.len();
            let column = at.column + if skip > 0 { dashes + skip } else { 0 };
            findings.push(argument(
                confidence,
                at.line,
                column,
                value_text,
                format!(
                    "{context}: `-{}{} {}` is {}: the server listens on every interface",
                    if dashes > 1 { "-" } else { "" },
                    shorten(name, 60),
                    shorten(value_text, 60),
                    spelling.describe()
                ),
            ));
        } else if let Some(spelling) = value::wildcard(text, true) {
            let confidence = match spelling {
                Spelling::SocketAddr
                | Spelling::Prefix
                | Spelling::Multiaddr
                | Spelling::Argument => Confidence::High,
                Spelling::Host => Confidence::Low,
            };
            findings.push(argument(
                confidence,
                word.line,
                word.column,
                text,
                format!(
                    "{context}: the argument `{}` is {}: a server given it listens on every interface",
                    shorten(text, 60),
                    spelling.describe()
                ),
            ));
        }
    }
}

fn argument(
    confidence: Confidence,
    line: usize,
    column: usize,
    value: &str,
    message: String,
) -> Finding {
    finding(
        RuleId::ArgumentWildcard,
        confidence,
        Position::of(line, column, value),
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        vec![Word {
            text: text.to_owned(),
            line: 1,
            column: 1,
        }]
    }

    fn found(text: &str) -> Vec<(Confidence, usize)> {
        let mut findings = Vec::new();
        scan(&words(text), "CMD", &mut findings);
        findings
            .iter()
            .map(|f| (f.confidence, f.position.column))
            .collect()
    }

    #[test]
    fn flags_and_values() {
        use Confidence::{High, Low};
        assert_eq!(
            found("uvicorn app:app --host 0.0.0.0 --port 80"),
            [(High, 24)]
        );
        assert_eq!(found("kube --bind-address=0.0.0.0"), [(High, 21)]);
        assert_eq!(found("gunicorn -b 0.0.0.0:8000 app"), [(High, 13)]);
        assert_eq!(found("gunicorn -b=[::]:8000"), [(High, 13)]);
        assert_eq!(found("manage.py runserver 0.0.0.0:8000"), [(High, 21)]);
        assert_eq!(found("--metrics [::]:9090"), [(High, 11)]);
        assert_eq!(found("route add 0.0.0.0"), [(Low, 11)]);
        assert_eq!(found("--gateway 0.0.0.0"), [(Low, 11)]);
        assert_eq!(found("dockerd -H tcp://0.0.0.0:2375"), [(High, 12)]);
        assert_eq!(found("app --listen=0.0.0.0:$PORT"), [(High, 14)]);
        assert_eq!(found("app --host 127.0.0.1 --port 0"), []);
        assert_eq!(found("sh -c 'exec app --host=0.0.0.0'"), [(High, 24)]);
        assert_eq!(found("--host"), []);
    }
}
