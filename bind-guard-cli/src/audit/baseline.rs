//! `--baseline FILE`: a previous `audit --format json` report, whose listeners, Unix
//! sockets and published ports are left out of this one, so a CI or cron gate fails on
//! what is new and not on what was already accepted.
//!
//! Rows are matched by a key made of what identifies an exposure across runs: the
//! namespace's name, the protocol, the address and port (and the device a socket is
//! restricted to; the target of a published port). Process ids, inodes and verdicts
//! are left out (they change on every restart); the process is left out too, so a
//! restarted server is not new. A key is written in every row (`key`).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;

use bind_guard::Escaped;
use serde_json::Value;

/// The largest baseline read: a report of a host with a million sockets is far less.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The keys of a previous report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Baseline {
    keys: BTreeSet<String>,
}

/// `tcp host 0.0.0.0:22` or `tcp netns:blue 0.0.0.0:8080%a0`.
pub(crate) fn socket_key(
    namespace: &str,
    proto: &str,
    addr: SocketAddr,
    device: Option<&str>,
) -> String {
    match device {
        Some(device) => format!("{proto} {namespace} {addr}%{device}"),
        None => format!("{proto} {namespace} {addr}"),
    }
}

/// `unix host /run/app.sock` or `unix host @name`.
pub(crate) fn unix_key(namespace: &str, name: &str) -> String {
    format!("unix {namespace} {name}")
}

/// `published tcp host 0.0.0.0:8080 -> 172.17.0.2:80`.
pub(crate) fn published_key(namespace: &str, proto: &str, host: &str, target: &str) -> String {
    format!("published {proto} {namespace} {host} -> {target}")
}

impl Baseline {
    /// Reads a report written by `audit --format json`.
    pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
        let shown = Escaped::new(&path.to_string_lossy()).to_string();
        let meta = std::fs::metadata(path)
            .map_err(|err| format!("cannot read the baseline {shown}: {err}"))?;
        if meta.len() > MAX_BYTES {
            return Err(format!(
                "the baseline {shown} is larger than {} MiB: not an audit report",
                MAX_BYTES / 1024 / 1024
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read the baseline {shown}: {err}"))?;
        Baseline::parse(&text).map_err(|err| format!("the baseline {shown} {err}"))
    }

    /// The keys of a report's text. Rows without a `key` (reports of bind-guard
    /// versions before baselines) are keyed from their fields, in the audit's own
    /// namespace.
    pub(crate) fn parse(text: &str) -> Result<Baseline, String> {
        let doc: Value = serde_json::from_str(text).map_err(|err| {
            format!(
                "is not JSON ({err}): pass a report written by 'bind-guard audit --format json'"
            )
        })?;
        let sockets = doc.get("sockets").and_then(Value::as_array).ok_or(
            "has no \"sockets\" array: pass a report written by 'bind-guard audit --format json'",
        )?;
        let mut keys = BTreeSet::new();
        for row in sockets {
            if let Some(key) = row.get("key").and_then(Value::as_str) {
                keys.insert(key.to_owned());
                continue;
            }
            let field = |name: &str| row.get(name).and_then(Value::as_str);
            let addr = field("address")
                .and_then(|ip| ip.parse().ok())
                .zip(
                    row.get("port")
                        .and_then(Value::as_u64)
                        .and_then(|p| u16::try_from(p).ok()),
                )
                .map(|(ip, port)| SocketAddr::new(ip, port));
            if let (Some(proto), Some(addr)) = (field("proto"), addr) {
                keys.insert(socket_key(
                    field("namespace").unwrap_or("host"),
                    proto,
                    addr,
                    field("device"),
                ));
            }
        }
        for list in ["unix_sockets", "published"] {
            for row in doc
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(key) = row.get("key").and_then(Value::as_str) {
                    keys.insert(key.to_owned());
                }
            }
        }
        Ok(Baseline { keys })
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.keys.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_rows_or_their_fields() {
        let baseline = Baseline::parse(
            r#"{"sockets": [
                {"key": "tcp host 0.0.0.0:22"},
                {"proto": "udp", "address": "::", "port": 53},
                {"proto": "tcp", "address": "0.0.0.0", "port": 80, "device": "lo", "namespace": "netns:a"}
              ],
              "unix_sockets": [{"key": "unix host @x"}],
              "published": [{"key": "published tcp host 0.0.0.0:8080 -> 172.17.0.2:80"}]}"#,
        )
        .unwrap();
        assert!(baseline.contains("tcp host 0.0.0.0:22"));
        assert!(baseline.contains(&socket_key("host", "udp", "[::]:53".parse().unwrap(), None)));
        assert!(baseline.contains("tcp netns:a 0.0.0.0:80%lo"));
        assert!(baseline.contains(&unix_key("host", "@x")));
        assert!(baseline.contains(&published_key(
            "host",
            "tcp",
            "0.0.0.0:8080",
            "172.17.0.2:80"
        )));
        assert!(!baseline.contains("tcp host 0.0.0.0:23"));
    }

    #[test]
    fn a_file_that_is_not_a_report_is_an_error() {
        assert!(
            Baseline::parse("not json")
                .unwrap_err()
                .contains("is not JSON")
        );
        assert!(Baseline::parse("{}").unwrap_err().contains("\"sockets\""));
        assert!(
            Baseline::read(Path::new("/nonexistent/\x1b[2J"))
                .unwrap_err()
                .contains("\\u{1b}")
        );
    }
}
