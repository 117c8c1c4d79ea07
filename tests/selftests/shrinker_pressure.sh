#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# shrinker_pressure - under memory pressure the shrinker gives the free
# cache back, so a process that needs the memory is not OOM-killed.
#
# With max_cached_mb=0 (no cap: only the shrinker limits the cache), fill
# the cache with UM_TEST_MB (1024) MiB of free blocks, then write a file to
# tmpfs that needs all free memory plus half the cache (tmpfs pages cannot
# be reclaimed without swap, so only our shrinker can make room). The
# writer must finish without an OOM kill, debugfs must show the cache
# shrink, and no WARN/BUG may appear (the runner checks that).
#
# To keep the writer short under TCG, most free memory is first set aside
# as a hugetlb pool (a kernel allocation, much cheaper than writing it);
# the writer then needs the last 256 MiB of free memory plus the cache.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

mb=${UM_TEST_MB:-1024}
hog=/tmp/hog

ksft_plan 8
hugepages=/proc/sys/vm/nr_hugepages
cleanup() {
	rm -f "$hog/fill"
	umount "$hog" 2>/dev/null
	echo 0 > $hugepages
	ut_unload
}
trap cleanup EXIT
um_load max_cached_mb=0 || ksft_exit_fail "cannot load unmapped.ko max_cached_mb=0"
ut_need

ut_cmd dm_snapshot
t0=$(date +%s)
ut_cmd alloc mb="$mb" lo=9 hi=9 || ksft_exit_fail "cannot allocate $mb MiB: $ut_out"
# splits_l2 counts every 2M split in the kernel meanwhile; touched_split
# only those under the blocks the cache took.
ksft_diag "filling the cache took $(($(date +%s) - t0)) s, $(ut_key call_ipis) call IPIs, direct-map splits anywhere: $(ut_key splits_l2) 2M->4K, $(ut_key splits_l3) 1G->2M; $(ut_key touched_regions) 2M regions filled"
fill_split=$(ut_key touched_split)
ut_cmd free
cached=$(um_stat pages_free)
ksft_cmp "cache holds the freed $mb MiB" "$cached" -ge $((mb * 256))
ksft_cmp "no 2M mapping under the cache split to fill it" "$fill_split" -eq 0
ksft_diag "before: $(grep '^Node' $UM_DEBUGFS/pagetypeinfo | head -n 1)"

mkdir -p "$hog"
mount -t tmpfs -o size=100% hog "$hog" || ksft_exit_fail "cannot mount tmpfs"
set_aside=$((($(memfree_kb) / 1024 - 256) / 2))
[ $set_aside -gt 0 ] && echo $set_aside > $hugepages
ksft_diag "set aside $(cat $hugepages) 2M huge pages; the cache still holds $(($(um_stat pages_free) / 256)) MiB"
need=$(($(memfree_kb) / 1024 + mb / 2))
shrunk0=$(um_stat shrink_pages)
calls0=$(um_stat shrink_calls)
mark="shrinker_pressure: hog $$"
echo "$mark" > /dev/kmsg
ksft_diag "writing $need MiB to tmpfs: all free memory plus $((mb / 2)) MiB of the cache"
t0=$(date +%s)
dd if=/dev/zero of="$hog/fill" bs=1M count="$need" 2> /tmp/hog.err
rc=$?
ksft_diag "the writer took $(($(date +%s) - t0)) s"
ksft_cmp "the writer finished" "$rc" -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' /tmp/hog.err
oom=$(dmesg | sed -n "\|$mark|,\$p" | grep -ciE 'invoked oom-killer|Out of memory')
ksft_cmp "no OOM kill" "$oom" -eq 0
free_now=$(um_stat pages_free)
ksft_cmp "the shrinker was called" "$(($(um_stat shrink_calls) - calls0))" -gt 0
ksft_cmp "it released at least half the cache (pages)" "$(($(um_stat shrink_pages) - shrunk0))" -ge $((mb * 128))
ksft_cmp "debugfs shows the cache shrink (free pages)" "$free_now" -lt "$cached"
ksft_diag "after:  $(grep '^Node' $UM_DEBUGFS/pagetypeinfo | head -n 1)"
ksft_diag "free cached pages: $cached before, $free_now after; leaked_pages $(um_stat leaked_pages)"
rm -f "$hog/fill"
ksft_cmp "nothing leaked" "$(um_stat leaked_pages)" -eq 0
ksft_exit
