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
# limit, counted in memcg_refused, and nothing was OOM-killed.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

cg=/sys/fs/cgroup
t=$cg/unmapped-memcg
ksft_plan 8
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

# held MB ARGS - in a subshell moved into the test cgroup (writing 0 to
# cgroup.procs moves the writer), alloc MB and print memory.current's growth
# (KiB) while held and after free, and the MiB held.
held() (
	echo 0 > $t/cgroup.procs || exit 1
	c0=$(current)
	ut_cmd alloc mb=$1 lo=9 hi=9 mayfail=1 $2 > /dev/null
	pages=$(ut_key pages)
	c1=$(current)
	ut_cmd free > /dev/null
	c2=$(current)
	echo $(((c1 - c0) >> 10)) $(((c2 - c0) >> 10)) $((${pages:-0} >> 8))
)

set -- $(held 32 account=1)
# The cgroup's other pages (the shell's) move a little meanwhile: 1 MiB.
ksft_diag "account=1, 32 MiB: memory.current +$1 KiB held, +$2 KiB after free, $3 MiB held"
ksft_cmp "32 MiB held with account=1" "${3:-0}" -eq 32
ksft_cmp "memory.current grew by them (KiB, within 1 MiB)" "${1:-0}" -ge $((31 << 10))
ksft_cmp "and went back after free (KiB, within 1 MiB)" "${2:-9999}" -le 1024

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
ksft_exit
