#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# numa_memoryless - a CPU on a NUMA node without memory (tools/vm/run
# --numa 2 --memoryless gives one; elsewhere the test SKIPs, but fails
# under UM_NUMA_MEMORYLESS=1, tools/check's boot made for it). "The
# caller's node" (ALLOC with node -1, the in-kernel API's NUMA_NO_NODE) is
# then the nearest node with memory, also for THISNODE requests: they
# succeed, from that node, and nothing is asked of the memoryless node.
# On x86 numa_mem_id() is the CPU's own node, memory or not.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

out=/tmp/memoryless
node="" cpu=""
for d in /sys/devices/system/node/node[0-9]*; do
	[ -r "$d/meminfo" ] || continue
	kb=$(awk '$3 == "MemTotal:" { print $4 }' "$d/meminfo")
	cpus=$(cat "$d/cpulist")
	if [ "${kb:-1}" -eq 0 ] && [ -n "$cpus" ]; then
		node=${d##*/node} cpu=${cpus%%[,-]*}
		break
	fi
done
[ -n "$node" ] || [ "${UM_NUMA_MEMORYLESS:-0}" != 1 ] ||
	ksft_exit_fail "booted with a memoryless node, the guest has none"
[ -n "$node" ] || ksft_exit_skip "no NUMA node with a CPU and no memory: boot with tools/vm/run --numa 2 --memoryless"
command -v taskset > /dev/null || ksft_exit_fail "no taskset in the VM image"
ctl_need
um_need

# The nearest node with memory, by the distances the firmware gave.
near=$(awk -v self="$node" '{ for (i = 1; i <= NF; i++) print i - 1, $i }' \
	"/sys/devices/system/node/node$node/distance" | while read -r n dist; do
		kb=$(awk '$3 == "MemTotal:" { print $4 }' "/sys/devices/system/node/node$n/meminfo")
		[ "${kb:-0}" -gt 0 ] && echo "$dist $n"
	done | sort -n | awk 'NR == 1 { print $2 }')
ksft_plan 10
trap 'ut_cmd free; ut_unload' EXIT
ut_need
ksft_diag "CPU $cpu is on node $node, which has no memory; the nearest node with memory is $near"

# node_pages NODE COLUMN - cached (3) or in-use (4) pages of NODE's cache.
node_pages() {
	unmappedctl pagetypeinfo --source netlink |
		awk -v n="$1" -v c="$2" '/^Pages per node/ { t = 1; next }
					 t && $1 == "Node" && $2 == n { print $c }'
}
on_cpu() { taskset -c "$cpu" "$@"; }

ksft_cmp "taskset runs us on CPU $cpu" "$(on_cpu awk '{ print $39 }' /proc/self/stat)" -eq "$cpu"
mark="numa_memoryless: start $$"
echo "$mark" > /dev/kmsg

on_cpu unmappedctl alloc --size 4M --this-node > $out.thisnode 2>&1
rc=$?
ksft_diag "$(head -n 1 $out.thisnode)"
ksft_cmp "ALLOC node -1 with THISNODE on that CPU succeeds" "$rc" -eq 0
ksft_check "... from node $near" grep -q "on node $near," $out.thisnode

on_cpu unmappedctl alloc --size 4M > $out.any 2>&1
ksft_check "ALLOC node -1 without THISNODE: from node $near" grep -q "on node $near," $out.any

unmappedctl alloc --size 4M --node "$node" > $out.bad 2>&1
ksft_check "ALLOC on node $node itself is refused (EINVAL: no memory)" grep -q "Invalid argument" $out.bad

# In-kernel API, NUMA_NO_NODE with __GFP_THISNODE, written from that CPU.
on_cpu sh -c "echo 'alloc mb=4 lo=0 hi=9 thisnode=1' > $UT_DEBUGFS/cmd" 2> /dev/null
ut_out=$(cat "$UT_DEBUGFS/cmd")
ksft_diag "API: $(echo "$ut_out" | grep -E '^(error|blocks|pages|failed|pages_node)' | tr '\n' ' ')"
ksft_cmp "API NUMA_NO_NODE + __GFP_THISNODE on that CPU: no failure" "$(ut_key failed)" -eq 0
ksft_cmp "... all 4 MiB from node $near" "$(ut_key "pages_node_$near")" -eq 1024
ksft_cmp "node $node's cache holds nothing" "$(node_pages "$node" 3)" -eq 0
ut_cmd free

ksft_cmp "no API misuse reported (\"no such node with memory\")" \
	"$(dmesg | sed -n "\|$mark|,\$p" | grep -c 'no such node with memory')" -eq 0
ksft_cmp "pages back" "$(um_stat pages_in_use)" -eq 0
ksft_exit
