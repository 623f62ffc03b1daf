#!/bin/sh
# term.sh FTSIM: colour only on a terminal (a pseudo-terminal made with
# script(1)), never with NO_COLOR set (any value, empty too) or TERM=dumb
# unless --color asks; ✓ ✗ in UTF-8 only when the first of LC_ALL,
# LC_CTYPE, LANG that is set names UTF-8, "ok" and "FAIL" otherwise.
# Exit 77 (skipped) for the terminal cases without script(1).
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
ok=scenarios/02-forced-tunnel-breaks-kms.yaml
bad=tests/scenarios/wrong-expectations.yaml
esc=$(printf '\033')
check=$(printf '\342\234\223')	# ✓
cross=$(printf '\342\234\227')	# ✗

# run_env OUT ENV... -- ARGS: ftsim run ARGS with exactly the locale and
# colour variables ENV (the others unset), stdout into OUT.
run_env() {
	out=$1; shift
	set -- env -u LC_ALL -u LC_CTYPE -u LANG -u NO_COLOR -u TERM "$@"
	"$@" >"$out" 2>/dev/null
}

# colour WANT(yes|no) TTY(yes|no) ENV... -- ARGS
colour() {
	want=$1 tty=$2; shift 2
	if [ "$tty" = yes ]; then
		# script(1) runs the command on a pseudo-terminal; its own
		# environment passes through.
		cmd=""
		while [ "$1" != -- ]; do cmd="$cmd $1"; shift; done
		shift
		env -u LC_ALL -u LC_CTYPE -u LANG -u NO_COLOR -u TERM $cmd \
			script -qec "\"$ftsim\" run $*" /dev/null >"$tmp/out" 2>&1 </dev/null
	else
		envs=""
		while [ "$1" != -- ]; do envs="$envs $1"; shift; done
		shift
		# shellcheck disable=SC2086
		run_env "$tmp/out" $envs LANG=C.UTF-8 "$ftsim" run "$@"
	fi
	if grep -q "$esc\[3[12]m" "$tmp/out"; then got=yes; else got=no; fi
	if [ "$got" != "$want" ]; then
		echo "FAIL: colour $got, want $want (terminal: $tty): $cmd ftsim run $*" >&2
		fail=1
	fi
}

# Off a terminal: no colour unless --color.
colour no no -- $ok
colour yes no -- --color $ok
colour yes no NO_COLOR=1 -- --color $ok
if command -v script >/dev/null; then
	colour yes yes LANG=C.UTF-8 TERM=xterm -- $ok
	colour yes yes LANG=C.UTF-8 -- $ok
	colour no yes LANG=C.UTF-8 TERM=xterm NO_COLOR=1 -- $ok
	colour no yes LANG=C.UTF-8 TERM=xterm NO_COLOR= -- $ok
	colour no yes LANG=C.UTF-8 TERM=dumb -- $ok
	colour no yes LANG=C.UTF-8 TERM=xterm -- --no-color $ok
	colour yes yes LANG=C.UTF-8 TERM=dumb -- --color $ok
	tty=yes
else
	echo "script(1) is not installed: the terminal cases are skipped" >&2
	tty=no
fi

# signs WANT(utf8|ascii) ENV...: the check and the cross as the locale
# variables ENV call for.
signs() {
	want=$1; shift
	run_env "$tmp/ok" "$@" "$ftsim" run --no-color $ok
	run_env "$tmp/bad" "$@" "$ftsim" run --no-color $bad
	if [ "$want" = utf8 ]; then
		grep -q "^  $check " "$tmp/ok" && grep -q "^  $cross " "$tmp/bad" &&
			! grep -q "^  ok " "$tmp/ok" && ! grep -q "^  FAIL " "$tmp/bad"
	else
		grep -q "^  ok " "$tmp/ok" && grep -q "^  FAIL " "$tmp/bad" &&
			! grep -q "$check" "$tmp/ok" && ! grep -q "$cross" "$tmp/bad" &&
			! LC_ALL=C grep -q "$(printf '[\200-\377]')" "$tmp/ok"
	fi || { echo "FAIL: signs are not $want with $*" >&2; fail=1; }
}
signs ascii
signs ascii LANG=C
signs ascii LANG=POSIX
signs utf8 LANG=C.UTF-8
signs utf8 LANG=en_US.utf8
signs utf8 LANG=de_DE.UTF-8@euro
signs ascii LANG=en_US.ISO-8859-1
signs ascii LC_ALL=C LANG=en_US.UTF-8
signs utf8 LC_ALL=C.UTF-8 LANG=C
signs ascii LC_CTYPE=C LANG=C.UTF-8
signs utf8 LC_CTYPE=C.UTF-8 LANG=C
signs utf8 LC_ALL= LC_CTYPE= LANG=C.UTF-8
signs ascii LC_ALL=C LC_CTYPE=C.UTF-8
[ $fail -eq 0 ] && [ $tty = no ] && exit 77
exit $fail
