#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# refill_batch - a range-backend refill takes several blocks out of the
# direct map for one TLB flush. Where the kernel has
# set_direct_map_valid_noflush() (6.13+): 2M blocks, removed without a
# flush each, then one flush. Where it has not (6.1, 6.12: every change
# flushes by itself): 4 MiB blocks, each run of adjacent ones removed in
# one change, so one flush per run.
#
# The expected batch is worked out here from the kernel version (uname)
# and the online CPUs, not read from the module: enough blocks for one IPI
# per 1000 pages per flush, ceil((CPUs - 1) * 1000 / block pages), at most
# 16 MiB (8 2M blocks' worth) and 1/256 of the node. In one boot, 16 MiB of
# order-0 pages are allocated in the kernel (unmapped_test.ko) with batches
# (default) and then with refill_batch_max=1 (8 blocks of 2M, a flush
# each): the batched run takes them in fewer flushes, and in both every
# page handed out is absent from the direct map by a page-table walk.
# Where batches are runs of 4 MiB blocks, the test module first lines
# up free blocks for them, so that each batch must be one run.
# 1 MiB then holds exactly one batch, and drop_caches gives all of it
# back. Last, two batches of 4 MiB blocks are freed out of address order
# and given back by drop_caches (highest address first): taken again,
# each batch must come back as one run of neighbours (the page
# allocator's free lists are LIFO at that order), not scattered. And
# again with someone else's 4 MiB block held in the way (the test
# module's "hole"): where every change flushes, the batch takes spares past
# the hole to make one run, and gives back what it does not use.
# CI runs it with 2 vCPUs and again with 4 (tools/check).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 19
trap ut_unload EXIT
um_unload || ksft_exit_fail "cannot unload unmapped.ko"
ut_need

