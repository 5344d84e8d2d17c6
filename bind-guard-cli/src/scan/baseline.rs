//! `--baseline FILE`: a previous `--format json` or `--format sarif` output, whose
//! findings are not reported again.
//!
//! A finding is the same when its rule, its file (URI) and its fingerprint agree: a
//! hash of the line's text without white space and which of the identical lines of
//! the file it is. Lines added above it, or re-indentation, keep it known; an edit of
//! the line itself makes it new. A baseline that cannot be read is an error (exit 2),
//! never an empty baseline.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use super::Reported;

/// The findings of a baseline: `(rule, uri, fingerprint)`.
#[derive(Debug, Default)]
pub(crate) struct Known(HashSet<(String, String, String)>);

impl Known {
    pub(crate) fn contains(&self, reported: &Reported) -> bool {
        self.0.contains(&(
            reported.finding.rule.name().to_owned(),
            reported.uri.clone(),
            reported.fingerprint.clone(),
        ))
    }
}

/// FNV-1a of the line without white space: stable across re-indentation.
pub(crate) fn line_hash(line: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in line.bytes().filter(|b| !b.is_ascii_whitespace()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The fingerprint text (SARIF's `primaryLocationLineHash`, JSON's `fingerprint`).
pub(crate) fn fingerprint(hash: u64, occurrence: usize) -> String {
    format!("{hash:016x}:{occurrence}")
}

/// Reads a baseline file.
pub(crate) fn load(path: &Path) -> Result<Known, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("--baseline {}: cannot read: {err}", path.display()))?;
    let json: Value = serde_json::from_str(&text).map_err(|err| {
        format!(
            "--baseline {}: not JSON ({err}); give a previous --format json or --format sarif output",
            path.display()
        )
    })?;
    let known = if let Some(runs) = json.get("runs").and_then(Value::as_array) {
        from_sarif(runs)
    } else if let Some(findings) = json.get("findings").and_then(Value::as_array) {
        from_json(findings)
    } else {
        None
    };
    known.ok_or_else(|| {
        format!(
            "--baseline {}: neither a bind-guard scan JSON output (findings) nor SARIF (runs) with the fields a finding needs",
            path.display()
        )
    })
}

fn from_sarif(runs: &[Value]) -> Option<Known> {
    let mut known = Known::default();
    for run in runs {
        for result in run.get("results")?.as_array()? {
            let rule = result.get("ruleId")?.as_str()?;
            // `wildcard-string/low` is the low-confidence descriptor of `wildcard-string`.
            let rule = rule.split('/').next().unwrap_or(rule);
            let location = result.pointer("/locations/0/physicalLocation/artifactLocation/uri")?;
            let fingerprint = result.pointer("/partialFingerprints/primaryLocationLineHash")?;
            known.0.insert((
                rule.to_owned(),
                location.as_str()?.to_owned(),
                fingerprint.as_str()?.to_owned(),
            ));
        }
    }
    Some(known)
}

fn from_json(findings: &[Value]) -> Option<Known> {
    let mut known = Known::default();
    for finding in findings {
        known.0.insert((
            finding.get("rule")?.as_str()?.to_owned(),
            finding.get("uri")?.as_str()?.to_owned(),
            finding.get("fingerprint")?.as_str()?.to_owned(),
        ));
    }
    Some(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_hash_ignores_white_space_only() {
        assert_eq!(line_hash("let a = 1;"), line_hash("  let a=1;"));
        assert_ne!(line_hash("let a = 1;"), line_hash("let a = 2;"));
    }

    #[test]
    fn malformed_baselines_are_errors() {
        let dir = std::env::temp_dir().join(format!("bg-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in [
            ("a.json", "not json"),
            ("b.json", "{\"other\": 1}"),
            ("c.json", "{\"findings\": [{\"rule\": \"x\"}]}"),
            (
                "d.json",
                "{\"runs\": [{\"results\": [{\"ruleId\": \"x\"}]}]}",
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            assert!(load(&path).is_err(), "{name}");
        }
        assert!(load(&dir.join("missing.json")).is_err());
        let ok = dir.join("ok.json");
        std::fs::write(&ok, "{\"findings\": []}").unwrap();
        assert!(load(&ok).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
