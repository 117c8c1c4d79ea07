// SPDX-License-Identifier: GPL-2.0-only
/*
 * kcall.c - calling the kernel functions that are not exported to modules,
 * safely under IBT.
 *
 * The direct-map functions (and kallsyms_lookup_name(), since 5.7) are not
 * exported. Their addresses are found once, at load: a kprobe registered on
 * kallsyms_lookup_name reports where it is, and it looks up the rest. Each
 * name must resolve to the start of a function of exactly that name
 * (sprint_symbol()), so a kernel where the compiler renamed or inlined one
 * (e.g. change_page_attr_set_clr.constprop.0) refuses the module instead of
 * calling a function with another signature.
 *
 * Why not function pointers: kernels built with CONFIG_X86_KERNEL_IBT
 * (Debian 13's 6.12, the 7.x kernels) trap an indirect call or jump to any
 * address that does not start with ENDBR, and at boot they overwrite
 * (seal) the ENDBR of every function whose address the kernel never takes,
 * change_page_attr_set_clr() among them; a kprobe's address is the
 * function + 4, past the ENDBR. Out-of-tree modules that called such
 * addresses through pointers crashed on IBT machines at insmod. So every
 * call here goes through a static call of this module: static_call_update()
 * makes the kernel patch the trampoline (and, with inline static calls,
 * every call site) into a direct JMP/CALL rel32 to the function, which IBT
 * does not check. After the update the trampoline is read back: it must be
 * `e9 <rel32>` to the function, else the module refuses to load (on an IBT
 * kernel that is the only safe way in). The kernel_calls file in debugfs
 * shows, per function, the trampoline's target and whether the kernel sealed
 * the function's ENDBR. module/scripts/check-indirect-calls checks at build
 * time that no other indirect branch of unmapped.ko can reach kernel text.
 *
 * qemu's TCG does not implement CET, so no test VM can show an IBT trap;
 * what it can show, and the selftest kcall checks, is that the calls are
 * direct and the targets sealed.
 *
 * For tests, at load time: fault_symbol=NAME makes the look-up of NAME come
 * back empty, fault_kcall=NAME leaves NAME's static call unpatched, so both
 * refusals can be tested on a kernel that is fine.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/ibt.h>

#include "compat.h"

/*
 * Memory cgroup charges of kernel pages (__GFP_ACCOUNT): built where the
 * kernel has them, CONFIG_MEMCG_KMEM until 6.10 merged it into CONFIG_MEMCG.
 */
#if defined(CONFIG_MEMCG_KMEM) || \
	(defined(CONFIG_MEMCG) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0))
#define UM_MEMCG_KMEM 1
/* Whether any cgroup charges kernel memory now: 6.4 renamed the test. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define um_memcg_kmem_on()	memcg_kmem_online()
#else
#define um_memcg_kmem_on()	memcg_kmem_enabled()
#endif
#endif

/* arch/x86/mm/pat/set_memory.c (static there, the same in 6.1 to 7.3). */
#define UM_CPA_NO_CHECK_ALIAS	8

/*
 * The types of the static calls. The kernel's own declarations are missing
 * (change_page_attr_set_clr() is static) or hidden from modules
 * (asm/tlbflush.h declares the flushes under #ifndef MODULE); these are the
 * same prototypes, and are never defined.
 */
unsigned long um_proto_kallsyms_lookup_name(const char *name);
int um_proto_change_page_attr_set_clr(unsigned long *addr, int numpages,
				      pgprot_t mask_set, pgprot_t mask_clr,
				      int force_split, int in_flag,
				      struct page **pages);
int um_proto_set_direct_map(struct page *page);
int um_proto_set_direct_map_valid_noflush(struct page *page, unsigned int nr,
					  bool valid);
void um_proto_flush_tlb_kernel_range(unsigned long start, unsigned long end);
void um_proto__vm_unmap_aliases(unsigned long start, unsigned long end, int flush);
void um_proto_flush_tlb_one_kernel(unsigned long addr);
int um_proto_memcg_kmem_charge_page(struct page *page, gfp_t gfp, int order);
void um_proto_memcg_kmem_uncharge_page(struct page *page, int order);

