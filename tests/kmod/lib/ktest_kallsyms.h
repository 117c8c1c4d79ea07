/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_kallsyms.h - finding kallsyms_lookup_name(), which modules may not
 * call by name since 5.7: a kprobe registered on it gives its address.
 * Call what it returns through a static call, never a function pointer:
 * an indirect call to kernel text traps under IBT (unmapped.ko does the
 * same, module/plat/linux/kcall.c).
 */
#ifndef UNMAPPED_KTEST_KALLSYMS_H
#define UNMAPPED_KTEST_KALLSYMS_H

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/string.h>

/*
 * The address of kallsyms_lookup_name()'s first byte, or 0. kp.addr is
 * past the ENDBR on IBT kernels: start from the function's first byte,
 * where the kernel expects direct calls to land (call depth tracking
 * places its thunk just before it).
 */
static inline unsigned long ktest_kallsyms_lookup_name_addr(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	char sym[KSYM_SYMBOL_LEN];
	unsigned long addr, off;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	sprint_symbol(sym, addr);
	if (strncmp(sym, "kallsyms_lookup_name+", 21) ||
	    sscanf(sym + 20, "+%lx/", &off) != 1)
		return 0;
	return addr - off;
}

#endif /* UNMAPPED_KTEST_KALLSYMS_H */
