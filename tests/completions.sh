#!/bin/bash
# completions.sh FTSIM: the bash and zsh completions (completions/) offer
# the commands, a command's options, an option's choices, and the VMs and
# flows of the scenario on the command line, all from `ftsim complete`.
# bash is run for real (the completion function called as bash calls it);
# zsh, when installed, with its completion builtins stood in for (they
# print what would be offered). Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
fail=0
s2=scenarios/02-forced-tunnel-breaks-kms.yaml
s10=scenarios/10-hidden-platform-rule.yaml

# check SHELL WANT... -- WORDS...: completing the last of WORDS offers
# every word of WANT (each a line of the offer).
check() {
	sh=$1; shift
	want=()
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	if [ "$sh" = bash ]; then
		got=$(bash -c '. completions/ftsim.bash
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_ftsim; printf "%s\n" "${COMPREPLY[@]}"' _ "$@" 2>&1)
	else
		got=$(zsh -fc 'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }
			_files() { print -- "<files>" }
			_message() { print -- "<message>" }
			words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
			source completions/_ftsim' _ "$@" 2>&1)
	fi
	for w in "${want[@]}"; do
		if ! grep -qxF -- "$w" <<<"$got"; then
			echo "FAIL: $sh: completing '$*' does not offer '$w'; offered:" >&2
			echo "$got" >&2
			fail=1
		fi
	done
}

shells=(bash)
if command -v zsh >/dev/null; then
	zsh -n completions/_ftsim || { echo "FAIL: zsh -n completions/_ftsim" >&2; fail=1; }
	shells+=(zsh)
else
	echo "zsh not installed: the zsh completion is not run" >&2
fi
bash -n completions/ftsim.bash || { echo "FAIL: bash -n completions/ftsim.bash" >&2; fail=1; }

for sh in "${shells[@]}"; do
	check $sh routes run whatif import -- "$ftsim" ""
	check $sh routes -- "$ftsim" ro
	check $sh --vm --json --help -- "$ftsim" routes $s2 --
	check $sh --junit --pcap --capture --no-color -- "$ftsim" run --
	check $sh vm1 -- "$ftsim" routes $s2 --vm ""
	check $sh vm1 -- "$ftsim" nexthop --json $s2 --vm ""
	check $sh winvm -- "$ftsim" verify $s10 --vm ""
	check $sh kms-activation -- "$ftsim" diagram $s2 --flow ""
	check $sh kms-activation -- "$ftsim" diagram -o x.svg $s2 --flow ""
	check $sh vm1 -- "$ftsim" replay --scenario $s2 --from ""
	check $sh Outbound Inbound -- "$ftsim" verify $s10 --direction ""
	check $sh TCP UDP -- "$ftsim" verify $s10 --protocol ""
	check $sh verify -- "$ftsim" help ve
done
check bash scenarios/02-forced-tunnel-breaks-kms.yaml -- "$ftsim" run scenarios/02-forced
check zsh "<files>" -- "$ftsim" run scen
exit $fail
