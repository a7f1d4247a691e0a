#!/usr/bin/env python3
"""docs_properties: every property of the elements (and of their pads) is
documented as upstream's compositor does it: a gtk-doc block
("TypeName:property-name:" with a "Since:" line) before its
g_param_spec_*() in the sources, and a description (blurb) that gives the
default ("Default ...", after the unit) in the generated plugins cache.

Usage: check-property-docs.py SOURCE_ROOT
"""
import glob
import json
import os
import re
import sys

SPEC = re.compile(r'g_param_spec_\w+\s*\(\s*"([a-z0-9-]+)"')
BLOCK = re.compile(r"/\*\*\s*\n\s*\*\s*(\w+):([a-z0-9-]+):\s*\n(.*?)\*/",
                   re.S)


def main():
    src = sys.argv[1]
    problems = []
    for path in sorted(glob.glob(os.path.join(src, "gst", "**", "*.c"),
                                 recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        blocks = {m.group(2): (m.end(), "Since:" in m.group(3))
                  for m in BLOCK.finditer(text)}
        for m in SPEC.finditer(text):
            name = m.group(1)
            rel = os.path.relpath(path, src)
            if name not in blocks or blocks[name][0] > m.start():
                problems.append("%s: property %s has no gtk-doc block "
                                "before it" % (rel, name))
            elif not blocks[name][1]:
                problems.append("%s: the doc block of %s has no Since:"
                                % (rel, name))
    with open(os.path.join(src, "docs", "gst_plugins_cache.json")) as f:
        cache = json.load(f)
    for plugin in cache.values():
        owners = list(plugin["elements"].items())
        owners += list(plugin.get("other-types", {}).items())
        for owner, info in owners:
            for name, prop in info.get("properties", {}).items():
                if "Default" not in prop.get("blurb", ""):
                    problems.append("%s:%s: the description gives no "
                                    "default: %r" % (owner, name,
                                                     prop.get("blurb")))
    for p in problems:
        print(p)
    print("%d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
