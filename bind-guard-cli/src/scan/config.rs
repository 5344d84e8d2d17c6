//! Config files next to the code: `Rocket.toml`, `.env`, Docker Compose files.
//!
//! Each is read line by line (no full TOML or YAML parser): the scanner looks for the
//! few keys that set a listening address, and a value is the wildcard when the
//! library's parser says so ([`classify::literal`]).

use super::classify::{self, Spelling};
use super::{Confidence, Finding, Position, RuleId, shorten};

/// The kinds of config file `scan` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConfigKind {
    /// `Rocket.toml`: `address = "…"` in any profile.
    Rocket,
    /// `.env`, `.env.production`, …: `KEY=VALUE` lines.
    DotEnv,
    /// `docker-compose.yml`, `compose.yaml`, `docker-compose.prod.yml`, …: `ports:`.
    Compose,
}

impl ConfigKind {
    /// The kind of a file, from its name.
    pub(crate) fn of(file_name: &str) -> Option<ConfigKind> {
        let yaml = file_name.ends_with(".yml") || file_name.ends_with(".yaml");
        if file_name == "Rocket.toml" {
            Some(ConfigKind::Rocket)
        } else if file_name == ".env" || file_name.starts_with(".env.") {
            Some(ConfigKind::DotEnv)
        } else if yaml
            && (file_name.starts_with("docker-compose") || file_name.starts_with("compose"))
        {
            Some(ConfigKind::Compose)
        } else {
            None
        }
    }

    /// Findings in a file of this kind.
    pub(crate) fn scan(self, text: &str) -> Vec<Finding> {
        match self {
            ConfigKind::Rocket => rocket(text),
            ConfigKind::DotEnv => dot_env(text),
            ConfigKind::Compose => compose(text),
        }
    }
}

/// Columns are counted in characters (SARIF `unicodeCodePoints`), from 1.
fn column(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(0, |before| before.chars().count()) + 1
}

fn finding(
    rule: RuleId,
    confidence: Confidence,
    line_no: usize,
    line: &str,
    start: usize,
    value: &str,
    message: String,
) -> Finding {
    let column = column(line, start);
    Finding {
        rule,
        confidence,
        position: Position {
            line: line_no,
            column,
            end_line: line_no,
            end_column: column + value.chars().count(),
        },
        message,
    }
}

/// A value without its quotes, and the byte offset of the value in `raw`.
fn unquote(raw: &str) -> (&str, usize) {
    for quote in ['"', '\''] {
        if let Some((inner, end)) = raw
            .strip_prefix(quote)
            .and_then(|inner| Some((inner, inner.find(quote)?)))
        {
            return (inner.get(..end).unwrap_or(inner), 1);
        }
    }
    // Unquoted: up to a comment.
    let end = raw.find(" #").unwrap_or(raw.len());
    (raw.get(..end).unwrap_or(raw).trim_end(), 0)
}

/// The byte offset of `part` inside `whole` (both from the same string).
fn offset(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// `KEY = VALUE` and `KEY=VALUE`: `(key, value without quotes, value's byte offset)`.
fn key_value(line: &str, separator: char) -> Option<(&str, &str, usize)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let (key, rest) = trimmed.split_once(separator)?;
    let raw = rest.trim_start();
    let (value, quote) = unquote(raw);
    Some((key.trim(), value, offset(line, raw) + quote))
}

fn rocket(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((key, value, start)) = key_value(line, '=') else {
            continue;
        };
        if key != "address" && !key.ends_with(".address") {
            continue;
        }
        if let Some(spelling) = classify::literal(value) {
            findings.push(finding(
                RuleId::ConfigWildcard,
                Confidence::High,
                i + 1,
                line,
                start,
                value,
                format!(
                    "Rocket's `{key}` is {}: the server listens on every interface",
                    spelling.describe()
                ),
            ));
        }
    }
    findings
}

/// Whether an environment variable's name says it holds a listening address.
fn is_address_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    ["HOST", "ADDR", "BIND", "LISTEN"]
        .iter()
        .any(|k| key.contains(k))
}

