#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# memcg - __GFP_ACCOUNT charges the caller's memory cgroup, as the page
# allocator does: a container cannot hold more unmapped memory than its
# memory.max allows, and freeing gives the charge back.
#
# In a cgroup with memory.max 64 MiB, unmapped_test (called from a shell in
# that cgroup, so the allocations run in its context) takes 32 MiB with
# account=1: memory.current grows by those 32 MiB and shrinks back after
# free; without account=1 it does not move. Asking for 128 MiB with
# account=1 (and __GFP_RETRY_MAYFAIL, so no OOM kill) stops below the
# limit, counted in memcg_refused, and nothing was OOM-killed. The module
# counts its charged chunks (memcg_charged_chunks: 16 for 32 MiB of 2M
# blocks, 0 after the free; frees skip the uncharge check while it is 0). Regions of
# /dev/unmapped are charged the same way: unmappedctl alloc --hold in the
# cgroup raises memory.current by the region, and a region above the limit
# is refused (ENOMEM) without an OOM kill.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

cg=/sys/fs/cgroup
t=$cg/unmapped-memcg
ksft_plan 13
trap 'ut_unload; rmdir $t 2> /dev/null' EXIT
um_need
ut_need
[ -e $cg/cgroup.controllers ] || mount -t cgroup2 none $cg 2> /dev/null
[ -e $cg/cgroup.controllers ] || ksft_exit_skip "no cgroup2 filesystem in this kernel"
grep -qw memory $cg/cgroup.controllers || ksft_exit_skip "no memory cgroup controller in this kernel"
echo +memory > $cg/cgroup.subtree_control
mkdir -p $t
echo $((64 << 20)) > $t/memory.max

current() { cat $t/memory.current; }
mib() { echo $((($1) >> 20)); }

# held MB ARGS - alloc MB from a subshell in the test cgroup (writing 0 to
# cgroup.procs moves the writer) and print memory.current's growth (KiB)
# while held and after free, and the MiB held. Only the write runs in the
# cgroup, the subshell leaves right after: whatever it forked while the
# pages hold the cgroup at its limit would rightly be OOM-killed. Charges
# stay where they were made when a task moves.
held() (
	c0=$(current)
	echo 0 > $t/cgroup.procs || exit 1
	echo "alloc mb=$1 lo=9 hi=9 mayfail=1 $2" > "$UT_DEBUGFS/cmd" 2> /dev/null
	echo 0 > $cg/cgroup.procs || exit 1
	ut_out=$(cat "$UT_DEBUGFS/cmd")
	pages=$(ut_key pages)
	c1=$(current)
	n1=$(um_stat memcg_charged_chunks)
	ut_cmd free > /dev/null
	c2=$(current)
	echo $(((c1 - c0) >> 10)) $(((c2 - c0) >> 10)) $((${pages:-0} >> 8)) "$n1" "$(um_stat memcg_charged_chunks)"
)

set -- $(held 32 account=1)
# The cgroup's other pages (the shell's) move a little meanwhile: 1 MiB.
ksft_diag "account=1, 32 MiB: memory.current +$1 KiB held, +$2 KiB after free, $3 MiB held"
ksft_cmp "32 MiB held with account=1" "${3:-0}" -eq 32
ksft_cmp "memory.current grew by them (KiB, within 1 MiB)" "${1:-0}" -ge $((31 << 10))
ksft_cmp "and went back after free (KiB, within 1 MiB)" "${2:-9999}" -le 1024
ksft_cmp "memcg_charged_chunks: 16 chunks of 2M held charged" "${4:-0}" -eq 16
ksft_cmp "memcg_charged_chunks: 0 after the free" "${5:-99}" -eq 0

set -- $(held 32 "")
ksft_diag "without account: memory.current +$1 KiB held, $3 MiB held"
ksft_cmp "without account=1 nothing is charged (KiB, within 1 MiB)" "${1:-9999}" -le 1024

r0=$(um_stat memcg_refused)
oom0=$(awk '$1 == "oom_kill" { print $2 }' $t/memory.events)
set -- $(held 128 account=1)
ksft_diag "account=1, 128 MiB: $3 MiB held before the limit stopped it"
ksft_cmp "the limit stops it below 64 MiB" "${3:-99}" -lt 64
ksft_cmp "memcg_refused counts the refusal" "$(($(um_stat memcg_refused) - r0))" -ge 1
ksft_cmp "nobody was OOM-killed" "$(awk '$1 == "oom_kill" { print $2 }' $t/memory.events)" -eq "${oom0:-0}"
ksft_cmp "memory.current back near zero" "$(mib "$(current)")" -le 2

# region MB - memory.current's growth (KiB) while unmappedctl holds an MB
# region, alone in the cgroup; "refused" if ALLOC failed. The polling stays
# outside: its forks, faulting while the region's charge sits at the limit,
# would rightly be OOM-killed.
region() (
	c0=$(current)
	sh -c "echo 0 > $t/cgroup.procs && exec unmappedctl alloc --size ${1}M --hold 30" \
		> /tmp/memcg.out 2>&1 &
	pid=$!
	n=0
	until grep -q holding /tmp/memcg.out || [ $n -ge 100 ] || ! kill -0 $pid 2> /dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	if grep -q holding /tmp/memcg.out; then
		echo $((($(current) - c0) >> 10))
		kill $pid
	else
		echo refused
	fi
	wait $pid
	sed 's/^/# unmappedctl: /' /tmp/memcg.out >&2
)

got=$(region 32)
ksft_cmp "a 32 MiB region raises memory.current by 32 MiB (KiB, within 1 MiB)" "$got" -ge $((31 << 10))
oom0=$(awk '$1 == "oom_kill" { print $2 }' $t/memory.events)
got=$(region 128)
if [ "$got" = refused ]; then
	ksft_ok "a 128 MiB region is refused in a 64 MiB cgroup"
else
	ksft_fail "a 128 MiB region is refused in a 64 MiB cgroup (got '$got')"
fi
ksft_cmp "and nobody was OOM-killed" "$(awk '$1 == "oom_kill" { print $2 }' $t/memory.events)" -eq "${oom0:-0}"
ksft_exit
