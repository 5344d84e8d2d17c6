//! The one rule for tests that need an environment: network namespaces (root and
//! iproute2), Chromium, `systemd-socket-activate`, `nft`, another user.
//!
//! Under `CI=true` a missing environment is a failure: CI (`.ci/run`) installs all of
//! it, so a skip there would be a test that silently stopped proving its claim. On a
//! developer's machine the group is skipped with one visible line on stderr, once per
//! group and process, written past libtest's capture (which takes only the `print!`
//! and `eprint!` macros), so a skip never looks like a pass.

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Whether this run is CI's, where every environment must be there.
pub fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// `group` cannot run here because of `why`: panics under CI, else says so once (per
/// group and process) and returns, so that the caller returns from its test.
pub fn unavailable(group: &str, why: &str) {
    assert!(
        !under_ci(),
        "{group} cannot run under CI=true: {why} (.ci/run installs what it needs)"
    );
    static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let first = SAID
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(group.to_owned());
    if first {
        // Through the handle, not `eprintln!`: libtest would hide it for a passing test.
        let _ = writeln!(std::io::stderr(), "SKIPPED {group}: {why}");
    }
}

/// `ok`, after the skip of [`unavailable`] when it is false: `if !need(…) { return }`.
pub fn need(ok: bool, group: &str, why: &str) -> bool {
    if !ok {
        unavailable(group, why);
    }
    ok
}

/// Whether `tool --version` runs.
pub fn have_tool(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether this process runs as root (uid 0), from `/proc/self/status`.
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    })
}

/// Why network namespaces cannot be made here (root and `ip` are needed), if they can't.
pub fn namespaces_missing() -> Option<String> {
    if !is_root() {
        Some("needs root to create network namespaces".into())
    } else if !have_tool("ip") {
        Some("needs iproute2 (`ip`)".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn need_passes_what_is_there() {
        assert!(need(true, "anything", "never said"));
    }

    #[test]
    fn a_missing_environment_fails_under_ci_and_is_said_elsewhere() {
        // The rule reads CI once per call; this test sees the real environment.
        let outcome = std::panic::catch_unwind(|| {
            need(
                false,
                "support-self-test",
                "the environment rule tests itself; no test was skipped",
            )
        });
        if under_ci() {
            assert!(outcome.is_err(), "under CI a missing environment fails");
        } else {
            assert_eq!(outcome.ok(), Some(false));
        }
    }
}
