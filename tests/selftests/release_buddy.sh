#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# release_buddy - what the cache gives back goes to the page allocator's
# buddy lists, where every CPU can take it, not to the releasing CPU's
# per-CPU free lists: those take orders 0-3 and 9 (pcp_allowed_order()),
# and on 6.7+ a CPU that frees a lot has its lists tuned up to hold 100+
# MiB, out of other CPUs' reach until a drain. Measured by the page
# allocator itself: the kmem:mm_page_free tracepoint, counted per order by
# a hist trigger, sees the released pages freed in chunks of orders 4-8 and
# 10; and MemFree (which leaves the per-CPU lists out) grows by them.
# A page someone else still holds a reference on (a speculative page
# walker, here unmapped_test.ko) sends its chunk the page-by-page way and
# stays with the holder.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

mb=128
tr=/sys/kernel/tracing
ev=$tr/events/kmem/mm_page_free
hist='hist:keys=order:vals=hitcount'
ksft_plan 9
cap=$(cat $UM_PARAMS/max_cached_mb)
cleanup() {
	echo "!$hist" > $ev/trigger 2> /dev/null
	echo 0 > $UM_PARAMS/prefill_mb
	echo "$cap" > $UM_PARAMS/max_cached_mb
	ut_cmd unref 2> /dev/null
	ut_unload
}
trap cleanup EXIT
um_need
um_one_block_refills	# its chunks are those of a 2M block
[ -d $ev ] || ksft_exit_fail "no tracefs event kmem/mm_page_free"
echo 0 > $UM_PARAMS/max_cached_mb	# no trim: only the shrinker releases

# kB in the buddy lists (MemFree), after stat_refresh.
buddy_kb() {
	echo 1 > /proc/sys/vm/stat_refresh 2> /dev/null
	awk '$1 == "MemFree:" { print $2 }' /proc/meminfo
}
pcp_kb() { awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo; }
# Pages freed at orders the per-CPU lists take (pcp) or not (buddy).
freed_pages() {
	# "{ order:          8 } hitcount:        128"
	awk -v want="$1" '$1 == "{" && $2 == "order:" && $5 == "hitcount:" {
		o = $3; n = $6
		for (i = 0; i < o; i++) n *= 2	# no ^ in the VM busybox awk
		if ((o <= 3 || o == 9) == (want == "pcp")) s += n
	} END { print s + 0 }' $ev/hist
}

drop_caches
ksft_check "the cache fills to $mb MiB (prefill_mb)" um_prefill $mb
echo 0 > $UM_PARAMS/prefill_mb
[ -w $ev/trigger ] && echo "$hist" > $ev/trigger
r0=$(um_stat release_pages) p0=$(pcp_kb) f0=$(buddy_kb)
drop_caches
f1=$(buddy_kb) p1=$(pcp_kb)
released=$(($(um_stat release_pages) - r0))
ksft_diag "released $released pages: MemFree $((f1 - f0)) kB, per-CPU lists $((p1 - p0)) kB"
ksft_cmp "the shrinker released the cache (pages)" "$released" -ge $((mb * 256 * 9 / 10))
if [ -e $ev/hist ]; then
	buddy=$(freed_pages buddy) pcp=$(freed_pages pcp)
	grep -E "^\{ order" $ev/hist | sed 's/^/# /'
	ksft_cmp "the page allocator saw them freed at orders its per-CPU lists do not take (pages)" \
		"$buddy" -ge $((released * 9 / 10))
	ksft_cmp "and few pages freed at orders they take, meanwhile (pages)" "$pcp" -lt $((released / 10))
else
	ksft_skip "freed at orders the per-CPU lists do not take" "this kernel has no CONFIG_HIST_TRIGGERS"
	ksft_skip "few pages freed at orders they take" "this kernel has no CONFIG_HIST_TRIGGERS"
fi
ksft_cmp "MemFree grew by what was released, but 2 MiB (kB)" "$((f1 - f0))" -ge $((released * 4 - 2048))
ksft_cmp "nothing is left cached (pages_free)" "$(um_stat pages_free)" -eq 0

ut_need
ut_cmd hold order=1		# from a fresh 2M block
ut_cmd ref			# on its second page: inside a chunk, not its head
pfn=$(ut_key pfn)
ut_cmd release			# the cache has it back, with our reference on it
# Count only the frees inside that page's 2M block.
lo=$(printf '%#x' $((pfn & ~511))) hi=$(printf '%#x' $(((pfn & ~511) + 512)))
if [ -e $ev/hist ]; then
	echo "!$hist" > $ev/trigger
	hist="$hist if pfn >= $lo && pfn < $hi"
	echo "$hist" > $ev/trigger
fi
drop_caches
ut_cmd unref
ksft_cmp "a page with another reference on it is not freed under it (refcount: ours only)" \
	"$(ut_key refcount)" -eq 1
if [ -e $ev/hist ]; then
	# Read once: the block is the page allocator's again, and what it
	# hands out of it and gets back is counted too (so at least, below).
	pcp=$(freed_pages pcp) buddy=$(freed_pages buddy)
	grep -E "^\{ order" $ev/hist | sed 's/^/# /'
	ksft_cmp "its chunk went page by page (pages of block $lo freed at orders 0-3)" "$pcp" -ge 255
	ksft_check "the rest of its block in one chunk, not the page's half (pages freed at orders 4-8, 10: $buddy)" \
		test "$buddy" -ge 256 -a "$buddy" -lt 512
else
	ksft_skip "its chunk went page by page" "this kernel has no CONFIG_HIST_TRIGGERS"
	ksft_skip "the rest of its block in a chunk" "this kernel has no CONFIG_HIST_TRIGGERS"
fi
ksft_exit
