// SPDX-License-Identifier: GPL-2.0-only
/*
 * paths.h - the ways the benchmark gets memory that is out of the direct map
 * (or, for the lower bounds, plain memory), and the workloads run on them.
 *
 * Kernel paths run inside unmapped_bench.ko; userspace paths here, each
 * allocation mapped and every page touched once, as a program would.
 */
#ifndef UM_BENCH_PATHS_H
#define UM_BENCH_PATHS_H

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

enum class Workload { Seq, Mixed, Churn, Threads };

struct PathDesc {
	const char *name;	/* as given to -p */
	const char *kernel;	/* unmapped_bench path=, or nullptr */
	const char *what;	/* one line for the report */
};

/* All paths, in report order; nullptr if @name is unknown. */
const std::vector<PathDesc> &all_paths();
const PathDesc *find_path(const std::string &name);
const char *workload_name(Workload w);

struct Params {
	std::uint64_t pages = 4096;	/* per iteration (churn: live set) */
	unsigned iters = 5;		/* iteration 0 is the cold one */
	unsigned threads = 2;		/* for Workload::Threads */
	std::uint64_t steps = 4096;	/* churn replacements per phase */
	std::uint64_t seed = 1;
};

/* One timed iteration: wall time and pages handed out. */
struct Sample {
	std::uint64_t ns = 0;
	std::uint64_t pages = 0;
	std::uint64_t ns_per_page() const { return pages ? ns / pages : 0; }
};

/*
 * run_iterations() - @count iterations of @w on @path with @threads
 * threads (iteration numbers start at @first, for seeding). Churn keeps its
 * live set across calls until @release. Throws std::runtime_error (or
 * unmapped::Error) on failure.
 */
std::vector<Sample> run_iterations(const PathDesc &path, Workload w,
				   const Params &p, unsigned first,
				   unsigned count, unsigned threads,
				   bool release);

/* Run the calling thread on @cpu only; false (errno set) if it cannot. */
bool pin_to_cpu(unsigned cpu);

} // namespace bench

#endif
