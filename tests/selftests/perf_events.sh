#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# perf_events - doc/observing.md's perf one-liners on the unmapped:* tracepoints:
# `perf stat` counts exactly what the module's own counters count, and
# `perf record` + `perf script` show the events with their fields.
#
# perf (Debian's linux-perf) is not in the base VM image; tools/check adds
# it (tools/vm/run --add-program /usr/bin/perf). Without it this SKIPs.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

out=/tmp/perf_events
command -v perf > /dev/null || ksft_exit_skip "no perf in the VM (tools/vm/run --add-program /usr/bin/perf)"
um_need
um_one_block_refills || ksft_exit_fail "cannot set refill_batch_max"
[ -d /sys/kernel/tracing/events/unmapped ] || ksft_exit_fail "no tracefs events/unmapped"
ksft_plan 9
trap 'rm -f $out.*' EXIT

# perf stat, system-wide, around a workload that refills, frees and shrinks.
drop_caches
for k in allocs frees refills shrink_calls; do eval "${k}0=\$(um_stat $k)"; done
perf stat -x, -o $out.stat -e 'unmapped:*' -a -- \
	sh -c 'unmappedctl alloc --size 8M > /dev/null && echo 2 > /proc/sys/vm/drop_caches'
ksft_cmp "perf stat -e 'unmapped:*' -a ran" "$?" -eq 0
sed 's/^/# /' $out.stat
# -x, lines: value,unit,event,...
count() { awk -F, -v e="unmapped:$1" '$3 == e { print $1 }' $out.stat; }
delta() { eval "echo \$(( \$(um_stat $1) - \${${1}0} ))"; }
ksft_cmp "unmapped:refill counted as the refills counter ($(delta refills))" "$(count refill)" -eq "$(delta refills)"
ksft_cmp "unmapped:alloc counted as the allocs counter ($(delta allocs))" "$(count alloc)" -eq "$(delta allocs)"
ksft_cmp "unmapped:free counted as the frees counter ($(delta frees))" "$(count free)" -eq "$(delta frees)"
ksft_cmp "unmapped:shrink counted as the shrink_calls counter ($(delta shrink_calls))" "$(count shrink)" -eq "$(delta shrink_calls)"
ksft_cmp "the workload refilled" "$(delta refills)" -gt 0

# perf record + perf script: the events with their fields, in order. -N:
# no copies of the binaries in ~/.debug (RAM here, counted as lost).
drop_caches
perf record -q -N -o $out.data -e unmapped:refill -e unmapped:alloc -a -- \
	unmappedctl alloc --order 9 > /dev/null 2>&1
ksft_cmp "perf record -e unmapped:refill -e unmapped:alloc -a ran" "$?" -eq 0
perf script -i $out.data > $out.script 2> /dev/null
head -n 4 $out.script | sed 's/^/# /'
pfn=$(sed -n 's/.*unmapped:refill: nid=0 order=9 pfn=\(0x[0-9a-f]*\) pages=512 backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=[0-9]* duration_ns=[1-9][0-9]*$/\1/p' $out.script | head -n 1)
ksft_check "perf script shows the refill with its cost and time" test -n "$pfn"
ksft_check "... and the alloc of that very block" grep -qE "unmapped:alloc: nid=0 order=9 pfn=${pfn:-none} backend=range" $out.script
ksft_exit
