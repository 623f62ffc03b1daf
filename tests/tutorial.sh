#!/bin/sh
# tutorial.sh FTSIM: docs/tutorial.md works as written. In the order of
# the page, in an empty folder: every YAML block that starts with
# "# file: NAME" is written to NAME, and every "$ COMMAND" line of a
# console block is run (sh -c, `ftsim` being FTSIM) with:
#  - the exit status the line states ("# exit N"), 0 when it states none;
#  - every output line shown under it, other than "...", found in what
#    the command printed (stdout and stderr), in the order shown, runs of
#    blanks counted as one.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/run"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$ftsim" >"$work/bin/ftsim"
chmod +x "$work/bin/ftsim"
LC_ALL=C.UTF-8 PATH="$work/bin:$PATH" python3 - "$top/docs/tutorial.md" \
    "$work/run" <<'PYEOF'
import re, subprocess, sys
doc, run = sys.argv[1], sys.argv[2]
text = open(doc, encoding="utf-8").read()
ok, files, cmds = True, 0, 0
def bad(msg):
    global ok
    print("FAIL " + msg, file=sys.stderr)
    ok = False
norm = lambda s: " ".join(s.split())
for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.M | re.S):
    lang, body = m.group(1), m.group(2)
    if lang == "yaml":
        f = re.match(r"# file: (\S+)\n", body)
        if f:
            open(run + "/" + f.group(1), "w", encoding="utf-8").write(body)
            files += 1
        continue
    if lang != "console":
        continue
    steps = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], []])
        elif steps:
            steps[-1][1].append(line)
        else:
            bad("output before any command: %r" % line)
    for cmd, want in steps:
        cmds += 1
        e = re.search(r"#\s*exit (\d+)", cmd)
        code = int(e.group(1)) if e else 0
        p = subprocess.run(cmd, shell=True, cwd=run, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        out = p.stdout.decode("utf-8", "replace").splitlines()
        if p.returncode != code:
            bad("%s: exit %d, the tutorial says %d" % (cmd, p.returncode, code))
        i = 0
        for w in want:
            if w.strip() == "...":
                continue
            while i < len(out) and norm(out[i]) != norm(w):
                i += 1
            if i == len(out):
                bad("%s: no line %r (in this order)" % (cmd, w))
                break
            i += 1
        if not ok:
            print("\n".join(out), file=sys.stderr)
if files < 4 or cmds < 5:
    bad("only %d files and %d commands found" % (files, cmds))
if ok:
    print("tutorial.sh: %d files written, %d commands as shown" % (files, cmds))
sys.exit(0 if ok else 1)
PYEOF
