# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
# bash completion for unmappedctl: commands, then each command's options.
_unmappedctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local i cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-d|--device) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	-d|--device) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--source) COMPREPLY=($(compgen -W 'auto netlink debugfs' -- "$cur")); return ;;
	esac
	local opts
	case $cmd in
	'') opts='info alloc stats pagetypeinfo watch help -d --device -j --json -h --help -V --version' ;;
	alloc) opts='-s --size -o --order -n --node --this-node -f --fill --hold -h --help' ;;
	stats) opts='-j --json --source -h --help' ;;
	pagetypeinfo) opts='-j --json --source -h --help' ;;
	watch) opts='--count --timeout -h --help' ;;
	info) opts='-j --json -h --help' ;;
	*) opts='-h --help' ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _unmappedctl unmappedctl
