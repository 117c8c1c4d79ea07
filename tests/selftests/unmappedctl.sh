#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# unmappedctl - the command-line tool against the real module: every
# subcommand's --help, usage errors (exit 2), runtime errors (exit 1 with
# "unmappedctl: <what>: <strerror>"), info, alloc, stats, pagetypeinfo and
# watch, with and without -j/--json.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
module=${UM_MODULE:-/opt/unmapped/modules/unmapped.ko}
dbg=/sys/kernel/debug/unmapped
out=/tmp/unmappedctl.out err=/tmp/unmappedctl.err

ctl_need
[ -r $dbg/stats ] || ksft_exit_fail "no $dbg/stats"

# run WANT_STATUS CMD... - run, keep stdout/stderr, compare the exit status.
run() {
	want=$1
	shift
	"$@" > $out 2> $err
	got=$?
	[ $got -eq "$want" ] && return 0
	ksft_diag "$*: exit $got, want $want"
	sed 's/^/#   /' $err
	return 1
}
has() { grep -q -- "$1" "$2" || { ksft_diag "no '$1' in:"; sed 's/^/#   /' "$2"; return 1; }; }

ksft_plan 25
ksft_check "unmappedctl --help exits 0" run 0 unmappedctl --help
for c in info alloc stats pagetypeinfo; do
	ksft_check "unmappedctl $c --help exits 0" eval "run 0 unmappedctl $c --help && has 'Usage: unmappedctl $c' $out"
done
ksft_check "unknown command: exit 2, message" eval \
	"run 2 unmappedctl frobnicate && has \"^unmappedctl: unknown command 'frobnicate'\" $err"
ksft_check "bad size: exit 2" eval "run 2 unmappedctl alloc --size 12Q && has 'invalid size' $err"
ksft_check "--size with --order: exit 2" run 2 unmappedctl alloc --size 4k --order 1
ksft_check "info: exit 0, ABI version 1" eval "run 0 unmappedctl info && has '^abi version  *1$' $out"
ksft_check "info: features secret" eval "run 0 unmappedctl info && has '^features  *secret$' $out"
ksft_check "-j info: features [\"secret\"]" eval \
	"run 0 unmappedctl -j info && has '^  \"features\": \[\"secret\"\]$' $out"
ksft_check "-j alloc --size 4M: one JSON object, length 4194304" eval \
	"run 0 unmappedctl -j alloc --size 4M && [ \$(wc -l < $out) -eq 1 ] &&
	 has '^{\"id\": [1-9][0-9]*, \"length\": 4194304, \"node\": [0-9]*, \"nr_blocks\": [1-9]' $out"
sed 's/^/# /' $out

# watch_json - -j watch prints the event that a shrink or refill makes as
# one JSON line: drop the cache (a shrink if anything is cached), then
# allocate (a refill, the cache being empty).
watch_json() {
	unmappedctl -j watch --count 1 --timeout 60 > $out 2> $err &
	pid=$!
	i=0
	while ! grep -q '^watching' $err && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo 3 > /proc/sys/vm/drop_caches
	unmappedctl alloc --size 8M > /dev/null
	wait $pid || { ksft_diag "watch exited $?"; sed 's/^/#   /' $err; return 1; }
	sed 's/^/# /' $out
	[ "$(wc -l < $out)" -eq 1 ] &&
		has '^{"time_ns": [0-9]*, "type": "[a-z_]*", "node": [0-9]*, .*"lost": [0-9]*}$' $out
}
ksft_check "-j watch --count 1: the event as one JSON line" watch_json

ksft_check "alloc --size 64M --fill 0xa5: exit 0, verified, released" eval \
	"run 0 unmappedctl alloc --size 64M --fill 0xa5 && has 'read back: ok' $out && has '^released$' $out"
sed 's/^/# /' $out
ksft_check "alloc --order 9: one block of order 9" eval \
	"run 0 unmappedctl alloc --order 9 && has '2 MiB on node 0, 1 block, largest order 9' $out"
ksft_check "alloc --size 4097: exit 1, 'unmappedctl: allocate 4097 bytes: Invalid argument'" eval \
	"run 1 unmappedctl alloc --size 4097 && has '^unmappedctl: allocate 4097 bytes: Invalid argument' $err"
ksft_check "--device /nonexistent: exit 1, strerror" eval \
	"run 1 unmappedctl --device /nonexistent info && has '^unmappedctl: open /nonexistent: No such file or directory' $err"

ksft_check "stats: exit 0, pages_in_use" eval "run 0 unmappedctl stats && has '^pages_in_use ' $out"
ksft_check "stats --json: an object with pages_in_use" eval \
	"run 0 unmappedctl stats --json && has '^{' $out && has '\"pages_in_use\": [0-9]' $out"
ksft_check "pagetypeinfo: exit 0, what debugfs has" eval \
	"run 0 unmappedctl pagetypeinfo && [ -s $out ] && cat $dbg/pagetypeinfo | cmp -s - $out"
sed 's/^/# /' $out
nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
ksft_check "-j pagetypeinfo: block order 9, one entry per node" eval \
	"run 0 unmappedctl -j pagetypeinfo && has '^  \"block_order\": 9,$' $out &&
	 [ \$(grep -c '{\"node\": [0-9]*, \"free_blocks\": \[' $out) -eq $nodes ]"
sed 's/^/# /' $out
ksft_check "-j pagetypeinfo --source debugfs: exit 2, netlink only" eval \
	"run 2 unmappedctl -j pagetypeinfo --source debugfs && has 'reads netlink, not debugfs' $err"

rmmod unmapped
ksft_check "module unloaded: info exits 1 and says to load unmapped.ko" eval \
	"run 1 unmappedctl info && has 'unmapped.ko loaded' $err"
ksft_check "module unloaded: stats exits 1" run 1 unmappedctl stats
insmod "$module"
ksft_check "module back: info exits 0" run 0 unmappedctl info
ksft_exit
