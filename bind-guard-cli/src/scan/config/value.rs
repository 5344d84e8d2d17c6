//! What a config value is once the deployment has filled it in: `${VAR:-default}` takes
//! its default (the value when the variable is unset), and the result is the wildcard
//! when the library's parser says so ([`classify::literal`]).

use super::super::classify::{self, Spelling};

/// Stands for a variable without a default: empty when unset (`${VAR}`, `$VAR`).
pub(crate) const UNSET: char = '\u{1}';
/// Stands for a variable the deployment must set, or whose value is unknown
/// (`${VAR:?error}`, `${VAR:+alternative}`).
pub(crate) const UNKNOWN: char = '\u{2}';

/// Deepest nesting of `${A:-${B:-…}}` followed; deeper text is [`UNKNOWN`].
const MAX_NESTING: usize = 8;

/// `text` with every `${…}` and `$NAME` replaced by what an unset variable gives:
/// its default, or [`UNSET`] / [`UNKNOWN`]. `$$` is a literal `$` (Compose's escape).
/// Linear in the length of `text`.
pub(crate) fn expand(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    expand_into(&mut rest, &mut out, 0, false);
    out
}

/// Expands `rest` into `out`, consuming it; inside a default (`nested`), stops at the
/// `}` that closes it.
fn expand_into(rest: &mut &str, out: &mut String, depth: usize, nested: bool) {
    while let Some(c) = rest.chars().next() {
        if nested && c == '}' {
            return;
        }
        *rest = rest.get(c.len_utf8()..).unwrap_or_default();
        if c != '$' {
            out.push(c);
            continue;
        }
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            *rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            *rest = after;
            braced(rest, out, depth);
        } else {
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if name_len == 0 {
                out.push('$');
            } else {
                *rest = rest.get(name_len..).unwrap_or_default();
                out.push(UNSET);
            }
        }
    }
}

/// After `${`: the name, an operator and its word, up to the closing `}`.
fn braced(rest: &mut &str, out: &mut String, depth: usize) {
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    *rest = rest.get(name_len..).unwrap_or_default();
    let operator = if rest.starts_with(":-") || rest.starts_with(":?") || rest.starts_with(":+") {
        rest.get(..2)
    } else if rest.starts_with('-') || rest.starts_with('?') || rest.starts_with('+') {
        rest.get(..1)
    } else {
        None
    };
    let Some(operator) = operator else {
        // `${NAME}` (or something malformed: skip to the brace).
        skip_to_brace(rest);
        out.push(UNSET);
        return;
    };
    *rest = rest.get(operator.len()..).unwrap_or_default();
    if operator.ends_with('-') && depth < MAX_NESTING {
        // The default is what an unset variable gives.
        expand_into(rest, out, depth + 1, true);
        *rest = rest.strip_prefix('}').unwrap_or(rest);
    } else {
        let mut ignored = String::new();
        if depth < MAX_NESTING {
            expand_into(rest, &mut ignored, depth + 1, true);
            *rest = rest.strip_prefix('}').unwrap_or(rest);
        } else {
            skip_to_brace(rest);
        }
        out.push(UNKNOWN);
    }
}

fn skip_to_brace(rest: &mut &str) {
    match rest.find('}') {
        Some(at) => *rest = rest.get(at + 1..).unwrap_or_default(),
        None => *rest = "",
    }
}

/// Whether an expanded text still holds a variable.
pub(crate) fn has_variable(expanded: &str) -> bool {
    expanded.contains([UNSET, UNKNOWN])
}

/// How a config value spells the wildcard, after [`expand`]: the whole value
/// (`0.0.0.0`, `[::]:8080`, a default `${LISTEN:-0.0.0.0:8080}`), a wildcard host with
/// a port from a variable (`0.0.0.0:${PORT}`), or a URL whose host is the wildcard
/// (`http://0.0.0.0:8080/`, `tcp://[::]:1883`) when `urls` is set.
pub(crate) fn wildcard(text: &str, urls: bool) -> Option<Spelling> {
    let expanded = expand(text.trim());
    let value = if urls {
        strip_url(&expanded)
    } else {
        &expanded
    };
    if !has_variable(value) {
        return classify::literal(value);
    }
    // `0.0.0.0:${PORT}`: the host is fixed, the port is not.
    let before = value.split([UNSET, UNKNOWN]).next().unwrap_or_default();
    match classify::literal(before) {
        Some(Spelling::Prefix) => Some(Spelling::Prefix),
        _ => None,
    }
}

/// `scheme://HOST:PORT/path` → `HOST:PORT`; other text unchanged.
fn strip_url(text: &str) -> &str {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text;
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return text;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest.get(..end).unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_what_an_unset_variable_gives() {
        assert_eq!(expand("${BIND:-0.0.0.0}:8081:80"), "0.0.0.0:8081:80");
        assert_eq!(expand("${BIND-[::]}"), "[::]");
        assert_eq!(expand("${A:-${B:-0.0.0.0}}"), "0.0.0.0");
        assert_eq!(expand("${BIND}:80"), "\u{1}:80");
        assert_eq!(expand("$BIND:80"), "\u{1}:80");
        assert_eq!(expand("${BIND:?set it}:80"), "\u{2}:80");
        assert_eq!(expand("${BIND:+0.0.0.0}"), "\u{2}");
        assert_eq!(expand("$$HOME 5$"), "$HOME 5$");
        assert_eq!(expand("${UNCLOSED:-0.0.0.0"), "0.0.0.0");
        assert_eq!(expand("plain"), "plain");
    }

    #[test]
    fn wildcards_after_expansion() {
        assert_eq!(
            wildcard("${LISTEN:-0.0.0.0:8080}", false),
            Some(Spelling::SocketAddr)
        );
        assert_eq!(wildcard("0.0.0.0:${PORT}", false), Some(Spelling::Prefix));
        assert_eq!(wildcard("${HOST:-127.0.0.1}:${PORT}", false), None);
        assert_eq!(wildcard("${HOST}", false), None);
        assert_eq!(
            wildcard("http://0.0.0.0:5000", true),
            Some(Spelling::SocketAddr)
        );
        assert_eq!(wildcard("http://0.0.0.0:5000", false), None);
        assert_eq!(
            wildcard("tcp://[::]:1883/x", true),
            Some(Spelling::SocketAddr)
        );
        assert_eq!(wildcard("http://127.0.0.1:5000", true), None);
        assert_eq!(wildcard(" 0.0.0.0 ", false), Some(Spelling::Host));
    }

    proptest::proptest! {
        /// Any text: an answer, never a panic, and the expansion never grows past the
        /// text (defaults are copied at most once).
        #[test]
        fn expansion_is_bounded(text in "[${}:?+\\-a-z0.]{0,80}") {
            let expanded = expand(&text);
            proptest::prop_assert!(expanded.chars().count() <= text.chars().count());
            let _ = wildcard(&text, true);
        }
    }
}
