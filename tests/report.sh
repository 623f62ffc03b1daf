#!/bin/sh
# report.sh FTSIM: `ftsim report` over the whole scenario suite (with
# two what-if changes and a scenario whose names need escaping), checked
# by tools ftsim did not write.
#
#  - exit 0, and every file index.html links to or shows is in the
#    folder: no http(s) URL, no absolute path, no "..", every #anchor
#    defined (python3's html.parser);
#  - names from the scenarios are escaped;
#  - the plots are PNG (signature, IHDR) and SVG that parse as XML;
#  - a second report is byte-identical (diff -r); a run into an earlier
#    report replaces it; a folder that is not a report is refused;
#  - Chromium (headless) opens index.html without a script error and
#    takes a screenshot (a PNG). Without Chromium the test is skipped
#    (exit 77): FTSIM_TEST_DEPS=1 scripts/install-deps.sh installs it.
#
# FTSIM_REPORT_SHOT=FILE keeps the screenshot.
set -u
ftsim=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

chromium=""
for c in chromium chromium-browser; do
	command -v "$c" >/dev/null && { chromium=$c; break; }
done
if [ -z "$chromium" ]; then
	echo "report.sh: SKIP: chromium is not installed" \
	     "(FTSIM_TEST_DEPS=1 scripts/install-deps.sh installs it)" >&2
	exit 77
fi

