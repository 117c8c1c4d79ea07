#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fault_scrub - zeroing unmapped pages fails (fault/scrub): an allocation
# that needs a scrub fails cleanly and is undone (counters included), the
# dirty block is zeroed when handed out later; a release keeps its chunk,
# still unmapped, until a later shrink; /dev/unmapped ALLOC of dirty memory
# fails with ENOMEM, then gets zeroed memory once disarmed; and GFP_ATOMIC
# rounds end cleanly.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
. "$(dirname "$0")/../fault.sh"

ksft_plan 19
fault_start

ut_cmd hold order=9
spfn=$(ut_key pfn)
ut_cmd fill
ut_cmd release
snap
arm scrub 1
if ut_cmd hold order=9; then
	ksft_fail "scrub: an allocation that needs a scrub fails cleanly"
	ut_cmd release
else
	ksft_ok "scrub: an allocation that needs a scrub fails cleanly"
fi
ksft_cmp "scrub: the allocation is undone (allocs)" "$(d allocs)" -eq 0
ksft_cmp "scrub: nothing counted as scrubbed" "$(d scrubbed_pages)" -eq 0
ksft_cmp "scrub: nothing in use" "$(um_stat pages_in_use)" -eq 0
ksft_cmp "scrub: counted as an allocation failure" "$(d alloc_failures)" -eq 1
consistent "scrub, allocation"
ut_cmd hold order=9
ksft_check "scrub: disarmed, the same block is handed out" test "$(ut_key pfn)" = "$spfn"
ut_cmd nonzero
ksft_cmp "scrub: and it was zeroed (non-zero bytes)" "$(ut_key nonzero_bytes)" -eq 0
ut_cmd fill
ut_cmd release

# drop_caches calls the shrinker again while other caches shrink: keep
# failing until disarmed.
snap
arm scrub 1 -1
drop_caches
disarm scrub
ksft_cmp "scrub in a release: the block is not released" "$(d releases)" -eq 0
ksft_cmp "scrub in a release: it stays cached, still unmapped" "$(present "$spfn" 512)" -eq 0
ksft_cmp "scrub in a release: nothing leaked" "$(d leaked_pages)" -eq 0
consistent "scrub, release"
drop_caches
ksft_cmp "scrub in a release: disarmed, released at the next shrink" "$(present "$spfn" 512)" -eq 512

ctl 0 --size 2M --fill 0x66
arm scrub 1 -1
ksft_check "scrub: /dev/unmapped ALLOC of dirty memory fails with ENOMEM" \
	eval "ctl 1 --size 2M && grep -q 'Cannot allocate memory' /tmp/fault.ctl"
disarm scrub
ksft_check "scrub: disarmed, ALLOC gets zeroed memory" \
	eval "ctl 0 --size 2M --fill 0x77 && grep -q 'arrived zeroed' /tmp/fault.ctl"
ksft_cmp "scrub: nothing in use at the end" "$(um_stat pages_in_use)" -eq 0
consistent "scrub, user path"

# Last: once a node has served an atomic allocation, dirty free pages are
# zeroed in the background, and the cases above could find them clean.
ut_cmd hold order=9
ut_cmd release
ut_cmd atomic rounds=16
arm scrub 1 -1
ut_cmd atomic rounds=16
disarm scrub
ksft_check "scrub in atomic context: every round ends, none mapped" \
	test "$(($(ut_key ok) + $(ut_key failed)))" -eq 16 -a "$(ut_key present_pages)" -eq 0
consistent "scrub, atomic"
fault_end
