#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hibernate - hibernation never copies the cache's pages into an image.
#
# With a /dev/unmapped region and an in-kernel block held, "echo disk >
# /sys/power/state" must fail with EBUSY before anything is frozen or
# copied (no "Freezing", no "Creating image" in the log), saying why, and
# leave the kernel, the cache and both blocks' contents as they were.
# With nothing held, the module empties its cache first (pages_cached 0
# afterwards) and lets hibernation go on: the VM has no swap, so it stops
# only after the image was created, at writing it ("Cannot find swap
# device", ENODEV). Afterwards the cache works again and refills to
# prefill_mb. 7.x logs "Image created" as a PM debug message only, so
# pm_debug_messages is on during the test.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

run=/tmp/hibernate
ksft_plan 20
dbg=/sys/power/pm_debug_messages
dbg0=$(cat $dbg 2> /dev/null)
cleanup() {
	[ -n "${ctl:-}" ] && kill "$ctl" 2> /dev/null && wait "$ctl"
	ut_cmd release 2> /dev/null
	ut_unload
	[ -n "$dbg0" ] && echo "$dbg0" > $dbg
}
trap cleanup EXIT
um_need
grep -qw disk /sys/power/state 2> /dev/null ||
	ksft_exit_skip "kernel without hibernation (no 'disk' in /sys/power/state)"
# With swap the hibernation of the "nothing held" case would really happen.
[ "$(grep -vc '^Filename' /proc/swaps)" -eq 0 ] ||
	ksft_exit_skip "swap is on: this test needs hibernation to fail at writing the image"
ctl_need
ut_need
mkdir -p $run
[ -n "$dbg0" ] && echo 1 > $dbg

# hibernate NAME - try it; $hib_rc, $hib_err (the shell's message) and
# $run/NAME.log (the kernel log since) say what happened.
hibernate() {
	mark="hibernate: $1 $$"
	echo "$mark" > /dev/kmsg
	hib_err=$( (echo disk > /sys/power/state) 2>&1 )
	hib_rc=$?
	dmesg | sed -n "\|$mark|,\$p" > $run/$1.log
	sed 's/^/# kernel: /' $run/$1.log | grep -E 'PM:|unmapped|Freezing|swap' | head -n 12
}
logged() { grep -q "$2" $run/$1.log; }

# --- held: refused ---------------------------------------------------------
unmappedctl alloc --size 4M --fill 0x5a --hold 600 > $run/ctl.out 2>&1 &
ctl=$!
t=300
until grep -q '^holding' $run/ctl.out || [ $t -le 0 ]; do
	usleep 100000
	t=$((t - 1))
done
ut_cmd hold order=9
ut_cmd fill
in_use=$(um_stat pages_in_use) cached=$(um_stat pages_cached)
ksft_cmp "a region and a block are held (pages_in_use)" "$in_use" -eq 1536

hibernate held
ksft_check "refused with EBUSY (rc $hib_rc: $hib_err)" \
	test "$hib_rc" -ne 0 -a -n "$(echo "$hib_err" | grep 'Device or resource busy')"
ksft_check "the module says why" logged held "unmapped: hibernation refused: $in_use pages are handed out"
ksft_check "refused before anything was frozen (no 'Freezing')" eval "! logged held Freezing"
ksft_check "no image was created" eval "! logged held 'Creating image'"
ksft_check "the kernel is alive and the test module answers" ut_cmd counters
ut_cmd nonzero
ksft_cmp "the in-kernel block still holds its data (non-zero bytes)" "$(ut_key nonzero_bytes)" -eq 2097152
ksft_cmp "nothing was given back (pages_cached)" "$(um_stat pages_cached)" -eq "$cached"
kill -TERM $ctl
wait $ctl
rc=$?
ctl=""
sed 's/^/# unmappedctl: /' $run/ctl.out | tail -n 3
ksft_check "the region still held its data when released (unmappedctl)" \
	test $rc -eq 0 -a -n "$(grep -x released $run/ctl.out)"
ut_cmd release
ksft_check "not frozen by the refusal: allocations work" \
	eval "unmappedctl alloc --size 2M > /dev/null"

# --- nothing held: emptied, hibernation goes on ---------------------------
echo 0 > $UM_PARAMS/prefill_mb
ut_cmd hold order=9 && ut_cmd release
ut_cmd hold order=10 && ut_cmd release
r0=$(um_stat release_pages)
ksft_cmp "nothing held, blocks cached (pages_cached)" "$(um_stat pages_cached)" -ge 1536
hibernate idle
ksft_cmp "the cache is empty afterwards (pages_cached)" "$(um_stat pages_cached)" -eq 0
ksft_cmp "and holds no block (blocks_cached)" "$(um_stat blocks_cached)" -eq 0
ksft_cmp "its pages went back to the page allocator (release_pages)" \
	"$(($(um_stat release_pages) - r0))" -ge 1536
ksft_check "the module emptied it before the freezer ran" \
	eval "sed -n '/unmapped: hibernation: cache emptied/,\$p' $run/idle.log | grep -q 'Freezing user space'"
ksft_check "hibernation went on to create the image" logged idle 'Image created'
ksft_check "and stopped at writing it: no swap (ENODEV: $hib_err)" \
	eval "logged idle 'Cannot find swap device' && echo '$hib_err' | grep -q 'No such device'"
ksft_check "thawed: allocations work again" ut_cmd hold order=9
ut_cmd release

# --- thawed, the prefill comes back ----------------------------------------
um_prefill 4
hibernate prefill
ksft_check "prefill_mb: emptied for hibernation too" logged prefill "unmapped: hibernation: cache emptied"
ksft_check "and filled again after it" um_wait_stat pages_free -ge 1024 60
echo 0 > $UM_PARAMS/prefill_mb
ksft_exit
