#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# trim_cap - what max_cached_mb does when the free pages over it sit in a
# partly used 2M block: without shrink_partial nothing can be released
# without splitting the block's direct mapping, so the free pages stay and
# no trim is queued for them, however many frees go over the cap; once the
# block is wholly free the next trim releases it whole. With shrink_partial
# the trim releases its free parts down to the cap (and splits it).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 10
trap 'ut_cmd release 2> /dev/null; ut_unload' EXIT
um_need
ut_need

echo 1 > $UM_PARAMS/max_cached_mb	# 256 pages
drop_caches
ut_cmd hold order=0		# one page keeps its 2M block partly used
c0=$(um_stat trim_calls) s0=$(um_stat splits_l2) f0=$(um_stat frees)
ut_cmd atomic rounds=64		# 64 frees into that block, each over the cap
ut_cmd counters			# waits for queued work (a trim, had one been queued)
ksft_cmp "64 frees went over the cap" "$(($(um_stat frees) - f0))" -ge 64
ksft_cmp "free pages stay over the cap in the partly used block" "$(um_stat pages_free)" -eq 511
ksft_cmp "no trim was queued for them (trim_calls)" "$(($(um_stat trim_calls) - c0))" -eq 0
ksft_cmp "and nothing split the block's mapping" "$(($(um_stat splits_l2) - s0))" -eq 0

ut_cmd release			# the block is wholly free now
ksft_check "once the block is wholly free a trim runs" um_wait_stat trim_calls -gt "$c0"
ksft_check "and gives the block back whole" um_wait_stat pages_free -eq 0
ksft_cmp "without a split" "$(($(um_stat splits_l2) - s0))" -eq 0

echo Y > $UM_PARAMS/shrink_partial
ut_cmd hold order=0
c0=$(um_stat trim_calls) p0=$(um_stat trim_pages)
ut_cmd atomic rounds=8
ksft_check "shrink_partial: the frees queue a trim" um_wait_stat trim_calls -gt "$c0"
ksft_check "which releases free parts down to the cap" um_wait_stat pages_free -le 256
ksft_cmp "what the trim released (trim_pages)" "$(($(um_stat trim_pages) - p0))" -ge 255
ut_cmd release
echo N > $UM_PARAMS/shrink_partial
echo 64 > $UM_PARAMS/max_cached_mb
ksft_exit
