#!/bin/sh
# output-is-input.sh FTSIM: an output path that is one of the inputs (by
# name, through "./", a symbolic or a hard link) is refused, exit 2, and
# the input is left as it was: run --junit, import --out, diagram -o.
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
cp scenarios/02-forced-tunnel-breaks-kms.yaml "$tmp/s.yaml"
cp scenarios/10-hidden-platform-rule.yaml "$tmp/t.yaml"
cp tests/data/azure-export/arm-export.json "$tmp/x.json"
ln -s s.yaml "$tmp/sym.xml"
ln "$tmp/s.yaml" "$tmp/hard.xml"
ln -s s.yaml "$tmp/sym.dot"
cp "$tmp/s.yaml" "$tmp/s.orig"
cp "$tmp/x.json" "$tmp/x.orig"

refused() {
	(cd "$tmp" && "$ftsim" "$@" >"$tmp/out" 2>"$tmp/err")
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "it would be overwritten" "$tmp/err" ||
	   [ -s "$tmp/out" ]; then
		echo "FAIL: ftsim $*: exit $rc, stderr:" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
	cmp -s "$tmp/s.yaml" "$tmp/s.orig" && cmp -s "$tmp/x.json" "$tmp/x.orig" ||
		{ echo "FAIL: ftsim $*: an input was changed" >&2; fail=1; }
}
refused run --junit s.yaml s.yaml
refused run --junit ./s.yaml t.yaml s.yaml
refused run --junit sym.xml s.yaml
refused run --junit hard.xml t.yaml s.yaml
refused import --out x.json x.json
refused import -o ./x.json x.json
refused diagram s.yaml -o sym.dot
refused advise -o ./s.yaml s.yaml
refused advise --out sym.dot s.yaml
# A different file is fine.
(cd "$tmp" && "$ftsim" run --junit r.xml s.yaml >/dev/null) ||
	{ echo "FAIL: run --junit r.xml" >&2; fail=1; }
[ $fail -eq 0 ] && echo "output-is-input.sh: every output that is an input refused"
exit $fail
