#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# netlink_stats - the generic netlink statistics agree with debugfs field
# for field: after a workload (regions allocated and freed, one held),
# `unmappedctl stats --json --source netlink` has the names of
# /sys/kernel/debug/unmapped/stats in the same order with the same values,
# and the pagetypeinfo table built from the per-node dump is debugfs's,
# byte for byte.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

out=/tmp/netlink_stats
ksft_plan 7
holder=""
cleanup() {
	[ -n "$holder" ] && kill -INT "$holder" 2> /dev/null && wait "$holder"
}
trap cleanup EXIT
um_need
ctl_need
[ -r "$UM_DEBUGFS/stats" ] || ksft_exit_fail "no $UM_DEBUGFS/stats"

# Workload: blocks of several orders in and out, and 4 MiB held meanwhile.
unmappedctl alloc --size 16M > /dev/null &&
	unmappedctl alloc --order 3 > /dev/null &&
	unmappedctl alloc --order 10 > /dev/null
ksft_check "workload ran" test $? -eq 0
unmappedctl alloc --size 4M --hold 60 > $out.hold 2>&1 &
holder=$!
for i in $(seq 100); do grep -q '^holding' $out.hold && break; sleep 0.1; done

# "name value" lines from the JSON object of unmappedctl.
json_lines() {
	sed -n 's/^  "\([a-z0-9_]*\)": "\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}$/\1 \2/p' "$1"
}

# Both sides while nothing moves: debugfs before and after must agree.
stable=no
for i in 1 2 3 4 5; do
	cat "$UM_DEBUGFS/stats" > $out.d1
	unmappedctl stats --json --source netlink > $out.json || break
	cat "$UM_DEBUGFS/stats" > $out.d2
	cmp -s $out.d1 $out.d2 && stable=yes && break
	sleep 0.2
done
ksft_check "stats --json --source netlink exits 0 (counters steady: $stable)" test -s $out.json
json_lines $out.json > $out.nl
n=$(wc -l < $out.d1)
ksft_cmp "as many fields as debugfs" "$(wc -l < $out.nl)" -eq "$n"
cut -d' ' -f1 $out.d1 > $out.names.d
cut -d' ' -f1 $out.nl > $out.names.nl
ksft_check "same names in the same order" cmp -s $out.names.d $out.names.nl
if cmp -s $out.d1 $out.nl; then
	ksft_ok "same values, field for field ($n fields)"
else
	ksft_fail "same values, field for field"
	diff $out.d1 $out.nl | head -n 20 | sed 's/^/# /'
fi
ksft_cmp "the held region is counted (pages_in_use)" "$(awk '$1 == "pages_in_use" { print $2 }' $out.nl)" -eq 1024

unmappedctl pagetypeinfo --source netlink > $out.pti
if cmp -s "$UM_DEBUGFS/pagetypeinfo" $out.pti; then
	ksft_ok "pagetypeinfo from the per-node dump is debugfs's table"
else
	ksft_fail "pagetypeinfo from the per-node dump is debugfs's table"
	diff "$UM_DEBUGFS/pagetypeinfo" $out.pti | head -n 20 | sed 's/^/# /'
fi
ksft_diag "nodes: $(grep -c '^Node .*Free' $out.pti)"
grep -E '^(allocs|refills|releases|pages_in_use|dm_calls|tlb_flushes|splits_l2|events_queued) ' $out.nl |
	sed 's/^/# /'
ksft_exit
