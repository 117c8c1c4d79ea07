# SPDX-License-Identifier: GPL-2.0-only
#
# unmapped.sh - helpers for selftests that drive unmapped.ko through the
# test module unmapped_test.ko (tests/kmod/unmapped_test.c documents its
# commands). Sourced after ksft.sh.
UM_DEBUGFS=/sys/kernel/debug/unmapped
UT_DEBUGFS=/sys/kernel/debug/unmapped_test
UM_MODDIR=${UM_MODDIR:-/opt/unmapped/modules}
UM_MODULE=${UM_MODULE:-$UM_MODDIR/unmapped.ko}
UM_PARAMS=/sys/module/unmapped/parameters

# um_loaded / ut_loaded - is unmapped.ko / unmapped_test.ko loaded?
um_loaded() { grep -q '^unmapped ' /proc/modules; }
ut_loaded() { grep -q '^unmapped_test ' /proc/modules; }

# um_settle - wait for the work the kernel queued by itself: after an
# insmod, the free of the module's init sections, whose vfree() can split
# a 2M direct mapping (unmapped_dmcheck's settle; run-selftests loads it).
um_settle() {
	[ -w /sys/kernel/debug/unmapped_dmcheck/cmd ] && echo settle > /sys/kernel/debug/unmapped_dmcheck/cmd
	return 0
}

# um_load [PARAM=VALUE...] - (re)load unmapped.ko with these parameters.
um_load() {
	! um_loaded || rmmod unmapped || return 1
	insmod "$UM_MODULE" "$@" || return 1
	um_settle
}
um_unload() { ! um_loaded || rmmod unmapped; }
# um_one_block_refills - for a test whose counts or events are of single
# 2M refills: no refill batch on 6.13+ kernels, no 4 MiB block in its place
# on 6.1 and 6.12 (refill_batch.sh tests both).
um_one_block_refills() { echo 1 > $UM_PARAMS/refill_batch_max; }

ut_load() { ut_loaded || { insmod "$UM_MODDIR/unmapped_test.ko" && um_settle; }; }
ut_unload() { ! ut_loaded || rmmod unmapped_test; }

# um_need / ut_need / ctl_need - this project's own parts that a test
# needs: unmapped.ko loaded (the runner loads it), unmapped_test.ko loading,
# unmappedctl installed. Missing, they are a failure of the build or the
# module, so the test fails (ksft_exit_fail), never skips.
um_need() { um_loaded || ksft_exit_fail "unmapped.ko is not loaded"; }
ut_need() { ut_load || ksft_exit_fail "cannot load unmapped_test.ko"; }
ctl_need() { command -v unmappedctl > /dev/null || ksft_exit_fail "unmappedctl is not installed"; }

# um_stat NAME - one value of debugfs stats.
um_stat() { awk -v k="$1" '$1 == k { print $2 }' "$UM_DEBUGFS/stats"; }

# ut_cmd WORDS... - run one test-module command; the result lines are in
# $ut_out. Fails when the command did.
ut_cmd() {
	echo "$*" > "$UT_DEBUGFS/cmd" 2>/dev/null
	ut_rc=$?
	ut_out=$(cat "$UT_DEBUGFS/cmd")
	return $ut_rc
}

# ut_key KEY - a value from the last ut_cmd result.
ut_key() { echo "$ut_out" | awk -v k="$1" '$1 == k { print $2; exit }'; }

# memfree_kb - free memory in kB, as steady as it gets: the per-CPU
# vmstat deltas folded in (stat_refresh) and the pages parked on per-CPU
# free lists (which MemFree leaves out) counted, all read from one pass
# over /proc/zoneinfo. Read in two steps, as MemFree and then the lists, a
# per-CPU list of several MiB can move between the reads. Every slab cache
# is shrunk first (SLUB's empty slabs, KASAN's quarantine). Caches are not
# dropped here: that would run the module's shrinker too.
memfree_kb() {
	# What the test freed through RCU (run-selftests's free_kb).
	um_settle
	for s in /sys/kernel/slab/*/shrink; do
		echo 1 > "$s"
	done 2> /dev/null
	echo 1 > /proc/sys/vm/stat_refresh 2> /dev/null
	awk '$1 == "pages" && $2 == "free" { n += $3 } $1 == "count:" { n += $2 }
		END { print n * 4 }' /proc/zoneinfo
}

# vmstat NAME - one /proc/vmstat counter.
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# um_wait_free_below PAGES [SECONDS] - wait for deferred trims to bring the
# free cache down to PAGES.
um_wait_free_below() {
	t=${2:-60}
	while [ "$(um_stat pages_free)" -gt "$1" ] && [ $t -gt 0 ]; do
		sleep 1
		t=$((t - 1))
	done
	[ "$(um_stat pages_free)" -le "$1" ]
}

# um_wait_stat NAME OP VALUE [SECONDS] - wait (30 s by default) until the
# counter NAME compares to VALUE as test(1)'s OP says; fails if it never did.
um_wait_stat() {
	t=$((${4:-30} * 10))
	until [ "$(um_stat $1)" "$2" "$3" ] || [ $t -le 0 ]; do
		usleep 100000
		t=$((t - 1))
	done
	[ "$(um_stat $1)" "$2" "$3" ]
}

# um_prefill MB [SECONDS] - raise prefill_mb and wait until the prefill,
# which runs in the background, has filled the cache to it.
um_prefill() {
	echo "$1" > $UM_PARAMS/prefill_mb &&
	um_wait_stat pages_free -ge $(($1 * 256)) "${2:-120}"
}

# drop_caches - run the shrinkers (ours included) until they give up.
drop_caches() { echo 2 > /proc/sys/vm/drop_caches; }

# ksft_cmp DESC A OP B - one result from a numeric comparison, showing both.
ksft_cmp() {
	if [ -n "$2" ] && [ -n "$4" ] && [ "$2" "$3" "$4" ]; then
		ksft_ok "$1 ($2 $3 $4)"
	else
		ksft_fail "$1 (got '$2', want $3 '$4')"
	fi
}