DEFINE_STATIC_CALL_NULL(um_kallsyms_lookup_name, um_proto_kallsyms_lookup_name);
DEFINE_STATIC_CALL_NULL(um_change_page_attr_set_clr, um_proto_change_page_attr_set_clr);
DEFINE_STATIC_CALL_NULL(um_set_direct_map_invalid_noflush, um_proto_set_direct_map);
DEFINE_STATIC_CALL_NULL(um_set_direct_map_default_noflush, um_proto_set_direct_map);
/* 6.13 added the ranged, flushless variant; a refill batch needs it. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define UM_DM_VALID_NOFLUSH 1
DEFINE_STATIC_CALL_NULL(um_set_direct_map_valid_noflush, um_proto_set_direct_map_valid_noflush);
#endif
DEFINE_STATIC_CALL_NULL(um_flush_tlb_kernel_range, um_proto_flush_tlb_kernel_range);
DEFINE_STATIC_CALL_NULL(um__vm_unmap_aliases, um_proto__vm_unmap_aliases);
DEFINE_STATIC_CALL_NULL(um_flush_tlb_one_kernel, um_proto_flush_tlb_one_kernel);
#ifdef UM_MEMCG_KMEM
DEFINE_STATIC_CALL_NULL(um___memcg_kmem_charge_page, um_proto_memcg_kmem_charge_page);
DEFINE_STATIC_CALL_NULL(um___memcg_kmem_uncharge_page, um_proto_memcg_kmem_uncharge_page);
#endif

struct um_kcall {
	const char *name;		/* the kernel function */
	struct static_call_key *key;
	void *tramp;			/* NULL without arch static calls */
	unsigned long addr;		/* resolved, 0 until then */
	bool optional;			/* missing: the caller falls back */
};

#define UM_KCALL_OPT(fn, opt) {						\
	.name = #fn, .key = &STATIC_CALL_KEY(um_##fn),			\
	.tramp = STATIC_CALL_TRAMP_ADDR(um_##fn), .optional = opt,	\
}
#define UM_KCALL(fn) UM_KCALL_OPT(fn, false)

/* kallsyms_lookup_name first: it finds the others. */
static struct um_kcall um_kcalls[] = {
	UM_KCALL(kallsyms_lookup_name),
	UM_KCALL(change_page_attr_set_clr),
	UM_KCALL(set_direct_map_invalid_noflush),
	UM_KCALL(set_direct_map_default_noflush),
#ifdef UM_DM_VALID_NOFLUSH
	UM_KCALL(set_direct_map_valid_noflush),
#endif
	UM_KCALL(flush_tlb_kernel_range),
	UM_KCALL(flush_tlb_one_kernel),
	/* vm_unmap_aliases() with a range of ours to flush in the same go. */
	UM_KCALL_OPT(_vm_unmap_aliases, true),
#ifdef UM_MEMCG_KMEM
	UM_KCALL(__memcg_kmem_charge_page),
	UM_KCALL(__memcg_kmem_uncharge_page),
#endif
};

static char *um_fault_symbol;
module_param_named(fault_symbol, um_fault_symbol, charp, 0);
MODULE_PARM_DESC(fault_symbol,
		 "Test only: treat this kernel function as missing, so insmod must fail");

static char *um_fault_kcall;
module_param_named(fault_kcall, um_fault_kcall, charp, 0);
MODULE_PARM_DESC(fault_kcall,
		 "Test only: do not patch this kernel function's static call, so insmod must fail");

/*
 * The offset of @addr into a symbol called exactly @name, or -1 if @addr is
 * not inside such a symbol.
 */
static long um_symbol_offset(const char *name, unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long off;

	sprint_symbol(buf, addr);
	if (strncmp(buf, name, len) || buf[len] != '+' ||
	    sscanf(buf + len, "+%lx/", &off) != 1)
		return -1;
	return off;
}

/* Is @value (of fault_@param) unset or a function of um_kcalls[] from @first? */
static bool um_fault_param_ok(const char *param, const char *value,
			      size_t first)
{
	size_t i;

	if (!value)
		return true;
	for (i = first; i < ARRAY_SIZE(um_kcalls); i++)
		if (!strcmp(value, um_kcalls[i].name))
			return true;
	pr_err("fault_%s=%s: not a function this module looks up\n", param,
	       value);
	return false;
}

