// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_scrub.c - um_plat_scrub(): zeroing pages that are not in the
 * direct map, without leaving a mapping of them on any CPU.
 *
 * Each CPU owns one page-sized window in a kernel virtual area reserved at
 * load, and the page-table entry behind it. The windows are a cache line
 * of entries apart, as kmap_local()'s per-CPU slots are: every scrubbed
 * page writes its CPU's entry twice, and with the entries side by side
 * the CPUs scrubbing at once would pass that line back and forth. To zero a page the CPU, with
 * interrupts off, points its entry at the page, clears the page through the
 * window, clears the entry and drops the translation from its own TLB
 * (flush_tlb_one_kernel(), which on PTI kernels also marks the other
 * address spaces of this CPU for invalidation).
 *
 * Why no other CPU can hold the translation, so a local flush is enough:
 * this is the argument the kernel itself relies on for kmap_atomic() /
 * kmap_local() on 32-bit HIGHMEM, whose per-CPU fixmap slots are likewise
 * only ever flushed locally. A TLB entry is created only by a page walk of
 * an address the CPU accesses or speculatively accesses; no code on any
 * other CPU forms an address inside this CPU's window (it is private to
 * this file and to the CPU that owns it), and the entry is present only
 * inside one stretch of code run with interrupts off, so no
 * interrupt handler or other task on this CPU can observe it either. x86
 * never caches non-present entries, so filling the slot needs no flush.
 *
 * Interrupts off rather than preemption off: um_plat_scrub() is [atomic]
 * and may be called from an interrupt on a CPU that is in the middle of
 * scrubbing; with interrupts off the window is never in use when that
 * happens. The cost is one page-clear (about a microsecond natively) of
 * interrupt latency per page.
 *
 * The area comes from vmap() of one filler page (exported, and it
 * allocates the page tables down to the PTE level), whose entries are then
 * cleared; get_vm_area() and init_mm, needed to do the same with
 * apply_to_page_range(), are not exported. Vmalloc page tables are never
 * freed while the area exists, so the entry pointers stay valid.
 *
 * The area is marked VM_IOREMAP so that vread(), which /proc/kcore uses for
 * the vmalloc range, treats it as a hole: on 6.1 vread() looks each page up
 * with vmalloc_to_page() and copies it through its direct-map address with
 * a plain memcpy(), so a read that raced with a scrub on another CPU would
 * find the unmapped page in the window and fault (an oops, root only).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>

#include "compat.h"
#include "fault.h"
#include "platform.h"

struct um_scrub_slot {
	void *addr;		/* this CPU's window */
	pte_t *pte;		/* the entry behind it */
};

static DEFINE_PER_CPU(struct um_scrub_slot, um_scrub_slot);
static void *um_scrub_area;
static struct page *um_scrub_filler;

/* Pages of the area per CPU: one cache line of page-table entries. */
#define UM_SCRUB_STRIDE	max_t(unsigned int, 1, L1_CACHE_BYTES / sizeof(pte_t))

/**
 * um_scrub_init() - reserve one window per possible CPU. [sleeps]
 * Return: 0 or -ENOMEM.
 */
int um_scrub_init(void)
{
	unsigned int nr = nr_cpu_ids * UM_SCRUB_STRIDE, i;
	unsigned long size = (unsigned long)nr << PAGE_SHIFT;
	struct page **pages;
	int cpu;

	um_scrub_filler = alloc_page(GFP_KERNEL);
	if (!um_scrub_filler)
		return -ENOMEM;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto free_filler;
	for (i = 0; i < nr; i++)
		pages[i] = um_scrub_filler;
	um_scrub_area = vmap(pages, nr, VM_MAP | VM_IOREMAP, PAGE_KERNEL);
	kvfree(pages);
	if (!um_scrub_area)
		goto free_filler;

	for_each_possible_cpu(cpu) {
		struct um_scrub_slot *slot = per_cpu_ptr(&um_scrub_slot, cpu);
		unsigned int level;

		slot->addr = um_scrub_area +
			     ((unsigned long)cpu * UM_SCRUB_STRIDE << PAGE_SHIFT);
		slot->pte = lookup_address((unsigned long)slot->addr, &level);
		if (!slot->pte || level != PG_LEVEL_4K) {
			pr_err("scrub window of CPU %d is not a 4K mapping\n", cpu);
			goto unmap;
		}
	}
	/*
	 * Windows start empty, and so do the entries between them: nothing
	 * may keep the filler's translation.
	 */
	for (i = 0; i < nr; i++) {
		unsigned int level;
		pte_t *pte = lookup_address((unsigned long)um_scrub_area +
					    ((unsigned long)i << PAGE_SHIFT), &level);

		if (pte && level == PG_LEVEL_4K)
			set_pte(pte, __pte(0));
	}
	um_compat_flush_kernel_range((unsigned long)um_scrub_area,
				     (unsigned long)um_scrub_area + size);
	return 0;

unmap:
	vunmap(um_scrub_area);
free_filler:
	__free_page(um_scrub_filler);
	return -ENOMEM;
}

/** um_scrub_show() - the windows' area, for debugfs "scrub". */
void um_scrub_show(struct seq_file *m)
{
	seq_printf(m, "area %px pages %u stride %u\n", um_scrub_area,
		   nr_cpu_ids * UM_SCRUB_STRIDE, UM_SCRUB_STRIDE);
}

/** um_scrub_exit() - give the windows back. [sleeps] */
void um_scrub_exit(void)
{
	/* Every entry is clear; vunmap() accepts empty entries. */
	vunmap(um_scrub_area);
	__free_page(um_scrub_filler);
}

static void um_scrub_page(um_pfn_t pfn)
{
	struct um_scrub_slot *slot;
	unsigned long flags;

	local_irq_save(flags);
	slot = this_cpu_ptr(&um_scrub_slot);
	set_pte(slot->pte, pfn_pte(pfn, PAGE_KERNEL));
	clear_page(slot->addr);
	set_pte(slot->pte, __pte(0));
	um_compat_flush_one_kernel_local((unsigned long)slot->addr);
	local_irq_restore(flags);
}

int um_plat_scrub(struct um_platform *p, um_pfn_t pfn, um_u64 nr,
		  unsigned int flags)
{
	um_u64 i;

	if (!nr || pfn + nr < pfn || !pfn_valid(pfn) || !pfn_valid(pfn + nr - 1))
		return -EIO;
	if (um_fault(UM_FAULT_SCRUB, pfn, nr, NULL))
		return -EIO;
	for (i = 0; i < nr; i++) {
		um_scrub_page(pfn + i);
		if (flags & UM_SCRUB_MAY_SLEEP)
			cond_resched();
	}
	return 0;
}
