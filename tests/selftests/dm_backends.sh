#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dm_backends - the direct map through a full cycle, range then page backend.
#
# For each backend: load unmapped.ko, allocate UM_TEST_MB (256) MiB in
# blocks of orders 0..9 through the in-kernel API (unmapped_test.ko), check
# every page is absent from the direct map, free, shrink with drop_caches,
# unload, and compare the direct map with a snapshot taken before the load.
# range must split no 2M mapping, cost one flush (one IPI per other CPU)
# per refill, bring every 2M region back present at 2M or larger with its
# old attribute bits, and give MemFree back within the runner's slack.
# page is expected to split: its figures are printed beside range's, and
# only its pages coming back present is checked (its page-table pages are
# never freed by 6.1).
#
# With -cpu max the VM maps RAM with 1G pages where it can (here only
# 1-2 GiB). So that the workload is likely to meet one (the page allocator
# tends to hand out high memory first, which here is 2M-mapped), all free
# memory but UM_TEST_LOW_MB (1280) MiB is set aside as huge pages first.
# The first block taken inside a 1G mapping splits it into 2M entries (a
# level-3 split, which 6.1 never undoes): that is reported, not failed.
# Which memory the allocator hands out is not under our control; every
# region touched is checked whatever its mapping was.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

mb=${UM_TEST_MB:-256}
want_pages=$((mb * 256))

ksft_plan 17
hugepages=/proc/sys/vm/nr_hugepages
cleanup() {
	echo 0 > $hugepages
	ut_unload
}
trap cleanup EXIT
um_unload || ksft_exit_fail "cannot unload unmapped.ko"
ut_need

# run BACKEND - one cycle; sets a_* (alloc), f_* (free), s_* (shrink),
# c_* (compare after unload) and refills.
run() {
	drop_caches
	ut_cmd dm_snapshot
	w0=$(vmstat direct_map_level2_splits)
	m0=$w0
	um_load backend="$1" || return 1
	ml2=$(($(vmstat direct_map_level2_splits) - m0))
	ml2_load=$ml2
	r0=$(um_stat refills) d0=$(um_stat refill_1g_directed)
	ut_cmd alloc mb="$mb" lo=0 hi=9 || return 1
	a_pages=$(ut_key pages) a_present=$(ut_key present_pages)
	a_ipis=$(ut_key call_ipis) a_fipis=$(ut_key flush_ipis)
	a_l2=$(ut_key splits_l2) a_l3=$(ut_key splits_l3)
	a_ns=$(ut_key ns) a_2m=$(ut_key dm_pages_2m) a_4k=$(ut_key dm_pages_4k)
	a_split=$(ut_key touched_split)
	refills=$(($(um_stat refills) - r0)) directed=$(($(um_stat refill_1g_directed) - d0))
	ut_cmd free || return 1
	f_ipis=$(ut_key call_ipis) f_l2=$(ut_key splits_l2)
	# Frees above max_cached_mb go back by a deferred trim: let it finish.
	um_wait_free_below $(($(cat $UM_PARAMS/max_cached_mb) * 256))
	ut_cmd counters
	s_ipis0=$(ut_key call_ipis) s_l20=$(ut_key splits_l2)
	drop_caches
	ut_cmd counters
	s_ipis=$(($(ut_key call_ipis) - s_ipis0)) s_l2=$(($(ut_key splits_l2) - s_l20))
	s_cached=$(um_stat pages_cached)
	cache_l2=$(um_stat splits_l2)
	m0=$(vmstat direct_map_level2_splits)
	um_unload || return 1
	ml2=$((ml2 + $(vmstat direct_map_level2_splits) - m0))
	ut_cmd dm_compare
	others_l2=$(($(vmstat direct_map_level2_splits) - w0 - cache_l2))
	c_np=$(ut_key not_present) c_l2=$(ut_key level2_split)
	c_l3=$(ut_key level3_split) c_flags=$(ut_key flags_changed)
	c_touched=$(ut_key touched) c_ok=$(ut_key touched_ok)
	c_other=$(ut_key untouched_changed)
	echo "$ut_out" | grep '^diff' | sed 's/^/# /'
	return 0
}

drop_caches
aside=$((($(memfree_kb) / 1024 - ${UM_TEST_LOW_MB:-1280}) / 2))
[ $aside -gt 0 ] && echo $aside > $hugepages
ksft_diag "set aside $(cat $hugepages) 2M huge pages"
mf0=$(memfree_kb)
if ! run range; then
	ksft_exit_fail "range cycle could not run: $ut_out"
fi
mf1=$(memfree_kb)
r_refills=$refills r_ipis=$a_ipis r_fl=$a_fipis r_l2=$a_l2 r_l3=$a_l3 r_ns=$a_ns r_ml2_load=$ml2_load
r_fipis=$f_ipis r_sipis=$s_ipis r_sl2=$s_l2 r_cl2=$c_l2 r_cl3=$c_l3 r_ol2=$others_l2
r_pages=$a_pages
ksft_cmp "range: allocated at least $mb MiB" "$a_pages" -ge "$want_pages"
ksft_cmp "range: every page absent from the direct map" "$a_present" -eq 0
# direct_map_level2_splits counts what any code splits meanwhile (the
# test module waits for the init-section frees of the modules just loaded
# before it starts counting); touched_split only what lies under our blocks,
# so when the first fails alone, the split was not ours.
ksft_cmp "range: direct_map_level2_splits delta 0 while allocating" "$a_l2" -eq 0
# A region the insmod split (module code, its init sections freed since)
# can hold a block later: already 4K, it costs no split, and stays 4K.
# With no split at all while allocating (above), a 4K region under a block
# can only be one of those.
ksft_cmp "range: no 2M mapping under the blocks split while allocating (4K ones under them: split by the insmod)" \
	"$a_split" -le "$r_ml2_load"
