#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scrub - pages given back are zeroed before anyone gets them again, while
# they are out of the direct map, and what that costs.
#
# unmapped_test writes a pattern into 8 order-9 blocks through a private
# vmap() alias, frees them and allocates again: the blocks it gets back
# (the same ones) must read all zero. Then it times alloc+free of a dirty
# order-9 block with and without __GFP_UNMAPPED_NOZERO: the difference is
# the scrub, printed per page beside clear_page() through the direct map.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

blocks=8
ksft_plan 5
trap ut_unload EXIT
um_need
ut_need

s0=$(um_stat scrubbed_pages)
if ut_cmd scrub_verify blocks=$blocks; then
	ksft_cmp "pattern written to every byte" "$(ut_key dirty_bytes_seen)" -eq $((blocks * 2097152))
	ksft_cmp "the dirty blocks were handed out again" "$(ut_key reused_blocks)" -ge 1
	ksft_cmp "no byte of them survived" "$(ut_key nonzero_bytes)" -eq 0
	ksft_cmp "the core counted the scrubbed pages" "$(($(um_stat scrubbed_pages) - s0))" -ge $((blocks * 512))
else
	ksft_fail "scrub_verify: $ut_out"
	ksft_fail "scrub_verify: reuse"
	ksft_fail "scrub_verify: zero"
	ksft_fail "scrub_verify: counted"
fi
if ut_cmd scrub_bench rounds=${UM_SCRUB_ROUNDS:-20}; then
	ksft_ok "scrub_bench ran"
	ksft_diag "best of $(ut_key rounds): alloc+free of a dirty order-9 block $(ut_key zero_cycle_ns) ns zeroing, $(ut_key nozero_cycle_ns) ns with NOZERO"
	ksft_diag "scrub through the per-CPU window: $(ut_key scrub_ns_per_page) ns/page; clear_page through the direct map: $(ut_key direct_clear_ns_per_page) ns/page ($(ut_key scrub_vs_direct_pct)%)"
else
	ksft_fail "scrub_bench: $ut_out"
fi
ksft_exit
