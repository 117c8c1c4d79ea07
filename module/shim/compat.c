// SPDX-License-Identifier: GPL-2.0-only
/*
 * compat.c - unexported kernel functions and APIs that moved between kernel
 * versions (see compat.h).
 *
 * The direct-map functions are not exported to modules. They are looked up
 * once, at load, with kallsyms_lookup_name(), which is not exported either
 * since 5.7: a kprobe registered on it reports its address. Each name must
 * resolve to the start of a function of exactly that name (checked with
 * sprint_symbol()), so a kernel where the compiler renamed or inlined one
 * (e.g. change_page_attr_set_clr.constprop.0) refuses the module instead of
 * calling a function with another signature.
 *
 * fault_symbol=NAME (load time, for tests) makes the look-up of NAME come
 * back empty, so the refusal can be tested on a kernel that has them all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>

#include "compat.h"

/*
 * arch/x86/mm/pat/set_memory.c, static in 6.1 but in kallsyms. The only
 * CPA entry point that can SET _PAGE_GLOBAL (set_memory_p() does not exist
 * in 6.1, set_direct_map_default_noflush() restores present and RW only).
 */
typedef int (*um_cpa_set_clr_t)(unsigned long *addr, int numpages,
				pgprot_t mask_set, pgprot_t mask_clr,
				int force_split, int in_flag,
				struct page **pages);

/* asm/tlbflush.h declares these under #ifndef MODULE: same prototypes. */
typedef void (*um_flush_tlb_kernel_range_t)(unsigned long start,
					    unsigned long end);
typedef void (*um_flush_tlb_one_kernel_t)(unsigned long addr);

/* Typed after the kernel's declarations where modules can see them. */
static typeof(&set_memory_np) um_set_memory_np;
static um_cpa_set_clr_t um_change_page_attr_set_clr;
static typeof(&set_direct_map_invalid_noflush) um_set_direct_map_invalid_noflush;
static typeof(&set_direct_map_default_noflush) um_set_direct_map_default_noflush;
static um_flush_tlb_kernel_range_t um_flush_tlb_kernel_range;
static um_flush_tlb_one_kernel_t um_flush_tlb_one_kernel;

struct um_symbol {
	const char *name;
	void **addr;
};

#define UM_SYMBOL(fn) { .name = #fn, .addr = (void **)&um_##fn }

static const struct um_symbol um_symbols[] = {
	UM_SYMBOL(set_memory_np),
	UM_SYMBOL(change_page_attr_set_clr),
	UM_SYMBOL(set_direct_map_invalid_noflush),
	UM_SYMBOL(set_direct_map_default_noflush),
	UM_SYMBOL(flush_tlb_kernel_range),
	UM_SYMBOL(flush_tlb_one_kernel),
};

static char *um_fault_symbol;
module_param_named(fault_symbol, um_fault_symbol, charp, 0);
MODULE_PARM_DESC(fault_symbol,
		 "Test only: treat this kernel function as missing, so insmod must fail");

typedef unsigned long (*um_kallsyms_lookup_name_t)(const char *name);

static um_kallsyms_lookup_name_t um_find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	void *addr;

	if (register_kprobe(&kp))
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return (um_kallsyms_lookup_name_t)addr;
}

/* Does @addr start a symbol called exactly @name? */
static bool um_symbol_starts_at(const char *name, unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);

	sprint_symbol(buf, addr);
	return !strncmp(buf, name, len) && !strncmp(buf + len, "+0x0/", 5);
}

/* fault_symbol names one of um_symbols[] (or is unset)? */
static bool um_fault_symbol_ok(void)
{
	size_t i;

	if (!um_fault_symbol)
		return true;
	for (i = 0; i < ARRAY_SIZE(um_symbols); i++)
		if (!strcmp(um_fault_symbol, um_symbols[i].name))
			return true;
	pr_err("fault_symbol=%s: not a function this module looks up\n",
	       um_fault_symbol);
	return false;
}

