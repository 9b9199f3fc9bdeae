#!/usr/bin/env python3
# Embeds a varlink interface definition into the binary at build time, so a
# service serves GetInterfaceDescription without reading a file at run time:
#   embed_interface.py IN.varlink OUT.h OUT.cc
# declares and defines `earlynet::varlink::interfaces::NAME` (a
# std::string_view), NAME being the file's stem with dots as underscores
# (io.earlynet.Network.varlink -> io_earlynet_Network).
import os
import sys

source, header, unit = sys.argv[1:4]
with open(source, encoding="utf-8") as f:
    text = f.read()
name = os.path.basename(source).removesuffix(".varlink").replace(".", "_").replace("-", "_")
delimiter = "varlink"
# A raw string ends at )delimiter"; the text must not contain it.
while ")" + delimiter + '"' in text:
    delimiter += "_"
origin = f"Generated from {os.path.basename(source)} by varlink/embed_interface.py; do not edit."
with open(header, "w", encoding="utf-8") as f:
    f.write(f"// {origin}\n#pragma once\n\n#include <string_view>\n\n"
            f"namespace earlynet::varlink::interfaces {{\n\nextern const std::string_view {name};\n\n}}\n")
with open(unit, "w", encoding="utf-8") as f:
    f.write(f'// {origin}\n#include "{os.path.basename(header)}"\n\n'
            f"namespace earlynet::varlink::interfaces {{\n\n"
            f'const std::string_view {name} = R"{delimiter}({text}){delimiter}";\n\n}}\n')
