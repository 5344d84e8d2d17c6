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
