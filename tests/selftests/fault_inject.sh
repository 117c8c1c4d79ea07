#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fault_inject - every platform failure the core must survive, injected on
# purpose (/sys/kernel/debug/unmapped/fault/, module/shim/fault.c): a block
# allocation, a removal from the direct map, a return to it (restore) and
# a scrub fail, through the in-kernel API (unmapped_test.ko) and through
# /dev/unmapped (unmappedctl). Each failure must reach the caller as a
# clean error (NULL, ENOMEM), lose no page, leave no page unmapped that is
# not accounted for, and keep the counters consistent. Pages whose restore
# failed stay out of the page allocator (absent from the direct map) as
# leaked_pages until the retry at unload, which must then succeed: the test
# unloads the module and checks they are back in the direct map.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

F=$UM_DEBUGFS/fault
ksft_plan 69
cleanup() {
	for k in block_alloc dm_remove dm_restore scrub; do
		echo 0 > $F/$k/nth 2> /dev/null
	done
	ut_unload
}
trap cleanup EXIT
um_loaded || ksft_exit_skip "unmapped.ko is not loaded"
[ -d $F ] || ksft_exit_skip "no $F (debugfs)"
ut_load || ksft_exit_skip "cannot load unmapped_test.ko"
has_ctl=0
command -v unmappedctl > /dev/null && has_ctl=1

# arm KIND NTH [TIMES [AFTER]] / disarm KIND
arm() {
	echo "${3:-1}" > $F/$1/times
	[ -w $F/$1/after ] && echo "${4:-0}" > $F/$1/after
	echo "$2" > $F/$1/nth
}
disarm() { echo 0 > $F/$1/nth; }
injected() { cat $F/$1/injected; }
# last KIND - pfn of the last injected failure of KIND
last() { awk '{ print $2 }' $F/$1/last; }

# present PFN N - how many of N pages from PFN the direct map maps now.
present() {
	echo "$1 $2" > $UT_DEBUGFS/pfn_state
	grep -c ' present 1 ' $UT_DEBUGFS/pfn_state
}

# snap - remember the counters; d NAME - how much NAME moved since.
snap() { cat $UM_DEBUGFS/stats > /tmp/fault.stats; }
d() { echo $(($(um_stat "$1") - $(awk -v k="$1" '$1 == k { print $2 }' /tmp/fault.stats))); }

