#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# upstream_memfd_secret - the kernel's own memfd_secret selftest
# (tools/testing/selftests/{mm,vm}/memfd_secret.c of the kernel under test,
# built unmodified from Debian's linux-source by tools/upstream-selftest and
# put in the guest by tools/vm/run) as the acceptance test of secret files:
#   - natively, the control: memfd_secret itself (off on 6.1 unless booted
#     with secretmem.enable=1: then it skips, an environment feature, and
#     tools/check boots such a kernel again with that flag, where it must
#     pass);
#   - under `unmappedctl run` with the module serving it (fallback off), on
#     every kernel: it must print all its tests as passed, and the module
#     must have created the secret files (so memfd_secret did not);
#   - under `unmappedctl run` without the module: the fallback to the real
#     system call gives the native result.
. "$(dirname "$0")/../ksft.sh"
. "$(dirname "$0")/../unmapped.sh"
prog=/opt/unmapped/upstream/memfd_secret
out=/tmp/upstream_memfd_secret.out

um_need
ctl_need
[ -x $prog ] || ksft_exit_fail "no $prog: tools/upstream-selftest could not build it (see tools/vm/run's messages)"

# passed STATUS - the last run exited 0 and its final "# Totals:" line
# counts all N tests of its plan "1..N" as passed, nothing else. (Its
# forked children flush a copy of the unwritten output when they exit, so
# the "ok" lines of a run to a file repeat; the totals do not.)
passed() {
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' $out | tail -n 1)
	totals=$(grep '^# Totals:' $out | tail -n 1)
	[ "$1" -eq 0 ] && [ -n "$plan" ] && [ "$plan" -gt 0 ] &&
		[ "$totals" = "# Totals: pass:$plan fail:0 xfail:0 xpass:0 skip:0 error:0" ] &&
		! grep -q '^not ok' $out
}
# show STATUS - the last run's output as diagnostics.
show() { ksft_diag "exit status $1:"; sed 's/^/#   /' $out; }
# native_off - the last run said the kernel has no memfd_secret.
native_off() { grep -q 'memfd_secret is not supported' $out; }

ksft_plan 4

# The control: the kernel's memfd_secret.
$prog > $out 2>&1
st=$?
if native_off && grep -qw 'secretmem.enable=1' /proc/cmdline; then
	native=off
	show $st
	ksft_fail "native memfd_secret (control): off although booted with secretmem.enable=1"
elif native_off; then
	native=off
	ksft_skip "native memfd_secret (control)" "memfd_secret is off in this kernel (boot with secretmem.enable=1)"
elif passed $st; then
	native=pass
	ksft_ok "native memfd_secret (control): all $plan passed"
else
	native=fail
	show $st
	ksft_fail "native memfd_secret (control)"
fi

# Served by the module: every test passes, the files are the module's.
before=$(um_stat secret_files_created)
UNMAPPED_PRELOAD_STRICT=1 unmappedctl run -- $prog > $out 2>&1
st=$?
after=$(um_stat secret_files_created)
if passed $st; then
	ksft_ok "under unmappedctl run: all $plan passed"
else
	show $st
	ksft_fail "under unmappedctl run: all passed"
fi
ksft_cmp "the module created its secret files" "$((after - before))" -ge 1
ksft_diag "secret files the module created for it: $((after - before)); native memfd_secret: $native"

# Without the module the library falls back to the real system call.
um_unload || ksft_exit_fail "cannot unload unmapped.ko"
unmappedctl run -- $prog > $out 2>&1
st=$?
case $native in
off) native_off; r=$? ;;
pass) passed $st; r=$? ;;
*) r=1 ;;
esac
[ $r -eq 0 ] || show $st
ksft_check "without the module, unmappedctl run gives the native result ($native)" [ $r -eq 0 ]
um_load || ksft_exit_fail "cannot load unmapped.ko again"
ksft_exit
