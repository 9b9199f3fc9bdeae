#!/usr/bin/env python3
"""Differential test: `earlynet generate` against NetworkManager's nm-initrd-generator.

For every command line of the corpus both generators run with --stdout on the
same sysfs fixture (--sysfs, or the tree a line names first as "[DIR] ...",
DIR relative to the corpus file); their outputs are parsed into blocks (hostname,
configuration snippets, connection profiles) and compared as normalised
keyfiles: profiles keyed by basename (the reference prints them in hash order),
uuids dropped, a port's master= replaced by the basename of the profile it
names. A command line whose outputs differ must be listed in the table of
deliberate differences, and a listed one must behave exactly as listed:

  rejects: TEXT      earlynet exits non-zero, prints nothing on stdout, and its
                     stderr contains TEXT
  differs: P, P ...  the set of differing paths is exactly these, where a path
                     is BASENAME/group/key, BASENAME (a profile only one side
                     has), hostname, or conf/NAME/group/key

Prints one line per failing case and, last, "N passed, M failed".
"""

import argparse
import os
import re
import subprocess
import sys

BLOCK = re.compile(r"^\*\*\* (Hostname|Configuration|Connection) '(.*)' \*\*\*$")
GROUP = re.compile(r"^\[(.+)\]$")
KEY = re.compile(r"^([A-Za-z0-9._-]+)=(.*)$")
FIXTURE = re.compile(r"^\[([A-Za-z0-9._/-]+)\]\s+(.*)$")


def parse_output(text):
    """stdout -> ({("Connection", name): {group: {key: value}}}, hostname, noise lines)."""
    blocks, hostname, noise = {}, None, []
    current, group = None, None
    for line in text.splitlines():
        m = BLOCK.match(line)
        if m:
            kind, name = m.groups()
            if kind == "Hostname":
                hostname, current = name, None
            else:
                current, group = blocks.setdefault((kind, name), {}), None
            continue
        if not line.strip():
            continue
        m = GROUP.match(line)
        if m and current is not None:
            group = current.setdefault(m.group(1), {})
            continue
        m = KEY.match(line)
        if m and group is not None:
            group[m.group(1)] = m.group(2)
            continue
        noise.append(line)  # libnm's messages about profiles it dropped
    return blocks, hostname, noise


def normalise(blocks):
    uuids = {}
    for (kind, name), groups in blocks.items():
        if kind == "Connection":
            uuid = groups.get("connection", {}).pop("uuid", None)
            if uuid:
                uuids[uuid] = name
    for (kind, name), groups in blocks.items():
        con = groups.get("connection", {})
        for key in ("master", "controller"):
            if key in con:
                con[key] = uuids.get(con[key], "<dangling>")
    return blocks


def value_equal(a, b):
    if a is None or b is None:
        return a == b
    if a.endswith(";") or b.endswith(";"):  # keyfile lists
        return [x for x in a.split(";") if x] == [x for x in b.split(";") if x]
    return a == b


def differing_paths(ref, ours):
    ref_blocks, ref_host, _ = ref
    our_blocks, our_host, _ = ours
    paths = set()
    if ref_host != our_host:
        paths.add("hostname")
    for key in set(ref_blocks) | set(our_blocks):
        kind, name = key
        prefix = name if kind == "Connection" else "conf/" + name
        if key not in ref_blocks or key not in our_blocks:
            paths.add(prefix)
            continue
        a, b = ref_blocks[key], our_blocks[key]
        for group in set(a) | set(b):
            ga, gb = a.get(group), b.get(group)
            if ga is None or gb is None:
                paths.add(f"{prefix}/{group}")
                continue
            for k in set(ga) | set(gb):
                if not value_equal(ga.get(k), gb.get(k)):
                    paths.add(f"{prefix}/{group}/{k}")
    return paths


def describe(ref, ours, paths):
    out = []
    for p in sorted(paths):
        parts = p.split("/")
        if p == "hostname":
            out.append(f"    hostname: reference {ref[1]!r}, earlynet {ours[1]!r}")
            continue
        if parts[0] == "conf":
            key, parts = ("Configuration", parts[1]), parts[2:]
        else:
            key, parts = ("Connection", parts[0]), parts[1:]
        def get(side):
            v = side[0].get(key)
            for part in parts:
                v = None if v is None else v.get(part)
            return v
        out.append(f"    {p}: reference {get(ref)!r}, earlynet {get(ours)!r}")
    return out


