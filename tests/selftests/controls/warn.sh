#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# warn - a positive control, not part of the suite: a test that passes but
# makes the kernel WARN. tools/check runs it on a boot without --strict
# (panic_on_warn would end the VM) and requires run-selftests to report it
# "not ok" for the kernel trouble, and tools/vm/run to fail the boot, so
# the WARN/BUG detection is shown to work rather than assumed.
#
# tests/kmod/um_warn.ko WARNs in its init and refuses to load.
. "$(dirname "$0")/../ksft.sh"
UM_MODDIR=${UM_MODDIR:-/opt/unmapped/modules}

ksft_plan 1
insmod "$UM_MODDIR/um_warn.ko" 2> /dev/null
# Refusing is its job; only a module missing from the image is our failure.
ksft_check "um_warn.ko is in the image and was loaded (it WARNs, then refuses)" test -f "$UM_MODDIR/um_warn.ko"
ksft_exit
