#!/usr/bin/env python3
"""Lists the candidate lines of a checked-out repository, independent of the scanner.

Every line that spells a wildcard in any form we know (0.0.0.0, ::, UNSPECIFIED,
INADDR_ANY, arrays of zeros, multiaddrs, empty hosts) or, in config files, publishes a
port (Compose `ports:` entries, hostPort, hostNetwork, ListenStream). The labeller
reads each line in context and labels it bind / not-bind / ignore.

usage: candidates.py REPO_DIR  ->  FILE<TAB>LINE<TAB>TEXT on stdout
"""
import os
import re
import sys

CODE = re.compile(
    r"0\.0\.0\.0|UNSPECIFIED|INADDR_ANY|in6addr_any|IN6ADDR_ANY"
    r"|\[\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*\]|\[\s*0(u8|u16)?\s*;\s*(4|8|16)\s*\]"
    r"|\"::\"|\[::\]|/ip[46]/(0\.0\.0\.0|::)/"
    r"|Ipv[46]Addr::new\(\s*0\s*,\s*0|Ipv[46]Addr::from\(\s*0\s*\)"
    r"|host\s*[:=]\s*\"\"|\"::ffff:0\.0\.0\.0|\[::ffff:0\.0\.0\.0\]"
)
CONFIG_EXTRA = re.compile(
    r"^\s*-\s*[\"']?(\$\{[^}]*\}:)?\d+(-\d+)?:\d+|^\s*-\s*[\"']?\d+[\"']?\s*$"
    r"|hostPort|hostNetwork|network_mode:\s*[\"']?host|ListenStream|ListenDatagram"
    r"|published:|host_ip:|^\s*(listen|bind|bind_addr|address|host|listen_addr)\s*[:=]"
)
SKIP_DIRS = {".git", "target", "node_modules"}


def kind(name):
    if name.endswith(".rs"):
        return "rust"
    if re.search(r"\.(ya?ml|toml|json|socket|service)$|^\.env|^Dockerfile", name):
        return "config"
    return None


def main():
    root = sys.argv[1]
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            k = kind(name)
            if not k:
                continue
            path = os.path.join(dirpath, name)
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            rel = os.path.relpath(path, root)
            for i, line in enumerate(text.split("\n"), 1):
                if len(line) > 400:
                    continue
                if CODE.search(line) or (k == "config" and CONFIG_EXTRA.search(line)):
                    print(f"{rel}\t{i}\t{line.strip()}")


if __name__ == "__main__":
    main()
