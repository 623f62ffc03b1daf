#!/bin/sh
# help.sh FTSIM: per-command help and usage errors, read against the
# command table (cli/help.c) through `ftsim complete`.
#  - `ftsim CMD --help`, `ftsim CMD -h` and `ftsim help CMD` print the same
#    help on stdout, exit 0; every option getopt parses for CMD is in it,
#    and is accepted (`ftsim CMD --OPT [ARG] --help` exits 0);
#  - no command parses options outside the table (getopt_long is called
#    only in cli/help.c);
#  - a usage error is one line naming what is wrong, then "Try 'ftsim CMD
#    --help'.", on stderr, nothing on stdout, exit 2.
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
s2=scenarios/02-forced-tunnel-breaks-kms.yaml

err() { echo "FAIL: $*" >&2; fail=1; }

cmds=$("$ftsim" complete commands) || err "complete commands"
[ -n "$cmds" ] || err "no commands listed"
"$ftsim" --help >"$tmp/all" 2>"$tmp/e" || err "ftsim --help exits non-zero"
for c in $cmds; do
	grep -q "^  $c " "$tmp/all" || err "ftsim --help does not list $c"
done

for c in $cmds complete; do
	"$ftsim" "$c" --help >"$tmp/h" 2>"$tmp/e"
	rc=$?
	[ $rc -eq 0 ] || err "ftsim $c --help: exit $rc"
	[ -s "$tmp/e" ] && err "ftsim $c --help writes on stderr: $(cat "$tmp/e")"
	head -1 "$tmp/h" | grep -q "^usage: ftsim $c" ||
		err "ftsim $c --help does not start with its usage"
	grep -q '^Options:$' "$tmp/h" || err "ftsim $c --help lists no options"
	grep -q '^Exit status: ' "$tmp/h" || err "ftsim $c --help gives no exit status"
	"$ftsim" help "$c" >"$tmp/h2" 2>&1 && cmp -s "$tmp/h" "$tmp/h2" ||
		err "ftsim help $c differs from ftsim $c --help"
	"$ftsim" "$c" -h >"$tmp/h3" 2>&1 && cmp -s "$tmp/h" "$tmp/h3" ||
		err "ftsim $c -h differs from ftsim $c --help"
	[ "$c" = complete ] && continue
	for o in $("$ftsim" complete options "$c"); do
		# The option, as a word of the help's option list.
		grep -Eq -- "^  (-., )? *$o([ ,]|\$)|, $o([ ,]|\$)" "$tmp/h" ||
			err "ftsim $c --help does not describe $o"
		case $o in --help|-h) continue ;; esac
		kind=$("$ftsim" complete arg "$c" "$o" | head -1)
		case $kind in
		none) set -- "$o" ;;
		choice) set -- "$o" "$("$ftsim" complete arg "$c" "$o" | sed -n 2p)" ;;
		file) set -- "$o" "$tmp/f" ;;
		dir) set -- "$o" "$tmp/d" ;;
		*) set -- "$o" x ;;
		esac
		"$ftsim" "$c" "$@" --help >"$tmp/h4" 2>"$tmp/e"
		rc=$?
		if [ $rc -ne 0 ] || ! cmp -s "$tmp/h" "$tmp/h4"; then
			err "ftsim $c $* --help: exit $rc, $(cat "$tmp/e")"
		fi
	done
done

# Options are parsed from the table only.
for f in cli/*.c; do
	[ "$f" = cli/help.c ] && continue
	if grep -n 'getopt_long\|struct option ' "$f"; then
		err "$f parses options outside the command table (cli/help.c)"
	fi
done

# usage CMD MESSAGE ARGS...: exit 2, nothing on stdout, stderr exactly
# "ftsim CMD: MESSAGE" and the pointer to CMD's help.
usage() {
	c=$1; msg=$2; shift 2
	"$ftsim" "$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	printf "ftsim %s: %s\nTry 'ftsim %s --help'.\n" "$c" "$msg" "$c" >"$tmp/want"
	if [ $rc -ne 2 ] || [ -s "$tmp/o" ] || ! cmp -s "$tmp/want" "$tmp/e"; then
		err "ftsim $*: exit $rc, stderr:"
		diff "$tmp/want" "$tmp/e" >&2
	fi
}
usage routes "missing --vm NAME" routes $s2
usage routes "missing scenario FILE" routes --vm vm1
usage routes "unexpected operand 'extra'" routes $s2 extra --vm vm1
usage routes "option '--vm' needs an argument" routes $s2 --vm
usage rules "missing --vm NAME" rules $s2
usage nexthop "missing --dest IP" nexthop $s2 --vm vm1
usage nexthop "unknown option '--direction'" nexthop $s2 --vm vm1 --direction Outbound
usage verify "missing --direction Outbound|Inbound" verify $s2 --vm vm1
usage verify "--direction must be Outbound or Inbound, not 'Up'" verify $s2 --vm vm1 \
	--direction Up --protocol TCP --local 10.1.1.4:1 --remote 1.1.1.1:1
usage run "missing scenario FILE" run
usage run "unknown option '-x'" run -x $s2
usage run "--json and --tap: choose one" run --json --tap $s2
usage run "option '--c' is ambiguous" run --c $s2
usage run "--capture needs --pcap DIR" run --capture nic $s2
usage whatif "missing BASE and CHANGE.yaml" whatif $s2
usage diff "unexpected operand 'c'" diff a b c
usage import "missing FILE.json" import
usage import "option '-o' needs an argument" import x.json -o
usage report "missing -o DIR" report $s2
usage replay "missing --scenario FILE" replay --from vm1 x.pcap
usage replay "missing --from VM" replay --scenario $s2 x.pcap
usage diagram "unknown option '--bogus'" diagram --bogus $s2
usage flowlog "missing scenario FILE" flowlog
usage help "no command 'nosuch'" help nosuch
for c in $cmds; do
	[ "$c" = version ] || [ "$c" = help ] && continue
	usage "$c" "unknown option '--no-such-option'" "$c" --no-such-option
done

# The command itself.
"$ftsim" nosuch >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && [ ! -s "$tmp/o" ] && grep -q "^ftsim: unknown command 'nosuch'" "$tmp/e" &&
	grep -q "^Try 'ftsim --help'.\$" "$tmp/e" || err "ftsim nosuch"
"$ftsim" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 2 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" -eq 2 ] || err "ftsim without a command"
v=$("$ftsim" --version) && echo "$v" | grep -Eq '^ftsim [0-9]+\.[0-9]+\.[0-9]+$' ||
	err "ftsim --version: $v"
[ "$("$ftsim" version)" = "$v" ] || err "ftsim version differs from --version"
exit $fail
