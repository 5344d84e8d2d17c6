//! One document tree for YAML, JSON and TOML, with the place of every value.
//!
//! YAML (and JSON, which YAML 1.2 reads) comes from `saphyr-parser`'s events, TOML from
//! `toml`'s spanned tables. Nodes live in one arena: an alias is a link to the anchored
//! node, never a copy, so a file of aliases to aliases costs what its text costs. Merge
//! keys (`<<: *defaults`) are resolved on lookup, within a budget; a file that exceeds
//! it is reported as not scanned ([`Tree::exhausted`]).

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::super::Position;

/// A node's index in [`Tree::nodes`].
pub(crate) type NodeId = usize;

#[derive(Debug)]
pub(crate) enum Value {
    /// `~`, `null`, an empty plain value.
    Null,
    Scalar(String),
    Seq(Vec<NodeId>),
    Map(Vec<Entry>),
    /// `*anchor`: the anchored node.
    Alias(NodeId),
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) value: NodeId,
}

/// Where a node is: known (YAML markers) or a byte range to convert when a finding
/// needs it (TOML spans), so that converting costs nothing for the values that are
/// not findings.
#[derive(Debug, Clone, Copy)]
enum At {
    Known(Position),
    Bytes(usize, usize),
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) value: Value,
    at: At,
    /// The map key this node is the value of.
    pub(crate) key: Option<String>,
    /// The node this one is in.
    pub(crate) parent: Option<NodeId>,
    /// A map key itself (not a value).
    pub(crate) is_key: bool,
}

/// The documents of one file.
#[derive(Debug, Default)]
pub(crate) struct Tree<'text> {
    pub(crate) nodes: Vec<Node>,
    /// The root node of each document.
    pub(crate) docs: Vec<NodeId>,
    text: &'text str,
    /// Merge-key entries still allowed to be visited.
    budget: Cell<usize>,
    exhausted: Cell<bool>,
    /// Where each line starts, built on the first byte position asked for.
    lines: OnceCell<LineIndex>,
}

/// Deepest chain of merge keys followed (`<<` whose maps merge others).
const MAX_MERGE_DEPTH: usize = 8;

/// Lookups through merge keys may visit this many entries per node of the file, and a
/// fixed allowance: bounded, and linear in the file.
const BUDGET_PER_NODE: usize = 8;
const BUDGET_BASE: usize = 10_000;

impl<'text> Tree<'text> {
    fn new(text: &'text str) -> Self {
        Tree {
            text,
            ..Tree::default()
        }
    }

    fn finish(self) -> Self {
        self.budget
            .set(BUDGET_BASE + self.nodes.len().saturating_mul(BUDGET_PER_NODE));
        self
    }

    /// Whether a lookup ran out of budget (the answers since then are incomplete).
    pub(crate) fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    fn spend(&self, cost: usize) -> bool {
        let left = self.budget.get();
        if left < cost {
            self.exhausted.set(true);
            return false;
        }
        self.budget.set(left - cost);
        true
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The node an alias stands for (aliases point back at earlier nodes).
    pub(crate) fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_MERGE_DEPTH {
            match self.node(id).map(|n| &n.value) {
                Some(Value::Alias(target)) if *target < id => id = *target,
                _ => break,
            }
        }
        id
    }

    pub(crate) fn value(&self, id: NodeId) -> Option<&Value> {
        self.node(self.resolve(id)).map(|n| &n.value)
    }