cpus=$(grep -c '^processor' /proc/cpuinfo)
# The node's span, as the module bounds a batch by it (holes included).
node_pages=$(awk '/^Node 0, zone/ { n0 = 1; next } /^Node/ { n0 = 0 }
	n0 && $1 == "spanned" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
set -- $(uname -r | sed 's/[.-]/ /g')
deferred=0
if [ "$1" -gt 6 ] || { [ "$1" -eq 6 ] && [ "$2" -ge 13 ]; }; then
	deferred=1 unit=512
	why="kernel $(uname -r) defers the flush, $cpus CPUs"
else
	unit=512
	[ "$cpus" -gt 1 ] && unit=1024
	why="kernel $(uname -r) has no flushless ranged removal: blocks of $((unit / 256)) MiB, a change per run of adjacent ones, $cpus CPUs"
fi
batch=$(( ((cpus - 1) * 1000 + unit - 1) / unit ))
[ "$batch" -gt $((4096 / unit)) ] && batch=$((4096 / unit))
[ "$batch" -gt $((node_pages / 256 / unit)) ] && batch=$((node_pages / 256 / unit))
[ "$batch" -lt 1 ] && batch=1
ksft_diag "expected batch: $batch blocks of $unit pages ($why)"
blocks=$((4096 / unit))

# run MAX [LINE] - load with refill_batch_max=MAX, allocate 16 MiB of
# pages; sets refills batched joined flushes present ipis fipis (the alloc's
# deltas). LINE: first line up that many 4 MiB blocks in the page
# allocator (the test module's "line"), so that the batches find them
# adjacent whatever boot left (a fresh node's free lists interleave the
# regions the CPUs freed at boot).
run() {
	um_load refill_batch_max="$1" || return 1
	drop_caches
	if [ -n "${2:-}" ]; then
		ut_cmd line order=10 n="$2" || { ut_out="line n=$2: $ut_out"; return 1; }
	fi
	r0=$(um_stat refills) b0=$(um_stat refill_batched) j0=$(um_stat refill_joined)
	f0=$(um_stat tlb_flushes)
	ut_cmd alloc mb=16 lo=0 hi=0 || return 1
	present=$(ut_key present_pages) ipis=$(ut_key call_ipis)
	fipis=$(ut_key flush_ipis)
	refills=$(($(um_stat refills) - r0))
	batched=$(($(um_stat refill_batched) - b0))
	joined=$(($(um_stat refill_joined) - j0))
	flushes=$(($(um_stat tlb_flushes) - f0))
	ut_cmd free || return 1
	ksft_diag "refill_batch_max=$1: $refills blocks, $batched batched, $joined joined, $flushes flushes, $fipis kernel-flush IPIs, $ipis call IPIs"
}

# 4096 pages are $blocks blocks: ceil(blocks / batch) refills of a whole
# batch each, with one flush each where flushes are deferred, one per run
# of adjacent blocks where not (refills - joined, joined <= batched).
nr_refills=$(( (blocks + batch - 1) / batch ))
line=
[ "$deferred" = 0 ] && [ "$unit" = 1024 ] && line=$((nr_refills * batch))
run 0 $line || ksft_exit_fail "16 MiB with batches: $ut_out"
ksft_cmp "batched: 16 MiB took $nr_refills batches of $batch blocks of $unit pages" \
	"$refills" -eq $((nr_refills * batch))
ksft_cmp "batched: $((nr_refills * (batch - 1))) of them beside a refill's first" \
	"$batched" -eq $((nr_refills * (batch - 1)))
if [ "$deferred" = 1 ]; then
	ksft_cmp "batched: one TLB flush per refill ($((batch * unit)) pages)" "$flushes" -eq "$nr_refills"
	ksft_cmp "batched: no block joined another's change (each its own, flushed once)" "$joined" -eq 0
else
	ksft_cmp "batched: one TLB flush per run of adjacent blocks ($refills blocks, $joined joined of $batched)" \
		"$flushes" -eq $((refills - joined))
	# Lined up: each batch one run.
	if [ "$batch" -gt 1 ]; then
		ksft_cmp "batched: each batch's adjacent blocks left the direct map in one change" \
			"$joined" -eq $((refills - nr_refills))
	else
		ksft_cmp "batched: one block per refill, nothing to join" "$joined" -eq 0
	fi
fi
ksft_cmp "batched: every page handed out is absent from the direct map (walk)" "$present" -eq 0
ksft_cmp "batched: kernel-flush IPIs one per other CPU per flush (+2 flushes of the kernel's own)" \
	"$fipis" -le $(((flushes + 2) * (cpus - 1)))
b_ipis=$fipis

run 1 || ksft_exit_fail "16 MiB, refill_batch_max=1: $ut_out"
ksft_cmp "refill_batch_max=1: 8 blocks" "$refills" -eq 8
ksft_cmp "refill_batch_max=1: none batched" "$batched" -eq 0
ksft_cmp "refill_batch_max=1: one flush per block" "$flushes" -eq 8
ksft_cmp "refill_batch_max=1: every page absent from the direct map (walk)" "$present" -eq 0
ksft_diag "kernel-flush IPIs: $b_ipis batched, $fipis one block per refill"

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

# Order-10 requests take 4 MiB blocks on every kernel: 2 batches of them.
b10=$(( ((cpus - 1) * 1000 + 1023) / 1024 ))
[ "$b10" -gt 4 ] && b10=4
[ "$b10" -gt $((node_pages / 256 / 1024)) ] && b10=$((node_pages / 256 / 1024))
[ "$b10" -lt 1 ] && b10=1
nb=$((2 * b10))
ut_cmd line order=10 n=$nb || ksft_exit_fail "line n=$nb: $ut_out"
ut_cmd alloc mb=$((nb * 4)) lo=10 hi=10 || ksft_exit_fail "$nb 4 MiB blocks: $ut_out"
ut_cmd free spread=1 || ksft_exit_fail "free spread=1: $ut_out"
drop_caches
r0=$(um_stat refills) j0=$(um_stat refill_joined) f0=$(um_stat tlb_flushes)
ut_cmd alloc mb=$((nb * 4)) lo=10 hi=10 || ksft_exit_fail "$nb 4 MiB blocks again: $ut_out"
refills=$(($(um_stat refills) - r0))
joined=$(($(um_stat refill_joined) - j0))
flushes=$(($(um_stat tlb_flushes) - f0))
ut_cmd free || ksft_exit_fail "free: $ut_out"
ksft_diag "after the drain: $refills blocks, $joined joined, $flushes flushes"
ksft_cmp "after a drain: $nb blocks of 4 MiB in 2 batches of $b10" "$refills" -eq "$nb"
if [ "$deferred" = 1 ]; then
	ksft_cmp "after a drain: one TLB flush per batch" "$flushes" -eq 2
else
	ksft_cmp "after a drain: each batch one run of neighbours ($((nb - 2)) of $nb blocks joined)" \
		"$joined" -eq $((nb - 2))
fi

# The same two batches with a foreign block in the way of the first: of
# a line of nb + 2 blocks A, B, C..., the hole keeps B. The first batch is
# A, then C...: one spare past them makes a run without A, which goes back
# to be the second batch's first, and one more spare makes that a run too.
drop_caches
ut_cmd line order=10 n=$((nb + 2)) || ksft_exit_fail "line n=$((nb + 2)): $ut_out"
ut_cmd hole order=10 || ksft_exit_fail "hole order=10: $ut_out"
ksft_diag "hole: $(ut_key hole) held, $(ut_key first) before it free"
r0=$(um_stat refills) f0=$(um_stat tlb_flushes) s0=$(um_stat refill_run_spares)
ut_cmd alloc mb=$((nb * 4)) lo=10 hi=10 || ksft_exit_fail "$nb 4 MiB blocks past the hole: $ut_out"
present=$(ut_key present_pages)
refills=$(($(um_stat refills) - r0))
flushes=$(($(um_stat tlb_flushes) - f0))
spares=$(($(um_stat refill_run_spares) - s0))
ut_cmd free || ksft_exit_fail "free: $ut_out"
ut_cmd unhole || ksft_exit_fail "unhole: $ut_out"
ksft_diag "past the hole: $refills blocks, $spares spares, $flushes flushes"
ksft_cmp "past the hole: one TLB flush per batch" "$flushes" -eq 2
if [ "$deferred" = 0 ] && [ "$b10" -gt 1 ]; then
	ksft_cmp "past the hole: one spare per batch made its run" "$spares" -eq 2
else
	ksft_cmp "past the hole: no spares (one flush per batch anyway)" "$spares" -eq 0
fi
ksft_cmp "past the hole: $nb blocks of 4 MiB kept" "$refills" -eq "$nb"
ksft_cmp "past the hole: every page handed out is absent from the direct map (walk)" \
	"$present" -eq 0
ksft_exit
