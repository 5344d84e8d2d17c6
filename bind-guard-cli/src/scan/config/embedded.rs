//! Config files inside config files, and configs that are templates.
//!
//! A Kubernetes ConfigMap (`data: { garage.toml: |- … }`), a Helm chart's copy of it, a
//! Compose `configs: … content: |` all carry a service's own config file as a block of
//! text under a key that names the file. That block is where the service's listen
//! address is set, so it is read as the file it names, with its findings placed on the
//! outer file's lines.
//!
//! Templates (Helm's and Jinja's `{{ … }}`) make a YAML file that no YAML parser reads:
//! [`blank_templates`] replaces every `{{ … }}` with filler of the same length (lines
//! that hold only template directives become blank), which keeps every other value and
//! its position. A TOML block that still does not parse (`peers = {{ .Values.peers }}`)
//! is read line by line ([`keys::scan_toml_lines`]).

use std::path::Path;

use super::super::{Finding, Position, shorten};
use super::keys;
use super::tree::{Tree, Value};
use super::{ConfigKind, Scanned};

/// How deep a config may sit in another before it is not read: a ConfigMap's file is
/// depth 1; nothing real nests further than 2, and the bound keeps the cost linear.
pub(super) const MAX_DEPTH: usize = 2;

/// `text` with every `{{ … }}` replaced by `_` (one per character, newlines kept), and
/// lines that held only template directives emptied, so that every other character
/// keeps its line and column. `None` when there is no template.
pub(super) fn blank_templates(text: &str) -> Option<String> {
    if !text.contains("{{") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let mut blanked = String::with_capacity(body.len());
        let mut rest = body;
        let mut only_templates = true;
        while let Some(open) = rest.find("{{") {
            let before = &rest[..open];
            only_templates &= before.trim().is_empty();
            blanked.push_str(before);
            // An unclosed `{{` runs to the end of the line (a directive over several
            // lines is rare in configs; its other lines are left as they are).
            let end = rest[open..]
                .find("}}")
                .map_or(rest.len(), |close| open + close + 2);
            blanked.extend(rest[open..end].chars().map(|_| '_'));
            rest = &rest[end..];
        }
        only_templates &= rest.trim().is_empty();
        blanked.push_str(rest);
        // A directive's line becomes empty, not spaces: in a block scalar, a blank line
        // indented deeper than the content would be a YAML error.
        if !(only_templates && body.contains("{{")) {
            out.push_str(&blanked);
        }
        out.push_str(newline);
    }
    Some(out)
}

/// Findings in every block of text under a key that names a config file
/// (`garage.toml: |`, `config.yaml: |-`), on the outer file's lines. `text` is the text
/// the tree was parsed from.
pub(super) fn scan(
    tree: &Tree<'_>,
    text: &str,
    depth: usize,
    findings: &mut Vec<Finding>,
    unread: &mut Vec<String>,
) {
    let lines: Vec<&str> = text.lines().collect();
    for (id, node) in tree.nodes.iter().enumerate() {
        let Value::Scalar(content) = &node.value else {
            continue;
        };
        if node.is_key || !content.contains('\n') {
            continue;
        }
        let Some((key, kind)) = node
            .key
            .as_deref()
            .and_then(|key| Some((key, ConfigKind::of(Path::new(key))?)))
        else {
            continue;
        };
        // The parser places a block on its first line that is not empty; the content
        // (the text the inner positions count from) starts with the empty ones.
        let leading = content.bytes().take_while(|b| *b == b'\n').count();
        let line = tree.position(id).line.saturating_sub(leading);
        let key = shorten(key, 80);
        if depth >= MAX_DEPTH {
            unread.push(format!(
                "line {line}: `{key}` is a config file {} files deep; not read",
                depth + 1
            ));
            continue;
        }
        let Some((first_line, indent)) = block_start(&lines, line) else {
            unread.push(format!(
                "line {line}: `{key}` holds a config file in a folded or quoted string, whose \
                 lines are not the file's; not read (write it as a literal block, `{key}: |`)"
            ));
            continue;
        };
        let inner = match kind.scan_at(content, depth + 1) {
            Ok(inner) => inner,
            Err(_) if matches!(kind, ConfigKind::Toml | ConfigKind::Rocket) => {
                let mut inner = Scanned::default();
                keys::scan_toml_lines(content, &mut inner.findings);
                inner
            }
            Err(err) => {
                unread.push(format!("line {first_line}: `{key}`: {err}"));
                continue;
            }
        };
        findings.extend(inner.findings.into_iter().map(|mut finding| {
            finding.position = shift(finding.position, first_line, indent);
            finding
        }));
        unread.extend(
            inner
                .unread
                .into_iter()
                .map(|why| format!("in `{key}` (line {first_line}): {why}")),
        );
    }
}

