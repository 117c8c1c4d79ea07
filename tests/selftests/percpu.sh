#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# percpu - the per-CPU fast path (module/core/magazine.h) in the real
# kernel, driven through the in-kernel API by unmapped_test.ko from one
# pinned CPU: warm order-0 allocations and frees take a node's lock at most
# once per 32 calls (2 per page with percpu_pages=0, exactly), the pages a
# CPU keeps count as free, and the shrinker, the CPU going offline and
# percpu_pages=0 each give them back to the node; a page a CPU keeps was
# handed to no one, and freeing it again is refused.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

cpu1=/sys/devices/system/cpu/cpu1
[ -w $cpu1/online ] || ksft_exit_skip "no second CPU that can go offline ($cpu1/online)"
command -v taskset > /dev/null || ksft_exit_skip "no taskset to pin the test to a CPU"
ksft_plan 14
trap 'taskset -p -c 0 $$ > /dev/null; echo 1 > $cpu1/online; echo 256 > $UM_PARAMS/percpu_pages; ut_cmd free 2> /dev/null; ut_unload' EXIT
um_need
ut_need

# 1024 order-0 pages out through the in-kernel API, then back, N times.
rounds() {
	i=0
	while [ $i -lt "$1" ]; do
		ut_cmd alloc mb=4 lo=0 hi=0 && ut_cmd free || return 1
		i=$((i + 1))
	done
}

drop_caches
taskset -p -c 1 $$ > /dev/null	# this shell and the commands it runs
rounds 1 || ksft_exit_fail "unmapped_test.ko: alloc/free failed: $ut_out"
h0=$(um_stat node_lock_holds) a0=$(um_stat allocs) f0=$(um_stat frees)
rounds 4 || ksft_exit_fail "unmapped_test.ko: alloc/free failed: $ut_out"
allocs=$(($(um_stat allocs) - a0))
holds=$(($(um_stat node_lock_holds) - h0))
ksft_cmp "4096 warm order-0 allocations" "$allocs" -eq 4096
ksft_cmp "and as many frees" "$(($(um_stat frees) - f0))" -eq 4096
ksft_cmp "node-lock holds x 32 within the calls (holds $holds)" "$((holds * 32))" -le "$allocs"
parked=$(um_stat percpu_pages)
ksft_cmp "CPU 1 keeps free pages" "$parked" -gt 0
ksft_cmp "counted as free pages" "$(um_stat pages_free)" -ge "$parked"
ksft_cmp "none handed out" "$(um_stat pages_in_use)" -eq 0

# A page CPU 1 keeps (the one just freed) is freed again: refused.
ut_cmd hold order=0 && ut_cmd release
b0=$(um_stat bad_frees) p0=$(um_stat percpu_pages) free0=$(um_stat pages_free)
ut_cmd misuse case=double
ksft_cmp "double free of a kept page refused (bad_frees)" "$(($(um_stat bad_frees) - b0))" -eq 1
ksft_cmp "and nothing moved" "$(um_stat percpu_pages):$(um_stat pages_free)" = "$p0:$free0"

# CPU 1 goes offline: its pages go back to the node, still cached.
taskset -p -c 0 $$ > /dev/null
fl0=$(um_stat percpu_flushes) free0=$(um_stat pages_free)
echo 0 > $cpu1/online
ksft_cmp "CPU 1 offline: it keeps nothing (percpu_pages)" "$(um_stat percpu_pages)" -eq 0
ksft_cmp "its pages went to the node (percpu_flushes +1, pages_free kept)" \
	"$(($(um_stat percpu_flushes) - fl0)):$(um_stat pages_free)" = "1:$free0"
echo 1 > $cpu1/online

# The shrinker empties the CPUs' lists first, then gives the blocks back.
taskset -p -c 1 $$ > /dev/null
rounds 1
ksft_cmp "CPU 1 keeps pages again" "$(um_stat percpu_pages)" -gt 0
drop_caches
ksft_cmp "drop_caches: nothing cached, nothing kept per CPU" \
	"$(um_stat pages_cached):$(um_stat percpu_pages)" = "0:0"

# percpu_pages=0: what CPUs keep goes back, every call takes the lock.
rounds 1
echo 0 > $UM_PARAMS/percpu_pages
ksft_cmp "percpu_pages=0: nothing kept" "$(um_stat percpu_pages)" -eq 0
h0=$(um_stat node_lock_holds)
rounds 1
ksft_cmp "percpu_pages=0: two node-lock holds per page" \
	"$(($(um_stat node_lock_holds) - h0))" -eq 2048
ksft_exit
