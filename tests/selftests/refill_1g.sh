#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# refill_1g - keep_1g in a guest whose direct map has 1G entries (8 GiB,
# -cpu max): holding memory through the cache must not split a 1G entry
# while 2M-mapped memory is free, and may split only what the layout forces
# when it is not. Independent measures: /proc/vmstat direct_map_level3_splits
# and /proc/meminfo DirectMap1G before, while held and after release,
# besides the module's counters.
#
# Part 1 holds UM_1G_HOLD_MB (default 768: less than the free 2M-mapped
# memory below 1 GiB wherever KASLR puts the kernel): no level-3 split,
# DirectMap1G unchanged. Part 2 holds UM_1G_BIG_MB (default 3072, 0 skips
# it): more than the ~2.9 GiB below 4 GiB, so 1G entries must split once
# nothing 2M-mapped is left; keep_1g splits at most 2 (GiB 1, when it is
# 1G-mapped, then one of ZONE_NORMAL) over both parts, the refill before it
# 3 (one per GiB taken from ZONE_NORMAL). Where the memory mapped below 1G
# (DirectMap4k + DirectMap2M) holds the part and all memory in use besides,
# with 256 MiB to spare, keep_1g's directed walk finds it and splits none.
# UM_KEEP_1G=N runs it all with the policy off, to
# show that the checks fail there. UM_REFILL_1G=1 (tools/check's 8 GiB
# boot) turns the skips for a small guest or no 1G entries into failures.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

keep=${UM_KEEP_1G:-Y}
small_mb=${UM_1G_HOLD_MB:-768}
big_mb=${UM_1G_BIG_MB:-3072}
mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
dm1g() { awk '$1 == "DirectMap1G:" { print $2 }' /proc/meminfo; }
# below1g_room_kb - memory mapped below 1G less all memory in use (wherever
# it is): what a directed walk can surely find free there.
below1g_room_kb() {
	awk '$1 == "DirectMap4k:" || $1 == "DirectMap2M:" { m += $2 }
	     $1 == "MemTotal:" { t = $2 } $1 == "MemFree:" { f = $2 }
	     END { print m - (t - f) }' /proc/meminfo
}
# not_here REASON - skip, or fail where the boot was made for this test.
not_here() {
	[ "${UM_REFILL_1G:-0}" = 1 ] && ksft_exit_fail "$1, in the boot made for this test"
	ksft_exit_skip "$1"
}
[ "$mem_kb" -ge $((7 * 1024 * 1024)) ] ||
	not_here "needs an 8 GiB guest (tools/vm/run --mem 8G): MemTotal is $mem_kb kB"
[ "$(dm1g)" -gt 0 ] 2> /dev/null ||
	not_here "no 1G direct-map entries (DirectMap1G is 0: no 1G pages in this CPU)"

ksft_plan 17
trap 'ut_cmd free 2> /dev/null; ut_unload' EXIT
um_need
ut_need