    /// The text of a scalar (`None` for null, maps and sequences).
    pub(crate) fn scalar(&self, id: NodeId) -> Option<&str> {
        match self.value(id)? {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// The items of a sequence (none for anything else).
    pub(crate) fn items(&self, id: NodeId) -> &[NodeId] {
        match self.value(id) {
            Some(Value::Seq(items)) => items,
            _ => &[],
        }
    }

    pub(crate) fn is_map(&self, id: NodeId) -> bool {
        matches!(self.value(id), Some(Value::Map(_)))
    }

    /// The entries of a map, with those merged by `<<` after its own (an own key wins,
    /// then the first merged map that has it).
    pub(crate) fn entries(&self, id: NodeId) -> Vec<(&str, NodeId)> {
        let mut out: Vec<(&str, NodeId)> = Vec::new();
        self.merge_into(id, &mut out, 0);
        out
    }

    fn merge_into<'a>(&'a self, id: NodeId, out: &mut Vec<(&'a str, NodeId)>, depth: usize) {
        let Some(Value::Map(entries)) = self.value(id) else {
            return;
        };
        if !self.spend(entries.len()) {
            return;
        }
        let mut merged = Vec::new();
        for entry in entries {
            if entry.key == "<<" {
                merged.push(entry.value);
            } else if !out.iter().any(|(k, _)| *k == entry.key) {
                out.push((&entry.key, entry.value));
            }
        }
        if depth >= MAX_MERGE_DEPTH {
            if !merged.is_empty() {
                self.exhausted.set(true);
            }
            return;
        }
        for source in merged {
            match self.value(source) {
                Some(Value::Seq(items)) => {
                    for item in items {
                        self.merge_into(*item, out, depth + 1);
                    }
                }
                _ => self.merge_into(source, out, depth + 1),
            }
        }
    }

    /// The value of `key` in a map (merge keys included).
    pub(crate) fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.entries(map)
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// Where a node is.
    pub(crate) fn position(&self, id: NodeId) -> Position {
        match self.node(id).map(|n| n.at) {
            Some(At::Known(position)) => position,
            Some(At::Bytes(start, end)) => self
                .lines
                .get_or_init(|| LineIndex::new(self.text))
                .position(self.text, start, end),
            None => Position {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
        }
    }

    /// The key a value is found under: its own, or its sequence's (`ports: [ITEM]`).
    pub(crate) fn key_of(&self, id: NodeId) -> Option<&str> {
        let node = self.node(id)?;
        if let Some(key) = &node.key {
            return Some(key);
        }
        let parent = self.node(node.parent?)?;
        match parent.value {
            Value::Seq(_) => parent.key.as_deref(),
            _ => None,
        }
    }

    /// The key of the map that holds `id`'s entry (`server` for `server: {host: …}`).
    pub(crate) fn parent_key_of(&self, id: NodeId) -> Option<&str> {
        let mut node = self.node(id)?;
        // Up past the sequence that holds an item, then to the map that holds the key.
        if node.key.is_none() {
            node = self.node(node.parent?)?;
        }
        let map = self.node(node.parent?)?;
        if let Some(key) = &map.key {
            return Some(key);
        }
        // A map in a list (`listeners: [{address: …}]`): the list's key.
        let list = self.node(map.parent?)?;
        match list.value {
            Value::Seq(_) => list.key.as_deref(),
            _ => None,
        }
    }

    fn push(&mut self, value: Value, at: At, parent: Option<NodeId>) -> NodeId {
        self.nodes.push(Node {
            value,
            at,
            key: None,
            parent,
            is_key: false,
        });
        self.nodes.len() - 1
    }
}

/// The byte offset where each line starts: a byte offset becomes a line and column in
/// a binary search and a count of the characters before it on its line.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    /// Line and column (characters, from 1) of a byte offset.
    pub(crate) fn point(&self, text: &str, byte: usize) -> (usize, usize) {
        let byte = byte.min(text.len());
        let line = self.starts.partition_point(|start| *start <= byte).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..byte).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    /// The position of a byte range.
    pub(crate) fn position(&self, text: &str, start: usize, end: usize) -> Position {
        let (line, column) = self.point(text, start);
        let (end_line, end_column) = self.point(text, end);
        Position {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

fn yaml_position(span: Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
        end_line: span.end.line(),
        end_column: span.end.col() + 1,
    }
}

/// A map being filled: the key read and waiting for its value.
struct Frame {
    id: NodeId,
    pending_key: Option<String>,
}

/// Parses YAML (or JSON) into a tree.
///
/// The YAML 1.2 spec wants the lines of a flow collection indented past the key that
/// holds it; libyaml and go-yaml (which Compose uses) do not, and real files close a
/// list over several lines at the key's own indentation (`ports: [` … `]`). A file the
/// parser refuses is read once more with those lines indented ([`indent_flow_lines`]),
/// and the columns of the findings on them are put back.
pub(crate) fn yaml(text: &str) -> Result<Tree<'_>, String> {
    match parse_yaml(text, text) {
        Ok(tree) => Ok(tree),
        Err(first) => {
            let (lenient, shifted) = indent_flow_lines(text);
            if shifted.is_empty() {
                return Err(first);
            }
            let mut tree = parse_yaml(text, &lenient).map_err(|_| first)?;
            for node in &mut tree.nodes {
                if let At::Known(position) = &mut node.at {
                    if shifted.binary_search(&position.line).is_ok() {
                        position.column = position.column.saturating_sub(FLOW_SHIFT).max(1);
                    }
                    if shifted.binary_search(&position.end_line).is_ok() {
                        position.end_column = position.end_column.saturating_sub(FLOW_SHIFT).max(1);
                    }
                }
            }
            Ok(tree)
        }
    }
}

/// How far [`indent_flow_lines`] moves a line: past any key's indentation in a file a
/// person writes.
const FLOW_SHIFT: usize = 64;

/// `text` with every line that starts inside a flow collection (`[`/`{` opened on an
/// earlier line) indented by [`FLOW_SHIFT`], and the numbers of those lines (from 1,
/// sorted). Quotes and comments are skipped when counting brackets. Linear.
fn indent_flow_lines(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut shifted = Vec::new();
    let mut depth: usize = 0;
    let mut quote: Option<char> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if depth > 0 && quote.is_none() {
            shifted.push(i + 1);
            out.extend(std::iter::repeat_n(' ', FLOW_SHIFT));
        }
        out.push_str(line);
        let mut previous = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some('"'), '\\') if previous == '\\' => {
                    previous = ' ';
                    continue;
                }
                (Some(q), c) if c == q && !(q == '"' && previous == '\\') => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if depth > 0 || previous.is_whitespace() || previous == ':' => {
                    quote = Some(c);
                }
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            previous = c;
        }
    }
    (out, shifted)
}

