# SPDX-License-Identifier: GPL-2.0-only
#
# ksft.sh - TAP helpers for shell selftests, sourced by tests that run in
# the VM: ksft_plan N; ksft_ok|ksft_fail|ksft_skip DESC; ksft_check DESC CMD...;
# ksft_exit; ksft_exit_skip|ksft_exit_fail REASON. Exit codes follow
# kselftest: 0 pass, 1 fail, 4 skip.
ksft_n=0 ksft_failed=0 ksft_passed=0 ksft_skipped=0

ksft_plan() { echo "TAP version 13"; echo "1..$1"; }
ksft_ok() { ksft_n=$((ksft_n + 1)) ksft_passed=$((ksft_passed + 1)); echo "ok $ksft_n $*"; }
ksft_fail() { ksft_n=$((ksft_n + 1)) ksft_failed=$((ksft_failed + 1)); echo "not ok $ksft_n $*"; }
ksft_skip() { ksft_n=$((ksft_n + 1)) ksft_skipped=$((ksft_skipped + 1)); echo "ok $ksft_n $1 # SKIP ${2:-}"; }
ksft_diag() { echo "# $*"; }

# ksft_check DESC CMD... - one result from a command's exit status.
ksft_check() {
	desc=$1
	shift
	if "$@"; then ksft_ok "$desc"; else ksft_fail "$desc"; fi
}

# ksft_exit_skip REASON - the whole test cannot run here, for want of an
# environment feature that REASON names (a kernel option, a host program,
# root). tools/check fails the run unless REASON is on its allow-list.
ksft_exit_skip() { echo "1..0 # SKIP $*"; exit 4; }

# ksft_exit_fail REASON - the whole test cannot run because a part of this
# project is missing or broken (a module that does not load, its device,
# netlink family or debugfs files absent, unmappedctl not installed) or an
# allocation it needs failed: that is a failure, never a skip.
ksft_exit_fail() { echo "Bail out! $*"; exit 1; }

ksft_exit() {
	[ $ksft_failed -eq 0 ] || exit 1
	[ $ksft_passed -eq 0 ] && [ $ksft_skipped -gt 0 ] && exit 4
	exit 0
}
