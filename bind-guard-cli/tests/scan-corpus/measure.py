#!/usr/bin/env python3
"""Precision and recall of `bind-guard scan` on the labelled corpus.

The corpus is two disjoint sets of real repositories (repos.tsv): `tune`, which rules
were changed against, and `measure`, labelled from candidates.py's independent grep
before any rule was changed and not looked at while changing them. labels/SET.tsv has
one line per labelled source line: repo, file, line, label (bind / not-bind / ignore),
a note.

A finding counts once per line. At a level (high, or all = high and low):
  - true positive: a `bind` line with a finding at that level;
  - false negative: a `bind` line without;
  - false positive: a finding at that level on a `not-bind` line or on a line that has
    no label at all (listed with --verbose, so that the label set can be completed);
  - `ignore` lines (comments, doc examples, templates, restatements) count for nothing.

usage: measure.py --corpus DIR [--bin PATH] [--set tune|measure] [--verbose]
DIR holds one directory per repository, named OWNER+NAME, checked out at the commit
in repos.tsv (see README.md for how to get them).
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


def scan(binary, repo_dir):
    out = subprocess.run(
        [binary, "scan", "--format", "json", repo_dir],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(out.stdout)
    found = {}
    for item in report["findings"] + report["suppressed"]:
        key = (item["uri"], int(item["line"]))
        level = item["confidence"]
        # The surest finding on a line decides its level.
        if found.get(key) != "high":
            found[key] = level
        found.setdefault(key, level)
    return found, report["summary"]


def ratio(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "  n/a"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--bin", default=os.path.join(HERE, "../../../target/release/bind-guard"))
    parser.add_argument("--set", choices=["tune", "measure"], action="append")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--kind", choices=["all", "rust", "config"], default="all",
                        help="count only Rust lines or only config lines")
    args = parser.parse_args()
    sets = args.set or ["tune", "measure"]
    repos = load_tsv(os.path.join(HERE, "repos.tsv"))
    failed = False
    for name in sets:
        labels = collections.defaultdict(dict)
        def wanted(path):
            rust = path.endswith(".rs")
            return args.kind == "all" or (args.kind == "rust") == rust

        for repo, path, line, label, *note in load_tsv(os.path.join(HERE, "labels", f"{name}.tsv")):
            if wanted(path):
                labels[repo][(path, int(line))] = label
        totals = {lvl: collections.Counter() for lvl in ("high", "all")}
        misses, false = [], []
        files = 0
        for set_name, repo, commit in repos:
            if set_name != name:
                continue
            repo_dir = os.path.join(args.corpus, repo)
            if not os.path.isdir(repo_dir):
                print(f"missing {repo_dir} (commit {commit})", file=sys.stderr)
                failed = True
                continue
            found, summary = scan(args.bin, repo_dir)
            found = {k: v for k, v in found.items() if wanted(k[0])}
            files += summary["files"]
            repo_labels = labels[repo]
            for level, ok in (("high", {"high"}), ("all", {"high", "low"})):
                c = totals[level]
                for key, label in repo_labels.items():
                    hit = found.get(key) in ok
                    if label == "bind":
                        c["tp" if hit else "fn"] += 1
                        if not hit:
                            misses.append((level, repo, key, found.get(key)))
                    elif label == "not-bind" and hit:
                        c["fp"] += 1
                        false.append((level, repo, key, "not-bind"))
                for key, conf in found.items():
                    if conf in ok and key not in repo_labels:
                        c["fp"] += 1
                        false.append((level, repo, key, "unlabelled"))
        print(f"== {name} set ({args.kind} lines): {sum(1 for r in repos if r[0] == name)} repositories, {files} files")
        for level in ("high", "all"):
            c = totals[level]
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            print(f"  {level:>4}: precision {ratio(tp, tp + fp)} ({tp}/{tp + fp})"
                  f"  recall {ratio(tp, tp + fn)} ({tp}/{tp + fn})")
        if args.verbose:
            for level, repo, (path, line), got in misses:
                print(f"  miss@{level} {repo} {path}:{line} (found: {got})")
            for level, repo, (path, line), why in false:
                print(f"  false@{level} {repo} {path}:{line} ({why})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