fn parse_yaml<'text>(text: &'text str, parsed: &str) -> Result<Tree<'text>, String> {
    let mut tree = Tree::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    for event in Parser::new_from_str(parsed) {
        let (event, span) = event.map_err(|err| err.to_string())?;
        let at = At::Known(yaml_position(span));
        let (value, anchor, opens) = match event {
            Event::Scalar(text, style, anchor, _) => {
                let null = style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                let value = if null {
                    Value::Null
                } else {
                    Value::Scalar(text.into_owned())
                };
                (value, anchor, false)
            }
            Event::Alias(anchor) => {
                let target = anchors
                    .get(&anchor)
                    .copied()
                    .ok_or_else(|| "an alias to an unknown anchor".to_owned())?;
                (Value::Alias(target), 0, false)
            }
            Event::SequenceStart(anchor, _) => (Value::Seq(Vec::new()), anchor, true),
            Event::MappingStart(anchor, _) => (Value::Map(Vec::new()), anchor, true),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = stack.pop() {
                    let end = yaml_position(span);
                    if let Some(Node {
                        at: At::Known(position),
                        ..
                    }) = tree.nodes.get_mut(frame.id)
                    {
                        position.end_line = end.end_line;
                        position.end_column = end.end_column;
                    }
                }
                continue;
            }
            _ => continue,
        };
        let parent = stack.last().map(|f| f.id);
        let id = tree.push(value, at, parent);
        if anchor > 0 {
            anchors.insert(anchor, id);
        }
        attach(&mut tree, &mut stack, id);
        if opens {
            stack.push(Frame {
                id,
                pending_key: None,
            });
        }
    }
    Ok(tree.finish())
}

/// Puts a new node into the sequence or map on top of the stack (or makes it a
/// document root).
fn attach(tree: &mut Tree<'_>, stack: &mut [Frame], id: NodeId) {
    let Some(frame) = stack.last_mut() else {
        tree.docs.push(id);
        return;
    };
    let key_text = match frame.pending_key.take() {
        Some(key) => Some(key),
        None => {
            // Not waiting for a value: in a map, this node is a key.
            if matches!(
                tree.nodes.get(frame.id).map(|n| &n.value),
                Some(Value::Map(_))
            ) {
                let text = tree.scalar(id).unwrap_or_default().to_owned();
                if let Some(node) = tree.nodes.get_mut(id) {
                    node.is_key = true;
                }
                frame.pending_key = Some(text);
                return;
            }
            None
        }
    };
    if let Some(node) = tree.nodes.get_mut(id) {
        node.key.clone_from(&key_text);
    }
    match tree.nodes.get_mut(frame.id).map(|n| &mut n.value) {
        Some(Value::Seq(items)) => items.push(id),
        Some(Value::Map(entries)) => entries.push(Entry {
            key: key_text.unwrap_or_default(),
            value: id,
        }),
        _ => {}
    }
}

