#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# module_load - unmapped.ko loads, carries the C++ core, unloads, reloads;
# on a kernel that lacks one of the functions it looks up it refuses to load,
# names the function and leaves nothing behind (fault_symbol= hides one);
# where a function cannot be called by a direct jump (kcall.c) it refuses
# and names IBT (fault_kcall= leaves one static call unpatched). Without
# the optional _vm_unmap_aliases() it loads, says so, and flushes the
# page backend's blocks the other way.
. "$(dirname "$0")/../ksft.sh"
module=${UM_MODULE:-/opt/unmapped/modules/unmapped.ko}

ksft_plan 24
# Names the file booted (tools/check matches it to DKMS's unmapped.ko).
ksft_diag "module file sha256: $(sha256sum "$module" | cut -d' ' -f1)"
ksft_check "module is loaded by the runner" grep -q '^unmapped ' /proc/modules
ksft_check "sysfs has /sys/module/unmapped" test -d /sys/module/unmapped
# Mangled C++ names in kallsyms prove the core runs in the kernel.
n=$(grep -c '\[unmapped\]' /proc/kallsyms)
cxx=$(grep '\[unmapped\]' /proc/kallsyms | grep -c ' _Z')
ksft_diag "$n symbols in unmapped.ko, $cxx of them C++"
ksft_check "module has C++ symbols in kallsyms" test "$cxx" -gt 0
ksft_check "rmmod unmapped" rmmod unmapped

# refused LABEL ARG MESSAGE ERRNO_TEXT - insmod with ARG fails, the kernel
# log names the reason and insmod reports ERRNO_TEXT (its words for the
# errno: ENOENT, the kernel's code for a missing symbol, reads "unknown
# symbol in module" in busybox and kmod alike).
refused() {
	mark="module_load: $1 $$"
	echo "$mark" > /dev/kmsg
	if insmod "$module" "$2" 2> /tmp/module_load.err; then
		ksft_fail "$1: insmod $2 is refused"
		rmmod unmapped
	else
		ksft_ok "$1: insmod $2 is refused"
	fi
	sed 's/^/# /' /tmp/module_load.err
	ksft_check "$1: the kernel log says why" sh -c \
		"dmesg | sed -n '\|$mark|,\$p' | grep -qF '$3'"
	ksft_check "$1: insmod reports $4" grep -qiF "$4" /tmp/module_load.err
}
refused "missing function" fault_symbol=change_page_attr_set_clr \
	"kernel function change_page_attr_set_clr not found: this kernel is not supported" \
	"unknown symbol in module"
leftovers=""
for p in /sys/module/unmapped /dev/unmapped /sys/kernel/debug/unmapped; do
	[ -e $p ] && leftovers="$leftovers $p"
done
ksft_check "missing function: nothing left behind (${leftovers:-none})" test -z "$leftovers"
refused "bad fault_symbol" fault_symbol=printk \
	"fault_symbol=printk: not a function this module looks up" "Invalid argument"
refused "unpatched static call" fault_kcall=flush_tlb_kernel_range \
	"IBT: the static call to flush_tlb_kernel_range was not patched into a direct jump" \
	"unknown symbol in module"
refused "unpatched lookup" fault_kcall=kallsyms_lookup_name \
	"IBT: the static call to kallsyms_lookup_name was not patched into a direct jump" \
	"unknown symbol in module"
mark="module_load: optional $$"
echo "$mark" > /dev/kmsg
ksft_check "optional function missing: insmod fault_symbol=_vm_unmap_aliases backend=page loads" \
	insmod "$module" fault_symbol=_vm_unmap_aliases backend=page
ksft_check "... the kernel log says it does without it" sh -c \
	"dmesg | sed -n '\|$mark|,\$p' | grep -qF 'kernel function _vm_unmap_aliases not found: doing without it'"
ksft_check "... kernel_calls says so" \
	grep -qx '_vm_unmap_aliases optional, not found' /sys/kernel/debug/unmapped/kernel_calls
ksft_check "... a 4 MiB allocation (page backend: vm_unmap_aliases and a flush) works" \
	sh -c 'unmappedctl alloc --size 4M > /tmp/module_load.ctl 2>&1 || { sed "s/^/# /" /tmp/module_load.ctl; exit 1; }'
ksft_check "... rmmod" rmmod unmapped
ksft_check "insmod again" insmod "$module"
ksft_check "it runs: /dev/unmapped is back" test -c /dev/unmapped
ksft_exit
