// SPDX-License-Identifier: GPL-2.0-only
/*
 * strategy.h - the ways unmapped-sim hands out unmapped pages:
 *
 *   nocache   each allocation straight from the page allocator, unmapped
 *             page by page with one flush per page (what memfd_secret
 *             does per fault); freed page by page.
 *   page      the core cache, UM_BACKEND_PAGE (upstream RFC design).
 *   range     the core cache, UM_BACKEND_RANGE.
 */
#ifndef UNMAPPED_SIM_STRATEGY_H
#define UNMAPPED_SIM_STRATEGY_H

#include "sim_platform.h"
#include "workload.h"

#include <memory>
#include <string>
#include <vector>

namespace sim {

/* What one replay cost, from the simulated hardware and the core. */
struct RunResult {
	std::string workload;
	std::string strategy;
	uint64_t allocations = 0;
	uint64_t pages_handed_out = 0;
	uint64_t splits_l2 = 0;
	uint64_t splits_l3 = 0;
	uint64_t flushes = 0;		/* flushes asked for by dm calls */
	uint64_t split_flushes = 0;	/* flush_tlb_all() inside splits */
	uint64_t dm_calls = 0;
	uint64_t refills = 0;
	uint64_t releases = 0;
	uint64_t max_flushes_per_refill = 0;
	uint64_t peak_unmapped_pages = 0;
	double wall_ms = 0;
	std::vector<std::string> errors;	/* platform rules broken */
};

std::vector<std::string> strategyNames();

/* Return: false if @strategy is unknown. */
bool replay(const Workload &w, const std::string &strategy, RunResult *out);

} /* namespace sim */

#endif /* UNMAPPED_SIM_STRATEGY_H */
