#!/usr/bin/env bash
# `bind-guard scan` side by side with semgrep's Rust bind-all rule, in one run:
#
# 1. Recall and false findings on the annotated fixture tree
#    (bind-guard-cli/tests/scan-fixtures, annotations in its README). A tool "finds"
#    an expected positive when it reports that line; a "false finding" is a reported
#    line that the annotations do not expect (a `none` line or an unannotated one).
#    Rust files and all files are counted apart: semgrep's rule reads Rust only.
# 2. Files per second of both on the same real-code corpus: every file of the crates
#    in the local cargo registry (default: ~/.cargo/registry/src/*/), both tools
#    limited to the same number of jobs (JOBS, default 2).
#
# Usage: scripts/scan-vs-semgrep.sh [CORPUS_DIR]
#        SEMGREP=/path/to/semgrep JOBS=2 scripts/scan-vs-semgrep.sh
# Needs semgrep (`pip install semgrep`) and python3.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/common.sh
source "$repo/scripts/common.sh"
scan_tools_setup
fixtures="$repo/bind-guard-cli/tests/scan-fixtures"
corpus="${1:-$default_corpus}"

# semgrep skips tests/ and other paths through its default .semgrepignore; run it on a
# copy of the fixtures whose path holds none of them, with git ignores off.
cp -r "$fixtures" "$work/fixtures"
"$bind_guard" scan "$work/fixtures" --format json >"$work/bg-fixtures.json" || true
(cd "$work/fixtures" && "$semgrep" scan --quiet --metrics=off --disable-version-check \
    --no-git-ignore --config "$rule" --json --jobs "$jobs" . >"$work/sg-fixtures.json") || true

python3 - "$work/fixtures" "$work/bg-fixtures.json" "$work/sg-fixtures.json" <<'PY'
import json, os, re, sys
root, bg_path, sg_path = sys.argv[1:4]
expected, negatives, suppressed, sinks = {}, set(), set(), {}
for dirpath, _, names in os.walk(root):
    for name in names:
        if name.endswith(".md"):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, root)
        for i, line in enumerate(open(path, encoding="utf-8").read().split("\n")):
            sink = re.search(r"expect-sink-of: (\d+)", line)
            if sink:
                sinks[(rel, i + 1)] = (rel, int(sink.group(1)))
            m = re.search(r"expect(-next)?: (.*)$", line)
            if not m:
                continue
            no = i + 1 + (1 if m.group(1) else 0)
            for item in (a.strip() for a in m.group(2).split(",")):
                if item == "none":
                    negatives.add((rel, no))
                elif item.startswith("suppressed"):
                    suppressed.add((rel, no))
                else:
                    expected[(rel, no)] = expected.get((rel, no), 0) + 1
bg = json.load(open(bg_path))
bg_lines = {(f["uri"], f["line"]) for f in bg["findings"]}
sg = json.load(open(sg_path))
sg_lines = {(os.path.relpath(os.path.join(root, r["path"]), root), r["start"]["line"]) for r in sg["results"]}
# A report at the bind call counts for the value that reaches it.
sg_lines = {sinks.get(k, k) for k in sg_lines}
# Suppressed lines are real wildcards silenced on purpose: neither found nor false.
bg_lines -= suppressed
sg_lines -= suppressed

def row(tool, lines, only_rust):
    keep = lambda k: (not only_rust) or k[0].endswith(".rs")
    exp = {k for k in expected if keep(k)}
    found = len(exp & lines)
    false = sorted(k for k in lines if keep(k) and k not in expected)
    on_negatives = sum(1 for k in false if k in negatives)
    return f"| {tool} | {'Rust' if only_rust else 'all'} | {found}/{len(exp)} ({100 * found / max(len(exp), 1):.0f} %) | {len(false)} ({on_negatives} on `none` lines) |"

print("Fixture tree: %d expected positive lines, %d negative lines" % (len(expected), len(negatives)))
print()
print("| tool | files | recall (lines found) | false findings |")
print("| --- | --- | --- | --- |")
for only_rust in (True, False):
    print(row("bind-guard scan", bg_lines, only_rust))
    print(row("semgrep bind-all", sg_lines, only_rust))
missed = sorted(k for k in expected if k[0].endswith(".rs") and k not in sg_lines)
print()
print("semgrep false findings:", sorted(k for k in sg_lines if k not in expected))
PY

echo
echo "Corpus: $corpus"
rs_files=$(find "$corpus" -name '*.rs' -type f | wc -l)
echo "Rust files: $rs_files"
# Wall time and CPU time (user + system, children included): on a shared machine the
# CPU seconds are the steadier figure.
/usr/bin/time -f "%e %U %S" -o "$work/bg-time" \
    "$bind_guard" scan "$corpus" --format json >"$work/bg-corpus.json" || true
(cd "$corpus" && /usr/bin/time -f "%e %U %S" -o "$work/sg-time" \
    "$semgrep" scan --quiet --metrics=off --disable-version-check --no-git-ignore \
    --config "$rule" --json --jobs "$jobs" --max-target-bytes 0 --timeout 0 . \
    >"$work/sg-corpus.json" 2>"$work/sg-corpus.err") || true
python3 - "$work/bg-corpus.json" "$work/sg-corpus.json" "$work/bg-time" "$work/sg-time" "$rs_files" <<'PY'
import json, sys
bg, sg = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def times(path):
    wall, user, system = (float(x) for x in open(path).read().split()[-3:])
    return wall, user + system
(bg_wall, bg_cpu), (sg_wall, sg_cpu) = times(sys.argv[3]), times(sys.argv[4])
rs = int(sys.argv[5])
sg_files = len(sg.get("paths", {}).get("scanned", [])) or rs
s = bg["summary"]
print()
print("| tool | files scanned | wall s | CPU s | files/s (wall) | files per CPU-second | findings |")
print("| --- | --- | --- | --- | --- | --- | --- |")
print(f"| bind-guard scan | {s['files']} | {bg_wall:.1f} | {bg_cpu:.1f} | {s['files'] / bg_wall:.0f} | {s['files'] / bg_cpu:.0f} | {s['high']} high, {s['low']} low |")
print(f"| semgrep bind-all | {sg_files} | {sg_wall:.1f} | {sg_cpu:.1f} | {sg_files / sg_wall:.0f} | {sg_files / sg_cpu:.0f} | {len(sg['results'])} |")
print(f"\nfiles per CPU-second, bind-guard / semgrep: {(s['files'] / bg_cpu) / (sg_files / sg_cpu):.1f}x")
print(f"bind-guard, 10,000 files on 2 idle cores (CPU s / 2, scaled): {bg_cpu / 2 * 10000 / s['files']:.1f} s")
PY
