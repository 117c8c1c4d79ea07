#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fault_dm_remove - taking a new block out of the direct map fails
# (fault/dm_remove), before the change or after it (the contract allows a
# failed range change to be partly done), with the range and the page
# backend: the allocation fails cleanly and the block is mapped again and
# given back; when mapping it back fails too, the block is kept (leaked,
# never handed out, still absent) until unload retries it, and then it is
# mapped again. Through /dev/unmapped one failed refill does not fail
# ALLOC; failing every one does, with ENOMEM.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
. "$(dirname "$0")/../fault.sh"

ksft_plan 18
fault_start

drop_caches
snap
arm dm_remove 1
if ut_cmd hold order=9; then
	ksft_fail "dm_remove: the allocation fails cleanly"
	ut_cmd release
else
	ksft_ok "dm_remove: the allocation fails cleanly"
fi
pfn=$(last dm_remove)
ksft_cmp "dm_remove: counted as a direct-map failure" "$(d dm_failures)" -eq 1
ksft_cmp "dm_remove: the block is mapped again (present pages of 512)" "$(present "$pfn" 512)" -eq 512
ksft_cmp "dm_remove: and not kept (cached pages)" "$(um_stat pages_cached)" -eq 0
snap
arm dm_remove 1 1 1
ut_cmd hold order=9 && ut_cmd release
pfn=$(last dm_remove)
ksft_cmp "dm_remove after the change: the core maps it back (present pages of 512)" "$(present "$pfn" 512)" -eq 512
ksft_cmp "dm_remove after the change: nothing leaked" "$(d leaked_pages)" -eq 0
consistent dm_remove

# Both directions fail: the block may still be unmapped, so it is kept.
snap
arm dm_remove 1 1 1
arm dm_restore 1
ut_cmd hold order=9 && ut_cmd release
kpfn=$(last dm_restore)
ksft_cmp "dm_remove+dm_restore: the block is kept as leaked (pages)" "$(d leaked_pages)" -eq 512
ksft_cmp "dm_remove+dm_restore: and stays out of the direct map (present pages)" "$(present "$kpfn" 512)" -eq 0
consistent "dm_remove+dm_restore"
ksft_check "dm_remove+dm_restore: the leaked block is never handed out" not_handed_out "$kpfn"

# Page backend: page 100 fails, the 99 before it go back.
echo page > $UM_PARAMS/backend
drop_caches
snap
arm dm_remove 100
ut_cmd hold order=9 && ut_cmd release
pfn=$(last dm_remove)
first=$((pfn - 99))
ksft_cmp "dm_remove, page backend: the allocation failed cleanly (allocs)" "$(d allocs)" -eq 0
ksft_cmp "dm_remove, page backend: the 100 pages touched are mapped again" "$(present $first 100)" -eq 100
echo range > $UM_PARAMS/backend
consistent "dm_remove, page backend"

drop_caches
arm dm_remove 1
ksft_check "dm_remove: one failed refill, /dev/unmapped ALLOC still succeeds" ctl 0 --size 2M --fill 0x33
drop_caches
arm dm_remove 1 -1
ksft_check "dm_remove: always failing, ALLOC fails with ENOMEM" \
	eval "ctl 1 --size 2M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
disarm dm_remove
ksft_cmp "dm_remove: nothing in use" "$(um_stat pages_in_use)" -eq 0

# The kept block goes back at unload, once the direct map takes it.
ut_unload
reload
ut_load
ksft_cmp "dm_remove+dm_restore: after unload the kept block is mapped again" "$(present_after_unload "$kpfn" 512)" -eq 512
fault_end
