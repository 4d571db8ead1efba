#!/usr/bin/env python3
"""Checks that every relative link of the Markdown pages (README, BENCHMARKS, CHANGELOG,
docs/, examples/) names a file or folder of the repository. Prints each broken link as
FILE: TARGET and exits 1 when there is one.

    check_doc_links.py [REPOSITORY]
"""
import glob
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
pages = [os.path.join(root, p) for p in ("README.md", "BENCHMARKS.md", "CHANGELOG.md")]
for folder in ("docs", "examples"):
    pages += glob.glob(os.path.join(root, folder, "**", "*.md"), recursive=True)
broken = []
for page in pages:
    with open(page, encoding="utf-8") as f:
        text = f.read()
    for match in re.finditer(r"\]\(([^)#\s]+)(#[^)]*)?\)", text):
        target = match.group(1)
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        if not os.path.exists(os.path.normpath(os.path.join(os.path.dirname(page), target))):
            broken.append(f"{os.path.relpath(page, root)}: {target}")
print("\n".join(broken) if broken else f"{len(pages)} pages, every relative link resolves")
sys.exit(1 if broken else 0)