/* Does the fault parameter @value name @kc? */
static bool um_faulty(const char *value, const struct um_kcall *kc)
{
	return value && !strcmp(value, kc->name);
}

/* Bytes of the JMP rel32 the trampoline holds once patched. */
static unsigned long um_tramp_target(const void *tramp)
{
	const u8 *t = tramp;
	s32 rel;

	if (!t || t[0] != 0xe9)
		return 0;
	memcpy(&rel, t + 1, sizeof(rel));
	return (unsigned long)t + 5 + rel;
}

/* Point @kc's static call at @addr and check that the kernel did. */
static int um_kcall_bind(struct um_kcall *kc, unsigned long addr)
{
	if (!um_faulty(um_fault_kcall, kc))
		__static_call_update(kc->key, kc->tramp, (void *)addr);
	kc->addr = addr;
	if (!kc->tramp) {
		/* Generic static calls are function pointers. */
		if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
			pr_err("IBT kernel without arch static calls: no IBT-safe way to call %s\n",
			       kc->name);
			return -ENOENT;
		}
		return 0;
	}
	if (um_tramp_target(kc->tramp) != addr) {
		pr_err("IBT: the static call to %s was not patched into a direct jump (%*ph): refusing to call it, an indirect call might trap\n",
		       kc->name, 5, kc->tramp);
		return -ENOENT;
	}
	return 0;
}

static unsigned long um_find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	long off;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/* Past the ENDBR on IBT kernels: the function starts before it. */
	off = um_symbol_offset("kallsyms_lookup_name", addr);
	return off < 0 ? 0 : addr - off;
}

/**
 * um_compat_resolve() - find the unexported kernel functions the shim needs
 * and bind a static call to each.
 *
 * Once, at module load, before any other um_compat_* call. Fails with a
 * message naming the first symbol that is missing, does not start a
 * function of that name, or cannot be called without an indirect branch.
 *
 * Return: 0, -ENOENT, or -EINVAL when the fault_symbol parameter names no
 * function looked up here.
 */
int um_compat_resolve(void)
{
	unsigned long addr;
	size_t i;
	int err;

	if (!um_fault_param_ok("symbol", um_fault_symbol, 1) ||
	    !um_fault_param_ok("kcall", um_fault_kcall, 0))
		return -EINVAL;
	addr = um_find_kallsyms_lookup_name();
	if (!addr) {
		pr_err("cannot find kallsyms_lookup_name (needs CONFIG_KPROBES and CONFIG_KALLSYMS)\n");
		return -ENOENT;
	}
	err = um_kcall_bind(&um_kcalls[0], addr);
	if (err)
		return err;
	for (i = 1; i < ARRAY_SIZE(um_kcalls); i++) {
		struct um_kcall *kc = &um_kcalls[i];

		addr = 0;
		if (!um_faulty(um_fault_symbol, kc))
			addr = static_call(um_kallsyms_lookup_name)(kc->name);
		if (!addr || um_symbol_offset(kc->name, addr) != 0) {
			if (kc->optional) {
				pr_info("kernel function %s not found: doing without it\n",
					kc->name);
				continue;
			}
			pr_err("kernel function %s not found: this kernel is not supported\n",
			       kc->name);
			return -ENOENT;
		}
		err = um_kcall_bind(kc, addr);
		if (err)
			return err;
	}
	return 0;
}

/*
 * What the kernel left at @addr: its ENDBR, the seal over it, or neither
 * (functions that are never called indirectly have none).
 */
static const char *um_endbr_state(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (get_kernel_nofault(insn, (u32 *)addr))
		return "unreadable";
	if (insn == gen_endbr())
		return "endbr";
	if (insn == gen_endbr_poison())
		return "sealed";
#endif
	return "no-endbr";
}

/**
 * um_kcall_show() - the kernel_calls debugfs file: whether the kernel has
 * IBT, and per function its address, the static call trampoline's current
 * target and what the function starts with (endbr, sealed or no-endbr).
 * @m: the seq_file.
 */