def load_corpus(path):
    lines = []
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def load_differences(path):
    """Markdown table rows: | `command line` | rejects: X / differs: a, b | why |"""
    table = {}
    with open(path) as f:
        for raw in f:
            cells = [c.strip() for c in raw.strip().strip("|").split("|")]
            if len(cells) < 3 or not cells[0].startswith("`"):
                continue
            cmdline = cells[0].strip("`")
            spec = cells[1].replace("\\|", "|")
            if not cells[2]:
                raise SystemExit(f"{path}: row for `{cmdline}` gives no reason")
            if spec.startswith("rejects:"):
                table[cmdline] = ("rejects", spec[len("rejects:"):].strip().strip("`"))
            elif spec.startswith("differs:"):
                table[cmdline] = ("differs", {p.strip().strip("`") for p in spec[len("differs:"):].split(",") if p.strip()})
            else:
                raise SystemExit(f"{path}: row for `{cmdline}`: '{spec}' is neither rejects: nor differs:")
    return table


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", required=True)
    ap.add_argument("--earlynet", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--differences", required=True)
    ap.add_argument("--sysfs", required=True)
    ap.add_argument("--only", help="run only command lines containing this text")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    if not os.access(args.reference, os.X_OK):
        print(f"reference {args.reference} is not installed (Debian package network-manager): "
              "this suite fails rather than skips without it")
        print("0 passed, 1 failed")
        return 1

    corpus = load_corpus(args.corpus)
    table = load_differences(args.differences)
    unknown = sorted(set(table) - set(corpus))
    no_persistent_dir = "/nonexistent/earlynet-diff-persistent"

    passed = failed = 0
    for cmdline in corpus:
        if args.only and args.only not in cmdline:
            continue
        argv = cmdline.split()
        common = ["--stdout", "-p", no_persistent_dir, "-d", args.sysfs, "--"]
        m = FIXTURE.match(cmdline)
        if m:  # "[DIR] args": another sysfs tree, DIR relative to the corpus file
            common[4] = os.path.join(os.path.dirname(os.path.abspath(args.corpus)), m.group(1))
            argv = m.group(2).split()
        ref_run = run([args.reference] + common + argv)
        our_run = run([args.earlynet, "generate"] + common + argv)
        problems = []
        expected = table.get(cmdline)

        if expected and expected[0] == "rejects":
            if our_run.returncode == 0:
                problems.append("    listed as rejected, but earlynet accepted it")
            if our_run.stdout.strip():
                problems.append("    earlynet printed profiles although it rejected the command line")
            if expected[1] not in our_run.stderr:
                problems.append(f"    stderr lacks {expected[1]!r}: {our_run.stderr.strip()!r}")
            if len(our_run.stderr.strip().splitlines()) != 1:
                problems.append(f"    the error is not one line: {our_run.stderr.strip()!r}")
        elif our_run.returncode != 0:
            problems.append(f"    earlynet rejected it: {our_run.stderr.strip()}")
        else:
            ref = parse_output(ref_run.stdout)
            ref = normalise(ref[0]), ref[1], ref[2]
            ours = parse_output(our_run.stdout)
            ours = normalise(ours[0]), ours[1], ours[2]
            if ours[2]:
                problems.append(f"    earlynet printed unparsable lines: {ours[2]}")
            paths = differing_paths(ref, ours)
            want = expected[1] if expected else set()
            if paths != want:
                if expected:
                    problems.append(f"    listed differences {sorted(want)}, found {sorted(paths)}")
                problems.extend(describe(ref, ours, paths ^ want if expected else paths))
                if ref[2]:
                    problems.append(f"    (reference said: {' / '.join(ref[2])})")

        if problems:
            failed += 1
            print(f"FAIL {cmdline}")
            print("\n".join(problems))
        else:
            passed += 1
            if args.verbose:
                print(f"ok   {cmdline}")

    for cmdline in unknown:
        failed += 1
        print(f"FAIL table row names a command line that is not in the corpus: {cmdline}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
