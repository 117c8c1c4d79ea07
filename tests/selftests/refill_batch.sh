#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# refill_batch - a range-backend refill takes several 2M blocks out of the
# direct map under one TLB flush where the kernel has
# set_direct_map_valid_noflush() (6.13+), and where it has not (6.1, 6.12)
# one 4 MiB block when a batch would be 2 or more: one change, one flush.
#
# The expected batch is worked out here from the kernel version (uname)
# and the online CPUs, not read from the module: enough 2M blocks for one
# IPI per 1000 pages per flush, ceil((CPUs - 1) * 1000 / 512), at most 8;
# without the deferred flush, one 4 MiB block for any batch above 1. In
# one boot, 16 MiB of order-0 pages are allocated in the kernel
# (unmapped_test.ko) with batches (default) and then with
# refill_batch_max=1 (8 blocks of 2M, a flush each): the batched run takes
# them in fewer flushes, and in both every page handed out is absent from
# the direct map by a page-table walk. 1 MiB then holds exactly one batch,
# and drop_caches gives all of it back.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 12
trap ut_unload EXIT
um_unload || ksft_exit_fail "cannot unload unmapped.ko"
ut_need

cpus=$(grep -c '^processor' /proc/cpuinfo)
set -- $(uname -r | sed 's/[.-]/ /g')
if [ "$1" -gt 6 ] || { [ "$1" -eq 6 ] && [ "$2" -ge 13 ]; }; then
	batch=$(( ((cpus - 1) * 1000 + 511) / 512 ))
	[ "$batch" -gt 8 ] && batch=8
	[ "$batch" -lt 1 ] && batch=1
	why="kernel $(uname -r) defers the flush, $cpus CPUs"
	unit=512
else
	batch=1 unit=512
	[ "$cpus" -gt 1 ] && unit=1024
	why="kernel $(uname -r) has no flushless ranged removal: blocks of $((unit / 256)) MiB, $cpus CPUs"
fi
ksft_diag "expected batch: $batch blocks of $unit pages ($why)"
blocks=$((4096 / unit))

# run MAX - load with refill_batch_max=MAX, allocate 16 MiB of pages; sets
# refills batched flushes present ipis (the alloc's deltas).
run() {
	um_load refill_batch_max="$1" || return 1
	drop_caches
	r0=$(um_stat refills) b0=$(um_stat refill_batched) f0=$(um_stat tlb_flushes)
	ut_cmd alloc mb=16 lo=0 hi=0 || return 1
	present=$(ut_key present_pages) ipis=$(ut_key call_ipis)
	refills=$(($(um_stat refills) - r0))
	batched=$(($(um_stat refill_batched) - b0))
	flushes=$(($(um_stat tlb_flushes) - f0))
	ut_cmd free || return 1
	ksft_diag "refill_batch_max=$1: $refills blocks, $batched batched, $flushes flushes, $ipis call IPIs"
}

# 4096 pages are $blocks blocks: ceil(blocks / batch) refills, each with one flush.
want_flushes=$(( (blocks + batch - 1) / batch ))
run 0 || ksft_exit_fail "16 MiB with batches: $ut_out"
ksft_cmp "batched: 16 MiB took $blocks blocks of $unit pages" "$refills" -eq "$blocks"
ksft_cmp "batched: $((blocks - want_flushes)) of them beside a refill's first" "$batched" -eq $((blocks - want_flushes))
ksft_cmp "batched: one TLB flush per $((batch * unit)) pages" "$flushes" -eq "$want_flushes"
ksft_cmp "batched: every page handed out is absent from the direct map (walk)" "$present" -eq 0
ksft_cmp "batched: call IPIs within one per other CPU per flush (+16 of other work)" \
	"$ipis" -le $((flushes * (cpus - 1) + 16))
b_ipis=$ipis

run 1 || ksft_exit_fail "16 MiB, refill_batch_max=1: $ut_out"
ksft_cmp "refill_batch_max=1: 8 blocks" "$refills" -eq 8
ksft_cmp "refill_batch_max=1: none batched" "$batched" -eq 0
ksft_cmp "refill_batch_max=1: one flush per block" "$flushes" -eq 8
ksft_cmp "refill_batch_max=1: every page absent from the direct map (walk)" "$present" -eq 0
ksft_diag "call IPIs: $b_ipis batched, $ipis one block per refill"

# 1 MiB pulls in one whole batch, and a shrink gives it all back.
um_load || ksft_exit_fail "cannot load unmapped.ko"
drop_caches
ut_cmd alloc mb=1 lo=0 hi=0 || ksft_exit_fail "1 MiB: $ut_out"
ksft_cmp "1 MiB: the cache holds one batch ($batch blocks of $unit pages)" \
	"$(um_stat pages_cached)" -eq $((batch * unit))
ut_cmd free || ksft_exit_fail "free: $ut_out"
drop_caches
ksft_cmp "drop_caches gives the whole batch back" "$(um_stat pages_cached)" -eq 0
ksft_cmp "no page left out of the direct map" "$(um_stat dm_pages_removed)" -eq "$(um_stat dm_pages_restored)"
ksft_exit
