#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kapi_atomic - allocation without __GFP_DIRECT_RECLAIM never sleeps and is
# served from the cache only: from an empty cache it fails at once (no
# refill), from a filled one it succeeds, scrubbing freed pages in that
# context: blocks dirtied between rounds read zero when handed out again
# (checked through a private alias, not by the module's counter).
# unmapped_test calls the API under a spinlock with interrupts off, where
# any sleep is a "BUG: scheduling while atomic" (the runner fails the test
# on it).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

rounds=64
ksft_plan 10
trap ut_unload EXIT
um_need
ut_need

drop_caches
ksft_cmp "cache empty" "$(um_stat pages_free)" -eq 0
r0=$(um_stat refills) f0=$(um_stat alloc_failures)
ut_cmd atomic rounds=$rounds
ksft_cmp "empty cache: every GFP_ATOMIC allocation fails" "$(ut_key failed)" -eq $rounds
ksft_cmp "empty cache: no refill attempted" "$(($(um_stat refills) - r0))" -eq 0
ksft_cmp "empty cache: failures counted" "$(($(um_stat alloc_failures) - f0))" -eq $rounds

echo 4 > $UM_PARAMS/prefill_mb
s0=$(um_stat scrubbed_pages)
ut_cmd atomic rounds=$rounds
ksft_cmp "filled cache: every GFP_ATOMIC allocation succeeds" "$(ut_key ok)" -eq $rounds
ksft_cmp "filled cache: every page absent from the direct map" "$(ut_key present_pages)" -eq 0
ksft_cmp "freed pages scrubbed in atomic context (scrubbed_pages)" "$(($(um_stat scrubbed_pages) - s0))" -gt 0
if ut_cmd atomic_scrub rounds=$rounds; then
	ksft_cmp "dirtied between rounds: every GFP_ATOMIC allocation succeeds" "$(ut_key ok)" -eq $rounds
	ksft_cmp "... reusing pages dirtied before (allocations)" "$(ut_key dirty_reused)" -gt 0
	ksft_cmp "... and every block reads zero: scrubbed inside the atomic allocation (nonzero bytes)" \
		"$(ut_key nonzero_bytes)" -eq 0
else
	ksft_fail "atomic_scrub: $ut_out"
	ksft_fail "atomic_scrub: reuse"
	ksft_fail "atomic_scrub: zero"
fi
echo 0 > $UM_PARAMS/prefill_mb
ksft_exit