/// Parses TOML into a tree (one document).
pub(crate) fn toml(text: &str) -> Result<Tree<'_>, String> {
    let table = toml::de::DeTable::parse(text).map_err(|err| {
        let message = err.message().to_owned();
        match err.span() {
            Some(span) => {
                let at = LineIndex::new(text).position(text, span.start, span.end);
                format!("{message} at line {} column {}", at.line, at.column)
            }
            None => message,
        }
    })?;
    let mut tree = Tree::new(text);
    let span = table.span();
    let root = tree.push(
        Value::Map(Vec::new()),
        At::Bytes(span.start, span.end),
        None,
    );
    tree.docs.push(root);
    // Breadth of work: every TOML value once, without recursion.
    let mut work: Vec<(
        NodeId,
        Option<String>,
        &toml::Spanned<toml::de::DeValue<'_>>,
    )> = Vec::new();
    for (key, value) in table.get_ref() {
        work.push((root, Some(key.get_ref().to_string()), value));
    }
    while let Some((parent, key, spanned)) = work.pop() {
        let span = spanned.span();
        let at = At::Bytes(span.start, span.end);
        let value = match spanned.get_ref() {
            toml::de::DeValue::String(text) => Value::Scalar(text.to_string()),
            toml::de::DeValue::Integer(int) => Value::Scalar(int.to_string()),
            toml::de::DeValue::Float(float) => Value::Scalar(float.to_string()),
            toml::de::DeValue::Boolean(flag) => Value::Scalar(flag.to_string()),
            toml::de::DeValue::Datetime(datetime) => Value::Scalar(datetime.to_string()),
            toml::de::DeValue::Array(_) => Value::Seq(Vec::new()),
            toml::de::DeValue::Table(_) => Value::Map(Vec::new()),
        };
        let id = tree.push(value, at, Some(parent));
        if let Some(node) = tree.nodes.get_mut(id) {
            node.key.clone_from(&key);
        }
        match tree.nodes.get_mut(parent).map(|n| &mut n.value) {
            Some(Value::Seq(items)) => items.push(id),
            Some(Value::Map(entries)) => entries.push(Entry {
                key: key.unwrap_or_default(),
                value: id,
            }),
            _ => {}
        }
        match spanned.get_ref() {
            toml::de::DeValue::Array(items) => {
                // Reversed onto the stack, so that items keep their order.
                for item in items.iter().rev() {
                    work.push((id, None, item));
                }
            }
            toml::de::DeValue::Table(table) => {
                for (key, value) in table.iter().rev() {
                    work.push((id, Some(key.get_ref().to_string()), value));
                }
            }
            _ => {}
        }
    }
    Ok(tree.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_anchors_and_merge_keys() {
        let text = "x-base: &base\n  ports:\n    - \"80:80\"\n  image: a\nservices:\n  web:\n    <<: *base\n    image: b\n";
        let tree = yaml(text).unwrap();
        let root = tree.docs[0];
        let services = tree.get(root, "services").unwrap();
        let web = tree.get(services, "web").unwrap();
        let image = tree.get(web, "image").unwrap();
        assert_eq!(tree.scalar(image), Some("b"), "an own key wins");
        let ports = tree.get(web, "ports").unwrap();
        let item = tree.items(ports)[0];
        assert_eq!(tree.scalar(item), Some("80:80"));
        assert_eq!(tree.position(item).line, 3, "the anchored node's place");
        assert_eq!(tree.key_of(item), Some("ports"));
        assert!(!tree.exhausted());
    }

    #[test]
    fn flow_lists_closed_at_the_keys_indentation_are_read_as_compose_reads_them() {
        let text = "services:\n  a:\n    ports: [\n    \"1:1\", # [\n      \"2:2\",\n    ]\n    image: x\n";
        let tree = yaml(text).unwrap();
        let services = tree.get(tree.docs[0], "services").unwrap();
        let a = tree.get(services, "a").unwrap();
        let ports = tree.items(tree.get(a, "ports").unwrap()).to_vec();
        assert_eq!(ports.len(), 2);
        let at = tree.position(ports[0]);
        assert_eq!(
            (at.line, at.column),
            (4, 5),
            "the column in the file, not the shifted one"
        );
        assert!(tree.get(a, "image").is_some());
        assert!(yaml("a: [\n").is_err());
    }

    #[test]
    fn merges_that_multiply_run_out_of_budget_instead_of_time() {
        // Each level merges the one before twice: 2^40 entries if expanded.
        let mut text = String::from("a0: &a0 {k: v}\n");
        for i in 1..40 {
            text.push_str(&format!("a{i}: &a{i}\n  <<: [*a{}, *a{}]\n", i - 1, i - 1));
        }
        text.push_str("top:\n  <<: *a39\n");
        let tree = yaml(&text).unwrap();
        let top = tree.get(tree.docs[0], "top").unwrap();
        let _ = tree.entries(top);
        assert!(tree.exhausted());
    }

    #[test]
    fn toml_positions_are_lines_and_character_columns() {
        let text =
            "[release]\nname = \"é\"\naddress = \"0.0.0.0\"\ninline = { \"address\" = \"::\" }\n";
        let tree = toml(text).unwrap();
        let release = tree.get(tree.docs[0], "release").unwrap();
        let address = tree.get(release, "address").unwrap();
        let at = tree.position(address);
        assert_eq!((at.line, at.column), (3, 11));
        let inline = tree.get(release, "inline").unwrap();
        let quoted = tree.get(inline, "address").unwrap();
        assert_eq!(tree.scalar(quoted), Some("::"));
        assert_eq!(tree.position(quoted).line, 4);
        assert_eq!(tree.parent_key_of(quoted), Some("inline"));
        assert!(toml("a = ").is_err());
    }
}
