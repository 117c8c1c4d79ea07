// SPDX-License-Identifier: GPL-2.0-only
/*
 * hold_1g.h - the 1G experiment: hold GiBs of 2M blocks through the cache
 * on a machine laid out like the 8 GiB test VM under 6.12 (1G pages above
 * 4 GiB and in the second GiB, 2M below and around the PCI hole; the low
 * zone is ZONE_DMA32) and count what the direct map lost, with keep_1g
 * off (the page allocator's block as it comes) and on.
 */
#ifndef UNMAPPED_SIM_HOLD_1G_H
#define UNMAPPED_SIM_HOLD_1G_H

#include "sim_platform.h"

#include <string>
#include <vector>

namespace sim {

struct Hold1gResult {
	uint64_t held_pages = 0;
	uint64_t splits_l3 = 0;		/* while held */
	uint64_t splits_l2 = 0;
	uint64_t dm1g_before = 0, dm1g_held = 0, dm1g_after = 0; /* pages */
	uint64_t refills = 0;
	uint64_t searches = 0, tried = 0, returned = 0, split_accepted = 0;
	uint64_t max_tried_per_refill = 0;
	uint64_t directed = 0, directed_missed = 0, looked = 0;
	uint64_t max_looked_per_refill = 0;
	std::vector<std::string> errors;
};

/* 8 GiB: GiB 0 2M (first 2 MiB 4K), GiB 1 1G, GiB 2 2M, GiB 3-7 1G;
 * ZONE_DMA32 = GiB 0-2 (the VM's RAM below its PCI hole). */
SimConfig vmLike8G();

/*
 * The same, but GiBs 5 and 6 2M-mapped as well: 4 GiB below 1G in all, 2
 * of them in ZONE_NORMAL behind two 1G-mapped GiBs, where the page
 * allocator (lowest address first) never hands a block out before those.
 */
SimConfig vmLike8GSpread();

/*
 * Hold @hold_pages in order-9 blocks, then free and drain. @directed false:
 * every um_plat_block_alloc_at() fails, as keep_1g was before its directed
 * walk (candidates only).
 */
void hold1g(const SimConfig &scfg, bool keep_1g, uint64_t hold_pages,
	    Hold1gResult *out, bool directed = true);

} /* namespace sim */

#endif /* UNMAPPED_SIM_HOLD_1G_H */
