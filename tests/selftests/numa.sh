#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# numa - one cache per NUMA node, on a guest with two nodes (tools/check
# boots one with `tools/vm/run --numa 2` for this test and sets
# UM_NUMA_NODES=2, so fewer nodes fail; by hand on one node it SKIPs).
#
# A block asked for on node N comes from node N's memory and is counted in
# node N's cache; an allocation on one node does not take another node's
# free blocks while its own node has memory; the user path honours
# --node/--this-node. When a node runs out, the in-kernel API falls back to
# another node and every block is counted on the node it lives on, while a
# --this-node request fails cleanly and leaves nothing behind. Shrinking
# empties every node.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

out=/tmp/numa
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2> /dev/null | wc -l)
# tools/check's two-node boot exists for this test and says so with
# UM_NUMA_NODES=2: there fewer nodes are a broken boot, a failure. Run by
# hand on one node, the test has nothing to run on and skips.
want=${UM_NUMA_NODES:-0}
[ "$nodes" -ge "$want" ] || ksft_exit_fail "booted for $want NUMA nodes, the guest has $nodes"
[ "$nodes" -ge 2 ] || ksft_exit_skip "one NUMA node: boot with tools/vm/run --numa 2"
[ -r /sys/devices/system/node/node1/meminfo ] || ksft_exit_fail "node 1 has no meminfo"
[ "$(awk '$3 == "MemTotal:" { print $4 }' /sys/devices/system/node/node1/meminfo)" -gt 0 ] ||
	ksft_exit_skip "node 1 has no memory (numa_memoryless tests that)"
um_need
ctl_need
ksft_plan 19
trap 'ut_cmd free; ut_unload' EXIT
ut_need

# node_pages NODE COLUMN - cached (3), in use (4) or free (5) pages of NODE
# in the "Pages per node" part of pagetypeinfo (netlink's, like debugfs's).
node_pages() {
	unmappedctl pagetypeinfo --source netlink |
		awk -v n="$1" -v c="$2" '/^Pages per node/ { t = 1; next }
					 t && $1 == "Node" && $2 == n { print $c }'
}
# node_free_mb NODE - MemFree of NODE in MiB.
node_free_mb() {
	awk '$3 == "MemFree:" { print int($4 / 1024) }' "/sys/devices/system/node/node$1/meminfo"
}
# node_span NODE - "START END" pfns of NODE from /proc/zoneinfo.
node_span() {
	awk -v n="$1" '$1 == "Node" { cur = ($2 == n ",") }
		cur && $1 == "spanned" { sp = $2 }
		cur && $1 == "start_pfn:" && sp > 0 {
			if (lo == "" || $2 < lo) lo = $2
			if ($2 + sp > hi) hi = $2 + sp }
		END { print lo, hi }' /proc/zoneinfo
}

unmappedctl info > $out.info
ksft_cmp "info reports every node" "$(awk '$1 == "nodes" { print $2 }' $out.info)" -eq "$nodes"
ksft_cmp "pagetypeinfo has a line per node" \
	"$(unmappedctl pagetypeinfo --source netlink | grep -c '^Node .*type *Free')" -eq "$nodes"

# In-kernel API on node 1.
ut_cmd dm_snapshot
ut_cmd alloc mb=64 node=1 || ksft_diag "alloc: $ut_out"
pages=$(ut_key pages)
ksft_cmp "API node=1: every block from node 1's memory" "$(ut_key wrong_node_blocks)" -eq 0
ksft_cmp "API node=1: all of it (64 MiB or a bit more) on node 1" "$(ut_key pages_node_1)" -eq "$pages"
ksft_cmp "API node=1: every page absent from the direct map" "$(ut_key present_pages)" -eq 0
ksft_diag "API node=1: $(ut_key touched_regions) 2M regions held blocks; 2M splits anywhere meanwhile: $(ut_key splits_l2)"
ksft_cmp "API node=1: no 2M mapping under the blocks split" "$(ut_key touched_split)" -eq 0
ksft_cmp "node 1's cache counts them in use" "$(node_pages 1 4)" -eq "$pages"
ksft_cmp "node 0's cache has none in use" "$(node_pages 0 4)" -eq 0
ut_cmd free
free1=$(node_pages 1 5)
ksft_cmp "node 1 keeps the freed blocks cached" "$free1" -gt 0

# Node 0 does not raid node 1's free cache.
ut_cmd alloc mb=8 node=0
ksft_cmp "API node=0 while node 1 has free blocks: all from node 0" "$(ut_key pages_node_0)" -eq "$(ut_key pages)"
ksft_cmp "node 1's free cache untouched" "$(node_pages 1 5)" -eq "$free1"
ut_cmd free

# User path.
span=$(node_span 1)
unmappedctl alloc --size 16M --node 1 --this-node > $out.alloc 2>&1
ksft_check "unmappedctl alloc --node 1 --this-node succeeds" grep -q "on node 1," $out.alloc
set -- $(sed -n 's/^page frames \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) .*/\1 \2/p' $out.alloc) $span
ksft_diag "region frames ${1:-?}-${2:-?}, node 1 spans pfn ${3:-?}-${4:-?}"
if [ $# -eq 4 ] && [ $(($1)) -ge "$3" ] && [ $(($2)) -lt "$4" ]; then
	ksft_ok "its page frames lie in node 1"
else
	ksft_fail "its page frames lie in node 1"
fi

# Node 1 runs out: the API falls back to node 0, counted where blocks live.
drop_caches
want=$(($(node_free_mb 1) + 128))
ksft_diag "node 1 has $(node_free_mb 1) MiB free, node 0 $(node_free_mb 0) MiB; asking node 1 for $want MiB"
ut_cmd alloc mb=$want lo=9 hi=9 node=1 || ksft_diag "alloc: $ut_out"
p0=$(ut_key pages_node_0) p1=$(ut_key pages_node_1)
ksft_diag "got $(ut_key pages) pages: $p1 on node 1, $p0 on node 0, $(ut_key failed) failed"
ksft_cmp "past node 1's memory: blocks from node 0 too" "$(ut_key wrong_node_blocks)" -gt 0
if [ "$(node_pages 0 4)" = "$p0" ] && [ "$(node_pages 1 4)" = "$p1" ]; then
	ksft_ok "each node's cache counts the blocks that live on it"
else
	ksft_fail "each node's cache counts the blocks that live on it (node 0 $(node_pages 0 4) vs $p0, node 1 $(node_pages 1 4) vs $p1)"
fi
ut_cmd free

# --this-node past node 1's memory fails and leaves nothing in use.
drop_caches
want=$(($(node_free_mb 1) + 64))
unmappedctl alloc --size ${want}M --node 1 --this-node > $out.big 2>&1
rc=$?
ksft_diag "$(tail -n 1 $out.big)"
ksft_cmp "--this-node past node 1's memory fails (exit 1)" "$rc" -eq 1
ksft_check "... with ENOMEM's message" grep -q "Cannot allocate memory" $out.big
ksft_cmp "... and leaves no page in use" "$(um_stat pages_in_use)" -eq 0

drop_caches
ksft_cmp "drop_caches empties every node's cache" \
	"$(unmappedctl pagetypeinfo --source netlink | awk '/^Pages per node/ { t = 1; next } t && $1 == "Node" { n += $3 } END { print n + 0 }')" -eq 0
ksft_exit
