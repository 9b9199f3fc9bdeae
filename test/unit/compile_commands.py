"""compile_commands.json, as the build tests rerun it: one entry's compile
command turned into a syntax check of another file (the layering and
sources-alone tests)."""
import json
import os
import shlex


def load(build):
    with open(os.path.join(build, "compile_commands.json")) as f:
        return json.load(f)


def syntax_check(entry, source):
    """entry's command on `source`, -fsyntax-only: no object, no depfile."""
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [], 0
    for a in args:
        if skip:
            skip -= 1
            continue
        if a in ("-MD", "-MMD"):
            continue
        if a in ("-MQ", "-MF", "-MT", "-o", "-c"):  # -c FILE: the entry's own source goes too
            skip = 1
            continue
        out.append(a)
    return out + ["-fsyntax-only", source]
