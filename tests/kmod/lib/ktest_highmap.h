/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_highmap.h - the kernel image's high mapping (__START_KERNEL_map),
 * the one other kernel mapping of RAM besides the direct map on x86_64,
 * for the test modules. It covers the image up to its next 2M boundary, so
 * free pages past the image's end (unused brk) can be mapped there too.
 */
#ifndef UNMAPPED_KTEST_HIGHMAP_H
#define UNMAPPED_KTEST_HIGHMAP_H

#include <linux/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#define KTEST_HIGHMAP_PAGES	(KERNEL_IMAGE_SIZE >> PAGE_SHIFT)

/*
 * The high-map entry of page @idx (its offset in the mapping), its flags
 * in *@flags (0: none) and the pfn it maps; returns the number of pages
 * the entry covers from @idx on (at least 1), so a walk can skip ahead.
 */
static inline unsigned long ktest_highmap_entry(unsigned long idx,
						pteval_t *flags,
						unsigned long *pfn)
{
	unsigned long va = __START_KERNEL_map + (idx << PAGE_SHIFT);
	unsigned long size = PAGE_SIZE;
	unsigned int level;
	pte_t *pte = lookup_address(va, &level);

	*flags = 0;
	*pfn = (phys_base + (idx << PAGE_SHIFT)) >> PAGE_SHIFT;
	if (pte) {
		*flags = pte_flags(*pte);
		if (level == PG_LEVEL_2M)
			size = PMD_SIZE;
		else if (level == PG_LEVEL_1G)
			size = PUD_SIZE;
	} else {
		/* No entry: @level is that of the table the walk ended in. */
		size = level == PG_LEVEL_1G ? PMD_SIZE : PUD_SIZE;
	}
	return (ALIGN(va + 1, size) - va) >> PAGE_SHIFT;
}

/* Does the high mapping map @pfn, present? */
static inline bool ktest_highmap_present(unsigned long pfn)
{
	phys_addr_t phys = PFN_PHYS(pfn);
	unsigned long idx, p;
	pteval_t flags;

	if (phys < phys_base || phys - phys_base >= KERNEL_IMAGE_SIZE)
		return false;
	idx = (phys - phys_base) >> PAGE_SHIFT;
	ktest_highmap_entry(idx, &flags, &p);
	return flags & _PAGE_PRESENT;
}

#endif /* UNMAPPED_KTEST_HIGHMAP_H */