fn dot_env(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((key, value, start)) = key_value(line, '=') else {
            continue;
        };
        let key = key.strip_prefix("export ").map_or(key, str::trim);
        let Some(spelling) = classify::literal(value) else {
            continue;
        };
        let confidence = if is_address_key(key) {
            Confidence::High
        } else {
            Confidence::Low
        };
        findings.push(finding(
            RuleId::ConfigWildcard,
            confidence,
            i + 1,
            line,
            start,
            value,
            format!(
                "{key} is {}: a server listening on it serves every interface",
                spelling.describe()
            ),
        ));
    }
    findings
}

/// Leading spaces of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn compose(text: &str) -> Vec<Finding> {
    let lines: Vec<&str> = text.lines().collect();
    let mut findings = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        i += 1;
        let trimmed = line.trim();
        let Some(rest) = trimmed.strip_prefix("ports:") else {
            continue;
        };
        let rest = rest.trim();
        if let Some(flow) = rest.strip_prefix('[') {
            // `ports: ["8080:80", "443:443"]`
            let inner = flow.split(']').next().unwrap_or(flow);
            for item in inner.split(',') {
                let item = item.trim();
                if !item.is_empty() {
                    short_port(&mut findings, i, line, item);
                }
            }
            continue;
        }
        let ports_indent = indent(line);
        // The list items below `ports:`.
        while let Some(item_line) = lines.get(i) {
            let item_trimmed = item_line.trim();
            if item_trimmed.is_empty() || item_trimmed.starts_with('#') {
                i += 1;
                continue;
            }
            let item_indent = indent(item_line);
            if item_indent < ports_indent
                || (item_indent == ports_indent && !item_trimmed.starts_with('-'))
            {
                break;
            }
            let Some(item) = item_trimmed.strip_prefix('-') else {
                break;
            };
            let item = item.trim();
            let line_no = i + 1;
            i += 1;
            if let Some((key, value)) = item.split_once(':').filter(|(k, _)| is_long_key(k.trim()))
            {
                // Long syntax: `- target: 80` and its keys on the following lines.
                let mut keys = vec![(key.trim().to_owned(), value.trim().to_owned(), line_no)];
                while let Some(next) = lines.get(i) {
                    let next_trimmed = next.trim();
                    if indent(next) <= item_indent || next_trimmed.starts_with('-') {
                        break;
                    }
                    if let Some((k, v)) = next_trimmed.split_once(':') {
                        keys.push((k.trim().to_owned(), v.trim().to_owned(), i + 1));
                    }
                    i += 1;
                }
                long_port(&mut findings, &keys, line_no, item_line, item);
            } else {
                short_port(&mut findings, line_no, item_line, item);
            }
        }
    }
    findings
}

fn is_long_key(key: &str) -> bool {
    matches!(
        key,
        "target" | "published" | "host_ip" | "protocol" | "mode" | "name" | "app_protocol"
    )
}

fn compose_finding(
    findings: &mut Vec<Finding>,
    line_no: usize,
    line: &str,
    value: &str,
    message: String,
) {
    findings.push(finding(
        RuleId::ComposePublishAll,
        Confidence::High,
        line_no,
        line,
        offset(line, value),
        value,
        message,
    ));
}

/// `"[HOST:]HOST_PORT:CONTAINER_PORT[/PROTO]"` or `CONTAINER_PORT`.
fn short_port(findings: &mut Vec<Finding>, line_no: usize, line: &str, item: &str) {
    let (spec, quote) = unquote(item);
    let start = offset(line, item) + quote;
    let value = line.get(start..start + spec.len()).unwrap_or(item);
    let ports = spec.split('/').next().unwrap_or(spec);
    let host = if let Some(rest) = ports.strip_prefix("${") {
        // An interpolated host (`${BIND:-127.0.0.1}:8080:80`): decided at deploy time.
        if rest.contains('}')
            && rest
                .split('}')
                .nth(1)
                .is_some_and(|after| after.starts_with(':'))
        {
            return;
        }
        None
    } else if let Some(rest) = ports.strip_prefix('[') {
        rest.split_once(']').map(|(host, _)| host)
    } else {
        let parts: Vec<&str> = ports.split(':').collect();
        match parts.as_slice() {
            [host, _, _] => Some(*host),
            _ => None,
        }
    };
    match host {
        None => compose_finding(
            findings,
            line_no,
            line,
            value,
            format!(
                "port \"{}\" has no host IP, so Docker publishes it on every interface of the host",
                shorten(spec, 80)
            ),
        ),
        Some(host) if classify::literal(host) == Some(Spelling::Host) => compose_finding(
            findings,
            line_no,
            line,
            value,
            format!(
                "port \"{}\" is published on {host}, every interface of the host",
                shorten(spec, 80)
            ),
        ),
        Some(_) => {}
    }
}

