/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktest_dm.h - reading the kernel direct map the way the test modules
 * check it: the page-table entry that maps a pfn there, as
 * lookup_address() finds it, independently of unmapped.ko.
 */
#ifndef UNMAPPED_KTEST_DM_H
#define UNMAPPED_KTEST_DM_H

#include <linux/mm.h>
#include <asm/pgtable.h>

/*
 * The entry covering @pfn in the direct map and its level (PG_LEVEL_*);
 * NULL without one, or for a pfn without a struct page (PG_LEVEL_NONE
 * then; without an entry, @level is that of the table the walk ended in).
 */
static inline pte_t *ktest_dm_entry(unsigned long pfn, unsigned int *level)
{
	*level = PG_LEVEL_NONE;
	if (!pfn_valid(pfn))
		return NULL;
	return lookup_address((unsigned long)pfn_to_kaddr(pfn), level);
}

/* Does @pte (from ktest_dm_entry(), may be NULL) map its page? */
static inline bool ktest_dm_present(pte_t *pte)
{
	return pte && (pte_flags(*pte) & _PAGE_PRESENT);
}

/* Flags of an entry as comparable across levels (bit 7 is PSE or 4K PAT). */
static inline pteval_t ktest_dm_flags(pte_t *pte)
{
	return pte_flags(*pte) & ~(pteval_t)_PAGE_PSE;
}

static inline const char *ktest_level_name(unsigned int level)
{
	switch (level) {
	case PG_LEVEL_4K:
		return "4K";
	case PG_LEVEL_2M:
		return "2M";
	case PG_LEVEL_1G:
		return "1G";
	default:
		return "none";
	}
}

#endif /* UNMAPPED_KTEST_DM_H */
