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
# 2M refills, each with its own flush: 4 MiB ones (6.1, 6.12) halve the
# prefill's time, and then it was done before the first look in all four
# attempts of a CI run on 6.12.
um_one_block_refills
mkdir -p $run

echo 0 > $UM_PARAMS/max_cached_mb
# attempt - one prefill of $mb MiB from nothing; reads a parameter while it
# runs. Sets started, read_mb, free_after_read, written, free_after_write.
attempt() {
	drop_caches
	rm -f $run/written
	(echo $mb > $UM_PARAMS/prefill_mb; touch $run/written) &
	writer=$!
	# Until the prefill is under way (with the write still in it, before).
	um_wait_stat pages_free -gt 0 60
	started=$(um_stat pages_free)
	read_mb=$(cat $UM_PARAMS/min_cached_mb)
	free_after_read=$(um_stat pages_free)
	t=100
	while [ ! -e $run/written ] && [ $t -gt 0 ]; do
		usleep 10000
		t=$((t - 1))
	done
	written=no
	[ -e $run/written ] && written=yes
	free_after_write=$(um_stat pages_free)
	wait $writer
}
# A host that stops the VM's shell for seconds (CI runs two VMs on two
# cores) can let the whole prefill finish before a check looks: such an
# attempt shows nothing either way and is made again, up to 4 times. A read
# or write that waits for the prefill never catches it mid-way, so it fails.
tries=0
while [ $tries -lt 4 ]; do
	tries=$((tries + 1))
	attempt
	[ "$free_after_read" -lt $target ] && [ "$free_after_write" -lt $target ] && break
	ksft_diag "attempt $tries: the prefill was done before a check (started at $started, then $free_after_read, $free_after_write of $target pages); again"
	echo 0 > $UM_PARAMS/prefill_mb
done
ksft_cmp "the prefill started" "$started" -gt 0
ksft_cmp "another parameter was read" "${read_mb:-x}" -eq 0
ksft_cmp "before the prefill was done (free pages after the read, of $target; attempt $tries)" \
	"$free_after_read" -lt $target
ksft_check "the write of prefill_mb returned" test $written = yes
ksft_cmp "before the prefill was done (free pages when it returned)" \
	"$free_after_write" -lt $target
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
