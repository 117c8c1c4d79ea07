// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm.cpp - range and per-page direct-map strategies.
 */
#include "dm.h"

namespace um {
namespace dm {

namespace {

int setPages(um_platform *p, um_pfn_t pfn, u64 nr, int present,
	     um_dm_cost *cost, u64 *done)
{
	for (*done = 0; *done < nr; (*done)++) {
		int err = um_plat_dm_set_page(p, pfn + *done, present, cost);

		if (err)
			return err;
	}
	return 0;
}

} /* namespace */

int removePages(um_platform *p, um_backend backend, um_pfn_t pfn, u64 nr,
		um_dm_cost *cost, bool *must_keep)
{
	int err;

	*must_keep = false;
	if (backend == UM_BACKEND_RANGE) {
		err = um_plat_dm_set_range(p, pfn, nr, 0, cost);
		if (err)
			*must_keep = um_plat_dm_set_range(p, pfn, nr, 1, cost) != 0;
		return err;
	}

	u64 done, restored;

	err = setPages(p, pfn, nr, 0, cost, &done);
	if (err) {
		/*
		 * The page that failed is unchanged; put back the ones before
		 * it. Stale TLB entries for them are present translations of
		 * present pages again, so no flush is needed.
		 */
		*must_keep = setPages(p, pfn, done, 1, cost, &restored) != 0;
		return err;
	}
	um_plat_tlb_flush(p, pfn, nr, cost);
	return 0;
}

int removeRangeNoflush(um_platform *p, um_pfn_t pfn, u64 nr,
		       um_dm_cost *cost, bool *must_keep)
{
	int err = um_plat_dm_remove_noflush(p, pfn, nr, cost);

	/* Put back present, the pages need no flush to be used again. */
	*must_keep = err && um_plat_dm_set_range(p, pfn, nr, 1, cost) != 0;
	return err;
}

int restorePages(um_platform *p, um_backend backend, um_pfn_t pfn, u64 nr,
		 um_dm_cost *cost)
{
	u64 done;

	if (backend == UM_BACKEND_RANGE)
		return um_plat_dm_set_range(p, pfn, nr, 1, cost);
	return setPages(p, pfn, nr, 1, cost, &done);
}

} /* namespace dm */
} /* namespace um */
