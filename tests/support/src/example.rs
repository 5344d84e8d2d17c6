//! The workspace's examples as the tests run them: built by the cargo running the
//! test, into the same target directory and profile, with the options the README's
//! test command builds everything with (`--workspace --all-features`), so that under
//! `cargo test --workspace --all-features` the build is already fresh and costs
//! nothing, and a test run alone builds once what all of them share.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test's profile directory (`TARGET/PROFILE`, from `TARGET/PROFILE/deps/test-HASH`).
fn profile_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| "unexpected test binary location".into())
}

/// Builds the examples `names` and returns each one's executable.
///
/// # Errors
///
/// Cargo's error output when the build fails, or the names it built no binary for.
pub fn build(names: &[&str]) -> Result<HashMap<String, PathBuf>, String> {
    let profile_dir = profile_dir()?;
    let target_dir = profile_dir
        .parent()
        .ok_or("unexpected test binary location")?;
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--workspace",
            "--all-features",
            "--message-format=json",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    for name in names {
        cmd.args(["--example", name]);
    }
    let output = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let mut built = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let kinds = &message["target"]["kind"];
        let is_example = kinds
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "example"));
        if let (true, Some(name), Some(exe)) = (
            is_example,
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            built.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    match names.iter().find(|name| !built.contains_key(**name)) {
        Some(missing) => Err(format!("cargo built no executable for example {missing}")),
        None => Ok(built),
    }
}

/// Builds one example and returns its executable; panics with cargo's output when it
/// does not build.
pub fn path(name: &str) -> PathBuf {
    match build(&[name]) {
        Ok(mut built) => built.remove(name).unwrap_or_default(),
        Err(err) => panic!("building the example {name} failed:\n{err}"),
    }
}
