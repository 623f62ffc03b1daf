# bash completion for ftsim(1). The commands, their options, what each
# option takes, and the VM and flow names of the scenario on the command
# line are asked of `ftsim complete` (the command table, cli/help.c), so
# this file never lists them itself.

# ftsim's answer, never reading the terminal, quiet on errors.
_ftsim_ask()
{
	"$@" </dev/null 2>/dev/null
}

# The scenario named on the command line: the value of --scenario
# (replay), else the first operand. Options that take an argument skip it.
_ftsim_scenario()
{
	local ftsim=$1 cmd=$2 i w kind
	shift 2
	for ((i = 0; i < $#; i++)); do
		w=${@:i+1:1}
		if [[ $w == --scenario ]]; then
			printf '%s\n' "${@:i+2:1}"
			return
		fi
	done
	for ((i = 0; i < $#; i++)); do
		w=${@:i+1:1}
		case $w in
		-) ;;
		-*)
			read -r kind < <(_ftsim_ask "$ftsim" complete arg "$cmd" "$w")
			[[ $kind != none ]] && ((i++))
			;;
		*)
			printf '%s\n' "$w"
			return
			;;
		esac
	done
}

_ftsim()
{
	local cur prev ftsim cmd file
	local -a kind
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	ftsim=${COMP_WORDS[0]}
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$(_ftsim_ask "$ftsim" complete commands) --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	if [[ $cmd == help ]]; then
		((COMP_CWORD == 2)) &&
			COMPREPLY=($(compgen -W "$(_ftsim_ask "$ftsim" complete commands)" -- "$cur"))
		return
	fi
	if [[ $prev == -?* && $COMP_CWORD -gt 2 ]]; then
		mapfile -t kind < <(_ftsim_ask "$ftsim" complete arg "$cmd" "$prev")
		case ${kind[0]} in
		file)
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
			return
			;;
		dir)
			COMPREPLY=($(compgen -d -- "$cur"))
			compopt -o filenames 2>/dev/null
			return
			;;
		vm|flow)
			file=$(_ftsim_scenario "$ftsim" "$cmd" "${COMP_WORDS[@]:2:COMP_CWORD-2}")
			[[ -n $file && -r $file ]] &&
				COMPREPLY=($(compgen -W "$(_ftsim_ask "$ftsim" complete "${kind[0]}s" "$file")" -- "$cur"))
			return
			;;
		choice)
			COMPREPLY=($(compgen -W "${kind[*]:1}" -- "$cur"))
			return
			;;
		word)
			return
			;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_ftsim_ask "$ftsim" complete options "$cmd")" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2>/dev/null
}
complete -F _ftsim ftsim