# consistent WHAT - the counters agree with each other and with the blocks:
#   pages_in_use = alloc_pages - free_pages (pages out = handed - returned)
#   refill_pages = release_pages + pages_cached + pages neither cached nor
#                  released (leaked, seen as such in debugfs blocks)
consistent() {
	in_use=$(um_stat pages_in_use)
	out=$(($(um_stat alloc_pages) - $(um_stat free_pages)))
	kept=$(($(um_stat refill_pages) - $(um_stat release_pages) - $(um_stat pages_cached)))
	# "pfn A-B order O node N free F used U released R ...": the rest of
	# each block is neither free, in use nor released: kept unmapped.
	leaked=$(awk '{ p = 1; for (i = 0; i < $4; i++) p *= 2; n += p - $8 - $10 - $12 }
		END { print n + 0 }' $UM_DEBUGFS/blocks)
	if [ "$in_use" -eq "$out" ] && [ "$kept" -eq "$leaked" ]; then
		ksft_ok "$1: counters consistent (in use $in_use, kept unmapped $kept)"
	else
		ksft_fail "$1: counters consistent (in use $in_use vs $out handed out; $kept neither cached nor released vs $leaked leaked in blocks)"
	fi
}

# reload - unload (the drain retries leaked pages) and load again. The
# knobs' counts go with the module: tally them first.
t_block_alloc=0 t_dm_remove=0 t_dm_restore=0 t_scrub=0
tally() {
	t_block_alloc=$((t_block_alloc + $(injected block_alloc)))
	t_dm_remove=$((t_dm_remove + $(injected dm_remove)))
	t_dm_restore=$((t_dm_restore + $(injected dm_restore)))
	t_scrub=$((t_scrub + $(injected scrub)))
}
reload() { tally && um_unload && um_load "$@"; }

# ctl WANT ARGS... - unmappedctl alloc with the given exit status.
ctl() {
	want=$1
	shift
	unmappedctl alloc "$@" > /tmp/fault.ctl 2>&1
	rc=$?
	[ $rc -eq "$want" ] || sed 's/^/#   /' /tmp/fault.ctl
	[ $rc -eq "$want" ]
}

# --- block_alloc ---------------------------------------------------------
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
if [ $has_ctl -eq 1 ]; then
	arm block_alloc 1 -1
	ksft_check "block_alloc: /dev/unmapped ALLOC fails with ENOMEM" \
		eval "ctl 1 --size 4M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
	disarm block_alloc
	ksft_cmp "block_alloc: the partly built region gave its blocks back" "$(um_stat pages_in_use)" -eq 0
	ksft_check "block_alloc: disarmed, /dev/unmapped ALLOC works" ctl 0 --size 4M --fill 0x5a
else
	ksft_skip "block_alloc: /dev/unmapped ALLOC fails" "no unmappedctl"
	ksft_skip "block_alloc: partly built region" "no unmappedctl"
	ksft_skip "block_alloc: disarmed" "no unmappedctl"
fi
consistent "block_alloc, user path"

# --- dm_remove -------------------------------------------------------------
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
ut_cmd hold order=9
ksft_check "dm_remove+dm_restore: the leaked block is never handed out" test "$(ut_key pfn)" != "$kpfn"
ut_cmd release

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

if [ $has_ctl -eq 1 ]; then
	drop_caches
	arm dm_remove 1
	ksft_check "dm_remove: one failed refill, /dev/unmapped ALLOC still succeeds" ctl 0 --size 2M --fill 0x33
	drop_caches
	arm dm_remove 1 -1
	ksft_check "dm_remove: always failing, ALLOC fails with ENOMEM" \
		eval "ctl 1 --size 2M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
	disarm dm_remove
else
	ksft_skip "dm_remove: ALLOC despite one failure" "no unmappedctl"
	ksft_skip "dm_remove: ALLOC fails" "no unmappedctl"
fi
ksft_cmp "dm_remove: nothing in use" "$(um_stat pages_in_use)" -eq 0

# The kept block goes back at unload, once the direct map takes it.
ut_unload
reload
ut_load
ksft_cmp "dm_remove+dm_restore: after unload the kept block is mapped again" "$(present "$kpfn" 512)" -eq 512

# --- dm_restore ------------------------------------------------------------
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
ut_cmd hold order=9
ksft_check "dm_restore: the kept block is never handed out" test "$(ut_key pfn)" != "$pfn"
ut_cmd release

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

if [ $has_ctl -eq 1 ]; then
	ctl 0 --size 2M --fill 0x44
	upfn=$(sed -n 's/^pfn \(0x[0-9a-f]*\)-.* free 512 used 0 released 0 backend range.*/\1/p' $UM_DEBUGFS/blocks | head -n 1)
	snap
	arm dm_restore 1
	drop_caches
	ksft_cmp "dm_restore, user path: the freed region's block is kept (pages)" "$(d leaked_pages)" -eq 512
	ksft_cmp "dm_restore, user path: out of the direct map" "$(present "$(last dm_restore)" 512)" -eq 0
else
	ksft_skip "dm_restore, user path: kept" "no unmappedctl"
	ksft_skip "dm_restore, user path: out of the direct map" "no unmappedctl"
	upfn=""
fi
disarm dm_restore

kept=$(($(um_stat refill_pages) - $(um_stat release_pages) - $(um_stat pages_cached)))
ksft_diag "$kept pages kept out of the page allocator before unload"
ut_unload
mark="fault_inject: unload $$"
echo "$mark" > /dev/kmsg
reload
ut_load
ksft_cmp "unload retried every kept page: no loss reported" \
	"$(dmesg | sed -n "\|$mark|,\$p" | grep -c 'unmapped: unload:')" -eq 0
ksft_cmp "dm_restore: after unload the kept block is mapped again" "$(present "$pfn" 512)" -eq 512
ksft_cmp "dm_restore in a trim: after unload mapped again" "$(present "$tpfn" 512)" -eq 512
ksft_cmp "dm_restore after the change: after unload mapped" "$(present "$apfn" 512)" -eq 512
if [ -n "$ppfn" ]; then
	ksft_cmp "dm_restore, page backend: after unload mapped again" "$(present "$ppfn" 512)" -eq 512
else
	ksft_fail "dm_restore, page backend: no page-backend block was listed in debugfs blocks"
fi
if [ -n "$upfn" ]; then
	ksft_cmp "dm_restore, user path: after unload mapped again" "$(present "$upfn" 512)" -eq 512
else
	ksft_skip "dm_restore, user path: after unload" "no unmappedctl"
fi

# --- scrub -------------------------------------------------------------------
ut_cmd hold order=9
spfn=$(ut_key pfn)
ut_cmd fill
ut_cmd release
snap
arm scrub 1
if ut_cmd hold order=9; then
	ksft_fail "scrub: an allocation that needs a scrub fails cleanly"
	ut_cmd release
else
	ksft_ok "scrub: an allocation that needs a scrub fails cleanly"
fi
ksft_cmp "scrub: the allocation is undone (allocs)" "$(d allocs)" -eq 0
ksft_cmp "scrub: nothing counted as scrubbed" "$(d scrubbed_pages)" -eq 0
ksft_cmp "scrub: nothing in use" "$(um_stat pages_in_use)" -eq 0
ksft_cmp "scrub: counted as an allocation failure" "$(d alloc_failures)" -eq 1
consistent "scrub, allocation"
ut_cmd hold order=9
ksft_check "scrub: disarmed, the same block is handed out" test "$(ut_key pfn)" = "$spfn"
ut_cmd nonzero
ksft_cmp "scrub: and it was zeroed (non-zero bytes)" "$(ut_key nonzero_bytes)" -eq 0
ut_cmd fill
ut_cmd release

# drop_caches calls the shrinker again while other caches shrink: keep
# failing until disarmed.
snap
arm scrub 1 -1
drop_caches
disarm scrub
ksft_cmp "scrub in a release: the block is not released" "$(d releases)" -eq 0
ksft_cmp "scrub in a release: it stays cached, still unmapped" "$(present "$spfn" 512)" -eq 0
ksft_cmp "scrub in a release: nothing leaked" "$(d leaked_pages)" -eq 0
consistent "scrub, release"
drop_caches
ksft_cmp "scrub in a release: disarmed, released at the next shrink" "$(present "$spfn" 512)" -eq 512

ut_cmd hold order=9
ut_cmd release
ut_cmd atomic rounds=16
arm scrub 1 -1
ut_cmd atomic rounds=16
disarm scrub
ksft_check "scrub in atomic context: every round ends, none mapped" \
	test "$(($(ut_key ok) + $(ut_key failed)))" -eq 16 -a "$(ut_key present_pages)" -eq 0
consistent "scrub, atomic"

if [ $has_ctl -eq 1 ]; then
	ctl 0 --size 2M --fill 0x66
	arm scrub 1 -1
	ksft_check "scrub: /dev/unmapped ALLOC of dirty memory fails with ENOMEM" \
		eval "ctl 1 --size 2M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
	disarm scrub
	ksft_check "scrub: disarmed, ALLOC gets zeroed memory" \
		eval "ctl 0 --size 2M --fill 0x77 && grep -q 'arrived zeroed' /tmp/fault.ctl"
else
	ksft_skip "scrub: ALLOC fails" "no unmappedctl"
	ksft_skip "scrub: ALLOC zeroed" "no unmappedctl"
fi
ksft_cmp "scrub: nothing in use at the end" "$(um_stat pages_in_use)" -eq 0
consistent "scrub, user path"
tally
ksft_diag "injected: block_alloc $t_block_alloc, dm_remove $t_dm_remove, dm_restore $t_dm_restore, scrub $t_scrub"
ksft_exit
