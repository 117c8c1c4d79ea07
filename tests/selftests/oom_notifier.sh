#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# oom_notifier - before the OOM killer kills, the cache gives back what the
# shrinker may not: min_cached_mb's reserve.
#
# With min_cached_mb=UM_TEST_MB (192) and a cache holding that much free,
# the shrinker gives nothing back. A process then fills an anonymous
# buffer of all available memory plus 64 MiB (no swap): reclaim
# fails, the kernel calls the OOM notifiers, ours releases every free page,
# and out_of_memory() retries instead of killing. Without the notifier the
# process is killed (tried: checks 2 and 3 fail). Anonymous memory, not
# tmpfs, and an oom_score_adj of 1000: if it is killed, its memory goes
# with it, and nothing else is. Most memory is set aside as huge pages
# first, as in shrinker_pressure, to keep it short under TCG.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

mb=${UM_TEST_MB:-192}
lack=64	# MiB the process needs beyond MemAvailable
hugepages=/proc/sys/vm/nr_hugepages

ksft_plan 7
cleanup() {
	echo 0 > $hugepages
	ut_unload
}
trap cleanup EXIT
um_load max_cached_mb=0 min_cached_mb="$mb" ||
	ksft_exit_fail "cannot load unmapped.ko max_cached_mb=0 min_cached_mb=$mb"
ut_need

# Filled first, while 2M blocks are plentiful: after the huge pages they
# may be too few (6.12 in CI: 90 of 128 MiB).
ut_cmd alloc mb="$mb" lo=9 hi=9 || ksft_exit_fail "cannot allocate $mb MiB: $ut_out"
ut_cmd free
cached=$(um_stat pages_free)
ksft_cmp "the cache holds its reserve (free pages)" "$cached" -ge $((mb * 256))
aside=$((($(memfree_kb) / 1024 - 256) / 2))
[ $aside -gt 0 ] && echo $aside > $hugepages
drop_caches
ksft_diag "set aside $(cat $hugepages) huge pages; after drop_caches the cache holds $(($(um_stat pages_free) / 256)) MiB (reserve $mb)"

calls0=$(um_stat oom_calls) pages0=$(um_stat oom_pages)
# MemAvailable, not MemFree: the min watermarks are never handed out.
need=$(($(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) + lack))
mark="oom_notifier: hog $$"
echo "$mark" > /dev/kmsg
# dd reads /dev/zero into one buffer of $need MiB: every page touched.
sh -c 'echo 1000 > /proc/self/oom_score_adj && exec dd if=/dev/zero of=/dev/null bs="$1"M count=1' \
	oom-hog "$need" 2> /tmp/oom-hog.err
rc=$?
ksft_cmp "the process that filled $need MiB finished" "$rc" -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/oom-hog.err
oom=$(dmesg | sed -n "\|$mark|,\$p" | grep -ciE 'invoked oom-killer|Out of memory')
ksft_cmp "no OOM kill" "$oom" -eq 0
ksft_cmp "the OOM notifier ran" $(($(um_stat oom_calls) - calls0)) -gt 0
ksft_cmp "it gave back at least what the process lacked (pages)" \
	$(($(um_stat oom_pages) - pages0)) -ge $((lack * 256))
ksft_cmp "the cache went below its reserve (free pages)" "$(um_stat pages_free)" -lt $((mb * 256))
ksft_diag "OOM notifications $(($(um_stat oom_calls) - calls0)), $(($(um_stat oom_pages) - pages0)) pages given back; free cached pages $cached before, $(um_stat pages_free) after"
ksft_cmp "nothing leaked" "$(um_stat leaked_pages)" -eq 0
ksft_exit
