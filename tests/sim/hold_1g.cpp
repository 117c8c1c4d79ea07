// SPDX-License-Identifier: GPL-2.0-only
/*
 * hold_1g.cpp - the 1G experiment (hold_1g.h).
 */
#include "hold_1g.h"

#include <algorithm>

namespace sim {

SimConfig vmLike8G()
{
	SimConfig c;

	c.mem_bytes = uint64_t(8) << 30;
	c.pmd_bytes = uint64_t(1) << 30;
	c.pmd_gib = { 2 };
	c.low_zone_bytes = uint64_t(3) << 30;
	return c;
}

SimConfig vmLike8GSpread()
{
	SimConfig c = vmLike8G();

	c.pmd_gib = { 2, 5, 6 };
	return c;
}

static uint64_t pages1g(SimPlatform &sim)
{
	uint64_t n = 0;

	sim.withDm([&](const DirectMapModel &dm) {
		n = dm.pagesAtLevel(Level::Pud1G);
	});
	return n;
}

void hold1g(const SimConfig &scfg, bool keep_1g, uint64_t hold_pages,
	    Hold1gResult *out, bool directed)
{
	SimPlatform sim(scfg);
	um_config cfg = {};
	um_cache *cache = nullptr;
	std::vector<um_pfn_t> held;
	um_stats st, prev = {};
	DmSplits s0;

	cfg.backend = UM_BACKEND_RANGE;
	cfg.keep_1g = keep_1g;
	*out = Hold1gResult();
	sim.fail_block_alloc_at.failAlways(!directed);
	if (um_cache_create(sim.plat(), &cfg, &cache)) {
		out->errors.push_back("um_cache_create failed");
		return;
	}
	sim.withDm([&](const DirectMapModel &dm) { s0 = dm.splits(); });
	out->dm1g_before = pages1g(sim);
	for (uint64_t got = 0; got < hold_pages; got += kPagesPerPmd) {
		um_pfn_t pfn;

		if (um_cache_alloc(cache, 0, UM_PMD_ORDER, UM_ALLOC_NOZERO,
				   &pfn))
			break;
		held.push_back(pfn);
		um_cache_stats(cache, 0, &st);
		/* One 2M allocation, at most one refill: its search. */
		out->max_tried_per_refill = std::max<uint64_t>(
			out->max_tried_per_refill,
			st.v[UM_STAT_refill_1g_candidates_tried] -
				prev.v[UM_STAT_refill_1g_candidates_tried]);
		out->max_looked_per_refill = std::max<uint64_t>(
			out->max_looked_per_refill,
			st.v[UM_STAT_refill_1g_directed_looked] -
				prev.v[UM_STAT_refill_1g_directed_looked]);
		prev = st;
	}
	out->held_pages = held.size() * kPagesPerPmd;
	out->dm1g_held = pages1g(sim);
	sim.withDm([&](const DirectMapModel &dm) {
		out->splits_l3 = dm.splits().l3 - s0.l3;
		out->splits_l2 = dm.splits().l2 - s0.l2;
	});
	um_cache_stats(cache, 0, &st);
	out->refills = st.v[UM_STAT_refills];
	out->searches = st.v[UM_STAT_refill_1g_searches];
	out->tried = st.v[UM_STAT_refill_1g_candidates_tried];
	out->returned = st.v[UM_STAT_refill_1g_candidates_returned];
	out->split_accepted = st.v[UM_STAT_refill_1g_split_accepted];
	out->directed = st.v[UM_STAT_refill_1g_directed];
	out->directed_missed = st.v[UM_STAT_refill_1g_directed_missed];
	out->looked = st.v[UM_STAT_refill_1g_directed_looked];
	for (um_pfn_t pfn : held)
		if (um_cache_free(cache, pfn, UM_PMD_ORDER))
			out->errors.push_back("um_cache_free failed");
	um_cache_drain(cache);
	if (um_cache_destroy(cache))
		out->errors.push_back("um_cache_destroy failed");
	out->dm1g_after = pages1g(sim);
	for (const std::string &e : sim.errors())
		out->errors.push_back(e);
}

} /* namespace sim */
