#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fault_block_alloc - a block allocation from the page allocator fails
# (fault/block_alloc, module/plat/linux/fault.c): through the in-kernel API
# (unmapped_test.ko) the allocation fails cleanly, or falls back to a
# smaller block when the request allows; through /dev/unmapped
# (unmappedctl) ALLOC fails with ENOMEM and a partly built region gives its
# blocks back. No page is lost and the counters stay consistent
# (lib/fault.sh consistent).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
. "$(dirname "$0")/../fault.sh"

ksft_plan 10
fault_start

drop_caches
snap
arm block_alloc 1
if ut_cmd hold order=9; then
	ksft_fail "block_alloc: a 2M allocation on an empty cache fails cleanly"
	ut_cmd release
else
	ksft_ok "block_alloc: a 2M allocation on an empty cache fails cleanly ($ut_out)"
fi
ksft_cmp "block_alloc: one failure injected" "$(injected block_alloc)" -eq 1
ksft_cmp "block_alloc: counted as a refill failure" "$(d refill_failures)" -eq 1
ksft_cmp "block_alloc: nothing cached or in use" "$(um_stat pages_cached)" -eq 0
arm block_alloc 1
snap
ut_cmd hold order=0
ksft_check "block_alloc: an order-0 allocation falls back to a smaller block" \
	test "$(d refill_fallbacks)" -eq 1 -a "$(d allocs)" -eq 1
ut_cmd release
consistent block_alloc
arm block_alloc 1 -1
ksft_check "block_alloc: /dev/unmapped ALLOC fails with ENOMEM" \
	eval "ctl 1 --size 4M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
disarm block_alloc
ksft_cmp "block_alloc: the partly built region gave its blocks back" "$(um_stat pages_in_use)" -eq 0
ksft_check "block_alloc: disarmed, /dev/unmapped ALLOC works" ctl 0 --size 4M --fill 0x5a
consistent "block_alloc, user path"
fault_end
