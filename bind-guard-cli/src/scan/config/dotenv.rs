//! `.env` files, read by dotenv's rules: `KEY=VALUE` with an optional `export `;
//! single quotes are literal, double quotes may span lines and interpolate
//! (`${LISTEN:-0.0.0.0:8080}` is its default when `LISTEN` is unset), an unquoted value
//! ends at ` #`.

use super::super::Finding;
use super::keys;
use super::tree::LineIndex;

/// Findings in a `.env` file.
pub(crate) fn scan(text: &str, findings: &mut Vec<Finding>) {
    let index = LineIndex::new(text);
    let mut offset = 0;
    while offset < text.len() {
        let rest = text.get(offset..).unwrap_or_default();
        let line_len = rest.find('\n').map_or(rest.len(), |at| at + 1);
        let line = rest.get(..line_len).unwrap_or_default();
        let line_start = offset;
        offset += line_len;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let statement = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((key, raw)) = statement.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        {
            continue;
        }
        let raw = raw.trim_start_matches([' ', '\t']);
        // `raw` is the end of `line`.
        let raw_start = line_start + (line.len() - raw.len());
        let (value, value_start, value_end, literal) = if let Some(inner) = raw.strip_prefix('\'') {
            let end = inner.find('\'').unwrap_or(inner.trim_end().len());
            (
                inner.get(..end).unwrap_or_default().to_owned(),
                raw_start + 1,
                raw_start + 1 + end,
                true,
            )
        } else if raw.starts_with('"') {
            // May continue on the next lines: read from the file, not the line.
            let from = text.get(raw_start + 1..).unwrap_or_default();
            let (value, used) = double_quoted(from);
            let end = raw_start + 1 + used;
            if end > offset {
                // Skip the lines the value spans.
                offset = text
                    .get(end..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |at| end + at + 1);
            }
            (value, raw_start + 1, end, false)
        } else {
            let line_value = raw.trim_end_matches(['\n', '\r']);
            let end = line_value.find(" #").unwrap_or(line_value.len());
            let value = line_value.get(..end).unwrap_or_default().trim_end();
            (value.to_owned(), raw_start, raw_start + value.len(), false)
        };
        if literal && value.contains('$') {
            // Single quotes: no interpolation, `$` is a character.
            continue;
        }
        let position = index.position(text, value_start, value_end);
        keys::env_finding(key, &value, position, findings);
    }
}

/// A double-quoted value after its opening quote: the text with `\"`, `\\`, `\n`
/// unescaped, and how many bytes up to (not including) the closing quote.
fn double_quoted(from: &str) -> (String, usize) {
    let mut value = String::new();
    let mut chars = from.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return (value, at),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, escaped)) => value.push(escaped),
                None => return (value, from.len()),
            },
            c => value.push(c),
        }
    }
    (value, from.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Confidence;

    fn found(text: &str) -> Vec<(usize, usize, Confidence)> {
        let mut findings = Vec::new();
        scan(text, &mut findings);
        findings
            .iter()
            .map(|f| (f.position.line, f.position.column, f.confidence))
            .collect()
    }

    #[test]
    fn dotenv_rules() {
        use Confidence::{High, Low};
        assert_eq!(found("HOST=0.0.0.0\n"), [(1, 6, High)]);
        assert_eq!(found("export BIND_ADDR='[::]:8080'\n"), [(1, 19, High)]);
        assert_eq!(
            found("LISTEN=\"${LISTEN:-0.0.0.0:8080}\"\n"),
            [(1, 9, High)]
        );
        assert_eq!(
            found("LISTEN=${LISTEN:-0.0.0.0:8080} # default\n"),
            [(1, 8, High)]
        );
        assert_eq!(found("A=\"x\ny\"\nHOST=0.0.0.0\n"), [(3, 6, High)]);
        assert_eq!(
            found("B=\"\nHOST=0.0.0.0\n\"\n"),
            [],
            "inside a quoted value"
        );
        assert_eq!(
            found("HOST='${H:-0.0.0.0}'\n"),
            [],
            "single quotes are literal"
        );
        assert_eq!(found("ROUTE=0.0.0.0\n"), [(1, 7, Low)]);
        assert_eq!(
            found("HOST=0.0.0.0 #x\nPORT=1\n# HOST=0.0.0.0\n"),
            [(1, 6, High)]
        );
        assert_eq!(found("HOST=127.0.0.1\nHOST=\nHOST"), []);
    }
}
