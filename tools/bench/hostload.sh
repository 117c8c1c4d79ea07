# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# hostload.sh - sourced by the benchmark scripts: what else the host ran
# while a VM boot was measuring, so that a figure taken on a busy host is
# marked noisy instead of reported as a result.
#
#   hostload_begin            before the boot, in the shell that runs it
#   hostload_end FILE         after it: writes FILE (key=value lines)
#
# other_cores: host CPU time spent by anything but this shell's children
# (the VM, qemu's own threads included, and the tools that packed it) per
# second of wall time, from /proc/stat's busy time minus this shell's
# cutime+cstime (/proc/BASHPID/stat: every waited-for descendant). steal:
# the share of the host's CPU time its hypervisor gave to others. Also
# /proc/loadavg before and after, as reported. noisy=1 when other_cores
# exceeds UM_BENCH_NOISY_CORES (default 0.2, a tenth of a 2-core host) or
# steal exceeds UM_BENCH_NOISY_STEAL (default 0.05).

# "busy steal total" jiffies of all CPUs.
_hostload_stat() {
	awk '$1 == "cpu" {
		total = 0; for (i = 2; i <= 9; i++) total += $i
		print total - $5 - $6, $9, total
	}' /proc/stat
}

# cutime + cstime of process $1, in jiffies.
_hostload_children() {
	# Field 2 (comm) may hold spaces: count from after its ")".
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $14 + $15 }'
}

hostload_begin() {
	_hl_load0=$(cut -d' ' -f1-3 /proc/loadavg)
	read -r _hl_busy0 _hl_steal0 _hl_total0 < <(_hostload_stat)
	# This shell, not the $(...) subshells below.
	_hl_pid=$BASHPID
	_hl_own0=$(_hostload_children "$_hl_pid")
	_hl_t0=$(date +%s.%N)
}

hostload_end() {
	local busy steal total own t1
	read -r busy steal total < <(_hostload_stat)
	own=$(_hostload_children "$_hl_pid")
	t1=$(date +%s.%N)
	awk -v busy=$((busy - _hl_busy0)) -v steal=$((steal - _hl_steal0)) \
		-v total=$((total - _hl_total0)) -v own=$((own - _hl_own0)) \
		-v secs="$(awk -v a="$_hl_t0" -v b="$t1" 'BEGIN { print b - a }')" \
		-v hz="$(getconf CLK_TCK)" -v load0="$_hl_load0" -v load1="$(cut -d' ' -f1-3 /proc/loadavg)" \
		-v max_other="${UM_BENCH_NOISY_CORES:-0.2}" -v max_steal="${UM_BENCH_NOISY_STEAL:-0.05}" '
	BEGIN {
		other = (busy - own) / hz / (secs > 0 ? secs : 1)
		if (other < 0) other = 0
		st = total > 0 ? steal / total : 0
		printf "seconds=%.0f\n", secs
		printf "own_cores=%.2f\n", own / hz / (secs > 0 ? secs : 1)
		printf "other_cores=%.2f\n", other
		printf "steal=%.3f\n", st
		printf "loadavg_before=%s\n", load0
		printf "loadavg_after=%s\n", load1
		printf "noisy=%d\n", (other > max_other || st > max_steal)
	}' > "$1"
}
