#!/usr/bin/env bash
# Rebuilds bind-guard/data/iana-ipv{4,6}-special.tsv from IANA's published CSV files.
#
#   scripts/refresh-iana.sh IPV4.csv IPV6.csv
#
# Get the CSVs (this needs network, which CI does not have) from
#   https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry-1.csv
#   https://www.iana.org/assignments/iana-ipv6-special-registry/iana-ipv6-special-registry-1.csv
#
# What the conversion changes, and nothing else (bind-guard/data/README.md says why):
# - footnote markers such as "[2]" are removed from the cells;
# - an entry that lists several blocks ("192.0.0.170/32, 192.0.0.171/32") becomes one row each;
# - only the columns prefix, name, RFC, source, destination, forwardable and
#   globally_reachable are kept; line breaks inside cells become spaces.
# Then run `cargo test -p bind-guard-tests --test registry`: it checks `Scope::of` against
# every row, so a registry change that moves an address to another scope fails there
# until `bind-guard/src/scope` is updated.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 IPV4.csv IPV6.csv" >&2; exit 2; }
v4=$(realpath "$1") v6=$(realpath "$2")
cd "$(dirname "$0")/.."
python3 - "$v4" bind-guard/data/iana-ipv4-special.tsv "$v6" bind-guard/data/iana-ipv6-special.tsv <<'PY'
import csv, re, sys

FOOTNOTE = re.compile(r"\s*\[\d+\]")
COLUMNS = ["Address Block", "Name", "RFC", "Source", "Destination", "Forwardable",
           "Globally Reachable"]

def clean(cell):
    return " ".join(FOOTNOTE.sub("", cell).split())

def convert(src, dst):
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = ["\t".join(["prefix", "name", "RFC", "source", "destination", "forwardable",
                      "globally_reachable"])]
    for row in rows:
        cells = [clean(row.get(column, "")) for column in COLUMNS]
        for block in cells[0].split(","):
            out.append("\t".join([block.strip()] + cells[1:]))
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{dst}: {len(out) - 1} rows")

for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
    convert(src, dst)
PY