# The changes apply to the first file: the forced tunnel that breaks KMS.
base="$top/scenarios/02-forced-tunnel-breaks-kms.yaml"
set --
for s in "$top"/scenarios/*.yaml; do
	[ "$s" = "$base" ] || set -- "$@" "$s"
done
report() {
	out=$1
	shift
	"$ftsim" report -o "$out" \
	    --whatif "$top/scenarios/changes/arm-kms-udr.yaml" \
	    --whatif "$top/scenarios/changes/udr-default-appliance.yaml" \
	    "$base" "$@" "$top/tests/data/pictures/weird-names.yaml"
}

report "$work/out/suite/" "$@" 2>"$work/err"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL ftsim report exited $rc:" >&2; cat "$work/err" >&2; exit 1
fi
rep="$work/out/suite"
left=$(ls -A "$work/out" | grep -v '^suite$')
[ -z "$left" ] || { echo "FAIL left beside the report: $left" >&2; fail=1; }

python3 - "$rep" <<'EOF' || fail=1
import os, re, struct, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser
rep = sys.argv[1]
ok = True
def bad(msg):
    global ok
    print("FAIL " + msg, file=sys.stderr)
    ok = False

class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src"):
                self.refs.append((tag, v))
            if k == "id":
                self.ids.add(v)
html = open(os.path.join(rep, "index.html"), encoding="utf-8").read()
p = Refs()
p.feed(html)
m = re.search(r".{0,40}(https?:)?//.{0,40}", html, re.I)
if m:
    bad("index.html names an http(s) URL: " + m.group(0))
files = anchors = 0
for tag, v in p.refs:
    if v.startswith("#"):
        anchors += 1
        if v[1:] not in p.ids:
            bad("index.html: #%s is not defined" % v[1:])
        continue
    if ":" in v.split("/")[0] or v.startswith("/") or ".." in v.split("/"):
        bad("index.html: %s=%r is not a file of the folder" % (tag, v))
        continue
    files += 1
    if not os.path.isfile(os.path.join(rep, v)):
        bad("index.html: %r does not exist" % v)
if files < 200 or anchors < 70:
    bad("index.html: only %d files and %d anchors referenced" % (files, anchors))
if "v&lt;m&gt;1&quot;q" not in html or "v<m>1" in html:
    bad("index.html: the weird VM name is not escaped")
for want in ("<table class=\"flows\">", "public-peering-forced-tunnel", "What-if",
             "arm-kms-udr", "udr-default-appliance", "<pre>"):
    if want not in html:
        bad("index.html: no %r" % want)
for name in ("hops", "whatif"):
    png = open(os.path.join(rep, name + ".png"), "rb").read()
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        bad(name + ".png is not a PNG")
    elif struct.unpack(">II", png[16:24])[0] < 400 or len(png) < 5000:
        bad(name + ".png is too small")
    try:
        svg = os.path.join(rep, name + ".svg")
        ET.parse(svg)
        if os.path.getsize(svg) < 5000:
            bad(name + ".svg is too small")
    except ET.ParseError as e:
        bad("%s.svg does not parse: %s" % (name, e))
# --whatif: each flow whose verdict a change alters, before | after: the
# base's trace and diagram beside the after side's. arm-kms-udr (change
# 1) moves kms-activation (flow 1 of the base) off the forced tunnel.
m = re.search(r'<div class="flow" id="w1-f1">(.*?)</div>', html, re.S)
if not m:
    bad("index.html: no after side of kms-activation under arm-kms-udr")
else:
    sec = m.group(1)
    for want in ('href="#s1-f1"', "diagrams/01-01.svg", "diagrams/w01-01.svg",
                 "trace before", "trace after", "activation refused",
                 "activation accepted", "azure-edge"):
        if want not in sec:
            bad("index.html: the after side of kms-activation has no %r" % want)
    after = sec[sec.index("trace after"):]
    if "er-circuit" in after.split("reply:")[0]:
        bad("index.html: the after trace of kms-activation still crosses the circuit")
for f in ("w01-01.svg", "w01-01.dot", "w02-01.svg"):
    if not os.path.isfile(os.path.join(rep, "diagrams", f)):
        bad("no after diagram diagrams/" + f)
ndiag = 0
for f in sorted(os.listdir(os.path.join(rep, "diagrams"))):
    if f.endswith(".svg"):
        ndiag += 1
        ET.parse(os.path.join(rep, "diagrams", f))
if ndiag < 70:
    bad("only %d path diagrams" % ndiag)
sys.exit(0 if ok else 1)
EOF

# Same inputs, same bytes; an earlier report is replaced; another
# folder is not.
report "$work/again" "$@" 2>/dev/null
diff -r "$rep" "$work/again" >/dev/null ||
    { echo "FAIL a second report differs" >&2; fail=1; }
report "$work/again" "$@" 2>/dev/null ||
    { echo "FAIL a report cannot replace an earlier one" >&2; fail=1; }
[ "$(ls "$work" | tr '\n' ' ')" = "again err out " ] ||
    { echo "FAIL left: $(ls "$work")" >&2; fail=1; }
mkdir "$work/mine" && echo keep >"$work/mine/file"
"$ftsim" report -o "$work/mine" "$top/scenarios/01-no-forced-tunnel.yaml" 2>/dev/null
[ $? -eq 2 ] && [ "$(ls "$work/mine")" = file ] ||
    { echo "FAIL a folder that is not a report was not refused" >&2; fail=1; }

# The browser.
shot="$work/shot.png"
HOME="$work/home" "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 --screenshot="$shot" \
    --window-size=1280,2000 "file://$rep/index.html" >"$work/chromium.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL chromium exited $rc:" >&2; tail -20 "$work/chromium.log" >&2
	fail=1
fi
if grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND' "$work/chromium.log" >&2; then
	echo "FAIL chromium reports errors in the page" >&2; fail=1
fi
if [ "$(head -c 8 "$shot" 2>/dev/null | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ] ||
   [ "$(wc -c <"$shot")" -lt 50000 ]; then
	echo "FAIL chromium wrote no screenshot" >&2; fail=1
fi
[ -n "${FTSIM_REPORT_SHOT:-}" ] && cp "$shot" "$FTSIM_REPORT_SHOT"

[ "$fail" = 0 ] && echo "report.sh: report of $(ls "$top"/scenarios/*.yaml | wc -l)" \
    "scenarios checked, opened in $chromium"
exit "$fail"
