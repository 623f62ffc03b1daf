#!/bin/sh
# pictures.sh FTSIM: `ftsim diagram` checked by tools ftsim did not write.
#
#  - the public-peering scenario's kms-activation flow drawn as DOT, SVG
#    and PNG: the PNG has its signature and IHDR chunk and is not tiny,
#    the SVG parses as XML (python3 xml.etree) and is not tiny;
#  - the DOT has the nodes of the topology and, in order, the request's
#    edges VM -> fabric -> gateway -> private peering -> customer edge ->
#    public peering -> KMS, labelled with the source address the packet
#    carries as it leaves each node (10.1.1.4 four times, then the NAT
#    pool's 203.0.113.1: the customer edge translates); the NIC says its
#    NSG verdict, the subnet its route and the route's source, the
#    customer edge its SNAT;
#  - a second run writes the same bytes (cmp), no temporary file is left;
#  - names with quotes, backslashes and angle brackets go through dot;
#  - a bad output name and an unknown flow exit 2 and write nothing.
set -u
ftsim=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
pp="$top/scenarios/05-public-peering-forced-tunnel.yaml"

if ! command -v dot >/dev/null || ! command -v python3 >/dev/null; then
	echo "pictures.sh: dot (graphviz) and python3 are needed" \
	     "(scripts/install-deps.sh with FTSIM_TEST_DEPS=1)" >&2
	exit 1
fi

for run in a b; do
	mkdir -p "$work/$run"
	for ext in dot svg png; do
		if ! "$ftsim" diagram "$pp" --flow kms-activation \
		    -o "$work/$run/pp.$ext" 2>"$work/err"; then
			echo "FAIL diagram -o pp.$ext:" >&2; cat "$work/err" >&2
			fail=1
		fi
	done
done
for ext in dot svg png; do
	cmp -s "$work/a/pp.$ext" "$work/b/pp.$ext" ||
	    { echo "FAIL pp.$ext differs between two runs" >&2; fail=1; }
done
left=$(ls -A "$work/a" | grep -v '^pp\.\(dot\|svg\|png\)$')
[ -z "$left" ] || { echo "FAIL left behind: $left" >&2; fail=1; }

python3 - "$work/a" <<'EOF' || fail=1
import re, struct, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ok = True
def bad(msg):
    global ok
    print("FAIL " + msg, file=sys.stderr)
    ok = False

png = open(d + "/pp.png", "rb").read()
if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
    bad("pp.png: no PNG signature and IHDR chunk")
else:
    w, h = struct.unpack(">II", png[16:24])
    if w < 600 or h < 200 or len(png) < 20000:
        bad("pp.png: %dx%d, %d bytes: too small" % (w, h, len(png)))

svg = open(d + "/pp.svg", "rb").read()
try:
    root = ET.fromstring(svg)
    if not root.tag.endswith("svg") or len(svg) < 10000:
        bad("pp.svg: root %s, %d bytes" % (root.tag, len(svg)))
    texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for want in ("203.0.113.1", "10.1.1.4", "public peering", "private peering"):
        if want not in texts:
            bad("pp.svg: no text %r" % want)
except ET.ParseError as e:
    bad("pp.svg does not parse: %s" % e)

dot = open(d + "/pp.dot").read()
label = {}
for m in re.finditer(r'^\s*"(n\d+)" \[label="((?:[^"\\]|\\.)*)"', dot, re.M):
    label[m.group(1)] = m.group(2).replace("\\n", " ")
def node(prefix):
    if prefix.startswith("="):
        hits = [n for n, l in label.items() if l == prefix[1:]]
    else:
        hits = [n for n, l in label.items() if l.startswith(prefix)]
    if len(hits) != 1:
        bad("pp.dot: %d nodes labelled %r" % (len(hits), prefix))
        return None
    return hits[0]
want_nodes = ["VM vm1", "VNet fabric", "gateway er-gw", "private peering",
              "customer edge", "public peering", "kms Windows activation"]
ids = [node(p) for p in want_nodes]
for p in ("subnet Subnet-1", "Internet edge NAT 198.51.100.10", "=Internet",
          "Azure Internet edge", "93.184.216.34"):
    node(p)
req = re.findall(r'^\s*"(n\d+)" -> "(n\d+)" \[color="#d62728"[^]]*label="(\d+)  ([0-9.]+)"\]', dot, re.M)
got = [(label.get(a), label.get(b), ip) for a, b, n, ip in req]
want = [(want_nodes[i], want_nodes[i + 1],
         "10.1.1.4" if i < 4 else "203.0.113.1") for i in range(6)]
if None not in ids:
    if [(ids.index(a), ids.index(b), ip) for a, b, n, ip in req
            if a in ids and b in ids] != \
       [(i, i + 1, w[2]) for i, w in enumerate(want)] or len(req) != 6:
        bad("pp.dot: request edges are %r" % got)
    # the circuit is crossed twice: both peerings are on the path, and
    # the customer edge is between them
    reply = re.findall(r'^\s*"(n\d+)" -> "(n\d+)" \[color="#1f77b4"', dot, re.M)
    if len(reply) != 6:
        bad("pp.dot: %d reply edges, want 6" % len(reply))
    # the decisions at their nodes: the NSG rule at the NIC, the route
    # (prefix, source) at the subnet, the customer edge's SNAT to the
    # public peering pool as a line of its own
    full = {}
    for m in re.finditer(r'^\s*"(n\d+)" \[label="((?:[^"\\]|\\.)*)"', dot, re.M):
        full[m.group(1)] = m.group(2).split("\\n")
    for n, line in ((ids[0], "NSG outbound: allowed (no NSG)"),
                    (node("subnet Subnet-1"), "route 0.0.0.0/0 -> "
                     "VirtualNetworkGateway 192.168.255.1, source VirtualNetworkGateway"),
                    (ids[4], "SNAT 10.1.1.4 -> 203.0.113.1")):
        if n is not None and line not in full.get(n, []):
            bad("pp.dot: node %r has no line %r" % (full.get(n), line))
sys.exit(0 if ok else 1)
EOF

# Names DOT must escape, through dot.
w="$top/tests/data/pictures/weird-names.yaml"
if ! "$ftsim" diagram "$w" --flow kms-activation -o "$work/w.svg" 2>"$work/err"; then
	echo "FAIL weird names:" >&2; cat "$work/err" >&2; fail=1
elif ! python3 -c 'import sys, xml.etree.ElementTree as ET
t = "".join(x.text or "" for x in ET.parse(sys.argv[1]).iter())
sys.exit(0 if "v<m>1\"q" in t and "Arm\"VNet\\x{1}" in t else 1)' "$work/w.svg"; then
	echo "FAIL weird names: the SVG does not show them as written" >&2; fail=1
fi

# Bad output names and unknown flows: exit 2, nothing written.
"$ftsim" diagram "$pp" -o "$work/x.jpg" 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL -o x.jpg: exit not 2" >&2; fail=1; }
"$ftsim" diagram "$pp" --flow nope -o "$work/x.svg" 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL --flow nope: exit not 2" >&2; fail=1; }
[ ! -e "$work/x.svg" ] && [ ! -e "$work/x.jpg" ] ||
    { echo "FAIL a file was written on error" >&2; fail=1; }

[ "$fail" = 0 ] && echo "pictures.sh: DOT, SVG and PNG of the hairpin checked"
exit "$fail"
