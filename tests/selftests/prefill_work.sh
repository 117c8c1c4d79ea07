#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# prefill_work - raising prefill_mb fills the cache from a work item: the
# write returns at once, and the module's other parameters can be read
# while a long prefill (2 GiB: many seconds of page allocation under TCG,
# so that a busy host cannot let it finish before the read) is
# still running, rather than waiting for kernel_param_lock, which every
# parameter read and write of the module takes. The prefill still
# completes, and unloading in the middle of one waits for it and gives
# every page back.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

mb=2048
target=$((mb * 256))
run=/tmp/prefill_work
ksft_plan 8
um_need
mkdir -p $run
rm -f $run/written

echo 0 > $UM_PARAMS/max_cached_mb
drop_caches
(echo $mb > $UM_PARAMS/prefill_mb; touch $run/written) &
writer=$!
# Until the prefill is under way (with the write still in it, before).
um_wait_stat pages_free -gt 0 60
ksft_cmp "the prefill started" "$(um_stat pages_free)" -gt 0
read_mb=$(cat $UM_PARAMS/min_cached_mb)
free_after_read=$(um_stat pages_free)
ksft_cmp "another parameter was read" "${read_mb:-x}" -eq 0
ksft_cmp "before the prefill was done (free pages after the read, of $target)" \
	"$free_after_read" -lt $target
t=100
while [ ! -e $run/written ] && [ $t -gt 0 ]; do
	usleep 10000
	t=$((t - 1))
done
free_after_write=$(um_stat pages_free)
ksft_check "the write of prefill_mb returned" test -e $run/written
ksft_cmp "before the prefill was done (free pages when it returned)" \
	"$free_after_write" -lt $target
wait $writer
ksft_check "the prefill completes in the background" um_prefill $mb 300

# Unload in the middle of a prefill: it is waited for, nothing is lost.
echo 0 > $UM_PARAMS/prefill_mb
drop_caches
mark="prefill_work: unload $$"
echo "$mark" > /dev/kmsg
echo $mb > $UM_PARAMS/prefill_mb
usleep 300000
ksft_check "rmmod during a prefill succeeds" rmmod unmapped
lost=$(dmesg | sed -n "\|$mark|,\$p" | grep 'unmapped: unload:' | head -n 3)
[ -n "$lost" ] && echo "$lost" | sed 's/^/# kernel: /'
ksft_check "and gives every page back (no 'unload:' report)" test -z "$lost"
# The runner unloads it after the test and checks the accounting.
insmod "$UM_MODULE"
ksft_exit
