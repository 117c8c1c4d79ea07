#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kapi_atomic - allocation without __GFP_DIRECT_RECLAIM never sleeps and is
# served from the cache only: from an empty cache it fails at once (no
# refill), from a filled one it succeeds, scrubbing freed pages in that
# context. unmapped_test calls the API under a spinlock with interrupts
# off, where any sleep is a "BUG: scheduling while atomic" (the runner
# fails the test on it).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

rounds=64
ksft_plan 7
trap ut_unload EXIT
um_loaded || ksft_exit_skip "unmapped.ko is not loaded"
ut_load || ksft_exit_skip "cannot load unmapped_test.ko"

drop_caches
ksft_cmp "cache empty" "$(um_stat pages_free)" -eq 0
r0=$(um_stat refills) f0=$(um_stat alloc_failures)
ut_cmd atomic rounds=$rounds
ksft_cmp "empty cache: every GFP_ATOMIC allocation fails" "$(ut_key failed)" -eq $rounds
ksft_cmp "empty cache: no refill attempted" "$(($(um_stat refills) - r0))" -eq 0
ksft_cmp "empty cache: failures counted" "$(($(um_stat alloc_failures) - f0))" -eq $rounds

um_prefill 4
s0=$(um_stat scrubbed_pages)
ut_cmd atomic rounds=$rounds
ksft_cmp "filled cache: every GFP_ATOMIC allocation succeeds" "$(ut_key ok)" -eq $rounds
ksft_cmp "filled cache: every page absent from the direct map" "$(ut_key present_pages)" -eq 0
ksft_cmp "freed pages scrubbed in atomic context" "$(($(um_stat scrubbed_pages) - s0))" -gt 0
echo 0 > $UM_PARAMS/prefill_mb
ksft_exit
