//! Every `cargo run` and `cargo build` command in the README works as written: the test
//! reads them from the README (code blocks, and inline code such as the examples
//! table), and runs each `cargo run` with its variables and program arguments until it
//! serves (a line on stdout) or ends (it must end with success). A command that stops
//! with "requires the features" fails here.
//!
//! Two tests, one cost each:
//!
//! - `every_cargo_command_of_the_readme_names_its_features_and_runs` (every run): each
//!   command's `--features`, with the features they imply, hold the `required-features`
//!   of its example (read from `cargo metadata`), and each `cargo run` runs its example
//!   with the command's variables and arguments. The program is the one the README's
//!   test command builds (with every feature), so this costs seconds.
//! - `every_cargo_command_of_the_readme_builds_and_runs_as_written` (`--ignored`; CI
//!   runs it as a step of its own): builds each command with exactly its arguments, one
//!   build of bind-guard, tokio and axum per feature set (a minute on two cores), and
//!   runs that build.
//!
//! Commands with a placeholder (`…`) are templates, not commands, and are skipped (and
//! counted). A serving example on a fixed port may find the port taken on a shared
//! machine: then its "address in use" error is accepted and said.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

/// One command as the README writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadmeCommand {
    /// The line, as written (for messages).
    line: String,
    /// `NAME=value` assignments before `cargo`.
    env: Vec<(String, String)>,
    /// `run` or `build`.
    verb: String,
    /// The arguments of cargo (before `--`).
    cargo_args: Vec<String>,
    /// The program's arguments (after `--`).
    program_args: Vec<String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Splits a shell line into words: single and double quotes, no expansion (the README
/// uses none).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The command in `text` (a code line or an inline code span), if it is a cargo run or
/// build; `Err` for a template.
fn parse(text: &str) -> Option<Result<ReadmeCommand, String>> {
    let text = text.trim().trim_start_matches("$ ");
    // A trailing shell comment.
    let text = match text.find(" #") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut env = Vec::new();
    let mut rest = words(text).into_iter().peekable();
    while let Some(word) = rest.peek() {
        match word.split_once('=') {
            Some((name, value))
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
            {
                env.push((name.to_owned(), value.to_owned()));
                rest.next();
            }
            _ => break,
        }
    }
    if rest.next().as_deref() != Some("cargo") {
        return None;
    }
    let verb = rest.next()?;
    if verb != "run" && verb != "build" {
        return None;
    }
    if text.contains('…') {
        return Some(Err(text.to_owned()));
    }
    let args: Vec<String> = rest.collect();
    let (cargo_args, program_args) = match args.iter().position(|a| a == "--") {
        Some(at) => (args[..at].to_vec(), args[at + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    Some(Ok(ReadmeCommand {
        line: text.to_owned(),
        env,
        verb,
        cargo_args,
        program_args,
    }))
}

/// Every cargo command of a Markdown text: the lines of its code blocks and its inline
/// code spans outside them.
fn commands(markdown: &str) -> (Vec<ReadmeCommand>, Vec<String>) {
    let mut found = Vec::new();
    let mut templates = Vec::new();
    let mut in_block = false;
    let mut add = |text: &str| match parse(text) {
        Some(Ok(command)) if !found.contains(&command) => found.push(command),
        Some(Err(template)) => templates.push(template),
        _ => {}
    };
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            add(line);
            continue;
        }
        // Inline code spans: text between single backticks.
        let mut spans = line.split('`');
        spans.next();
        while let Some(span) = spans.next() {
            add(span);
            spans.next();
        }
    }
    (found, templates)
}

#[test]
fn commands_are_found_in_blocks_and_inline() {
    let text = "run `cargo run --example a -- --bind 127.0.0.1:0` and\n```sh\n$ X_Y='[::1]:1' cargo run --example b --features f   # comment\ncargo test\n```\n`cargo run -p c -- …`\n";
    let (found, templates) = commands(text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].cargo_args, ["--example", "a"]);
    assert_eq!(found[0].program_args, ["--bind", "127.0.0.1:0"]);
    assert_eq!(found[1].env, [("X_Y".to_owned(), "[::1]:1".to_owned())]);
    assert_eq!(found[1].cargo_args, ["--example", "b", "--features", "f"]);
    assert_eq!(templates, ["cargo run -p c -- …"]);
}

/// Builds `command`'s target into this test's target directory; the executable of a
/// `cargo run`.
fn build(command: &ReadmeCommand) -> Result<Option<PathBuf>, String> {
    let exe = std::env::current_exe().unwrap();
    let target_dir = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap();
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(repo_root())
        .arg("build")
        .args(&command.cargo_args)
        .arg("--message-format=json-render-diagnostics")
        .arg("--target-dir")
        .arg(target_dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::piped());
    let output = cargo.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    if command.verb != "run" {
        return Ok(None);
    }
    let executables: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .collect();
    match executables.as_slice() {
        [one] => Ok(Some(one.clone())),
        other => Err(format!("not one executable: {other:?}")),
    }
}

/// Runs a built `cargo run` command: `Ok(note)` when it served or ended with success.
fn run(command: &ReadmeCommand, exe: &Path) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("bind-guard-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(exe)
        .current_dir(&dir)
        .args(&command.program_args)
        .envs(command.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let result = loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            break if status.success() {
                Ok("ran to the end".to_owned())
            } else if stderr.to_lowercase().contains("address in use")
                || stderr.to_lowercase().contains("address already in use")
            {
                Ok(format!(
                    "its port is taken on this machine: {}",
                    stderr.trim()
                ))
            } else {
                Err(format!("{status}: {stderr}"))
            };
        }
        if let Ok(line) = lines.try_recv() {
            // It serves: still up a moment later?
            std::thread::sleep(Duration::from_millis(500));
            if child.try_wait().unwrap().is_none() {
                break Ok(format!("serving ({line})"));
            }
            continue;
        }
        if started.elapsed() > TIMEOUT {
            break Err(format!("neither served nor ended in {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The cargo commands of both READMEs (the workspace's and the crate's, for
/// crates.io), each once, and the templates among them.
fn readme_commands() -> (Vec<ReadmeCommand>, Vec<String>) {
    let readme = ["README.md", "bind-guard/README.md"]
        .map(|path| std::fs::read_to_string(repo_root().join(path)).unwrap())
        .join("\n");
    let (mut found, templates) = commands(&readme);
    let mut seen = HashSet::new();
    found.retain(|command| seen.insert(command.line.clone()));
    assert!(
        found.iter().filter(|c| c.verb == "run").count() >= 5,
        "{found:#?}"
    );
    (found, templates)
}

/// Checks every README command with `check`, which gives the executable to run for a
/// `cargo run` (`None` for a `cargo build`, which has nothing to run).
fn check_every_command(check: impl Fn(&ReadmeCommand) -> Result<Option<PathBuf>, String>) {
    let (found, templates) = readme_commands();
    let mut failures = Vec::new();
    for command in &found {
        match check(command) {
            Err(err) => failures.push(format!("{}: {err}", command.line)),
            Ok(None) => eprintln!("checked: {}", command.line),
            Ok(Some(exe)) => match run(command, &exe) {
                Ok(note) => eprintln!("ran: {}: {note}", command.line),
                Err(err) => failures.push(format!("{}: {err}", command.line)),
            },
        }
    }
    for template in templates {
        eprintln!("skipped (a template): {template}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What `cargo metadata` says of the examples package: each example's
/// `required-features`, and each feature's list (to follow what a feature implies).
struct Examples {
    required: HashMap<String, Vec<String>>,
    features: HashMap<String, Vec<String>>,
}

impl Examples {
    fn read() -> Examples {
        let output = Command::new(env!("CARGO"))
            .current_dir(repo_root())
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let package = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == EXAMPLES_PACKAGE)
            .expect("the examples package");
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let required = package["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "example"))
            .map(|t| {
                let name = t["name"].as_str().unwrap().to_owned();
                (name, strings(&t["required-features"]))
            })
            .collect();
        let features = package["features"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, list)| (name.clone(), strings(list)))
            .collect();
        Examples { required, features }
    }

    /// The features of the examples package that `cargo_args` turn on: `default`
    /// unless `--no-default-features`, each `--features` entry (bare or
    /// `bind-guard-examples/NAME`), and everything those imply.
    fn enabled(&self, cargo_args: &[String]) -> HashSet<String> {
        let mut todo: Vec<String> = Vec::new();
        if !cargo_args.iter().any(|a| a == "--no-default-features") {
            todo.push("default".to_owned());
        }
        let mut args = cargo_args.iter();
        while let Some(arg) = args.next() {
            let list = match arg.strip_prefix("--features") {
                Some("") => args.next().cloned().unwrap_or_default(),
                Some(rest) => rest.trim_start_matches('=').to_owned(),
                None => continue,
            };
            for feature in list.split([',', ' ']).filter(|f| !f.is_empty()) {
                let own = feature.strip_prefix(&format!("{EXAMPLES_PACKAGE}/"));
                todo.push(own.unwrap_or(feature).to_owned());
            }
        }
        let mut enabled = HashSet::new();
        while let Some(feature) = todo.pop() {
            // Each feature's list is followed once.
            if let Some(implied) = self
                .features
                .get(&feature)
                .filter(|_| !enabled.contains(&feature))
            {
                todo.extend(implied.iter().cloned());
            }
            enabled.insert(feature);
        }
        enabled
    }
}

const EXAMPLES_PACKAGE: &str = "bind-guard-examples";

/// The value of `--example NAME` (or `--example=NAME`) in `cargo_args`.
fn example_name(cargo_args: &[String]) -> Option<String> {
    let at = cargo_args.iter().position(|a| a == "--example")?;
    cargo_args.get(at + 1).cloned().or_else(|| {
        cargo_args
            .iter()
            .find_map(|a| a.strip_prefix("--example=").map(str::to_owned))
    })
}

#[test]
fn every_cargo_command_of_the_readme_names_its_features_and_runs() {
    let examples = Examples::read();
    let built = std::sync::OnceLock::new();
    check_every_command(|command| {
        let Some(name) = example_name(&command.cargo_args) else {
            // `cargo build` of the default member: no example, nothing to require.
            return if command.verb == "build" {
                Ok(None)
            } else {
                Err("a `cargo run` of no example; only examples are run here".to_owned())
            };
        };
        let required = examples
            .required
            .get(&name)
            .ok_or_else(|| format!("there is no example {name}"))?;
        let enabled = examples.enabled(&command.cargo_args);
        let missing: Vec<&String> = required.iter().filter(|f| !enabled.contains(*f)).collect();
        if !missing.is_empty() {
            return Err(format!("the example requires the features {missing:?}"));
        }
        if command.verb != "run" {
            return Ok(None);
        }
        let built = built.get_or_init(|| {
            let names: Vec<&str> = examples.required.keys().map(String::as_str).collect();
            bind_guard_test_support::example::build(&names)
        });
        let built = built.as_ref().map_err(Clone::clone)?;
        Ok(built.get(&name).cloned())
    });
}

#[test]
fn enabled_features_follow_what_a_feature_implies() {
    let examples = Examples {
        required: HashMap::new(),
        features: [
            ("default", vec![]),
            ("service", vec!["axum", "toml", "bind-guard/serve"]),
            ("axum", vec!["dep:axum"]),
            ("toml", vec![]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect(),
    };
    let args = |line: &str| -> Vec<String> { line.split(' ').map(str::to_owned).collect() };
    let on = examples.enabled(&args("--example service --features service"));
    assert!(on.contains("axum") && on.contains("toml") && on.contains("service"));
    let on = examples.enabled(&args("--example x --features=bind-guard-examples/axum"));
    assert!(on.contains("axum") && !on.contains("toml"));
    assert!(!examples.enabled(&args("--example x")).contains("axum"));
}

#[test]
#[ignore = "builds each README command with its own features (a minute on two cores); CI runs it: cargo test -p bind-guard-tests --test readme_commands -- --ignored"]
fn every_cargo_command_of_the_readme_builds_and_runs_as_written() {
    check_every_command(|command| build(command).map_err(|err| format!("does not build: {err}")));
}
