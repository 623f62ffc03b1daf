#!/bin/sh
# json-oom.sh FTSIM SANITIZE: `ftsim run --json` of 1,000 flows under
# address-space limits from 60 MB to 200 MB: at every limit the output is
# the whole document (exit 0 or 1, every flow in it) or nothing: exit 4
# with "ftsim: out of memory" (docs/format.md, "Exit status"), or exit 2
# with another cause on stderr; never a document with holes, an empty
# stdout with exit 0, or memory called bad input. Not under the sanitizers (their shadow memory needs more
# address space than any limit). Run from the source tree.
set -u
ftsim=$1
[ "${2:-OFF}" = ON ] && { echo "json-oom.sh: not under ASan: skipped"; exit 77; }
command -v jq >/dev/null || { echo "json-oom.sh: jq needed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
oom=0
whole=0
head=$(sed '/^flows:/,$d' scenarios/02-forced-tunnel-breaks-kms.yaml)
{
	printf '%s\n' "$head"
	echo "flows:"
	for i in $(seq 0 999); do
		echo "  - {name: f$i, from: vm1, to: 23.102.$((i / 200)).$((i % 200 + 1)), port: $((1000 + i))}"
	done
} >"$tmp/big.yaml"
mb=60
while [ $mb -le 200 ]; do
	(ulimit -v $((mb * 1024)); exec "$ftsim" run --json "$tmp/big.yaml") \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $rc in
	0|1)
		n=$(jq '.flows | length' "$tmp/out" 2>/dev/null)
		if [ "$n" != 1000 ]; then
			echo "FAIL: $mb MB: exit $rc with ${n:-no} flows in" \
			     "$(wc -c <"$tmp/out") bytes" >&2
			fail=1
		fi
		whole=$((whole + 1)) ;;
	4)
		if [ -s "$tmp/out" ] || ! grep -q "^ftsim: out of memory" "$tmp/err"; then
			echo "FAIL: $mb MB: exit 4, stdout $(wc -c <"$tmp/out") bytes, stderr:" >&2
			cat "$tmp/err" >&2
			fail=1
		fi
		oom=$((oom + 1)) ;;
	2)
		if [ -s "$tmp/out" ] || grep -q "out of memory" "$tmp/err" ||
		   ! grep -q "internal error\|error" "$tmp/err"; then
			echo "FAIL: $mb MB: exit 2 (memory must be exit 4), stdout $(wc -c <"$tmp/out") bytes, stderr:" >&2
			cat "$tmp/err" >&2
			fail=1
		fi ;;
	*)
		echo "FAIL: $mb MB: exit $rc" >&2; head -5 "$tmp/err" >&2; fail=1 ;;
	esac
	mb=$((mb + 5))
done
echo "json-oom.sh: $whole whole documents, $oom refused for memory"
exit $fail
