/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm.h - the two direct-map strategies behind one contract.
 *
 *   UM_BACKEND_RANGE  one um_plat_dm_set_range() per block; the platform
 *                     flushes. A 2M-aligned block keeps its 2M mapping.
 *   UM_BACKEND_PAGE   um_plat_dm_set_page() per page (the kernel's
 *                     set_direct_map_*_noflush), then ONE
 *                     um_plat_tlb_flush() for the batch on removal; none on
 *                     restore. Splits 2M mappings (as upstream RFCs do).
 *
 * Both [sleeps]: call with no spinlock held.
 */
#ifndef UNMAPPED_CORE_DM_H
#define UNMAPPED_CORE_DM_H

#include "types.h"

namespace um {
namespace dm {

/**
 * removePages() - take [pfn, pfn + nr) out of the direct map. On success
 * no CPU can translate the pages any more. On failure the pages are put
 * back (present) when possible; *@must_keep tells the caller that this
 * failed too, so the pages may still be unmapped and must never reach the
 * page allocator.
 * Return: 0 or the platform's error.
 */
int removePages(um_platform *p, um_backend backend, um_pfn_t pfn, u64 nr,
		um_dm_cost *cost, bool *must_keep);

/**
 * removeRangeNoflush() - removePages() for the range backend, without the
 * flush: the caller flushes before the pages' absence counts. On failure
 * the range is put back as removePages() does, *@must_keep likewise.
 */
int removeRangeNoflush(um_platform *p, um_pfn_t pfn, u64 nr,
		       um_dm_cost *cost, bool *must_keep);

/**
 * restorePages() - map [pfn, pfn + nr) back (range: with the original
 * attributes, so whole large mappings come back bit for bit).
 * Return: 0, or the platform's error: then some pages may be unmapped.
 */
int restorePages(um_platform *p, um_backend backend, um_pfn_t pfn, u64 nr,
		 um_dm_cost *cost);

} /* namespace dm */
} /* namespace um */

#endif /* UNMAPPED_CORE_DM_H */
