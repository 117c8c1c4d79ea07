#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fault_dm_restore - putting a released block back into the direct map
# fails (fault/dm_restore), in a shrink, in a deferred trim, after the
# change, with the page backend and for a region freed through
# /dev/unmapped: the pages are kept as leaked_pages, stay absent from the
# direct map, never reach the page allocator nor a caller, and unload's
# retry maps every one of them back (checked page by page after rmmod).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
. "$(dirname "$0")/../fault.sh"

ksft_plan 22
fault_start

ut_cmd hold order=9
pfn=$(ut_key pfn)
ut_cmd release
snap
arm dm_restore 1
drop_caches
ksft_cmp "dm_restore: one failure injected" "$(injected dm_restore)" -eq 1
ksft_cmp "dm_restore: its pages are kept as leaked" "$(d leaked_pages)" -eq 512
ksft_cmp "dm_restore: and stay out of the direct map (present pages)" "$(present "$pfn" 512)" -eq 0
ksft_cmp "dm_restore: never given to the page allocator (releases)" "$(d releases)" -eq 0
ksft_cmp "dm_restore: nothing refused by the page allocator" "$(um_stat refused_free_pages)" -eq 0
consistent dm_restore
ksft_check "dm_restore: the kept block is never handed out" not_handed_out "$pfn"

# Through the deferred trim: a cap of 2 MiB, two blocks freed.
echo 2 > $UM_PARAMS/max_cached_mb
ut_cmd alloc mb=4 lo=9 hi=9
arm dm_restore 1
ut_cmd free
t=30
while [ "$(injected dm_restore)" -lt 2 ] && [ $t -gt 0 ]; do sleep 1; t=$((t - 1)); done
ksft_cmp "dm_restore in a trim: injected" "$(injected dm_restore)" -eq 2
tpfn=$(last dm_restore)
ksft_cmp "dm_restore in a trim: the block stays out of the direct map" "$(present "$tpfn" 512)" -eq 0
echo 64 > $UM_PARAMS/max_cached_mb
consistent "dm_restore in a trim"

# Restored, but reported failed: kept, retried at unload.
ut_cmd hold order=9
apfn=$(ut_key pfn)
ut_cmd release
snap
arm dm_restore 1 1 1
drop_caches
ksft_cmp "dm_restore after the change: kept as leaked although mapped" "$(d leaked_pages)" -eq 512

# Page backend: page 10 of the block fails.
echo page > $UM_PARAMS/backend
ut_cmd alloc mb=2 lo=9 hi=9
ppfn=$(sed -n 's/^pfn \(0x[0-9a-f]*\)-.*backend page.*/\1/p' $UM_DEBUGFS/blocks | head -n 1)
ut_cmd free
echo range > $UM_PARAMS/backend
snap
arm dm_restore 10
drop_caches
ksft_cmp "dm_restore, page backend: the whole chunk is kept (pages)" "$(d leaked_pages)" -eq 512
ksft_cmp "dm_restore, page backend: the failed page is absent" "$(present "$(last dm_restore)" 1)" -eq 0
consistent "dm_restore, page backend"

ctl 0 --size 2M --fill 0x44
upfn=$(sed -n 's/^pfn \(0x[0-9a-f]*\)-.* free 512 used 0 released 0 backend range.*/\1/p' $UM_DEBUGFS/blocks | head -n 1)
snap
arm dm_restore 1
drop_caches
ksft_cmp "dm_restore, user path: the freed region's block is kept (pages)" "$(d leaked_pages)" -eq 512
ksft_cmp "dm_restore, user path: out of the direct map" "$(present "$(last dm_restore)" 512)" -eq 0
disarm dm_restore

kept=$(($(um_stat refill_pages) - $(um_stat release_pages) - $(um_stat pages_cached)))
ksft_diag "$kept pages kept out of the page allocator before unload"
ut_unload
mark="fault_dm_restore: unload $$"
echo "$mark" > /dev/kmsg
reload
ut_load
ksft_cmp "unload retried every kept page: no loss reported" \
	"$(dmesg | sed -n "\|$mark|,\$p" | grep -c 'unmapped: unload:')" -eq 0
ksft_cmp "dm_restore: after unload the kept block is mapped again" "$(present_after_unload "$pfn" 512)" -eq 512
ksft_cmp "dm_restore in a trim: after unload mapped again" "$(present_after_unload "$tpfn" 512)" -eq 512
ksft_cmp "dm_restore after the change: after unload mapped" "$(present_after_unload "$apfn" 512)" -eq 512
if [ -n "$ppfn" ]; then
	ksft_cmp "dm_restore, page backend: after unload mapped again" "$(present_after_unload "$ppfn" 512)" -eq 512
else
	ksft_fail "dm_restore, page backend: no page-backend block was listed in debugfs blocks"
fi
if [ -n "$upfn" ]; then
	ksft_cmp "dm_restore, user path: after unload mapped again" "$(present_after_unload "$upfn" 512)" -eq 512
else
	ksft_fail "dm_restore, user path: no free range block was listed in debugfs blocks"
fi
fault_end
