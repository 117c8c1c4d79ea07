// SPDX-License-Identifier: GPL-2.0-only
/*
 * probes.h - what the benchmark reads from the kernel around each run.
 *
 * Exact counts only: call-function IPIs and direct-map splits come from
 * unmapped_bench.ko (debugfs counters, summed in the kernel), DirectMap4k
 * and MemFree from /proc/meminfo, the cache's own counters from
 * /sys/kernel/debug/unmapped/stats when unmapped.ko is loaded.
 */
#ifndef UM_BENCH_PROBES_H
#define UM_BENCH_PROBES_H

#include <cstdint>
#include <map>
#include <string>

namespace bench {

struct Snapshot {
	std::uint64_t call_ipis = 0;	/* all call-function IPIs received */
	std::uint64_t tlb_ipis = 0;	/* of which user-mm TLB shootdowns */
	std::uint64_t flush_ipis = 0;	/* IPIs that flushed kernel TLB entries */
	/*
	 * Of the above, those of the vmap purge the read ran before it took
	 * them (unmapped_bench.c, counters_show()): a window that ends here
	 * ends before them (call_ipis_since(), flush_ipis_since()).
	 */
	std::uint64_t purge_call_ipis = 0;
	std::uint64_t purge_flush_ipis = 0;
	std::uint64_t splits_l2 = 0;
	std::uint64_t splits_l3 = 0;
	std::uint64_t directmap4k_kb = 0;
	std::uint64_t memfree_kb = 0;
	std::map<std::string, std::uint64_t> cache;	/* empty without unmapped.ko */

	/* Counter @name of the cache, 0 when absent. */
	std::uint64_t stat(const std::string &name) const;
	/* Call / flush IPIs of the window from @start to this read. */
	std::uint64_t call_ipis_since(const Snapshot &start) const
	{
		return call_ipis - purge_call_ipis - start.call_ipis;
	}
	std::uint64_t flush_ipis_since(const Snapshot &start) const
	{
		return flush_ipis - purge_flush_ipis - start.flush_ipis;
	}
};

/* Read everything now; throws std::runtime_error without unmapped_bench.ko. */
Snapshot snapshot();

/* `key value` lines of a file (debugfs results and stats). */
std::map<std::string, std::string> read_keyvals(const std::string &path);

/* echo 2 > /proc/sys/vm/drop_caches: runs every shrinker, ours included. */
void drop_caches();

} // namespace bench

#endif
