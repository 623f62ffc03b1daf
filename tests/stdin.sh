#!/bin/sh
# stdin.sh FTSIM: "-" reads standard input. Every command that reads a
# scenario (run, routes, rules, nexthop, verify, whatif and diff on either
# side, import, report --whatif's change) prints from standard input what it prints from the file,
# the file's name replaced by <stdin>; errors name <stdin>:LINE:COL; "-"
# named twice is refused; a scenario's relative service_tags path is read
# from the current directory. Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
s2=scenarios/02-forced-tunnel-breaks-kms.yaml
s3=scenarios/03-udr-kms-fix.yaml
s10=scenarios/10-hidden-platform-rule.yaml
chg=scenarios/changes/arm-kms-udr.yaml
arm=tests/data/azure-export/arm-export.json

# same FILE CODE ARGS...: `ftsim ARGS` with "-" for FILE and FILE on stdin
# prints and exits as with FILE in its place (names aside).
same() {
	file=$1; code=$2; shift 2
	args=""
	for a in "$@"; do
		[ "$a" = - ] && a=$file
		args="$args $a"
	done
	# shellcheck disable=SC2086
	"$ftsim" $args >"$tmp/want" 2>"$tmp/wante"
	wrc=$?
	"$ftsim" "$@" <"$file" >"$tmp/got" 2>"$tmp/gote"
	grc=$?
	sed "s#$file#<stdin>#g" "$tmp/want" >"$tmp/want.s"
	sed "s#$file#<stdin>#g" "$tmp/wante" >"$tmp/wante.s"
	if [ $wrc -ne "$code" ] || [ $grc -ne "$code" ] ||
	   ! cmp -s "$tmp/want.s" "$tmp/got" || ! cmp -s "$tmp/wante.s" "$tmp/gote" ||
	   [ ! -s "$tmp/got" ]; then
		echo "FAIL: ftsim $* <$file: exit $grc (file: $wrc, want $code)" >&2
		diff "$tmp/want.s" "$tmp/got" >&2
		diff "$tmp/wante.s" "$tmp/gote" >&2
		fail=1
	fi
}

same $s2 0 run -
same $s2 0 run --json -
same $s2 0 routes - --vm vm1
same $s2 0 routes --json - --vm vm1
same $s10 0 rules - --vm winvm
same $s3 0 nexthop - --vm vm1 --dest 23.102.135.246
same $s10 0 verify - --vm winvm --direction Outbound --protocol TCP \
	--local 10.2.1.4:49152 --remote 23.102.135.246:1688
same $s2 1 whatif - $chg
same $s2 1 whatif --json - $chg
same $chg 1 whatif $s2 -
same $s2 1 diff - $s3
same $s3 1 diff $s2 -

# import: the same scenario, named "stdin" after its input.
"$ftsim" import $arm 2>/dev/null | sed -e "s#$arm#<stdin>#g" \
	-e 's/^scenario: arm-export$/scenario: stdin/' >"$tmp/want"
if ! "$ftsim" import - <$arm >"$tmp/got" 2>/dev/null ||
   ! cmp -s "$tmp/want" "$tmp/got"; then
	echo "FAIL: ftsim import - <$arm" >&2
	diff "$tmp/want" "$tmp/got" >&2
	fail=1
fi
# An export piped to run is read as one (by its text: JSON).
"$ftsim" run $arm 2>/dev/null | sed -e "s#$arm#<stdin>#g" \
	-e '1s/^scenario arm-export /scenario stdin /' >"$tmp/want"
if ! "$ftsim" run - <$arm >"$tmp/got" 2>/dev/null ||
   ! cmp -s "$tmp/want" "$tmp/got"; then
	echo "FAIL: ftsim run - <$arm" >&2
	diff "$tmp/want" "$tmp/got" >&2
	fail=1
fi

# bad CODE PATTERN INPUT ARGS...: exit CODE, nothing on stdout, stderr
# matches PATTERN (grep -E).
bad() {
	code=$1; pat=$2; input=$3; shift 3
	printf '%b' "$input" | "$ftsim" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne "$code" ] || [ -s "$tmp/out" ] ||
	   ! grep -Eq "$pat" "$tmp/err"; then
		echo "FAIL: ftsim $* on '$input': exit $rc, want $code and /$pat/; stderr:" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
}
bad 2 '^<stdin>:3:1: error: YAML' 'scenario: x\nvnets: [\n' run -
bad 2 '^<stdin>:2:[0-9]+: error: ' 'scenario: x\n  bogus: 1\n' run -
bad 2 '^<stdin>:[0-9]+:[0-9]+: error: ' 'scenario: x\nbogus_key: 1\n' routes - --vm vm1
bad 2 '^<stdin>:1:11: error: JSON' '{"value": [' import -
bad 2 '^<stdin>:1:11: error: JSON' '{"value": [' run -
bad 2 '^<stdin>:[0-9]+:[0-9]+: error: ' 'routes:\n  bogus: 1\n' whatif $s2 -
bad 2 '^<stdin>: error: empty scenario|^<stdin>:1:1: error: ' '' run -
# "-" twice: standard input is read once.
cat $s2 | "$ftsim" run - - >"$tmp/out" 2>"$tmp/err"
if [ $? -ne 2 ] || [ -s "$tmp/out" ] || ! grep -q 'can be read once' "$tmp/err"; then
	echo "FAIL: run - - is not refused" >&2
	cat "$tmp/err" >&2
	fail=1
fi

# report --whatif -: the change from standard input gives the report the
# change file gives (the what-if's name aside).
if command -v dot >/dev/null && command -v gnuplot >/dev/null; then
	"$ftsim" report --whatif $chg -o "$tmp/rf" $s2 >/dev/null 2>&1
	frc=$?
	"$ftsim" report --whatif - -o "$tmp/rs" $s2 <$chg >/dev/null 2>&1
	src=$?
	sed "s#$chg#-#g; s#arm-kms-udr.yaml#-#g" "$tmp/rf/index.html" \
	    >"$tmp/rf.html"
	if [ $frc -ne 0 ] || [ $src -ne 0 ] ||
	   ! cmp -s "$tmp/rf.html" "$tmp/rs/index.html"; then
		echo "FAIL: report --whatif - (exit $src, file: $frc)" >&2
		fail=1
	fi
fi

# service_tags relative to the current directory, not the file's.
(cd tests/scenarios && "$ftsim" run - <service-tags-file.yaml >"$tmp/out" 2>"$tmp/err")
if [ $? -ne 0 ]; then
	echo "FAIL: service_tags from the current directory:" >&2
	cat "$tmp/err" >&2
	fail=1
fi
"$ftsim" run - <tests/scenarios/service-tags-file.yaml >"$tmp/out" 2>"$tmp/err"
if [ $? -ne 2 ] || ! grep -q '^<stdin>:9:15: error: cannot load service tags: ../data/' "$tmp/err"; then
	echo "FAIL: service_tags was not looked for from the current directory" >&2
	cat "$tmp/err" >&2
	fail=1
fi
exit $fail
