# SPDX-License-Identifier: GPL-2.0-only
#
# fault.sh - helpers for the fault-injection selftests (fault_*.sh), which
# drive /sys/kernel/debug/unmapped/fault/ (module/plat/linux/fault.c). Sourced
# after ksft.sh and unmapped.sh; fault_start does the common set-up.
F=$UM_DEBUGFS/fault

fault_cleanup() {
	for k in block_alloc dm_remove dm_restore scrub; do
		echo 0 > $F/$k/nth 2> /dev/null
	done
	ut_unload
}

# fault_start - fail unless the module, its knobs, unmapped_test.ko and
# unmappedctl are there; disarm everything on exit.
fault_start() {
	trap fault_cleanup EXIT
	um_need
	# Each injected removal failure is the refill's only block.
	um_one_block_refills || ksft_exit_fail "cannot set refill_batch_max"
	[ -d $F ] || ksft_exit_fail "no $F (debugfs)"
	ut_need
	ctl_need
}

# arm KIND NTH [TIMES [AFTER]] / disarm KIND
arm() {
	eval "armed_$1=$(injected "$1")"
	echo "${3:-1}" > $F/$1/times
	[ -w $F/$1/after ] && echo "${4:-0}" > $F/$1/after
	echo "$2" > $F/$1/nth
}
disarm() { echo 0 > $F/$1/nth; }
injected() { cat $F/$1/injected; }
# last KIND - pfn of the failure of KIND injected since it was last armed;
# nothing when there was none, so that a check on the pfn fails instead of
# passing on an older one (or on none).
last() {
	eval "n=\$armed_$1"
	if [ "$(injected "$1")" -le "${n:-0}" ]; then
		echo "# no $1 failure was injected since it was armed" >&2
		return 1
	fi
	awk '{ print $2 }' $F/$1/last
}

# present PFN N - how many of N pages from PFN the direct map maps now;
# nothing for no PFN or a query pfn_state refused (a stale answer would
# be read back otherwise).
present() {
	[ -n "$1" ] && echo "$1 $2" > $UT_DEBUGFS/pfn_state || return 1
	grep -c ' present 1 ' $UT_DEBUGFS/pfn_state
}

# not_handed_out PFN - a block kept after a failure (at PFN) is not what
# the next allocation gets: that allocation must succeed, and PFN be known.
not_handed_out() {
	ut_cmd hold order=9 || { ksft_diag "hold failed: $ut_out"; return 1; }
	got=$(ut_key pfn)
	ut_cmd release
	ksft_diag "kept block at ${1:-(none)}, the allocation got ${got:-(none)}"
	[ -n "$1" ] && [ -n "$got" ] && [ "$got" != "$1" ]
}

# present_after_unload PFN N - present() for pages rmmod gave back, once it
# settles (5 s at most). They belong to the page allocator then, and the
# next insmod may take some for module text and free its init section from
# a workqueue: vfree's vm_reset_perms() leaves those pages invalid in the
# direct map for a moment (seen once: 508 of 512).
present_after_unload() {
	for i in $(seq 50); do
		n=$(present "$1" "$2")
		[ "$n" -eq "$2" ] && break
		sleep 0.1
	done
	echo "$n"
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

# fault_end - say how many failures of each kind were injected; exit.
fault_end() {
	tally
	ksft_diag "injected: block_alloc $t_block_alloc, dm_remove $t_dm_remove, dm_restore $t_dm_restore, scrub $t_scrub"
	ksft_exit
}
reload() { tally && um_unload && um_load refill_batch_max=1 "$@"; }

# ctl WANT ARGS... - unmappedctl alloc with the given exit status.
ctl() {
	want=$1
	shift
	unmappedctl alloc "$@" > /tmp/fault.ctl 2>&1
	rc=$?
	[ $rc -eq "$want" ] || sed 's/^/#   /' /tmp/fault.ctl
	[ $rc -eq "$want" ]
}
