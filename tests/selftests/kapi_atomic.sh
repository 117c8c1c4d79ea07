#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kapi_atomic - allocation without __GFP_DIRECT_RECLAIM never sleeps and is
# served from the cache only: from an empty cache it fails at once (no
# refill), from a filled one it succeeds. unmapped_test calls the API under
# a spinlock with interrupts off, where any sleep is a "BUG: scheduling
# while atomic" (the runner fails the test on it).
#
# And it zeroes little there: at most 8 dirty pages (UM_ATOMIC_SCRUB_PAGES).
# An order-10 block freed dirty and asked for again in the same atomic
# section is refused (-EAGAIN) rather than zeroed with interrupts off (1024
# pages); the background scrub then zeroes it in process context, and the
# next atomic allocation gets it clean, zeroing nothing itself.
#
# Blocks dirtied between rounds read zero when handed out again, checked
# through a private alias, not by the module's counter.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

rounds=64
ksft_plan 17
trap 'ut_cmd release 2> /dev/null; ut_unload' EXIT
um_need
ut_need

drop_caches
ksft_cmp "cache empty" "$(um_stat pages_free)" -eq 0
r0=$(um_stat refills) f0=$(um_stat alloc_failures)
ut_cmd atomic rounds=$rounds
ksft_cmp "empty cache: every GFP_ATOMIC allocation fails" "$(ut_key failed)" -eq $rounds
ksft_cmp "empty cache: no refill attempted" "$(($(um_stat refills) - r0))" -eq 0
ksft_cmp "empty cache: failures counted" "$(($(um_stat alloc_failures) - f0))" -eq $rounds

um_prefill 4
a0=$(um_stat atomic_scrub_refused)
ut_cmd atomic rounds=$rounds
ksft_cmp "filled cache: every GFP_ATOMIC allocation succeeds" "$(ut_key ok)" -eq $rounds
ksft_cmp "filled cache: every page absent from the direct map" "$(ut_key present_pages)" -eq 0
ksft_cmp "orders 0-3 are never refused for the zeroing they need" \
	"$(($(um_stat atomic_scrub_refused) - a0))" -eq 0
if ut_cmd atomic_scrub rounds=$rounds; then
	ksft_cmp "dirtied between rounds: every GFP_ATOMIC allocation succeeds" "$(ut_key ok)" -eq $rounds
	ksft_cmp "... reusing pages dirtied before (allocations)" "$(ut_key dirty_reused)" -gt 0
	ksft_cmp "... and every block reads zero (non-zero bytes)" \
		"$(ut_key nonzero_bytes)" -eq 0
else
	ksft_fail "atomic_scrub: $ut_out"
	ksft_fail "atomic_scrub: reuse"
	ksft_fail "atomic_scrub: zero"
fi
echo 0 > $UM_PARAMS/prefill_mb

# fg_scrubbed - pages zeroed by allocations and releases themselves: all
# that scrubbed_pages counts but the background scrub.
fg_scrubbed() { echo $(($(um_stat scrubbed_pages) - $(um_stat bg_scrubbed_pages))); }

# A dirty order-10 block: the only one in the cache.
drop_caches
ut_cmd hold order=10
pfn=$(ut_key pfn)
ut_cmd fill
s0=$(fg_scrubbed) a0=$(um_stat atomic_scrub_refused) b0=$(um_stat bg_scrubbed_pages)
ut_cmd atomic_hold order=10 swap=1
ksft_cmp "freed dirty, an atomic order-10 allocation is refused" "$(ut_key ok)" -eq 0
ksft_cmp "nothing was zeroed in atomic context" "$(($(fg_scrubbed) - s0))" -eq 0
ksft_cmp "counted (atomic_scrub_refused)" "$(($(um_stat atomic_scrub_refused) - a0))" -eq 1
um_wait_stat pages_dirty -eq 0
ksft_cmp "the background scrub zeroed it (bg_scrubbed_pages)" "$(($(um_stat bg_scrubbed_pages) - b0))" -ge 1024
s0=$(fg_scrubbed)
ut_cmd atomic_hold order=10
ksft_check "then the atomic order-10 allocation gets that block" test "$(ut_key ok)" = 1 -a "$(ut_key pfn)" = "$pfn"
ksft_cmp "zeroing nothing in atomic context" "$(($(fg_scrubbed) - s0))" -eq 0
ut_cmd nonzero
ksft_cmp "and it is all zero (non-zero bytes)" "$(ut_key nonzero_bytes)" -eq 0
ut_cmd release
ksft_exit