/// Where a literal block scalar's content starts in the outer file (its first line,
/// from 1) and how far it is indented, from its first line. `None` unless the line before holds a literal (`|`) indicator:
/// a folded (`>`) block's or a quoted string's lines are not the text's lines.
fn block_start(lines: &[&str], line: usize) -> Option<(usize, usize)> {
    // The line before the content holds the indicator (`  app.toml: |-`).
    let header = lines.get(line.checked_sub(2)?)?.trim_end();
    let indicator = header.rsplit(':').next().unwrap_or(header).trim();
    if !indicator.starts_with('|') {
        return None;
    }
    // The content's indentation, from its first line that is not empty.
    let indent = lines
        .iter()
        .skip(line - 1)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    Some((line, indent))
}

/// An inner position on the outer file's lines.
fn shift(position: Position, first_line: usize, indent: usize) -> Position {
    Position {
        line: position.line + first_line - 1,
        column: position.column + indent,
        end_line: position.end_line + first_line - 1,
        end_column: position.end_column + indent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_filler_of_the_same_length() {
        let text =
            "{{- if .Values.x }}\nname: {{ include \"n\" . }}-config\n  {{- end }}\nport: 80";
        let blanked = blank_templates(text).unwrap();
        assert_eq!(blanked, "\nname: ___________________-config\n\nport: 80");
        assert_eq!(blanked.lines().count(), text.lines().count());
        assert_eq!(blank_templates("a: b\n"), None);
        assert_eq!(
            blank_templates("a: {{ unclosed\n").unwrap(),
            "a: ___________\n"
        );
    }

    fn lines(kind: ConfigKind, text: &str) -> Vec<(usize, usize)> {
        kind.scan(text)
            .unwrap_or_else(|err| panic!("{err}"))
            .findings
            .iter()
            .map(|f| (f.position.line, f.position.column))
            .collect()
    }

    #[test]
    fn a_configmap_file_is_read_as_the_file_it_names() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  app.toml: |-\n    data_dir = \"/d\"\n\n    [api]\n    bind_addr = \"[::]:3900\"\n  other.yaml: |\n    server:\n      listen: 0.0.0.0:80\n  notes.txt: |\n    bind_addr = \"[::]:1\"\n";
        assert_eq!(lines(ConfigKind::Yaml, text), [(8, 17), (11, 15)]);
    }

    #[test]
    fn a_helm_template_is_read_around_its_directives() {
        let text = "{{- if not .Values.existing }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"x\" . }}-config\ndata:\n  app.toml: |-\n    {{- if .Values.s }}\n    {{- else }}\n    peers = {{ .Values.peers }}\n    [admin]\n    api_bind_addr = \"[::]:3903\"\n    {{- end }}\n{{- end }}\n";
        assert_eq!(lines(ConfigKind::Yaml, text), [(12, 21)]);
        // The same without its directives' lines blanked is not YAML at all.
        assert!(super::super::tree::yaml(text).is_err());
    }

    #[test]
    fn folded_blocks_and_nesting_past_the_bound_are_not_read() {
        let folded = "data:\n  app.toml: >\n    bind = \"0.0.0.0:1\"\n";
        assert_eq!(lines(ConfigKind::Yaml, folded), [] as [(usize, usize); 0]);
        // Not read, and said so: never skipped in silence.
        let unread = |text| ConfigKind::Yaml.scan(text).unwrap().unread;
        assert_eq!(unread(folded).len(), 1, "{:?}", unread(folded));
        assert!(
            unread(folded)[0].starts_with("line 3: `app.toml` holds a config file in a folded")
        );
        // Depth 2: a YAML file in a YAML file in a YAML file is not read.
        let deep = "a.yaml: |\n  b.yaml: |\n    c.yaml: |\n      listen: 0.0.0.0:1\n";
        assert_eq!(lines(ConfigKind::Yaml, deep), [] as [(usize, usize); 0]);
        let deep_unread = unread(deep);
        assert_eq!(deep_unread.len(), 1, "{deep_unread:?}");
        assert!(
            deep_unread[0].contains("`c.yaml` is a config file 3 files deep"),
            "{deep_unread:?}"
        );
        let broken = "data:\n  app.yaml: |\n    a: [unclosed\n";
        assert!(
            unread(broken)[0].starts_with("line 3: `app.yaml`: not parsed as YAML"),
            "{:?}",
            unread(broken)
        );
        let two = "a.yaml: |\n  b.yaml: |\n    listen: 0.0.0.0:1\n";
        assert_eq!(lines(ConfigKind::Yaml, two), [(3, 13)]);
    }
}
