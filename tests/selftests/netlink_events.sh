#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# netlink_events - `unmappedctl watch` shows the module's events as they
# happen: while another process allocates blocks of order 9 and 10 and
# drop_caches makes the shrinker give them back, the watcher prints their
# refills, releases and shrinks with the right node, order, pages, pfns and
# direct-map cost, as many as the counters say happened. Then: SIGINT and
# SIGTERM end it with status 0, --count and --timeout bound it, and over
# the rate limit (event_rate) events are dropped, counted and reported as
# lost=N on the next one; and the module unloads under a listener, which
# then exits 1 saying so.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

out=/tmp/netlink_events
ksft_plan 20
watcher=""
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2> /dev/null && wait "$watcher"
}
trap cleanup EXIT
um_need
um_one_block_refills || ksft_exit_fail "cannot set refill_batch_max"
ctl_need
[ -r "$UM_DEBUGFS/stats" ] || ksft_exit_fail "no $UM_DEBUGFS/stats"

# start_watch ARGS... - unmappedctl watch in the background, subscribed.
start_watch() {
	rm -f $out.w $out.err
	unmappedctl watch "$@" > $out.w 2> $out.err &
	watcher=$!
	for i in $(seq 100); do grep -q '^watching' $out.err && return 0; sleep 0.1; done
	return 1
}
# stop_watch SIGNAL - end it, wait; the exit status is in $watch_rc.
stop_watch() {
	kill -"$1" "$watcher"
	wait "$watcher"
	watch_rc=$?
	watcher=""
}
# wait_lines PATTERN N - until $out.w has N lines matching (10 s at most).
wait_lines() {
	for i in $(seq 100); do
		[ "$(grep -cE "$1" $out.w)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
count() { grep -cE "$1" $out.w; }

refills0=$(um_stat refills) releases0=$(um_stat releases)
ksft_check "watch subscribes" start_watch
unmappedctl alloc --order 9 --node 0 > /dev/null
unmappedctl alloc --order 10 --node 0 > /dev/null
drop_caches
refills=$(($(um_stat refills) - refills0)) releases=$(($(um_stat releases) - releases0))
wait_lines '\] (refill|release) ' $((refills + releases))
wait_lines '\] shrink .* released=[1-9]' 1
stop_watch INT
ksft_cmp "SIGINT: exit status 0" "$watch_rc" -eq 0
sed 's/^/# /' $out.w

r9='\] refill node=0 order=9 pages=512 pfn=0x[0-9a-f]+ backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=[1-9]'
r10='\] refill node=0 order=10 pages=1024 pfn=0x[0-9a-f]+ backend=range dm_calls=1 flushes=1 splits_l2=0 splits_l3=0 duration_ns=[1-9]'
ksft_cmp "refill of the order-9 block: node 0, 512 pages, one CPA call, one flush, no split" "$(count "$r9")" -eq 1
ksft_cmp "refill of the order-10 block: node 0, 1024 pages" "$(count "$r10")" -eq 1
ksft_cmp "one refill line per refill counted" "$(count '\] refill ')" -eq "$refills"
ksft_cmp "one release line per release counted" "$(count '\] release ')" -eq "$releases"
pfn9=$(sed -nE "s/.*refill node=0 order=9 .*pfn=(0x[0-9a-f]+) .*/\1/p" $out.w)
ksft_check "the order-9 block is released whole, same pfn ($pfn9)" \
	grep -qE "\] release node=0 order=9 pages=512 pfn=$pfn9 backend=range dm_calls=1 flushes=1 splits_l2=0" $out.w
released=$(sed -nE 's/.*\] shrink node=0 requested=[0-9]+ released=([0-9]+) .*/\1/p' $out.w | awk '{ n += $1 } END { print n + 0 }')
pages=$(sed -nE 's/.*\] release node=0 .* pages=([0-9]+) .*/\1/p' $out.w | awk '{ n += $1 } END { print n + 0 }')
ksft_cmp "shrink events account for the released pages" "$released" -eq "$pages"
ksft_cmp "nothing lost at this rate" "$(count 'lost=')" -eq 0

# --count: exit 0 after N events; SIGTERM: exit 0.
start_watch --count 1 --timeout 60
unmappedctl alloc --order 9 > /dev/null
drop_caches
wait "$watcher"
watch_rc=$? watcher=""
ksft_cmp "--count 1: exit 0 after one event" "$watch_rc" -eq 0
ksft_cmp "--count 1: one line" "$(wc -l < $out.w)" -eq 1
start_watch
stop_watch TERM
ksft_cmp "SIGTERM: exit status 0" "$watch_rc" -eq 0
unmappedctl watch --count 1 --timeout 1 > $out.w 2> $out.err
ksft_cmp "--timeout before --count events: exit 1" $? -eq 1
ksft_check "... saying so" grep -q "timed out after 1 s with 0 of 1 events" $out.err

# Over the rate: 2 per second (and a burst of 2) against 8 refills at once.
dropped0=$(um_stat events_dropped_rate)
echo 2 > "$UM_PARAMS/event_rate"
start_watch
unmappedctl alloc --size 32M > /dev/null
sleep 1
drop_caches
wait_lines 'lost=[1-9]' 1
stop_watch INT
echo 1000 > "$UM_PARAMS/event_rate"
dropped=$(($(um_stat events_dropped_rate) - dropped0))
ksft_cmp "event_rate=2: refills beyond the burst are dropped and counted" "$dropped" -ge 6
ksft_check "... and the next event says how many were lost" grep -qE '\] (refill|release|shrink) .* lost=[1-9]' $out.w
grep 'lost=' $out.w | head -n 2 | sed 's/^/# /'

# A listener holds no reference: the module unloads under it, and the
# watcher, told by nlctrl, says so and ends.
start_watch
ksft_check "rmmod while a watcher listens" rmmod unmapped
for i in $(seq 100); do kill -0 "$watcher" 2> /dev/null || break; sleep 0.1; done
stop_watch INT 2> /dev/null
ksft_cmp "... the watcher exits 1 by itself" "$watch_rc" -eq 1
ksft_check "... saying the module was unloaded" grep -q "unmapped.ko was unloaded" $out.err
ksft_diag "$(tail -n 1 $out.err)"
ksft_check "insmod again" insmod "$UM_MODULE"
ksft_exit
