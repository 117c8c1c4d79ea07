#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# bench_smoke - a short run of the benchmark (make bench runs the full one):
# the range backend through the in-kernel API and through /dev/unmapped, every
# workload, small sizes. Fails on any level-2 direct-map split.
. "$(dirname "$0")/../ksft.sh"

grep -q '^unmapped ' /proc/modules || ksft_exit_fail "unmapped.ko is not loaded"
insmod "$UM_MODDIR/unmapped_bench.ko" || ksft_exit_fail "cannot load unmapped_bench.ko"
# unmapped_bench holds unmapped.ko's symbols: let the runner unload it after.
trap 'rmmod unmapped_bench' EXIT

ksft_plan 2
for p in "kernel-unmapped range" "user-unmapped range-user"; do
	set -- $p
	out=/tmp/bench_smoke.$2
	um-bench -p "$1" -l "$2" -n 512 -i 2 --steps 128 --max-l2-splits 0 > $out 2>&1
	rc=$?
	sed 's/^/# /' $out
	if [ $rc -eq 0 ]; then
		ksft_ok "$2: every workload, no level-2 split"
	else
		ksft_fail "$2: $(grep -c '^not ok' $out) workload(s) failed"
	fi
done
ksft_exit
