# bash completion for xdpctl(8).                       -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Commands, options and arguments come from xdpctl's own --help, which is
# generated from its parser's tables, so this file cannot drift from the
# binary it completes. Interfaces come from /sys/class/net (or `ip -n NS`
# with --netns), attachment ids from `xdpctl status IFACE --json` (with jq or
# python3, when either is there). Installed as
# $(datadir)/bash-completion/completions/xdpctl: bash-completion loads it
# the first time xdpctl is completed.

# _xdpctl_help CMD...: the --help text of "xdpctl CMD", cached per shell.
_xdpctl_help()
{
	local key="$_xdpctl_bin $*" text
	if [[ -z ${_xdpctl_cache[$key]+set} ]]; then
		text=$("$_xdpctl_bin" "$@" --help 2>/dev/null) || text=
		_xdpctl_cache[$key]=$text
	fi
	printf '%s\n' "${_xdpctl_cache[$key]}"
}

# The commands: the "Commands:" section of xdpctl --help.
_xdpctl_commands()
{
	_xdpctl_help | awk '/^Commands:/ { on = 1; next } /^[^ ]/ { on = 0 }
		on && /^  [a-z]/ { print $1 }'
}

# _xdpctl_options [CMD]: one line per option, "NAME ARG" (ARG empty when
# the option takes no value), global options included.
_xdpctl_options()
{
	_xdpctl_help "$@" | awk '/^  +-/ {
		sub(/^ +/, ""); n = split($0, w, /[ ,]+/); arg = ""
		for (i = 1; i <= n; i++) {
			if (w[i] ~ /^-/) { print w[i] " " (w[i + 1] ~ /^[A-Z]|\|/ ? w[i + 1] : ""); continue }
			break
		} }'
}

# _xdpctl_ifaces NETNS: interface names, in NETNS if one was given.
_xdpctl_ifaces()
{
	if [[ -n $1 ]] && command -v ip >/dev/null; then
		ip -n "$1" -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
	else
		ls /sys/class/net 2>/dev/null
	fi
}

# _xdpctl_ids IFACE GLOBALS...: the attachment ids of IFACE, from the daemon.
_xdpctl_ids()
{
	local iface=$1; shift
	local json
	json=$("$_xdpctl_bin" "$@" --timeout 2 --json status "$iface" 2>/dev/null) || return 0
	if command -v jq >/dev/null; then
		jq -r '.. | objects | .attachments? // empty | .[].id' <<<"$json" 2>/dev/null
	elif command -v python3 >/dev/null; then
		python3 -c 'import json, sys
def walk(o):
    if isinstance(o, dict):
        for a in o.get("attachments") or []:
            print(a.get("id"))
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))' <<<"$json" 2>/dev/null
	fi
}

# _xdpctl_value ARG: complete the value of an option whose help names ARG.
_xdpctl_value()
{
	case $1 in
	*\|*) mapfile -t COMPREPLY < <(compgen -W "${1//|/ }" -- "$cur") ;;
	LIST)
		# Comma-separated verdicts (--actions, "a,b,c or none" in the
		# help): complete the last one.
		local words
		words=$(_xdpctl_help "$cmd" | grep -o '[a-z]\+\(,[a-z]\+\)\{2,\}\( or [a-z]\+\)\?' |
			head -1 | sed 's/ or /,/')
		mapfile -t COMPREPLY < <(compgen -P "${cur%"${cur##*,}"}" -W "${words//,/ }" -- "${cur##*,}")
		compopt -o nospace 2>/dev/null ;;
	PATH | FILE | OBJECT)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	NS)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur"
			compgen -f -- "$cur") ;;
	*) COMPREPLY=() ;;
	esac
}

_xdpctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local _xdpctl_bin=${COMP_WORDS[0]} cmd= netns= i w arg
	local -a pos=() globals=()
	declare -gA _xdpctl_cache 2>/dev/null || declare -A _xdpctl_cache
	# The xdpctl being completed: a path as typed, else the one in PATH.
	_xdpctl_bin=${_xdpctl_bin/#\~/$HOME}
	[[ $_xdpctl_bin == */* ]] || _xdpctl_bin=$(type -P "$_xdpctl_bin") || return 0
	[[ -x $_xdpctl_bin ]] || return 0

	# The words before the cursor: the command, positional arguments, and
	# the options that take a value (skipped with it; --netns and --socket
	# kept for the daemon queries below).
	# takes[OPTION]: the name of its value, empty for a flag; the global
	# options first, then the command's once it is known.
	local -A takes=()
	while read -r w arg; do takes[$w]=$arg; done < <(_xdpctl_options)
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			[[ -n ${takes[$w]} ]] || continue
			case $w in
			--netns) netns=${COMP_WORDS[i + 1]}; globals+=("$w" "$netns") ;;
			--socket) globals+=("$w" "${COMP_WORDS[i + 1]}") ;;
			esac
			((i++))
		elif [[ -z $cmd ]]; then
			cmd=$w
			while read -r w arg; do takes[$w]=$arg; done < <(_xdpctl_options "$cmd")
		else
			pos+=("$w")
		fi
	done

	# The value of an option.
	if [[ $prev == -* && -n ${takes[$prev]} ]]; then
		_xdpctl_value "${takes[$prev]}"
		return 0
	fi

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${!takes[*]}" -- "$cur")
		return 0
	fi
	if [[ -z $cmd ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_xdpctl_commands)" -- "$cur")
		return 0
	fi

	# A positional argument: its name in the command's Usage line.
	local -a usage=()
	read -r -a usage < <(_xdpctl_help "$cmd" | sed -n 's/^Usage: xdpctl [a-z-]* //p' |
		sed -e 's/\[OPTION\]\.\.\.//; s/--[a-z-]* [A-Z]*//g; s/[][]//g')
	case ${usage[${#pos[@]}]} in
	IFACE) mapfile -t COMPREPLY < <(compgen -W "$(_xdpctl_ifaces "$netns")" -- "$cur") ;;
	ID) mapfile -t COMPREPLY < <(compgen -W "$(_xdpctl_ids "${pos[0]}" "${globals[@]}")" -- "$cur") ;;
	COMMAND) mapfile -t COMPREPLY < <(compgen -W "$(_xdpctl_commands)" -- "$cur") ;;
	OBJECT | FILE)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	*) COMPREPLY=() ;;
	esac
	return 0
}
complete -F _xdpctl xdpctl
