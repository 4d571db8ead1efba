#!/usr/bin/python3
"""The layer rule of the library (docs/layout.md), checked by ctest (LayerRule).

Every header include/nirl/GROUP/NAME.hpp and source src/GROUP/NAME.cpp may include nirl
headers of its own layer and of the layers below it, never above. detail/ holds internals:
the command line (apps/) may not include them. Only apps/ may include Boost.Program_options.
Prints every violation as FILE: includes HEADER (GROUP, layer K above layer J) and exits 1.

Usage: tools/check_layers.py [REPOSITORY]   (default: the repository holding this script)
"""
import os
import re
import sys

# Lowest first; groups in one layer may include each other.
LAYERS = [
    ["core", "detail"],
    ["sample"],
    ["inverse"],
    ["measures"],
    ["maze", "coding", "pairwise"],
    ["io"],
    ["study"],
]
LAYER = {g: k for k, groups in enumerate(LAYERS) for g in groups}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems, checked = [], 0
    for top in ("include/nirl", "src", "apps"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".hpp", ".cpp")):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                parts = rel.split(os.sep)
                group = parts[2] if top == "include/nirl" else parts[1]
                if top == "apps":
                    group = "apps"
                elif group not in LAYER:
                    problems.append("%s: not in a known group (docs/layout.md)" % rel)
                    continue
                checked += 1
                for header in INCLUDE.findall(open(path, encoding="utf-8").read()):
                    if header.startswith("boost/program_options") and group != "apps":
                        problems.append("%s: includes %s (only apps/ may use Boost.Program_options)" % (rel, header))
                    if not header.startswith("nirl/") or header == "nirl/version.hpp":
                        continue
                    target = header.split("/")
                    if len(target) != 3 or target[1] not in LAYER:
                        problems.append("%s: includes %s, which is not in a group" % (rel, header))
                        continue
                    if group == "apps":
                        if target[1] == "detail":
                            problems.append("%s: includes %s (detail/ is internal to the library)" % (rel, header))
                        continue
                    if LAYER[target[1]] > LAYER[group]:
                        problems.append("%s: includes %s (%s, layer %d, above %s, layer %d)"
                                        % (rel, header, target[1], LAYER[target[1]], group, LAYER[group]))
    for p in problems:
        print(p)
    print("%d files checked, %d violations of the layer rule" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