void um_kcall_show(struct seq_file *m)
{
	size_t i;

	seq_printf(m, "ibt %d\n", IS_ENABLED(CONFIG_X86_KERNEL_IBT));
	for (i = 0; i < ARRAY_SIZE(um_kcalls); i++) {
		const struct um_kcall *kc = &um_kcalls[i];

		if (!kc->addr && kc->optional) {
			seq_printf(m, "%s optional, not found\n", kc->name);
			continue;
		}
		seq_printf(m, "%s addr %px tramp %px target %px start %s\n",
			   kc->name, (void *)kc->addr, kc->tramp,
			   (void *)um_tramp_target(kc->tramp),
			   kc->addr ? um_endbr_state(kc->addr) : "unresolved");
	}
}

/*
 * Both directions with CPA_NO_CHECK_ALIAS: only the direct-map entry
 * changes. With alias checking, restoring would also set present and RW in
 * the kernel image's high mapping of a freed kernel-image page, an alias
 * the kernel had removed (free_kernel_image_pages()); removing would clear
 * it without restoring it as it was. Pages that have a live high-map alias
 * never get here: um_plat_block_alloc() keeps them out of the cache.
 * change_page_attr_set_clr() itself calls vm_unmap_aliases() and flushes.
 */
int um_compat_dm_remove_range(unsigned long addr, int nr)
{
	return static_call(um_change_page_attr_set_clr)(&addr, nr, __pgprot(0),
		__pgprot(_PAGE_PRESENT), 0, UM_CPA_NO_CHECK_ALIAS, NULL);
}

int um_compat_dm_remove_range_noflush(unsigned long addr, int nr)
{
#ifdef UM_DM_VALID_NOFLUSH
	/* CPA_NO_CHECK_ALIAS inside, as for the call above. */
	return static_call(um_set_direct_map_valid_noflush)(virt_to_page(addr),
							    nr, false);
#else
	return -EOPNOTSUPP;
#endif
}

bool um_compat_dm_can_defer_flush(void)
{
	return IS_ENABLED(UM_DM_VALID_NOFLUSH);
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

	return static_call(um_change_page_attr_set_clr)(&addr, nr, set,
		__pgprot(0), 0, UM_CPA_NO_CHECK_ALIAS, NULL);
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
		return static_call(um_set_direct_map_default_noflush)(page);
	return static_call(um_set_direct_map_invalid_noflush)(page);
}

void um_compat_flush_kernel_range(unsigned long start, unsigned long end)
{
	static_call(um_flush_tlb_kernel_range)(start, end);
}

void um_compat_flush_kernel_range_unaliased(unsigned long start,
					    unsigned long end)
{
	/*
	 * _vm_unmap_aliases() purges the lazily freed vmap areas with one
	 * flush over their range and ours (or ours alone when none is
	 * pending): one flush where vm_unmap_aliases() and ours were two.
	 */
	if (static_call_query(um__vm_unmap_aliases)) {
		static_call(um__vm_unmap_aliases)(start, end, 1);
		return;
	}
	vm_unmap_aliases();
	static_call(um_flush_tlb_kernel_range)(start, end);
}

void um_compat_flush_one_kernel_local(unsigned long addr)
{
	static_call(um_flush_tlb_one_kernel)(addr);
}

/*
 * Memory cgroup charges, as alloc_pages(__GFP_ACCOUNT) and __free_pages()
 * do them (memcg_kmem_charge_page() and its uncharge are inline wrappers
 * around these two unexported functions).
 */
int um_compat_memcg_charge(struct page *page, gfp_t gfp, unsigned int order)
{
#ifdef UM_MEMCG_KMEM
	if (um_memcg_kmem_on())
		return static_call(um___memcg_kmem_charge_page)(page, gfp, order);
#endif
	return 0;
}

bool um_compat_memcg_charged(struct page *page)
{
#ifdef UM_MEMCG_KMEM
	return um_memcg_kmem_on() && PageMemcgKmem(page);
#else
	return false;
#endif
}

bool um_compat_memcg_uncharge(struct page *page, unsigned int order)
{
#ifdef UM_MEMCG_KMEM
	if (um_compat_memcg_charged(page)) {
		static_call(um___memcg_kmem_uncharge_page)(page, order);
		return true;
	}
#endif
	return false;
}
