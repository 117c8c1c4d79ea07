#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kapi_misuse - every wrong use of the in-kernel API is refused, counted,
# reported once in the kernel log naming the caller, and changes nothing
# in the cache: foreign page, a pointer to no memory at all, double free,
# wrong order, a tail page of a block, order too large, bad node, GFP
# flags the cache cannot honour, freeing NULL. No WARN (the runner fails
# the test on one).
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 29
trap ut_unload EXIT
um_need
ut_need

# Everything that must not move when a call is refused.
state() {
	for k in pages_cached pages_in_use pages_free allocs alloc_pages frees \
		 free_pages refills releases blocks_cached dm_calls; do
		printf '%s=%s ' "$k" "$(um_stat "$k")"
	done
}

# misuse CASE PATTERN COUNTER DELTA [COUNTER DELTA] - run one case.
misuse() {
	name=$1 pattern=$2
	shift 2
	mark="kapi_misuse: $name $$"
	echo "$mark" > /dev/kmsg
	before=$(state)
	c1=$1 d1=$2 c2=${3:-} d2=${4:-}
	v1=$(um_stat "$c1")
	[ -n "$c2" ] && v2=$(um_stat "$c2")
	if ! ut_cmd misuse case="$name"; then
		ksft_fail "$name: test module refused the case: $ut_out"
		return
	fi
	ksft_cmp "$name: $c1 counted" "$(($(um_stat "$c1") - v1))" -eq "$d1"
	[ -n "$c2" ] && ksft_cmp "$name: $c2 counted" "$(($(um_stat "$c2") - v2))" -eq "$d2"
	after=$(state)
	if [ "$before" = "$after" ]; then
		ksft_ok "$name: cache unchanged"
	else
		ksft_fail "$name: cache changed"
		ksft_diag "before: $before"
		ksft_diag "after:  $after"
	fi
	line=$(dmesg | sed -n "\|$mark|,\$p" | grep -E "\[unmapped_test\]: .*$pattern" | head -n 1)
	if [ -n "$line" ]; then
		ksft_ok "$name: reported naming the caller"
		ksft_diag "$line"
	else
		ksft_fail "$name: no report naming unmapped_test matching '$pattern'"
	fi
}

misuse foreign "was not allocated here" bad_frees 1
misuse bogus "pfn 0x10000000000, order 0\): page was not allocated here" bad_frees 1

ut_cmd hold order=0 && ut_cmd release
misuse double "double free" bad_frees 1

ut_cmd hold order=3
misuse wrong_order "wrong order" bad_frees 2
misuse tail "not a block of that order" bad_frees 1
ut_cmd release

ut_cmd hold order=0
misuse order_too_large "order too large" alloc_failures 1 bad_frees 1
ut_cmd release

# Reports share one budget of 10 per 5 s (a buggy caller in a loop stays
# quiet); the cases above used it up.
sleep 5
misuse bad_node "no such node" alloc_failures 2
misuse bad_gfp "unsupported GFP flags" api_refused 2
misuse null "NULL" api_refused 1

ksft_cmp "nothing left in use" "$(um_stat pages_in_use)" -eq 0
ksft_exit
