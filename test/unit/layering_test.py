#!/usr/bin/env python3
"""Each layer's library compiles with its own include directories only, so a
lower layer that includes an upper one does not build. Checked for real: for
every layer, one of its sources' compile commands (compile_commands.json) is
rerun on a file that includes one header of every other layer; the layers
below must compile, the ones above must fail with "No such file".

usage: layering_test.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile

import compile_commands

# One header of each layer, lowest first.
HEADERS = {
    "base": "base/result.h",
    "dhcp": "dhcp/client_engine.h",
    "netlink": "netlink/link.h",
    "state": "state/state_store.h",
    "varlink": "varlink/server.h",
    "profile": "profile/profile.h",
    "cmdline": "cmdline/cmdline_reader.h",
    "device": "device/device_manager.h",
    "daemon": "daemon/run_verb.h",
}

# What each layer may include (besides itself); everything else must not build.
ALLOWED = {
    "netlink": {"base"},
    "dhcp": {"base"},
    "state": {"base", "dhcp"},
    "varlink": {"base"},
    "profile": {"base"},
    "cmdline": {"base", "profile"},
    "device": {"base", "profile", "netlink", "dhcp", "state"},
    "daemon": {"base", "profile", "cmdline", "netlink", "dhcp", "state", "device", "varlink"},
}


def command_of(entries, layer):
    """The compile command of the layer's own library: its object lies in the
    build directory's LAYER/libearlynet-*.a.p/, one per source or, in a unity
    build (meson.build's default), one for all of them."""
    for e in entries:
        parts = os.path.normpath(e["output"]).split(os.sep)
        if len(parts) == 3 and parts[0] == layer and parts[1].startswith("libearlynet-"):
            return e
    sys.exit(f"no compile command for the library of {layer}/ in compile_commands.json")


def compile_including(entry, header, workdir):
    src = os.path.join(workdir, "probe.cc")
    with open(src, "w") as f:
        f.write(f'#include "{header}"\n')
    return subprocess.run(compile_commands.syntax_check(entry, src), cwd=entry["directory"], capture_output=True,
                          text=True)


def main():
    build = os.path.abspath(sys.argv[1])
    entries = compile_commands.load(build)
    failures = []
    checked = 0
    with tempfile.TemporaryDirectory() as workdir:
        for layer, allowed in ALLOWED.items():
            entry = command_of(entries, layer)
            for other, header in HEADERS.items():
                if other == layer:
                    continue
                r = compile_including(entry, header, workdir)
                checked += 1
                if other in allowed:
                    if r.returncode != 0:
                        failures.append(f"{layer}/ may include {header} but it does not compile:\n{r.stderr[-600:]}")
                else:
                    if r.returncode == 0:
                        failures.append(f"{layer}/ can include {header}: an upper or unrelated layer is visible")
                    elif "No such file" not in r.stderr:
                        failures.append(f"{layer}/ including {header} failed, but not for want of the header:\n"
                                        f"{r.stderr[-600:]}")
    for f in failures:
        print("FAIL:", f)
    print(f"{checked} includes checked, {len(failures)} wrong")
    return 1 if failures else 0


SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

if __name__ == "__main__":
    sys.exit(main())
