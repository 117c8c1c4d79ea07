#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# nofs - a GFP_NOFS/GFP_NOIO caller never waits for another thread's refill.
#
# A refill holds its node's mutex across a page allocation, which may enter
# reclaim, which may wait for a filesystem lock; a GFP_NOFS caller holding
# that lock and waiting for the same mutex would deadlock. unmapped_test's
# "nofs" builds exactly those lock dependencies (tests/kmod/unmapped_test.c),
# so on a kernel with lockdep (the debug kernel) a NOFS refill that waited
# for the mutex is reported as a circular locking dependency, a WARNING the
# runner fails the test on, and lockdep turns itself off (debug_locks 0).
# Elsewhere the same path runs, and the lockdep check is skipped.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 4
trap ut_unload EXIT
um_need
ut_need

drop_caches
ksft_cmp "cache empty: both allocations refill" "$(um_stat pages_free)" -eq 0
if ut_cmd nofs; then
	ksft_cmp "GFP_KERNEL order-10 allocation" "$(ut_key kernel_ok)" -eq 1
	ksft_cmp "GFP_NOFS order-10 allocation, filesystem lock held" "$(ut_key nofs_ok)" -eq 1
else
	ksft_fail "nofs command ($ut_out)"
	ksft_fail "nofs command"
fi
if [ -r /proc/lockdep_stats ]; then
	locks=$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)
	ksft_cmp "lockdep saw no deadlock (debug_locks)" "$locks" -eq 1
else
	ksft_skip "lockdep saw no deadlock" "no lockdep in this kernel (CONFIG_PROVE_LOCKING)"
fi
ksft_exit
