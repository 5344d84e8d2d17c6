# Shared by the measurement scripts: sourced, not run.

# write_probe_manifest DIR NAME: a throw-away crate in DIR, outside the workspace, that
# depends on bind-guard by path (so only the library's own dependencies are built, not
# the workspace's examples and tests), with the workspace's Cargo.lock.
write_probe_manifest() {
    local dir="$1" name="$2"
    mkdir -p "$dir/src/bin"
    [ -f "$repo/Cargo.lock" ] && cp "$repo/Cargo.lock" "$dir/"
    cat >"$dir/Cargo.toml" <<MANIFEST
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
bind-guard = { path = "$repo/bind-guard" }
MANIFEST
}

# scan_tools_setup: what the scan measurements share. Sets `rule` (semgrep's Rust
# bind-all rule), `semgrep` (SEMGREP, default on PATH), `jobs` (JOBS, default 2), a
# scratch directory `work` removed on exit, `default_corpus` (the local cargo
# registry's sources) and `bind_guard` (the CLI, built in release mode).
scan_tools_setup() {
    rule="$repo/scripts/semgrep-bind-all.yaml"
    semgrep="${SEMGREP:-semgrep}"
    jobs="${JOBS:-2}"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    default_corpus="$(ls -d "$HOME"/.cargo/registry/src/*/ 2>/dev/null | head -n 1 || true)"
    cargo build --quiet --release -p bind-guard-cli --manifest-path "$repo/Cargo.toml"
    bind_guard="$repo/target/release/bind-guard"
}
