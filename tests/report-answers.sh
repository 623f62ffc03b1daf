#!/bin/sh
# report-answers.sh FTSIM: the report leads with the network's answer.
# An `ftsim report` of several scenarios (a forced tunnel refusing KMS,
# an NSG dropping it, SUSE, an asymmetric appliance, an on-premises edge
# blocking 1688, outbound access, and a scenario without any expectation
# whose KMS flows are dropped) is read back with python3's html.parser:
#
#  - one row per flow, in order, with the flow's full name; its class
#    and its visible word are `works` or `broken`, as computed from
#    `ftsim run --json` of the same file (delivered, activation not
#    refused, TCP connects where TCP);
#  - the reason beside it: the drop reason, the node and the NSG rule or
#    route that decided; "activation refused: source seen X (CLASS)";
#    "delivered" otherwise;
#  - the expectations are a separate column: held / failed / none, as
#    the JSON's ok and expectations say;
#  - the summary counts works and broken (the scenario without
#    expectations and its dropped KMS flows is not green);
#  - path diagrams are shown at their own size (no width attribute, the
#    stylesheet lets them overflow into a scrolling box rather than
#    shrink them) and link to the SVG itself;
#  - the hop plot is there and the outcome matrix is gone; the latency
#    plot appears only when a scenario sets `timing:`.
set -u
ftsim=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

set -- "$top/scenarios/02-forced-tunnel-breaks-kms.yaml" \
    "$top/scenarios/07-suse-update-servers.yaml" \
    "$top/scenarios/12-forced-tunnel-nsg-deny-internet.yaml" \
    "$top/scenarios/13-propagation-disabled.yaml" \
    "$top/scenarios/17-onprem-edge-blocks-kms.yaml" \
    "$top/scenarios/19-snat-order.yaml" \
    "$top/scenarios/23-asymmetric-nva.yaml" \
    "$top/tests/data/report/no-expectations-kms-dropped.yaml"
i=0
for s in "$@"; do
	i=$((i + 1))
	"$ftsim" run --json "$s" >"$work/$i.json"
	[ $? -le 1 ] || { echo "FAIL run --json $s" >&2; fail=1; }
done
"$ftsim" report -o "$work/rep" "$@" 2>"$work/err"
[ $? -le 1 ] || { echo "FAIL report:" >&2; cat "$work/err" >&2; exit 1; }

# With a scenario that sets timing: the latency plot.
sed 's/^flows:/timing: {internet: 25000}\n\nflows:/' \
    "$top/tests/data/report/no-expectations-kms-dropped.yaml" >"$work/timed.yaml"
"$ftsim" report -o "$work/timed" "$work/timed.yaml" 2>"$work/err" ||
    { echo "FAIL report of a timed scenario:" >&2; cat "$work/err" >&2; fail=1; }

python3 - "$work" "$#" <<'PYEOF' || fail=1
import json, os, re, sys
from html.parser import HTMLParser
work, nfiles = sys.argv[1], int(sys.argv[2])
ok = True
def bad(msg):
    global ok
    print("FAIL " + msg, file=sys.stderr)
    ok = False

