#!/bin/sh
# doc-refs.sh: the documentation stands on its own. In every docs/*.md,
# each citation key used in the text ([udr], [seed-002], [S14]; code
# blocks and code spans aside, Markdown links [text](url) aside) is
# defined in the same document, as a line "- **[key]** ..." of its
# References; no document points at a specification outside the
# repository (MODEL.md, FORMAT.md, "the project's specification").
# Run from anywhere.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$top"/docs/*.md <<'PYEOF'
import re, sys
ok = True
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    name = path.rsplit("/", 1)[-1]
    body = re.sub(r"^```.*?^```[^\n]*$", "", text, flags=re.M | re.S)
    body = re.sub(r"`[^`\n]*`", "", body)
    defined = set(re.findall(r"^- \*\*\[([^\]]+)\]\*\*", text, re.M))
    used = set()
    for line in body.splitlines():
        # a definition's own key, a Markdown link definition "[x]: url"
        line = re.sub(r"^- \*\*\[[^\]]+\]\*\*", "", line)
        line = re.sub(r"^\s*\[[^\]]+\]:", "", line)
        for m in re.finditer(r"(?<![\]\\])\[([A-Za-z0-9][A-Za-z0-9_.-]*)\](?![(\[])", line):
            used.add(m.group(1))
    bad_before = ok
    for k in sorted(used - defined):
        print("FAIL %s: [%s] is used but not defined under References" % (name, k),
              file=sys.stderr)
        ok = False
    for bad in ("MODEL.md", "FORMAT.md", "project's specification",
                "shared/seeds", "/work/"):
        if bad in text:
            print("FAIL %s: names %r, outside the repository" % (name, bad),
                  file=sys.stderr)
            ok = False
    if ok and bad_before:
        print("%s: %d citation keys, all defined" % (name, len(used)))
sys.exit(0 if ok else 1)
PYEOF
