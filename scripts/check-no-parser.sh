#!/usr/bin/env bash
# Shows that `bind_addr!` builds its values at compile time: a release build of
# examples/const_only.rs (every address from the macro) contains no machine code from
# the parser (bind-guard/core/src/text/parse.rs) or its error diagnosis
# (bind-guard/core/src/text/diagnose.rs). The macro runs that parser while it expands,
# in the compiler; the binary only gets the address's parts.
#
# Both binaries are built with line tables, so code from those files is found even when
# it was inlined into another function: `objdump -d -l` names the source file of every
# instruction. A control binary that parses one address at run time is built and checked
# the same way; the script fails if the control shows no parser code, since then the
# check could not have seen any.
#
# Usage: scripts/check-no-parser.sh        (needs cargo, objdump and nm from binutils)
# Exit status: 0 if const_only has no parser code and the control has some, 1 otherwise.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bind-guard-no-parser.XXXXXX")"
trap 'rm -rf "$work"' EXIT
target="${CARGO_TARGET_DIR:-$work/target}"

for tool in cargo objdump nm; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done

# A throw-away crate with the two programs.
source "$repo/scripts/common.sh"
write_probe_manifest "$work" no-parser-check
cat >>"$work/Cargo.toml" <<EOF

[[bin]]
name = "const_only"
path = "$repo/examples/const_only.rs"

[[bin]]
name = "control"
path = "src/bin/control.rs"

[profile.release]
debug = "line-tables-only"
strip = "none"
EOF
cat >"$work/src/bin/control.rs" <<'EOF'
//! The control: the same kind of program, but it parses an address at run time.
use bind_guard::BindAddr;

fn main() {
    let text = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    match text.parse::<BindAddr>() {
        Ok(addr) => println!("{addr}"),
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}
EOF

echo "building both programs in release (target dir: $target)..."
CARGO_TARGET_DIR="$target" cargo build --quiet --release --manifest-path "$work/Cargo.toml" --bins

# Spans of machine code attributed to the parser's source files (objdump -l prints one
# file:line header per run of instructions from the same line), and parser symbols.
parser_lines() {
    objdump -d -l --no-show-raw-insn "$1" | grep -cE 'bind-guard/core/src/text/(parse|diagnose)\.rs:' || true
}
parser_symbols() {
    nm --demangle "$1" | grep -cE 'bind_guard_core::text::(parse|diagnose)::|parse_const' || true
}

status=0
printf '\n%-12s %30s %16s\n' program "code spans from parse/diagnose.rs" "parser symbols"
for bin in const_only control; do
    path="$target/release/$bin"
    printf '%-12s %30s %16s\n' "$bin" "$(parser_lines "$path")" "$(parser_symbols "$path")"
done
echo

const_lines="$(parser_lines "$target/release/const_only")"
const_syms="$(parser_symbols "$target/release/const_only")"
control_lines="$(parser_lines "$target/release/control")"

if [ "$control_lines" -eq 0 ]; then
    echo "FAIL: the control parses at run time, yet no parser code was found in it: the check is blind" >&2
    status=1
fi
if [ "$const_lines" -ne 0 ] || [ "$const_syms" -ne 0 ]; then
    echo "FAIL: const_only contains parser code:" >&2
    # `head` may close the pipe early; that is not a failure of the script.
    objdump -d -l --no-show-raw-insn "$target/release/const_only" |
        grep -E 'bind-guard/core/src/text/(parse|diagnose)\.rs:' | sort | uniq -c | head -20 >&2 || true
    status=1
fi

# The programs must also work: the values really are there.
"$target/release/const_only" | grep -q '^api      127.0.0.1:8080$' || {
    echo "FAIL: const_only did not print its addresses" >&2
    status=1
}
[ "$("$target/release/control" '[::1]:9')" = "[::1]:9" ] || {
    echo "FAIL: the control did not parse" >&2
    status=1
}

if [ "$status" -eq 0 ]; then
    echo "OK: const_only has no parser code; the control, which parses at run time, has $control_lines code spans from those files"
fi
exit "$status"