class Rows(HTMLParser):
    """The rows of table.flows: class, and each cell's class and text."""
    def __init__(self):
        super().__init__()
        self.rows, self.intable, self.cell = [], False, None
        self.imgs, self.diagram_links, self.indiagram = [], [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("class") == "flows":
            self.intable = True
        elif self.intable and tag == "tr" and "class" in a:
            self.rows.append({"class": a["class"], "cells": []})
        elif self.intable and tag == "td" and self.rows:
            self.cell = {"class": a.get("class", ""), "text": ""}
            self.rows[-1]["cells"].append(self.cell)
        if tag == "div" and a.get("class") == "diagram":
            self.indiagram = 1
        if self.indiagram and tag == "a":
            self.diagram_links.append(a.get("href"))
        if self.indiagram and tag == "img":
            self.imgs.append(a)
    def handle_endtag(self, tag):
        if tag == "table":
            self.intable = False
        if tag == "td":
            self.cell = None
        if tag == "div":
            self.indiagram = 0
    def handle_data(self, d):
        if self.cell is not None:
            self.cell["text"] += d

html = open(os.path.join(work, "rep", "index.html"), encoding="utf-8").read()
p = Rows()
p.feed(html)
flows = []
for i in range(1, nfiles + 1):
    for fl in json.load(open(os.path.join(work, "%d.json" % i)))["flows"]:
        flows.append((i, fl))
if len(p.rows) != len(flows):
    bad("%d rows for %d flows" % (len(p.rows), len(flows)))
works = 0
for (i, fl), row in zip(flows, p.rows):
    cells = {c["class"].split()[0] if c["class"] else "": c for c in row["cells"]}
    w = fl["delivered"] and fl["activation"] != "refused" and \
        (fl["protocol"] != "Tcp" or fl["tcp_connect"])
    works += w
    want = "works" if w else "broken"
    name = fl["name"]
    if row["class"] != want:
        bad("%s: row class %r, want %r" % (name, row["class"], want))
    if cells.get("answer", {}).get("text") != want:
        bad("%s: answer %r, want %r" % (name, cells.get("answer"), want))
    if cells.get("name", {}).get("text") != name:
        bad("flow name %r shown as %r" % (name, cells.get("name")))
    why = cells.get("why", {}).get("text", "")
    if not fl["delivered"]:
        if not why.startswith("dropped (%s) at " % fl["drop_reason"]):
            bad("%s: why %r" % (name, why))
        if fl["drop_reason"] == "nsg-deny" and fl["nsg_rule"] not in why:
            bad("%s: the NSG rule %s is not in %r" % (name, fl["nsg_rule"], why))
        if fl["drop_reason"] == "route-none" and not re.search(r"route [0-9./]+ -> None", why):
            bad("%s: the route is not in %r" % (name, why))
    elif fl["activation"] == "refused":
        if not why.startswith("activation refused: source seen %s (%s)" %
                              (fl["source_seen"], fl["source_class"])) or \
           " -> " not in why:
            bad("%s: why %r" % (name, why))
    elif w and not why.startswith("delivered"):
        bad("%s: why %r" % (name, why))
    elif not w and not why.startswith("TCP does not connect"):
        bad("%s: why %r" % (name, why))
    exp = "none" if not fl["expectations"] else "held" if fl["ok"] else "failed"
    e = [c for c in row["cells"] if c["class"] in ("held", "failed", "none")]
    if len(e) != 1 or not e[0]["text"].startswith(exp) or e[0]["class"] != exp:
        bad("%s: expectations %r, want %s" % (name, e, exp))
    if i == nfiles and (exp != "none"):
        bad("%s: the scenario without expectations has %s" % (name, exp))
nowork = [fl["name"] for i, fl in flows if i == nfiles and
          not (fl["delivered"] and fl["activation"] != "refused")]
if not [n for n in nowork if "kms" in n]:
    bad("the scenario without expectations has no broken KMS flow")
m = re.search(r'id="works">(\d+) works?</span>, <span class="bad" id="broken">(\d+) broken', html)
if not m or (int(m.group(1)), int(m.group(2))) != (works, len(flows) - works):
    bad("summary: %r, want %d works, %d broken" %
        (m and m.group(0), works, len(flows) - works))

# Diagrams: own size, a link to the SVG itself.
if len(p.imgs) != len(flows):
    bad("%d diagrams for %d flows" % (len(p.imgs), len(flows)))
for a in p.imgs:
    if "width" in a or "height" in a or "style" in a:
        bad("diagram img forced to a size: %r" % a)
for l in p.diagram_links:
    if not re.fullmatch(r"diagrams/\d\d-\d\d\.svg", l or ""):
        bad("diagram link %r" % l)
css = re.search(r"<style>(.*)</style>", html, re.S).group(1)
if not re.search(r"\.diagram img\{[^}]*max-width:none", css):
    bad("the stylesheet may shrink diagrams")
for a in p.imgs:
    svg = open(os.path.join(work, "rep", a["src"])).read(2000)
    wpt = re.search(r'<svg width="(\d+)pt"', svg)
    if not wpt or int(wpt.group(1)) < 300:
        bad("%s: width %r" % (a["src"], wpt and wpt.group(1)))

# Plots: hops, no matrix; latency only with timing.
rep = os.path.join(work, "rep")
for f in ("hops.svg", "hops.png", "hops.gp"):
    if not os.path.isfile(os.path.join(rep, f)):
        bad("no " + f)
for f in ("matrix.svg", "latency.svg"):
    if os.path.exists(os.path.join(rep, f)) or f in html:
        bad(f + " without a scenario that sets timing")
timed = open(os.path.join(work, "timed", "index.html")).read()
if not os.path.isfile(os.path.join(work, "timed", "latency.svg")) or \
   "latency.svg" not in timed:
    bad("no latency plot for a scenario that sets timing")
hops = open(os.path.join(rep, "hops-0.tsv")).read()
if ": broken" not in hops or ": works" not in hops or "\tdropped\t" not in hops:
    bad("hops-0.tsv does not say works/broken and dropped")
print("report-answers: %d flows, %d work" % (len(flows), works))
sys.exit(0 if ok else 1)
PYEOF
exit "$fail"
