# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# bash completion of sluice(8): commands (after any -v), their flags, the values of
# --mode and --sort, interfaces (from /sys/class/net) and files for -f and --pcap.
# Needs nothing of the bash-completion package, so it works wherever it is sourced.

# The long flags of a command ("decap attach" for decap's subcommands), as its
# --help lists them.
_sluice_flags()
{
	case $1 in
	attach)		echo --mode --file --force --replace --json --help ;;
	detach)		echo --force --prune --json --help ;;
	upgrade)	echo --object --help ;;
	apply)		echo --file --dry-run --force --json --help ;;
	export)		echo --help ;;
	validate)	echo --file --json --help ;;
	status)		echo --json --output --service --backend --sort --help ;;
	stats)		echo --json --watch --interval --output --service --backend --sort \
			--prometheus --serve --help ;;
	top)		echo --once --sort --help ;;
	monitor)	echo --drops --match --pcap --rate --count --json --help ;;
	watch)		echo --once --help ;;
	run)		echo --file --mode --help ;;
	"decap attach")	echo --mode --from --help ;;
	"decap detach")	echo --help ;;
	"decap status")	echo --json --help ;;
	decap|version)	echo --help ;;
	esac
}

# Whether flag $2 of command $1 takes the next word as its value.
_sluice_takes_value()
{
	case $1:$2 in
	*:-f | *:--file | *:-m | *:--mode | "decap attach":-s | *:--from | \
	stats:-s | *:--serve | top:-s | *:-k | *:--sort | *:-i | *:--interval | \
	*:-o | *:--output | *:-S | *:--service | *:-B | *:--backend | upgrade:--object | \
	monitor:-w | *:--pcap | monitor:-r | *:--rate | monitor:-c | *:--count | *:--match)
		return 0 ;;
	esac
	return 1
}

_sluice()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local at=1 cmd first i positionals=0

	COMPREPLY=()
	# -v, -vv and --verbose come before the command (sluice -v apply ...).
	while ((at < COMP_CWORD)) && [[ ${COMP_WORDS[at]} == @(-v|-vv|--verbose) ]]; do
		((at++))
	done
	if ((COMP_CWORD == at)); then
		COMPREPLY=($(compgen -W "attach detach apply validate export status stats top
			monitor watch run upgrade decap version --help --version" -- "$cur"))
		((at > 1)) || [[ $cur != -* ]] ||
			COMPREPLY+=($(compgen -W "-v -vv --verbose" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[at]}
	first=$((at + 1))
	if [[ $cmd == decap ]]; then
		if ((COMP_CWORD == at + 1)); then
			COMPREPLY=($(compgen -W "attach detach status --help" -- "$cur"))
			return
		fi
		cmd="decap ${COMP_WORDS[at + 1]}"
		first=$((at + 2))
	fi

	if _sluice_takes_value "$cmd" "$prev"; then
		case $prev in
		-f | --file | -w | --pcap)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur")) ;;
		-m | --mode)
			COMPREPLY=($(compgen -W "native generic" -- "$cur")) ;;
		-s | --sort)
			[[ $cmd == top ]] &&
				COMPREPLY=($(compgen -W "packets bits flows active name" -- "$cur")) ;;
		esac
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_sluice_flags "$cmd")" -- "$cur"))
		return
	fi

	# The one positional word these commands take is an interface.
	case $cmd in
	validate | version | decap) return ;;
	esac
	for ((i = first; i < COMP_CWORD; i++)); do
		if _sluice_takes_value "$cmd" "${COMP_WORDS[i]}"; then
			((i++))
		elif [[ ${COMP_WORDS[i]} != -* ]]; then
			((positionals++))
		fi
	done
	((positionals == 0)) || return
	local ifaces=(/sys/class/net/*)
	COMPREPLY=($(compgen -W "${ifaces[*]##*/}" -- "$cur"))
}
complete -F _sluice sluice
