//! The workspace's examples as the tests run them: the executables that the README's
//! test command (`cargo test --workspace --all-features`) builds anyway, found by asking
//! the same command with `--no-run`. Under that command they are already fresh, so
//! finding them costs a fraction of a second; a test run alone builds them (and the
//! rest of the workspace's tests) once.
//!
//! Why not `cargo build --example NAME`: `cargo test --workspace` unifies features
//! across every package's dev-dependencies, `cargo build` does not, so a `cargo build`
//! of the same example is a different build of bind-guard, tokio and axum, which cost
//! the suite half a minute.

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
            "test",
            "--no-run",
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
        // Built as a program (`cargo test` builds examples so), not as a test harness.
        let is_example = kinds
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "example"))
            && message["profile"]["test"] == false;
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
