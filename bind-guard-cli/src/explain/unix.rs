//! `bind-guard explain unix:/path` and `unix:@name`: what listening on a Unix socket
//! means, and what is at its path on this host now.

use std::path::Path;

use bind_guard::unix::{FileFacts, FileKind, judge_directory};
use bind_guard::{BindError, Escaped, Policy, UnixAddr};
use serde::Serialize;

use crate::json::ErrorJson;
use crate::{EXIT_OK, Outcome};

/// The policies an explanation is judged under: the default, and the abstract opt-in.
const POLICIES: [&str; 2] = ["default", "default,allow_abstract"];

/// The explanation of `text` if it is a Unix socket form; `None` for anything else.
pub(super) fn explain(
    text: &str,
    json: bool,
    not_an_address: impl FnOnce(&BindError) -> Outcome,
) -> Option<Outcome> {
    if !UnixAddr::is_unix_form(text) {
        return None;
    }
    // Read as every policy could: abstract names too; the verdicts come after.
    let addr = match Policy::new().allow_abstract().parse_unix(text) {
        Ok(addr) => addr,
        Err(err) => return Some(not_an_address(&err)),
    };
    let doc = UnixJson::of(text, &addr);
    Some(if json {
        Outcome::json(EXIT_OK, &doc)
    } else {
        Outcome {
            code: EXIT_OK,
            stdout: doc.to_text(),
            stderr: String::new(),
        }
    })
}

/// The JSON document of `explain` for a Unix socket (schema in JSON.md).
#[derive(Debug, Serialize)]
struct UnixJson<'a> {
    input: &'a str,
    valid: bool,
    kind: &'static str,
    address: String,
    path: Option<String>,
    abstract_name: Option<String>,
    meaning: &'static str,
    file: Option<FileJson>,
    directory: Option<DirJson>,
    policies: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct FileJson {
    kind: &'static str,
    mode: String,
    uid: u32,
    gid: u32,
}

#[derive(Debug, Serialize)]
struct DirJson {
    path: String,
    mode: String,
    uid: u32,
    gid: u32,
    problem: Option<String>,
}

const PATH_MEANING: &str = "a Unix socket file: only processes on this host that may write \
    the file can connect (bind-guard makes it with mode 0600, or 0660 and a group); no \
    network reaches it, and no web page (a browser cannot connect to a Unix socket), so a \
    server on it needs no Host check";
const ABSTRACT_MEANING: &str = "an abstract Unix socket (Linux): no file and so no \
    permissions, so any local process in this network namespace may connect, a container \
    that shares the host's network namespace included; no web page reaches it";

fn kind_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Socket => "socket",
        FileKind::Regular => "regular",
        FileKind::Directory => "directory",
        FileKind::Symlink => "symlink",
        _ => "other",
    }
}

impl<'a> UnixJson<'a> {
    fn of(input: &'a str, addr: &UnixAddr) -> Self {
        let mut policies = serde_json::Map::new();
        for text in POLICIES {
            let verdict: Result<UnixAddr, BindError> = text
                .parse::<Policy>()
                .map_err(|_| BindError::new(input, bind_guard::ErrorKind::Invalid))
                .and_then(|policy| policy.parse_unix(input));
            let error = verdict.as_ref().err().map(ErrorJson::new);
            let entry = serde_json::json!({ "allowed": verdict.is_ok(), "error": error });
            policies.insert(text.to_owned(), entry);
        }
        let (file, directory) = match addr.path() {
            Some(path) => live_facts(Path::new(path)),
            None => (None, None),
        };
        UnixJson {
            input,
            valid: true,
            kind: if addr.is_abstract() {
                "unix_abstract"
            } else {
                "unix_path"
            },
            address: addr.to_string(),
            path: addr.path().map(str::to_owned),
            abstract_name: addr.abstract_name().map(str::to_owned),
            meaning: if addr.is_abstract() {
                ABSTRACT_MEANING
            } else {
                PATH_MEANING
            },
            file,
            directory,
            policies,
        }
    }

    fn to_text(&self) -> String {
        let mut out = format!("{}\n  {}\n", Escaped::new(&self.address), self.meaning);
        match (&self.path, &self.file) {
            (Some(_), Some(file)) => out.push_str(&format!(
                "  at the path now: a {} file, mode {}, owner {}, group {}\n",
                file.kind, file.mode, file.uid, file.gid
            )),
            (Some(_), None) => out.push_str("  at the path now: nothing\n"),
            _ => {}
        }
        if let Some(dir) = &self.directory {
            let verdict = match &dir.problem {
                None => "a server running as you may put its socket there".to_owned(),
                Some(problem) => format!("refused for a server running as you: {problem}"),
            };
            out.push_str(&format!(
                "  directory {}: mode {}, owner {}, group {}; {verdict}\n",
                Escaped::new(&dir.path),
                dir.mode,
                dir.uid,
                dir.gid
            ));
        }
        for (policy, verdict) in &self.policies {
            let allowed = verdict.get("allowed") == Some(&serde_json::Value::Bool(true));
            out.push_str(&format!(
                "  policy {policy}: {}\n",
                if allowed { "allowed" } else { "refused" }
            ));
        }
        out
    }
}

/// What is at `path` and its directory now, without following a link at the path.
fn live_facts(path: &Path) -> (Option<FileJson>, Option<DirJson>) {
    let file = FileFacts::lstat(path).ok().map(|f| FileJson {
        kind: kind_name(f.kind),
        mode: format!("{:04o}", f.mode),
        uid: f.uid,
        gid: f.gid,
    });
    let parent = path.parent().unwrap_or(Path::new("/"));
    let directory = FileFacts::stat(parent).ok().map(|d| {
        let (uid, gid) = bind_guard::unix::effective_user();
        DirJson {
            path: parent.display().to_string(),
            mode: format!("{:04o}", d.mode),
            uid: d.uid,
            gid: d.gid,
            problem: judge_directory(&d, uid, gid).err().map(|p| p.to_string()),
        }
    });
    (file, directory)
}
