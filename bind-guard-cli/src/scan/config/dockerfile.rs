//! Dockerfiles: the server's command line (`CMD`, `ENTRYPOINT`, exec or shell form)
//! and `ENV` settings.
//!
//! Inside a container the wildcard is how a server becomes reachable through a
//! published port; the finding says where it is set so that the publishing
//! (`-p 127.0.0.1:8080:8080`) can be checked, or the address read from configuration.

use super::super::Finding;
use super::args::{self, Word};
use super::keys;
use super::tree::LineIndex;

/// One instruction: its keyword and the byte range of its arguments (continuation
/// lines included).
struct Instruction {
    keyword: String,
    start: usize,
    end: usize,
}

fn instructions(text: &str) -> Vec<Instruction> {
    // `# escape=`` ` changes the continuation character (Windows images).
    let escape = text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .find_map(|l| {
            l.trim_start()
                .trim_start_matches('#')
                .trim()
                .strip_prefix("escape=")
        })
        .and_then(|e| e.trim().chars().next())
        .unwrap_or('\\');
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < text.len() {
        let rest = text.get(offset..).unwrap_or_default();
        let mut end = offset;
        // Extend over continuation lines.
        let mut cursor = rest;
        loop {
            let line_len = cursor.find('\n').map_or(cursor.len(), |at| at + 1);
            let line = cursor.get(..line_len).unwrap_or_default();
            end += line_len;
            cursor = cursor.get(line_len..).unwrap_or_default();
            if !line.trim_end().ends_with(escape) || cursor.is_empty() {
                break;
            }
        }
        let body = text.get(offset..end).unwrap_or_default();
        let trimmed = body.trim_start();
        if !trimmed.starts_with('#') && !trimmed.is_empty() {
            let keyword_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            let start = offset + (body.len() - trimmed.len()) + keyword_len;
            out.push(Instruction {
                keyword: trimmed
                    .get(..keyword_len)
                    .unwrap_or_default()
                    .to_ascii_uppercase(),
                start,
                end,
            });
        }
        offset = end;
    }
    out
}

/// The strings of a JSON array (`["app", "--host", "0.0.0.0"]`) and their byte
/// offsets, or `None` when the text is not one (then it is the shell form).
fn exec_form(text: &str, base: usize) -> Option<Vec<(String, usize)>> {
    let trimmed = text.trim_start();
    let inner_start = base + (text.len() - trimmed.len()) + 1;
    let inner = trimmed.strip_prefix('[')?;
    let mut out = Vec::new();
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next()? {
                        (_, '"') => break,
                        (_, '\\') => {
                            let (_, escaped) = chars.next()?;
                            value.push(if escaped == 'n' { '\n' } else { escaped });
                        }
                        (_, c) => value.push(c),
                    }
                }
                out.push((value, inner_start + at + 1));
            }
            ']' => return Some(out),
            c if c.is_whitespace() || c == ',' || c == '\\' => {}
            _ => return None,
        }
    }
    None
}

/// Shell-form words and their byte offsets: split at white space and continuations,
/// quotes removed.
fn shell_words(text: &str, base: usize, escape: char) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                current.get_or_insert_with(|| (String::new(), base + at + 1));
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() || c == escape => out.extend(current.take()),
            (_, c) => current
                .get_or_insert_with(|| (String::new(), base + at))
                .0
                .push(c),
        }
    }
    out.extend(current);
    out
}

/// Findings in a Dockerfile.
pub(crate) fn scan(text: &str, findings: &mut Vec<Finding>) {
    let index = LineIndex::new(text);
    let word = |(text_, at): (String, usize)| {
        let (line, column) = index.point(text, at);
        Word {
            text: text_,
            line,
            column,
        }
    };
    for instruction in instructions(text) {
        let body = text
            .get(instruction.start..instruction.end)
            .unwrap_or_default();
        match instruction.keyword.as_str() {
            "CMD" | "ENTRYPOINT" => {
                let words = exec_form(body, instruction.start)
                    .unwrap_or_else(|| shell_words(body, instruction.start, '\\'));
                let words: Vec<Word> = words.into_iter().map(word).collect();
                args::scan(&words, &instruction.keyword, findings);
            }
            "ENV" => {
                let words = shell_words(body, instruction.start, '\\');
                // A value and where it starts, for each variable the instruction sets.
                let mut set = |name: &str, value: &str, at: usize| {
                    let (line, column) = index.point(text, at);
                    let position = super::super::Position::of(line, column, value);
                    keys::env_finding(name, value, position, findings);
                };
                if words.iter().any(|(w, _)| w.contains('=')) {
                    for (w, at) in &words {
                        if let Some((name, value)) = w.split_once('=') {
                            set(name, value, at + name.len() + 1);
                        }
                    }
                } else if let [(name, _), (value, at), ..] = words.as_slice() {
                    // `ENV NAME value` (the legacy form).
                    set(name, value, *at);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(usize, usize)> {
        let mut findings = Vec::new();
        scan(text, &mut findings);
        findings
            .iter()
            .map(|f| (f.position.line, f.position.column))
            .collect()
    }

    #[test]
    fn commands_and_env() {
        assert_eq!(
            found("FROM x\nCMD [\"app\", \"--host\", \"0.0.0.0\"]\n"),
            [(2, 24)]
        );
        assert_eq!(found("CMD app --host=0.0.0.0\n"), [(1, 16)]);
        assert_eq!(
            found("ENTRYPOINT [\"app\", \\\n  \"--bind\", \"[::]:80\"]\n"),
            [(2, 14)]
        );
        assert_eq!(found("CMD app \\\n    --listen 0.0.0.0:1\n"), [(2, 14)]);
        assert_eq!(found("ENV HOST=0.0.0.0 PORT=80\n"), [(1, 10)]);
        assert_eq!(found("ENV HOST 0.0.0.0\n"), [(1, 10)]);
        assert_eq!(
            found("# CMD app --host 0.0.0.0\nRUN app --host 0.0.0.0\n"),
            []
        );
        assert_eq!(found("CMD [\"app\", \"--host\", \"127.0.0.1\"]\n"), []);
        assert_eq!(found("CMD [\"unclosed\n"), []);
    }
}
