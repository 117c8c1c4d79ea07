#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# module_load - unmapped.ko loads, carries the C++ core, unloads, reloads.
. "$(dirname "$0")/../ksft.sh"
module=${UM_MODULE:-/opt/unmapped/modules/unmapped.ko}

ksft_plan 5
ksft_check "module is loaded by the runner" grep -q '^unmapped ' /proc/modules
ksft_check "sysfs has /sys/module/unmapped" test -d /sys/module/unmapped
# Mangled C++ names in kallsyms prove the core runs in the kernel.
n=$(grep -c '\[unmapped\]' /proc/kallsyms)
cxx=$(grep '\[unmapped\]' /proc/kallsyms | grep -c ' _Z')
ksft_diag "$n symbols in unmapped.ko, $cxx of them C++"
ksft_check "module has C++ symbols in kallsyms" test "$cxx" -gt 0
ksft_check "rmmod unmapped" rmmod unmapped
ksft_check "insmod again" insmod "$module"
ksft_exit