# The design: one set_memory_np() per refilled block (or per batch), whose
# one flush is one IPI to each other CPU; a few more for vm_unmap_aliases()
# when lazy vmap areas are pending and the kernel's own flushes meanwhile
# (measured: 1 to 3 in a cycle of 129 refills on 6.1 and 6.12). Counted
# exactly (flush_ipis: kernel TLB flushes run by an IPI): the call IPIs
# beside them also count expedited RCU grace periods and the drains of
# every CPU's lists that a block keep_1g takes by address costs
# (alloc_contig_range()), and the scheduler's idle-balance kicks, which
# grow with the run's length (a 6.12 run of 10 s had 594 for 65 refills).
cpus=$(grep -c '^processor' /proc/cpuinfo)
ksft_diag "range: $refills refills, $directed of them blocks taken by address (keep_1g); $a_fipis kernel-flush IPIs, $a_ipis call IPIs in all"
ksft_cmp "range: one flush per refill: kernel-flush IPIs at most (refills + 4) x other CPUs" \
	"$a_fipis" -le $(((refills + 4) * (cpus - 1)))
ksft_cmp "range: no 2M split while freeing and shrinking" "$((f_l2 + s_l2))" -eq 0
ksft_cmp "range: cache empty after drop_caches" "$s_cached" -eq 0
ksft_cmp "range: every 2M region present again after unload" "$c_np" -eq 0
ksft_cmp "range: every touched region back at 2M+ with its bits, but those the insmod split" \
	"$c_ok" -eq $((c_touched - a_split))
ksft_cmp "range: the cache's own direct-map calls split no 2M mapping" "$cache_l2" -eq 0
# Loading a module splits the 2M regions holding its code: set_memory_ro/x
# on module pages changes their direct-map alias too, and so does freeing
# its init sections (from a work item, after insmod returned). Every other
# region that changed must be one of those splits.
ksft_cmp "range: regions split to 4K only by others (module code)" "$c_l2" -le "$others_l2"
ksft_cmp "range: other regions changed only by those splits" "$c_other" -le "$others_l2"
ksft_diag "range: $c_touched 2M regions touched; $a_l3 1G mappings split into 2M entries ($c_l3 regions now 2M that were inside one; 6.1 never merges them back); $others_l2 2M splits by others during the cycle ($ml2 inside insmod/rmmod)"
delta=$((mf0 - mf1))
[ $delta -lt 0 ] && delta=$((-delta))
ksft_cmp "range: MemFree back within the runner's slack of before insmod (kB off)" "$delta" -le "${UM_FREE_SLACK_KB:-512}"

if ! run page; then
	ksft_fail "page cycle could not run: $ut_out"
else
	ksft_cmp "page: allocated at least $mb MiB" "$a_pages" -ge "$want_pages"
	ksft_cmp "page: every page absent from the direct map" "$a_present" -eq 0
	ksft_cmp "page: cache empty after drop_caches" "$s_cached" -eq 0
	ksft_cmp "page: every page present again after unload" "$c_np" -eq 0
fi

ksft_diag ""
fmt='%-8s %8s %8s %10s %10s %10s %10s %10s %12s %10s %10s'
ksft_diag "$(printf "$fmt" backend pages refills alloc_ipis flush_ipis fl/refill alloc_l2 alloc_l3 ns/page free_ipis shrink_ipi)"
ksft_diag "$(printf "$fmt" range "$r_pages" "$r_refills" "$r_ipis" "$r_fl" \
	"$((r_fl / (r_refills ? r_refills : 1)))" "$r_l2" "$r_l3" "$((r_ns / r_pages))" "$r_fipis" "$r_sipis")"
ksft_diag "$(printf "$fmt" page "$a_pages" "$refills" "$a_ipis" "$a_fipis" \
	"$((a_fipis / (refills ? refills : 1)))" "$a_l2" "$a_l3" "$((a_ns / (a_pages ? a_pages : 1)))" "$f_ipis" "$s_ipis")"
ksft_diag "after unload: range left $r_cl2 regions split to 4K ($r_ol2 splits by others) and $r_cl3 at 2M that were in a 1G mapping; page left $c_l2 split to 4K ($others_l2 by others, $cache_l2 by the cache), $c_l3 at 2M that were 1G, $c_flags with changed bits (page restores lose _PAGE_GLOBAL)"
ksft_diag "ns/page includes QEMU's first touch of guest RAM for range (run first): compare IPIs and splits, not times"
ksft_diag "MemFree before insmod $mf0 kB, after range unload $mf1 kB"
ksft_exit