# hold MB - hold MB in 2M blocks, free them, let the shrinker take them back.
# Sets held (pages), l3 (level-3 splits while held), g1a/g1b/g1c
# (DirectMap1G kB before/held/after), ns nt nr nx (refill_1g deltas), m
# (module splits_l3 delta).
hold() {
	drop_caches
	l3a=$(vmstat direct_map_level3_splits) g1a=$(dm1g)
	sa=$(um_stat refill_1g_searches) ta=$(um_stat refill_1g_candidates_tried)
	ra=$(um_stat refill_1g_candidates_returned) xa=$(um_stat refill_1g_split_accepted)
	ma=$(um_stat splits_l3)
	da=$(um_stat refill_1g_directed) dma=$(um_stat refill_1g_directed_missed)
	dla=$(um_stat refill_1g_directed_looked)
	room=$(below1g_room_kb)
	ut_cmd alloc mb=$1 lo=9 hi=9 mayfail=1
	held=$(ut_key pages)
	l3=$(($(vmstat direct_map_level3_splits) - l3a)) g1b=$(dm1g)
	ns=$(($(um_stat refill_1g_searches) - sa)) nt=$(($(um_stat refill_1g_candidates_tried) - ta))
	nr=$(($(um_stat refill_1g_candidates_returned) - ra)) nx=$(($(um_stat refill_1g_split_accepted) - xa))
	m=$(($(um_stat splits_l3) - ma))
	nd=$(($(um_stat refill_1g_directed) - da)) ndm=$(($(um_stat refill_1g_directed_missed) - dma))
	ndl=$(($(um_stat refill_1g_directed_looked) - dla))
	ut_cmd free
	drop_caches
	um_wait_stat pages_cached -eq 0 > /dev/null
	g1c=$(dm1g)
	ksft_diag "keep_1g=$keep held $((held / 256)) MiB: level-3 splits $l3 while held; DirectMap1G $g1a kB before, $g1b held, $g1c after"
	ksft_diag "refill_1g: searches $ns, candidates tried $nt, returned $nr, splits accepted $nx; module splits_l3 $m"
	ksft_diag "directed walks: $nd took a block by address, $ndm found none, $ndl looks; room below 1G before: $((room / 1024)) MiB"
}

ksft_check "keep_1g=$keep is taken" eval "echo $keep > $UM_PARAMS/keep_1g && grep -qx $keep $UM_PARAMS/keep_1g"

hold "$small_mb"
l3_small=$l3
ksft_cmp "$small_mb MiB: held all in 2M blocks" "$held" -eq $((small_mb * 256))
ksft_cmp "$small_mb MiB: the module's splits_l3 agrees with /proc/vmstat" "$m" -eq "$l3"
ksft_cmp "$small_mb MiB: no level-3 split while held (direct_map_level3_splits)" "$l3" -eq 0
ksft_cmp "$small_mb MiB: DirectMap1G while held as before" "$g1b" -eq "$g1a"
ksft_cmp "$small_mb MiB: DirectMap1G after release as before" "$g1c" -eq "$g1a"
ksft_cmp "$small_mb MiB: no search took more than 4 candidates (tried <= 4 x searches)" "$nt" -le $((4 * ns))

if [ "$big_mb" -gt 0 ]; then
	hold "$big_mb"
	ksft_cmp "$big_mb MiB: held all in 2M blocks" "$held" -eq $((big_mb * 256))
	ksft_cmp "$big_mb MiB: the module's splits_l3 agrees with /proc/vmstat" "$m" -eq "$l3"
	ksft_cmp "$big_mb MiB: DirectMap1G lost 1 GiB per level-3 split, no more" $((g1a - g1c)) -eq $((l3 * 1048576))
	ksft_cmp "both parts: at most 2 level-3 splits in all (GiB 1 and one of ZONE_NORMAL)" $((l3_small + l3)) -le 2
	ksft_cmp "$big_mb MiB: each split was a search's last resort (splits accepted = splits)" "$nx" -eq "$l3"
	ksft_cmp "$big_mb MiB: no search took more than 4 candidates" "$nt" -le $((4 * ns))
	ksft_cmp "$big_mb MiB: a split only after a directed walk found nothing (accepted <= missed)" "$nx" -le "$ndm"
	ksft_cmp "$big_mb MiB: directed walks looked at 1024 blocks each at most, in all" "$ndl" -le $((1024 * (nd + ndm)))
	if [ "$room" -ge $(((big_mb + 256) * 1024)) ]; then
		ksft_cmp "$big_mb MiB: no level-3 split, as $((room / 1024)) MiB below 1G were free enough" "$l3" -eq 0
		ksft_cmp "$big_mb MiB: DirectMap1G after release as before" "$g1c" -eq "$g1a"
	else
		for n in 1 2; do
			ksft_skip "$big_mb MiB: no level-3 split" \
				"only $((room / 1024)) MiB mapped below 1G are surely free in this boot's layout"
		done
	fi
else
	for n in 1 2 3 4 5 6 7 8 9 10; do ksft_skip "$big_mb MiB part" "UM_1G_BIG_MB=0"; done
fi
ksft_exit
