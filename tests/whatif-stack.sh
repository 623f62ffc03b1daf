#!/bin/sh
# whatif-stack.sh FTSIM: stacked change files and --write-after.
# - Two change files apply in order, and their combined effect is what
#   neither gives alone: scenario 12's /32 KMS route on Subnet-1 changes
#   no flow (DenyInternetOutbound still drops), removing that rule alone
#   lets vm1's activation out through the forced tunnel (refused), both
#   together get it accepted.
# - --write-after FILE writes the base with the changes applied as a
#   scenario: `ftsim run FILE` gives the after side's verdicts, and
#   `ftsim diff BASE FILE` prints what `ftsim whatif BASE CHANGES...`
#   prints (text and JSON, services included), the after side's name
#   aside.
# - --write-after is whole or nothing: a folder that does not exist, a
#   change that cannot apply, an input as output: exit 2, nothing on
#   stdout, no file (and the input untouched).
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
command -v jq >/dev/null || { echo "whatif-stack.sh: jq needed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
s12=scenarios/12-forced-tunnel-nsg-deny-internet.yaml
c1=scenarios/changes/kms-udr-nsg-denies-internet.yaml
c2=tests/changes/remove-deny-internet.yaml

bad() { echo "FAIL: $*" >&2; fail=1; }

# activation WHATIF-JSON FLOW: the flow's activation after, or "same".
activation() {
	jq -r --arg f "$2" '[.flows.changed[] | select(.name == $f) |
	    .fields[] | select(.field == "activation") | .after][0] // "same"' "$1"
}

"$ftsim" whatif --json --no-exhaustive "$s12" "$c1" >"$tmp/a.json"
"$ftsim" whatif --json --no-exhaustive "$s12" "$c2" >"$tmp/b.json"
"$ftsim" whatif --json --no-exhaustive "$s12" "$c1" "$c2" >"$tmp/ab.json"
rc=$?
[ $rc -eq 1 ] || bad "whatif C1 C2: exit $rc, want 1"
a=$(activation "$tmp/a.json" vm1-kms)
b=$(activation "$tmp/b.json" vm1-kms)
ab=$(activation "$tmp/ab.json" vm1-kms)
[ "$a" = same ] || bad "C1 alone: vm1-kms activation $a, want no change"
[ "$b" = refused ] || bad "C2 alone: vm1-kms activation $b, want refused"
[ "$ab" = accepted ] || bad "C1 then C2: vm1-kms activation $ab, want accepted"
# C1 alone leaves vm1-kms dropped by the rule on both sides.
jq -e '.still_failing[] | select(.name == "vm1-kms" and
    .nsg_rule == "DenyInternetOutbound" and .drop_reason == "nsg-deny")' \
    "$tmp/a.json" >/dev/null || bad "C1 alone: vm1-kms not still failing"
jq -e '[.still_failing[] | select(.name == "vm1-kms")] | length == 0' \
    "$tmp/ab.json" >/dev/null || bad "C1 then C2: vm1-kms still failing"

# --write-after, then run and diff on what it wrote.
"$ftsim" whatif --write-after "$tmp/after.yaml" "$s12" "$c1" "$c2" \
    >"$tmp/w.txt" 2>"$tmp/w.err"
rc=$?
[ $rc -eq 1 ] || { bad "whatif --write-after: exit $rc"; cat "$tmp/w.err" >&2; }
[ -s "$tmp/w.err" ] && bad "whatif --write-after: stderr: $(cat "$tmp/w.err")"
"$ftsim" run --json "$tmp/after.yaml" >"$tmp/run.json"
rc=$?
[ $rc -eq 1 ] || bad "run on the written file: exit $rc, want 1 (the base's expectations fail after)"
got=$(jq -c '[.flows[] | [.name, .delivered, .activation]]' "$tmp/run.json")
want='[["vm1-kms",true,"accepted"],["vm2-kms-with-udr",true,"accepted"],["vm1-dns-still-platform",true,null]]'
[ "$got" = "$want" ] || bad "run on the written file: $got, want $want"
"$ftsim" diff "$s12" "$tmp/after.yaml" >"$tmp/d.txt"
sed 2d "$tmp/w.txt" >"$tmp/w2.txt"
sed 2d "$tmp/d.txt" >"$tmp/d2.txt"
cmp -s "$tmp/w2.txt" "$tmp/d2.txt" ||
	{ bad "diff BASE AFTER differs from whatif BASE C1 C2:"; diff "$tmp/w2.txt" "$tmp/d2.txt" >&2; }
"$ftsim" whatif --json --services --write-after "$tmp/after2.yaml" "$s12" "$c1" \
    | jq 'del(.after)' >"$tmp/wj.json"
"$ftsim" diff --json --services "$s12" "$tmp/after2.yaml" | jq 'del(.after)' >"$tmp/dj.json"
cmp -s "$tmp/wj.json" "$tmp/dj.json" ||
	{ bad "diff --json differs from whatif --json:"; diff "$tmp/wj.json" "$tmp/dj.json" >&2; }
# Written again: replaced whole.
"$ftsim" whatif --write-after "$tmp/after2.yaml" "$s12" "$c1" "$c2" >/dev/null
cmp -s "$tmp/after.yaml" "$tmp/after2.yaml" || bad "--write-after did not replace the file"

# refused CODE WHAT ARGS...: exit CODE, nothing on stdout, no $tmp/none.yaml.
refused() {
	what=$1; shift
	"$ftsim" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || bad "$what: exit $rc, want 2"
	[ -s "$tmp/out" ] && bad "$what: something on stdout"
	[ -s "$tmp/err" ] || bad "$what: nothing on stderr"
	[ -e "$tmp/none.yaml" ] && bad "$what: the file was written"
	ls "$tmp" | grep -q '\.tmp' && bad "$what: a temporary file is left"
}
refused "no such folder" whatif --write-after "$tmp/nodir/x.yaml" "$s12" "$c1"
grep -q "cannot write $tmp/nodir/x.yaml" "$tmp/err" || bad "no such folder: $(cat "$tmp/err")"
refused "bad second change" whatif --write-after "$tmp/none.yaml" "$s12" "$c1" tests/changes/bad/unknown-key.yaml
refused "change that cannot apply" whatif --write-after "$tmp/none.yaml" "$s12" "$c2" "$c2"
grep -q "^$c2:9:.*error: NSG 'deny-internet' has no rule 'DenyInternetOutbound'" "$tmp/err" ||
	bad "the second file's error does not name it: $(cat "$tmp/err")"
cp "$c1" "$tmp/c1.yaml"
refused "an input as output" whatif --write-after "$tmp/c1.yaml" "$s12" "$tmp/c1.yaml"
cmp -s "$c1" "$tmp/c1.yaml" || bad "an input as output: the input was changed"
# diff has no --write-after.
"$ftsim" diff --write-after "$tmp/none.yaml" "$s12" "$s12" >/dev/null 2>&1
[ $? -eq 2 ] || bad "diff --write-after: not a usage error"
exit $fail
