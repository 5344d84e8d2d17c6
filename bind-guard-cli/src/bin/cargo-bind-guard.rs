//! `cargo bind-guard …`: cargo finds `cargo-bind-guard` on the `PATH` and runs it as
//! `cargo-bind-guard bind-guard scan …`. This drops the `bind-guard` cargo passes and
//! runs the `bind-guard` binary installed beside it (`cargo install bind-guard-cli`
//! installs both), so the two are one program: same arguments, output and exit codes.

use std::ffi::OsString;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|first| first == "bind-guard") {
        args.remove(0);
    }
    let binary = match std::env::current_exe() {
        Ok(path) => path.with_file_name(format!("bind-guard{}", std::env::consts::EXE_SUFFIX)),
        Err(err) => return fail(&format!("cannot find its own path: {err}")),
    };
    match Command::new(&binary).args(&args).status() {
        Ok(status) => match status.code() {
            // Exit codes are 0, 1 and 2.
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
            None => fail("bind-guard was stopped by a signal"),
        },
        Err(err) => fail(&format!(
            "cannot run {}: {err} (cargo install bind-guard-cli installs it beside cargo-bind-guard)",
            binary.display()
        )),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("cargo-bind-guard: {}", bind_guard::Escaped::new(message));
    ExitCode::from(2)
}
