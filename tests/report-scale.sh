#!/bin/sh
# report-scale.sh FTSIM: `ftsim report` at the loader's cap, 1,000 flows
# in a scenario, twice (the second with `timing:`): the hop plot and the
# latency plot fit what
# gnuplot's cairo can draw (32,767 px a side) and the report is written.
# dot is replaced by a stand-in that writes a small SVG (1,000 real
# layouts of 1,000 destinations take minutes); gnuplot is the real one.
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
command -v gnuplot >/dev/null ||
	{ echo "report-scale.sh: gnuplot needed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
mkdir "$tmp/bin"
cat >"$tmp/bin/dot" <<'EOS'
#!/bin/sh
# dot -Tsvg -o OUT IN
while [ $# -gt 0 ]; do
	case $1 in -o) out=$2; shift ;; esac
	shift
done
printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n' >"$out"
EOS
chmod +x "$tmp/bin/dot"
head=$(sed '/^flows:/,$d' scenarios/02-forced-tunnel-breaks-kms.yaml)
{
	printf '%s\n' "$head"
	echo "flows:"
	for i in $(seq 0 999); do
		echo "  - {name: f$i, from: vm1, to: 23.102.$((i / 200)).$((i % 200 + 1)), port: $((1000 + i))}"
	done
} >"$tmp/big.yaml"
sed 's/^flows:/timing: {internet: 25000}\nflows:/' "$tmp/big.yaml" >"$tmp/big2.yaml"
PATH=$tmp/bin:$PATH "$ftsim" report -o "$tmp/rep" "$tmp/big.yaml" "$tmp/big2.yaml" \
	>/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -gt 1 ] || [ ! -f "$tmp/rep/index.html" ]; then
	echo "FAIL: report of 2 x 1,000 flows: exit $rc:" >&2; cat "$tmp/err" >&2; exit 1
fi
# A PNG's width and height: big-endian at bytes 16 and 20.
for p in hops latency; do
	f=$tmp/rep/$p.png
	if [ ! -s "$f" ]; then
		echo "FAIL: no $p.png" >&2; fail=1; continue
	fi
	set -- $(od -An -tu1 -j16 -N8 "$f")
	w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
	h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
	echo "$p.png: ${w} x ${h}"
	if [ "$w" -gt 32767 ] || [ "$h" -gt 32767 ]; then
		echo "FAIL: $p.png is $w x $h" >&2; fail=1
	fi
done
[ $fail -eq 0 ] && echo "report-scale.sh: 2,000 flows reported"
exit $fail