/// `- target: 80` with `published:` and `host_ip:` below it.
fn long_port(
    findings: &mut Vec<Finding>,
    keys: &[(String, String, usize)],
    line_no: usize,
    line: &str,
    item: &str,
) {
    let host_ip = keys.iter().find(|(k, _, _)| k == "host_ip");
    let published = keys.iter().find(|(k, _, _)| k == "published");
    match host_ip {
        None => compose_finding(
            findings,
            line_no,
            line,
            item,
            format!(
                "port {} has no host_ip, so Docker publishes it on every interface of the host",
                published.map_or("(any)".to_owned(), |(_, v, _)| shorten(v, 40))
            ),
        ),
        Some((_, value, _)) => {
            let (host, _) = unquote(value);
            if classify::literal(host) == Some(Spelling::Host) {
                compose_finding(
                    findings,
                    line_no,
                    line,
                    item,
                    format!(
                        "host_ip {} publishes the port on every interface of the host",
                        shorten(host, 40)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(findings: &[Finding]) -> Vec<usize> {
        findings.iter().map(|f| f.position.line).collect()
    }

    #[test]
    fn kinds_from_names() {
        assert_eq!(ConfigKind::of("Rocket.toml"), Some(ConfigKind::Rocket));
        assert_eq!(ConfigKind::of(".env.production"), Some(ConfigKind::DotEnv));
        assert_eq!(
            ConfigKind::of("docker-compose.prod.yml"),
            Some(ConfigKind::Compose)
        );
        assert_eq!(ConfigKind::of("compose.yaml"), Some(ConfigKind::Compose));
        assert_eq!(ConfigKind::of("Cargo.toml"), None);
        assert_eq!(ConfigKind::of("environment"), None);
    }

    #[test]
    fn compose_ports() {
        let text = "services:\n  web:\n    ports:\n      - \"8080:80\"\n      - 127.0.0.1:9000:9000\n      - \"0.0.0.0:53:53/udp\"\n      - \"[::1]:1:1\"\n      - 3000\n    expose:\n      - 4000\n";
        assert_eq!(lines(&compose(text)), [4, 6, 8]);
        let long = "services:\n  db:\n    ports:\n      - target: 5432\n        published: 5432\n      - target: 6379\n        host_ip: 127.0.0.1\n        published: 6379\n";
        assert_eq!(lines(&compose(long)), [4]);
        assert_eq!(
            lines(&compose("    ports: [\"80:80\", \"127.0.0.1:1:1\"]\n")),
            [1]
        );
    }

    proptest::proptest! {
        /// Any text in any config kind: findings, never a panic.
        #[test]
        fn any_config_text_gets_an_answer(text in "[ -~\n\u{e9}\u{202e}]{0,300}") {
            for kind in [ConfigKind::Rocket, ConfigKind::DotEnv, ConfigKind::Compose] {
                let _ = kind.scan(&text);
            }
        }
    }

    #[test]
    fn rocket_and_env() {
        let toml = "[default]\naddress = \"0.0.0.0\"\n[debug]\naddress = \"127.0.0.1\"\n# address = \"0.0.0.0\"\n";
        let found = rocket(toml);
        assert_eq!(lines(&found), [2]);
        assert_eq!(found.first().map(|f| f.position.column), Some(12));
        let env =
            "HOST=0.0.0.0\nexport BIND_ADDR='[::]:8080'\nPORT=8080\nHOST=127.0.0.1\nOTHER=::\n";
        let found = dot_env(env);
        assert_eq!(lines(&found), [1, 2, 5]);
        let confidences: Vec<Confidence> = found.iter().map(|f| f.confidence).collect();
        assert_eq!(
            confidences,
            [Confidence::High, Confidence::High, Confidence::Low]
        );
    }
}
