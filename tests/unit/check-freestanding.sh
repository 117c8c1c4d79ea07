#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# check-freestanding.sh - compile every module/core/*.cpp the way the
# kernel module build does (freestanding, no library, kernel code model,
# no FPU/SIMD) and check that the linked result needs nothing the kernel
# does not provide and has no section that would need a C++ runtime.
#
# Usage: check-freestanding.sh CORE_DIR [CXX]
set -eu

core=${1:?usage: $0 CORE_DIR [CXX]}
cxx=${2:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The C++ subset is module/Kbuild's (core/cxx-subset.flags); the rest
# stands in for the kernel's own flags.
subset=$(grep '^-' "$core/cxx-subset.flags" | tr '\n' ' ')
flags="$subset -O2 -nostdinc
 -isystem $($cxx -print-file-name=include) -mcmodel=kernel -mno-red-zone
 -fno-pic -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -mno-80387
 -mno-fp-ret-in-387 -fno-asynchronous-unwind-tables -fstack-protector-strong
 -Wframe-larger-than=2048 -Wall -Wextra -Werror"

fail=0
for src in "$core"/*.cpp; do
	# shellcheck disable=SC2086 # flags are a word list on purpose
	if ! $cxx $flags -c "$src" -o "$work/$(basename "$src" .cpp).o"; then
		echo "FAIL: $src does not compile freestanding"
		fail=1
	fi
done
[ "$fail" = 0 ] || exit 1

# One relocatable object, as the module links it: cross-file C++ symbols
# resolve, what is left must come from the kernel.
ld -r -o "$work/core.o" "$work"/*.o

# um_plat_* is the platform; memset/memcpy/memmove are what gcc may emit
# for __builtin_mem*; __stack_chk_fail is the kernel's own stack-protector
# handler (exported, %gs-based canary under -mcmodel=kernel).
unexpected=$(nm -u "$work/core.o" | awk '{print $2}' |
	grep -Ev '^(um_plat_[a-z_]+|memset|memcpy|memmove|__stack_chk_fail)$' || true)
if [ -n "$unexpected" ]; then
	echo "FAIL: undefined symbols the kernel does not provide:"
	echo "$unexpected"
	fail=1
fi

sections=$(objdump -h "$work/core.o" |
	grep -Eo '\.(init_array|fini_array|ctors|dtors|eh_frame|gcc_except_table)[^ ]*' || true)
if [ -n "$sections" ]; then
	echo "FAIL: sections needing a C++ runtime: $sections"
	fail=1
fi

# Floating point must not appear: the kernel does not save FPU state.
if objdump -d "$work/core.o" | grep -Eq '%xmm|%ymm|%st\('; then
	echo "FAIL: SSE/x87 register use in core code"
	fail=1
fi

[ "$fail" = 0 ] && echo "freestanding: $(ls "$core"/*.cpp | wc -l) files OK"
exit "$fail"
