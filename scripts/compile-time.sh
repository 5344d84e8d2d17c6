#!/usr/bin/env bash
# What `bind_addr!` costs the compiler.
#
# 1. The macro crate's clean build: bind-guard-macros with its dependencies (syn, quote,
#    proc-macro2, and bind-guard-core with ipnet and thiserror) from nothing, then the
#    crate alone.
# 2. A file with N `bind_addr!` constants against the same file with N hand-built
#    `SocketAddr` constants (`SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(..), port))`),
#    same addresses. Both are binaries of one throw-away crate that depends on bind-guard
#    by path; the dependencies are built first, then only the final crate is timed
#    (`touch` + `cargo build`, incremental compilation off), RUNS times each,
#    alternating, and the medians compared.
#
# Usage: scripts/compile-time.sh [N] [RUNS]     (defaults: 1000 and 7)
#        PROFILE=release scripts/compile-time.sh  (default: dev, the edit-compile loop)
# Prints the figures and the ratio; the target is at most 1.5x.
set -euo pipefail

n="${1:-1000}"
runs="${2:-7}"
profile="${PROFILE:-dev}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bind-guard-compile-time.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Always a fresh target dir: the clean build must be clean.
export CARGO_TARGET_DIR="$work/target"
# Without this, `touch` + `cargo build` would mostly replay rustc's incremental cache
# (the file did not change), and time the cache rather than the compiler's work.
export CARGO_INCREMENTAL=0

source "$repo/scripts/common.sh"
write_probe_manifest "$work" compile-time-check

# N distinct IPv4 socket addresses, written both ways. The array uses every constant,
# so each one is evaluated, and main reads one at run time so nothing is dropped.
{
    echo '//! Generated: N bind_addr! constants.'
    echo 'use bind_guard::{BindAddr, bind_addr};'
    for ((i = 0; i < n; i++)); do
        printf 'pub const A%d: BindAddr = bind_addr!("10.%d.%d.%d:%d");\n' \
            "$i" $(((i >> 16) & 255)) $(((i >> 8) & 255)) $((i & 255)) $((1024 + i % 60000))
    done
    echo "pub static ALL: [BindAddr; $n] = ["
} >"$work/src/bin/with_macro.rs"
{
    echo '//! Generated: N hand-built SocketAddr constants.'
    echo 'use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};'
    for ((i = 0; i < n; i++)); do
        printf 'pub const A%d: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(10, %d, %d, %d), %d));\n' \
            "$i" $(((i >> 16) & 255)) $(((i >> 8) & 255)) $((i & 255)) $((1024 + i % 60000))
    done
    echo "pub static ALL: [SocketAddr; $n] = ["
} >"$work/src/bin/with_socketaddr.rs"
for bin in with_macro with_socketaddr; do
    {
        for ((i = 0; i < n; i++)); do printf '    A%d,\n' "$i"; done
        echo '];'
        echo 'fn main() {'
        echo "    let i = std::env::args().count() % $n;"
        echo '    println!("{}", ALL[i]);'
        echo '}'
    } >>"$work/src/bin/$bin.rs"
done

cargo_build() {
    cargo build --quiet --manifest-path "$work/Cargo.toml" --profile "$profile" "$@"
}

# Seconds (with milliseconds) that a command takes.
seconds() {
    local start end
    start=$(date +%s%N)
    "$@"
    end=$(date +%s%N)
    awk -v ns="$((end - start))" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "toolchain: $(cd "$work" && rustc --version)"
echo "profile: $profile, N = $n, runs = $runs"
echo

echo "== the macro crate, clean build =="
with_deps=$(seconds cargo_build -p bind-guard-macros)
cargo clean --quiet --manifest-path "$work/Cargo.toml" --profile "$profile" -p bind-guard-macros
alone=$(seconds cargo_build -p bind-guard-macros)
echo "bind-guard-macros with syn/quote/proc-macro2/bind-guard-core: ${with_deps}s"
echo "bind-guard-macros alone:                                       ${alone}s"
echo

echo "== $n constants: bind_addr! against hand-built SocketAddr =="
# Dependencies and a first build of both binaries, untimed.
cargo_build --bins
: >"$work/macro.times"
: >"$work/plain.times"
for ((i = 1; i <= runs; i++)); do
    # Alternate the order so that a trend in the machine's load hits both alike.
    if ((i % 2)); then order="with_macro with_socketaddr"; else order="with_socketaddr with_macro"; fi
    for bin in $order; do
        touch "$work/src/bin/$bin.rs"
        t=$(seconds cargo_build --bin "$bin")
        if [ "$bin" = with_macro ]; then echo "$t" >>"$work/macro.times"; else echo "$t" >>"$work/plain.times"; fi
    done
done
macro_median=$(median <"$work/macro.times")
plain_median=$(median <"$work/plain.times")
ratio=$(awk -v a="$macro_median" -v b="$plain_median" 'BEGIN { printf "%.2f", a / b }')
echo "bind_addr! runs (s):   $(tr '\n' ' ' <"$work/macro.times")"
echo "SocketAddr runs (s):   $(tr '\n' ' ' <"$work/plain.times")"
echo "median, bind_addr!:    ${macro_median}s"
echo "median, SocketAddr:    ${plain_median}s"
echo "ratio:                 ${ratio}x (target: at most 1.5x)"
"$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")/with_macro" >/dev/null