int um_compat_resolve(void)
{
	um_kallsyms_lookup_name_t lookup;
	size_t i;

	if (!um_fault_symbol_ok())
		return -EINVAL;
	lookup = um_find_kallsyms_lookup_name();
	if (!lookup) {
		pr_err("cannot find kallsyms_lookup_name (needs CONFIG_KPROBES and CONFIG_KALLSYMS)\n");
		return -ENOENT;
	}
	for (i = 0; i < ARRAY_SIZE(um_symbols); i++) {
		const struct um_symbol *sym = &um_symbols[i];
		unsigned long addr = 0;

		if (!um_fault_symbol || strcmp(um_fault_symbol, sym->name))
			addr = lookup(sym->name);
		if (!addr || !um_symbol_starts_at(sym->name, addr)) {
			pr_err("kernel function %s not found: this kernel is not supported\n",
			       sym->name);
			return -ENOENT;
		}
		*sym->addr = (void *)addr;
	}
	return 0;
}

int um_compat_dm_remove_range(unsigned long addr, int nr)
{
	return um_set_memory_np(addr, nr);
}

int um_compat_dm_restore_range(unsigned long addr, int nr)
{
	/*
	 * PAGE_KERNEL is masked with __default_kernel_pte_mask, so _PAGE_GLOBAL
	 * is only set where the kernel maps itself global (not with PTI).
	 * Going non-present cleared G (it doubles as _PAGE_PROTNONE), so it
	 * must be set again explicitly for a 2M entry to come back bit for bit.
	 */
	pgprot_t set = __pgprot(pgprot_val(PAGE_KERNEL) &
				(_PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL));

	return um_change_page_attr_set_clr(&addr, nr, set, __pgprot(0), 0, 0,
					   NULL);
}

int um_compat_dm_set_page(struct page *page, bool present)
{
	/*
	 * 6.13 added set_direct_map_valid_noflush(page, nr, valid); the two
	 * below still exist there and do the same for one page, so the page
	 * backend uses them everywhere. Neither restores _PAGE_GLOBAL: a page
	 * that went through the page backend comes back present and writable
	 * but non-global, in a 4K mapping that was split anyway.
	 */
	if (present)
		return um_set_direct_map_default_noflush(page);
	return um_set_direct_map_invalid_noflush(page);
}

void um_compat_flush_kernel_range(unsigned long start, unsigned long end)
{
	um_flush_tlb_kernel_range(start, end);
}

void um_compat_flush_one_kernel_local(unsigned long addr)
{
	um_flush_tlb_one_kernel(addr);
}

/* --- shrinker: embedded and registered by name before 6.7, allocated after --- */

void um_compat_account_reclaimed(unsigned long pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	mm_account_reclaimed_pages(pages);
#else
	/* What fs/inode.c and xfs_buf do for pages their shrinkers free. */
	if (current->reclaim_state)
		current->reclaim_state->reclaimed_slab += pages;
#endif
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
struct um_compat_shrinker {
	struct shrinker *s;
};

struct um_compat_shrinker *um_compat_shrinker_register(
	const char *name,
	unsigned long (*count)(struct shrinker *, struct shrink_control *),
	unsigned long (*scan)(struct shrinker *, struct shrink_control *))
{
	struct um_compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);

	if (!cs)
		return ERR_PTR(-ENOMEM);
	cs->s = shrinker_alloc(SHRINKER_NUMA_AWARE, "%s", name);
	if (!cs->s) {
		kfree(cs);
		return ERR_PTR(-ENOMEM);
	}
	cs->s->count_objects = count;
	cs->s->scan_objects = scan;
	cs->s->seeks = DEFAULT_SEEKS;
	shrinker_register(cs->s);
	return cs;
}

void um_compat_shrinker_unregister(struct um_compat_shrinker *cs)
{
	shrinker_free(cs->s);
	kfree(cs);
}
#else
struct um_compat_shrinker {
	struct shrinker s;
};

struct um_compat_shrinker *um_compat_shrinker_register(
	const char *name,
	unsigned long (*count)(struct shrinker *, struct shrink_control *),
	unsigned long (*scan)(struct shrinker *, struct shrink_control *))
{
	struct um_compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	int err;

	if (!cs)
		return ERR_PTR(-ENOMEM);
	cs->s.count_objects = count;
	cs->s.scan_objects = scan;
	cs->s.seeks = DEFAULT_SEEKS;
	cs->s.flags = SHRINKER_NUMA_AWARE;
	err = register_shrinker(&cs->s, "%s", name);
	if (err) {
		kfree(cs);
		return ERR_PTR(err);
	}
	return cs;
}

void um_compat_shrinker_unregister(struct um_compat_shrinker *cs)
{
	unregister_shrinker(&cs->s);
	kfree(cs);
}
#endif
