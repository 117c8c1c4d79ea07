#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# debugfs_blocks - debugfs "blocks" lists every block the cache holds
# exactly once, in pfn order, and agrees with the counters, however it is
# read: whole, in small reads (seq_file resuming in the middle of the walk,
# which goes in batches of 32 blocks per node lock hold), and while
# allocations and frees run beside the reader, when every pass must still
# be well-formed and list no block twice.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"

ksft_plan 13
blocks=$UM_DEBUGFS/blocks
run=/tmp/debugfs_blocks
cleanup() {
	rm -f $run/go
	[ -n "${pids:-}" ] && wait $pids 2> /dev/null
	ut_cmd free 2> /dev/null
	ut_unload
}
trap cleanup EXIT
um_need
ut_need
um_one_block_refills	# its block counts are of 2M refills
mkdir -p $run

line_re='^pfn 0x[0-9a-f]+-0x[0-9a-f]+ order [0-9]+ node [0-9]+ free [0-9]+ used [0-9]+ released [0-9]+ backend (range|page) dm_level (4K|2M|1G|none)(-(4K|2M|1G|none))? dm_present [0-9]+/[0-9]+$'

# check_pass FILE - a pass over "blocks" is well-formed: every line
# matches, no block twice, pfns ascending within a node. Prints what is
# wrong, nothing if all is well.
check_pass() {
	grep -vcE "$line_re" "$1" | awk '$1 != 0 { print $1 " malformed lines" }'
	awk '{ print $6, $2 }' "$1" | sort | uniq -d | head -n 3 | sed 's/^/listed twice: /'
	awk '{ split($2, r, "-"); pfn = r[1] + 0; node = $6
	       if (node == last_node && pfn <= last) print "out of order: " $2
	       last = pfn; last_node = node }' "$1" | head -n 3
}

# No cap: what is freed stays cached, so the file holds hundreds of blocks.
echo 0 > $UM_PARAMS/max_cached_mb
ut_cmd alloc mb=384 lo=0 hi=9
ut_cmd free
ut_cmd alloc mb=96 lo=0 hi=4
cat $blocks > $run/whole
nblocks=$(um_stat blocks_cached)
ksft_diag "$nblocks blocks cached, $(wc -c < $run/whole) bytes of blocks"
ksft_cmp "more blocks than one batch and one buffer" "$(wc -c < $run/whole)" -gt 16384
ksft_cmp "one line per block (blocks_cached)" "$(wc -l < $run/whole)" -eq "$nblocks"
problems=$(check_pass $run/whole)
[ -n "$problems" ] && echo "$problems" | sed 's/^/# /'
ksft_check "every line well-formed, no block twice, in pfn order" test -z "$problems"
sum() { awk -v f="$2" '{ n += $f } END { print n + 0 }' "$1"; }
ksft_cmp "free pages add up (pages_free)" "$(sum $run/whole 8)" -eq "$(um_stat pages_free)"
ksft_cmp "used pages add up (pages_in_use)" "$(sum $run/whole 10)" -eq "$(um_stat pages_in_use)"
ksft_cmp "blocks are held: used + free pages (pages_cached)" \
	"$(($(sum $run/whole 8) + $(sum $run/whole 10)))" -eq "$(um_stat pages_cached)"
ksft_cmp "every held page absent from the direct map" \
	"$(awk '{ split($18, p, "/"); n += p[1] } END { print n + 0 }' $run/whole)" -eq 0

# 100-byte reads: each read resumes the walk where the last one stopped,
# often in the middle of a line.
dd if=$blocks of=$run/small bs=100 2> /dev/null
ksft_check "read in 100-byte pieces: the same content" cmp -s $run/whole $run/small
dd if=$blocks of=$run/tail bs=1 skip=5000 2> /dev/null
ksft_check "a read from the middle (pread-like skip) matches too" \
	eval "tail -c +5001 $run/whole | cmp -s - $run/tail"

# Allocations and frees beside the reader.
touch $run/go
churn_user() { while [ -e $run/go ]; do unmappedctl alloc --size 6M > /dev/null || :; done; }
churn_kernel() {
	while [ -e $run/go ]; do
		echo "atomic rounds=32" > $UT_DEBUGFS/cmd
		echo "hold order=9" > $UT_DEBUGFS/cmd && echo release > $UT_DEBUGFS/cmd
	done
}
churn_drop() { while [ -e $run/go ]; do drop_caches; usleep 300000; done; }
pids=""
churn_user & pids="$pids $!"
churn_kernel & pids="$pids $!"
churn_drop & pids="$pids $!"
bad=0 passes=0 min=999999 max=0
while [ $passes -lt 20 ]; do
	dd if=$blocks of=$run/pass bs=512 2> /dev/null
	p=$(check_pass $run/pass)
	if [ -n "$p" ]; then
		[ $bad -eq 0 ] && echo "$p" | sed 's/^/# pass: /'
		bad=$((bad + 1))
	fi
	n=$(wc -l < $run/pass)
	[ $n -lt $min ] && min=$n
	[ $n -gt $max ] && max=$n
	passes=$((passes + 1))
done
rm -f $run/go
wait $pids
pids=""
ksft_diag "20 passes beside the churn listed $min to $max blocks"
ksft_cmp "beside allocations and frees: every pass well-formed, no block twice" "$bad" -eq 0
ksft_cmp "the churn changed what was listed" "$min" -lt "$max"

ut_cmd free
cat $blocks > $run/whole
ksft_cmp "quiet again: one line per block (blocks_cached)" "$(wc -l < $run/whole)" -eq "$(um_stat blocks_cached)"
ksft_cmp "quiet again: free pages add up (pages_free)" "$(sum $run/whole 8)" -eq "$(um_stat pages_free)"
echo 64 > $UM_PARAMS/max_cached_mb
ksft_exit
