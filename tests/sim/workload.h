// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload.h - allocation workloads for unmapped-sim, generated from a
 * seed as a list of operations so every strategy replays the same one.
 */
#ifndef UNMAPPED_SIM_WORKLOAD_H
#define UNMAPPED_SIM_WORKLOAD_H

#include <cstdint>
#include <string>
#include <vector>

namespace sim {

struct Op {
	enum class Kind { Alloc, Free, Shrink, Drain };

	Kind kind;
	uint32_t id;		/* Alloc/Free: which allocation */
	unsigned order;		/* Alloc */
};

struct Workload {
	std::string name;
	std::string description;
	std::vector<Op> ops;
	uint32_t allocations = 0;	/* ids are 0..allocations-1 */
};

/* Names of the default set, in table order. */
std::vector<std::string> workloadNames();

/* Return: false if @name is not a known workload. */
bool makeWorkload(const std::string &name, uint64_t seed, Workload *out);

} /* namespace sim */

#endif /* UNMAPPED_SIM_WORKLOAD_H */
