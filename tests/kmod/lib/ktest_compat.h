/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_compat.h - kernel differences that only the test modules see (the
 * product's are in module/plat/linux/compat.h).
 */
#ifndef UNMAPPED_KTEST_COMPAT_H
#define UNMAPPED_KTEST_COMPAT_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/version.h>
#include <asm/hardirq.h>

/*
 * Number of block orders the page allocator serves, as unmapped.ko counts
 * them (its own copy is in module/plat/linux/compat.h; test modules never
 * include the product's headers). 6.1: MAX_ORDER is that number; 6.4 made
 * MAX_ORDER the largest order itself; 6.8 renamed it MAX_PAGE_ORDER and
 * added NR_PAGE_ORDERS.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define KTEST_NR_PAGE_ORDERS	NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KTEST_NR_PAGE_ORDERS	(MAX_ORDER + 1)
#else
#define KTEST_NR_PAGE_ORDERS	MAX_ORDER
#endif

/*
 * Call-function and TLB-shootdown IPIs that @cpu received: exact, unlike
 * /proc/interrupts. Kernels from 7.x keep them in irq_cpustat_t.counts[],
 * indexed by enum irq_stat_counts; Kbuild defines KTEST_IRQ_COUNTS when the
 * kernel's asm/hardirq.h has that enum (no release number to test for).
 */
static inline unsigned int ktest_call_ipis(int cpu)
{
#ifdef KTEST_IRQ_COUNTS
	return per_cpu(irq_stat, cpu).counts[IRQ_COUNT_CALL_FUNCTION];
#else
	return per_cpu(irq_stat, cpu).irq_call_count;
#endif
}

static inline unsigned int ktest_tlb_ipis(int cpu)
{
#ifdef KTEST_IRQ_COUNTS
	return per_cpu(irq_stat, cpu).counts[IRQ_COUNT_TLB];
#else
	return per_cpu(irq_stat, cpu).irq_tlb_count;
#endif
}

/*
 * The page frame that @vma maps at user address @addr, from the page tables
 * and without faulting anything in (mmap_lock held). Modules cannot walk
 * user page tables themselves from 6.5 (__pte_offset_map() is not
 * exported), so each kind of mapping is asked the kernel's own way:
 * VM_IO | VM_PFNMAP ones through follow_pte(), which 6.10 made take the VMA
 * and 6.12 replaced with follow_pfnmap_start() (which also reads huge
 * PMD/PUD entries); the others through get_user_pages_remote() with
 * FOLL_NOFAULT, whose signature lost its vmas argument in 6.5.
 * Return: 0 with *@pfn set, or -errno when nothing present maps @addr.
 */
static inline int ktest_follow_pfn(struct vm_area_struct *vma,
				   unsigned long addr, unsigned long *pfn)
{
	struct page *page;
	long n;

	if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
		struct follow_pfnmap_args args = { .vma = vma, .address = addr };
		int err = follow_pfnmap_start(&args);

		if (err)
			return err;
		*pfn = args.pfn;
		follow_pfnmap_end(&args);
		return 0;
#else
		spinlock_t *ptl;
		pte_t *ptep;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
		int err = follow_pte(vma, addr, &ptep, &ptl);
#else
		int err = follow_pte(vma->vm_mm, addr, &ptep, &ptl);
#endif

		if (err)
			return err;
		*pfn = pte_pfn(*ptep);
		pte_unmap_unlock(ptep, ptl);
		return 0;
#endif
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	n = get_user_pages_remote(vma->vm_mm, addr, 1, FOLL_NOFAULT, &page, NULL);
#else
	n = get_user_pages_remote(vma->vm_mm, addr, 1, FOLL_NOFAULT, &page, NULL,
				  NULL);
#endif
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	*pfn = page_to_pfn(page);
	put_page(page);
	return 0;
}

#endif /* UNMAPPED_KTEST_COMPAT_H */
