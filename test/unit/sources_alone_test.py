#!/usr/bin/env python3
"""Every source file of earlynet's libraries and binary compiles on its own.

The build compiles each library as one unity file (meson.build), where a file
can lean on the includes and file-local names of the files before it; built
file by file (-Dunity=off) it would then fail. Checked for real: for every
unity file in compile_commands.json, each source it includes is compiled with
the same command (-fsyntax-only), two at a time. Test sources are left out.

usage: sources_alone_test.py BUILD_DIR
"""
import concurrent.futures
import os
import re
import subprocess
import sys

import compile_commands


def sources_of_unity_file(path):
    with open(path) as f:
        return re.findall(r"^#include\s*[<\"](.+\.cc)[>\"]", f.read(), re.M)


def main():
    build = os.path.abspath(sys.argv[1])
    entries = compile_commands.load(build)
    jobs = []
    for e in entries:
        unity = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if "-unity" not in os.path.basename(unity) or os.path.relpath(unity, build).startswith("test"):
            continue
        for source in sources_of_unity_file(unity):
            jobs.append((e, os.path.normpath(source)))
    if not jobs:
        print("no unity files in compile_commands.json (a -Dunity=off build checks this by building)")
        return 0

    def compile_alone(job):
        entry, source = job
        r = subprocess.run(compile_commands.syntax_check(entry, source), cwd=entry["directory"], capture_output=True,
                           text=True)
        return source, r

    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for source, r in pool.map(compile_alone, jobs):
            if r.returncode != 0:
                failures += 1
                print(f"FAIL: {source} does not compile on its own:\n{r.stderr[-1500:]}")
    print(f"{len(jobs)} sources compiled on their own, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
