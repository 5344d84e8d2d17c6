#!/usr/bin/env bash
# Files per second of `bind-guard scan`, side by side with semgrep (its Rust bind-all
# rule, scripts/semgrep-bind-all.yaml) and with `rg` reading the same files (the
# floor: reading and matching one regex, no parsing), on each corpus given:
#
#   scripts/scan-speed.sh [DIR...]     default: the local cargo registry's sources
#   JOBS=2 SEMGREP=/path/to/semgrep scripts/scan-speed.sh ~/.cargo/registry/src/*/ repos/a repos/b
#
# Every tool gets JOBS threads (default 2). Wall time and CPU time (user + system) are
# both reported: on a shared machine the CPU seconds are the steadier figure. Needs
# python3, rg (apt-get install ripgrep); semgrep is optional (pip install semgrep).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/common.sh
source "$repo/scripts/common.sh"
scan_tools_setup
if [ "$#" -eq 0 ]; then
    set -- "$default_corpus"
fi

# CPU and wall seconds of a command: "wall cpu".
timed() {
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
    tail -n 1 "$work/time" | awk '{ printf "%s %.2f", $1, $2 + $3 }'
}

echo "| corpus | tool | files | wall s | CPU s | files/s (wall) | files per CPU-second |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for corpus in "$@"; do
    name="$(basename "$corpus")"
    # bind-guard: the files it reads are in its summary.
    read -r wall cpu <<<"$(timed taskset -c "0-$((jobs - 1))" "$bind_guard" scan "$corpus" --format json)"
    files=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["files"])' "$work/out")
    python3 - "$name" "bind-guard scan" "$files" "$wall" "$cpu" <<'PY'
import sys
name, tool, files, wall, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"| {name} | {tool} | {files} | {wall:.1f} | {cpu:.1f} | {files / max(wall, 0.01):.0f} | {files / max(cpu, 0.01):.0f} |")
PY
    # rg over the same kinds of file, skipping the same directories.
    find "$corpus" \( -name .git -o -name target -o -name node_modules \) -prune -o -type f \
        \( -name '*.rs' -o -name '*.yml' -o -name '*.yaml' -o -name '*.toml' -o -name '*config*.json' \
        -o -name '*settings*.json' -o -name '.env' -o -name '.env.*' -o -name '*.env' \
        -o -name '*.socket' -o -name '*.service' -o -name 'Dockerfile*' -o -name 'Containerfile' \) \
        -print0 >"$work/files"
    rg_files=$(tr -cd '\0' <"$work/files" | wc -c)
    read -r wall cpu <<<"$(timed sh -c "xargs -0 -n 2000 rg -j $jobs --no-ignore -c '0\\.0\\.0\\.0|\\[::\\]|UNSPECIFIED|INADDR_ANY' <'$work/files'")"
    python3 - "$name" "rg (read + one regex)" "$rg_files" "$wall" "$cpu" <<'PY'
import sys
name, tool, files, wall, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"| {name} | {tool} | {files} | {wall:.1f} | {cpu:.1f} | {files / max(wall, 0.01):.0f} | {files / max(cpu, 0.01):.0f} |")
PY
    if command -v "$semgrep" >/dev/null 2>&1; then
        read -r wall cpu <<<"$(cd "$corpus" && timed "$semgrep" scan --quiet --metrics=off --disable-version-check \
            --no-git-ignore --config "$rule" --json --jobs "$jobs" --max-target-bytes 0 --timeout 0 .)"
        sg_files=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("paths", {}).get("scanned", [])))' "$work/out" 2>/dev/null || echo 0)
        python3 - "$name" "semgrep bind-all (Rust only)" "$sg_files" "$wall" "$cpu" <<'PY'
import sys
name, tool, files, wall, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"| {name} | {tool} | {files} | {wall:.1f} | {cpu:.1f} | {files / max(wall, 0.01):.0f} | {files / max(cpu, 0.01):.0f} |")
PY
    else
        echo "| $name | semgrep | (not installed) | | | | |"
    fi
done
