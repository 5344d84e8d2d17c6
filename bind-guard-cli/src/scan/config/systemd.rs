//! systemd units: `.socket` listening addresses and `.service` command lines.
//!
//! `ListenStream=8080` (a port alone) is `[::]:8080` with `BindIPv6Only=both`, the
//! default: one dual-stack socket on every IPv4 and IPv6 interface (systemd.socket(5)).
//! `BindToDevice=lo` keeps it to loopback; another device narrows it to that device.

use super::super::classify::{self, Spelling};
use super::super::{Confidence, Finding, Position, RuleId, shorten};
use super::args::{self, Word};
use super::finding;

/// The `Listen…=` settings that take a network address.
const LISTEN_KEYS: &[&str] = &["ListenStream", "ListenDatagram", "ListenSequentialPacket"];

/// A `Key=Value` line of a unit: key, value, line (from 1), value's column (from 1).
fn settings(text: &str) -> impl Iterator<Item = (String, &str, &str, usize, usize)> {
    let mut section = String::new();
    text.lines().enumerate().filter_map(move |(i, line)| {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed.to_owned();
            return None;
        }
        if trimmed.starts_with(['#', ';']) {
            return None;
        }
        let (key, value) = line.split_once('=')?;
        let value_trimmed = value.trim();
        let column = line.len() - value.trim_start().len();
        let column = line.get(..column).map_or(0, |s| s.chars().count()) + 1;
        Some((section.clone(), key.trim(), value_trimmed, i + 1, column))
    })
}

/// Findings in a `.socket` unit.
pub(crate) fn socket(text: &str, findings: &mut Vec<Finding>) {
    let mut listens: Vec<(&str, usize, usize)> = Vec::new();
    let mut device = None;
    let mut v6_only = false;
    for (section, key, value, line, column) in settings(text) {
        if section != "[Socket]" {
            continue;
        }
        match key {
            _ if LISTEN_KEYS.contains(&key) => {
                if value.is_empty() {
                    // An empty assignment resets the list.
                    listens.clear();
                } else {
                    listens.push((value, line, column));
                }
            }
            "BindToDevice" => device = Some(value).filter(|d| !d.is_empty()),
            "BindIPv6Only" => v6_only = value == "ipv6-only",
            _ => {}
        }
    }
    if device == Some("lo") {
        return;
    }
    let through = device.map_or(String::new(), |d| format!(" through {}", shorten(d, 40)));
    for (value, line, column) in listens {
        let message = if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
            let families = if v6_only {
                "every IPv6 interface"
            } else {
                "every IPv4 and IPv6 interface (dual-stack)"
            };
            format!("{value} alone is [::]:{value}: systemd listens on {families}{through}")
        } else if classify::literal(value) == Some(Spelling::SocketAddr) {
            format!(
                "{} is the wildcard: systemd listens on every interface{through}",
                shorten(value, 60)
            )
        } else {
            continue;
        };
        findings.push(finding(
            RuleId::SocketUnitWildcard,
            Confidence::High,
            Position::of(line, column, value),
            message,
        ));
    }
}

/// Findings in a `.service` unit: its `ExecStart=` command lines.
pub(crate) fn service(text: &str, findings: &mut Vec<Finding>) {
    for (section, key, value, line, column) in settings(text) {
        if section == "[Service]" && key == "ExecStart" {
            // `ExecStart=-/usr/bin/app`: the prefixes `-@:+!` are not part of the command.
            let command = value.trim_start_matches(['-', '@', ':', '+', '!']);
            let column = column + (value.len() - command.len());
            args::scan(
                &[Word {
                    text: command.to_owned(),
                    line,
                    column,
                }],
                "ExecStart",
                findings,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        let mut findings = Vec::new();
        socket(text, &mut findings);
        findings.iter().map(|f| f.position.line).collect()
    }

    #[test]
    fn socket_units() {
        let unit = "[Unit]\nListenStream=1\n[Socket]\nListenStream=8080\nListenStream=127.0.0.1:80\nListenStream=/run/a.sock\nListenDatagram=0.0.0.0:53\nListenStream=[::]:443\nListenStream=@abstract\n";
        assert_eq!(lines(unit), [4, 7, 8]);
        assert_eq!(lines(&format!("{unit}BindToDevice=lo\n")), [] as [usize; 0]);
        assert_eq!(lines(&format!("{unit}BindToDevice=eth0\n")), [4, 7, 8]);
        assert_eq!(
            lines("[Socket]\nListenStream=80\nListenStream=\nListenStream=127.0.0.1:1\n"),
            [] as [usize; 0]
        );
    }
}
