// SPDX-License-Identifier: GPL-2.0-only
/*
 * build_info.cpp - how the C++ core was built, for `modinfo` and the shim.
 *
 * The .modinfo entry is emitted from C++ on purpose: `modinfo -F cxx_core`
 * printing it proves the core in the module really came from g++.
 */
#include "plat_api.h"

#define UM_STR2(x) #x
#define UM_STR(x) UM_STR2(x)
#define UM_CORE_BUILD "g++ " __VERSION__ ", C++ " UM_STR(__cplusplus) \
	", freestanding, no exceptions/RTTI"

extern "C" const char um_core_build[] = UM_CORE_BUILD;

/* Same layout as the kernel's MODULE_INFO(): "tag=value", byte aligned. */
[[gnu::section(".modinfo"), gnu::used, gnu::aligned(1)]]
static const char um_modinfo_cxx_core[] = "cxx_core=" UM_CORE_BUILD;
