#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# trace - the unmapped:* tracepoints fire with their figures: alloc, free,
# alloc_fail, refill, release, shrink; and doc/observing.md's hist-trigger
# one-liner (refill time per order) works.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

tr=/sys/kernel/tracing
ksft_plan 8
hist='hist:keys=order:vals=pages,duration_ns'
cleanup() {
	echo "!$hist" > $tr/events/unmapped/refill/trigger 2> /dev/null
	echo 0 > $tr/events/unmapped/enable 2> /dev/null
	ut_unload
}
trap cleanup EXIT
um_need
um_one_block_refills || ksft_exit_fail "cannot set refill_batch_max"
[ -d $tr/events/unmapped ] || ksft_exit_fail "no tracefs events/unmapped"
ut_need

echo > $tr/trace
echo 1 > $tr/events/unmapped/enable
[ -e $tr/events/unmapped/refill/hist ] && echo "$hist" > $tr/events/unmapped/refill/trigger
ut_cmd hold order=2
pfn=$(ut_key pfn)
ut_cmd release
ut_cmd misuse case=bad_node
drop_caches
echo 0 > $tr/events/unmapped/enable
t=$(cat $tr/trace)

has() { echo "$t" | grep -qE "$1"; }
ksft_check "unmapped:refill with its direct-map cost" has "refill: nid=0 order=9 pfn=0x[0-9a-f]+ pages=512 backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=[0-9]+ duration_ns=[0-9]+"
ksft_check "unmapped:alloc of the held block" has "alloc: nid=0 order=2 pfn=$pfn backend=range"
ksft_check "unmapped:free of it" has "free: nid=0 order=2 pfn=$pfn backend=range"
ksft_check "unmapped:alloc_fail with the error" has "alloc_fail: nid=0 order=0 err=-19"
ksft_check "unmapped:release back to the page allocator" has "release: nid=0 order=9 .* backend=range dm_calls=1"
ksft_check "unmapped:shrink with requested and released pages" has "shrink: nid=0 requested=[0-9]+ released=512"
ksft_check "events in tracefs format" test -r $tr/events/unmapped/refill/format
# The hist file exists only in kernels with CONFIG_HIST_TRIGGERS (Debian's
# has it; a debug kernel built before it was in debug.config does not).
if [ -e $tr/events/unmapped/refill/hist ]; then
	ksft_check "hist trigger: one order-9 refill of 512 pages, with its time" \
		grep -qE "order: +9 \} hitcount: +1 +pages: +512 +duration_ns: +[1-9]" $tr/events/unmapped/refill/hist
else
	ksft_skip "hist trigger" "this kernel has no CONFIG_HIST_TRIGGERS"
fi
grep -sE "^\{ order" $tr/events/unmapped/refill/hist | sed 's/^/# /'
echo "$t" | grep -E "unmapped|refill|release|shrink|alloc|free" | grep -v '^#' | head -n 8 | sed 's/^ */# /'
ksft_exit
