//! Network namespaces for the exposure tests: made with `ip netns add`, deleted on drop
//! (with their interfaces), and the test binary itself run inside one as a helper.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `ip ARGS` and fails the test, with `ip`'s error, if it fails.
pub fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace, deleted on drop.
#[derive(Debug)]
pub struct Namespace(pub String);

impl Namespace {
    /// Makes the namespace `name`; `None` when it cannot be made (not root, no `ip`).
    pub fn add(name: &str) -> Option<Namespace> {
        let made = Command::new("ip")
            .args(["netns", "add", name])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        made.then(|| Namespace(name.to_owned()))
    }

    /// Its name, for `ip -n NAME` and `ip netns exec NAME`.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        delete(&self.0);
    }
}

/// Deletes namespace `name`, quietly (for types that hold several).
pub fn delete(name: &str) {
    let _ = Command::new("ip")
        .args(["netns", "del", name])
        .stderr(Stdio::null())
        .status();
}

/// Whether namespaces can be made here: a probe namespace, made and deleted.
pub fn can_make(tag: &str) -> bool {
    Namespace::add(&format!("{tag}-probe-{}", std::process::id())).is_some()
}

/// This test binary run as `test` (an `#[ignore]`d helper test) with `role_env=role`,
/// inside namespace `ns`.
pub fn helper(ns: &str, test: &str, role_env: &str, role: &str) -> Command {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", ns]);
    helper_args(&mut command, test);
    command.env(role_env, role);
    command
}

/// Adds this test binary, running only the helper test `test`, to `command`.
pub fn helper_args(command: &mut Command, test: &str) {
    command
        .arg(std::env::current_exe().expect("the test binary's path"))
        .args([
            "--exact",
            test,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]);
}

/// The exit code of `child` (`-1` for a signal), killing it and failing the test if it
/// takes longer than `timeout`.
pub fn exit_code(mut child: Child, timeout: Duration, what: &str) -> i32 {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
